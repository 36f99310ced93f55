"""The nightly KPI run: catch-up, the daily firing, retries, shared by the desktop and the service.

"Which nights ran" lives in `kpi_runs` only (never in an APScheduler job store): every pass
re-reads it, plans the missed dates and runs them oldest first through the engine's
`run_for_date(..., skip_if_done=True, wait=False)`. The engine's run lock makes the run of a
date exclusive across processes and machines, so a doubled DST firing, a second desktop or
the service racing us all end as "skipped". A pass that leaves a date without a successful
run (a failure, or another process still holding the lock) is tried again with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from kpidesk.data import settings, source
from kpidesk.data.db import Database
from kpidesk.data.integrity import damage_message, quick_check
from kpidesk.data.models import KpiRun
from kpidesk.domain.freshness import data_note
from kpidesk.engine.run import RunData, run_under_lock
from kpidesk.engine.summary import RunStopped, RunSummary
from kpidesk.scheduler.plan import (
    Clock,
    RetryPolicy,
    catchup_dates,
    local_today,
    nightly_trigger,
    system_clock,
)
from kpidesk.services.caller import SYSTEM_SCHEDULER
from kpidesk.services.run_control import (
    INTERRUPTED,
    RunListener,
    RunTicket,
    controller_for,
    refresh_verdicts_after,
)

log = logging.getLogger("kpidesk.scheduler")

T = TypeVar("T")

NIGHTLY_JOB = "kpidesk-nightly"
PASS_JOB = "kpidesk-pass"
WATCH_JOB = "kpidesk-settings-watch"
SETTINGS_WATCH_INTERVAL = dt.timedelta(minutes=10)

StartedCallback = Callable[[dt.date], None]
ProgressCallback = Callable[[int, int], None]
FinishedCallback = Callable[[RunSummary], None]
WaitingCallback = Callable[[str], None]


@dataclass(frozen=True)
class Schedule:
    """The installation settings that decide the schedule, read from the database."""

    tz: ZoneInfo
    run_time: dt.time
    catchup_days: int


def read_schedule(db: Database) -> Schedule:
    with db.session() as session:
        return Schedule(
            tz=settings.timezone(session),
            run_time=settings.nightly_run_time(session),
            catchup_days=int(settings.get(session, "catchup_days")),
        )


def latest_success(db: Database, on_or_before: dt.date) -> dt.date | None:
    """The newest date with a successful run, not after `on_or_before`."""
    with db.session() as session:
        return session.scalar(
            select(func.max(KpiRun.run_date)).where(
                KpiRun.status == "success", KpiRun.run_date <= on_or_before
            )
        )


@dataclass(frozen=True)
class PassResult:
    """What one pass did: the summaries of the dates it ran, and the dates still missing."""

    summaries: tuple[RunSummary, ...]
    missing: tuple[dt.date, ...]
    interrupted: bool = False
    error: str | None = None  # the pass itself failed, e.g. the database was unreachable

    @property
    def complete(self) -> bool:
        return not self.missing and self.error is None


class NightlyRunner:
    """Runs the missed dates of the installation, one at a time, and reports each run.

    Not thread-safe by itself: `NightlyScheduler` calls it from one worker thread only. The
    callbacks run on that worker thread; the desktop's bridge turns them into Qt signals.
    """

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = system_clock,
        retry: RetryPolicy | None = None,
        on_started: StartedCallback | None = None,
        on_progress: ProgressCallback | None = None,
        on_finished: FinishedCallback | None = None,
        on_waiting: WaitingCallback | None = None,
    ) -> None:
        self.db = db
        self.on_waiting = on_waiting  # "queued" / "waiting": behind another run
        self.clock = clock
        self.retry = retry if retry is not None else RetryPolicy()
        self.on_started = on_started
        self.on_progress = on_progress
        self.on_finished = on_finished
        self.failures = 0  # passes in a row that left a date missing
        self._stop = threading.Event()
        self._ticket: RunTicket | None = None  # this runner's request to the run controller

    # -- planning ---------------------------------------------------------------------------

    def today(self, schedule: Schedule | None = None) -> dt.date:
        tz = (schedule or read_schedule(self.db)).tz
        return local_today(self.clock(), tz)

    def plan(self) -> list[dt.date]:
        """The dates to run now, oldest first (see `plan.catchup_dates`)."""
        schedule = read_schedule(self.db)
        today = local_today(self.clock(), schedule.tz)
        return catchup_dates(today, latest_success(self.db, today), schedule.catchup_days)

    # -- stopping ---------------------------------------------------------------------------

    def resume(self) -> None:
        """Allow runs again after `interrupt()` (a scheduler started anew)."""
        self._stop.clear()

    def interrupt(self) -> None:
        """Ask a run in progress to stop at its next progress step; it is rolled back."""
        self._stop.set()
        ticket = self._ticket
        if ticket is not None:
            ticket.cancel(INTERRUPTED)

    @property
    def interrupted(self) -> bool:
        return self._stop.is_set()

    # -- running ----------------------------------------------------------------------------

    def run_pass(self, trigger: str) -> PassResult:
        """Run every planned date oldest first; stop at the first date that does not succeed.

        One request to the run controller: it waits for a run in progress (here or in another
        process), then, under the run lock, plans again (the other run may have done the
        night), imports from the data source and runs the dates, so no other run comes in
        between. A failure would most likely repeat for the later dates; the retry re-plans
        from `kpi_runs`.
        """
        damage = self.damage()
        if damage is not None:
            planned = self.plan()
            if planned:
                summary = self.failed_summary(planned[0], damage)
                log.error("KPI run for %s refused: %s", planned[0], damage)
                if self.on_finished is not None:
                    self.on_finished(summary)
                self.failures += 1
                return PassResult((summary,), tuple(planned), False, error=damage)
        summaries: list[RunSummary] = []
        planned = self.plan()
        elsewhere = source.left_to_another_process(self.db) if planned else None
        if elsewhere is not None:
            log.warning("nightly run for %s not started here: %s", planned[0], elsewhere)
            self.failures += 1  # tried again later: by then the service has run the night
            return PassResult((), tuple(planned), False)
        if planned and not self.interrupted:
            try:
                self._request(lambda ticket: self._pass_body(ticket, trigger, summaries),
                              f"{trigger} pass")  # fmt: skip
            except RunStopped as exc:  # stopped while it waited its turn: nothing ran
                log.info("KPI %s pass not run: %s", trigger, exc)
        if not self.interrupted:
            refresh_verdicts_after(self.db, summaries)
        missing = () if self.interrupted else tuple(self.plan())
        result = PassResult(tuple(summaries), missing, self.interrupted)
        if result.complete and not result.interrupted:
            self.failures = 0
        elif not result.interrupted:
            self.failures += 1
        return result

    def _pass_body(self, ticket: RunTicket, trigger: str, summaries: list[RunSummary]) -> None:
        """The pass under the run lock: plan again, import once, then every date."""
        planned = self.plan()
        if not planned:
            return
        data = self.sync_source()  # fresh CRM data first, once for every date of the pass
        for day in planned:
            if ticket.cancelled:
                break
            summary = self._run_locked(ticket, day, trigger, data)
            summaries.append(summary)
            if summary.status != "success" and not self._succeeded(day):
                break

    def _request(self, body: Callable[[RunTicket], T], label: str) -> T:
        """`body` as this runner's request to the run controller (queued, interruptible)."""

        def track(ticket: RunTicket) -> None:
            self._ticket = ticket if ticket.state != "done" else None
            if self._stop.is_set():
                ticket.cancel(INTERRUPTED)
            if ticket.state in ("queued", "waiting") and self.on_waiting is not None:
                self.on_waiting(ticket.state)

        listener = RunListener(state=track, progress=self._report_progress)
        return controller_for(self.db).run(
            body, label=label, login=SYSTEM_SCHEDULER.login, listener=listener
        )

    def sync_source(self) -> RunData | None:
        """Import from the data source; which data the runs will use, in words (None: no source).

        Never raises: a failed import leaves the last good data, and the runs say so.
        """
        schedule = read_schedule(self.db)
        now = self.clock()
        try:
            result = source.sync(self.db, clock=self.clock)
        except Exception as exc:  # noqa: BLE001 - the runs calculate on the last good data
            log.debug("import from the data source raised", exc_info=True)
            last = source.last_good_import(self.db)
            result = source.SyncResult(
                "failed", "", f"{type(exc).__name__}: {exc}", last_good=last,
                attempted_at=now.astimezone(dt.UTC),
            )  # fmt: skip
        if result.status == "no_source":
            return None
        last = result.last_good
        note = data_note(
            result.status,
            data_at=last.data_at if last is not None else None,
            attempted_at=now,
            now=now,
            tz=schedule.tz,
            detail=result.message,
        )
        if result.status == "failed":
            log.error("import from %s failed: %s", result.source, result.message)
            for line in result.errors[1:20]:
                log.error("  %s", line)
        log.info("%s", note)
        attempt = result.import_id if result.status == "failed" else None
        return RunData(last.id if last is not None else None, note, result.status, attempt)

    def damage(self) -> str | None:
        """Why this SQLite file must not be written to (quick_check), or None."""
        with self.db.connect() as conn:
            problems = quick_check(conn)
        return damage_message(problems) if problems else None

    def run_date(self, day: dt.date, trigger: str, data: RunData | None = None) -> RunSummary:
        """One date as a request of its own; never raises for a failed run (see `_run_locked`)."""
        try:
            return self._request(lambda ticket: self._run_locked(ticket, day, trigger, data),
                                 f"{trigger} {day}")  # fmt: skip
        except RunStopped as exc:
            return self.failed_summary(day, str(exc), "cancelled")

    def _run_locked(
        self, ticket: RunTicket, day: dt.date, trigger: str, data: RunData | None
    ) -> RunSummary:
        """One date through the engine, under the held run lock; a failed run is in `kpi_runs`.

        The runs are stamped with this runner's clock, like the dates it plans.
        """
        if self.on_started is not None:
            self.on_started(day)
        try:
            summary = run_under_lock(
                self.db, day, trigger=trigger, skip_if_done=True, progress=ticket.progress,
                data=data, clock=self.clock,
            )  # fmt: skip
        except RunStopped as exc:
            summary = self.failed_summary(day, str(exc), "cancelled")
        except Exception as exc:  # noqa: BLE001 - a failed run must not end the schedule
            # The engine has rolled the run back and recorded the error in kpi_runs (unless
            # the database itself is unreachable).
            log.debug("KPI run for %s raised", day, exc_info=True)
            summary = self.failed_summary(day, f"{type(exc).__name__}: {exc}")
        if summary.status in ("failed", "cancelled"):
            log.error("KPI run for %s %s: %s", day, summary.status, summary.reason)
        elif summary.status == "skipped":
            log.info("KPI run for %s skipped: %s", day, summary.reason)
        else:
            log.info(
                "KPI run for %s done: %d users, %d rules, %d results in %.1f s",
                day, summary.users, summary.rules, summary.results, summary.seconds,
            )  # fmt: skip
        if self.on_finished is not None:
            self.on_finished(summary)
        return summary

    def _report_progress(self, done: int, total: int) -> None:
        log.debug("KPI run: %d of %d rules done", done, total)
        if self.on_progress is not None:
            self.on_progress(done, total)

    def _succeeded(self, day: dt.date) -> bool:
        with self.db.session() as session:
            return bool(
                session.scalar(
                    select(func.count())
                    .select_from(KpiRun)
                    .where(KpiRun.run_date == day, KpiRun.status == "success")
                )
            )

    @staticmethod
    def failed_summary(
        day: dt.date, reason: str, status: Literal["failed", "cancelled"] = "failed"
    ) -> RunSummary:
        """A failed summary for a run that raised (the engine has no summary to give then)."""
        return RunSummary(
            run_id=None, run_date=day, status=status, reason=reason,
            users=0, rules=0, results=0, seconds=0.0,
        )  # fmt: skip

    def next_retry(self) -> dt.timedelta | None:
        """How long to wait before the next pass after `failures` unfinished passes."""
        return self.retry.delay(self.failures)


