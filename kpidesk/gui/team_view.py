"""The team view (administrators): users × rules with scores as a coloured table, filter by
profile, export to CSV. Read off the GUI thread from the latest successful run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMargins, QSize, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import format_date, level_colour, locale_for
from kpidesk.gui.geometry import grow_to_content, open_at_size
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.setup_models import TeamModel
from kpidesk.gui.table_model import RowFilterProxy
from kpidesk.gui.widgets import TwoLineHeader, enter_is_not_close

if TYPE_CHECKING:
    from kpidesk.services.people import ProfileInfo
    from kpidesk.services.team import TeamScores


class TeamViewDialog(QDialog):
    """Scores of every user of a profile (or all) for every active rule."""

    loaded = Signal()  # scores (or a refusal) arrived
    exported = Signal(str)  # path of a finished CSV export

    ALL = 0

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamViewDialog")
        self.setWindowTitle(self.tr("Team view"))
        self.ctx = ctx
        self.locale = locale_for(ctx.language)
        self.loader = Loader(self)  # the scores
        self.profilesLoader = Loader(self)
        self.exporter = Loader(self)

        self.filter = QComboBox(self)
        self.filter.setObjectName("teamProfileFilter")
        self.filter.addItem(self.tr("All profiles"), self.ALL)
        filter_label = QLabel(self.tr("&Profile:"), self)
        filter_label.setBuddy(self.filter)
        self.header = QLabel(self.tr("Loading the team's scores…"), self)
        self.header.setObjectName("teamHeader")
        self.header.setWordWrap(True)
        self.model = TeamModel(self.locale, ctx.language, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("teamTable")
        # A column per rule: long rule names take two lines rather than the screen's width.
        self.table.setHorizontalHeader(TwoLineHeader(self.table))
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._grow_to_table)
        self.proxy: RowFilterProxy[Any] = RowFilterProxy(self.model, self)  # the model sorts
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # as the service orders them
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.legend = QLabel(self._legend_text(), self)
        self.legend.setObjectName("teamLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel(self)
        self.message.setObjectName("teamMessage")
        self.message.setWordWrap(True)

        self.exportButton = QPushButton(self.tr("&Export CSV…"), self)
        self.exportButton.setObjectName("exportCsvButton")
        self.exportButton.setEnabled(False)
        self.exportButton.clicked.connect(self.choose_export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self.legend)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.exportButton)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.choose_export)

        enter_is_not_close(self)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        ctx.events.runFinished.connect(self._refresh)
        ctx.events.setupChanged.connect(self._refresh)
        metrics = self.fontMetrics()
        open_at_size(self, "teamView",
                     QSize(metrics.horizontalAdvance("M") * 70, metrics.height() * 34))  # fmt: skip
        self._load_profiles()
        self.reload()

    def _legend_text(self) -> str:
        palette = self.palette()
        parts = []
        for level, words in (("green", self.tr("at target")), ("amber", self.tr("50–99 %")),
                             ("red", self.tr("below 50 %"))):  # fmt: skip
            colour = level_colour(level, palette).name()
            parts.append(f"<span style='color:{colour}'>■</span> {words}")
        return "&nbsp;&nbsp;".join(parts)

    def _load_profiles(self) -> None:
        desk = self.ctx.desk
        self.profilesLoader.run(desk.people.profiles, self._profiles_loaded)

    def _profiles_loaded(self, profiles: list[ProfileInfo]) -> None:
        self.filter.blockSignals(True)
        for profile in profiles:
            self.filter.addItem(profile.name, profile.id)
        self.filter.blockSignals(False)

    @Slot(object)
    def _refresh(self, *_args: object) -> None:
        self.reload()

    @property
    def loading(self) -> bool:
        return self.loader.busy

    def reload(self) -> None:
        """Read the scores for the chosen profile; an older answer still under way is dropped."""
        desk = self.ctx.desk
        profile_id = self.filter.currentData() or None
        self.loader.run(lambda: desk.team.scores(profile_id), self._loaded, self._failed)

    def _loaded(self, scores: TeamScores) -> None:
        self.model.set_scores(scores)
        if scores.run_date is None:
            self.header.setText(self.tr("No KPIs have been calculated yet."))
        else:
            self.header.setText(
                (
                    self.tr("Scores of 1 user as of %1")
                    if len(scores.rows) == 1
                    else self.tr("Scores of %2 users as of %1").replace("%2", str(len(scores.rows)))
                ).replace("%1", format_date(scores.run_date, self.locale, long=True))
            )
        self.exportButton.setEnabled(bool(scores.rows))
        self._grow_to_table()
        self.loaded.emit()

    def _grow_to_table(self) -> None:
        """One column per rule: the window widens (and lengthens) to show them all, as far as
        the screen allows, unless the person gave it a size of their own."""
        table, header = self.table, self.table.horizontalHeader()
        columns = range(self.proxy.columnCount())
        width = sum(max(table.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in columns)
        rows = self.proxy.rowCount() * table.verticalHeader().defaultSectionSize()
        frame = 2 * table.frameWidth()
        scroll_bar = table.verticalScrollBar().sizeHint().width()
        extra_width = width + frame + scroll_bar - table.width()
        extra_height = header.sizeHint().height() + rows + frame + scroll_bar - table.height()
        grow_to_content(self, self.size().grownBy(QMargins(0, 0, max(extra_width, 0),
                                                           max(extra_height, 0))))  # fmt: skip

    def _failed(self, failure: Failure) -> None:
        self.header.setText(
            self.tr("The team view could not be read: %1").replace("%1", failure.text)
        )
        self.exportButton.setEnabled(False)
        self.loaded.emit()

    # --- export ----------------------------------------------------------------------------

    def choose_export(self) -> None:
        if self.model.scores() is None or not self.exportButton.isEnabled():
            return
        scores = self.model.scores()
        stamp = scores.run_date.isoformat() if scores.run_date else "team"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export CSV"), str(Path.home() / f"kpi-team-{stamp}.csv"),
            self.tr("CSV files (*.csv)"),
        )  # fmt: skip
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the shown scores as CSV off the GUI thread (all or nothing)."""
        scores = self.model.scores()
        if scores is None:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        language = self.ctx.language
        self.exportButton.setEnabled(False)
        self.message.setText(self.tr("Exporting…"))

        def done(_result: object) -> None:
            self.exportButton.setEnabled(True)
            self.message.setText(self.tr("Exported to %1").replace("%1", path))
            self.exported.emit(path)

        def failed(failure: Failure) -> None:
            self.exportButton.setEnabled(True)
            self.message.setText(self.tr("Export failed: %1").replace("%1", failure.text))

        self.exporter.run(lambda: scores.to_csv(path, language), done, failed)
