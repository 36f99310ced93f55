"""What an import tells its user: per-file counts, and the errors that stopped it."""

from __future__ import annotations

from dataclasses import dataclass, field

from kpidesk.data.crm_import.entities import FILE_NAMES, PARTICIPANTS, Entity

MAX_ERRORS = 100_000  # errors kept (and printed); more are only counted


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
        return out


class Errors:
    """Errors as (file order, line, column order, text), sorted into file:line order at the end."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, int, str]] = []
        self.omitted = 0

    def add(self, spec: Entity, line: int, column: str, message: str) -> None:
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
