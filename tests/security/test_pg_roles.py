"""PostgreSQL itself enforces who reads and changes what on a shared installation.

Every check connects as the role in question with raw SQL (psycopg), not through kpidesk:
this is what anyone at a desktop with an SQL client could do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import errors

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.pgroles import SOURCE_PASSWORD_KEY, scram_verifier
from kpidesk.data.sql_source import PASSWORD_KEY
from kpidesk.scheduler.nightly import NightlyRunner
from tests.security.conftest import (
    AS_OF,
    OWNER,
    PASSWORDS,
    SCHEDULER,
    SCHEDULER_PASSWORD,
    USERS_CSV,
    Installation,
    cli,
)

CPH = ZoneInfo("Europe/Copenhagen")

DENIED = errors.InsufficientPrivilege


def scalar(conn: psycopg.Connection, sql: str, *params: object) -> object:
    row = conn.execute(sql, params or None).fetchone()  # type: ignore[arg-type]
    return None if row is None else row[0]


def denied(conn: psycopg.Connection, sql: str, *params: object) -> None:
    with pytest.raises(DENIED):
        conn.execute(sql, params or None)  # type: ignore[arg-type]


def results_by_login(inst: Installation) -> dict[str, int]:
    """Independently, as the owner: how many result rows each login has."""
    with psycopg.connect(inst.owner_url) as conn:
        rows = conn.execute(
            "SELECT u.login, count(*) FROM kpi_results r JOIN users u ON u.id = r.user_id "
            "GROUP BY u.login"
        ).fetchall()
    return {login: count for login, count in rows}


def test_a_user_reads_crm_setup_and_only_own_results(installation: Installation) -> None:
    counts = results_by_login(installation)
    assert counts["mette"] == 1 and counts["jonas"] == 1
    with installation.connect("mette") as conn:
        assert scalar(conn, "SELECT count(*) FROM companies") == 1
        assert scalar(conn, "SELECT count(*) FROM activities") == 3
        assert scalar(conn, "SELECT count(*) FROM activity_participants") == 3
        assert scalar(conn, "SELECT count(*) FROM kpi_rules") == 1
        assert scalar(conn, "SELECT count(*) FROM kpi_runs") == 1
        assert scalar(conn, "SELECT count(*) FROM users") == 4
        own = conn.execute(
            "SELECT u.login, r.value FROM kpi_results r JOIN users u ON u.id = r.user_id"
        ).fetchall()
        assert own == [("mette", 1.0)]  # jonas's row exists but is not visible
        denied(conn, "SELECT password_hash FROM users")
        denied(conn, "SELECT * FROM users")
        denied(conn, "SELECT * FROM audit_log")
        denied(conn, "INSERT INTO kpi_rules (name, template, params, target, active, "
                     "created_at, updated_at) VALUES ('x', 'won_deals', '{}', 1, true, "
                     "now(), now())")  # fmt: skip
        denied(conn, "UPDATE kpi_rules SET target = 0")
        denied(conn, "DELETE FROM kpi_rule_profiles")
        denied(conn, "UPDATE settings SET value = 'UTC'")
        denied(conn, "UPDATE users SET profile_id = NULL")
        denied(conn, "UPDATE users SET role = 'admin' WHERE login = 'mette'")
        denied(conn, "INSERT INTO kpi_runs (run_date, started_at, status, trigger, host, "
                     "users_count, rules_count, results_count) VALUES "
                     "('2026-03-21', now(), 'running', 'x', 'x', 0, 0, 0)")  # fmt: skip
        denied(conn, "DELETE FROM kpi_results")
        denied(conn, "UPDATE kpi_results SET value = 99")
        denied(conn, "INSERT INTO audit_log (at, actor, action, entity, entity_key, details) "
                     "VALUES (now(), 'karen', 'x', 'y', '', '{}')")  # fmt: skip
        denied(conn, "UPDATE companies SET name = 'x'")
        denied(conn, "CREATE TABLE mine (x int)")
        denied(conn, "SELECT kpidesk_set_password('karen', %s)", scram_verifier("overtaget-1"))
    with pytest.raises(psycopg.OperationalError):
        installation.connect("karen", "overtaget-1").close()


def test_an_administrator_changes_setup_profiles_and_passwords(
    installation: Installation,
) -> None:
    counts = results_by_login(installation)
    with installation.connect("karen") as conn:
        assert scalar(conn, "SELECT count(*) FROM kpi_results") == sum(counts.values())
        conn.execute("UPDATE kpi_rules SET target = 5")
        conn.execute("INSERT INTO profiles (name) VALUES ('Support')")
        conn.execute("UPDATE users SET profile_id = (SELECT id FROM profiles "
                     "WHERE name = 'Support') WHERE login = 'jonas'")  # fmt: skip
        conn.execute("UPDATE settings SET value = value")
        denied(conn, "SELECT password_hash FROM users")
        denied(conn, "UPDATE users SET role = 'admin' WHERE login = 'mette'")
        denied(conn, "UPDATE users SET active = true")
        denied(conn, "UPDATE companies SET name = 'x'")
        denied(conn, "INSERT INTO activities (id, type, status, start_at) "
                     "VALUES (99, 'x', 'done', now())")  # fmt: skip
        # The audit log is append-only, and the server says who wrote an entry.
        conn.execute("INSERT INTO audit_log (at, actor, action, entity, entity_key, details) "
                     "VALUES (now(), 'scheduler', 'note', 'test', '', '{}')")  # fmt: skip
        assert scalar(conn, "SELECT actor FROM audit_log WHERE action = 'note'") == "karen"
        denied(conn, "UPDATE audit_log SET actor = 'x'")
        denied(conn, "DELETE FROM audit_log")
        # Another person's password, through the function (never the password itself).
        conn.execute("SELECT kpidesk_set_password('mette', %s)", (scram_verifier("ny-kode-123"),))
        assert scalar(conn, "SELECT actor FROM audit_log WHERE action = 'set_password' "
                            "ORDER BY id DESC LIMIT 1") == "karen"  # fmt: skip
        # Not the owner's, nor any role outside kpidesk.
        for victim in (OWNER, "postgres", SCHEDULER, "nosuchrole"):
            denied(conn, "SELECT kpidesk_set_password(%s, %s)", victim, scram_verifier("x" * 9))
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("SELECT kpidesk_set_password('mette', 'klartekst')")
    installation.connect("mette", "ny-kode-123").close()
    with pytest.raises(psycopg.OperationalError):
        installation.connect("mette")  # the old password no longer works


def test_only_scheduler_and_administrators_write_runs_and_results(
    installation: Installation,
) -> None:
    total = sum(results_by_login(installation).values())
    with installation.connect(SCHEDULER) as conn:
        conn.execute("INSERT INTO kpi_runs (run_date, started_at, status, trigger, host, "
                     "users_count, rules_count, results_count) VALUES "
                     "('2026-03-21', now(), 'running', 'nightly', 'srv', 0, 0, 0)")  # fmt: skip
        conn.execute("UPDATE kpi_runs SET status = 'failed' WHERE run_date = '2026-03-21'")
        assert scalar(conn, "SELECT count(*) FROM kpi_results") == total
        conn.execute("DELETE FROM kpi_results WHERE run_date = '2026-03-21'")
        denied(conn, "UPDATE kpi_rules SET target = 0")
        denied(conn, "SELECT password_hash FROM users")
        denied(conn, "UPDATE users SET profile_id = NULL")
        denied(conn, "DELETE FROM audit_log")
    # The scheduler service runs the real engine as its own role.
    url = installation.url(SCHEDULER, "nat-kode-1234")
    assert main(["--db", url, "recalc", "--date", "2026-03-21"]) == 0


def test_who_cannot_log_in(installation: Installation) -> None:
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        installation.connect("ida")  # inactive in the CRM: NOLOGIN
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        installation.connect("mette", "forkert-kode")


def test_a_user_changes_only_her_own_password(installation: Installation) -> None:
    with installation.connect("jonas") as conn:
        conn.execute("SELECT kpidesk_set_password('jonas', %s)", (scram_verifier("jonas-ny-12"),))
        denied(conn, "ALTER ROLE jonas CREATEROLE")
        denied(conn, "GRANT " + installation.database + "_admins TO jonas")
    installation.connect("jonas", "jonas-ny-12").close()


def grants_snapshot(inst: Installation) -> list[tuple[object, ...]]:
    with psycopg.connect(inst.owner_url) as conn:
        rows: list[tuple[object, ...]] = []
        for sql in (
            "SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_schema = 'public'",
            "SELECT grantee, table_name, column_name, privilege_type "
            "FROM information_schema.column_privileges WHERE table_schema = 'public'",
            "SELECT policyname, roles::text, cmd, qual FROM pg_policies",
            "SELECT r.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = "
            "a.roleid JOIN pg_roles m ON m.oid = a.member",
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname NOT LIKE 'pg_%'",
        ):
            rows += [tuple(row) for row in conn.execute(sql)]  # type: ignore[arg-type]
        return sorted(rows, key=repr)


def test_db_roles_is_idempotent_and_follows_the_crm(installation: Installation, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = grants_snapshot(installation)
    assert main(["--db", installation.owner_url, "db", "roles", "--scheduler", SCHEDULER]) == 0
    assert grants_snapshot(installation) == before
    # The CRM makes Mette an administrator and Jonas inactive; `db roles` follows.
    export = tmp_path / "again"
    export.mkdir()
    (export / "users.csv").write_text(
        "login,name,email,role,active,profile\nmette,Mette Sørensen,,admin,,\n"
        "jonas,Jonas Berg,,,false,\n", encoding="utf-8")  # fmt: skip
    assert main(["--db", installation.owner_url, "import-crm", str(export)]) == 0
    assert main(["--db", installation.owner_url, "db", "roles"]) == 0
    with installation.connect("mette") as conn:
        conn.execute("UPDATE kpi_rules SET target = 6")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        installation.connect("jonas")


def test_db_roles_refuses_anyone_but_the_owner(
    installation: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    url = installation.url("karen", PASSWORDS["karen"])
    assert main(["--db", url, "db", "roles"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "as the owner of the kpidesk tables (kpi_owner)" in err


def test_the_scheduler_calculates_and_records_its_data_with_a_data_source(
    installation: Installation, tmp_path: Path
) -> None:
    """With a data source the night's run notes which data it used (kpi_run_data), also as
    the scheduler's own role. The CRM data itself stays the owner's: the scheduler's import is
    refused, and the run still calculates and says so."""
    export = tmp_path / "nightly-export"
    export.mkdir()
    (export / "users.csv").write_text(USERS_CSV, encoding="utf-8")
    cli("--db", installation.owner_url, "source", "set", "folder", "--path", str(export),
        "--settle", "0")  # fmt: skip
    db = Database(installation.url(SCHEDULER, SCHEDULER_PASSWORD))
    night = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(2), CPH)
    try:
        passed = NightlyRunner(db, clock=lambda: night).run_pass("nightly")
    finally:
        db.dispose()
    assert [s.status for s in passed.summaries] == ["success"], passed
    with psycopg.connect(installation.owner_url) as conn:
        note, outcome = conn.execute(
            "SELECT d.note, d.outcome FROM kpi_run_data d JOIN kpi_runs r ON r.id = d.run_id "
            "WHERE r.run_date = %s",
            (AS_OF + dt.timedelta(days=1),),
        ).fetchone() or (None, None)
        attempts = conn.execute("SELECT status, error FROM crm_imports").fetchall()
    assert outcome == "failed"
    assert note is not None and "importen i nat fejlede: " in note
    assert "permission denied" in note  # the import writes CRM tables: the owner's only
    assert attempts == []  # refused by the database before it could begin: not an attempt


def test_only_administrators_and_the_scheduler_read_the_data_sources_password(
    installation: Installation,
) -> None:
    assert SOURCE_PASSWORD_KEY == PASSWORD_KEY
    with psycopg.connect(installation.owner_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (%s, 'crm-læse-kode')", (PASSWORD_KEY,)
        )
    with installation.connect("mette") as conn:
        assert scalar(conn, "SELECT count(*) FROM settings WHERE key = %s", PASSWORD_KEY) == 0
        assert scalar(conn, "SELECT count(*) FROM settings") > 0  # the other settings stay readable
    for reader in ("karen", SCHEDULER):
        with installation.connect(reader) as conn:
            assert scalar(conn, "SELECT value FROM settings WHERE key = %s", PASSWORD_KEY) == (
                "crm-læse-kode"
            )
    with installation.connect("karen") as conn:  # administrators still change settings
        conn.execute("UPDATE settings SET value = 'ny' WHERE key = %s", (PASSWORD_KEY,))
