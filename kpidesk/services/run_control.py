"""The one run controller: every KPI calculation ("Beregn nu", `kpidesk recalc`, the nightly
pass) is a request to it, run one at a time and stoppable between rules.

The queue: in this process a first-come-first-served line of requests; across processes and
machines the engine's run lock (PostgreSQL advisory lock, SQLite lock file), tried every
`POLL_SECONDS` so that a waiting request can be cancelled. The lock is held over the whole
request: the nightly import and every date of it, so nothing else runs in between.

A request never joins a run already going: that run read the rules and the CRM data before the
request was made, and an administrator who has just changed a rule asks for figures that
include the change. It does join a request for the same dates that is still waiting (both get
the run that starts after both were made), and a date that another process calculated, in a
run it started after this request was made, is not calculated twice (run ids tell which run
came after, not the clocks of two machines).

Cancelling stops the run between rules (and between dates); the date's transaction rolls
back, so the last good results stay, and the run log says "failed" with "cancelled by <login>".
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar, cast

from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import KpiRun
from kpidesk.engine.runlock import RunLock, acquire_run_lock
from kpidesk.engine.summary import RunStopped, RunSummary

log = logging.getLogger("kpidesk.services")

T = TypeVar("T")

POLL_SECONDS = 0.25
STEP_DELAY_ENV = "KPIDESK_RUN_STEP_DELAY"
INTERRUPTED = "interrupted: the process was asked to stop"

# queued: behind an earlier request of this process; waiting: behind a run of another process;
# running: holds the run lock; done: finished, failed or cancelled.
TicketState = Literal["queued", "waiting", "running", "done"]


def cancelled_by(login: str) -> str:
    """The run log's error for a run someone stopped."""
    return f"cancelled by {login}"


def step_delay() -> float:
    """Seconds to pause after each rule of a run (`KPIDESK_RUN_STEP_DELAY`, default none).

    Lets the tests, and anyone checking a set-up, stop or kill a run midway
    deterministically; never set in production. The pause ends early when the run is cancelled.
    """
    import os

    try:
        return max(0.0, float(os.environ.get(STEP_DELAY_ENV, "0") or 0))
    except ValueError:
        return 0.0


@dataclass
class RunListener:
    """What a requester hears of its request; every callback runs on the running thread."""

    state: Callable[[RunTicket], None] | None = None  # queued, waiting, running, done
    started: Callable[[object], None] | None = None  # a date's run starts
    progress: Callable[[int, int], None] | None = None  # rules done of rules
    finished: Callable[[RunSummary], None] | None = None  # a date's run ended


