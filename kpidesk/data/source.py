"""The installation's data source: where the nightly run gets fresh CRM data before it calculates.

Two kinds: a `folder` the CRM's scheduled export writes CSV files into
(`kpidesk.data.folder_source` finds its newest complete export) and the CRM's own database
(`sql`, `kpidesk.data.sql_source`). `sync` imports from either through the ordinary CRM import,
all or nothing, with the source's mapping.

Every attempt that found an export is recorded in `crm_imports`, so each KPI run can say
which data it was calculated on (`kpi_run_data`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kpidesk.data import locks, settings, sql_source
from kpidesk.data.crm_import import (
    ImportFailed,
    ImportProgress,
    ImportReport,
    Mapping,
    builtin_mapping,
    import_crm,
    load_mapping,
)
from kpidesk.data.db import Database
from kpidesk.data.folder_source import NoNewExport, SourceProblem, find_export
from kpidesk.data.models import CrmImport, utcnow
from kpidesk.domain.freshness import DataState, one_line

BUILTIN_MAPPING = "kpidesk"  # kpidesk's own five files, no mapping file
ERRORS_KEPT = 50  # error lines kept with a failed import


@dataclass(frozen=True)
class SourceConfig:
    """The data source as stored in the settings (`kpidesk source set`)."""

    kind: str = "none"
    path: str = ""
    mapping: str = BUILTIN_MAPPING
    marker: str = ""
    settle_seconds: int = 60
    timeout_seconds: int = 300  # sql: each query's time-out

    @property
    def configured(self) -> bool:
        return self.kind != "none"

    def describe(self) -> str:
        """One line naming the source (stored with each import; no credentials in it)."""
        if not self.configured:
            return "no data source"
        if self.kind == "sql":  # the stored URL holds no password (kpidesk.data.sql_source)
            return f"sql {sql_source.mask(self.path)} (mapping {self.mapping})"
        marker = f", marker {self.marker}" if self.marker else ""
        return f"{self.kind} {self.path} (mapping {self.mapping}{marker})"


def read_config(session: Session) -> SourceConfig:
    return SourceConfig(
        kind=settings.get(session, "source_kind"),
        path=settings.get(session, "source_path"),
        mapping=settings.get(session, "source_mapping") or BUILTIN_MAPPING,
        marker=settings.get(session, "source_marker"),
        settle_seconds=int(settings.get(session, "source_settle_seconds")),
        timeout_seconds=int(settings.get(session, "source_timeout_seconds")),
    )


def write_config(session: Session, config: SourceConfig) -> None:
    """Store the source; every value goes through the settings' own validation."""
    values = {
        "source_kind": config.kind,
        "source_path": config.path,
        "source_mapping": config.mapping,
        "source_marker": config.marker,
        "source_settle_seconds": str(config.settle_seconds),
        "source_timeout_seconds": str(config.timeout_seconds),
    }
    for key, value in values.items():
        settings.set_value(session, key, value)


def mapping_for(name: str) -> Mapping:
    """The source's mapping: kpidesk's own format, a preset or a TOML file (ImportFailed)."""
    if name.strip().lower() == BUILTIN_MAPPING:
        return builtin_mapping()
    return load_mapping(name)


# -- imports and their record ----------------------------------------------------------------


@dataclass(frozen=True)
class ImportInfo:
    """One recorded import from the data source."""

    id: int
    started_at: dt.datetime
    status: str
    source: str
    written_at: dt.datetime | None  # the export's time
    rows: dict[str, int]
    error: str | None

    @property
    def data_at(self) -> dt.datetime:
        """The time of the data: the export's, else when it was imported."""
        return self.written_at or self.started_at


def _info(row: CrmImport) -> ImportInfo:
    return ImportInfo(
        id=row.id, started_at=row.started_at, status=row.status, source=row.source,
        written_at=row.export_at, rows=dict(row.rows or {}), error=row.error,
    )  # fmt: skip


def last_good_import(db: Database) -> ImportInfo | None:
    """The newest successful import: the data every KPI run since has used.

    Newest by id, the order they were written in: their stamps come from the clocks of
    whichever process imported (a desktop, the service, the nightly runner's own clock).
    """
    with db.session() as session:
        row = session.scalars(
            select(CrmImport)
            .where(CrmImport.status == "success")
            .order_by(CrmImport.id.desc())
            .limit(1)
        ).first()
        return _info(row) if row is not None else None


