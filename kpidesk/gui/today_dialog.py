""" "Dagens KPI": the logged-in user's KPIs from the latest nightly run, one card each.

The dialog opens at once with a quiet "loading" line; the figures are read off the GUI thread
and the cards are built when they arrive. It refreshes itself when a run finishes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QMargins, QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import format_date, format_datetime, locale_for
from kpidesk.gui.geometry import grow_to_content, open_at_size
from kpidesk.gui.kpi_card import KpiCard
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.login import error_colour
from kpidesk.gui.widgets import enter_is_not_close, heading

if TYPE_CHECKING:
    from kpidesk.services.kpi import KpiItem, TodayKpis

CARD_MIN_WIDTH_EM = 19  # a card is at least this many "M"s wide; columns follow the width


def load_today(ctx: AppContext) -> tuple[TodayKpis, str, ZoneInfo]:
    """The user's KPIs, the currency and the time zone, read together off the GUI thread."""
    desk = ctx.desk
    return desk.kpi.today(), desk.settings.currency(), desk.timezone()


class TodayKpiDialog(QDialog):
    """One card per KPI; a click (or Enter) opens the chart with its explanation."""

    loaded = Signal()  # the figures arrived and the cards (or the kind message) are shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayKpiDialog")
        self.setWindowTitle(self.tr("Today's KPIs"))
        self.ctx = ctx
        self.language = ctx.language
        self.locale = locale_for(ctx.language)
        self.today: TodayKpis | None = None
        self.currency = "DKK"
        self.timezone: ZoneInfo | None = None
        self.cards: list[KpiCard] = []
        self.loader = Loader(self)
        self.chart: QDialog | None = None
        self._columns = 0

        self.header = heading(self.tr("Loading your KPIs…"), self, scale=1.15, name="todayHeader")
        self.subheader = QLabel(self)
        self.subheader.setObjectName("todaySubheader")
        self.subheader.setWordWrap(True)
        # Said only when the data is older than it should be (the import failed or found
        # nothing new): the same words as the status bar and the run log.
        self.dataLabel = QLabel(self)
        self.dataLabel.setObjectName("todayData")
        self.dataLabel.setWordWrap(True)
        self.dataLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.dataLabel.setVisible(False)

        self.stack = QStackedWidget(self)
        self.loadingLabel = QLabel(self.tr("Loading your KPIs…"), self)
        self.loadingLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.emptyLabel = QLabel(self)
        self.emptyLabel.setObjectName("todayEmpty")
        self.emptyLabel.setWordWrap(True)
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.emptyLabel.setMargin(24)
        self.cardsHost = QWidget(self)
        self.cardsHost.setObjectName("todayCards")
        self.grid = QGridLayout(self.cardsHost)
        self.grid.setSpacing(12)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.cardsHost)
        self.scroll.viewport().installEventFilter(self)
        for page in (self.loadingLabel, self.emptyLabel, self.scroll):
            self.stack.addWidget(page)

        self.teamButton = QPushButton(self.tr("&Team view…"), self)
        self.teamButton.setObjectName("teamViewButton")
        self.teamButton.setVisible(ctx.caller.is_admin)
        self.teamButton.clicked.connect(self.open_team_view)
        self.refreshButton = QPushButton(self.tr("&Refresh"), self)
        self.refreshButton.setObjectName("refreshButton")
        self.refreshButton.clicked.connect(self.reload)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.teamButton)
        bottom.addWidget(self.refreshButton)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        layout.addWidget(self.dataLabel)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Refresh, self, activated=self.reload)

        enter_is_not_close(self)
        ctx.events.runFinished.connect(self._run_finished)
        metrics = self.fontMetrics()
        open_at_size(self, "todayKpi",
                     QSize(metrics.horizontalAdvance("M") * 64, metrics.height() * 34))  # fmt: skip
        self.reload()

    # --- loading ---------------------------------------------------------------------------

    @Slot()
    @property
    def loading(self) -> bool:
        return self.loader.busy

    def reload(self) -> None:
        """Read today's figures again; an older answer still under way is dropped."""
        self.refreshButton.setEnabled(False)
        if not self.cards:
            self.stack.setCurrentWidget(self.loadingLabel)
        ctx = self.ctx  # the job must not hold the dialog (it would die on the worker thread)
        self.loader.run(lambda: load_today(ctx), self._loaded, self._failed)

    @Slot(object)
    def _run_finished(self, _summary: object) -> None:
        self.reload()

    def _loaded(self, result: tuple[TodayKpis, str, ZoneInfo]) -> None:
        self.refreshButton.setEnabled(True)
        self.today, self.currency, self.timezone = result
        self._show()
        self.loaded.emit()

    def _failed(self, failure: Failure) -> None:
        self.refreshButton.setEnabled(True)
        message = failure.text
        self.header.setText(self.tr("Today's KPIs"))
        self.subheader.setText("")
        self.dataLabel.setVisible(False)
        self._clear_cards()
        self.emptyLabel.setText(self.tr("Your KPIs could not be read: %1").replace("%1", message))
        self.stack.setCurrentWidget(self.emptyLabel)
        self.loaded.emit()

    # --- showing ---------------------------------------------------------------------------

    def header_text(self) -> str:
        today = self.today
        who = today.user_name or today.user
        if today.run_date is None:
            return self.tr("Today's KPIs for %1").replace("%1", who)
        return (
            self.tr("%1's KPIs as of %2")
            .replace("%1", who)
            .replace("%2", format_date(today.run_date, self.locale, long=True))
        )

    def subheader_text(self) -> str:
        """When the figures were calculated and, beside it, the time of the CRM data used."""
        today = self.today
        if today.computed_at is None:
            return ""
        calculated = format_datetime(today.computed_at, self.locale)
        data_at = today.data.data_at if today.data is not None else None
        if data_at is None:
            return self.tr(
                "Calculated %1. The figures stay fixed until the next nightly run."
            ).replace("%1", calculated)
        return (
            self.tr(
                "Calculated %1 on CRM data from %2. The figures stay fixed until the next "
                "nightly run."
            )
            .replace("%1", calculated)
            .replace("%2", format_datetime(data_at, self.locale))
        )

    def data_text(self) -> str:
        """The data's age in words when the import failed or found nothing new, else ""."""
        data = self.today.data if self.today is not None else None
        if data is None or not data.stale or self.timezone is None:
            return ""
        return data.words(self.ctx.clock(), self.timezone, self.language)

    def _show_data(self) -> None:
        text = self.data_text()
        label = self.dataLabel
        palette = QPalette(self.palette())
        failed = bool(text) and self.today.data.failed
        if failed:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(error_colour(self)))
        label.setPalette(palette)
        label.setText(f"⚠ {text}" if failed else text)
        label.setProperty("warning", failed)
        label.setVisible(bool(text))

    def empty_text(self) -> str:
        """Why there are no cards, said kindly and with what to do."""
        reason = getattr(self.today, "reason", "")
        return {
            "no_run": self.tr(
                "Your KPIs have not been calculated yet. They are calculated every night; "
                "tomorrow morning they are here (an administrator can also press "
                "“Calculate now”)."
            ),
            "no_results": self.tr(
                "The latest calculation has no figures for you yet; they come with the next "
                "nightly run."
            ),
            "no_profile": self.tr(
                "You have no KPIs yet: an administrator gives you a profile with rules in the "
                "KPI setup."
            ),
            "no_rules": self.tr(
                "Your profile has no active KPI rules yet: an administrator sets them up in the "
                "KPI setup."
            ),
            "inactive": self.tr("Your user is not active, so no KPIs are calculated for you."),
        }.get(reason, self.tr("There are no KPIs for you yet."))

    def _show(self) -> None:
        self.header.setText(self.header_text())
        self.subheader.setText(self.subheader_text())
        self._show_data()
        self._clear_cards()
        if not self.today.kpis:
            self.emptyLabel.setText(self.empty_text())
            self.stack.setCurrentWidget(self.emptyLabel)
            return
        for item in self.today.kpis:
            card = KpiCard(item, self.locale, self.language, self.currency, self.cardsHost)
            card.activated.connect(self.open_chart)
            self.cards.append(card)
        self._columns = 0
        self._layout_cards()
        self.stack.setCurrentWidget(self.scroll)
        self._grow_to_cards()
        for first, second in zip(self.cards, self.cards[1:], strict=False):
            QWidget.setTabOrder(first, second)
        if self.cards and self.isVisible():
            self.cards[0].setFocus()

    def _grow_to_cards(self) -> None:
        """Every card in view without scrolling where the screen has room: the window grows
        taller first, then wider (a column more). A size the person chose is kept."""
        card_width = self.fontMetrics().horizontalAdvance("M") * CARD_MIN_WIDTH_EM
        for _ in range(len(self.cards)):
            self.layout().activate()
            self._layout_cards()
            self.cardsHost.layout().activate()
            missing = self.grid.minimumSize().height() - self.scroll.height()
            if missing <= 0:
                return
            before = self.size()
            grow_to_content(self, before.grownBy(QMargins(0, 0, 0, missing)))
            if self.size() == before:
                grow_to_content(self, before.grownBy(QMargins(0, 0, card_width, 0)))
            if self.size() == before:
                return

    def _clear_cards(self) -> None:
        for card in self.cards:
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = []

    def _layout_cards(self) -> None:
        """As many columns as fit the width: resizes reflow the cards, never clip them."""
        if not self.cards:
            return
        width = self.scroll.viewport().width() or self.width()
        card_width = self.fontMetrics().horizontalAdvance("M") * CARD_MIN_WIDTH_EM
        columns = max(1, min(len(self.cards), width // max(card_width, 1)))
        if columns != self._columns:
            self._columns = columns
            for card in self.cards:
                self.grid.removeWidget(card)
            for index, card in enumerate(self.cards):
                self.grid.addWidget(card, index // columns, index % columns)
            for column in range(self.grid.columnCount()):
                self.grid.setColumnStretch(column, 1 if column < columns else 0)
        # Wrapped names and forecasts need more height in a narrow column: ask each card.
        margins = self.grid.contentsMargins()
        spacing = self.grid.horizontalSpacing() * (columns - 1)
        column_width = (width - margins.left() - margins.right() - spacing) // columns
        for card in self.cards:
            card.setMinimumHeight(max(card.heightForWidth(column_width), 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """The cards follow the scroll area's visible width, whenever it changes."""
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._layout_cards()
        return super().eventFilter(watched, event)

    def card(self, rule_name: str) -> KpiCard | None:
        for card in self.cards:
            if card.accessibleName() == rule_name:
                return card
        return None

    # --- actions ---------------------------------------------------------------------------

    def open_chart(self, item: KpiItem) -> None:
        from kpidesk.gui.kpi_chart import KpiChartDialog

        if self.today is None or self.today.run_date is None:
            return
        chart = KpiChartDialog(
            self.ctx, item, self.today.user_id, self.today.run_date, self.currency, self
        )
        chart.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.chart = chart
        chart.destroyed.connect(lambda _o=None: setattr(self, "chart", None))
        chart.show()

    def open_team_view(self) -> None:
        from kpidesk.gui.team_view import TeamViewDialog

        view = TeamViewDialog(self.ctx, self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
