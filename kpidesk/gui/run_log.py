"""The run log for administrators: the "Kørsler" tab of the setup dialog.

The rows are loaded on a worker thread through the services and shown by a Qt table model; the
log reloads itself whenever a run finishes, so a nightly or "Beregn nu" run appears at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QColor, QGuiApplication
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
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.table_model import ALIGN_RIGHT, Column, TableModel
from kpidesk.services.runs import RunLogRow

DEFAULT_LIMIT = 200


def format_duration(duration: dt.timedelta | None) -> str:
    """`0:42`, `12:05`, `1:02:03`; empty while running."""
    if duration is None:
        return ""
    seconds = max(0, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class RunLogModel(TableModel[RunLogRow]):
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
        self._locale = locale = formatting.locale_for(language)
        self._language = language
        self._tz: ZoneInfo | None = None  # the installation's: the data's words need it

        def status_colour(run: RunLogRow) -> QColor:
            level = {"success": "green", "failed": "red", "running": "amber"}.get(run.status)
            return formatting.level_colour(level, QGuiApplication.palette())  # follows dark mode

        self.set_columns([
            Column(self.tr("Date"), lambda r: formatting.format_date(r.date, locale),
                   sort=lambda r: r.date),
            Column(self.tr("Started"), lambda r: formatting.format_datetime(r.started, locale),
                   sort=lambda r: r.started),
            Column(self.tr("Duration"), lambda r: format_duration(r.duration),
                   sort=lambda r: r.duration, align=ALIGN_RIGHT),
            Column(self.tr("Users"), lambda r: locale.toString(r.users), sort=lambda r: r.users,
                   align=ALIGN_RIGHT),
            Column(self.tr("Rules"), lambda r: locale.toString(r.rules), sort=lambda r: r.rules,
                   align=ALIGN_RIGHT),
            Column(self.tr("Results"), lambda r: locale.toString(r.results),
                   sort=lambda r: r.results, align=ALIGN_RIGHT),
            Column(self.tr("Status"), lambda r: self.status_text(r.status),
                   foreground=status_colour),
            Column(self.tr("Error"), lambda r: (r.error or "").splitlines()[0] if r.error else "",
                   tooltip=lambda r: r.error or None),
            Column(self.tr("CRM data"), self.data_text,
                   tooltip=lambda r: self.data_text(r) if r.data else None),
            Column(self.tr("Trigger"), lambda r: self.trigger_text(r.trigger)),
            Column(self.tr("Host"), lambda r: r.host),
        ])  # fmt: skip

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

    def set_rows(self, rows: Sequence[RunLogRow], tz: ZoneInfo | None = None) -> None:  # type: ignore[override]
        """The runs, and the installation's time zone their data lines are said in."""
        self._tz = tz or self._tz
        super().set_rows(rows)

    def data_text(self, run: RunLogRow) -> str:
        """The run's line about its CRM data, in the app's language as seen at the run."""
        if run.data_state is not None and self._tz is not None:
            return run.data_state.words(run.started, self._tz, self._language)
        return run.data or ""  # older runs: in Danish as the run stored it


class RunLogWidget(QWidget):
    """A table of the run log with a reload button; loads off the GUI thread."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__(parent)
        self.setObjectName("runLogWidget")
        self.ctx = ctx
        self.limit = limit
        self.loader = Loader(self)
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

    @property
    def loading(self) -> bool:
        return self.loader.busy

    @Slot()
    def reload(self) -> None:
        """Load the log in the background; a reload asked for meanwhile makes the first stale."""
        self.status.setText(self.tr("Loading the run log…"))
        desk, limit = self.ctx.desk, self.limit

        def fetch() -> tuple[list[RunLogRow], ZoneInfo]:
            return desk.runs.log(limit), desk.timezone()

        self.loader.run(fetch, self._loaded, self._failed)

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

    def _failed(self, failure: Failure) -> None:
        self.status.setText(self.tr("Could not load the run log: %1").replace("%1", failure.text))
