"""The run controller on both backends: requests from threads and from two processes take
turns, a cancel keeps the last good results, the CLI's `recalc` goes through it too.

The CRM data enters through `kpidesk import-crm` (the export of `test_source_nights`), and the
results are compared with that test's count by hand over the export's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import KpiRun, Setting
from kpidesk.engine.run import run_under_lock
from kpidesk.engine.runlock import acquire_run_lock
from kpidesk.services import runs
from kpidesk.services.caller import Caller, PermissionDenied
from kpidesk.services.forecasting import VERDICTS_KEY
from kpidesk.services.run_control import RunListener, RunTicket
from tests.scheduler.test_source_nights import (
    N1,
    expected,
    first_export,
    results,
    setup_rules,
    third_export,
    write_export,
)

ADMIN = Caller(login="anna.admin", role="admin")
SELLER = Caller(login="bo", role="user")
ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0


def import_export(db_url: str, folder: Path, acts: list) -> None:  # type: ignore[type-arg]
    """The CRM's export, imported the way users do it."""
    write_export(folder, acts, dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC))
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0


@pytest.fixture
def installed(db_url: str, db: Database, tmp_path: Path) -> Database:
    setup_rules(db)  # profile Salg and two rules; the import puts the sellers in Salg
    import_export(db_url, tmp_path / "export1", first_export())
    return db


def run_rows(db: Database) -> list[KpiRun]:
    with db.session() as session:
        return list(session.scalars(select(KpiRun).order_by(KpiRun.id)))


def assert_one_at_a_time(rows: list[KpiRun]) -> None:
    """No run started before the one before it had finished."""
    for before, after in zip(rows, rows[1:], strict=False):
        assert before.finished_at is not None and after.started_at >= before.finished_at, (
            before.id, before.finished_at, after.id, after.started_at,
        )  # fmt: skip


def verdicts_saved(db: Database) -> bool:
    with db.session() as session:
        return session.get(Setting, VERDICTS_KEY) is not None