def imports(db: Database, limit: int = 20) -> list[ImportInfo]:
    """The newest imports first, failed ones included."""
    with db.session() as session:
        rows = session.scalars(
            select(CrmImport)
            .order_by(CrmImport.started_at.desc(), CrmImport.id.desc())
            .limit(limit)
        ).all()
        return [_info(row) for row in rows]


def rows_text(rows: dict[str, int]) -> str:
    """ "users.csv 3, activities.csv 120": what an import read, in one line."""
    return ", ".join(f"{name} {count}" for name, count in rows.items())


@dataclass(frozen=True)
class RunLink:
    """What `kpi_run_data` holds for a run (all None when the run has no row there)."""

    outcome: str | None = None
    import_id: int | None = None
    attempt_id: int | None = None
    note: str | None = None


def run_data_state(session: Session, run_started: dt.datetime, link: RunLink) -> DataState | None:
    """Which CRM data a run used and what the import before it did (None: nothing to say).

    A nightly run with a data source recorded it (`link`, from `kpi_run_data`); for any
    other run (e.g. "Beregn nu") it is the newest good import before the run, and a failed
    attempt after that one. One statement; None when nothing came from a data source.
    """
    if link.outcome is not None:
        return run_data_states(session, [(0, run_started, link)]).get(0)
    before = (
        select(CrmImport.id)
        .where(CrmImport.started_at <= run_started)
        .order_by(CrmImport.started_at.desc(), CrmImport.id.desc())
        .limit(1)
    )
    good = before.where(CrmImport.status == "success")
    wanted = [before.scalar_subquery(), good.scalar_subquery()]
    found = list(session.scalars(select(CrmImport).where(CrmImport.id.in_(wanted))))
    if not found:
        return None
    latest = max(found, key=lambda row: (row.started_at, row.id))
    goods = [row for row in found if row.status == "success"]
    data_at = (goods[0].export_at or goods[0].started_at) if goods else None
    if latest.status == "failed":
        return DataState("failed", data_at, latest.started_at, one_line(latest.error or ""))
    return DataState("", data_at)


def run_data_states(
    session: Session, runs: list[tuple[int, dt.datetime, RunLink]]
) -> dict[int, DataState]:
    """`run_data_state` for many runs that recorded their data (`outcome` set), in one statement.

    For the run log: each run's line about its data, said again in the reader's language.
    """
    linked = [(run_id, started, link) for run_id, started, link in runs if link.outcome]
    wanted = {i for _r, _s, link in linked for i in (link.import_id, link.attempt_id) if i}
    found = (
        {row.id: row for row in session.scalars(select(CrmImport).where(CrmImport.id.in_(wanted)))}
        if wanted
        else {}
    )
    states: dict[int, DataState] = {}
    for run_id, started, link in linked:
        used = found.get(link.import_id) if link.import_id is not None else None
        data_at = (used.export_at or used.started_at) if used is not None else None
        attempt = found.get(link.attempt_id) if link.attempt_id is not None else None
        if link.outcome == "failed":
            detail = (
                one_line(attempt.error or "") if attempt is not None
                else one_line((link.note or "").partition(": ")[2])
            )  # fmt: skip
            when = attempt.started_at if attempt is not None else started
            states[run_id] = DataState("failed", data_at, when, detail)
        elif link.outcome == "imported" and used is not None:
            rows = rows_text(dict(used.rows or {}))
            states[run_id] = DataState("imported", data_at, used.started_at, rows)
        else:
            states[run_id] = DataState(str(link.outcome), data_at, started)
    return states


def _record(
    db: Database,
    *,
    started: dt.datetime,
    status: str,
    source: str,
    written_at: dt.datetime | None,
    rows: dict[str, int] | None = None,
    error: str | None = None,
    finished: dt.datetime | None = None,
) -> int:
    values: dict[str, Any] = {
        "started_at": started, "finished_at": finished or utcnow(), "status": status,
        "source": source[:1100], "export_at": written_at, "rows": rows or {}, "error": error,
    }  # fmt: skip
    with db.connect(write=True) as conn:
        return conn.execute(insert(CrmImport).values(**values).returning(CrmImport.id)).scalar_one()


