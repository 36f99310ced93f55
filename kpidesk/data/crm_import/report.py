"""What an import tells its user: per-file counts, and the errors that stopped it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kpidesk.data.crm_import.entities import FILE_NAMES, PARTICIPANTS, Entity

MAX_ERRORS = 100_000  # errors kept (and printed); more are only counted
SHOWN_PER_KIND = 5  # errors of one kind in one column listed; the rest in one summary line
SUMMARY_MARK = " more like this "
_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


class ImportFailed(Exception):
    """The export has errors; nothing was written. `errors` holds `file:line: column: message`."""

    def __init__(self, errors: list[str], omitted: int = 0, summarised: int = 0) -> None:
        self.errors = errors
        self.omitted = omitted  # errors beyond MAX_ERRORS, counted but not kept
        self.summarised = summarised  # repeats of one kind, counted in one line each
        self.notes: list[str] = []  # not errors, but worth saying (entries of DIR not read)
        count = self.total = _total(errors, omitted, summarised)
        notes = []
        if summarised:
            notes.append(f"{summarised} summarised")
        if omitted:
            notes.append(f"{omitted} not listed")
        more = f" ({', '.join(notes)})" if notes else ""
        super().__init__(
            f"import aborted, nothing was changed: {count} error{'s' if count != 1 else ''}{more}"
        )


def _total(errors: list[str], omitted: int, summarised: int) -> int:
    """Every error counted once: listed ones (not the summary lines), summarised, omitted."""
    summaries = sum(1 for error in errors if SUMMARY_MARK in error)
    return len(errors) - summaries + omitted + summarised


@dataclass
class FileReport:
    """What one kpidesk file (from one or more source files) did to the database."""

    name: str
    encoding: str
    delimiter: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # participants only: stored participants no longer in the export
    ignored_columns: tuple[str, ...] = ()
    sources: list[str] = field(default_factory=list)  # with a mapping: the files read
    left_out: dict[str, int] = field(default_factory=dict)  # rows left out, per reason
    preview: list[str] = field(default_factory=list)  # --check: the first rows as stored

    def summary(self) -> str:
        origin = f" from {', '.join(self.sources)}" if self.sources else ""
        read = f" ({self.encoding}, '{self.delimiter}')" if self.encoding else ""
        text = (
            f"{self.name}{origin}: {self.rows} rows{read}: "
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
    missing_files: list[str] = field(default_factory=list)  # mapping sources not found
    not_read: list[str] = field(default_factory=list)  # folders and links out of DIR, why
    warnings: list[str] = field(default_factory=list)  # imported anyway, but worth a look
    mapping: str = "kpidesk"
    checked_only: bool = False  # --check: nothing was written
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
            for reason, count in report.left_out.items():
                out.append(f"{report.name}: {count} rows left out ({reason})")
        if self.profiles_created:
            out.append(f"profiles created: {', '.join(self.profiles_created)}")
        if self.ignored_files:
            out.append(f"ignored files (not CRM files): {', '.join(self.ignored_files)}")
        for missing in self.missing_files:
            out.append(f"not found: {missing}")
        out.extend(f"not read: {reason}" for reason in self.not_read)
        out.extend(self.warnings)
        return out

    def check_lines(self) -> list[str]:
        """`--check`: per file how many rows map, and the first rows as they would be stored."""
        out = [f"mapping {self.mapping}: checked, nothing was written"]
        for report in self.files:
            left = sum(report.left_out.values())
            origin = ", ".join(report.sources) or report.name
            out.append(
                f"{report.name} from {origin}: {report.rows - left} of {report.rows} rows map"
                + (f" ({left} left out)" if left else "")
            )
            for reason, count in report.left_out.items():
                out.append(f"  left out: {count} rows ({reason})")
            out.extend(f"  {row}" for row in report.preview)
        for missing in self.missing_files:
            out.append(f"not found: {missing}")
        out.extend(f"not read: {reason}" for reason in self.not_read)
        out.extend(self.warnings)
        return out


@dataclass(frozen=True)
class Place:
    """A source file (or a `sql` source's query) as errors name it, and where its errors sort.

    A query's rows are counted from 1 without a header line; its row 0 is the query itself
    (a column missing from its result).
    """

    label: str
    order: int
    entity: Entity
    query: bool = False

    @property
    def header_line(self) -> int:
        return 0 if self.query else 1

    def at(self, line: int) -> str:
        """`file:12`, or `users query:row 12` (`users query` for the query itself)."""
        if not self.query:
            return f"{self.label}:{line}"
        return f"{self.label}:row {line}" if line else self.label

    def span(self, first: int, last: int) -> str:
        lines = f"{first}-{last}" if last != first else str(first)
        return f"{self.label}:{'rows ' if self.query else ''}{lines}"


@dataclass
class _Repeats:
    """Errors of one kind in one column beyond the first few: counted, one example kept."""

    order: int
    column_order: int
    place: Place
    column: str
    first_line: int
    example: str
    count: int = 0
    last_line: int = 0

    def line(self) -> str:
        advice = _advice(self.example, self.column)
        word = "row" if self.place.query else "line"
        return (
            f"{self.place.span(self.first_line, self.last_line)}: {self.column}: "
            f"{self.count}{SUMMARY_MARK}(e.g. {word} {self.first_line}: {self.example}){advice}"
        )


def _advice(message: str, column: str) -> str:
    """What to do about a repeated error, when there is one clear thing."""
    if message.startswith(("invalid date", "invalid date-time")):
        return f'; set date formats for {column} in the mapping (formats = ["%d-%m-%Y", …])'
    if "amount" in message:
        return "; set the number format (decimal, thousands, currency) in the mapping"
    if message.startswith("unknown value"):
        return f"; map these values of {column} in the mapping (map = {{ … }})"
    if message.startswith("unknown "):
        return "; is the file they are in missing from the folder or the mapping?"
    return ""


class Errors:
    """Errors as (file order, line, column order, text), sorted into file:line order at the end.

    Of one kind of error (the message without its values) in one column of one file, the
    first SHOWN_PER_KIND are listed; the rest become one line with the count, the line range,
    an example and advice. Totals stay exact.
    """

    def __init__(self) -> None:
        self.items: list[tuple[int, int, int, str]] = []
        self.omitted = 0
        self.kinds: dict[tuple[str, str, str], int] = {}
        self.repeats: dict[tuple[str, str, str], _Repeats] = {}

    def add(self, place: Place | Entity, line: int, column: str, message: str) -> None:
        if not isinstance(place, Place):
            place = Place(place.name, FILE_NAMES.index(place.name), place)
        label, order, entity = place.label, place.order, place.entity
        names = entity.field_names()
        column_order = names.index(column) if column in names else -1
        kind = (label, column, _VARYING.sub("…", message))
        seen = self.kinds.get(kind, 0) + 1
        self.kinds[kind] = seen
        if seen > SHOWN_PER_KIND:
            repeats = self.repeats.get(kind)
            if repeats is None:
                repeats = _Repeats(order, column_order, place, column, line, message)
                self.repeats[kind] = repeats
            repeats.count += 1
            repeats.first_line = min(repeats.first_line, line)
            repeats.last_line = max(repeats.last_line, line)
            return
        if len(self.items) >= MAX_ERRORS:
            self.omitted += 1  # an export that wrong has one systematic problem; memory stays flat
            return
        self.items.append((order, line, column_order, f"{place.at(line)}: {column}: {message}"))

    def sorted(self) -> list[str]:
        summaries = [
            (r.order, r.first_line, r.column_order, r.line()) for r in self.repeats.values()
        ]
        return [item[3] for item in sorted([*self.items, *summaries])]

    def __bool__(self) -> bool:
        return bool(self.items) or bool(self.repeats) or bool(self.omitted)

    def failure(self) -> ImportFailed:
        summarised = sum(r.count for r in self.repeats.values())
        return ImportFailed(self.sorted(), self.omitted, summarised)
