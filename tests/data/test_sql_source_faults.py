"""Faults of the `sql` data source: each is one clear line in the run log, nothing is imported.

Every test imports the CRM once (night 1), then changes the CRM (anna is renamed, a meeting
is booked) and breaks one thing; night 2's import must fail as a whole: the rename from the
users query, which ran fine before the fault, must not be in kpidesk either. kpidesk's own
database is SQLite here (test_sql_source.py runs the import on PostgreSQL too).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from kpidesk.data import sql_source
from kpidesk.data.db import Database
from kpidesk.data.models import Activity, AuditEntry, CrmImport, User
from kpidesk.data.source import sync
from kpidesk.services import source as source_service
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.runs import run_log
from tests.data.suitecrm_db import Crm, CrmDatabase, utc
from tests.data.test_sql_source import DAY, set_source, suitecrm
from tests.scheduler.test_source_nights import night


@pytest.fixture
def backend() -> str:
    """kpidesk on SQLite only here."""
    return "sqlite"


N1, N2 = DAY, DAY + dt.timedelta(days=1)
WRONG = "forkert-kode-4711"


def changed(crm: Crm) -> Crm:
    """Night 2's CRM: anna renamed (read by the first query), a meeting booked."""
    out = crm.copy()
    out.change("users", out.user_id("anna"), last_name="Ørsted-Berg")
    out.add("meetings", name="Ny", status="Planned", date_start=utc(N2, 9),
            assigned_user_id=out.user_id("anna"))  # fmt: skip
    return out


def first_night(db: Database, crm_db: CrmDatabase, mapping: str = "suitecrm-sql") -> Crm:
    crm = suitecrm()
    crm_db.write(crm)
    assert set_source(db, crm_db, mapping) == []
    first = night(db, N1).run_pass("nightly")
    assert [s.status for s in first.summaries] == ["success"]
    assert run_log(db, SYSTEM_CLI)[0].data is not None
    assert "importeret i nat: users 4" in (run_log(db, SYSTEM_CLI)[0].data or "")
    return crm


def second_night_fails(db: Database, expected: str) -> str:
    """Night 2: the import fails with `expected` in its one line; the run uses night 1's data."""
    before = snapshot(db)
    second = night(db, N2).run_pass("nightly")
    assert [s.status for s in second.summaries] == ["success"]  # calculated anyway
    assert snapshot(db) == before  # nothing half-imported
    row = {r.date: r for r in run_log(db, SYSTEM_CLI)}[N2]
    assert row.data is not None and "\n" not in row.data
    assert " — importen i nat fejlede: " in row.data, row.data
    line = row.data.split(" — importen i nat fejlede: ", 1)[1]
    assert expected in line, line
    assert row.import_id == {r.date: r for r in run_log(db, SYSTEM_CLI)}[N1].import_id
    with db.session() as session:
        statuses = session.scalars(select(CrmImport.status).order_by(CrmImport.id)).all()
        error = session.scalars(select(CrmImport.error).order_by(CrmImport.id.desc())).first()
    assert statuses == ["success", "failed"]
    assert error is not None and error.splitlines()[0] == line.split(" (+")[0]
    return line


def snapshot(db: Database) -> tuple[int, int, str]:
    with db.session() as session:
        activities = int(session.scalar(select(func.count()).select_from(Activity)) or 0)
        users = int(session.scalar(select(func.count()).select_from(User)) or 0)
        anna = session.scalar(select(User.name).where(User.login == "anna")) or ""
    return activities, users, anna


def test_source_unreachable(db: Database, crm_mariadb: CrmDatabase) -> None:
    first_night(db, crm_mariadb)
    closed = sql_source.parse_url(crm_mariadb.reader_url)
    with socket_closed() as port:
        url = closed.set(port=port).render_as_string(hide_password=False)
        down = CrmDatabase("mariadb", "x", "", url)
        warnings = set_source(db, down)
        assert len(warnings) == 1 and "cannot reach the server" in warnings[0]
        line = second_night_fails(db, "cannot reach the server")
    assert line.startswith(f"CRM database mysql+pymysql://kpi_reader:***@127.0.0.1:{port}/")


