"""One import run: stage every file, check, and merge, all in one write transaction."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from kpidesk.data import settings
from kpidesk.data.crm_import.checks import check_duplicates, check_logins, check_references
from kpidesk.data.crm_import.entities import (
    ENTITIES,
    FILE_NAMES,
    STAGE_METADATA,
    Entity,
    Field,
    Parser,
    Staged,
    default_parsers,
)
from kpidesk.data.crm_import.merge import merge_all
from kpidesk.data.crm_import.reader import (
    detect_encoding,
    find_files,
    numbered_rows,
    sniff_delimiter,
)
from kpidesk.data.crm_import.report import Errors, FileReport, ImportFailed, ImportReport
from kpidesk.data.crm_import.values import key_number
from kpidesk.data.db import Database, translate_errors
from kpidesk.data.models import Activity, Company, User

# stage (a file name while reading, "checking" / "writing" afterwards), done, total
ImportProgress = Callable[[str, int, int], None]

CHUNK_ROWS = 5_000


def import_crm(
    db: Database, directory: Path, *, progress: ImportProgress | None = None
) -> ImportReport:
    """Import the CSV files in `directory`: all or nothing, upserting by key.

    Raises ImportFailed with every error found (`file:line: column: message`); the database
    is then exactly as before.
    """
    started = time.monotonic()
    files, ignored = find_files(Path(directory))
    with db.session() as session:
        tz = settings.timezone(session)
    report = ImportReport(ignored_files=ignored)
    errors = Errors()

    def tell(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    with _write_transaction(db) as conn:
        for table in STAGE_METADATA.sorted_tables:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table.name}")
            table.create(conn)
        staged: dict[str, Staged] = {}
        for name in FILE_NAMES:
            if name in files:
                entity = ENTITIES[name]
                parsers = default_parsers(entity, tz)
                result = _stage_file(conn, entity, parsers, files[name], errors, tell)
                if result is not None:
                    staged[name] = result
                    report.files.append(result.report)
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
        try:
            merge_all(conn, staged, report, tell)
        except IntegrityError as exc:
            # Only possible when another program changed the referenced rows meanwhile.
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ImportFailed([f"the database changed during the import: {first}"]) from exc
        if conn.dialect.name == "sqlite":
            for table in reversed(STAGE_METADATA.sorted_tables):
                conn.exec_driver_sql(f"DROP TABLE temp.{table.name}")
    report.seconds = time.monotonic() - started
    return report


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
    with translate_errors(db), db.write_engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _stage_file(
    conn: Connection,
    spec: Entity,
    parsers: dict[str, Parser],
    path: Path,
    errors: Errors,
    tell: Callable[[str, int, int], None],
) -> Staged | None:
    """Parse one file row by row into its stage table; errors are collected, not raised."""
    source, problem = detect_encoding(path)
    if source is None:
        assert problem is not None
        errors.add(spec, problem[0], "(file)", problem[1])
        return None
    with path.open(encoding=source.codec, newline="") as handle:
        header_line = handle.readline()
    delimiter = sniff_delimiter(header_line)
    report = FileReport(spec.name, source.label, delimiter)
    rows = numbered_rows(source, delimiter)
    try:
        first = next(rows, None)
    except csv.Error as exc:
        errors.add(spec, 1, "(file)", f"malformed CSV: {exc}")
        return None
    if first is None:
        errors.add(spec, 1, "(file)", "the file is empty (a header line is required)")
        return None
    header = [name.strip().lower() for name in first[1]]
    known = spec.field_names()
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, name in enumerate(header):
        if name in positions:
            errors.add(spec, 1, name, "column appears twice in the header")
        elif name in known:
            positions[name] = position
        elif name:
            ignored.append(name)
    report.ignored_columns = tuple(ignored)
    for fld in spec.fields:
        if fld.column_required and fld.name not in positions:
            errors.add(spec, 1, fld.name, f"missing required column (header: {','.join(header)})")
    staged = Staged(spec, report, frozenset(positions))

    cells = _cells(conn, spec, parsers, positions)
    key_positions = [spec.index(name) for name in spec.key]
    # Surrogate ids: the key as a number (kept as the id when free), the id assigned later.
    number_at = 1 + spec.index(spec.key[0]) if spec.surrogate else 0
    write = _stage_writer(conn, spec.stage)
    check = spec.check
    batch: list[tuple[Any, ...]] = []
    width = len(header)
    line = 1
    try:
        for line, values in rows:
            if not "".join(values).strip():
                continue  # blank lines and Excel's ";;;;" rows
            report.rows += 1
            if report.rows % CHUNK_ROWS == 0:
                tell(spec.name, line, source.lines)
            if len(values) != width:
                errors.add(
                    spec,
                    line,
                    "(row)",
                    f"expected {width} values as in the header, found {len(values)}",
                )
                continue
            try:  # the common case: every value fine, one list comprehension
                row = (line, *[cell(values[position]) for position, _, cell in cells])
                problems = check(row) if check is not None else []
            except ValueError:
                row, problems = _row_with_problems(line, values, cells)
            if problems:
                for column, message in problems:
                    errors.add(spec, line, column, message)
                if any(row[1 + k] is None for k in key_positions):
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
        errors.add(spec, line + 1, "(file)", f"malformed CSV: {exc}")
    if batch:
        write(batch)
    tell(spec.name, source.lines, source.lines)
    return staged


Cell = tuple[int, str, Callable[[str], Any]]  # position in the record, column, converter
_MISSING = object()


def _row_with_problems(
    line: int, values: list[str], cells: list[Cell]
) -> tuple[tuple[Any, ...], list[tuple[str, str]]]:
    """The slow path for a row with errors: every bad value is reported, not only the first."""
    row: list[Any] = [line]
    problems: list[tuple[str, str]] = []
    for position, name, cell in cells:
        try:
            row.append(cell(values[position]))
        except ValueError as exc:
            problems.append((name, str(exc)))
            row.append(None)
    return tuple(row), problems


def _cells(
    conn: Connection, spec: Entity, parsers: dict[str, Parser], positions: dict[str, int]
) -> list[Cell]:
    """Per column: where it is in the record and how its text becomes a stored value.

    Values are converted with the stage column's own SQLAlchemy bind processor, so the
    stage holds exactly what the real tables store (and comparisons in SQL are exact).
    A column the file does not have gives its default (a missing required column is
    reported once, on line 1).
    """
    cells: list[Cell] = []
    for fld in spec.fields:
        processor = spec.stage.c[fld.name].type.bind_processor(conn.dialect)
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
            cells.append((0, fld.name, lambda _raw, value=default: value))
            continue
        cells.append(
            (position, fld.name, _cell(fld, parse, processor, default)),
        )
    return cells


def _quiet(parse: Parser) -> Parser:
    def quiet(value: str) -> Any:
        try:
            return parse(value)
        except ValueError:
            return None

    return quiet


def _cell(
    fld: Field, parse: Parser, processor: Callable[[Any], Any] | None, default: Any
) -> Callable[[str], Any]:
    """One column's text to its stored value; raises ValueError with the user's message."""
    required, cached = fld.value_required, fld.cached
    memo: dict[str, Any] = {}

    def cell(raw: str) -> Any:
        if cached:
            hit = memo.get(raw, _MISSING)
            if hit is not _MISSING:
                return hit
        text = raw.strip()
        if not text:
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
        conn.exec_driver_sql(insert_sql, rows)  # type: ignore[arg-type]

    return executemany


def crm_row_counts(db: Database) -> dict[str, int]:
    """How many users, companies and activities the database holds (the demo's guard)."""
    with db.connect() as conn:
        return {
            table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (User.__table__, Company.__table__, Activity.__table__)
        }
