"""CRM import: the CRM's CSV export, checked completely, then written in one transaction.

Rows are parsed in Python (encodings, delimiters, Danish number and boolean spellings) and
staged in temporary tables inside the one write transaction; duplicate keys and references
(to the other files and to rows already stored) are then checked set-based, so memory stays
flat for millions of rows. Only when no error was found are the staged rows merged into the
real tables with a few set-based statements; any error rolls everything back.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    inspect,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex
from sqlalchemy.sql.expression import Executable

from kpidesk.data import settings
from kpidesk.data.db import Database, translate_errors
from kpidesk.data.models import (
    ACTIVITY_STATUSES,
    OPPORTUNITY_STAGES,
    ROLES,
    Activity,
    ActivityParticipant,
    Company,
    Opportunity,
    Profile,
    User,
    UTCDateTime,
)
from kpidesk.domain.names import clean_name, name_key

# stage (a file name while reading, "checking" / "writing" afterwards), done, total
ImportProgress = Callable[[str, int, int], None]

USERS = "users.csv"
COMPANIES = "companies.csv"
ACTIVITIES = "activities.csv"
PARTICIPANTS = "activity_participants.csv"
OPPORTUNITIES = "opportunities.csv"
FILE_NAMES = (USERS, COMPANIES, ACTIVITIES, PARTICIPANTS, OPPORTUNITIES)

CHUNK_ROWS = 5_000
MAX_ERRORS = 100_000  # errors kept (and printed); more are only counted
BULK_ROWS = 20_000  # from this many rows (and at least the table's size): a bulk load
MAX_ID = 2**31 - 1  # ids are INTEGER columns on PostgreSQL
TRUE_WORDS = frozenset({"true", "1", "yes", "ja"})
FALSE_WORDS = frozenset({"false", "0", "no", "nej"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"^\s*(kr\.?|dkk)\s*|\s*(kr\.?|dkk)\s*$", re.IGNORECASE)
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class ImportFailed(Exception):
    """The export has errors; nothing was written. `errors` holds `file:line: column: message`."""

    def __init__(self, errors: list[str], omitted: int = 0) -> None:
        self.errors = errors
        self.omitted = omitted  # errors beyond MAX_ERRORS, counted but not kept
        count = len(errors) + omitted
        more = f" ({omitted} not listed)" if omitted else ""
        super().__init__(
            f"import aborted, nothing was changed: {count} error{'s' if count != 1 else ''}{more}"
        )


@dataclass
class FileReport:
    """What one file did to the database."""

    name: str
    encoding: str
    delimiter: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # participants only: stored participants no longer in the export
    ignored_columns: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"{self.name}: {self.rows} rows ({self.encoding}, '{self.delimiter}'): "
            f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"
        )
        if self.name == PARTICIPANTS:
            text += f", {self.removed} removed"
        return text


@dataclass
class ImportReport:
    """Per-file counts and encodings, the profiles created and the files ignored."""

    files: list[FileReport] = field(default_factory=list)
    profiles_created: list[str] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported anyway, but worth a look
    seconds: float = 0.0

    def file(self, name: str) -> FileReport:
        for report in self.files:
            if report.name == name:
                return report
        raise KeyError(name)

    def lines(self) -> list[str]:
        out = [report.summary() for report in self.files]
        for report in self.files:
            if report.ignored_columns:
                out.append(f"{report.name}: ignored columns: {', '.join(report.ignored_columns)}")
        if self.profiles_created:
            out.append(f"profiles created: {', '.join(self.profiles_created)}")
        if self.ignored_files:
            out.append(f"ignored files (not CRM files): {', '.join(self.ignored_files)}")
        out.extend(self.warnings)
        return out


# --- values ---------------------------------------------------------------------------------


def _text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        if "\x00" in value:
            raise ValueError("contains a NUL character (a binary file?)")
        return value

    return parse


def _profile_name(value: str) -> str:
    """Trimmed with inner white space collapsed: `Salg  Team` is the profile `Salg Team`."""
    return _text(100)(clean_name(value))


def _login(value: str) -> str:
    if len(value) > 100:
        raise ValueError("longer than 100 characters")
    if _SPACE.search(value):
        raise ValueError(f"login {value!r} contains a space or control character")
    return value


def _email(value: str) -> str:
    if len(value) > 200:
        raise ValueError("longer than 200 characters")
    if "@" not in value or _SPACE.search(value):
        raise ValueError(f"invalid e-mail address {value!r}")
    return value


def _id(value: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"invalid id {value!r}: use a whole number")
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"id {value} out of range 1–{MAX_ID}")
    return number


def _bool(value: str) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"invalid boolean {value!r}: use true/false, 1/0, yes/no or ja/nej")


def _choice(values: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        word = value.lower()
        if word not in values:
            raise ValueError(f"unknown value {value!r}: use one of {', '.join(values)}")
        return word

    return parse


def _amount(value: str) -> Decimal:
    """Amounts as Danish Excel writes them too: decimal comma, `.` or space between thousands,
    optionally with the currency (`kr.`, `DKK`)."""
    text = _CURRENCY.sub("", value).replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(f"invalid amount {value!r}")
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"invalid amount {value!r}: use e.g. 125000,50 or 125000.50")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"invalid amount {value!r}") from exc
    if amount < 0:
        raise ValueError(f"negative amount {value!r}")
    if amount >= Decimal(10) ** 14:
        raise ValueError(f"amount {value!r} too large")
    return amount


def _date(value: str) -> dt.date:
    if not _DATE.fullmatch(value):
        raise ValueError(f"invalid date {value!r}: use YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r}: {exc}") from exc


def _datetime(tz: ZoneInfo) -> Callable[[str], dt.datetime]:
    """ISO 8601; a naive value is local time in the installation's time zone."""

    def parse(value: str) -> dt.datetime:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                f"invalid date-time {value!r}: use ISO 8601, e.g. 2026-03-14 09:30 "
                "or 2026-03-14T09:30:00+01:00"
            ) from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        try:
            parsed.astimezone(dt.UTC)
        except OverflowError:
            # Year 1 or 9999 with an offset: the instant lies outside what can be stored.
            raise ValueError(
                f"date-time {value!r} is out of range: it must lie between years 1 and 9999 in UTC"
            ) from None
        return parsed

    return parse