def rows_per_file(report: ImportReport) -> dict[str, int]:
    """Rows read per file, under the source's own file names when a mapping renamed them."""
    return {", ".join(item.sources) or item.name: item.rows for item in report.files}


@dataclass(frozen=True)
class SyncResult:
    """What one sync did.

    `status`: "imported", "nothing_new", "failed" or "no_source". `last_good` is the import
    whose data the database now holds (the new one after "imported").
    """

    status: str
    source: str
    message: str = ""  # one line: what was imported, or why not
    errors: list[str] = field(default_factory=list)  # every error line of a failed import
    import_id: int | None = None  # the import recorded by this sync (also a failed one)
    last_good: ImportInfo | None = None
    report: ImportReport | None = None
    attempted_at: dt.datetime = field(default_factory=utcnow)


def _first_error(errors: list[str], omitted: int = 0) -> str:
    more = len(errors) - 1 + omitted
    return errors[0] + (f" (+{more} more)" if more > 0 else "") if errors else "unknown error"


def sync(
    db: Database,
    *,
    progress: ImportProgress | None = None,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] = utcnow,
) -> SyncResult:
    """Import the source's newest complete export, all or nothing, and record the attempt.

    One sync at a time per installation (`locks.SYNC_LOCK`, across processes and machines):
    a desktop's nightly run, the service and "Importér nu" starting together import an export
    once. Whoever waited takes over the attempt recorded meanwhile instead of repeating it.
    Never raises for a fault of the source or the export (the result says what went wrong);
    only when the database itself fails. `clock` stamps the attempt (the nightly runner's own).
    """
    waiting_since = _utc(clock)
    seen = _newest_import_id(db)
    held = locks.acquire(db, locks.SYNC_LOCK, wait=True)
    assert held is not None  # wait=True waits for the lock
    with held:
        meanwhile = _attempt_after(db, seen)
        if meanwhile is not None:
            return _taken_over(db, meanwhile, waiting_since)
        return _sync_unlocked(db, progress=progress, now=now, sleep=sleep, clock=clock)


def _utc(clock: Callable[[], dt.datetime]) -> dt.datetime:
    return clock().astimezone(dt.UTC)


def _unreadable(exc: OSError) -> str:
    """One line for a file or folder of the export this process may not read."""
    where = exc.filename if exc.filename is not None else "the export"
    return f"{where}: cannot be read: {exc.strerror or exc}"


def _newest_import_id(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.max(CrmImport.id))) or 0)


def _attempt_after(db: Database, seen: int) -> ImportInfo | None:
    """The newest attempt recorded after `seen` (by another sync while this one waited)."""
    with db.session() as session:
        row = session.scalars(
            select(CrmImport).where(CrmImport.id > seen).order_by(CrmImport.id.desc()).limit(1)
        ).first()
        return _info(row) if row is not None else None


def _taken_over(db: Database, attempt: ImportInfo, started: dt.datetime) -> SyncResult:
    """The result of another sync's attempt, as if this sync had made it (nothing repeated)."""
    if attempt.status == "success":
        return SyncResult("imported", attempt.source, rows_text(attempt.rows), [], attempt.id,
                          attempt, None, started)  # fmt: skip
    errors = [line for line in (attempt.error or "").splitlines() if line.strip()]
    return SyncResult("failed", attempt.source, _first_error(errors), errors, attempt.id,
                      last_good_import(db), None, started)  # fmt: skip


