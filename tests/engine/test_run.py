"""Runs: idempotent, atomic (an exception or a killed process leaves the old results), locked."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Float, insert, literal, select, update

from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, KpiRun
from kpidesk.domain.scoring import score
from kpidesk.engine.run import (
    INTERRUPTED_ERROR,
    REASON_BUSY,
    REASON_DONE,
    RuleError,
    RunSummary,
    run_for_date,
    score_expression,
)
from tests.engine.builders import Builder, local

D = dt.date(2026, 3, 29)
DAY = dt.timedelta(days=1)
ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import sys
from kpidesk.data.db import Database
from kpidesk.engine.runlock import acquire_run_lock
db = Database(sys.argv[1])
lock = acquire_run_lock(db, wait=True)
print("locked", flush=True)
sys.stdin.readline()
lock.release()
print("released", flush=True)
"""

STALL_RUN = """
import datetime as dt, sys, time
from kpidesk.data.db import Database
from kpidesk.engine.run import run_for_date
db = Database(sys.argv[1])
def progress(done, total):
    if done == 2:  # two rules' results are written, not committed
        open(sys.argv[2], "w").close()
        time.sleep(600)
run_for_date(db, dt.date.fromisoformat(sys.argv[3]), trigger="test", progress=progress)
"""


class Setup:
    def __init__(self, db: Database) -> None:
        b = self.b = Builder(db)
        self.db = db
        salg = self.salg = b.profile("Salg")
        self.anna, self.bo = b.user("anna", salg), b.user("bo", salg)
        self.off = b.user("off", salg, active=False)
        self.none = b.user("none", None)
        b.company("Kunde", kam=self.anna)
        for day in range(6):
            b.activity(local(D + day * DAY, 9), [self.anna, self.off, self.none])
        b.activity(local(D - DAY), [self.bo], status="done")
        self.meetings = b.rule("Møder", "planned_meetings", None, 10, [salg])
        self.coverage = b.rule("Dækning", "kam_coverage", None, 0.8, [salg])
        self.completed = b.rule("Gennemført", "completed_activities", {"days": 7}, 4, [salg])
        self.overdue = b.rule("Forfaldne", "overdue_activities", None, 0, [salg])

    def more_meetings(self) -> None:
        """Change the data so that a new run would write different values."""
        for day in range(3):
            self.b.activity(local(D + day * DAY, 13), [self.anna, self.bo])


def results(db: Database, day: dt.date = D) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                select(
                    KpiResult.user_id, KpiResult.rule_id, KpiResult.value, KpiResult.target,
                    KpiResult.score, KpiResult.run_id,
                ).where(KpiResult.run_date == day).order_by(KpiResult.rule_id, KpiResult.user_id)
            )
        ]  # fmt: skip


def runs(db: Database) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                select(KpiRun.id, KpiRun.run_date, KpiRun.status, KpiRun.error).order_by(KpiRun.id)
            )
        ]


