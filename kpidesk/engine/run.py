"""A KPI run for one date: every active rule for all its users, written in one transaction.

Under the installation-wide run lock (see `runlock`), a run marks stale `running` rows of
the date as failed, records itself, then deletes the date's results and inserts every rule's
results in one write transaction. A failure rolls that transaction back, so the previous
results of the date stay as they were, and the run row says `failed` with the error.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    update,
)
from sqlalchemy.engine import Connection

from kpidesk.data import settings
from kpidesk.data.db import Database, translate_errors
from kpidesk.data.models import (
    KpiResult,
    KpiRule,
    KpiRuleProfile,
    KpiRun,
    KpiRunData,
    UTCDateTime,
    utcnow,
)
from kpidesk.domain.templates import ParamError, validate_params
from kpidesk.engine.base import KpiTemplate, RuleContext
from kpidesk.engine.catalogue import UnknownTemplate, get_template
from kpidesk.engine.runlock import acquire_run_lock
from kpidesk.engine.summary import RunStopped, RunSummary

log = logging.getLogger("kpidesk.engine")

ProgressCallback = Callable[[int, int], None]
Clock = Callable[[], dt.datetime]  # the moment, aware; the nightly runner passes its own

INTERRUPTED_ERROR = "the process stopped during the run (it was killed or crashed)"
REASON_BUSY = "in progress elsewhere"
REASON_DONE = "already done"
ERROR_MAX_CHARS = 4000


class RuleLike(Protocol):
    """What the engine needs of a stored rule (a `KpiRule` or a row of `kpi_rules`)."""

    @property
    def id(self) -> int: ...
    @property
    def template(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any]: ...


class RuleError(ValueError):
    """A stored rule the engine cannot compute (unknown template, invalid parameters)."""


def rule_profile_ids(conn: Connection, rule_id: int) -> list[int]:
    return list(
        conn.scalars(
            select(KpiRuleProfile.profile_id)
            .where(KpiRuleProfile.rule_id == rule_id)
            .order_by(KpiRuleProfile.profile_id)
        )
    )


def prepare_rule(rule: RuleLike) -> tuple[KpiTemplate, dict[str, Any]]:
    """The rule's template and validated parameters; `RuleError` naming the rule otherwise."""
    try:
        template = get_template(rule.template)
        params = validate_params(template.spec, dict(rule.params or {}))
    except (UnknownTemplate, ParamError) as exc:
        raise RuleError(f"rule {rule.id}: {exc}") from exc
    return template, params


def score_expression(
    value: ColumnElement[Any], target: float, direction: str
) -> ColumnElement[Any]:
    """`kpidesk.domain.scoring.score` as SQL, for a target known when the statement is built."""
    v = cast(value, Float)
    t = literal(float(target), Float)
    if direction == "higher":
        if target > 0:
            return v / t
        return case((v.is_(None), null()), (v >= t, 1.0), else_=0.0)
    if direction == "lower":
        above = t / v if target > 0 else literal(0.0, Float)
        return case((v.is_(None), null()), (v <= t, 1.0), else_=above)
    raise ValueError(f"unknown direction {direction!r}")


def insert_rule_results(
    conn: Connection,
    rule: RuleLike,
    target: float,
    run_date: dt.date,
    tz: ZoneInfo,
    run_id: int | None,
    computed_at: dt.datetime,
) -> int:
    """Compute one rule for all its users and insert the results in one statement."""
    template, params = prepare_rule(rule)
    profile_ids = rule_profile_ids(conn, rule.id)
    if not profile_ids:
        return 0
    ctx = RuleContext.for_profiles(run_date, tz, params, profile_ids)
    values = template.values(ctx).subquery("rule_values")
    rows = select(
        literal(run_date, Date),
        values.c.user_id,
        literal(rule.id, Integer),
        literal(run_id, Integer),
        cast(values.c.value, Float),
        literal(float(target), Float),
        score_expression(values.c.value, target, template.spec.direction),
        literal(computed_at, UTCDateTime()),
    )
    columns = [
        "run_date", "user_id", "rule_id", "run_id", "value", "target", "score", "computed_at",
    ]  # fmt: skip
    statement = insert(KpiResult).from_select(columns, rows)
    result = conn.execute(statement, execution_options={"preserve_rowcount": True})
    return max(int(result.rowcount or 0), 0)