# --- files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One CSV column: how to parse it and whether it may be left out."""

    name: str
    parse: Callable[[str], Any]
    column_required: bool = True
    value_required: bool = True
    default: Any = None
    cached: bool = False  # few distinct values (times, flags): parse each text once


# Checks across the columns of one row; they see the row as staged (line first, values
# converted but comparable).
RowCheck = Callable[[Sequence[Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class FileSpec:
    """One file of the export: its columns, key, stage table and checks across columns."""

    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    stage: Table
    check: RowCheck | None = None

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def index(self, name: str) -> int:
        return self.field_names().index(name)


_stage_md = MetaData()


def _stage(name: str, *columns: Column[Any]) -> Table:
    return Table(
        f"kpidesk_stage_{name}",
        _stage_md,
        Column("line", Integer, nullable=False),
        *columns,
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )


STAGE_USERS = _stage(
    "users",
    Column("login", String(100)),
    Column("name", String(200)),
    Column("email", String(200)),
    Column("role", String(10)),
    Column("active", Boolean),
    Column("profile", String(100)),
)
STAGE_COMPANIES = _stage(
    "companies",
    Column("id", Integer),
    Column("name", String(300)),
    Column("is_customer", Boolean),
    Column("key_account_manager", String(100)),
)
STAGE_ACTIVITIES = _stage(
    "activities",
    Column("id", Integer),
    Column("type", String(100)),
    Column("status", String(10)),
    Column("start_at", UTCDateTime()),
    Column("end_at", UTCDateTime()),
    Column("company_id", Integer),
    Column("owner", String(100)),
    Column("created_at", UTCDateTime()),
    Column("completed_at", UTCDateTime()),
)
STAGE_PARTICIPANTS = _stage(
    "participants",
    Column("activity_id", Integer),
    Column("login", String(100)),
)
STAGE_OPPORTUNITIES = _stage(
    "opportunities",
    Column("id", Integer),
    Column("name", String(300)),
    Column("company_id", Integer),
    Column("owner", String(100)),
    Column("amount", Numeric(16, 2)),
    Column("stage", String(10)),
    Column("created_at", UTCDateTime()),
    Column("expected_close", Date),
    Column("closed_at", UTCDateTime()),
)
# Created after the rows are loaded (cheaper than keeping them up to date row by row).
STAGE_INDEXES = (
    "CREATE INDEX ix_kpidesk_stage_users_login ON kpidesk_stage_users (login)",
    "CREATE INDEX ix_kpidesk_stage_companies_id ON kpidesk_stage_companies (id)",
    "CREATE INDEX ix_kpidesk_stage_activities_id ON kpidesk_stage_activities (id)",
    "CREATE INDEX ix_kpidesk_stage_participants_activity "
    "ON kpidesk_stage_participants (activity_id, login)",
    "CREATE INDEX ix_kpidesk_stage_opportunities_id ON kpidesk_stage_opportunities (id)",
)


# Positions in a staged row: the line number, then the fields below in order.
_ACTIVITY_START, _ACTIVITY_END = 4, 5
_OPPORTUNITY_STAGE, _OPPORTUNITY_CLOSED = 6, 9


def _check_activity(row: Sequence[Any]) -> list[tuple[str, str]]:
    start, end = row[_ACTIVITY_START], row[_ACTIVITY_END]
    if start is not None and end is not None and end < start:
        return [("end_at", "ends before start_at")]
    return []


def _check_opportunity(row: Sequence[Any]) -> list[tuple[str, str]]:
    stage = row[_OPPORTUNITY_STAGE]
    if stage in ("won", "lost") and row[_OPPORTUNITY_CLOSED] is None:
        return [("closed_at", f"required when stage is {stage}")]
    return []


def file_specs(tz: ZoneInfo) -> dict[str, FileSpec]:
    """The five files of a CRM export: columns, optional columns and defaults (issue 2)."""
    when = _datetime(tz)
    return {
        USERS: FileSpec(
            USERS,
            (
                Field("login", _login),
                Field("name", _text(200)),
                Field("email", _email, value_required=False, default=""),
                # Empty: keep the stored value (a new user gets "user" and active). An empty
                # cell must never demote or deactivate anyone, least of all an administrator.
                Field("role", _choice(ROLES), False, False, None, cached=True),
                Field("active", _bool, False, False, None, cached=True),
                Field("profile", _profile_name, False, False, None),
            ),
            ("login",),
            STAGE_USERS,
        ),
        COMPANIES: FileSpec(
            COMPANIES,
            (
                Field("id", _id),
                Field("name", _text(300)),
                Field("is_customer", _bool, cached=True),
                Field("key_account_manager", _login, False, False, None),
            ),
            ("id",),
            STAGE_COMPANIES,
        ),
        ACTIVITIES: FileSpec(
            ACTIVITIES,
            (
                Field("id", _id),
                Field("type", _text(100)),
                Field("status", _choice(ACTIVITY_STATUSES), cached=True),
                Field("start_at", when, cached=True),
                Field("end_at", when, False, False, None, cached=True),
                Field("company_id", _id, False, False, None),
                Field("owner", _login, False, False, None),
                # History (issue 9): when it was created and marked done or cancelled.
                Field("created_at", when, False, False, None, cached=True),
                Field("completed_at", when, False, False, None, cached=True),
            ),
            ("id",),
            STAGE_ACTIVITIES,
            _check_activity,
        ),
        PARTICIPANTS: FileSpec(
            PARTICIPANTS,
            (Field("activity_id", _id), Field("login", _login)),
            ("activity_id", "login"),
            STAGE_PARTICIPANTS,
        ),
        OPPORTUNITIES: FileSpec(
            OPPORTUNITIES,
            (
                Field("id", _id),
                Field("name", _text(300)),
                Field("company_id", _id, value_required=False),
                Field("owner", _login, value_required=False),
                Field("amount", _amount),
                Field("stage", _choice(OPPORTUNITY_STAGES), cached=True),
                Field("created_at", when, cached=True),
                Field("expected_close", _date, value_required=False, cached=True),
                Field("closed_at", when, False, False, None, cached=True),
            ),
            ("id",),
            STAGE_OPPORTUNITIES,
            _check_opportunity,
        ),
    }


# --- reading --------------------------------------------------------------------------------


@dataclass
class _Source:
    path: Path
    label: str  # what the report says, e.g. "UTF-8 with BOM"
    codec: str
    lines: int


class _Errors:
    """Errors as (file order, line, column order, text), sorted into file:line order at the end."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, int, str]] = []
        self.omitted = 0

    def add(self, spec: FileSpec, line: int, column: str, message: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.omitted += 1  # an export that wrong has one systematic problem; memory stays flat
            return
        names = spec.field_names()
        order = names.index(column) if column in names else -1
        self.items.append(
            (FILE_NAMES.index(spec.name), line, order, f"{spec.name}:{line}: {column}: {message}")
        )

    def sorted(self) -> list[str]:
        return [item[3] for item in sorted(self.items)]

    def __bool__(self) -> bool:
        return bool(self.items)

    def failure(self) -> ImportFailed:
        return ImportFailed(self.sorted(), self.omitted)


def _line_of(data: bytes, position: int, before: int) -> int:
    return before + data[:position].count(b"\n") + 1


def _detect_encoding(path: Path) -> tuple[_Source | None, tuple[int, str] | None]:
    """UTF-8 (with or without BOM), else Windows-1252; streamed, so big files stay cheap."""
    with path.open("rb") as handle:
        head = handle.read(3)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, (1, "UTF-16 is not supported: save it as 'CSV UTF-8' (or plain CSV) instead")
    bom = head == codecs.BOM_UTF8
    lines = 0
    utf8_error: tuple[int, str] | None = None
    cp1252_error: tuple[int, str] | None = None
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    last = b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if utf8_error is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = _line_of(chunk, exc.start, lines)
                    utf8_error = (line, f"byte 0x{chunk[exc.start]:02x} on line {line}")
            if utf8_error is not None and cp1252_error is None:
                # Only needed once UTF-8 failed, but cheap: the file is read once either way.
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = _line_of(chunk, exc.start, lines)
                    cp1252_error = (line, f"byte 0x{chunk[exc.start]:02x}")
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if utf8_error is None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = (lines + 1, "the file ends inside a UTF-8 character")
    if last and last != b"\n":
        lines += 1
    if utf8_error is None:
        label = "UTF-8 with BOM" if bom else "UTF-8"
        return _Source(path, label, "utf-8-sig", lines), None
    if bom:
        return None, (
            utf8_error[0],
            f"starts as UTF-8 (BOM) but is not valid UTF-8: {utf8_error[1]}",
        )
    if cp1252_error is not None:
        return None, (cp1252_error[0], f"neither UTF-8 nor Windows-1252: {cp1252_error[1]}")
    return _Source(path, "Windows-1252", "cp1252", lines), None


def _delimiter(header: str) -> str:
    """Danish Excel writes `;`, everything else `,`: the header line tells which."""
    return ";" if header.count(";") > header.count(",") else ","


def _numbered_rows(source: _Source, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (a quoted value may span lines)."""
    with source.path.open(encoding=source.codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        last = 0
        for values in reader:
            yield last + 1, values
            last = reader.line_num


# --- the import -----------------------------------------------------------------------------


@dataclass
class _Staged:
    spec: FileSpec
    report: FileReport
    present: frozenset[str]  # columns the file has (absent optional ones are left alone)


def find_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """The CRM files in DIR (names matched case-insensitively) and other CSV files found."""
    if not directory.exists():
        raise ImportFailed([f"{directory}: folder not found"])
    if not directory.is_dir():
        raise ImportFailed([f"{directory}: not a folder"])
    found: dict[str, Path] = {}
    ignored: list[str] = []
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        name = path.name.lower()
        if name in FILE_NAMES and name not in found:
            found[name] = path
        elif name.endswith(".csv"):
            ignored.append(path.name)
    if not found:
        raise ImportFailed([f"{directory}: no CRM files found (expected {', '.join(FILE_NAMES)})"])
    return found, ignored


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
    specs = file_specs(tz)
    report = ImportReport(ignored_files=ignored)
    errors = _Errors()

    def tell(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    with _write_transaction(db) as conn:
        for table in _stage_md.sorted_tables:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table.name}")
            table.create(conn)
        staged: dict[str, _Staged] = {}
        for name in FILE_NAMES:
            if name in files:
                result = _stage_file(conn, specs[name], files[name], errors, tell)
                if result is not None:
                    staged[name] = result
                    report.files.append(result.report)
        tell("checking", 0, 1)
        for ddl in STAGE_INDEXES:
            conn.exec_driver_sql(ddl)
        if conn.dialect.name == "postgresql":
            for table in _stage_md.sorted_tables:
                conn.exec_driver_sql(f"ANALYZE {table.name}")
        _check_duplicates(conn, staged, errors)
        _check_references(conn, staged, errors)
        tell("checking", 1, 1)
        if errors:
            raise errors.failure()  # leaving the block rolls everything back
        report.warnings += _closed_before_created(conn, staged, tz)
        try:
            _merge_all(conn, staged, report, tell)
        except IntegrityError as exc:
            # Only possible when another program changed the referenced rows meanwhile.
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ImportFailed([f"the database changed during the import: {first}"]) from exc
        if conn.dialect.name == "sqlite":
            for table in reversed(_stage_md.sorted_tables):
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
    spec: FileSpec,
    path: Path,
    errors: _Errors,
    tell: Callable[[str, int, int], None],
) -> _Staged | None:
    """Parse one file row by row into its stage table; errors are collected, not raised."""
    source, problem = _detect_encoding(path)
    if source is None:
        assert problem is not None
        errors.add(spec, problem[0], "(file)", problem[1])
        return None
    with path.open(encoding=source.codec, newline="") as handle:
        header_line = handle.readline()
    delimiter = _delimiter(header_line)
    report = FileReport(spec.name, source.label, delimiter)
    rows = _numbered_rows(source, delimiter)
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
    staged = _Staged(spec, report, frozenset(positions))

    cells = _cells(conn, spec, positions)
    key_positions = [spec.index(name) for name in spec.key]
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


def _cells(conn: Connection, spec: FileSpec, positions: dict[str, int]) -> list[Cell]:
    """Per column: where it is in the record and how its text becomes a stored value.

    Values are converted with the stage column's own SQLAlchemy bind processor for this
    database, so the stage holds exactly what the real tables store (and comparisons in
    SQL are exact).
    A column the file does not have gives its default (a missing required column is
    reported once, on line 1).
    """
    cells: list[Cell] = []
    for fld in spec.fields:
        # The dialect's own implementation: on SQLite UTCDateTime's writes the canonical text
        # of kpidesk.data.timestamps (the generic type's processor would hand the driver a
        # datetime, which sqlite3 writes without the microseconds).
        processor = (
            spec.stage.c[fld.name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        )
        default = fld.default
        if processor is not None and default is not None:
            default = processor(default)
        position = positions.get(fld.name)
        if position is None:
            cells.append((0, fld.name, lambda _raw, value=default: value))
            continue
        cells.append(
            (position, fld.name, _cell(fld, processor, default)),
        )
    return cells


def _cell(fld: Field, processor: Callable[[Any], Any] | None, default: Any) -> Callable[[str], Any]:
    """One column's text to its stored value; raises ValueError with the user's message."""
    parse, required, cached = fld.parse, fld.value_required, fld.cached
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


# --- checks across rows and files -----------------------------------------------------------


def _key_columns(stage: Table, spec: FileSpec) -> list[Column[Any]]:
    return [stage.c[name] for name in spec.key]


def _check_duplicates(conn: Connection, staged: dict[str, _Staged], errors: _Errors) -> None:
    """A key twice in one file: every repetition is an error naming the first line."""
    for item in staged.values():
        keys = _key_columns(item.spec.stage, item.spec)
        dupes = select(*keys).group_by(*keys).having(func.count() > 1).subquery("dupes")
        stage = item.spec.stage
        query = (
            select(stage.c.line, *keys)
            .join(dupes, and_(*[stage.c[k.name] == dupes.c[k.name] for k in keys]))
            .order_by(*keys, stage.c.line)
        )
        first_line: dict[tuple[Any, ...], int] = {}
        for line, *key in conn.execute(query):
            key_tuple = tuple(key)
            if key_tuple not in first_line:
                first_line[key_tuple] = line
                continue
            shown = "/".join(str(k) for k in key_tuple)
            first = first_line[key_tuple]
            errors.add(
                item.spec,
                line,
                item.spec.key[-1] if len(key_tuple) > 1 else item.spec.key[0],
                f"duplicate {'+'.join(item.spec.key)} {shown} (first on line {first})",
            )


@dataclass(frozen=True)
class _Reference:
    file: str
    column: str
    target_file: str
    what: str


REFERENCES = (
    _Reference(COMPANIES, "key_account_manager", USERS, "user"),
    _Reference(ACTIVITIES, "company_id", COMPANIES, "company"),
    _Reference(ACTIVITIES, "owner", USERS, "user"),
    _Reference(PARTICIPANTS, "activity_id", ACTIVITIES, "activity"),
    _Reference(PARTICIPANTS, "login", USERS, "user"),
    _Reference(OPPORTUNITIES, "company_id", COMPANIES, "company"),
    _Reference(OPPORTUNITIES, "owner", USERS, "user"),
)

# Where a referenced key is stored: the real table's key column and the stage's.
_TARGET_KEYS: dict[str, tuple[ColumnElement[Any], ColumnElement[Any]]] = {
    USERS: (User.__table__.c.login, STAGE_USERS.c.login),
    COMPANIES: (Company.__table__.c.id, STAGE_COMPANIES.c.id),
    ACTIVITIES: (Activity.__table__.c.id, STAGE_ACTIVITIES.c.id),
}


def _check_references(conn: Connection, staged: dict[str, _Staged], errors: _Errors) -> None:
    """Every login, company and activity referred to must be in the export or the database."""
    for ref in REFERENCES:
        item = staged.get(ref.file)
        if item is None or ref.column not in item.present:
            continue
        stage = item.spec.stage
        value = stage.c[ref.column]
        stored, in_export = _TARGET_KEYS[ref.target_file]
        query = (
            select(stage.c.line, value)
            .where(
                value.is_not(None),
                ~exists().where(stored == value),
                ~exists().where(in_export == value),
            )
            .order_by(stage.c.line)
        )
        for line, missing in conn.execute(query):
            errors.add(
                item.spec,
                line,
                ref.column,
                f"unknown {ref.what} {missing!r} "
                f"(neither in {ref.target_file} nor in the database)",
            )


# --- records closed before they were created (issue 9) --------------------------------------

BACKDATED_SHOWN = 5  # lines named in the warning; the rest are counted

# File, stage table, when it was created, when it was closed (done or cancelled).
_BACKDATED = (
    (ACTIVITIES, STAGE_ACTIVITIES, "created_at", "completed_at"),
    (OPPORTUNITIES, STAGE_OPPORTUNITIES, "created_at", "closed_at"),
)


def _closed_before_created(conn: Connection, staged: dict[str, _Staged], tz: ZoneInfo) -> list[str]:
    """Warn about rows closed before they were created, and count them as created when closed.

    Real CRMs hold such rows (back-dated deals, demo data). Their history is only consistent
    one way: the record existed from the earlier of the two moments. The staged rows are
    corrected before the merge, so the stored `created_at` is that earlier moment.
    """
    warnings: list[str] = []
    for name, stage, created_name, closed_name in _BACKDATED:
        item = staged.get(name)
        if item is None or not {created_name, closed_name} <= item.present:
            continue
        created, closed = stage.c[created_name], stage.c[closed_name]
        backdated = and_(closed.is_not(None), created.is_not(None), closed < created)
        count = int(conn.scalar(select(func.count()).select_from(stage).where(backdated)) or 0)
        if not count:
            continue
        first = conn.execute(
            select(stage.c.line, created, closed)
            .where(backdated)
            .order_by(stage.c.line)
            .limit(BACKDATED_SHOWN)
        ).all()
        more = f" (first {len(first)} shown)" if count > len(first) else ""
        warnings.append(
            f"warning: {name}: {count} row{'s' if count != 1 else ''} with {closed_name} before "
            f"{created_name}, counted as created at {closed_name}{more}:"
        )
        warnings += [
            f"  {name}:{line}: {closed_name} {_local(when, tz)} is before "
            f"{created_name} {_local(made, tz)}"
            for line, made, when in first
        ]
        conn.execute(update(stage).where(backdated).values({created_name: closed}))
    return warnings


def _local(value: Any, tz: ZoneInfo) -> str:
    """A staged date-time as the user wrote it: local time in the installation's zone."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return str(value.astimezone(tz).strftime("%Y-%m-%d %H:%M"))


# --- writing --------------------------------------------------------------------------------


def _merge_all(
    conn: Connection,
    staged: dict[str, _Staged],
    report: ImportReport,
    tell: Callable[[str, int, int], None],
) -> None:
    steps = [name for name in FILE_NAMES if name in staged]
    for done, name in enumerate(steps):
        tell("writing", done, len(steps))
        item = staged[name]
        if name == USERS:
            report.profiles_created = _create_profiles(conn)
            _merge_users(conn, item)
            continue
        merge, table, stage, key = {
            COMPANIES: (_merge_companies, Company.__table__, STAGE_COMPANIES, "id"),
            ACTIVITIES: (_merge_activities, Activity.__table__, STAGE_ACTIVITIES, "id"),
            PARTICIPANTS: (
                _merge_participants,
                ActivityParticipant.__table__,
                STAGE_PARTICIPANTS,
                "activity_id",
            ),
            OPPORTUNITIES: (_merge_opportunities, Opportunity.__table__, STAGE_OPPORTUNITIES, "id"),
        }[name]
        # Rows whose key the table does not have yet (participants: activities without any).
        new_rows = int(
            conn.scalar(
                select(func.count())
                .select_from(stage)
                .where(~exists().where(table.c[key] == stage.c[key]))
            )
            or 0
        )
        with _bulk_load(conn, table, new_rows):
            merge(conn, item)
    tell("writing", len(steps), len(steps))


@contextmanager
def _bulk_load(conn: Connection, table: Table, new_rows: int) -> Iterator[None]:
    """For a load that at least doubles a table (≥ BULK_ROWS new rows): indexes and key
    checks are built once, after the rows.

    Keeping secondary indexes (and on PostgreSQL the per-row foreign key triggers) up to date
    row by row costs several times the inserts themselves; building them once afterwards is
    one sort per index and one set-based check per key. Both databases run this DDL inside
    the import's transaction, so a failure restores everything. The table is locked
    exclusively until the commit (a big import is an administrator's job, not a daily one).
    """
    if new_rows < BULK_ROWS:
        yield
        return
    existing = int(conn.scalar(select(func.count()).select_from(table)) or 0)
    if new_rows < existing:
        yield
        return
    stored = inspect(conn)
    index_names = {index["name"] for index in stored.get_indexes(table.name)}
    indexes = sorted((index for index in table.indexes if _name(index) in index_names), key=_name)
    constraints: list[Any] = []
    if conn.dialect.name == "postgresql":
        fk_names = {fk["name"] for fk in stored.get_foreign_keys(table.name)}
        constraints = sorted(
            (fk for fk in table.foreign_key_constraints if _name(fk) in fk_names), key=_name
        )
    for constraint in constraints:
        conn.execute(DropConstraint(constraint))
    for index in indexes:
        conn.execute(DropIndex(index))
    yield
    for index in indexes:
        conn.execute(CreateIndex(index))
    for constraint in constraints:
        conn.execute(AddConstraint(constraint))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {table.name}")


def _name(item: Any) -> str:
    """The name an index or constraint has in the database (the naming convention's)."""
    return str(item.name)


def _create_profiles(conn: Connection) -> list[str]:
    """Profiles named in users.csv that do not exist yet, matched by `name_key`.

    `Salg`, `salg` and `SALG` in the export (or in the database) are one profile; the
    stage is then rewritten to the stored spelling so the users' merge can join on it.
    Profiles are few, so they are matched in Python (SQLite's lower() folds ASCII only).
    """
    profiles = Profile.__table__
    stored = {name_key(name): name for name in conn.scalars(select(profiles.c.name))}
    given = conn.scalars(
        select(STAGE_USERS.c.profile)
        .where(STAGE_USERS.c.profile.is_not(None))
        .group_by(STAGE_USERS.c.profile)
        .order_by(func.min(STAGE_USERS.c.line))
    ).all()
    created: list[str] = []
    for name in given:
        key = name_key(name)
        if key not in stored:
            stored[key] = name
            created.append(name)
    if created:
        conn.execute(insert(profiles), [{"name": name} for name in created])
    for name in given:
        if stored[name_key(name)] != name:
            conn.execute(
                update(STAGE_USERS)
                .where(STAGE_USERS.c.profile == name)
                .values(profile=stored[name_key(name)])
            )
    return sorted(created)


def _upsert(
    conn: Connection,
    item: _Staged,
    target: Table,
    key: str,
    source: Any,
    always: Sequence[str],
    optional: Sequence[str],
) -> None:
    """Update changed rows and insert new ones from `source` (a subquery of the stage).

    Optional columns the file does not have are left as stored on update and take their
    defaults (already in the stage) on insert.
    """
    compared = [*always, *(name for name in optional if _column_of(name) in item.present)]
    changed = or_(*[target.c[name].is_distinct_from(source.c[name]) for name in compared])
    updated = _changed(
        conn,
        update(target)
        .where(target.c[key] == source.c[key], changed)
        .values({name: source.c[name] for name in compared}),
    )
    columns = [key, *always, *optional]
    inserted = _changed(
        conn,
        insert(target).from_select(
            columns,
            select(*[source.c[name] for name in columns]).where(
                ~exists().where(target.c[key] == source.c[key])
            ),
        ),
    )
    report = item.report
    report.inserted = inserted
    report.updated = updated
    report.unchanged = report.rows - report.inserted - report.updated


def _changed(conn: Connection, statement: Executable) -> int:
    """Rows written by one statement (kept by SQLAlchemy only when asked for)."""
    result = conn.execute(statement, execution_options={"preserve_rowcount": True})
    return max(int(result.rowcount), 0)  # type: ignore[attr-defined]


def _column_of(target_column: str) -> str:
    """The CSV column behind a target column (ids resolved from logins and names)."""
    return {
        "profile_id": "profile",
        "key_account_manager_id": "key_account_manager",
        "owner_id": "owner",
    }.get(target_column, target_column)


def _merge_users(conn: Connection, item: _Staged) -> None:
    """Upsert users; refuse an import after which no administrator could log in any more."""
    users, profiles, stage = User.__table__, Profile.__table__, STAGE_USERS
    stored = users.alias("stored")
    could_log_in = _admins_who_can_log_in(conn)
    source = (
        select(
            stage.c.login,
            stage.c.name,
            stage.c.email,
            func.coalesce(stage.c.role, stored.c.role, "user").label("role"),
            func.coalesce(stage.c.active, stored.c.active, true()).label("active"),
            profiles.c.id.label("profile_id"),
        )
        .outerjoin(profiles, profiles.c.name == stage.c.profile)
        .outerjoin(stored, stored.c.login == stage.c.login)
        .subquery("src")
    )
    _upsert(conn, item, users, "login", source, ("name", "email"), ("role", "active", "profile_id"))
    if could_log_in and not _admins_who_can_log_in(conn):
        raise ImportFailed([
            f"{USERS}: this import would leave no active administrator who can log in "
            f"({', '.join(could_log_in)} would be demoted or deactivated); keep at least one "
            "row with role admin and active true"
        ])  # fmt: skip


def _admins_who_can_log_in(conn: Connection) -> list[str]:
    users = User.__table__
    return list(
        conn.scalars(
            select(users.c.login)
            .where(
                users.c.role == "admin",
                users.c.active.is_(True),
                users.c.password_hash.is_not(None),
            )
            .order_by(users.c.login)
            .limit(5)
        )
    )


def _merge_companies(conn: Connection, item: _Staged) -> None:
    companies, users, stage = Company.__table__, User.__table__, STAGE_COMPANIES
    source = (
        select(
            stage.c.id,
            stage.c.name,
            stage.c.is_customer,
            users.c.id.label("key_account_manager_id"),
        )
        .outerjoin(users, users.c.login == stage.c.key_account_manager)
        .subquery("src")
    )
    _upsert(
        conn, item, companies, "id", source, ("name", "is_customer"), ("key_account_manager_id",)
    )


def _merge_activities(conn: Connection, item: _Staged) -> None:
    activities, users, stage = Activity.__table__, User.__table__, STAGE_ACTIVITIES
    source = (
        select(
            stage.c.id,
            stage.c.type,
            stage.c.status,
            stage.c.start_at,
            stage.c.end_at,
            stage.c.company_id,
            users.c.id.label("owner_id"),
            stage.c.created_at,
            stage.c.completed_at,
        )
        .outerjoin(users, users.c.login == stage.c.owner)
        .subquery("src")
    )
    _upsert(
        conn,
        item,
        activities,
        "id",
        source,
        ("type", "status", "start_at"),
        ("end_at", "company_id", "owner_id", "created_at", "completed_at"),
    )


def _merge_opportunities(conn: Connection, item: _Staged) -> None:
    opportunities, users, stage = Opportunity.__table__, User.__table__, STAGE_OPPORTUNITIES
    source = (
        select(
            stage.c.id,
            stage.c.name,
            stage.c.company_id,
            users.c.id.label("owner_id"),
            stage.c.amount,
            stage.c.stage,
            stage.c.created_at,
            stage.c.expected_close,
            stage.c.closed_at,
        )
        .outerjoin(users, users.c.login == stage.c.owner)
        .subquery("src")
    )
    _upsert(
        conn,
        item,
        opportunities,
        "id",
        source,
        ("name", "company_id", "owner_id", "amount", "stage", "created_at", "expected_close"),
        ("closed_at",),
    )


def _merge_participants(conn: Connection, item: _Staged) -> None:
    """The file's participants of each activity it mentions replace the stored ones."""
    participants, users, stage = ActivityParticipant.__table__, User.__table__, STAGE_PARTICIPANTS
    source = (
        select(stage.c.activity_id, users.c.id.label("user_id"))
        .join(users, users.c.login == stage.c.login)
        .subquery("src")
    )
    removed = _changed(
        conn,
        delete(participants).where(
            participants.c.activity_id.in_(select(stage.c.activity_id)),
            ~exists().where(
                source.c.activity_id == participants.c.activity_id,
                source.c.user_id == participants.c.user_id,
            ),
        ),
    )
    inserted = _changed(
        conn,
        insert(participants).from_select(
            ["activity_id", "user_id"],
            select(source.c.activity_id, source.c.user_id).where(
                ~exists().where(
                    participants.c.activity_id == source.c.activity_id,
                    participants.c.user_id == source.c.user_id,
                )
            ),
        ),
    )
    report = item.report
    report.removed = removed
    report.inserted = inserted
    report.updated = 0
    report.unchanged = report.rows - report.inserted


def crm_row_counts(db: Database) -> dict[str, int]:
    """How many users, companies and activities the database holds (the demo's guard)."""
    with db.connect() as conn:
        return {
            table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (User.__table__, Company.__table__, Activity.__table__)
        }


__all__ = [
    "FILE_NAMES",
    "FileReport",
    "ImportFailed",
    "ImportProgress",
    "ImportReport",
    "crm_row_counts",
    "file_specs",
    "find_files",
    "import_crm",
]
