"""The nightly schedule inside the desktop app, reported to the windows through Qt signals.

APScheduler runs every job on its worker thread. The bridge lives in the GUI thread; the job's
callbacks only emit the bridge's private signals, which Qt queues into the GUI thread, and
there the bridge re-emits them on `ctx.events`. No job ever touches a widget.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from kpidesk.gui.context import AppContext
from kpidesk.scheduler.nightly import NightlyRunner, NightlyScheduler
from kpidesk.scheduler.plan import Clock, RetryPolicy, system_clock
from kpidesk.services import runs

log = logging.getLogger("kpidesk.gui")

RESTART_DELAY_MS = 60_000


class SchedulerBridge(QObject):
    """Owns the app's `BackgroundScheduler`: catch-up at start, the nightly run, retries.

    Create it once after login (`SchedulerBridge(ctx, main_window)`), call `start()`; it stops
    itself when the application quits. On a shared database every desktop tries each night with
    `wait=False`: the first to take the engine's lock runs, the others skip.
    """

    # Emitted from the worker thread; connected (queued) to the GUI-thread slots below.
    _waiting = Signal(str)
    _started = Signal(object)
    _progress = Signal(int, int)
    _finished = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        parent: QObject | None = None,
        *,
        clock: Clock = system_clock,
        retry: RetryPolicy | None = None,
        catch_up: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schedulerBridge")
        self.ctx = ctx
        self._waiting.connect(self._forward_waiting)
        self._started.connect(self._forward_started)
        self._progress.connect(self._forward_progress)
        self._finished.connect(self._forward_finished)
        self.runner = NightlyRunner(
            ctx.db, clock=clock, retry=retry,
            on_started=self._started.emit, on_progress=self._progress.emit,
            on_finished=self._finished.emit, on_waiting=self._waiting.emit,
        )  # fmt: skip
        self.scheduler = NightlyScheduler(self.runner, catch_up=catch_up)
        self._stopped = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        """Schedule the nightly run and start the catch-up (in the background).

        If the database cannot be read just now, the app goes on and tries again in a minute.
        """
        if self.scheduler.running or self._stopped:
            return
        try:
            self.scheduler.start()
        except Exception as exc:  # noqa: BLE001 - the app must open even so
            log.warning("nightly schedule not started (%s); trying again in a minute", exc)
            QTimer.singleShot(RESTART_DELAY_MS, self, self.start)

    @Slot()
    def stop(self) -> None:
        """Stop scheduling; a run in progress is interrupted and rolled back."""
        self._stopped = True
        self.scheduler.shutdown(wait=True)

    def next_run(self) -> dt.datetime | None:
        """When the nightly run fires next (for a tooltip), None before `start()`."""
        return self.scheduler.next_nightly() if self.scheduler.running else None

    def run_now(self, run_date: dt.date | None = None) -> None:
        """ "Beregn nu": recalculate a date (default today) on the scheduler's worker thread.

        Queued behind a nightly pass in progress, never beside it; reported on `ctx.events` like
        any run. Only administrators may (checked here and again in the service).
        """
        self.ctx.caller.require_admin()
        self.start()
        if not self.scheduler.running:
            raise RuntimeError("the calculation cannot start: the database is not reachable")
        self.scheduler.submit(lambda: self._manual(run_date), name="KPI manual run")

    def _manual(self, run_date: dt.date | None) -> None:
        day = run_date if run_date is not None else self.runner.today()
        self._started.emit(day)
        try:
            summary = runs.run_now(
                self.ctx.db, self.ctx.caller, day, progress=self._progress.emit
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - shown as a failed run, never lost
            log.exception("manual KPI run for %s failed", day)
            summary = self.runner.failed_summary(day, f"{type(exc).__name__}: {exc}")
        self._finished.emit(summary)

    @Slot(str)
    def _forward_waiting(self, state: str) -> None:
        self.ctx.events.runWaiting.emit(state)

    @Slot(object)
    def _forward_started(self, run_date: object) -> None:
        self.ctx.events.runStarted.emit(run_date)

    @Slot(int, int)
    def _forward_progress(self, done: int, total: int) -> None:
        self.ctx.events.runProgress.emit(done, total)

    @Slot(object)
    def _forward_finished(self, summary: object) -> None:
        self.ctx.events.runFinished.emit(summary)
