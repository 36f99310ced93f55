"""`kpidesk source set sql`, `source show` and `sync` against SuiteCRM on MariaDB.

The password goes in through stdin (`--ask-password`), is kept apart from the URL and is
never printed; a password from KPIDESK_SOURCE_PASSWORD wins over the stored one.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry, CrmImport, KpiRule, Profile, Setting, User
from kpidesk.data.sql_source import PASSWORD_ENV, PASSWORD_KEY
from kpidesk.services import source
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.runs import run_log
from tests.data.suitecrm_db import READER_PASSWORD, CrmDatabase
from tests.data.test_sql_source import suitecrm


def test_set_show_and_sync_a_sql_source(
    db_url: str,
    crm_mariadb: CrmDatabase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crm_mariadb.write(suitecrm())
    monkeypatch.setattr(sys, "stdin", io.StringIO(READER_PASSWORD + "\n"))
    code = main(["source", "set", "sql", "--db", db_url, "--url", crm_mariadb.reader_url,
                 "--mapping", "suitecrm-sql", "--timeout", "60", "--ask-password"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""  # connected and every query's columns are there: no warning
    masked = crm_mariadb.reader_url.replace("kpi_reader@", "kpi_reader:***@")
    assert captured.out.splitlines() == [
        "data source set:",
        "source: sql",
        f"url: {masked}",
        "password: stored in kpidesk's database (not shown)",
        "mapping: suitecrm-sql",
        "time-out: 60 s per query",
        "last import: none yet",
    ]
    assert main(["sync", "--db", db_url]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:3] == [
        f"imported from sql {crm_mariadb.reader_url} (mapping suitecrm-sql)",
        "users.csv from users query: 4 rows: 4 inserted, 0 updated, 0 unchanged",
        "companies.csv from companies query: 3 rows: 3 inserted, 0 updated, 0 unchanged",
    ]
    assert main(["source", "show", "--db", db_url]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith(
        "success: users 4, companies 3, activities 5, activity_participants 5, opportunities 3"
    )
    assert main(["config", "get", "--db", db_url]) == 0
    listed = capsys.readouterr().out
    assert "source_kind=sql" in listed and "source_timeout_seconds=60" in listed
    assert READER_PASSWORD not in listed and PASSWORD_KEY not in listed
    db = Database(db_url)
    try:
        with db.session() as session:
            stored = dict(session.execute(select(Setting.key, Setting.value)).all())
            entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        db.dispose()
    assert stored["source_path"] == crm_mariadb.reader_url  # the URL holds no password
    assert stored[PASSWORD_KEY] == READER_PASSWORD
    setting = [e.details for e in entries if e.entity == "data_source"]
    assert setting[-1] == {"url": masked, "password": "set", "mapping": "suitecrm-sql",
                           "timeout_seconds": 60}  # fmt: skip
    # The sync that wrote the CRM's rows is audited too, with who ran it and what it wrote.
    imported = entries[-1]
    assert (imported.actor, imported.action, imported.entity) == ("cli", "import", "crm_data")
    assert imported.details["rows"] == {"users": 4, "companies": 3, "activities": 5,
                                        "activity_participants": 5, "opportunities": 3}  # fmt: skip
    assert (
        READER_PASSWORD not in str(imported.details) and READER_PASSWORD not in imported.entity_key
    )


def test_the_password_from_the_environment_or_kept_as_stored(
    db: Database, crm_mariadb: CrmDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    crm_mariadb.write(suitecrm())
    # No password in the URL, none stored: the environment's (the scheduler's env file).
    assert source.set_sql(db, SYSTEM_CLI, crm_mariadb.reader_url, "suitecrm-sql") != []
    monkeypatch.setenv(PASSWORD_ENV, READER_PASSWORD)
    view = source.show(db, SYSTEM_CLI)
    assert view.password == "environment" and view.kind == "sql"
    assert view.path == crm_mariadb.reader_url.replace("kpi_reader@", "kpi_reader:***@")
    assert source.sync(db, SYSTEM_CLI).status == "imported"
    # The administrator stores it; a URL showing *** (as `show` gives it) keeps it.
    monkeypatch.delenv(PASSWORD_ENV)
    with_password = source.url_with_password(crm_mariadb.reader_url, READER_PASSWORD)
    assert source.set_sql(db, SYSTEM_CLI, with_password, "suitecrm-sql") == []
    shown = source.show(db, SYSTEM_CLI)
    assert shown.password == "database"
    assert source.set_sql(db, SYSTEM_CLI, shown.path, "suitecrm-sql", 30) == []
    assert source.show(db, SYSTEM_CLI).timeout_seconds == 30
    assert source.sync(db, SYSTEM_CLI).status == "imported"
    # A password in the environment wins over the stored one.
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    failed = source.sync(db, SYSTEM_CLI)
    assert failed.status == "failed" and "the login was refused" in failed.message
    assert "not-the-password" not in failed.message


@pytest.mark.parametrize("backend", ["sqlite"])
def test_set_sql_refuses_what_cannot_work(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["source", "set", "sql", "--db", db_url, "--url", "mysql+pymysql://x@h:port/db",
                 "--mapping", "suitecrm", "--timeout", "0"])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:3] == [
        "invalid database URL 'mysql+pymysql://x@h:port/db': the port must be a number; write "
        "e.g. mysql+pymysql://USER@HOST:3306/DATABASE or postgresql://USER@HOST:5432/DATABASE",
        "mapping suitecrm: it reads exported files, not a database: a sql source needs "
        'query = "SELECT …" per entity (e.g. the preset suitecrm-sql)',
        "time-out 0: use whole seconds 1–86400 (--timeout)",
    ]
    assert err[3] == "kpidesk: error: the data source was not changed: 3 problems"
    assert main(["source", "show", "--db", db_url]) == 0
    assert "source: none" in capsys.readouterr().out
    # A sql mapping is no export mapping either.
    (tmp_path / "export").mkdir()
    code = main(["import-crm", "--db", db_url, "--mapping", "suitecrm-sql",
                 str(tmp_path / "export")])  # fmt: skip
    assert code == 1
    err_text = capsys.readouterr().err
    assert "it reads a database (query = …), not files" in err_text
    assert "Traceback" not in err_text


@pytest.mark.slow
def test_scheduler_once_with_the_password_from_its_env_file(
    db_url: str, crm_mariadb: CrmDatabase, tmp_path: Path
) -> None:
    """The service's env file gives the password; nothing stores or prints it."""
    crm_mariadb.write(suitecrm())
    db = Database(db_url)
    try:
        with db.session(write=True) as session:
            salg = Profile(name="Salg")
            session.add(salg)
            session.add(KpiRule(name="Møder", template="planned_meetings",
                                params={"days": 14, "activity_types": ["Meeting"]}, target=5,
                                profiles=[salg]))  # fmt: skip
        warnings = source.set_sql(db, SYSTEM_CLI, crm_mariadb.reader_url, "suitecrm-sql")
        assert len(warnings) == 1 and "the login was refused" in warnings[0]
        env_file = tmp_path / "kpidesk.env"
        env_file.write_text(
            f"# as IT writes it\nKPIDESK_DATABASE_URL={db_url}\n"
            f"{PASSWORD_ENV}='{READER_PASSWORD}'\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
        done = subprocess.run(
            [sys.executable, "-m", "kpidesk", "scheduler", "--env-file", str(env_file), "--once"],
            capture_output=True, text=True, timeout=300, check=False, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert READER_PASSWORD not in done.stdout + done.stderr
        rows = run_log(db, SYSTEM_CLI)
        assert [row.status for row in rows] == ["success"]
        assert rows[0].data is not None and rows[0].import_id is not None
        assert " — importeret i " in rows[0].data and "activities 5" in rows[0].data
        assert rows[0].data in done.stdout  # the scheduler's log says it too
        with db.session() as session:
            assert session.scalar(select(Setting.value).where(Setting.key == PASSWORD_KEY)) is None
    finally:
        db.dispose()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_of_a_query_counts_rows_without_a_total() -> None:
    from kpidesk.cli.present import Progress

    stream = _Terminal()
    bar = Progress("activities query 1", 0, stream)
    bar.update(5000)
    assert stream.getvalue() == "\ractivities query 1: 5000 rows"
    known = Progress("users.csv", 10, stream)
    known.update(10)
    assert stream.getvalue().endswith("\rusers.csv [" + "#" * 30 + "] 10/10")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sync_check_reads_everything_and_writes_nothing(
    db_url: str, crm_mariadb: CrmDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    crm = suitecrm()
    crm_mariadb.write(crm)
    assert main(["sync", "--check", "--db", db_url]) == 1
    assert "--check reads a sql source" in capsys.readouterr().err
    db = Database(db_url)
    try:
        url = source.url_with_password(crm_mariadb.reader_url, READER_PASSWORD)
        assert source.set_sql(db, SYSTEM_CLI, url, "suitecrm-sql") == []
        assert main(["sync", "--check", "--db", db_url]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "mapping SuiteCRM 7 (database): checked, nothing was written"
        assert "users.csv from users query: 4 of 4 rows map" in out
        assert (
            "activities.csv from activities query 1, activities query 2, activities query 3: "
            "5 of 5 rows map"
        ) in out
        assert any(line.startswith("  line 1: ") for line in out)
        later = crm.copy()
        new = later.add("calls", name="Ny", status="Rescheduled",
                        date_start=dt.datetime(2026, 11, 9),
                        assigned_user_id=later.user_id("anna"))  # fmt: skip
        crm_mariadb.write(later)
        assert main(["sync", "--check", "--db", db_url]) == 1
        err = capsys.readouterr().err.splitlines()
        row = sorted(c["id"] for c in later.tables["calls"]).index(new["id"]) + 1  # ORDER BY id
        assert err[0] == (
            f"activities query 2:row {row}: status: 1 rows with values the mapping does not "
            "map: 'Rescheduled' (1); add them to the map of status (or a \"*\" fallback)"
        )
        assert err[-1] == "kpidesk: error: the check found problems; nothing was written"
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(User)) == 0
            assert session.scalar(select(func.count()).select_from(CrmImport)) == 0
    finally:
        db.dispose()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_password_from_the_environment_only_leaves_the_night_to_the_service(
    db_url: str,
    crm_mariadb: CrmDatabase,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kpidesk.data.models import KpiRun
    from tests.scheduler.test_source_nights import night

    crm_mariadb.write(suitecrm())
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    code = main(["source", "set", "sql", "--db", db_url, "--url", crm_mariadb.reader_url,
                 "--mapping", "suitecrm-sql", "--password-from-env"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "the login was refused" in captured.err  # the administrator's shell has none
    assert f"password: from the environment variable {PASSWORD_ENV}" in captured.out
    assert main(["sync", "--db", db_url]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"no password: it comes from {PASSWORD_ENV}, which is not set here "
        "(the scheduler service's env file sets it)"
    )
    db = Database(db_url)
    try:
        # A desktop at night: it neither imports nor calculates, the service will.
        day = dt.date(2026, 11, 10)
        passed = night(db, day).run_pass("nightly")
        assert passed.summaries == () and passed.missing == (day,)
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(KpiRun)) == 0
            stored = session.scalar(select(Setting.value).where(Setting.key == PASSWORD_KEY))
        assert stored == source.FROM_ENVIRONMENT  # a marker, no password
        # The service has the variable: it imports and calculates.
        monkeypatch.setenv(PASSWORD_ENV, READER_PASSWORD)
        passed = night(db, day).run_pass("nightly")
        assert [s.status for s in passed.summaries] == ["success"]
        assert run_log(db, SYSTEM_CLI)[0].import_id is not None
    finally:
        db.dispose()