def _elapsed(started: float) -> float:
    return round(time.monotonic() - started, 3)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl+C)"
    if isinstance(exc, SystemExit):
        return "interrupted: the process was asked to stop"
    message = str(exc).strip() or type(exc).__name__
    text = (
        message if isinstance(exc, RuleError | RunStopped) else f"{type(exc).__name__}: {message}"
    )
    return text[:ERROR_MAX_CHARS]


def fail_stopped_runs(db: Database) -> int:
    """Mark `running` rows of dead processes as failed, if no run is in progress; the count.

    Called when an app, command or scheduler starts: a run killed with SIGKILL, or whose
    machine lost power, cannot record its own end. Only while the run lock is free is every
    `running` row surely such a leftover; if a run holds the lock nothing is touched (that
    run sweeps at its own start). Costs one small read when nothing is left over.
    """
    with db.connect() as conn:
        left = conn.scalar(select(KpiRun.id).where(KpiRun.status == "running").limit(1))
    if left is None:
        return 0
    lock = acquire_run_lock(db, wait=False)
    if lock is None:
        return 0
    with lock:
        return _fail_running(db)


def _fail_running(db: Database) -> int:
    with db.connect(write=True) as conn:
        stale = conn.execute(
            update(KpiRun)
            .where(KpiRun.status == "running")
            .values(status="failed", error=INTERRUPTED_ERROR, finished_at=utcnow())
        )
    count = max(int(stale.rowcount or 0), 0)
    if count:
        log.warning("marked %d interrupted run(s) as failed", count)
    return count


def run_for_date(
    db: Database,
    run_date: dt.date,
    *,
    trigger: str = "manual",
    skip_if_done: bool = False,
    wait: bool = True,
    progress: ProgressCallback | None = None,
    data: RunData | None = None,
    clock: Clock = utcnow,
) -> RunSummary:
    """Compute every active rule for `run_date` and replace that date's results atomically.

    `data` (the nightly run's) says which CRM import the run uses, recorded with the run.

    Returns a `skipped` summary when another process holds the run lock and `wait` is false,
    or when `skip_if_done` and the date already has a successful run. Any exception (also
    Ctrl+C) rolls the results back, records the run as failed with the error, and is
    re-raised. `progress(done, total)` is called before the first and after every rule; it
    may raise to abort the run.
    """
    started = time.monotonic()
    lock = acquire_run_lock(db, wait=wait)
    if lock is None:
        log.info("run for %s skipped: another run is in progress", run_date)
        return RunSummary(None, run_date, "skipped", REASON_BUSY, 0, 0, 0, _elapsed(started))
    with lock:
        return run_under_lock(
            db, run_date, trigger=trigger, skip_if_done=skip_if_done, progress=progress,
            data=data, clock=clock, started=started,
        )  # fmt: skip


def run_under_lock(
    db: Database,
    run_date: dt.date,
    *,
    trigger: str = "manual",
    skip_if_done: bool = False,
    progress: ProgressCallback | None = None,
    data: RunData | None = None,
    clock: Clock = utcnow,
    started: float | None = None,
) -> RunSummary:
    """`run_for_date` for a caller that already holds the run lock (the run controller,
    which holds it over a whole request: the import and every date of it)."""
    started = time.monotonic() if started is None else started
    run_id = _start_run(db, run_date, trigger, skip_if_done, data, _utc(clock))
    if run_id is None:
        return RunSummary(None, run_date, "skipped", REASON_DONE, 0, 0, 0, _elapsed(started))
    try:
        users, rules, results = _compute_and_write(db, run_date, run_id, progress, clock)
    except BaseException as exc:
        _finish_failed(db, run_id, _error_text(exc), _utc(clock))
        raise
    seconds = _elapsed(started)
    log.info(
        "run %s for %s: %d users, %d rules, %d results in %.2f s",
        run_id, run_date, users, rules, results, seconds,
    )  # fmt: skip
    return RunSummary(run_id, run_date, "success", "", users, rules, results, seconds)


def _utc(clock: Clock) -> dt.datetime:
    """The clock's moment in UTC (a test clock may give local time, never a naive one)."""
    return clock().astimezone(dt.UTC)


@dataclass(frozen=True)
class RunData:
    """The CRM data a run uses: the import (None: none from the data source) and in words."""

    import_id: int | None
    note: str
    outcome: str | None = None  # "imported" | "nothing_new" | "failed" (the import before it)
    attempt_id: int | None = None  # the failed import, when the import failed


