"""Every template on hand-made data with known answers, on SQLite and PostgreSQL.

D is 2026-03-29 (Copenhagen springs forward that night) unless a test says otherwise; the
boundaries of issue 3 are checked for each: D+N 00:00 out, D 00:00 in, cancelled never
counts, non-participants never count, users without profile or inactive get no value.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Connection, select

from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, utcnow
from kpidesk.engine.catalogue import TEMPLATES, UnknownTemplate, get_template
from kpidesk.engine.run import RuleError, RuleLike, insert_rule_results
from tests.engine.builders import CPH, Builder, local

D = dt.date(2026, 3, 29)
_names = itertools.count(1)
DAY = dt.timedelta(days=1)


@dataclass
class World:
    b: Builder
    salg: int
    support: int
    anna: int
    bo: int
    carl: int  # profile Support: rules for Salg never reach him
    dora: int  # Salg, inactive
    eve: int  # no profile


@pytest.fixture
def world(db: Database) -> World:
    b = Builder(db)
    salg, support = b.profile("Salg"), b.profile("Support")
    return World(
        b, salg, support,
        anna=b.user("anna", salg), bo=b.user("bo", salg), carl=b.user("carl", support),
        dora=b.user("dora", salg, active=False), eve=b.user("eve", None),
    )  # fmt: skip


def values(
    w: World, template: str, params: dict[str, Any] | None = None, d: dt.date = D
) -> dict[int, float | None]:
    rule_id = w.b.rule(f"rule {next(_names)}", template, params, 1, [w.salg])
    with w.b.db.connect(write=True) as conn:
        rule = conn.execute(
            select(KpiRule.id, KpiRule.template, KpiRule.params).where(KpiRule.id == rule_id)
        ).one()
        return written_values(conn, rule, d)


def written_values(conn: Connection, rule: RuleLike, d: dt.date) -> dict[int, float | None]:
    """user_id → value as a run writes it (`insert_rule_results`, the nightly run's statement)."""
    insert_rule_results(conn, rule, 1.0, d, CPH, None, utcnow())
    rows = conn.execute(
        select(KpiResult.user_id, KpiResult.value).where(
            KpiResult.rule_id == rule.id, KpiResult.run_date == d
        )
    )
    return {int(user_id): value for user_id, value in rows}


def test_catalogue_has_the_ten_templates() -> None:
    assert list(TEMPLATES) == [
        "planned_meetings", "kam_coverage", "completed_activities", "overdue_activities",
        "neglected_accounts", "won_deals", "won_revenue", "pipeline_value", "win_rate",
        "new_opportunities",
    ]  # fmt: skip
    for key, template in TEMPLATES.items():
        assert template.spec.key == key
        assert template.spec.title("da") and template.spec.title("en")
    with pytest.raises(UnknownTemplate, match="unknown template 'nope'; known templates: "):
        get_template("nope")


def test_seed_example(world: World) -> None:
    for day in range(6):
        world.b.activity(local(D + day * DAY, 9), [world.anna])
    rows = values(world, "planned_meetings")
    assert rows == {world.anna: 6.0, world.bo: 0.0}


@pytest.mark.parametrize("d", [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 6, 15)])
def test_planned_meetings_boundaries(world: World, d: dt.date) -> None:
    w, b = world, world.b
    end = d + 14 * DAY
    b.activity(local(d), [w.anna])  # D 00:00: in
    b.activity(local(end - DAY, 23, 59), [w.anna, w.bo])  # last minute: in (both)
    b.activity(local(end) + dt.timedelta(minutes=30), [w.anna])  # D+14 00:30 local: out
    b.activity(local(end), [w.anna])  # D+14 00:00: out
    b.activity(local(d - DAY, 23, 59), [w.anna])  # before D: out
    b.activity(local(d, 10), [w.anna], status="cancelled")  # cancelled: out
    b.activity(local(d, 10), [w.anna], status="done")  # not planned: out
    b.activity(local(d, 10), [w.anna], type="Opgave")  # other type: out
    b.activity(local(d, 11), [w.bo], owner=w.anna)  # anna owns, bo participates: bo only
    b.activity(local(d, 12), [w.carl, w.dora, w.eve])  # users the rule does not reach
    assert values(w, "planned_meetings", None, d) == {w.anna: 2.0, w.bo: 2.0}
    assert values(w, "planned_meetings", {"activity_types": []}, d) == {w.anna: 3.0, w.bo: 2.0}
    assert values(w, "planned_meetings", {"days": 1}, d) == {w.anna: 1.0, w.bo: 1.0}