def test_wrong_credentials_are_never_printed(
    db: Database, crm_mariadb: CrmDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    crm = first_night(db, crm_mariadb)
    crm_mariadb.write(changed(crm))
    caplog.set_level(logging.DEBUG)
    warnings = set_source(db, crm_mariadb, password=WRONG)
    assert len(warnings) == 1 and "the login was refused" in warnings[0]
    line = second_night_fails(db, "the login was refused (wrong user name or password?)")
    assert "Access denied for user 'kpi_reader'" in line
    shown = "\n".join(source_service.show(db, SYSTEM_CLI).lines())
    assert "password: stored in kpidesk's database (not shown)" in shown
    assert "kpi_reader:***@" in shown
    with db.session() as session:
        audit = " ".join(str(e.details) for e in session.scalars(select(AuditEntry)))
        imports = " ".join(str(i.error) + i.source for i in session.scalars(select(CrmImport)))
    notes = " ".join(str(r.data) for r in run_log(db, SYSTEM_CLI))
    for text_ in (line, *warnings, shown, audit, imports, notes, caplog.text):
        assert WRONG not in text_


def test_a_table_missing(db: Database, crm_mariadb: CrmDatabase) -> None:
    crm = first_night(db, crm_mariadb)
    crm_mariadb.write(changed(crm))
    owner(crm_mariadb, "DROP TABLE calls")
    line = second_night_fails(db, "activities query 2: a table or column is missing in the CRM")
    assert "calls' doesn't exist" in line and "does the mapping match the CRM's version?" in line


def test_a_column_missing(db: Database, crm_postgresql: CrmDatabase) -> None:
    crm = first_night(db, crm_postgresql)
    crm_postgresql.write(changed(crm))
    owner(crm_postgresql, "ALTER TABLE opportunities DROP COLUMN sales_stage")
    line = second_night_fails(db, "opportunities query: a table or column is missing in the CRM")
    assert "column o.sales_stage does not exist" in line


@pytest.mark.parametrize("crm_backend", ["mariadb", "postgresql"])
def test_a_query_timing_out(
    db: Database, crm_backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    crm_db: CrmDatabase = request.getfixturevalue(f"crm_{crm_backend}")
    slow = "SLEEP(3) = 0" if crm_backend == "mariadb" else "pg_sleep(3) IS NOT NULL"
    mapping = preset_with(
        tmp_path, "FROM opportunities o\n", f"FROM opportunities o WHERE {slow}\n"
    )
    crm = first_night(db, crm_db)
    crm_db.write(changed(crm))
    set_source(db, crm_db, str(mapping), timeout=1)
    started = dt.datetime.now()
    line = second_night_fails(db, "opportunities query: the query did not finish within the "
                                  "time-out of 1 s")  # fmt: skip
    assert dt.datetime.now() - started < dt.timedelta(seconds=10)
    assert "kpidesk source set sql --timeout" in line


def test_a_new_status_the_mapping_does_not_know(db: Database, crm_mariadb: CrmDatabase) -> None:
    crm = first_night(db, crm_mariadb)
    later = changed(crm)
    later.add("meetings", name="Flyttet", status="Rescheduled", date_start=utc(N2, 10),
              assigned_user_id=later.user_id("anna"))  # fmt: skip
    crm_mariadb.write(later)
    line = second_night_fails(db, "activities query 1:row ")
    assert line.endswith(
        "status: 1 rows with values the mapping does not map: 'Rescheduled' (1); add them to "
        'the map of status (or a "*" fallback)'
    )


def test_a_mapping_whose_columns_the_query_no_longer_gives(
    db: Database, crm_mariadb: CrmDatabase, tmp_path: Path
) -> None:
    crm = first_night(db, crm_mariadb)
    crm_mariadb.write(changed(crm))
    # Someone edits the query; the mapping's columns no longer match its result.
    mapping = preset_with(
        tmp_path, "SELECT u.id, u.user_name,", "SELECT u.id, u.user_name AS login_name,"
    )
    set_source(db, crm_mariadb, str(mapping))
    line = second_night_fails(
        db, "users query: login: column 'user_name' is not in the query's result"
    )
    assert "(columns: id, login_name, first_name, last_name, is_admin, status)" in line


def test_the_session_is_read_only_whatever_the_user_may(
    crm_mariadb: CrmDatabase, crm_postgresql: CrmDatabase, tmp_path: Path
) -> None:
    """Even as the CRM's owner, kpidesk's connection cannot write."""
    for crm_db in (crm_mariadb, crm_postgresql):
        crm_db.write(suitecrm())
        engine = sql_source.make_engine(crm_db.owner_url, "", 5)
        try:
            with sql_source.read_only(engine, 5) as conn:
                with pytest.raises(DBAPIError) as caught:
                    conn.execute(text("DELETE FROM accounts_opportunities"))
                problem = sql_source.query_problem(caught.value, "test query", 5)
                assert problem.startswith("test query: refused, the connection is read-only:")
        finally:
            engine.dispose()
        assert count(crm_db, "accounts_opportunities") == 1


def test_a_writing_query_is_refused_and_nothing_changes(
    db: Database, crm_postgresql: CrmDatabase, tmp_path: Path
) -> None:
    mapping = preset_with(
        tmp_path,
        "SELECT o.id, o.name,",
        "WITH gone AS (DELETE FROM accounts_opportunities RETURNING id)\nSELECT o.id, o.name,",
    )
    crm_postgresql.write(suitecrm())
    owner_url = crm_postgresql.owner_url  # the owner may delete; the session may not
    source_service.set_sql(db, SYSTEM_CLI, owner_url, str(mapping))
    result = sync(db)
    assert result.status == "failed"
    # Refused twice over: PostgreSQL's cursor takes no data-modifying WITH, and the
    # transaction is read-only (test above).
    assert result.message.startswith("opportunities query: ")
    assert "data-modifying" in result.message or "read-only" in result.message
    assert count(crm_postgresql, "accounts_opportunities") == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


# --- helpers ---------------------------------------------------------------------------------


def preset_with(folder: Path, old: str, new: str) -> Path:
    """The suitecrm-sql preset with one change, as a mapping file."""
    from kpidesk.data.crm_import import presets

    text_ = presets()["suitecrm-sql"].read_text(encoding="utf-8")
    assert text_.count(old) == 1, old
    path = folder / "crm.toml"
    path.write_text(text_.replace(old, new), encoding="utf-8")
    return path


def owner(crm_db: CrmDatabase, statement: str) -> None:
    engine = create_engine(crm_db.owner_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def count(crm_db: CrmDatabase, table: str) -> int:
    engine = create_engine(crm_db.owner_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text(f"SELECT COUNT(*) FROM {table}")) or 0)
    finally:
        engine.dispose()


class socket_closed:
    """A local port nothing listens on (bound, never listening, while the test runs)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
