"""A run whose process dies or is stopped never stays `running` in the run log."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.engine.run import INTERRUPTED_ERROR, run_for_date
from kpidesk.services import runs
from tests.scheduler import seed

REPO = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 20)


def slow_recalc(db_url: str) -> subprocess.Popen[str]:
    """`kpidesk recalc` pausing 60 s after each rule, so it can be stopped midway."""
    env = {**os.environ, "KPIDESK_RUN_STEP_DELAY": "60"}
    return subprocess.Popen(
        [sys.executable, "-m", "kpidesk", "--db", db_url, "recalc", "--date", DAY.isoformat()],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_running(db: Database, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if [r.status for r in seed.run_rows(db)][-1:] == ["running"]:
            time.sleep(0.5)  # inside the first rule's pause
            return
        time.sleep(0.1)
    raise AssertionError("the run never started")


def test_sigterm_during_recalc_records_the_run_failed(db_url: str) -> None:
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        run_for_date(db, DAY)
        before = seed.results(db, DAY)
        proc = slow_recalc(db_url)
        wait_for_running(db, proc)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 143
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert "stopped" in err
        rows = seed.run_rows(db)
        assert [(r.status, r.error) for r in rows] == [
            ("success", None), ("failed", "interrupted: the process was asked to stop"),
        ]  # fmt: skip
        assert rows[-1].finished_at is not None
        assert seed.results(db, DAY) == before
    finally:
        db.dispose()


def test_a_killed_run_is_failed_at_the_next_start(db_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        proc = slow_recalc(db_url)
        wait_for_running(db, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert [r.status for r in seed.run_rows(db)] == ["running"]
        # Any command that opens the database (here a read of the settings) cleans it.
        assert main(["--db", db_url, "config", "get", "timezone"]) == 0
        rows = seed.run_rows(db)
        assert [(r.status, r.error) for r in rows] == [("failed", INTERRUPTED_ERROR)]
        assert "the process stopped" in INTERRUPTED_ERROR
        assert rows[0].finished_at is not None
        assert runs.fail_stopped_runs(db) == 0  # nothing left over: one read, no write
    finally:
        db.dispose()


def test_a_run_in_progress_is_not_touched_at_start(db_url: str) -> None:
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        proc = slow_recalc(db_url)
        try:
            wait_for_running(db, proc)
            assert runs.fail_stopped_runs(db) == 0
            assert [r.status for r in seed.run_rows(db)] == ["running"]
        finally:
            proc.kill()
            proc.wait(timeout=30)
    finally:
        db.dispose()
