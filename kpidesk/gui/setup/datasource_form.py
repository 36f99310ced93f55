"""What the "Datakilde" page shows and saves: the form's values, each kind of data source
with its fields and how it is saved, and the recent imports as a table model.

Each kind of source is a row of `KINDS`, so a new kind is a few lines here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QGuiApplication

from kpidesk.gui import formatting
from kpidesk.gui.context import AppContext
from kpidesk.gui.loader import failure_of, first_line
from kpidesk.gui.table_model import Column, TableModel
from kpidesk.services import source
from kpidesk.services.caller import AccountChanged

IMPORTS_SHOWN = 20
DEFAULT_SETTLE = 60
DEFAULT_TIMEOUT = 300


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


@dataclass(frozen=True)
class SourceState:
    """The stored source (credentials masked), its recent imports and each kind's mapping
    presets, as the dialog's snapshot holds them; `error` if they could not be read."""

    view: source.SourceView | None = None
    imports: tuple[Any, ...] = ()
    presets: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""


def load_source(ctx: AppContext) -> SourceState:
    """Read off the GUI thread with the rest of the setup; a source that cannot be read says
    why on its own page and leaves the other pages working."""
    desk = ctx.desk
    try:
        view = desk.source.show()
        imports = desk.source.recent_imports(IMPORTS_SHOWN)
    except AccountChanged:
        raise  # every window must hear of it
    except Exception as exc:  # noqa: BLE001 - said on the page, in one line
        return SourceState(error=failure_of(exc).text)
    presets = {kind.key: source.mapping_presets(kind.key) for kind in KINDS if kind.fields}
    return SourceState(view, tuple(imports), presets)


class ImportsModel(TableModel[Any]):
    """The recent imports: when, how it went, rows per file, the first error."""

    COL_TIME = 0
    COL_STATUS = 1
    COL_ROWS = 2
    COL_ERROR = 3

    def __init__(self, language: str = "da", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale = formatting.locale_for(language)

        def status_colour(item: Any) -> QColor:
            level = {"success": "green", "failed": "red"}.get(item.status)
            return formatting.level_colour(level, QGuiApplication.palette())

        self.set_columns([
            Column(self.tr("Time"), lambda i: formatting.format_datetime(i.started_at, locale),
                   sort=lambda i: i.started_at, tooltip=lambda i: i.source),
            Column(self.tr("Status"), lambda i: self.status_text(i.status),
                   foreground=status_colour),
            Column(self.tr("Rows per file"), lambda i: self.rows_text(i.rows),
                   tooltip=lambda i: "\n".join(f"{name}: {count}"
                                                for name, count in i.rows.items()) or None),
            Column(self.tr("Error"), lambda i: first_line(i.error or ""),
                   tooltip=lambda i: i.error or None),
        ])  # fmt: skip

    def status_text(self, status: str) -> str:
        return {"success": self.tr("Imported"), "failed": self.tr("Failed")}.get(status, status)

    def rows_text(self, rows: dict[str, int]) -> str:
        return ", ".join(f"{name} {self._locale.toString(count)}" for name, count in rows.items())