def _sync_unlocked(
    db: Database,
    *,
    progress: ImportProgress | None = None,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], dt.datetime] = utcnow,
) -> SyncResult:
    """`sync`'s work, under the sync lock.

    A file the process may not read (permissions) is a failed attempt like any fault of the
    export: recorded in `crm_imports`, never raised.
    """
    with db.session() as session:
        config = read_config(session)
    started = _utc(clock)
    last = last_good_import(db)
    source = config.describe()
    if not config.configured:
        return SyncResult("no_source", source, "no data source is set up (kpidesk source set)",
                          last_good=last, attempted_at=started)  # fmt: skip
    written_at: dt.datetime | None = None

    def failed(errors: list[str], omitted: int = 0) -> SyncResult:
        message = _first_error(errors, omitted)
        stored = "\n".join(errors[:ERRORS_KEPT])
        if len(errors) + omitted > ERRORS_KEPT:
            stored += f"\n… {len(errors) + omitted - ERRORS_KEPT} more"
        import_id = _record(db, started=started, status="failed", source=source,
                            written_at=written_at, error=stored, finished=_utc(clock))  # fmt: skip
        return SyncResult("failed", source, message, list(errors), import_id, last,
                          attempted_at=started)  # fmt: skip

    if config.kind == "sql":
        written_at = started  # the moment the CRM's database was read
        try:
            report = sql_source.import_sql(db, sql_config(db, config), progress=progress)
        except sql_source.SqlSourceError as exc:
            written_at = None
            return failed([str(exc)])
        except ImportFailed as exc:
            written_at = None
            return failed(exc.errors, exc.omitted)
        rows = {item.name.removesuffix(".csv"): item.rows for item in report.files}
        return _imported(db, started, source, written_at, report, rows, _utc(clock))
    try:
        mapping = mapping_for(config.mapping)
        export = find_export(config, last.written_at if last else None, now=now, sleep=sleep)
    except NoNewExport as exc:
        return SyncResult("nothing_new", source, str(exc), last_good=last, attempted_at=started)
    except SourceProblem as exc:
        return failed([str(exc)])
    except ImportFailed as exc:  # the mapping itself
        return failed([f"mapping {config.mapping}: {error}" for error in exc.errors])
    except OSError as exc:
        return failed([_unreadable(exc)])
    written_at = export.written_at
    if export.directory != Path(config.path):
        source = f"{source}, export {export.directory.name}"  # one of its dated subfolders
    try:
        report = import_crm(db, export.directory, mapping=mapping, progress=progress)
    except ImportFailed as exc:
        return failed(exc.errors, exc.omitted)
    except OSError as exc:  # e.g. PermissionError opening one of its files
        return failed([_unreadable(exc)])
    return _imported(db, started, source, written_at, report, None, _utc(clock))


def _imported(
    db: Database,
    started: dt.datetime,
    source: str,
    written_at: dt.datetime,
    report: ImportReport,
    rows: dict[str, int] | None = None,  # sql: rows per entity (all of its queries)
    finished: dt.datetime | None = None,
) -> SyncResult:
    rows = rows_per_file(report) if rows is None else rows
    import_id = _record(db, started=started, status="success", source=source,
                        written_at=written_at, rows=rows, finished=finished)  # fmt: skip
    counted = rows_text(rows)
    info = ImportInfo(import_id, started, "success", source, written_at, rows, None)
    return SyncResult("imported", source, counted, [], import_id, info, report, started)


def left_to_another_process(db: Database) -> str | None:
    """Why this process must leave the nightly import to another, or None.

    A sql source whose password only the scheduler service's environment holds
    (`--password-from-env`): a desktop without it would fail to import and then calculate
    the night on old data, taking the night from the service that can import.
    """
    with db.session() as session:
        config = read_config(session)
        stored = sql_source.stored_password(session) if config.kind == "sql" else ""
    if config.kind != "sql" or not sql_source.missing_here(stored):
        return None
    return (
        f"the data source's password comes from {sql_source.PASSWORD_ENV}, which this "
        "process does not have: the night is left to the scheduler service"
    )


def sql_config(db: Database, config: SourceConfig) -> sql_source.SqlSource:
    """The `sql` source's URL, mapping, time-out and password (ImportFailed: the mapping)."""
    with db.session() as session:
        stored = sql_source.stored_password(session)
    if sql_source.missing_here(stored):
        raise sql_source.SqlSourceError(
            f"no password: it comes from {sql_source.PASSWORD_ENV}, which is not set here "
            "(the scheduler service's env file sets it)"
        )
    return sql_source.SqlSource(
        config.path, mapping_for(config.mapping), config.timeout_seconds,
        sql_source.effective_password(stored),
    )  # fmt: skip
