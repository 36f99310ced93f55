"""The run log for administrators: the "Kørsler" tab of the setup dialog.

The rows are loaded on a worker thread through the services and shown by a Qt table model; the
log reloads itself whenever a run finishes, so a nightly or "Beregn nu" run appears at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui import formatting
from kpidesk.gui.context import AppContext
from kpidesk.gui.runner import run_in_background
from kpidesk.services.runs import RunLogRow

ModelIndex = QModelIndex | QPersistentModelIndex
DEFAULT_LIMIT = 200


def format_duration(duration: dt.timedelta | None) -> str:
    """`0:42`, `12:05`, `1:02:03`; empty while running."""
    if duration is None:
        return ""
    seconds = max(0, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class RunLogModel(QAbstractTableModel):
    """The run log as a table: one row per run, newest first."""

    COL_DATE = 0
    COL_STARTED = 1
    COL_DURATION = 2
    COL_USERS = 3
    COL_RULES = 4
    COL_RESULTS = 5
    COL_STATUS = 6
    COL_ERROR = 7
    COL_DATA = 8
    COL_TRIGGER = 9
    COL_HOST = 10
    COLUMNS = 11

    def __init__(self, language: str = "da", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RunLogRow] = []
        self._locale = formatting.locale_for(language)
        self._language = language
        self._tz: ZoneInfo | None = None  # the installation's: the data's words need it

    def headers(self) -> list[str]:
        return [
            self.tr("Date"),
            self.tr("Started"),
            self.tr("Duration"),
            self.tr("Users"),
            self.tr("Rules"),
            self.tr("Results"),
            self.tr("Status"),
            self.tr("Error"),
            self.tr("CRM data"),
            self.tr("Trigger"),
            self.tr("Host"),
        ]

    def status_text(self, status: str) -> str:
        return {
            "success": self.tr("Succeeded"),
            "failed": self.tr("Failed"),
            "running": self.tr("Running"),
        }.get(status, status)

    def trigger_text(self, trigger: str) -> str:
        return {
            "nightly": self.tr("Nightly"),
            "catchup": self.tr("Catch-up"),
            "retry": self.tr("Retry"),
            "manual": self.tr("Manual"),
            "backfill": self.tr("Backfill"),
        }.get(trigger, trigger)

    def set_rows(self, rows: list[RunLogRow], tz: ZoneInfo | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._tz = tz or self._tz
        self.endResetModel()

    def data_text(self, run: RunLogRow) -> str:
        """The run's line about its CRM data, in the app's language as seen at the run."""
        if run.data_state is not None and self._tz is not None:
            return run.data_state.words(run.started, self._tz, self._language)
        return run.data or ""  # older runs: in Danish as the run stored it

    def row_at(self, row: int) -> RunLogRow:
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

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        run = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(run, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_ERROR and run.error:
            return run.error
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_DATA and run.data:
            return self.data_text(run)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.COL_DURATION, self.COL_USERS, self.COL_RULES, self.COL_RESULTS,
        ):  # fmt: skip
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            level = {"success": "green", "failed": "red", "running": "amber"}.get(run.status)
            return formatting.level_colour(level, QGuiApplication.palette())  # follows dark mode
        if role == Qt.ItemDataRole.UserRole:
            return run.id
        return None

    def _display(self, run: RunLogRow, column: int) -> str:
        if column == self.COL_DATE:
            return formatting.format_date(run.date, self._locale)
        if column == self.COL_STARTED:
            return formatting.format_datetime(run.started, self._locale)
        if column == self.COL_DURATION:
            return format_duration(run.duration)
        if column == self.COL_USERS:
            return self._locale.toString(run.users)
        if column == self.COL_RULES:
            return self._locale.toString(run.rules)
        if column == self.COL_RESULTS:
            return self._locale.toString(run.results)
        if column == self.COL_STATUS:
            return self.status_text(run.status)
        if column == self.COL_ERROR:
            return (run.error or "").splitlines()[0] if run.error else ""
        if column == self.COL_DATA:
            return self.data_text(run)
        if column == self.COL_TRIGGER:
            return self.trigger_text(run.trigger)
        return run.host


class RunLogWidget(QWidget):
    """A table of the run log with a reload button; loads off the GUI thread."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__(parent)
        self.setObjectName("runLogWidget")
        self.ctx = ctx
        self.limit = limit
        self.loading = False
        self._reload_again = False
        self.model = RunLogModel(ctx.language, self)

        self.table = QTableView(self)
        self.table.setObjectName("runLogTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The two long texts share the free width; their tooltips hold the whole text.
        header.setSectionResizeMode(RunLogModel.COL_ERROR, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RunLogModel.COL_DATA, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Run log"))

        self.status = QLabel(self)
        self.status.setObjectName("runLogStatus")
        self.status.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("&Reload"), self)
        self.reload_button.setObjectName("runLogReload")
        self.reload_button.clicked.connect(self.reload)

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        ctx.events.runFinished.connect(self._on_run_finished)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Load the log in the background; a reload asked for meanwhile follows it."""
        if self.loading:
            self._reload_again = True
            return
        self.loading = True
        self.status.setText(self.tr("Loading the run log…"))
        desk, limit = self.ctx.desk, self.limit

        def fetch() -> tuple[list[RunLogRow], ZoneInfo]:
            return desk.runs.log(limit), desk.timezone()

        run_in_background(self, fetch, self._loaded, self._failed)

    @Slot(object)
    def _on_run_finished(self, _summary: object) -> None:
        self.reload()

    def _loaded(self, result: tuple[list[RunLogRow], ZoneInfo]) -> None:
        rows, tz = result
        self.model.set_rows(rows, tz)
        if not rows:
            self.status.setText(self.tr("No KPI runs yet. The first runs tonight, or now."))
        else:
            failed = sum(1 for row in rows if row.status == "failed")
            self.status.setText(
                self.tr("%n run(s)", "", len(rows))
                + (self.tr(", %n failed", "", failed) if failed else "")
            )
        self._done_loading()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Could not load the run log: %1").replace("%1", str(exc)))
        self._done_loading()

    def _done_loading(self) -> None:
        self.loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