class NightlyScheduler:
    """APScheduler 3 wiring: the daily firing, the catch-up at start, retries, settings watch.

    One worker thread runs every job, so passes never overlap within the process; the engine's
    lock keeps other processes out. Jobs live in memory only and are rebuilt from `kpi_runs`
    and the settings at every start.
    """

    def __init__(
        self, runner: NightlyRunner, *, catch_up: bool = True,
        watch_interval: dt.timedelta = SETTINGS_WATCH_INTERVAL,
    ) -> None:  # fmt: skip
        self.runner = runner
        self.catch_up = catch_up
        self.watch_interval = watch_interval
        self._scheduler: BackgroundScheduler | None = None
        self._schedule: Schedule | None = None
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self.last_pass: PassResult | None = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self) -> None:
        schedule = read_schedule(self.runner.db)
        self._schedule = schedule
        self.runner.resume()
        scheduler = BackgroundScheduler(
            timezone=schedule.tz,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            # A late firing (laptop asleep at 02:00) still runs, once; kpi_runs decides the rest.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        scheduler.add_job(
            self.nightly_job, trigger=nightly_trigger(schedule.run_time, schedule.tz),
            id=NIGHTLY_JOB, name="nightly KPI run",
        )  # fmt: skip
        watch = IntervalTrigger(seconds=self.watch_interval.total_seconds())
        scheduler.add_job(self.watch_settings, trigger=watch, id=WATCH_JOB, name="settings watch")
        self._scheduler = scheduler
        scheduler.start()
        log.info(
            "nightly KPI run scheduled daily at %s %s on %s (catch-up of up to %d days)",
            schedule.run_time.strftime("%H:%M"), schedule.tz.key, self.runner.db.display_url(),
            schedule.catchup_days,
        )  # fmt: skip
        if self.catch_up:
            self.submit_pass("catchup")

    def submit_pass(self, trigger: str, delay: dt.timedelta = dt.timedelta(0)) -> None:
        """Run a pass on the worker thread after `delay` (replacing a pending one)."""
        scheduler = self._require_started()
        when = dt.datetime.now(dt.UTC) + delay
        self._idle.clear()
        scheduler.add_job(
            self._pass, trigger=DateTrigger(run_date=when), args=(trigger,),
            id=PASS_JOB, name=f"KPI {trigger} pass", replace_existing=True,
            max_instances=2,  # a retry due while its predecessor finishes is queued, not lost
        )  # fmt: skip

    def submit(self, fn: Callable[[], object], name: str) -> None:
        """Run `fn` on the worker thread, serialised with the nightly passes (e.g. "Beregn nu")."""
        scheduler = self._require_started()
        scheduler.add_job(
            fn, trigger=DateTrigger(run_date=dt.datetime.now(dt.UTC)), name=name
        )  # fmt: skip

    def next_nightly(self) -> dt.datetime | None:
        job = self._require_started().get_job(NIGHTLY_JOB)
        return job.next_run_time if job is not None else None

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no pass is running or pending (tests and `--once`)."""
        return self._idle.wait(timeout)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop scheduling; a run in progress is interrupted and rolled back."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        self.runner.interrupt()
        if scheduler.running:
            scheduler.shutdown(wait=wait)
        self._idle.set()

    def _require_started(self) -> BackgroundScheduler:
        if self._scheduler is None:
            raise RuntimeError("the scheduler is not started")
        return self._scheduler

    def nightly_job(self) -> None:
        """The job APScheduler fires daily: a pass for today (and any missed night before it).

        The run date comes from the runner's clock, never from the trigger's wall time, so the
        doubled October firing finds the date done and does nothing.
        """
        self.runner.failures = 0  # a new night gets its full set of tries
        self._pass("nightly")

    def _pass(self, trigger: str) -> None:
        with self._lock:
            try:
                result = self.runner.run_pass(trigger)
            except Exception as exc:  # noqa: BLE001 - the schedule must survive a lost database
                log.error("KPI %s pass failed: %s", trigger, exc)
                log.debug("KPI %s pass failed", trigger, exc_info=True)
                self.runner.failures += 1
                result = PassResult((), (), False, error=f"{type(exc).__name__}: {exc}")
            self.last_pass = result
            retry_in = None if result.interrupted or result.complete else self.runner.next_retry()
            if retry_in is not None and self.running:
                log.warning(
                    "KPI run for %s not done yet; trying again in %s (try %d of %d)",
                    ", ".join(str(d) for d in result.missing) or "the missed nights", retry_in,
                    self.runner.failures + 1, self.runner.retry.tries + 1,
                )  # fmt: skip
                self.submit_pass("retry", retry_in)
                return
            if not result.complete and not result.interrupted:
                log.error("KPI run still failing after %d tries; next try at the nightly run",
                          self.runner.retry.tries + 1)  # fmt: skip
            self._idle.set()

    def watch_settings(self) -> None:
        """Follow a changed run time or time zone without a restart."""
        try:
            schedule = read_schedule(self.runner.db)
        except Exception:  # noqa: BLE001 - a passing connection problem; try again later
            log.warning("could not read the schedule settings", exc_info=True)
            return
        current = self._schedule
        if current is not None and (schedule.tz, schedule.run_time) == (
            current.tz, current.run_time,
        ):  # fmt: skip
            self._schedule = schedule
            return
        self._schedule = schedule
        self._require_started().reschedule_job(
            NIGHTLY_JOB, trigger=nightly_trigger(schedule.run_time, schedule.tz)
        )
        log.info("nightly KPI run moved to %s %s", schedule.run_time.strftime("%H:%M"),
                 schedule.tz.key)  # fmt: skip
