"""Template parameters: defaults, clear errors, and the rule in words."""

from __future__ import annotations

from typing import Any

import pytest

from kpidesk.domain.messages import Msg, say
from kpidesk.domain.templates import (
    ParamError,
    TemplateSpec,
    activity_types_param,
    days_param,
    describe,
    join_words,
    period_param,
    validate_params,
)

X = Msg(da="x", en="x")
# Keys of their own: a spec defines its words in the catalogue, where the real templates'
# `planned_meetings` and `won_deals` already have theirs.
MEETINGS = TemplateSpec(
    key="test_meetings",
    name=Msg(da="Planlagte møder", en="Planned meetings"),
    description=Msg(
        da="Antal planlagte {types} de næste {days} dage, hvor brugeren deltager",
        en="Number of planned {types} in the next {days} days in which the user participates",
    ),
    params=(activity_types_param(["Salgsmøde"]), days_param(14)),
    unit="count",
    direction="higher",
)
WON = TemplateSpec(
    key="test_won",
    name=Msg(da="Vundne ordrer", en="Won deals"),
    description=Msg(
        da="Antal af brugerens salgsmuligheder vundet {window}",
        en="Number of the user's opportunities won {window}",
    ),
    params=(period_param("month"), days_param(30)),
    unit="count",
    direction="higher",
)


def test_defaults_are_filled_in() -> None:
    assert validate_params(MEETINGS, {}) == {"activity_types": ["Salgsmøde"], "days": 14}
    assert validate_params(MEETINGS, None) == {"activity_types": ["Salgsmøde"], "days": 14}
    assert validate_params(WON, {"period": "rolling"}) == {"period": "rolling", "days": 30}
    assert MEETINGS.defaults() == {"activity_types": ["Salgsmøde"], "days": 14}


def test_values_are_normalised() -> None:
    clean = validate_params(MEETINGS, {"activity_types": [" Opgave ", "Opgave"], "days": 7.0})
    assert clean == {"activity_types": ["Opgave"], "days": 7}
    assert validate_params(MEETINGS, {"activity_types": []})["activity_types"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dayz": 3}, "unknown parameter dayz"),
        ({"days": "14"}, "expected a whole number"),
        ({"days": True}, "expected a whole number"),
        ({"days": 14.5}, "expected a whole number"),
        ({"days": 0}, "out of bounds"),
        ({"days": 731}, "out of bounds"),
        ({"activity_types": "Salgsmøde"}, "list of activity type names"),
        ({"activity_types": ["Salgsmøde", 3]}, "non-empty text"),
        ({"activity_types": [""]}, "non-empty text"),
    ],
)
def test_bad_params_give_clear_errors(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParamError, match=message) as info:
        validate_params(MEETINGS, params)
    assert "test_meetings" in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_period() -> None:
    with pytest.raises(ParamError, match="month, quarter, year, rolling"):
        validate_params(WON, {"period": "week"})
    with pytest.raises(ParamError, match="must be an object"):
        validate_params(WON, ["month"])  # type: ignore[arg-type]


def test_bounds_are_inclusive() -> None:
    assert validate_params(MEETINGS, {"days": 1})["days"] == 1
    assert validate_params(MEETINGS, {"days": 730})["days"] == 730


def test_describe_the_seed_rule() -> None:
    assert describe(MEETINGS, {}, "da") == (
        "Antal planlagte Salgsmøder de næste 14 dage, hvor brugeren deltager"
    )
    assert describe(MEETINGS, {}, "en") == (
        "Number of planned Salgsmøde activities in the next 14 days in which the user participates"
    )


def test_describe_lists_and_all_types() -> None:
    three = {"activity_types": ["Salgsmøde", "Opgave", "Besøg"], "days": 7}
    assert describe(MEETINGS, three, "da").startswith(
        "Antal planlagte Salgsmøder, Opgaver og Besøg"
    )
    assert describe(MEETINGS, three, "en").startswith(
        "Number of planned Salgsmøde, Opgave and Besøg activities in the next 7 days"
    )
    assert "aktiviteter (alle typer)" in describe(MEETINGS, {"activity_types": []}, "da")
    assert "activities (all types)" in describe(MEETINGS, {"activity_types": []}, "en")


def test_describe_periods() -> None:
    assert (
        describe(WON, {}, "da")
        == "Antal af brugerens salgsmuligheder vundet i denne måned indtil i dag"
    )
    assert describe(WON, {"period": "rolling", "days": 45}, "en") == (
        "Number of the user's opportunities won in the last 45 days"
    )


def test_join_words() -> None:
    assert join_words([], "da") == ""
    assert join_words(["A"], "da") == "A"
    assert join_words(["A", "B"], "da") == "A og B"
    assert join_words(["A", "B", "C"], "en") == "A, B and C"


def test_spec_checks_itself() -> None:
    with pytest.raises(ValueError, match="unit"):
        TemplateSpec("x", X, X, (), "pieces", "higher")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="duplicate"):
        TemplateSpec("x", X, X, (days_param(1), days_param(2)), "count", "higher")


def test_a_template_says_its_name_through_the_catalogue() -> None:
    assert say("template.test_meetings.name", "en") == "Planned meetings"
    assert MEETINGS.title("da") == "Planlagte møder" and MEETINGS.why_undefined("en") == ""
    with pytest.raises(ValueError, match="already defined differently"):
        TemplateSpec("test_meetings", Msg(da="Andet", en="Other"), X, (), "count", "higher")


def test_spec_as_json() -> None:
    data = MEETINGS.to_json()
    assert data["key"] == "test_meetings"
    assert (data["name_da"], data["name_en"]) == ("Planlagte møder", "Planned meetings")
    assert data["unit"] == "count" and data["direction"] == "higher"
    days = next(p for p in data["params"] if p["key"] == "days")
    assert days == {"key": "days", "kind": "int", "default": 14, "label_da": "Antal dage",
                    "label_en": "Days", "bounds": [1, 730]}  # fmt: skip
    assert data["params"][0]["default"] == ["Salgsmøde"]