def _start_run(
    db: Database,
    run_date: dt.date,
    trigger: str,
    skip_if_done: bool,
    data: RunData | None,
    now: dt.datetime,
) -> int | None:
    """Under the lock: fail stale runs, then record this run (None: already done).

    Nobody else can be running while we hold the installation-wide lock, so every row still
    `running` (of this date or, from an older crash, of any other) belongs to a dead process.
    """
    with db.connect(write=True) as conn:
        stale = conn.execute(
            update(KpiRun)
            .where(KpiRun.status == "running")
            .values(status="failed", error=INTERRUPTED_ERROR, finished_at=now)
        )
        if stale.rowcount:
            log.warning("marked %d interrupted run(s) as failed", stale.rowcount)
        if skip_if_done:
            done = conn.scalar(
                select(KpiRun.id)
                .where(KpiRun.run_date == run_date, KpiRun.status == "success")
                .limit(1)
            )
            if done is not None:
                return None
        inserted = conn.execute(
            insert(KpiRun)
            .values(
                run_date=run_date,
                started_at=now,
                status="running",
                trigger=trigger[:20],
                host=socket.gethostname()[:200],
                users_count=0,
                rules_count=0,
                results_count=0,
            )
            .returning(KpiRun.id)
        )
        run_id = inserted.scalar_one()
        if data is not None:
            conn.execute(
                insert(KpiRunData).values(
                    run_id=run_id,
                    import_id=data.import_id,
                    note=data.note,
                    outcome=data.outcome,
                    attempt_id=data.attempt_id,
                )  # fmt: skip
            )
        return run_id


@contextmanager
def _run_transaction(db: Database) -> Iterator[Connection]:
    """The run's write transaction, on one consistent snapshot of the CRM data.

    PostgreSQL runs it REPEATABLE READ, so every rule sees the data as of the run's first
    statement even while an import commits meanwhile; SQLite's BEGIN IMMEDIATE already does.
    """
    engine = db.write_engine
    if db.dialect == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with translate_errors(db), engine.begin() as conn:
        yield conn


def _compute_and_write(
    db: Database, run_date: dt.date, run_id: int, progress: ProgressCallback | None, clock: Clock
) -> tuple[int, int, int]:
    """The run's one write transaction: replace the date's results with every rule's."""
    computed_at = _utc(clock)
    with _run_transaction(db) as conn:
        tz = settings.timezone(conn)
        rules = conn.execute(
            select(KpiRule.id, KpiRule.name, KpiRule.template, KpiRule.params, KpiRule.target)
            .where(KpiRule.active.is_(True))
            .order_by(KpiRule.id)
        ).all()
        if progress is not None:
            progress(0, len(rules))
        conn.execute(delete(KpiResult).where(KpiResult.run_date == run_date))
        for done, rule in enumerate(rules, start=1):
            try:
                written = insert_rule_results(
                    conn, rule, float(rule.target), run_date, tz, run_id, computed_at
                )
            except RuleError as exc:
                raise RuleError(f"rule {rule.name!r}: {exc.__cause__ or exc}") from exc
            log.debug("rule %s (%s): %d results", rule.id, rule.template, written)
            if progress is not None:
                progress(done, len(rules))
        # Counted, not summed from rowcounts: some drivers report -1 for INSERT … SELECT.
        counted = conn.execute(
            select(func.count(func.distinct(KpiResult.user_id)), func.count()).where(
                KpiResult.run_date == run_date
            )
        ).one()
        users, results = int(counted[0] or 0), int(counted[1] or 0)
        conn.execute(
            update(KpiRun)
            .where(KpiRun.id == run_id)
            .values(
                status="success",
                finished_at=_utc(clock),
                users_count=users,
                rules_count=len(rules),
                results_count=results,
                error=None,
            )
        )
    return users, len(rules), results


def _finish_failed(db: Database, run_id: int, error: str, now: dt.datetime) -> None:
    """Record the failure in its own short transaction (the run's own has rolled back)."""
    try:
        with db.connect(write=True) as conn:
            conn.execute(
                update(KpiRun)
                .where(KpiRun.id == run_id)
                .values(status="failed", finished_at=now, error=error)
            )
    except Exception as exc:  # noqa: BLE001 - the original error matters more; the next run
        # under the lock marks the row failed anyway.
        log.warning("could not record run %s as failed: %s", run_id, exc)
    # INFO, not ERROR: the caller reports the re-raised error (CLI line, scheduler log).
    log.info("run %s failed: %s", run_id, error)
