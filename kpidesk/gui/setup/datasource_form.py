"""What the "Datakilde" page shows and saves: the form's values, each kind of data source
with its fields and how it is saved, and the recent imports as a table model.

Each kind of source is a row of `KINDS`, so a new kind is a few lines here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from kpidesk.gui import formatting
from kpidesk.gui.context import AppContext
from kpidesk.services import source

ModelIndex = QModelIndex | QPersistentModelIndex
IMPORTS_SHOWN = 20
DEFAULT_SETTLE = 60
DEFAULT_TIMEOUT = 300


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else ""


def problems_of(exc: BaseException) -> list[str]:
    """One line per problem: `SourceError.problems`, else the exception's first line."""
    problems = getattr(exc, "problems", None)
    if problems:
        return [str(problem) for problem in problems]
    return [_first_line(str(exc)) or type(exc).__name__]


@dataclass(frozen=True)
class SourceForm:
    """What the form holds, as the services take it."""

    kind: str
    path: str = ""
    url: str = ""
    password: str = ""  # sql: typed here to replace the stored one (never shown)
    mapping: str = source.BUILTIN_MAPPING
    marker: str = ""
    settle_seconds: int = DEFAULT_SETTLE
    timeout_seconds: int = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Kind:
    """A kind of data source: its name, the form fields it uses and how it is saved."""

    key: str
    fields: tuple[str, ...]  # of "path", "url", "password", "mapping", "marker", "settle", …
    save: Callable[[AppContext, SourceForm], list[str]]  # returns warnings


def _save_none(ctx: AppContext, _form: SourceForm) -> list[str]:
    ctx.desk.source.set_none()
    return []


def _save_folder(ctx: AppContext, form: SourceForm) -> list[str]:
    return ctx.desk.source.set_folder(form.path, form.mapping, form.marker, form.settle_seconds)


def _save_sql(ctx: AppContext, form: SourceForm) -> list[str]:
    # The URL as shown keeps the stored password (`user:***@`); a typed one replaces it.
    url = source.url_with_password(form.url, form.password) if form.password else form.url
    return ctx.desk.source.set_sql(url, form.mapping, form.timeout_seconds)


KINDS: tuple[Kind, ...] = (
    Kind("none", (), _save_none),
    Kind("folder", ("path", "mapping", "marker", "settle"), _save_folder),
    Kind("sql", ("url", "password", "mapping", "timeout"), _save_sql),
)


def load_source(ctx: AppContext) -> tuple[Any, list[Any], dict[str, list[str]]]:
    """The source (credentials masked), its recent imports and each kind's mapping presets."""
    desk = ctx.desk
    view = desk.source.show()
    imports = desk.source.recent_imports(IMPORTS_SHOWN)
    presets = {kind.key: source.mapping_presets(kind.key) for kind in KINDS if kind.fields}
    return view, imports, presets


class ImportsModel(QAbstractTableModel):
    """The recent imports: when, how it went, rows per file, the first error."""

    COL_TIME = 0
    COL_STATUS = 1
    COL_ROWS = 2
    COL_ERROR = 3
    COLUMNS = 4

    def __init__(self, language: str = "da", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._locale = formatting.locale_for(language)

    def headers(self) -> list[str]:
        return [self.tr("Time"), self.tr("Status"), self.tr("Rows per file"), self.tr("Error")]

    def status_text(self, status: str) -> str:
        return {"success": self.tr("Imported"), "failed": self.tr("Failed")}.get(status, status)

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < self.COLUMNS:
                return self.headers()[section]
        return None

    def rows_text(self, rows: dict[str, int]) -> str:
        return ", ".join(f"{name} {self._locale.toString(count)}" for name, count in rows.items())

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_TIME:
                return formatting.format_datetime(item.started_at, self._locale)
            if column == self.COL_STATUS:
                return self.status_text(item.status)
            if column == self.COL_ROWS:
                return self.rows_text(item.rows)
            return _first_line(item.error or "")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_ERROR and item.error:
                return item.error
            if column == self.COL_ROWS and item.rows:
                return "\n".join(f"{name}: {count}" for name, count in item.rows.items())
            if column == self.COL_TIME:
                return item.source
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            level = {"success": "green", "failed": "red"}.get(item.status)
            return formatting.level_colour(level, QGuiApplication.palette())
        return None
