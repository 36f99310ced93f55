"""A SQLite file damaged in the middle: SQLite's quick_check finds it, and the nightly run
refuses to write to it, saying so in the run log."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import sqlite3
from pathlib import Path

import pytest

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.integrity import quick_check
from kpidesk.engine.run import run_for_date
from kpidesk.scheduler.nightly import NightlyRunner
from kpidesk.scheduler.plan import RetryPolicy
from tests.scheduler import seed

TODAY = dt.date(2026, 11, 20)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage(db: Database, path: Path) -> None:
    """Overwrite the header of an index's root page in the middle of the file."""
    db.dispose()
    conn = sqlite3.connect(path)
    try:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        root = int(conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_activities_start_at'"
        ).fetchone()[0])  # fmt: skip
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    assert root > 1
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * 64)


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Database, Path]:
    path = tmp_path / "kpidesk.sqlite3"
    url = f"sqlite:///{path}"
    assert main(["--db", url, "demo", "--users", "12", "--activities", "4000",
                 "--as-of", TODAY.isoformat()]) == 0  # fmt: skip
    db = Database(url)
    with db.connect() as conn:
        assert quick_check(conn) == []
    run_for_date(db, TODAY - dt.timedelta(days=2), trigger="nightly")
    damage(db, path)
    return Database(url), path


def test_quick_check_finds_the_damage(damaged: tuple[Database, Path]) -> None:
    db, _path = damaged
    with db.connect() as conn:
        problems = quick_check(conn)
    db.dispose()
    assert problems and all(isinstance(p, str) for p in problems)


def test_the_nightly_run_refuses_to_write(
    damaged: tuple[Database, Path], caplog: pytest.LogCaptureFixture
) -> None:
    db, path = damaged
    before_runs = seed.runs(db)
    db.dispose()
    before = digest(path)
    clock = lambda: dt.datetime.combine(TODAY, dt.time(2), seed.CPH)  # noqa: E731
    runner = NightlyRunner(db, clock=clock, retry=RetryPolicy(()))
    finished = []
    runner.on_finished = finished.append
    with caplog.at_level(logging.ERROR, logger="kpidesk.scheduler"):
        result = runner.run_pass("nightly")
    assert not result.complete
    assert [s.status for s in result.summaries] == ["failed"]
    reason = result.summaries[0].reason
    assert reason.startswith("the database file is damaged (SQLite quick_check: ")
    assert "nothing was written" in reason
    assert finished == list(result.summaries)
    assert any("refused" in r.getMessage() and "damaged" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    assert seed.runs(db) == before_runs
    db.dispose()
    assert digest(path) == before


def test_db_check_reports_the_damage(
    damaged: tuple[Database, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, path = damaged
    db.dispose()
    assert main(["--db", f"sqlite:///{path}", "db", "check"]) == 1
    out = capsys.readouterr()
    assert "problem: quick_check: SQLite reports the file damaged: " in out.out
    assert "Traceback" not in out.err
