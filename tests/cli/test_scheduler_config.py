"""`kpidesk scheduler` as a service: a missing database URL is one clear line, not a surprise.

The Linux package's unit starts `kpidesk scheduler --require-db` with the variables of
/etc/kpidesk/kpidesk.env; the Windows task passes `--env-file`. Without them a service would
quietly create a SQLite file in its own home and calculate nothing anyone sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kpidesk.cli.common import ExitCode

REPO = Path(__file__).resolve().parents[2]


def scheduler(tmp_path: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess:
    """The command in a fresh home, with KPIDESK_DATABASE_URL as the service would have it."""
    env = {k: v for k, v in os.environ.items() if k != "KPIDESK_DATABASE_URL"}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"))  # fmt: skip
    if url is not None:
        env["KPIDESK_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "kpidesk", "scheduler", *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_require_db_without_url_is_one_line_and_no_sqlite_file(tmp_path: Path) -> None:
    for url in (None, "", "  "):  # an empty env file, or `KPIDESK_DATABASE_URL=` in it
        result = scheduler(tmp_path, "--require-db", url=url)
        assert result.returncode == ExitCode.CONFIG == 78
        assert result.stderr.strip().splitlines() == [
            "kpidesk: error: no database configured for the scheduler: KPIDESK_DATABASE_URL "
            "is not set (the Linux package's kpidesk-scheduler service reads it from "
            "/etc/kpidesk/kpidesk.env): add a line "
            "KPIDESK_DATABASE_URL=postgresql://kpidesk:PASSWORD@dbhost/kpidesk there"
        ]
        assert not list(tmp_path.rglob("*.sqlite3"))
        assert not list(tmp_path.rglob("scheduler.log"))


def test_env_file_without_url_names_the_file(tmp_path: Path) -> None:
    env_file = tmp_path / "kpidesk.env"
    env_file.write_text("# KPIDESK_DATABASE_URL=postgresql://...\n\n", encoding="utf-8")
    result = scheduler(tmp_path, "--env-file", str(env_file))
    assert result.returncode == 78
    assert result.stderr.strip().splitlines() == [
        f"kpidesk: error: no database configured for the scheduler: {env_file} sets no "
        "KPIDESK_DATABASE_URL: add a line "
        "KPIDESK_DATABASE_URL=postgresql://kpidesk:PASSWORD@dbhost/kpidesk"
    ]


def test_env_file_with_a_bad_line_names_file_and_line(tmp_path: Path) -> None:
    env_file = tmp_path / "kpidesk.env"
    env_file.write_text("# comment\npostgresql://kpidesk@dbhost/kpidesk\n", encoding="utf-8")
    result = scheduler(tmp_path, "--env-file", str(env_file))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"kpidesk: error: {env_file}:2: expected NAME=VALUE, e.g. "
        "KPIDESK_DATABASE_URL=postgresql://kpidesk:PASSWORD@dbhost/kpidesk"
    ]


def test_missing_env_file_is_one_line(tmp_path: Path) -> None:
    result = scheduler(tmp_path, "--env-file", str(tmp_path / "nope.env"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"kpidesk: error: file not found: {tmp_path / 'nope.env'}"
    ]


def test_env_file_url_is_the_database_the_scheduler_runs_on(tmp_path: Path) -> None:
    target = tmp_path / "shared.sqlite3"
    env_file = tmp_path / "kpidesk.env"
    # Quoted, with a BOM (Notepad) and CRLF line ends (Windows): still the same URL.
    env_file.write_bytes(f'\ufeff# kpidesk\r\nKPIDESK_DATABASE_URL="sqlite:///{target}"\r\n'
                         .encode())  # fmt: skip
    result = scheduler(tmp_path, "--once", "--env-file", str(env_file))
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert not (tmp_path / "data").exists()  # not the per-user default database
    with_env = scheduler(tmp_path, "--once", "--require-db", url=f"sqlite:///{target}")
    assert with_env.returncode == 0, with_env.stderr
