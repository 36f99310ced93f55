"""The schema is created and upgraded on both backends without losing data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import bindparam, select, text

from kpidesk.data.db import (
    Database,
    DatabaseError,
    alembic_config,
    current_revision,
    open_database,
    upgrade,
)
from kpidesk.data.models import Activity, Company, User, UTCDateTime


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
    # The columns revision 0001 has (the models describe the newest schema).
    with db.connect(write=True) as conn:
        conn.execute(text("INSERT INTO profiles (id, name) VALUES (1, 'Salg')"))
        conn.execute(
            text(
                "INSERT INTO users (id, login, name, email, role, active, profile_id) "
                "VALUES (1, 'anna', 'Anna', 'a@x.dk', 'user', :t, 1)"
            ),
            {"t": True},
        )
        conn.execute(
            text(
                "INSERT INTO companies (id, name, is_customer, key_account_manager_id) "
                "VALUES (7, 'Dansk A/S', :t, 1)"
            ),
            {"t": True},
        )
        conn.execute(
            text(
                "INSERT INTO activities (id, type, status, start_at, company_id) "
                "VALUES (1, 'Salgsmøde', 'planned', :start, 7)"
            ).bindparams(bindparam("start", type_=UTCDateTime())),
            {"start": start},
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


def test_display_url_shows_a_file_in_home_as_tilde_and_never_a_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home" / "søren"
    (home / "kpi").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    inside = Database(f"sqlite:///{(home / 'kpi' / 'kpidesk.sqlite3').as_posix()}")
    outside = Database(f"sqlite:///{(tmp_path / 'elsewhere.sqlite3').as_posix()}")
    try:
        assert inside.display_url() == "sqlite:///~/kpi/kpidesk.sqlite3"
        assert outside.display_url() == f"sqlite:///{(tmp_path / 'elsewhere.sqlite3').as_posix()}"
    finally:
        inside.dispose()
        outside.dispose()
    server = Database("postgresql+psycopg://mette:hemmelig@db.example:5432/kpi")
    try:
        assert server.display_url() == "postgresql+psycopg://mette:***@db.example:5432/kpi"
    finally:
        server.dispose()
