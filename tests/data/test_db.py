"""The schema is created and upgraded on both backends without losing data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import column, insert, select, text
from sqlalchemy import table as table_clause

from kpidesk.data.db import (
    Database,
    DatabaseError,
    alembic_config,
    current_revision,
    open_database,
    upgrade,
)
from kpidesk.data.models import Activity, Company, Profile, User, UTCDateTime


def _head(db: Database) -> str:
    """The newest migration, whichever it is (helpers add theirs concurrently)."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(alembic_config(db)).get_current_head())


def test_upgrade_from_empty_creates_schema_and_is_idempotent(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    assert upgrade(db) is True
    assert current_revision(db) == _head(db)
    assert upgrade(db) is False
    db.dispose()


def test_upgrade_old_revision_keeps_data(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    upgrade(db, "0001")
    assert current_revision(db) == "0001"
    start = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)
    with db.session(write=True) as s:
        salg = Profile(name="Salg")
        user = User(
            login="anna", name="Anna", email="a@x.dk", role="user", active=True, profile=salg
        )
        s.add_all([salg, user])
        s.flush()
        s.add(Company(id=7, name="Dansk A/S", is_customer=True, key_account_manager_id=user.id))
        s.flush()
        # The activities table as revision 0001 has it (the model has columns added since).
        old_activities = table_clause(
            "activities",
            column("id"),
            column("type"),
            column("status"),
            column("start_at", UTCDateTime()),
            column("company_id"),
        )
        s.execute(
            insert(old_activities).values(
                id=1, type="Salgsmøde", status="planned", start_at=start, company_id=7
            )
        )
    upgrade(db)
    assert current_revision(db) == _head(db)
    with db.session() as s:
        assert s.scalars(select(User.login)).all() == ["anna"]
        assert s.get(Company, 7).key_account_manager_id is not None  # type: ignore[union-attr]
        assert s.get(Activity, 1).start_at == start  # type: ignore[union-attr]
        tables = {"kpi_rules", "kpi_results", "kpi_runs", "audit_log"}
        for table in tables:
            s.execute(text(f"SELECT count(*) FROM {table}"))
    db.dispose()


def test_datetimes_round_trip_as_aware_utc(db: Database) -> None:
    copenhagen = dt.timezone(dt.timedelta(hours=2))
    local = dt.datetime(2026, 10, 25, 2, 30, tzinfo=copenhagen)
    with db.session(write=True) as s:
        s.add(Activity(id=5, type="Opgave", status="done", start_at=local))
    with db.session() as s:
        stored = s.get(Activity, 5)
        assert stored is not None
        assert stored.start_at == local
        assert stored.start_at.tzinfo == dt.UTC


def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.session(write=True) as s:
        s.add(Activity(id=6, type="Opgave", status="done", start_at=dt.datetime(2026, 1, 1)))
        s.flush()


def test_sqlite_pragmas(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot reach database"):
        open_database("postgresql://nobody@127.0.0.1:1/none")


def test_missing_folder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        Database(f"sqlite:///{tmp_path / 'no' / 'such' / 'x.sqlite3'}")


def test_unsupported_url_is_refused() -> None:
    with pytest.raises(DatabaseError, match="unsupported database"):
        Database("mysql://x@y/z")
