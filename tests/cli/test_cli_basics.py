"""The command line: version, schema upgrade, settings, and one-line errors for user mistakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpidesk import __version__
from kpidesk.cli.main import main
from kpidesk.data.db import Database, current_revision

KPIDESK = [sys.executable, "-m", "kpidesk"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KPIDESK, *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kpidesk {__version__}"


def test_db_upgrade_creates_schema(empty_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--db", empty_db_url]) == 0
    assert "revision" in capsys.readouterr().out
    db = Database(empty_db_url)
    assert current_revision(db) is not None
    db.dispose()


def test_database_url_from_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    result = run_cli("config", "set", "currency", "sek", env={"KPIDESK_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "currency=SEK"
    assert (tmp_path / "env.sqlite3").exists()


def test_config_round_trip_and_audit(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "nightly_run_time", "1:30", "--db", db_url]) == 0
    assert main(["--db", db_url, "config", "get", "nightly_run_time"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "01:30"
    from sqlalchemy import select

    from kpidesk.data.models import AuditEntry

    db = Database(db_url)
    with db.session() as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.entity, entry.entity_key) == ("setting", "nightly_run_time")
        assert entry.details == {"old": "02:00", "new": "01:30"}
    db.dispose()


def test_invalid_setting_is_one_line_error(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "timezone", "Mars/Base", "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "kpidesk: error: unknown time zone 'Mars/Base' (e.g. Europe/Copenhagen)"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://nobody@127.0.0.1:1/none", "cannot reach database"),
        ("sqlite:////no/such/folder/x.sqlite3", "does not exist"),
        ("mysql://a@b/c", "unsupported database"),
    ],
)
def test_bad_database_is_one_line_error(url: str, message: str) -> None:
    result = run_cli("db", "upgrade", "--db", url)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_locked_sqlite_database_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    url = f"sqlite:///{path}"
    assert run_cli("db", "upgrade", "--db", url).returncode == 0
    import sqlite3

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_cli("config", "set", "currency", "EUR", "--db", url,
                         env={"KPIDESK_SQLITE_BUSY_TIMEOUT_MS": "200"})  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "locked" in result.stderr
    assert "Traceback" not in result.stderr


def test_gui_without_display_fails_fast_with_advice(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    result = subprocess.run([*KPIDESK, "--db", f"sqlite:///{tmp_path / 'g.sqlite3'}"],
                            capture_output=True, text=True, timeout=60, env=env)  # fmt: skip
    assert result.returncode == 1
    assert "no display" in result.stderr and "xvfb-run" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_known_broken_pyside6_is_refused_with_the_release_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kpidesk.cli import main as cli_main

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(cli_main.sys, "version_info", (3, 11, 7, "final", 0))
    monkeypatch.setattr(cli_main, "installed_qt_version", lambda: "6.12.0")
    assert main(["--demo"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "PySide6 6.12.0" in err and "PySide6-Essentials==6.11.3" in err


def test_the_installed_pyside6_is_not_a_known_broken_one() -> None:
    from kpidesk.cli.main import installed_qt_version, qt_problem

    assert installed_qt_version() is not None
    assert qt_problem() is None
    assert qt_problem("6.11.3") is None