def without_run_id(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [row[:-1] for row in rows]


def test_run_writes_every_rule_for_eligible_users(db: Database) -> None:
    s = Setup(db)
    summary = run_for_date(db, D, trigger="test")
    assert summary == RunSummary(summary.run_id, D, "success", "", 2, 4, 8, summary.seconds)
    rows = results(db)
    run_id = summary.run_id
    assert without_run_id(rows) == [
        (s.anna, s.meetings, 6.0, 10.0, 0.6),  # the seed example: 60 %
        (s.bo, s.meetings, 0.0, 10.0, 0.0),
        (s.anna, s.coverage, 0.0, 0.8, 0.0),
        (s.bo, s.coverage, None, 0.8, None),  # manages no customers: undefined, no score
        (s.anna, s.completed, 0.0, 4.0, 0.0),
        (s.bo, s.completed, 1.0, 4.0, 0.25),
        (s.anna, s.overdue, 0.0, 0.0, 1.0),
        (s.bo, s.overdue, 0.0, 0.0, 1.0),
    ]
    assert {row[-1] for row in rows} == {run_id}
    assert runs(db) == [(run_id, D, "success", None)]
    with db.connect() as conn:
        run = conn.execute(select(KpiRun).where(KpiRun.id == run_id)).one()
    assert (run.users_count, run.rules_count, run.results_count) == (2, 4, 8)
    assert run.trigger == "test" and run.host and run.finished_at is not None


def test_rerun_is_idempotent(db: Database) -> None:
    Setup(db)
    first = run_for_date(db, D)
    before = results(db)
    second = run_for_date(db, D)
    after = results(db)
    assert without_run_id(after) == without_run_id(before)
    assert {row[-1] for row in after} == {second.run_id} != {first.run_id}
    assert [r[2] for r in runs(db)] == ["success", "success"]


def test_results_keep_target_and_score_as_they_were(db: Database) -> None:
    s = Setup(db)
    run_for_date(db, D)
    with db.connect(write=True) as conn:
        conn.execute(update(KpiRule).where(KpiRule.id == s.meetings).values(target=5))
        conn.execute(update(KpiRule).where(KpiRule.id == s.coverage).values(active=False))
    run_for_date(db, D + DAY)
    old = {(u, r): (t, sc) for u, r, _, t, sc, _ in results(db, D)}
    new = {(u, r): (t, sc) for u, r, _, t, sc, _ in results(db, D + DAY)}
    assert old[(s.anna, s.meetings)] == (10.0, 0.6)
    assert new[(s.anna, s.meetings)] == (5.0, 1.0)
    assert (s.anna, s.coverage) in old and (s.anna, s.coverage) not in new


def test_an_exception_rolls_back_and_records_the_error(db: Database) -> None:
    s = Setup(db)
    first = run_for_date(db, D)
    before = results(db)
    s.more_meetings()

    def boom(done: int, total: int) -> None:
        if done == 2:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_for_date(db, D, progress=boom)
    assert results(db) == before  # previous results of D untouched, run id included
    assert runs(db)[-1][2:] == ("failed", "RuntimeError: boom")
    assert {row[-1] for row in results(db)} == {first.run_id}
    # The next run succeeds and sees the new data.
    run_for_date(db, D)
    assert dict(((u, r), v) for u, r, v, *_ in results(db))[(s.anna, s.meetings)] == 9.0


def test_ctrl_c_rolls_back_too(db: Database) -> None:
    Setup(db)
    run_for_date(db, D)
    before = results(db)

    def interrupt(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_for_date(db, D, progress=interrupt)
    assert results(db) == before
    assert runs(db)[-1][2:] == ("failed", "interrupted (Ctrl+C)")


def test_a_broken_rule_fails_the_run_with_its_name(db: Database) -> None:
    s = Setup(db)
    run_for_date(db, D)
    before = results(db)
    s.b.rule("Kaputt", "planned_meetings", {"days": 0}, 1, [s.salg])
    with pytest.raises(RuleError) as info:
        run_for_date(db, D)
    assert "rule 'Kaputt'" in str(info.value) and "out of bounds" in str(info.value)
    assert results(db) == before
    status, error = runs(db)[-1][2:]
    assert status == "failed" and error.startswith("rule 'Kaputt': template 'planned_meetings'")


def test_skip_if_done(db: Database) -> None:
    Setup(db)
    with pytest.raises(RuntimeError):
        run_for_date(db, D, progress=lambda done, total: (_ for _ in ()).throw(RuntimeError()))
    first = run_for_date(db, D, skip_if_done=True)  # only a failed run so far: runs
    assert first.status == "success"
    again = run_for_date(db, D, skip_if_done=True, trigger="nightly")
    assert (again.status, again.reason, again.run_id, again.results) == (
        "skipped", REASON_DONE, None, 0,
    )  # fmt: skip
    assert len(runs(db)) == 2
    assert run_for_date(db, D + DAY, skip_if_done=True).status == "success"


def test_stale_running_rows_are_marked_failed(db: Database) -> None:
    Setup(db)
    with db.connect(write=True) as conn:
        for day in (D, D - DAY):
            conn.execute(insert(KpiRun).values(run_date=day, status="running", trigger="x",
                                               host="gone", started_at=local(D)))  # fmt: skip
    run_for_date(db, D)
    statuses = [(day, status, error) for _, day, status, error in runs(db)]
    assert statuses == [
        (D, "failed", INTERRUPTED_ERROR),
        (D - DAY, "failed", INTERRUPTED_ERROR),
        (D, "success", None),
    ]


def test_progress_reports_every_rule(db: Database) -> None:
    Setup(db)
    calls: list[tuple[int, int]] = []
    run_for_date(db, D, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


RACE = """
import datetime as dt, os, sys, time
from kpidesk.data.db import Database
from kpidesk.engine.run import run_for_date
db = Database(sys.argv[1])
while not os.path.exists(sys.argv[2]):
    time.sleep(0.005)
summary = run_for_date(db, dt.date.fromisoformat(sys.argv[3]), skip_if_done=True, wait=False)
print(summary.status, summary.reason, summary.results, flush=True)
"""


def test_processes_racing_for_one_date_run_it_once(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    Setup(db)
    go = tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, db_url, str(go), D.isoformat()],
            stdout=subprocess.PIPE,
            text=True,
            env=_python_env(),
        )  # fmt: skip
        for _ in range(4)
    ]
    time.sleep(1.0)  # let every process import and wait at the start line
    go.touch()
    outcomes = sorted(racer.communicate(timeout=120)[0].strip() for racer in racers)
    assert all(racer.returncode == 0 for racer in racers)
    assert [o for o in outcomes if o.startswith("success")] == ["success  8"]
    assert all(o in ("success  8", "skipped in progress elsewhere 0",
                     "skipped already done 0") for o in outcomes)  # fmt: skip
    assert [status for _, _, status, _ in runs(db)] == ["success"]
    assert len(results(db)) == 8


def _python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_lock_held_elsewhere_skips_or_waits(db_url: str, db: Database) -> None:
    Setup(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, db_url], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env=_python_env(),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        skipped = run_for_date(db, D, wait=False)
        assert (skipped.status, skipped.reason, skipped.run_id) == ("skipped", REASON_BUSY, None)
        assert runs(db) == []  # nothing recorded by a run that did not get the lock

        waited: list[RunSummary] = []
        waiter = threading.Thread(target=lambda: waited.append(run_for_date(db, D, wait=True)))
        waiter.start()
        time.sleep(0.5)
        assert waiter.is_alive() and runs(db) == []  # blocked on the lock
        holder.stdin.write("\n")
        holder.stdin.flush()
        waiter.join(timeout=60)
        assert not waiter.is_alive()
        assert waited[0].status == "success"
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_killed_run_leaves_the_old_results(db_url: str, db: Database, tmp_path: Path) -> None:
    s = Setup(db)
    first = run_for_date(db, D)
    before = results(db)
    s.more_meetings()
    flag = tmp_path / "stalled"
    victim = subprocess.Popen(
        [sys.executable, "-c", STALL_RUN, db_url, str(flag), D.isoformat()], env=_python_env()
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert victim.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run never reached its second rule"
            time.sleep(0.05)
        assert results(db) == before  # the half-written run is invisible to readers
        assert run_for_date(db, D, wait=False).status == "skipped"  # it holds the lock
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait(timeout=30)
    assert results(db) == before
    assert {row[-1] for row in results(db)} == {first.run_id}
    assert runs(db)[-1][2] == "running"  # nobody could record the death
    after = run_for_date(db, D, wait=True)
    assert after.status == "success"
    assert [(status, error) for _, _, status, error in runs(db)] == [
        ("success", None),
        ("failed", INTERRUPTED_ERROR),
        ("success", None),
    ]
    values = {(u, r): v for u, r, v, *_ in results(db)}
    assert values[(s.anna, s.meetings)] == 9.0 and values[(s.bo, s.meetings)] == 3.0


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_sql_score_matches_domain_score(db: Database, direction: str) -> None:
    cases = [
        (value, target)
        for value in (None, 0.0, 1.0, 3.0, 6.0, 10.0, 2 / 3, 1234.56)
        for target in (0.0, 0.5, 1.0, 3.0, 10.0, 0.8)
    ]
    with db.connect() as conn:
        for value, target in cases:
            got = conn.scalar(select(score_expression(literal(value, Float), target, direction)))
            expected = score(value, target, direction)
            assert got == expected, (value, target, direction)