@dataclass(eq=False)
class RunTicket:
    """One request in the queue. `cancel()` may be called from any thread."""

    id: int
    label: str
    login: str
    join_key: Hashable | None
    seen_run_id: int  # the newest run when the request was made
    state: TicketState = "queued"
    listeners: list[RunListener] = field(default_factory=list)
    cancel_reason: str | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)
    _done: threading.Event = field(default_factory=threading.Event)
    _result: object = None
    _error: BaseException | None = None

    def cancel(self, reason: str) -> bool:
        """Stop the request (between rules if it runs); False when it had already ended."""
        if self._done.is_set():
            return False
        if self.cancel_reason is None:
            self.cancel_reason = reason
        self._cancel.set()
        return True

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise `RunStopped` once the request is cancelled (the engine rolls the date back)."""
        if self._cancel.is_set():
            raise RunStopped(self.cancel_reason or INTERRUPTED)

    def pause(self, seconds: float) -> None:
        """Sleep, waking at once to stop when cancelled."""
        if seconds > 0 and self._cancel.wait(seconds):
            self.check()

    def _tell(self, name: str, *args: object) -> None:
        """Call every listener's `name`; a listener's failure (a closed window's relay) is
        logged and never stops the run."""
        for listener in list(self.listeners):
            callback = getattr(listener, name)
            if callback is None:
                continue
            try:
                callback(*args)
            except Exception:  # noqa: BLE001 - the run goes on without that listener
                log.warning("a listener of run request %d failed", self.id, exc_info=True)

    def _set_state(self, state: TicketState) -> None:
        self.state = state
        self._tell("state", self)

    # -- what the body of a request calls --------------------------------------------------

    def started(self, day: object) -> None:
        self.check()
        self._tell("started", day)

    def progress(self, done: int, total: int) -> None:
        """The engine's progress callback: stops a cancelled run, else reports and goes on."""
        self.check()
        self._tell("progress", done, total)
        if done < total:
            self.pause(step_delay())
            self.check()

    def finished(self, summary: RunSummary) -> None:
        self._tell("finished", summary)


class RunController:
    """The queue of one database (one per `Database` object, see `controller_for`)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._turn = threading.Condition()
        self._line: list[RunTicket] = []
        self._ids = itertools.count(1)

    # -- looking -----------------------------------------------------------------------------

    def tickets(self) -> list[RunTicket]:
        """The requests of this process, the running one first."""
        with self._turn:
            return list(self._line)

    def ticket(self, ticket_id: int) -> RunTicket | None:
        with self._turn:
            return next((t for t in self._line if t.id == ticket_id), None)

    def running(self) -> RunTicket | None:
        with self._turn:
            return next((t for t in self._line if t.state == "running"), None)

    # -- running -----------------------------------------------------------------------------

    def run(
        self,
        body: Callable[[RunTicket], T],
        *,
        label: str,
        login: str,
        join_key: Hashable | None = None,
        listener: RunListener | None = None,
    ) -> T:
        """Queue `body`, wait for its turn, run it under the run lock on this thread.

        A request with the same `join_key` as one still queued waits for that one and gets its
        result instead. `RunStopped` when cancelled before `body` started; `body` itself sees a
        cancel through the ticket (`check`, `progress`) and decides what it returns.
        """
        ticket, joined = self._enter(label, login, join_key, listener)
        if joined:
            ticket._done.wait()
            if ticket._error is not None:
                raise ticket._error
            return cast(T, ticket._result)
        try:
            lock = self._take_turn(ticket)
            try:
                ticket._set_state("running")
                result = body(ticket)
            finally:
                lock.release()
        except BaseException as exc:
            ticket._error = exc
            raise
        else:
            ticket._result = result
            return result
        finally:
            with self._turn:
                self._line.remove(ticket)
                self._turn.notify_all()
            ticket._done.set()
            ticket._set_state("done")

    def _enter(
        self, label: str, login: str, join_key: Hashable | None, listener: RunListener | None
    ) -> tuple[RunTicket, bool]:
        seen = newest_run_id(self.db)
        with self._turn:
            if join_key is not None:
                for waiting in self._line:
                    if waiting.join_key == join_key and waiting.state in ("queued", "waiting") \
                            and not waiting.cancelled:  # fmt: skip
                        if listener is not None:
                            waiting.listeners.append(listener)
                        log.info("request %s joins the waiting request %d", label, waiting.id)
                        return waiting, True
            ticket = RunTicket(next(self._ids), label, login, join_key, seen)
            if listener is not None:
                ticket.listeners.append(listener)
            self._line.append(ticket)
        return ticket, False

    def _take_turn(self, ticket: RunTicket) -> RunLock:
        """Wait behind this process's earlier requests, then for the installation's run lock."""
        with self._turn:
            behind = self._line[0] is not ticket
        if behind:  # said outside the condition: a listener may ask the queue
            ticket._set_state("queued")
        with self._turn:
            while self._line[0] is not ticket:
                ticket.check()
                self._turn.wait(POLL_SECONDS)
        told = False
        while True:
            ticket.check()
            lock = acquire_run_lock(self.db, wait=False)
            if lock is not None:
                return lock
            if not told:
                log.info("request %s waits for a KPI run in another process", ticket.label)
                ticket._set_state("waiting")
                told = True
            ticket.pause(POLL_SECONDS)


_controllers: weakref.WeakKeyDictionary[Database, RunController] = weakref.WeakKeyDictionary()
_controllers_guard = threading.Lock()


def controller_for(db: Database) -> RunController:
    """The process's controller for this database: every path of this process shares it."""
    with _controllers_guard:
        controller = _controllers.get(db)
        if controller is None:
            controller = _controllers[db] = RunController(db)
        return controller


def newest_run_id(db: Database) -> int:
    with db.connect() as conn:
        return int(conn.scalar(select(func.max(KpiRun.id))) or 0)


def calculated_since(db: Database, day: object, seen_run_id: int) -> RunSummary | None:
    """A successful run of `day` that started after the request (run id above `seen`)."""
    with db.connect() as conn:
        row = conn.execute(
            select(*KpiRun.__table__.c)
            .where(KpiRun.run_date == day, KpiRun.status == "success", KpiRun.id > seen_run_id)
            .order_by(KpiRun.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    seconds = (row.finished_at - row.started_at).total_seconds() if row.finished_at else 0.0
    reason = f"calculated meanwhile by run {row.id} ({row.trigger}, {row.host})"
    return RunSummary(
        row.id, row.run_date, "success", reason, row.users_count, row.rules_count,
        row.results_count, round(seconds, 3),
    )  # fmt: skip


def refresh_verdicts_after(db: Database, summaries: Sequence[RunSummary]) -> bool:
    """After a calculation with a success: the forecast verdicts from the new results.

    Never raises: a failure keeps the last verdicts and is one line in the log (the results
    are in already). The same for every path, so "Beregn nu" and `recalc` refresh them too.
    """
    if not any(summary.status == "success" for summary in summaries):
        return False
    from kpidesk.services.caller import SYSTEM_SCHEDULER
    from kpidesk.services.forecasting import refresh_verdicts

    started = time.monotonic()
    try:
        report = refresh_verdicts(db, SYSTEM_SCHEDULER)
    except Exception as exc:  # noqa: BLE001 - a forecast problem must not fail the run
        log.debug("forecast verdicts not refreshed", exc_info=True)
        first = str(exc).strip().splitlines()
        log.error(
            "forecast verdicts not refreshed, the last ones stay: %s: %s",
            type(exc).__name__, first[0] if first else "",
        )  # fmt: skip
        return False
    log.info(
        "forecast verdicts refreshed: %d rules in %.1f s",
        len(report.rules), time.monotonic() - started,
    )  # fmt: skip
    return True
