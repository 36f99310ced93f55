"""KPI runs for administrators: "Beregn nu" and the run log of the setup dialog.

(What the status bar says about the latest run is `kpidesk.services.kpi.last_run_status`.)
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from kpidesk.data.db import Database, DatabaseError
from kpidesk.data.models import KpiRun, KpiRunData
from kpidesk.data.source import RunLink, run_data_states
from kpidesk.domain.freshness import DataState
from kpidesk.engine.summary import RunStopped, RunSummary
from kpidesk.services.caller import Caller, checked
from kpidesk.services.run_control import (
    RunListener,
    RunTicket,
    calculated_since,
    cancelled_by,
    controller_for,
    refresh_verdicts_after,
)
from kpidesk.services.settings import today

log = logging.getLogger("kpidesk.services")

RUN_LOG_MAX = 10_000


@dataclass(frozen=True)
class RunLogRow:
    """One line of the run log; `duration` is None while the run is still going."""

    id: int
    date: dt.date
    started: dt.datetime
    duration: dt.timedelta | None
    users: int
    rules: int
    results: int
    status: str  # "running" | "success" | "failed"
    error: str | None
    trigger: str
    host: str
    data: str | None = None  # which CRM data the run used, in words (nightly runs with a source)
    import_id: int | None = None  # the import from the data source the run used
    # The same facts as `data`, for saying it in the reader's language (None: older runs).
    data_state: DataState | None = None


def _row(run: KpiRun, data: KpiRunData | None = None, state: DataState | None = None) -> RunLogRow:
    duration = run.finished_at - run.started_at if run.finished_at is not None else None
    return RunLogRow(
        id=run.id, date=run.run_date, started=run.started_at, duration=duration,
        users=run.users_count, rules=run.rules_count, results=run.results_count,
        status=run.status, error=run.error, trigger=run.trigger, host=run.host,
        data=data.note if data is not None else None,
        import_id=data.import_id if data is not None else None, data_state=state,
    )  # fmt: skip


@dataclass(frozen=True)
class QueuedRun:
    """A calculation of this process waiting or running, for a "Stop" button."""

    id: int
    label: str
    login: str
    state: str  # "queued" | "waiting" | "running"


@checked
def run_now(
    db: Database,
    caller: Caller,
    run_date: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    listener: RunListener | None = None,
) -> RunSummary:
    """Calculate one date now ("Beregn nu"), by default today in the installation's time zone.

    Queued behind a run in progress here or elsewhere and then recalculated: the administrator
    asked for fresh figures, not for "already done". A cancelled run comes back with status
    "cancelled" (the date's last good results stay); a failed one raises.
    """
    caller.require_admin()
    if run_date is None:
        run_date = today(db)
    if progress is not None:
        listener = listener or RunListener()
        listener.progress = progress
    return calculate(db, caller, [run_date], listener=listener)[0]


@checked
def recalculate(
    db: Database, caller: Caller, run_date: dt.date, *, waiting: Callable[[], None]
) -> RunSummary:
    """`kpidesk recalc` of one date (see `calculate`); `waiting()` says first that a run in
    progress elsewhere is waited for."""
    caller.require_admin()

    def state(ticket: RunTicket) -> None:
        if ticket.state == "waiting":
            waiting()

    return calculate(db, caller, [run_date], listener=RunListener(state=state))[0]


@checked
def calculate(
    db: Database,
    caller: Caller,
    dates: Sequence[dt.date],
    *,
    listener: RunListener | None = None,
    trigger: str = "manual",
) -> list[RunSummary]:
    """Calculate `dates` oldest first as one request of the run controller (`run_control`).

    Waits its turn behind other runs (never beside them), joins an identical request still
    waiting, and takes a date another process calculated after this request was made instead
    of repeating it. Stops at a cancel (the summary says "cancelled") or at the first failure
    (raised; the run log has it). Afterwards the forecast verdicts follow the new results.
    """
    caller.require_admin()
    from kpidesk.engine.run import run_under_lock  # the engine loads when a run is asked for

    days = sorted(set(dates))

    def body(ticket: RunTicket) -> list[RunSummary]:
        summaries: list[RunSummary] = []
        for day in days:
            started = time.monotonic()
            try:
                ticket.started(day)
                summary = calculated_since(db, day, ticket.seen_run_id) or run_under_lock(
                    db, day, trigger=trigger, progress=ticket.progress
                )
            except RunStopped as exc:
                seconds = round(time.monotonic() - started, 3)
                summary = RunSummary(None, day, "cancelled", str(exc), 0, 0, 0, seconds)
            ticket.finished(summary)
            summaries.append(summary)
            if summary.status == "cancelled":
                break
        return summaries

    label = f"{trigger} {days[0]}" + (f"–{days[-1]}" if len(days) > 1 else "")
    try:
        summaries = controller_for(db).run(
            body, label=label, login=caller.login, join_key=("dates", tuple(days)),
            listener=listener,
        )  # fmt: skip
    except RunStopped as exc:  # cancelled while it waited: nothing ran
        return [RunSummary(None, days[0], "cancelled", str(exc), 0, 0, 0, 0.0)]
    refresh_verdicts_after(db, summaries)
    return summaries


@checked
def cancel_run(db: Database, caller: Caller, request_id: int | None = None) -> bool:
    """Stop a calculation of this process, waiting or running (default: the one in front).

    It stops between rules; the date's last good results stay and the run log says who
    cancelled it. False when there was nothing (any more) to stop.
    """
    caller.require_admin()
    controller = controller_for(db)
    if request_id is not None:
        ticket = controller.ticket(request_id)
    else:  # the running one, else the first in line (waiting for another process)
        ticket = controller.running() or next(iter(controller.tickets()), None)
    if ticket is None:
        return False
    log.info("%s cancels the KPI calculation %s", caller.login, ticket.label)
    return ticket.cancel(cancelled_by(caller.login))


@checked
def run_queue(db: Database, caller: Caller) -> list[QueuedRun]:
    """This process's calculations, the running one first, then those waiting their turn."""
    caller.require_admin()
    return [
        QueuedRun(t.id, t.label, t.login, t.state)
        for t in controller_for(db).tickets()
        if t.state != "done"
    ]


def fail_stopped_runs(db: Database) -> int:
    """At start: runs left `running` by a process that died become `failed` (the count).

    Never stops a start: a database this login may not write (a user's own PostgreSQL
    role) is left for the scheduler or an administrator to clean.
    """
    from kpidesk.engine.run import fail_stopped_runs as sweep

    try:
        return sweep(db)
    except (DBAPIError, DatabaseError) as exc:
        log.info("left interrupted runs as they are: %s", str(exc).splitlines()[0])
        return 0


@checked
def run_log(db: Database, caller: Caller, limit: int = 100) -> list[RunLogRow]:
    """The newest runs first, failed and interrupted ones included, with their errors."""
    caller.require_admin()
    limit = max(1, min(int(limit), RUN_LOG_MAX))
    with db.session() as session:
        rows = session.execute(
            select(KpiRun, KpiRunData)
            .outerjoin(KpiRunData, KpiRunData.run_id == KpiRun.id)
            .order_by(KpiRun.started_at.desc(), KpiRun.id.desc())
            .limit(limit)
        ).all()
        states = run_data_states(
            session,
            [
                (run.id, run.started_at,
                 RunLink(data.outcome, data.import_id, data.attempt_id, data.note))
                for run, data in rows
                if data is not None
            ],
        )  # fmt: skip
        return [_row(run, data, states.get(run.id)) for run, data in rows]
