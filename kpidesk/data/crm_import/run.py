"""One import run: stage every file, check, and merge, all in one write transaction."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from kpidesk.data import settings
from kpidesk.data.crm_import import record
from kpidesk.data.crm_import.checks import (
    check_duplicates,
    check_logins,
    check_references,
    closed_before_created,
)
from kpidesk.data.crm_import.entities import (
    ACTIVITIES,
    COMPANIES,
    ENTITIES,
    FILE_NAMES,
    FIRST_FIELD,
    STAGE_METADATA,
    USERS,
    Parser,
    Staged,
)
from kpidesk.data.crm_import.mapping import (
    Mapping,
    Source,
    UnmappedValues,
    builtin_mapping,
    rule_parsers,
)
from kpidesk.data.crm_import.merge import merge_all
from kpidesk.data.crm_import.reader import (
    detect_encoding,
    find_files,
    find_sources,
    numbered_rows,
    sniff_delimiter,
)
from kpidesk.data.crm_import.report import (
    Errors,
    FileReport,
    ImportFailed,
    ImportReport,
    Place,
)
from kpidesk.data.crm_import.values import key_number
from kpidesk.data.db import Database, sqlite_without_foreign_keys

# stage (a file name while reading, "checking" / "writing" afterwards), done, total
ImportProgress = Callable[[str, int, int], None]

# Called in the import's write transaction after the merge, before the commit (the services'
# audit entry, which so commits with the data or not at all).
BeforeCommit = Callable[[Connection, ImportReport], None]

CHUNK_ROWS = 5_000


@dataclass
class Rows:
    """A source's records: its column names, then (line or row number, values as text)."""

    header: list[str]
    records: Iterator[tuple[int, list[str]]]
    total: int = 0  # lines, for the progress bar (0: not known beforehand)
    encoding: str = ""  # what the report says about a file (empty for a query)
    delimiter: str = ""


@dataclass(frozen=True)
class Feed:
    """One source (a file, or a `sql` source's query) feeding one kpidesk entity.

    `open` reads its header: problems go to `errors` and give None (nothing to stage).
    """

    source: Source
    place: Place
    name: str  # as the report names it: the file name, or e.g. "activities query"
    open: Callable[[Errors], Rows | None]


def import_crm(
    db: Database,
    directory: Path,
    *,
    mapping: Mapping | None = None,
    check: bool = False,
    progress: ImportProgress | None = None,
    before_commit: BeforeCommit | None = None,
) -> ImportReport:
    """Import the CSV files in `directory`: all or nothing, upserting by key.

    `mapping` says how the CRM's own files become kpidesk's (default: kpidesk's own format).
    With `check`, everything is read and checked, the report holds the first rows as they
    would be stored, and nothing is written.

    Raises ImportFailed with every error found (`file:line: column: message`); the database
    is then exactly as before.
    """
    mapping = mapping or builtin_mapping()
    if mapping.reads_queries:
        raise ImportFailed(
            [
                f"mapping {mapping.name}: it reads a database (query = …), not files: set it up "
                "as the data source (kpidesk source set sql) and import with kpidesk sync"
            ]
        )
    plan, report = _plan(Path(directory), mapping)
    feeds = [
        Feed(source, place, path.name, partial(_open_csv, path, place))
        for source, path, place in plan
    ]
    return import_feeds(db, mapping, feeds, report, check=check, progress=progress,
                        before_commit=before_commit)  # fmt: skip


