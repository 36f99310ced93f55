"""KPI runs for administrators: "Beregn nu" and the run log of the setup dialog.

(What the status bar says about the latest run is `kpidesk.services.kpi.last_run_status`.)
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from kpidesk.data.db import Database, DatabaseError
from kpidesk.data.models import KpiRun, KpiRunData
from kpidesk.data.source import RunLink, run_data_states
from kpidesk.domain.freshness import DataState
from kpidesk.services.caller import Caller, checked
from kpidesk.services.settings import today

if TYPE_CHECKING:
    from kpidesk.engine.run import RunSummary

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


@checked
def run_now(
    db: Database,
    caller: Caller,
    run_date: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Calculate one date now ("Beregn nu"), by default today in the installation's time zone.

    Waits for a run of the date in progress elsewhere and then recalculates: the administrator
    asked for fresh figures, not for "already done".
    """
    caller.require_admin()
    from kpidesk.engine.run import run_for_date  # the engine loads only when a run is asked for

    if run_date is None:
        run_date = today(db)
    return run_for_date(
        db, run_date, trigger="manual", skip_if_done=False, wait=True, progress=progress
    )


@checked
def recalculate(
    db: Database, caller: Caller, run_date: dt.date, *, waiting: Callable[[], None]
) -> RunSummary:
    """`kpidesk recalc`: calculate one date now. A run in progress elsewhere is waited for
    (`waiting()` says so first) and the date then calculated again."""
    caller.require_admin()
    from kpidesk.engine.run import REASON_BUSY, run_for_date

    summary = run_for_date(db, run_date, trigger="manual", wait=False, progress=pause_between_rules)
    if summary.status == "skipped" and summary.reason == REASON_BUSY:
        waiting()
        summary = run_for_date(
            db, run_date, trigger="manual", wait=True, progress=pause_between_rules
        )
    return summary


def pause_between_rules(done: int, total: int) -> None:
    """`KPIDESK_RUN_STEP_DELAY` for `kpidesk recalc` as for the scheduler: lets a test (or
    anyone checking a set-up) stop a run midway. Never set in production."""
    from kpidesk.scheduler.nightly import step_delay

    delay = step_delay()
    if delay and done < total:
        time.sleep(delay)


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
