"""Separate processes (not threads) against one real PostgreSQL server and one SQLite file.

Several processes fire the nightly job at the same moment and exactly one does the work; a run
killed with SIGKILL midway leaves the previous results; `kpidesk scheduler` stopped by SIGTERM
or SIGINT during a run exits 0 with nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from kpidesk import paths
from kpidesk.data.db import Database
from kpidesk.engine.run import INTERRUPTED_ERROR, run_for_date
from tests.scheduler import seed

REPO = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 20)
PROCESSES = 4
RULES = len(seed.RULES)


def spawn(
    *args: str, env: dict[str, str] | None = None, stderr: IO[str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args], cwd=REPO, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=stderr if stderr is not None else subprocess.PIPE, text=True,
    )  # fmt: skip


class LineReader:
    """Reads a process's stdout on a thread, so the test can wait for a line with a timeout."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in {timeout} s; got {self.seen}")


def test_processes_fired_at_once_do_exactly_one_run(db_url: str) -> None:
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        start = time.time() + 4.0  # every process is up and connected by then
        env = {"KPIDESK_RUN_STEP_DELAY": "0.4"}  # the run lasts long enough to overlap
        procs = [
            spawn(
                "-m", "tests.scheduler.child", "fire", db_url, DAY.isoformat(), str(start), env=env
            )  # fmt: skip
            for _ in range(PROCESSES)
        ]
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        statuses = [status for o in outputs for status, _, _ in o["summaries"]]
        assert statuses.count("success") == 1, outputs
        others = [s for o in outputs for s in o["summaries"] if s[0] != "success"]
        # The rest found the lock taken or the date done: nobody failed, nobody ran twice.
        assert all(s[0] == "skipped" for s in others), outputs
        assert {s[1] for s in others} <= {"in progress elsewhere", "already done"}
        rows = seed.run_rows(db)
        assert [(r.run_date, r.status) for r in rows] == [(DAY, "success")]
        results = seed.results(db, DAY)
        assert len(results) == seed.USERS * RULES
        assert {run_id for _, run_id in results.values()} == {rows[0].id}
        assert rows[0].results_count == seed.USERS * RULES
    finally:
        db.dispose()


def test_a_run_killed_midway_leaves_the_previous_results(db_url: str) -> None:
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        first = run_for_date(db, DAY, trigger="nightly")
        before = seed.results(db, DAY)
        assert len(before) == seed.USERS * RULES
        seed.add_meeting(db, "seller0", dt.datetime.combine(DAY, dt.time(9), seed.CPH)
                         + dt.timedelta(days=3))  # fmt: skip
        proc = spawn("-m", "tests.scheduler.child", "slow-run", db_url, DAY.isoformat())
        assert proc.stdout is not None
        LineReader(proc.stdout).wait_for("step 1 of 3")  # rule 1 written, not committed
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert seed.results(db, DAY) == before
        assert [r.status for r in seed.run_rows(db)] == ["success", "running"]
        # The next run takes the lock the dead process left, cleans its row and succeeds.
        again = run_for_date(db, DAY, trigger="manual", wait=True)
        assert again.status == "success"
        rows = seed.run_rows(db)
        assert [(r.status, r.error) for r in rows] == [
            ("success", None), ("failed", INTERRUPTED_ERROR), ("success", None),
        ]  # fmt: skip
        after = seed.results(db, DAY)
        assert len(after) == seed.USERS * RULES
        assert {run_id for _, run_id in after.values()} == {again.run_id}
        changed = {key for key in after if after[key][0] != before[key][0]}
        assert len(changed) == 2  # seller0's two meeting rules count the new meeting
        assert first.run_id != again.run_id
    finally:
        db.dispose()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_scheduler_service_stops_cleanly_during_a_run(
    db_url: str, signum: signal.Signals, tmp_path: Path
) -> None:
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        with open(tmp_path / "stderr.txt", "w") as stderr:
            proc = spawn("-m", "kpidesk", "-v", "scheduler", "--db", db_url,
                         env={"KPIDESK_RUN_STEP_DELAY": "6"}, stderr=stderr)  # fmt: skip
            assert proc.stdout is not None
            reader = LineReader(proc.stdout)
            reader.wait_for("1 of 3 rules done")  # the catch-up run is midway
            started = time.monotonic()
            proc.send_signal(signum)
            assert proc.wait(timeout=30) == 0
        assert time.monotonic() - started < 4.5  # it did not sit out the 6 s pause
        reader.wait_for("kpidesk scheduler stopped", timeout=5)
        rows = seed.run_rows(db)
        assert [(r.status, r.error) for r in rows] == [
            ("failed", "interrupted: the process was asked to stop")
        ]
        assert seed.results(db, rows[0].run_date) == {}  # rule 1's rows were rolled back
        log_text = (paths.user_log_dir() / "scheduler.log").read_text(encoding="utf-8")
        assert f"{signum.name} received: stopping" in log_text
        assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
    finally:
        db.dispose()


def test_scheduler_once_catches_up_and_reports_failure_in_its_exit_code(db_url: str) -> None:
    db = Database(db_url)
    try:
        tz = seed.CPH
        seed.seed(db, DAY)
        seed.break_rule(db)
        failed = subprocess.run(
            [sys.executable, "-m", "kpidesk", "scheduler", "--db", db_url, "--once"],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert failed.returncode == 1, failed.stderr
        assert "dates still without a successful run" in failed.stdout
        assert "Traceback" not in failed.stderr
        seed.mend_rule(db)
        before = dt.datetime.now(tz).date()
        done = subprocess.run(
            [sys.executable, "-m", "kpidesk", "scheduler", "--db", db_url, "--once"],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        after = dt.datetime.now(tz).date()
        assert done.returncode == 0, done.stderr
        rows = seed.run_rows(db)
        assert [(r.status, r.trigger) for r in rows] == [
            ("failed", "catchup"),
            ("success", "catchup"),
        ]
        assert rows[1].run_date in {before, after}  # today in the installation's time zone
        assert rows[1].results_count == seed.USERS * RULES
    finally:
        db.dispose()


def test_scheduler_with_a_wrong_database_says_so_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "kpi.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "kpidesk", "scheduler", "--db", f"sqlite:///{missing}"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"kpidesk: error: folder {missing.parent} of the database file does not exist"
    ]


def test_scheduler_killed_midway_then_the_next_start_catches_up(db_url: str) -> None:
    db = Database(db_url)
    try:
        seed.seed(db, DAY)
        proc = spawn("-m", "kpidesk", "-v", "scheduler", "--db", db_url,
                     env={"KPIDESK_RUN_STEP_DELAY": "3"}, stderr=subprocess.DEVNULL)  # fmt: skip
        assert proc.stdout is not None
        LineReader(proc.stdout).wait_for("1 of 3 rules done")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        rows = seed.run_rows(db)
        assert [r.status for r in rows] == ["running"]  # what a killed process leaves behind
        day = rows[0].run_date
        assert seed.results(db, day) == {}
        done = subprocess.run(
            [sys.executable, "-m", "kpidesk", "scheduler", "--db", db_url, "--once"],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        rows = seed.run_rows(db)
        assert [(r.run_date, r.status, r.error) for r in rows] == [
            (day, "failed", INTERRUPTED_ERROR), (day, "success", None),
        ]  # fmt: skip
        assert len(seed.results(db, day)) == seed.USERS * RULES
    finally:
        db.dispose()
