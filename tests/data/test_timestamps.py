"""One stored timestamp form on SQLite: the formatter, the CHECK constraints, migration 0004
(existing rows rewritten, profile twins merged) and `kpidesk db check`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from kpidesk.cli.main import main
from kpidesk.data.db import Database, head_revision, upgrade
from kpidesk.data.models import Activity, KpiRuleProfile, Opportunity, Profile, User
from kpidesk.data.timestamps import to_stored
from kpidesk.services.maintenance import check_database


def test_to_stored_writes_one_fixed_width_form() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert to_stored(dt.datetime(2026, 3, 29, 2, 30, tzinfo=plus_two)) == (
        "2026-03-29 00:30:00.000000"
    )
    assert to_stored(dt.datetime(1, 1, 1, tzinfo=dt.UTC)) == "0001-01-01 00:00:00.000000"
    assert to_stored(dt.datetime(9999, 12, 31, 23, 59, 59, 999999)) == (
        "9999-12-31 23:59:59.999999"
    )
    assert to_stored(dt.date(33, 2, 1)) == "0033-02-01"
    assert to_stored(None) is None


def test_sqlite_refuses_any_other_form(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    upgrade(db)
    with pytest.raises(IntegrityError, match="ck_activities_start_at_canonical"):
        with db.connect(write=True) as conn:
            conn.exec_driver_sql(
                "INSERT INTO activities (id, type, status, start_at) "
                "VALUES (1, 'Opgave', 'done', '2026-01-01 10:00:00')"
            )
    with pytest.raises(IntegrityError, match="ck_opportunities_expected_close_canonical"):
        with db.connect(write=True) as conn:
            conn.exec_driver_sql(
                "INSERT INTO opportunities (id, name, amount, stage, created_at, expected_close)"
                " VALUES (1, 'x', 1, 'open', '2026-01-01 10:00:00.000000', '2026-1-5')"
            )
    at = dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
    with db.session(write=True) as s:  # the ORM writes the canonical form
        s.add(Activity(id=2, type="Opgave", status="done", start_at=at))
    with db.connect() as conn:
        assert conn.exec_driver_sql("SELECT start_at FROM activities").scalar() == (
            "2026-01-01 10:00:00.000000"
        )
    db.dispose()


def _fill_0003(db: Database) -> None:
    """Rows as the 0003 code left them: the import's short form and profile twins."""
    stamp = "2026-03-28 23:00:00"
    with db.connect(write=True) as conn:
        conn.execute(
            text(
                "INSERT INTO profiles (id, name) VALUES (1, 'Salg'), (2, 'salg'), "
                "(3, ' SALG  '), (4, 'ØKONOMI'), (5, 'økonomi')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO users (id, login, name, email, role, active, profile_id) VALUES "
                "(1, 'anna', 'Anna', '', 'user', true, 2), (2, 'bo', 'Bo', '', 'user', true, 5)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO kpi_rules (id, name, template, params, target, active, created_at,"
                " updated_at) VALUES (1, 'r', 'won_deals', '{}', 1, true, :t, :t)"
            ),
            {"t": stamp},
        )
        conn.execute(
            text("INSERT INTO kpi_rule_profiles (rule_id, profile_id) VALUES (1, 1), (1, 3)")
        )
        conn.execute(
            text(
                "INSERT INTO activities (id, type, status, start_at, end_at) VALUES "
                "(1, 'Opgave', 'done', :a, :b), (2, 'Opgave', 'done', :c, NULL)"
            ),
            {"a": stamp, "b": "2026-03-29T01:30:00", "c": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO opportunities (id, name, amount, stage, created_at, expected_close,"
                " closed_at) VALUES (1, 'x', 1, 'won', :a, '2026-04-01', :c)"
            ),
            {"a": stamp, "c": "2026-03-29 00:00:00.5"},
        )


def test_upgrade_from_0003_rewrites_timestamps_and_merges_profile_twins(
    empty_db_url: str,
) -> None:
    db = Database(empty_db_url)
    upgrade(db, "0003")
    _fill_0003(db)
    before = check_database(db)
    assert any(p.check == "schema" for p in before.problems)
    if db.is_sqlite:
        found = {p.message.split(":")[0]: p.count for p in before.problems if p.check != "schema"}
        assert found == {
            "activities.start_at": 2,
            "activities.end_at": 1,
            "kpi_rules.created_at": 1,
            "kpi_rules.updated_at": 1,
            "opportunities.created_at": 1,
            "opportunities.closed_at": 1,
        }

    upgrade(db)
    assert check_database(db).ok
    midnight = dt.datetime(2026, 3, 28, 23, tzinfo=dt.UTC)
    with db.session() as s:
        assert s.get(Activity, 1).start_at == midnight  # type: ignore[union-attr]
        assert s.get(Activity, 1).end_at == midnight + dt.timedelta(hours=2, minutes=30)  # type: ignore[union-attr]
        # The same instant written two ways is one value now: the window edge holds.
        assert s.scalars(select(Activity.id).where(Activity.start_at >= midnight)).all() == [1, 2]
        opportunity = s.get(Opportunity, 1)
        assert opportunity is not None and opportunity.expected_close == dt.date(2026, 4, 1)
        assert s.scalars(select(Profile.name).order_by(Profile.id)).all() == ["Salg", "ØKONOMI"]
        assert dict(s.execute(select(User.login, User.profile_id)).all()) == {"anna": 1, "bo": 4}
        assert s.execute(select(KpiRuleProfile.rule_id, KpiRuleProfile.profile_id)).all() == [
            (1, 1)
        ]
    if db.is_sqlite:
        with db.connect() as conn:
            stored = conn.exec_driver_sql("SELECT closed_at FROM opportunities").scalar()
            assert stored == "2026-03-29 00:00:00.500000"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    db.dispose()


def test_db_check_command(empty_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database(empty_db_url)
    upgrade(db, "0003")
    _fill_0003(db)
    db.dispose()
    assert main(["--db", empty_db_url, "db", "check"]) == 1
    captured = capsys.readouterr()
    assert f"problem: schema: at revision 0003, the program expects {head_revision(db)}" in (
        captured.out
    )
    if db.is_sqlite:
        assert (
            "problem: timestamps: activities.start_at: 2 values not in the canonical form "
            "YYYY-MM-DD HH:MM:SS.ffffff (e.g. '2026-03-28 23:00:00')" in captured.out
        )
    assert "found" in captured.err and "Traceback" not in captured.err
    assert main(["--db", empty_db_url, "db", "upgrade"]) == 0
    assert main(["--db", empty_db_url, "db", "check"]) == 0
    assert "no problems found" in capsys.readouterr().out