def import_feeds(
    db: Database,
    mapping: Mapping,
    feeds: list[Feed],
    report: ImportReport,
    *,
    check: bool = False,
    progress: ImportProgress | None = None,
    before_commit: BeforeCommit | None = None,
) -> ImportReport:
    """Stage every feed, check, and merge: one run in one write transaction (all or nothing).

    The feeds are opened inside the transaction, one after the other; an ImportFailed raised
    while reading one (a query that fails midway) rolls everything back.
    """
    started = time.monotonic()
    with db.session() as session:
        local = settings.timezone(session)
    errors = Errors()

    def tell(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    try:
        with _write_transaction(db) as conn:
            for table in STAGE_METADATA.sorted_tables:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table.name}")
                table.create(conn)
            staged: dict[str, Staged] = {}
            for src, feed in enumerate(feeds):
                entity = ENTITIES[feed.source.entity]
                item = staged.get(entity.name)
                if item is None:
                    file_report = FileReport(entity.name, "", "")
                    item = Staged(entity, file_report, frozenset())
                parsers = rule_parsers(mapping, feed.source, entity, local)
                item.places[src] = feed.place
                rows = feed.open(errors)
                if rows is not None:
                    _stage_rows(conn, item, feed.source, src, parsers, rows, feed.place, errors,
                                tell)  # fmt: skip
                    if entity.name not in staged:
                        staged[entity.name] = item
                        report.files.append(item.report)
                    if not mapping.builtin:
                        item.report.sources.append(feed.name)
            tell("checking", 0, 1)
            for item in staged.values():
                for ddl in item.entity.stage_indexes():
                    conn.exec_driver_sql(ddl)
            if conn.dialect.name == "postgresql":
                for table in STAGE_METADATA.sorted_tables:
                    conn.exec_driver_sql(f"ANALYZE {table.name}")
            check_duplicates(conn, staged, errors)
            check_references(conn, staged, errors)
            check_logins(conn, staged, errors)
            tell("checking", 1, 1)
            if errors:
                raise errors.failure()  # leaving the block rolls everything back
            report.warnings += closed_before_created(conn, staged, local)
            if check:
                for item in staged.values():
                    item.report.preview = _preview(conn, item)
                report.checked_only = True
                raise _Checked()
            try:
                merge_all(conn, staged, report, tell)
            except IntegrityError as exc:
                # Only possible when another program changed the referenced rows meanwhile.
                first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                raise ImportFailed([f"the database changed during the import: {first}"]) from exc
            if conn.dialect.name == "sqlite":
                for table in reversed(STAGE_METADATA.sorted_tables):
                    conn.exec_driver_sql(f"DROP TABLE temp.{table.name}")
            if before_commit is not None:
                before_commit(conn, report)
    except _Checked:
        pass  # the transaction was rolled back: nothing written
    except ImportFailed as exc:
        exc.notes = [f"not read: {reason}" for reason in report.not_read]
        raise
    report.seconds = time.monotonic() - started
    return report


class _Checked(Exception):
    """Leaves the write transaction of a `--check` run (rolling it back)."""


PREVIEW_ROWS = 3


def _plan(
    directory: Path, mapping: Mapping
) -> tuple[list[tuple[Source, Path, Place]], ImportReport]:
    """Which source file feeds which entity, in kpidesk's file order."""
    if mapping.builtin:
        files, ignored, refused = find_files(directory)
        report = ImportReport(ignored_files=ignored, not_read=refused)
        plan = []
        for order, source in enumerate(mapping.sources):
            if source.entity in files:
                place = Place(source.entity, order * 1000, ENTITIES[source.entity])
                plan.append((source, files[source.entity], place))
        return plan, report
    ordered = sorted(mapping.sources, key=lambda s: FILE_NAMES.index(s.entity))
    matched, ignored, refused = find_sources(directory, [source.file for source in ordered])
    report = ImportReport(ignored_files=ignored, mapping=mapping.name, not_read=refused)
    plan = []
    for order, (source, paths) in enumerate(zip(ordered, matched, strict=True)):
        if not paths:
            report.missing_files.append(f"{source.file} (for {source.entity})")
        for index, path in enumerate(paths):
            place = Place(path.name, order * 1000 + index, ENTITIES[source.entity])
            plan.append((source, path, place))
    if not plan:
        wanted = ", ".join(sorted({source.file for source in ordered}))
        raise ImportFailed([f"{directory}: none of the mapping's files found ({wanted})"])
    return plan, report


def _preview(conn: Connection, item: Staged) -> list[str]:
    """The first rows of a staged file as they would be stored (`--check`)."""
    stage = item.entity.stage
    names = [f.name for f in item.entity.fields if f.name in item.present]
    rows = conn.execute(
        select(stage.c.line, *[stage.c[name] for name in names])
        .order_by(stage.c.src, stage.c.line)
        .limit(PREVIEW_ROWS)
    )
    shown = []
    for line, *values in rows:
        cells = ", ".join(
            f"{name}={_shown(value)}" for name, value in zip(names, values, strict=True)
        )
        shown.append(f"line {line}: {cells}")
    return shown


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


@contextmanager
def _write_transaction(db: Database) -> Iterator[Connection]:
    """The import's one write transaction.

    On SQLite the connection's row-by-row foreign key enforcement is switched off for it
    (it can only be switched outside a transaction, and costs more than the inserts): every
    reference was checked set-based before writing, and BEGIN IMMEDIATE keeps other writers
    out until the commit, so nothing can invalidate them in between.
    """
    if not db.is_sqlite:
        with db.connect(write=True) as conn:
            yield conn
        return
    with sqlite_without_foreign_keys(db) as conn:
        yield conn