def test_planned_meetings_window_is_local_days_not_hours(world: World) -> None:
    # 14 local days from 2026-03-29 are 14×24−1 hours: 2026-04-12 00:30 local is out, although
    # it is less than 14×24 hours after D 00:00.
    w = world
    w.b.activity(dt.datetime(2026, 4, 11, 22, 30, tzinfo=dt.UTC), [w.anna])
    w.b.activity(dt.datetime(2026, 4, 11, 21, 59, tzinfo=dt.UTC), [w.anna])
    assert values(w, "planned_meetings")[w.anna] == 1.0


def test_kam_coverage(world: World) -> None:
    w, b = world, world.b
    ann1, ann2, ann3 = (
        b.company("A1", kam=w.anna),
        b.company("A2", kam=w.anna),
        b.company("A3", kam=w.anna),
    )
    prospect = b.company("Prospect", kam=w.anna, customer=False)
    bos = b.company("B1", kam=w.bo)
    b.activity(local(D - DAY, 23), [w.anna], status="done", company=ann1)
    b.activity(local(D - 2 * DAY), [w.anna], status="done", company=ann1)  # twice: one company
    b.activity(local(D - 90 * DAY), [w.anna, w.bo], status="done", company=ann2)  # window start
    b.activity(local(D - 90 * DAY) - dt.timedelta(minutes=1), [w.anna], status="done", company=ann3)
    b.activity(local(D), [w.anna], status="done", company=ann3)  # D 00:00: not in the last days
    b.activity(local(D - DAY), [w.anna], status="planned", company=ann3)
    b.activity(local(D - DAY), [w.anna], status="cancelled", company=ann3)
    b.activity(local(D - DAY), [w.bo], status="done", company=ann3)  # anna not there
    b.activity(local(D - DAY), [w.anna], status="done", type="Opgave", company=ann3)
    b.activity(local(D - DAY), [w.anna], status="done", company=prospect)  # not a customer
    b.activity(local(D - DAY), [w.anna], status="done", company=bos)  # bo is KAM, not there
    b.company("C1", kam=w.carl)
    result = values(w, "kam_coverage")
    assert result == {w.anna: 2 / 3, w.bo: 0.0}
    lone = b.user("lone", w.salg)  # manages no customers: undefined, not 0
    result = values(w, "kam_coverage")
    assert result[lone] is None
    assert values(w, "kam_coverage", {"days": 1})[w.anna] == 1 / 3
    assert values(w, "kam_coverage", {"activity_types": [], "days": 1})[w.anna] == 2 / 3


def test_completed_activities(world: World) -> None:
    w, b = world, world.b
    b.activity(local(D - 30 * DAY), [w.anna], status="done", type="Opgave")  # window start: in
    b.activity(local(D - DAY, 23, 59), [w.anna], status="done")  # in
    b.activity(local(D), [w.anna], status="done")  # D 00:00: out
    b.activity(local(D - 31 * DAY, 23, 59), [w.anna], status="done")  # out
    b.activity(local(D - 2 * DAY), [w.anna], status="planned")
    b.activity(local(D - 2 * DAY), [w.anna], status="cancelled")
    b.activity(local(D - 2 * DAY), [w.bo, w.eve], status="done", owner=w.anna)
    assert values(w, "completed_activities") == {w.anna: 2.0, w.bo: 1.0}
    assert values(w, "completed_activities", {"activity_types": ["Opgave"]})[w.anna] == 1.0


def test_overdue_activities(world: World) -> None:
    w, b = world, world.b
    b.activity(local(D - 100 * DAY), [w.anna], type="Opgave")  # in
    b.activity(local(D - DAY, 23, 59), [w.anna], type="Opgave")  # in
    b.activity(local(D), [w.anna], type="Opgave")  # starts at D 00:00: not overdue yet
    b.activity(local(D - 5 * DAY), [w.anna], type="Opgave", status="done")
    b.activity(local(D - 5 * DAY), [w.anna], type="Opgave", status="cancelled")
    b.activity(local(D - 5 * DAY), [w.anna], type="Salgsmøde")
    b.activity(local(D - 5 * DAY), [w.bo], type="Opgave", owner=w.anna)
    assert values(w, "overdue_activities") == {w.anna: 2.0, w.bo: 1.0}
    assert values(w, "overdue_activities", {"activity_types": []})[w.anna] == 3.0


