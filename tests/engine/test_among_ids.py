"""`AmongIds`: the same rows as `IN (subquery)` on both backends, in each one's fast spelling."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from kpidesk.data.db import Database
from kpidesk.data.models import Activity, ActivityParticipant
from kpidesk.engine.base import AmongIds, RuleContext
from kpidesk.engine.catalogue import get_template
from tests.engine.builders import Builder

T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def _world(db: Database) -> tuple[int, int, list[int]]:
    b = Builder(db)
    profile = b.profile("Salg")
    anna, bo = b.user("anna", profile), b.user("bo", profile)
    activities = [
        b.activity(T0, [anna], status="done"),
        b.activity(T0, [anna, bo], status="done"),
        b.activity(T0, [bo], status="planned"),
        b.activity(T0, [], status="done"),
        b.activity(T0, [anna], status="cancelled"),
    ]
    return anna, bo, activities


def _participations(db: Database, status: str, *, among: bool) -> set[tuple[int, int]]:
    ids = select(Activity.id).where(Activity.status == status)
    column = ActivityParticipant.activity_id
    condition = AmongIds(column, ids) if among else column.in_(ids)
    with db.connect() as conn:
        rows = conn.execute(
            select(ActivityParticipant.activity_id, ActivityParticipant.user_id).where(condition)
        ).all()
    return {(int(a), int(u)) for a, u in rows}


def test_same_rows_as_in_subquery(db: Database) -> None:
    anna, bo, (a1, a2, a3, _a4, a5) = _world(db)
    assert _participations(db, "done", among=True) == {(a1, anna), (a2, anna), (a2, bo)}
    assert _participations(db, "done", among=True) == _participations(db, "done", among=False)
    # The subquery's parameters are part of each execution, not frozen in a cached statement.
    assert _participations(db, "planned", among=True) == {(a3, bo)}
    assert _participations(db, "cancelled", among=True) == {(a5, anna)}
    assert _participations(db, "nothing", among=True) == set()


def test_combines_with_other_conditions_and_grouping(db: Database) -> None:
    anna, bo, _ = _world(db)
    ids = select(Activity.id).where(Activity.status.in_(["done", "planned"]))
    statement = (
        select(ActivityParticipant.user_id, ActivityParticipant.activity_id)
        .where(AmongIds(ActivityParticipant.activity_id, ids), ActivityParticipant.user_id == bo)
        .order_by(ActivityParticipant.activity_id)
    )
    with db.connect() as conn:
        rows = conn.execute(statement).all()
    assert [int(user) for user, _ in rows] == [bo, bo]
    assert anna not in {int(user) for user, _ in rows}


def test_spelling_per_dialect() -> None:
    condition = AmongIds(
        ActivityParticipant.activity_id, select(Activity.id).where(Activity.status == "done")
    )
    statement = select(ActivityParticipant.user_id).where(condition)
    on_postgresql = str(statement.compile(dialect=postgresql.dialect()))
    on_sqlite = str(statement.compile(dialect=sqlite.dialect()))
    assert "activity_participants.activity_id = ANY (ARRAY(SELECT activities.id" in on_postgresql
    assert "activity_participants.activity_id IN (SELECT activities.id" in on_sqlite
    # SQLite has no boolean type; an IN wrapped as `(...) = 1` would hide it from its planner.
    assert ") = 1" not in on_sqlite


def test_manager_participation_stays_a_key_probe_on_postgresql() -> None:
    """The EXISTS behind KAM coverage and neglected accounts is fenced on PostgreSQL only."""
    template = get_template("neglected_accounts")
    ctx = RuleContext.for_profiles(
        dt.date(2026, 3, 29), ZoneInfo("Europe/Copenhagen"), {"activity_types": [], "days": 60}, [1]
    )
    statement = template.values(ctx)
    assert "OFFSET 0" in str(statement.compile(dialect=postgresql.dialect()))
    assert "OFFSET" not in str(statement.compile(dialect=sqlite.dialect()))