def _open_csv(path: Path, place: Place, errors: Errors) -> Rows | None:
    """A CSV file's encoding, delimiter and header; None (errors added) when unreadable."""
    source, problem = detect_encoding(path)
    if source is None:
        assert problem is not None
        errors.add(place, problem[0], "(file)", problem[1])
        return None
    with path.open(encoding=source.codec, newline="") as handle:
        header_line = handle.readline()
    delimiter = sniff_delimiter(header_line)
    rows = numbered_rows(source, delimiter)
    try:
        first = next(rows, None)
    except csv.Error as exc:
        errors.add(place, 1, "(file)", f"malformed CSV: {exc}")
        return None
    if first is None:
        errors.add(place, 1, "(file)", "the file is empty (a header line is required)")
        return None
    header = [name.strip() for name in first[1]]
    return Rows(header, rows, source.lines, source.label, delimiter)


def _stage_rows(
    conn: Connection,
    item: Staged,
    mapped: Source,
    src: int,
    parsers: dict[str, Parser],
    source: Rows,
    place: Place,
    errors: Errors,
    tell: Callable[[str, int, int], None],
) -> None:
    """Parse one source's records into its entity's stage table; errors are collected."""
    spec = item.entity
    report = item.report
    if not report.encoding:
        report.encoding, report.delimiter = source.encoding, source.delimiter
    rows, header = source.records, source.header
    positions, skips, joins = record.columns(mapped, header, place, errors, report)
    conditions = record.conditions(mapped, header, positions, place, errors)
    item.present = item.present | frozenset(positions)

    cells = record.cells(conn, spec, mapped, parsers, positions, place, errors)
    key_positions = [FIRST_FIELD + spec.index(name) for name in spec.key]
    # Surrogate ids: the key as a number (kept as the id when free), the id assigned later.
    number_at = FIRST_FIELD + spec.index(spec.key[0]) if spec.surrogate else 0
    write = _stage_writer(conn, spec.stage)
    check = spec.check
    batch: list[tuple[Any, ...]] = []
    width = len(header)
    unmapped: dict[str, UnmappedValues] = {}
    line = 1
    try:
        for line, values in rows:
            if not "".join(values).strip():
                continue  # blank lines and Excel's ";;;;" rows
            report.rows += 1
            if report.rows % CHUNK_ROWS == 0:
                tell(place.label, line, source.total)
            if len(values) != width:
                errors.add(
                    place,
                    line,
                    "(row)",
                    f"expected {width} values as in the header, found {len(values)}",
                )
                continue
            if skips and record.left_out(values, skips, report):
                continue
            for parts in joins:
                values.append(" ".join(v for p in parts if (v := values[p].strip())))
            for position, condition, allowed in conditions:
                if values[condition].strip() not in allowed:
                    values[position] = ""
            try:  # the common case: every value fine, one list comprehension
                row = (line, src, *[cell(values[position]) for position, _, cell in cells])
                problems = check(row) if check is not None else []
            except ValueError:
                row, problems = record.with_problems(line, src, values, cells, unmapped)
                problems = problems or [("", "")]  # a value map missed: counted, not listed
            if problems:
                for column, message in problems:
                    if column:
                        errors.add(place, line, column, message)
                if any(row[k] is None for k in key_positions):
                    continue
            if number_at:
                row = (*row, key_number(row[number_at]), None)
            # Rows with errors are staged too (by key): duplicates of them are still found,
            # and rows referring to them are not reported as unknown on top of their own error.
            batch.append(row)
            if len(batch) >= CHUNK_ROWS:
                write(batch)
                batch.clear()
    except csv.Error as exc:
        errors.add(place, line + 1, "(file)", f"malformed CSV: {exc}")
    if batch:
        write(batch)
    for name, found in unmapped.items():
        listed = ", ".join(f"{value!r} ({count})" for value, count in found.counts.items())
        total = sum(found.counts.values())
        errors.add(
            place,
            found.first_line,
            name,
            f"{total} rows with values the mapping does not map: {listed}; add them to "
            f'the map of {name} (or a "*" fallback)',
        )
    done = source.total or line
    tell(place.label, done, done)


def _stage_writer(conn: Connection, table: Table) -> Callable[[list[tuple[Any, ...]]], None]:
    """Bulk writes into a stage table: COPY on PostgreSQL, executemany on SQLite."""
    names = ", ".join(column.name for column in table.columns)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        copy_sql = f"COPY {table.name} ({names}) FROM STDIN"

        def copy(rows: list[tuple[Any, ...]]) -> None:
            with raw.cursor() as cursor, cursor.copy(copy_sql) as stream:  # type: ignore[union-attr]
                for row in rows:
                    stream.write_row(row)

        return copy
    marks = ", ".join("?" for _ in table.columns)
    insert_sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"

    def executemany(rows: list[tuple[Any, ...]]) -> None:
        conn.exec_driver_sql(insert_sql, rows)

    return executemany


def crm_row_counts(db: Database) -> dict[str, int]:
    """How many users, companies and activities the database holds (the demo's guard)."""
    with db.connect() as conn:
        return {
            table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (ENTITIES[name].table for name in (USERS, COMPANIES, ACTIVITIES))
        }
