"""Explanations (the records behind a value, the gap list) and live previews, both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from kpidesk.data.db import Database
from kpidesk.domain.templates import ParamError
from kpidesk.engine.catalogue import UnknownTemplate
from kpidesk.engine.explain import ExplainError, explain
from kpidesk.engine.preview import PreviewRow, preview_rule
from kpidesk.engine.run import run_for_date
from tests.engine.builders import CPH, Builder, local

D = dt.date(2026, 3, 29)
DAY = dt.timedelta(days=1)


def test_explain_planned_meetings_lists_the_six_meetings(db: Database) -> None:
    b = Builder(db)
    salg = b.profile("Salg")
    anna = b.user("anna", salg)
    acme = b.company("ACME", kam=anna)
    ids = [b.activity(local(D + day * DAY, 9), [anna], company=acme) for day in range(6)]
    b.activity(local(D + DAY), [anna], status="cancelled", company=acme)
    b.activity(local(D + 14 * DAY), [anna], company=acme)
    rule = b.rule("Møder", "planned_meetings", None, 10, [salg])
    run_for_date(db, D)

    e = explain(db, rule, anna, D)
    assert (e.value, e.target, e.score, e.stored_value, e.has_result) == (6.0, 10.0, 0.6, 6.0, True)
    assert e.columns == ["activity", "start", "type", "status", "company"]
    assert e.column_labels("da") == ["Aktivitet", "Start", "Type", "Status", "Firma"]
    assert [row[0] for row in e.rows] == [str(i) for i in ids]  # CRM keys (here the ids)
    first = e.rows[0]
    assert first[1] == dt.datetime(2026, 3, 29, 9, 0, tzinfo=CPH)
    assert first[1].tzinfo == CPH  # shown in the installation's time zone
    assert first[2:] == ("Salgsmøde", "planned", "ACME")
    assert e.gap_rows == [] and e.gap_columns == []
    assert e.summary == "6 mod målet 10 (60 %)"
    assert e.description == "Antal planlagte Salgsmøder de næste 14 dage, hvor brugeren deltager"
    assert explain(db, rule, anna, D, lang="en").summary == "6 against a target of 10 (60%)"


def test_explain_coverage_gives_the_call_list(db: Database) -> None:
    b = Builder(db)
    salg = b.profile("Salg")
    anna, bo = b.user("anna", salg), b.user("bo", salg)
    met = b.company("Mødt", kam=anna)
    long_ago = b.company("Længe siden", kam=anna)
    never = b.company("Aldrig", kam=anna)
    b.company("Emne", kam=anna, customer=False)
    b.activity(local(D - 5 * DAY, 10), [anna], status="done", company=met)
    b.activity(local(D - 20 * DAY, 10), [anna], status="done", company=met)
    b.activity(local(D - 200 * DAY, 10), [anna], status="done", company=long_ago)
    b.activity(local(D - 3 * DAY, 10), [bo], status="done", company=never)  # anna not there
    rule = b.rule("Dækning", "kam_coverage", None, 0.8, [salg])
    run_for_date(db, D)

    e = explain(db, rule, anna, D)
    assert e.value == pytest.approx(1 / 3)
    assert e.columns == ["company_id", "company", "last_activity"]
    assert e.rows == [
        (str(never), "Aldrig", None),
        (str(long_ago), "Længe siden", None),
        (str(met), "Mødt", dt.datetime(2026, 3, 24, 10, 0, tzinfo=CPH)),
    ]
    assert e.gap_columns == ["company_id", "company", "last_ever"]
    # Never met first, then the longest since a meeting: a ready call list.
    assert e.gap_rows == [
        (str(never), "Aldrig", None),
        (str(long_ago), "Længe siden", dt.datetime(2025, 9, 10, 10, 0, tzinfo=CPH)),
    ]
    assert e.summary == "33,3 % mod målet 80 % (42 %); 2 af 3 kunder mangler"

    undefined = explain(db, rule, bo, D, lang="en")
    assert (undefined.value, undefined.score, undefined.rows, undefined.gap_rows) == (
        None, None, [], [],
    )  # fmt: skip
    assert undefined.summary == "No value (the user is key account manager of no customers)"


def test_explain_opportunities_and_errors(db: Database) -> None:
    b = Builder(db)
    salg = b.profile("Salg")
    anna = b.user("anna", salg)
    acme = b.company("ACME")
    opp = b.opportunity(anna, stage="won", amount="12500.75", company=acme,
                        created=local(D - 40 * DAY), closed=local(D - 2 * DAY, 15))  # fmt: skip
    rule = b.rule("Omsætning", "won_revenue", None, 100000, [salg])
    e = explain(db, rule, anna, D)
    assert not e.has_result and e.stored_value is None  # no run yet: live only
    assert e.value == 12500.75
    assert e.columns == ["opportunity_id", "opportunity", "company", "amount", "stage", "closed"]
    assert e.rows == [
        (
            str(opp),
            f"Opp {opp}",
            "ACME",
            12500.75,
            "won",
            dt.datetime(2026, 3, 27, 15, 0, tzinfo=CPH),
        )  # fmt: skip
    ]
    assert e.summary.startswith("12.501 kr. mod målet 100.000 kr.")
    with pytest.raises(ExplainError, match="no KPI rule with id 999"):
        explain(db, 999, anna, D)
    with pytest.raises(ExplainError, match="no user with id 999"):
        explain(db, rule, 999, D)


def test_preview_is_the_run_computed_live(db: Database) -> None:
    b = Builder(db)
    salg, support = b.profile("Salg"), b.profile("Support")
    anna, bo = b.user("anna", salg), b.user("bo", salg)
    carl = b.user("carl", support)
    b.user("off", salg, active=False)
    for day in range(6):
        b.activity(local(D + day * DAY, 9), [anna])
    b.activity(local(D + DAY, 9), [carl], type="Opgave")
    rows = preview_rule(db, "planned_meetings", {}, 10, [salg], D)
    assert rows == [
        PreviewRow(anna, "anna", "Anna", 6.0, 0.6),
        PreviewRow(bo, "bo", "Bo", 0.0, 0.0),
    ]
    both = preview_rule(
        db, "planned_meetings", {"activity_types": ["Opgave"], "days": 2}, 1, [salg, support], D
    )
    assert [(r.login, r.value, r.score) for r in both] == [
        ("anna", 0.0, 0.0), ("bo", 0.0, 0.0), ("carl", 1.0, 1.0),
    ]  # fmt: skip
    coverage = preview_rule(db, "kam_coverage", {}, 0.8, [salg], D)
    assert [(r.value, r.score) for r in coverage] == [(None, None), (None, None)]
    assert preview_rule(db, "planned_meetings", {}, 10, [], D) == []
    with pytest.raises(ParamError, match="out of bounds"):
        preview_rule(db, "planned_meetings", {"days": 999}, 10, [salg], D)
    with pytest.raises(UnknownTemplate):
        preview_rule(db, "nope", {}, 10, [salg], D)


def test_explain_neglected_accounts_and_an_undefined_win_rate(db: Database) -> None:
    b = Builder(db)
    salg = b.profile("Salg")
    anna = b.user("anna", salg)
    seen = b.company("Set", kam=anna)
    b.company("Glemt", kam=anna)
    b.activity(local(D - 10 * DAY, 10), [anna], status="done", type="Opgave", company=seen)
    neglected = b.rule("Forsømte", "neglected_accounts", None, 0, [salg])
    e = explain(db, neglected, anna, D, lang="en")
    assert e.value == 1.0 and e.score == 0.0
    assert [row[1] for row in e.rows] == ["Glemt", "Set"]
    assert [row[1] for row in e.gap_rows] == ["Glemt"]
    assert e.summary == "1 against a target of 0 (0%); 1 of 2 customers missing"
    rate = b.rule("Hitrate", "win_rate", None, 0.5, [salg])
    e = explain(db, rate, anna, D)
    assert (e.value, e.score, e.rows) == (None, None, [])
    assert e.summary == "Ingen værdi (ingen af brugerens salgsmuligheder er lukket i perioden)"
