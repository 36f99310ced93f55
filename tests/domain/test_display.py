"""The one value formatter, the language a locale asks for, and the message catalogue."""

from __future__ import annotations

import pytest

from kpidesk.domain.display import format_number, format_score, format_value
from kpidesk.domain.messages import Catalogue, Msg, language_from_environment


@pytest.mark.parametrize(
    ("value", "unit", "danish", "english"),
    [
        (1234567, "currency", "1.234.567 kr.", "DKK 1,234,567"),
        (1234567.4, "currency", "1.234.567 kr.", "DKK 1,234,567"),
        (12500.5, "currency", "12.501 kr.", "DKK 12,501"),  # half away from zero, as people
        (0.6256, "percent", "62,6 %", "62.6%"),
        (-1500, "currency", "-1.500 kr.", "DKK -1,500"),
        (0.6, "percent", "60 %", "60%"),
        (0.605, "percent", "60,5 %", "60.5%"),
        (0.625, "percent", "62,5 %", "62.5%"),
        (2 / 3, "percent", "66,7 %", "66.7%"),
        (1.0, "percent", "100 %", "100%"),
        (6, "count", "6", "6"),
        (6.04, "count", "6", "6"),
        (6.5, "count", "6,5", "6.5"),
        (12000, "count", "12.000", "12,000"),
        (None, "count", "–", "–"),
        (float("nan"), "currency", "–", "–"),
        (float("inf"), "percent", "–", "–"),
        (0, "percent", "0 %", "0%"),
    ],
)
def test_values_read_the_same_in_every_front_end(
    value: float | None, unit: str, danish: str, english: str
) -> None:
    assert format_value(value, unit, "da") == danish
    assert format_value(value, unit, "en") == english


def test_the_installations_currency_is_named() -> None:
    assert format_value(1500, "currency", "da", "EUR") == "1.500 EUR"
    assert format_value(1500, "currency", "en", "eur") == "EUR 1,500"
    assert format_value(1500, "currency", "da", "DKK") == "1.500 kr."


def test_scores_are_whole_percents() -> None:
    assert format_score(0.606, "da") == "61 %"
    assert format_score(1.25, "en") == "125%"
    assert format_score(None, "da") == "–"


def test_numbers_group_and_keep_only_the_decimals_they_have() -> None:
    assert format_number(1234567.891, "da", 2) == "1.234.567,89"
    assert format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert format_number(2.50, "da", 2) == "2,5"
    assert format_number(-0.04, "da", 1) == "0"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "da_DK.UTF-8"}, "da"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
        ({"LC_MESSAGES": "da_DK", "LANG": "en_US.UTF-8"}, "da"),
        ({"LC_NUMERIC": "en_US.UTF-8", "LANG": "da_DK.UTF-8"}, "da"),
        ({"LANGUAGE": "en:da", "LANG": "da_DK.UTF-8"}, "en"),
        ({"LANGUAGE": "da", "LANG": "en_US.UTF-8"}, "da"),
        ({"LANGUAGE": "en", "LANG": "C"}, "da"),
        ({"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, "da"),
        ({"LANG": "fr_FR.UTF-8"}, "da"),
        ({"LANG": "en"}, "en"),
        ({}, "da"),
    ],
)
def test_language_from_environment(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


def test_plurals_pick_their_form_by_count() -> None:
    catalogue = Catalogue()
    catalogue.define(
        "t", {"runs": Msg(da=("{n} kørsel", "{n} kørsler"), en=("{n} run", "{n} runs"))}
    )
    assert catalogue.say("t.runs", "en", n=1) == "1 run"
    assert catalogue.say("t.runs", "en", n=3) == "3 runs"
    assert catalogue.say("t.runs", "da", n=0) == "0 kørsler"
    with pytest.raises(ValueError, match="t.runs.*is a plural"):
        catalogue.say("t.runs", "en")
    with pytest.raises(KeyError, match="no message 't.nothing'"):
        catalogue.say("t.nothing")
    with pytest.raises(ValueError, match="both languages"):
        Msg(da=("en", "flere"), en="one")


def test_a_message_is_defined_once() -> None:
    catalogue = Catalogue()
    catalogue.define("t", {"a": Msg(da="a", en="a")})
    catalogue.define("t", {"a": Msg(da="a", en="a")})  # the same again: a module re-imported
    with pytest.raises(ValueError, match="already defined differently"):
        catalogue.define("t", {"a": Msg(da="b", en="a")})