def test_neglected_accounts(world: World) -> None:
    w, b = world, world.b
    fine = b.company("Fine", kam=w.anna)
    old = b.company("Old", kam=w.anna)
    b.company("Never", kam=w.anna)
    other = b.company("Other", kam=w.anna)
    prospect = b.company("Prospect", kam=w.anna, customer=False)
    b.activity(local(D - 60 * DAY), [w.anna], status="done", type="Opgave", company=fine)
    b.activity(local(D - 61 * DAY), [w.anna], status="done", company=old)
    b.activity(local(D - DAY), [w.anna], status="cancelled", company=old)
    b.activity(local(D - DAY), [w.bo], status="done", company=other)
    b.activity(local(D - 100 * DAY), [w.anna], status="done", company=prospect)
    assert values(w, "neglected_accounts") == {w.anna: 3.0, w.bo: 0.0}
    assert values(w, "neglected_accounts", {"days": 61})[w.anna] == 2.0
    assert values(w, "neglected_accounts", {"activity_types": ["Salgsmøde"]})[w.anna] == 4.0


def _won_world(w: World) -> None:
    b = w.b
    created = local(dt.date(2025, 12, 1))
    b.opportunity(
        w.anna, stage="won", amount="1000.10", created=created, closed=local(dt.date(2026, 3, 1))
    )
    b.opportunity(
        w.anna, stage="won", amount="0.20", created=created, closed=local(D - DAY, 23, 59)
    )
    b.opportunity(w.anna, stage="won", amount="7", created=created, closed=local(D))  # D: out
    b.opportunity(w.anna, stage="won", amount="50", created=created,
                  closed=local(dt.date(2026, 2, 28), 23, 59))  # fmt: skip
    b.opportunity(
        w.anna, stage="won", amount="300", created=created, closed=local(dt.date(2026, 1, 15))
    )
    b.opportunity(
        w.anna, stage="won", amount="9", created=created, closed=local(dt.date(2025, 12, 31), 23)
    )
    b.opportunity(w.anna, stage="lost", amount="11", created=created, closed=local(D - 5 * DAY))
    b.opportunity(w.anna, stage="open", amount="13", created=created, expected_close=D)
    b.opportunity(w.bo, stage="won", amount="0.10", created=created, closed=local(D - 2 * DAY))
    b.opportunity(w.eve, stage="won", amount="1", created=created, closed=local(D - 2 * DAY))


def test_won_deals(world: World) -> None:
    w = world
    _won_world(w)
    assert values(w, "won_deals") == {w.anna: 2.0, w.bo: 1.0}
    assert values(w, "won_deals", {"period": "quarter"})[w.anna] == 4.0
    assert values(w, "won_deals", {"period": "year"})[w.anna] == 4.0
    # rolling 30 days: [2026-02-27, 2026-03-29)
    assert values(w, "won_deals", {"period": "rolling"})[w.anna] == 3.0
    assert values(w, "won_deals", {"period": "rolling", "days": 120})[w.anna] == 5.0
    assert values(w, "won_deals", None, dt.date(2026, 3, 1))[w.anna] == 0.0  # first of month


def test_won_revenue_sums_exact_cents(world: World) -> None:
    w = world
    _won_world(w)
    assert values(w, "won_revenue") == {w.anna: 100030 / 100, w.bo: 0.1}
    assert values(w, "won_revenue", {"period": "quarter"})[w.anna] == 135030 / 100
    assert values(w, "won_revenue", {"period": "rolling"})[w.anna] == 105030 / 100


def test_pipeline_value(world: World) -> None:
    w, b = world, world.b
    created = local(dt.date(2026, 1, 1))
    b.opportunity(w.anna, amount="100", created=created, expected_close=D)
    b.opportunity(w.anna, amount="200.50", created=created, expected_close=D + 29 * DAY)
    b.opportunity(w.anna, amount="400", created=created, expected_close=D + 30 * DAY)
    b.opportunity(w.anna, amount="800", created=created, expected_close=D - DAY)
    b.opportunity(w.anna, amount="1600", created=created, expected_close=None)
    b.opportunity(w.anna, stage="won", amount="3200", created=created, expected_close=D,
                  closed=local(D - DAY))  # fmt: skip
    b.opportunity(w.bo, amount="5", created=created, expected_close=D + DAY)
    assert values(w, "pipeline_value") == {w.anna: 300.5, w.bo: 5.0}
    assert values(w, "pipeline_value", {"days": 31})[w.anna] == 700.5


