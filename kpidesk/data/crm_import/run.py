"""One import run: stage every file, check, and merge, all in one write transaction."""

from __future__ import annotations

import csv
import datetime as dt
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
    Entity,
    Field,
    Parser,
    Staged,
)
from kpidesk.data.crm_import.mapping import (
    Mapping,
    Skip,
    Source,
    Unmapped,
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
from kpidesk.data.crm_import.values import KEY_LENGTH, key_number, parse_key
from kpidesk.data.db import Database, sqlite_without_foreign_keys
from kpidesk.data.models import UTCDateTime
from kpidesk.data.timestamps import utc_to_stored

# stage (a file name while reading, "checking" / "writing" afterwards), done, total
ImportProgress = Callable[[str, int, int], None]

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
    return import_feeds(db, mapping, feeds, report, check=check, progress=progress)


def import_feeds(
    db: Database,
    mapping: Mapping,
    feeds: list[Feed],
    report: ImportReport,
    *,
    check: bool = False,
    progress: ImportProgress | None = None,
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
    positions, skips, joins = _columns(mapped, header, place, errors, report)
    conditions = _conditions(mapped, header, positions, place, errors)
    item.present = item.present | frozenset(positions)

    cells = _cells(conn, spec, mapped, parsers, positions, place, errors)
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
            if skips and _left_out(values, skips, report):
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
                row, problems = _row_with_problems(line, src, values, cells, unmapped)
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


def _columns(
    mapped: Source, header: list[str], place: Place, errors: Errors, report: FileReport
) -> tuple[dict[str, int], list[tuple[int, Skip]], list[list[int]]]:
    """Where each mapped column is in the header; every problem is reported on line 1.

    Columns joined from several (`columns = [...]`) get positions after the header's.
    """
    spec = place.entity
    positions: dict[str, int] = {}
    joins: list[list[int]] = []  # columns joined into one, appended after the header's
    if mapped.builtin:
        known = spec.field_names()
        ignored: list[str] = []
        lowered = [name.lower() for name in header]
        for position, name in enumerate(lowered):
            if name in positions:
                errors.add(place, 1, name, "column appears twice in the header")
            elif name in known:
                positions[name] = position
            elif name:
                ignored.append(name)
        report.ignored_columns = tuple(ignored)
        for fld in spec.fields:
            if fld.column_required and fld.name not in positions:
                errors.add(
                    place, 1, fld.name, f"missing required column (header: {','.join(lowered)})"
                )
        return positions, [], []

    at = place.header_line
    container, listing = ("the file", "header")
    if place.query:
        container, listing = "the query's result", "columns"

    def find(column: str, what: str) -> int | None:
        if column in header:
            if header.count(column) > 1:
                errors.add(place, at, what, f"column {column!r} appears twice in the {listing}")
            return header.index(column)
        folded = [name.casefold() for name in header]
        if folded.count(column.casefold()) == 1:
            return folded.index(column.casefold())
        errors.add(
            place,
            at,
            what,
            f"column {column!r} is not in {container} ({listing}: {', '.join(header)})",
        )
        return None

    for name, rule in mapped.rules.items():
        column = rule.column
        if rule.same_as is not None:
            column = mapped.rules[rule.same_as].column
            if column is None and not mapped.rules[rule.same_as].columns:
                positions[name] = -1  # same as a constant: a constant
                continue
        joined = rule.columns or (mapped.rules[rule.same_as].columns if rule.same_as else ())
        if joined:
            parts = [find(part, name) for part in joined]
            if all(part is not None for part in parts):
                positions[name] = len(header) + len(joins)
                joins.append([part for part in parts if part is not None])
            continue
        if column is None:
            positions[name] = -1  # a constant
            continue
        found = find(column, name)
        if found is not None:
            positions[name] = found
    skips = []
    for skip in mapped.skip:
        found = find(skip.column, "(skip)")
        if found is not None:
            skips.append((found, skip))
    return positions, skips, joins


def _conditions(
    mapped: Source, header: list[str], positions: dict[str, int], place: Place, errors: Errors
) -> list[tuple[int, int, frozenset[str]]]:
    """Columns read only when another column has one of some values: (column, condition)."""
    found = []
    lowered = [name.casefold() for name in header]
    for name, rule in mapped.rules.items():
        if rule.only_when is None or positions.get(name, -1) < 0:
            continue
        column, values = rule.only_when
        if column.casefold() not in lowered:
            errors.add(
                place,
                place.header_line,
                name,
                f"column {column!r} (only_when) is not in "
                + ("the query's result" if place.query else "the file"),
            )
            continue
        found.append((positions[name], lowered.index(column.casefold()), frozenset(values)))
    return found


def _left_out(values: list[str], skips: list[tuple[int, Skip]], report: FileReport) -> bool:
    for position, skip in skips:
        text = values[position].strip()
        if (skip.empty and not text) or (text and text in skip.values):
            reason = skip.describe()
            report.left_out[reason] = report.left_out.get(reason, 0) + 1
            return True
    return False


Cell = tuple[int, str, Callable[[str], Any]]  # position in the record, column, converter
_MISSING = object()


def _row_with_problems(
    line: int, src: int, values: list[str], cells: list[Cell], unmapped: dict[str, UnmappedValues]
) -> tuple[tuple[Any, ...], list[tuple[str, str]]]:
    """The slow path for a row with errors: every bad value is reported, not only the first.

    Values a value map does not name are counted per column instead (one error per column).
    """
    row: list[Any] = [line, src]
    problems: list[tuple[str, str]] = []
    for position, name, cell in cells:
        try:
            row.append(cell(values[position]))
        except Unmapped as exc:
            unmapped.setdefault(name, UnmappedValues()).add(exc.value, line)
            row.append(None)
        except ValueError as exc:
            problems.append((name, str(exc)))
            row.append(None)
    return tuple(row), problems


def _cells(
    conn: Connection,
    spec: Entity,
    mapped: Source,
    parsers: dict[str, Parser],
    positions: dict[str, int],
    place: Place,
    errors: Errors,
) -> list[Cell]:
    """Per column: where it is in the record and how its text becomes a stored value.

    Values are converted with the stage column's own SQLAlchemy bind processor, so the
    stage holds exactly what the real tables store (and comparisons in SQL are exact).
    A column the file does not have gives its default (a missing required column is
    reported once, on line 1).
    """
    cells: list[Cell] = []
    for fld in spec.fields:
        # The dialect's own implementation: on SQLite UTCDateTime's writes the canonical text
        # of kpidesk.data.timestamps (the generic type's processor would hand the driver a
        # datetime, which sqlite3 writes without the microseconds).
        stage_type = spec.stage.c[fld.name].type
        processor: Callable[[Any], Any] | None = stage_type.dialect_impl(
            conn.dialect
        ).bind_processor(conn.dialect)
        if isinstance(stage_type, UTCDateTime):
            processor = _utc_binder(conn.dialect.name)  # the same values, without the wrapping
        default = fld.default
        if processor is not None and default is not None:
            default = processor(default)
        position = positions.get(fld.name)
        parse = parsers[fld.name]
        if position is None and fld.default_from is not None:
            # Stands in for the other column, whose errors that column reports itself.
            position = positions.get(fld.default_from)
            parse = _quiet(parsers[fld.default_from])
        if position is None:
            cells.append((0, fld.name, _constant(default)))
            continue
        if position == -1:  # a constant: read once
            rule = mapped.rules[fld.name]
            if rule.same_as is not None:
                rule = mapped.rules[rule.same_as]
            try:
                constant = _cell(fld, parse, processor, default)(rule.value or "")
            except ValueError as exc:
                errors.add(
                    place, place.header_line, fld.name, f"the mapping's value {rule.value!r}: {exc}"
                )
                constant = None
            cells.append((0, fld.name, _constant(constant)))
            continue
        source_rule = mapped.rules.get(fld.name)
        maps_empty = (
            source_rule is not None
            and source_rule.value_map is not None
            and "" in source_rule.value_map
        )
        cells.append(
            (position, fld.name, _cell(fld, parse, processor, default, maps_empty)),
        )
    return cells


def _utc_binder(dialect: str) -> Callable[[Any], Any]:
    """UTCDateTime's bind processing for the bulk load: the parsers hand over aware UTC
    date-times; SQLite stores the canonical text, PostgreSQL naive UTC."""

    def sqlite_text(value: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is not dt.UTC:
            value = value.astimezone(dt.UTC)
        return utc_to_stored(value)

    def naive_utc(value: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    return sqlite_text if dialect == "sqlite" else naive_utc


def _constant(value: Any) -> Callable[[str], Any]:
    """A cell that is the same stored value on every line, whatever the record holds."""

    def cell(_raw: str) -> Any:
        return value

    return cell


def _quiet(parse: Parser) -> Parser:
    def quiet(value: str) -> Any:
        try:
            return parse(value)
        except ValueError:
            return None

    return quiet


def _cell(
    fld: Field,
    parse: Parser,
    processor: Callable[[Any], Any] | None,
    default: Any,
    maps_empty: bool = False,
) -> Callable[[str], Any]:
    """One column's text to its stored value; raises ValueError with the user's message.

    An empty cell is the column's default (or "value required"), unless the column's value
    map names the empty text (`"" = false`): CRMs leave picklists empty.
    """
    required, cached = fld.value_required, fld.cached
    memo: dict[str, Any] = {}
    if parse is parse_key and processor is None and not cached and not maps_empty:
        return _key_cell(required, default)

    def cell(raw: str) -> Any:
        if cached:
            hit = memo.get(raw, _MISSING)
            if hit is not _MISSING:
                return hit
        text = raw.strip()
        if not text and maps_empty:
            value = parse("")
            if processor is not None and value is not None:
                value = processor(value)
        elif not text:
            if required:
                raise ValueError("value required")
            value = default
        else:
            value = parse(text)
            if processor is not None:
                value = processor(value)
        if cached and len(memo) < 100_000:
            memo[raw] = value
        return value

    return cell


def _key_cell(required: bool, default: Any) -> Callable[[str], Any]:
    """A CRM key column (the most frequent cells): the plain case inline, the rest by
    parse_key, so values and messages are exactly parse_key's."""

    def cell(raw: str) -> Any:
        text = raw.strip()
        if not text:
            if required:
                raise ValueError("value required")
            return default
        if len(text) <= KEY_LENGTH and text.isprintable():
            return text
        return parse_key(text)

    return cell


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