class States:
    """Collects a request's states and progress; `wait_for` blocks until one is seen."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.steps: list[tuple[int, int]] = []
        self.ticket: RunTicket | None = None
        self._changed = threading.Condition()

    def listener(self) -> RunListener:
        return RunListener(state=self._state, progress=self._progress)

    def _state(self, ticket: RunTicket) -> None:
        with self._changed:
            self.ticket = ticket
            self.seen.append(ticket.state)
            self._changed.notify_all()

    def _progress(self, done: int, total: int) -> None:
        with self._changed:
            self.steps.append((done, total))
            self._changed.notify_all()

    def wait_for(self, test: object) -> None:
        with self._changed:
            assert self._changed.wait_for(test, WAIT), (self.seen, self.steps)  # type: ignore[arg-type]


class Background:
    """A service call on its own thread; `result()` joins it and returns (or raises) its answer."""

    def __init__(self, fn: object) -> None:
        self.answer: list[object] = []
        self.error: list[BaseException] = []

        def work() -> None:
            try:
                self.answer.append(fn())  # type: ignore[operator]
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                self.error.append(exc)

        self.thread = threading.Thread(target=work, daemon=True)
        self.thread.start()

    def result(self) -> object:
        self.thread.join(WAIT)
        assert not self.thread.is_alive()
        if self.error:
            raise self.error[0]
        return self.answer[0]


def test_requests_from_threads_wait_their_turn_and_identical_ones_join(
    installed: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = installed
    monkeypatch.setenv("KPIDESK_RUN_STEP_DELAY", "0.3")
    first = States()
    a = Background(lambda: runs.run_now(db, ADMIN, N1, listener=first.listener()))
    first.wait_for(lambda: first.steps)  # A is calculating
    second, third, other = States(), States(), States()
    b = Background(lambda: runs.run_now(db, ADMIN, N1, listener=second.listener()))
    second.wait_for(lambda: "queued" in second.seen)
    c = Background(lambda: runs.run_now(db, ADMIN, N1, listener=third.listener()))
    day2 = N1 + dt.timedelta(days=1)
    d = Background(lambda: runs.run_now(db, ADMIN, day2, listener=other.listener()))
    other.wait_for(lambda: "queued" in other.seen)
    queue = runs.run_queue(db, ADMIN)
    assert [q.state for q in queue] == ["running", "queued", "queued"]  # C joined B
    sa, sb, sc, sd = a.result(), b.result(), c.result(), d.result()
    assert [s.status for s in (sa, sb, sc, sd)] == ["success"] * 4  # type: ignore[attr-defined]
    # B was asked while A ran: a run of its own after A (A read the data before B asked);
    # C was asked while B still waited: it got B's run.
    assert sb.run_id != sa.run_id and sc.run_id == sb.run_id  # type: ignore[attr-defined]
    rows = run_rows(db)
    assert [(r.run_date, r.status, r.trigger) for r in rows] == [
        (N1, "success", "manual"), (N1, "success", "manual"), (day2, "success", "manual"),
    ]  # fmt: skip
    assert_one_at_a_time(rows)
    assert results(db, N1) == expected(first_export(), N1)
    assert results(db, day2) == expected(first_export(), day2)
    assert verdicts_saved(db)  # "Beregn nu" refreshes the forecast verdicts like the night
    assert runs.run_queue(db, ADMIN) == []


def test_cancel_stops_between_rules_and_keeps_the_last_good_results(
    installed: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = installed
    good = runs.run_now(db, ADMIN, N1)
    assert good.status == "success"
    assert results(db, N1) == expected(first_export(), N1)
    # The CRM changes; the next run is cancelled after its first rule.
    import_export(db_url, tmp_path / "export3", third_export(first_export()))
    assert expected(third_export(first_export()), N1) != expected(first_export(), N1)
    monkeypatch.setenv("KPIDESK_RUN_STEP_DELAY", "5")
    states = States()
    run = Background(lambda: runs.run_now(db, ADMIN, N1, listener=states.listener()))
    states.wait_for(lambda: (1, 2) in states.steps)
    with pytest.raises(PermissionDenied):
        runs.cancel_run(db, SELLER)
    asked = time.monotonic()
    assert runs.cancel_run(db, ADMIN)
    summary = run.result()
    assert time.monotonic() - asked < 3  # woke from its 5 s pause at once
    assert (summary.status, summary.reason) == ("cancelled", "cancelled by anna.admin")  # type: ignore[attr-defined]
    assert results(db, N1) == expected(first_export(), N1)  # the last good results
    log = runs.run_log(db, ADMIN)
    assert [(r.status, r.error) for r in log] == [
        ("failed", "cancelled by anna.admin"), ("success", None),
    ]  # fmt: skip
    assert not runs.cancel_run(db, ADMIN)  # nothing left to stop
    monkeypatch.delenv("KPIDESK_RUN_STEP_DELAY")
    assert runs.run_now(db, ADMIN, N1).status == "success"
    assert results(db, N1) == expected(third_export(first_export()), N1)


def test_a_waiting_request_is_cancelled_before_it_runs(installed: Database) -> None:
    db = installed
    lock = acquire_run_lock(db, wait=True)  # another process is calculating
    assert lock is not None
    try:
        states = States()
        run = Background(lambda: runs.run_now(db, ADMIN, N1, listener=states.listener()))
        states.wait_for(lambda: "waiting" in states.seen)
        (waiting,) = runs.run_queue(db, ADMIN)
        assert waiting.state == "waiting" and waiting.login == ADMIN.login
        assert runs.cancel_run(db, ADMIN, waiting.id)
        summary = run.result()
    finally:
        lock.release()
    assert (summary.status, summary.reason) == ("cancelled", "cancelled by anna.admin")  # type: ignore[attr-defined]
    assert run_rows(db) == []  # it never started
    assert results(db, N1) == {}


def test_a_date_another_process_calculated_after_the_request_is_not_repeated(
    installed: Database,
) -> None:
    db = installed
    lock = acquire_run_lock(db, wait=True)
    assert lock is not None
    try:
        states = States()
        run = Background(lambda: runs.run_now(db, ADMIN, N1, listener=states.listener()))
        states.wait_for(lambda: "waiting" in states.seen)
        # The other process runs the date after the request was made, then lets go.
        other = run_under_lock(db, N1, trigger="nightly")
    finally:
        lock.release()
    summary = run.result()
    assert summary.status == "success" and summary.run_id == other.run_id  # type: ignore[attr-defined]
    assert summary.reason.startswith(f"calculated meanwhile by run {other.run_id}")  # type: ignore[attr-defined]
    assert [(r.status, r.trigger) for r in run_rows(db)] == [("success", "nightly")]
    assert results(db, N1) == expected(first_export(), N1)


def test_recalc_from_the_command_line_and_a_desktop_take_turns(
    installed: Database, db_url: str
) -> None:
    """Two processes: `kpidesk recalc` of a backfill holds the lock over its dates; "Beregn
    nu" in this process waits, then runs; the verdicts follow."""
    db = installed
    days = [N1 - dt.timedelta(days=2), N1 - dt.timedelta(days=1), N1]
    later = N1 + dt.timedelta(days=1)
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "KPIDESK_RUN_STEP_DELAY": "0.4", "PYTHONPATH": path}
    cli = subprocess.Popen(
        [sys.executable, "-m", "kpidesk", "--db", db_url, "recalc",
         "--from", days[0].isoformat(), "--to", days[-1].isoformat()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT
        while not run_rows(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run_rows(db), "the command line's run did not start"
        states = States()
        desktop = runs.run_now(db, ADMIN, later, listener=states.listener())
        out, err = cli.communicate(timeout=120)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert cli.returncode == 0, err
    assert out.strip().endswith("s") and f"{days[0]} – {days[-1]} (3 dates)" in out
    assert "waiting" in states.seen  # the desktop waited for the command line's backfill
    assert desktop.status == "success"
    rows = run_rows(db)
    assert [(r.run_date, r.status) for r in rows] == [
        (days[0], "success"), (days[1], "success"), (days[2], "success"), (later, "success"),
    ]  # fmt: skip
    assert_one_at_a_time(rows)
    for day in [*days, later]:
        assert results(db, day) == expected(first_export(), day)
    assert verdicts_saved(db)


def test_recalc_refreshes_the_forecast_verdicts(installed: Database, db_url: str) -> None:
    db = installed
    assert not verdicts_saved(db)
    assert main(["--db", db_url, "recalc", "--date", N1.isoformat()]) == 0
    assert verdicts_saved(db)
    assert results(db, N1) == expected(first_export(), N1)