def test_win_rate(world: World) -> None:
    w, b = world, world.b
    created = local(dt.date(2025, 1, 1))
    b.opportunity(w.anna, stage="won", created=created, closed=local(D - DAY))
    b.opportunity(w.anna, stage="won", created=created, closed=local(D - 90 * DAY))
    b.opportunity(w.anna, stage="lost", created=created, closed=local(D - 10 * DAY))
    b.opportunity(w.anna, stage="won", created=created, closed=local(D - 91 * DAY))
    b.opportunity(w.anna, stage="lost", created=created, closed=local(D))
    b.opportunity(w.anna, stage="open", created=created)
    b.opportunity(w.bo, stage="open", created=created)  # nothing closed: undefined
    result = values(w, "win_rate")
    assert result == {w.anna: 2 / 3, w.bo: None}
    assert values(w, "win_rate", {"days": 5})[w.anna] == 1.0


def test_new_opportunities(world: World) -> None:
    w, b = world, world.b
    b.opportunity(w.anna, created=local(D - 30 * DAY))
    b.opportunity(
        w.anna, created=local(D - DAY, 23, 59), stage="lost", closed=local(D - DAY, 23, 59)
    )
    b.opportunity(w.anna, created=local(D))
    b.opportunity(w.anna, created=local(D - 31 * DAY))
    b.opportunity(w.bo, created=local(D - 3 * DAY))
    b.opportunity(None, created=local(D - 3 * DAY))
    assert values(w, "new_opportunities") == {w.anna: 2.0, w.bo: 1.0}
    assert values(w, "new_opportunities", {"days": 31})[w.anna] == 3.0


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_template_yields_each_eligible_user_once(world: World, key: str) -> None:
    w = world
    w.b.company("K", kam=w.anna)
    w.b.activity(local(D - DAY), [w.anna, w.carl, w.eve], status="done")
    result = values(w, key)
    assert set(result) == {w.anna, w.bo}


def test_a_rule_without_profiles_or_with_a_bad_template(world: World) -> None:
    w = world
    rule_id = w.b.rule("no profiles", "planned_meetings", None, 1, [])
    bad = w.b.rule("bad", "no_such_template", None, 1, [w.salg])
    with w.b.db.connect(write=True) as conn:
        rows = conn.execute(
            select(KpiRule.id, KpiRule.template, KpiRule.params)
            .where(KpiRule.id.in_([rule_id, bad]))
            .order_by(KpiRule.id)
        ).all()
        assert written_values(conn, rows[0], D) == {}
        with pytest.raises(RuleError, match="unknown template 'no_such_template'"):
            written_values(conn, rows[1], D)


def test_last_days_across_the_autumn_night(world: World) -> None:
    # D = 2026-10-26: "the last 1 day" is 2026-10-25, a 25-hour day in Copenhagen.
    w, b = world, world.b
    d = dt.date(2026, 10, 26)
    b.activity(dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC), [w.anna], status="done")  # 00:00
    b.activity(dt.datetime(2026, 10, 25, 22, 30, tzinfo=dt.UTC), [w.anna], status="done")  # 23:30
    b.activity(dt.datetime(2026, 10, 25, 23, 0, tzinfo=dt.UTC), [w.anna], status="done")  # D 00:00
    b.activity(dt.datetime(2026, 10, 24, 21, 59, tzinfo=dt.UTC), [w.anna], status="done")  # 23:59
    assert values(w, "completed_activities", {"days": 1}, d)[w.anna] == 2.0


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_one_user_statement_agrees_with_the_set_based_one(world: World, key: str) -> None:
    from kpidesk.domain.templates import validate_params
    from kpidesk.engine.base import RuleContext

    w, b = world, world.b
    for n, user in enumerate((w.anna, w.bo)):
        firm = b.company(f"K{n}", kam=user)
        b.company(f"L{n}", kam=user)
        for k in range(n + 2):
            b.activity(local(D - (k + 1) * DAY), [user, w.carl], status="done", company=firm)
            b.activity(local(D + k * DAY, 10), [user], company=firm)
            b.activity(local(D - (k + 3) * DAY), [user], type="Opgave")
            b.opportunity(user, stage="won" if k else "lost", amount=100 + k,
                          created=local(D - (k + 2) * DAY), closed=local(D - DAY),
                          expected_close=D)  # fmt: skip
    template = TEMPLATES[key]
    params = validate_params(template.spec, {})
    everyone = values(w, key)
    with w.b.db.connect() as conn:
        for user, value in everyone.items():
            ctx = RuleContext.for_user(D, CPH, params, user)
            rows = conn.execute(template.values(ctx)).all()
            assert [(r.user_id, r.value) for r in rows] == [(user, value)]
