"""A KPI's chart and explanation: history on a date axis, the target, the forecast, the records.

The chart is pyqtgraph (PySide6 is imported first, so pyqtgraph binds to it). Dates on the axis
are formatted with QLocale, so Danish month names read right. Beneath the chart, the records
that make up today's value and, for coverage rules, the call list of customers without a
meeting, loaded off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.words import cell_words
from kpidesk.gui.context import AppContext
from kpidesk.gui.forecast_words import ForecastWords
from kpidesk.gui.formatting import (
    format_date,
    format_datetime,
    format_score,
    format_value,
    level_colour,
    locale_for,
    score_level,
    to_display,
)
from kpidesk.gui.geometry import open_at_size
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.table_model import ALIGN_LEFT, ALIGN_RIGHT, Column, TableModel
from kpidesk.gui.widgets import enter_is_not_close, heading

if TYPE_CHECKING:
    from kpidesk.services.kpi import Explanation, KpiItem


Index = QModelIndex | QPersistentModelIndex

# Only now pyqtgraph: PySide6 is loaded (above), so pyqtgraph binds to it.
import pyqtgraph as pg  # noqa: E402

DAY = 86_400.0
NO_INDEX = QModelIndex()


class Swatch(pg.ItemSample):
    """A legend sample: a square in an item's real fill and outline colours.

    pyqtgraph's own sample reads the colours from a plotted curve; for a band or a bar there
    is none, and an empty stand-in curve draws its symbol in pyqtgraph's grey default.
    """

    def __init__(self, brush: QBrush, pen: QPen) -> None:
        super().__init__(None)
        self.brush = brush
        self.pen = pen

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setPen(self.pen)
        p.setBrush(self.brush)
        p.drawRect(QRectF(3, 3, 14, 14))

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 - nothing to hide or show
        event.ignore()


def date_to_x(day: dt.date) -> float:
    """A date as the chart's x value: seconds since the epoch at midnight UTC of that date."""
    return (day - dt.date(1970, 1, 1)).days * DAY


def x_to_date(value: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(value / DAY + 1e-9))


class LocaleDateAxis(pg.DateAxisItem):
    """A date axis whose ticks read in the app's language (`3. dec.`, `jan. 2027`)."""

    def __init__(self, locale: QLocale, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", utcOffset=0, **kwargs)
        self.locale = locale

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        danish = self.locale.language() == QLocale.Language.Danish
        if spacing >= 360 * DAY:
            pattern = "yyyy"
        elif spacing >= 28 * DAY:
            pattern = "MMM yyyy"
        elif spacing >= DAY:
            pattern = "d. MMM" if danish else "d MMM"
        else:
            return ["" for _ in values]  # no times of day: the history is nightly
        strings = []
        for value in values:
            try:
                day = x_to_date(value)
            except (OverflowError, ValueError):
                strings.append("")
                continue
            strings.append(self.locale.toString(QDate(day.year, day.month, day.day), pattern))
        return strings


class LocaleNumberAxis(pg.AxisItem):
    """A value axis whose numbers read in the app's language (`250.000`, `62,5`)."""

    def __init__(self, locale: QLocale, **kwargs: Any) -> None:
        super().__init__(orientation="left", **kwargs)
        self.locale = locale
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        decimals = 0 if spacing >= 1 else min(3, max(0, -math.floor(math.log10(spacing))))
        return [self.locale.toString(float(v) * scale, "f", decimals) for v in values]


class RowsModel(TableModel[tuple[Any, ...]]):
    """Rows of an explanation (tuples) with their column keys, formatted for people."""

    def __init__(self, locale: QLocale, language: str, currency: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.locale = locale
        self.language = language
        self.currency = currency
        self.keys: list[str] = []
        self.labels: list[str] = []

    def set_table(self, keys: Sequence[str], labels: Sequence[str], rows: Sequence[Any]) -> None:
        """The explanation's columns (keys and their labels) and rows, in one reset."""
        self.keys, self.labels = list(keys), list(labels)
        rows = [tuple(row) for row in rows]
        columns = [self._column(number, label, rows) for number, label in enumerate(labels)]
        self.set_rows(rows, columns)

    def _column(self, number: int, label: str, rows: list[tuple[Any, ...]]) -> Column[Any]:
        key = self.keys[number] if number < len(self.keys) else ""

        def value(row: tuple[Any, ...]) -> Any:
            return row[number] if number < len(row) else None

        values = [v for v in map(value, rows) if v is not None]
        numeric = bool(values) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )
        return Column(label, lambda row: self.text(key, value(row)),
                      align=ALIGN_RIGHT if numeric else ALIGN_LEFT)  # fmt: skip

    def text(self, key: str, value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, dt.datetime):
            return format_datetime(value, self.locale)
        if isinstance(value, dt.date):
            return format_date(value, self.locale)
        if key == "amount" and isinstance(value, int | float):
            return format_value(float(value), "currency", self.locale, self.currency)
        if isinstance(value, float):
            return format_value(value, "count", self.locale)
        return cell_words(key, value, self.language)  # the CLI's words for the same cells

    def as_text(self) -> str:
        """Tab-separated with a header: pasted into a mail or a spreadsheet as a call list."""
        lines = ["\t".join(self.labels)]
        for row in self.rows():
            lines.append("\t".join(self.text(k, v) for k, v in zip(self.keys, row, strict=False)))
        return "\n".join(lines)


def _table(parent: QWidget, name: str, model: QAbstractTableModel) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class KpiChartDialog(QDialog):
    """One KPI of one user: its chart (history, target, forecast) and its explanation."""

    def __init__(
        self,
        ctx: AppContext,
        item: KpiItem,
        user_id: int,
        run_date: dt.date,
        currency: str = "DKK",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kpiChartDialog")
        self.ctx = ctx
        self.item = item
        self.user_id = user_id
        self.run_date = run_date
        self.currency = currency
        self.language = ctx.language
        self.locale = locale_for(ctx.language)
        self.explanation: Explanation | None = None
        self.setWindowTitle(item.rule)

        title = heading(item.rule, self, scale=1.3, name="chartTitle")
        description = item.description.text(self.language)
        self.descriptionLabel = QLabel(description, self)
        self.descriptionLabel.setObjectName("chartDescription")
        self.descriptionLabel.setWordWrap(True)
        value = format_value(item.value, item.unit, self.locale, currency)
        target = format_value(item.target, item.unit, self.locale, currency)
        self.figuresLabel = QLabel(
            self.tr("Today %1 · target %2 · score %3")
            .replace("%1", value)
            .replace("%2", target)
            .replace("%3", format_score(item.score, self.locale)),
            self,
        )
        self.figuresLabel.setObjectName("chartFigures")
        self.forecastLabel = QLabel(self.forecast_text(), self)
        self.forecastLabel.setObjectName("forecastLabel")
        self.forecastLabel.setWordWrap(True)

        self.plot = self._build_plot()

        self.summaryLabel = QLabel(self.tr("Loading the explanation…"), self)
        self.summaryLabel.setObjectName("explanationSummary")
        self.summaryLabel.setWordWrap(True)
        self.explainer = Loader(self)
        self.rowsModel = RowsModel(self.locale, self.language, currency, self)
        self.rowsTable = _table(self, "explanationTable", self.rowsModel)
        self.gapModel = RowsModel(self.locale, self.language, currency, self)
        self.gapTitle = QLabel(self)
        self.gapTitle.setObjectName("gapTitle")
        self.gapTitle.setWordWrap(True)
        self.gapTable = _table(self, "gapTable", self.gapModel)
        self.copyButton = QPushButton(self.tr("&Copy call list"), self)
        self.copyButton.setObjectName("copyCallListButton")
        self.copyButton.clicked.connect(self.copy_call_list)
        gap_box = QWidget(self)
        gap_layout = QVBoxLayout(gap_box)
        gap_layout.setContentsMargins(0, 0, 0, 0)
        gap_header = QHBoxLayout()
        gap_header.addWidget(self.gapTitle, 1)
        gap_header.addWidget(self.copyButton)
        gap_layout.addLayout(gap_header)
        gap_layout.addWidget(self.gapTable)
        self.gapBox = gap_box
        self.gapBox.setVisible(False)

        # The records and the call list side by side: each table gets the whole height under
        # the chart, so both show several rows on a 1366×768 screen.
        rows_box = QWidget(self)
        rows_layout = QVBoxLayout(rows_box)
        rows_layout.setContentsMargins(0, 0, 0, 0)
        rows_layout.addWidget(self.summaryLabel)
        rows_layout.addWidget(self.rowsTable, 1)
        records = QWidget(self)
        records_layout = QHBoxLayout(records)
        records_layout.setContentsMargins(0, 0, 0, 0)
        records_layout.addWidget(rows_box, 1)
        records_layout.addWidget(self.gapBox, 1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.plot)
        splitter.addWidget(records)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.descriptionLabel)
        layout.addWidget(self.figuresLabel)
        layout.addWidget(self.forecastLabel)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Copy, self.gapTable, activated=self.copy_call_list,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        enter_is_not_close(self)
        metrics = self.fontMetrics()
        # Room for the chart and several rows of the tables beside each other under it
        # (1366×768: fits).
        em = metrics.horizontalAdvance("M")
        open_at_size(self, "kpiChart", QSize(em * 120, metrics.height() * 48))
        self.splitter.setSizes([metrics.height() * 17, metrics.height() * 17])
        self.load_explanation()

    # --- chart -----------------------------------------------------------------------------

    def _build_plot(self) -> pg.PlotWidget:
        palette = self.palette()
        background = QColor(palette.color(QPalette.ColorRole.Base))
        foreground = QColor(palette.color(QPalette.ColorRole.Text))
        muted = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        accent = QColor(palette.color(QPalette.ColorRole.Highlight))
        axis = LocaleDateAxis(self.locale)
        values_axis = LocaleNumberAxis(self.locale)
        plot = pg.PlotWidget(axisItems={"bottom": axis, "left": values_axis}, background=background)
        plot.setObjectName("kpiChart")
        plot.setMinimumHeight(self.fontMetrics().height() * 12)
        item = plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        item.hideButtons()
        for name in ("bottom", "left"):
            ax = item.getAxis(name)
            ax.setPen(pg.mkPen(muted))
            ax.setTextPen(pg.mkPen(foreground))
        unit_label = {"percent": "%", "currency": self.currency}.get(self.item.unit, "")
        if unit_label:
            item.setLabel("left", unit_label, color=foreground.name())
        # bottom left: history starts there, the target and forecast run along the top right
        legend = item.addLegend(offset=(10, -10), labelTextColor=foreground)
        legend.setBrush(pg.mkBrush(QColor(background.red(), background.green(),
                                          background.blue(), 200)))  # fmt: skip
        self.legend = legend

        unit = self.item.unit
        points = [(d, to_display(v, unit)) for d, v, _s in self.item.history if v is not None]
        xs = [date_to_x(d) for d, _v in points]
        ys = [v for _d, v in points]
        self.history_curve = item.plot(
            xs, ys, pen=pg.mkPen(accent, width=2), name=self.tr("History"),
            symbol="o" if len(points) < 20 else None, symbolSize=5, symbolBrush=accent,
        )  # fmt: skip
        target_value = to_display(self.item.target, unit)
        target_pen = pg.mkPen(
            level_colour("green", palette), width=1.5, style=Qt.PenStyle.DashDotLine
        )
        self.target_line = pg.InfiniteLine(pos=target_value, angle=0, pen=target_pen)
        item.addItem(self.target_line)
        item.plot([], [], pen=target_pen, name=self.tr("Target"))  # legend entry

        self.forecast_curve: pg.PlotDataItem | None = None
        self.band: pg.FillBetweenItem | None = None
        self.known_bar: pg.BarGraphItem | None = None
        self.band_swatch: Swatch | None = None
        self.known_swatch: Swatch | None = None
        self.still_curve: pg.PlotDataItem | None = None
        self.pace_curve: pg.PlotDataItem | None = None
        self.target_date_line: pg.InfiniteLine | None = None
        forecast = self.item.forecast
        end_x = date_to_x(self.run_date)
        first_x = xs[0] if xs else date_to_x(self.run_date) - 7 * DAY
        all_y = ys + [target_value, 0.0]
        if forecast is not None and forecast.status == "ok" and forecast.projected is not None:
            start = points[-1] if points else (self.run_date, to_display(0.0, unit))
            start_x, start_y = date_to_x(start[0]), start[1]
            end_x = date_to_x(forecast.horizon.end)
            period = forecast.horizon.kind == "period"
            band_colour = QColor(accent)
            band_colour.setAlpha(45)
            if (
                forecast.low is not None
                and forecast.high is not None
                and (forecast.shown or not period)
            ):
                low_y, high_y = to_display(forecast.low, unit), to_display(forecast.high, unit)
                low = pg.PlotDataItem([start_x, end_x], [start_y, low_y])
                high = pg.PlotDataItem([start_x, end_x], [start_y, high_y])
                self.band = pg.FillBetweenItem(low, high, brush=pg.mkBrush(band_colour))
                item.addItem(self.band)
                self.band_swatch = Swatch(pg.mkBrush(band_colour), pg.mkPen(None))
                self.legend.addItem(self.band_swatch, self.tr("Likely range"))
                all_y += [low_y, high_y]
            dotted = pg.mkPen(foreground, width=1.5, style=Qt.PenStyle.DotLine)
            if forecast.shown:
                self._draw_known(item, forecast, start_y, end_x, first_x, accent)
                projected = to_display(forecast.projected, unit)
                dashed = pg.mkPen(accent, width=2, style=Qt.PenStyle.DashLine)
                self.forecast_curve = item.plot(
                    [start_x, end_x], [start_y, projected], pen=dashed, name=self.tr("Expected")
                )
                all_y.append(projected)
            elif not period:
                self.still_curve = item.plot(
                    [start_x, end_x], [start_y, start_y], pen=dotted, name=self.tr("No change")
                )
            if period and forecast.pace is not None:
                pace = to_display(forecast.pace, unit)
                self.pace_curve = item.plot(
                    [start_x, end_x], [start_y, pace], pen=dotted, name=self.tr("Pace so far")
                )
                all_y.append(pace)
        if self.known_bar is not None:
            all_y.append(self._known_top)
        item.setXRange(first_x, max(end_x, first_x + DAY), padding=0.03)
        item.setYRange(min(all_y), max(all_y) or 1.0, padding=0.08)
        plot.setAccessibleName(self.tr("Chart of %1").replace("%1", self.item.rule))
        return plot

    def _draw_known(
        self, item: pg.PlotItem, forecast: Any, start_y: float, end_x: float, first_x: float,
        accent: QColor,
    ) -> None:  # fmt: skip
        """The known part as a solid bar at the horizon: already planned / in the pipeline
        (a window, from 0), or the open deals × win rate on top of the total so far (a period)."""
        unit = self.item.unit
        if forecast.method == "known" and forecast.known is not None:
            bottom, top = 0.0, to_display(forecast.known, unit)
        elif (forecast.method == "period" and forecast.open_part is not None
              and forecast.win_rate is not None):  # fmt: skip
            bottom = start_y
            top = bottom + to_display(forecast.open_part * forecast.win_rate, unit)
        else:
            return
        width = max(DAY, (end_x - first_x) / 50)
        solid = QColor(accent)
        solid.setAlpha(150)
        self.known_bar = pg.BarGraphItem(
            x=[end_x], y0=[bottom], height=[top - bottom], width=width,
            brush=pg.mkBrush(solid), pen=pg.mkPen(accent),
        )  # fmt: skip
        item.addItem(self.known_bar)
        label = self.tr("Already known") if forecast.method == "known" else self.tr(
            "Open deals × win rate")  # fmt: skip
        self.known_swatch = Swatch(pg.mkBrush(solid), pg.mkPen(accent))
        self.legend.addItem(self.known_swatch, label)
        self._known_top = top

    def forecast_text(self) -> str:
        """One sentence: the known part, the usual change and the band, or why there is none."""
        return ForecastWords(self.item, self.locale, self.currency).sentence()

    # --- explanation -----------------------------------------------------------------------

    def load_explanation(self) -> None:
        desk = self.ctx.desk
        user_id, rule_id, run_date = self.user_id, self.item.rule_id, self.run_date
        lang = self.language
        self.explainer.run(
            lambda: desk.kpi.explain(user_id, rule_id, run_date, lang=lang),
            self._explained,
            self._explain_failed,
        )

    def _explained(self, explanation: Explanation) -> None:
        self.explanation = explanation
        lang = self.language
        self.rowsModel.set_table(explanation.columns, explanation.column_labels(lang),
                               explanation.rows)  # fmt: skip
        self.summaryLabel.setText(self.summary_text(explanation))
        has_gaps = bool(explanation.gap_columns)
        self.gapBox.setVisible(has_gaps)
        if has_gaps:
            self.gapModel.set_table(explanation.gap_columns, explanation.gap_column_labels(lang),
                                   explanation.gap_rows)  # fmt: skip
            count = len(explanation.gap_rows)
            self.gapTitle.setText(
                self.tr("<b>Call list</b>: every customer has had a meeting.")
                if not count
                else self.tr("<b>Call list</b>: 1 customer still without a meeting")
                if count == 1
                else self.tr("<b>Call list</b>: %1 customers still without a meeting").replace(
                    "%1", self.locale.toString(count)
                )
            )
            self.copyButton.setEnabled(count > 0)

    def summary_text(self, explanation: Explanation) -> str:
        count = len(explanation.rows)
        unit = explanation.unit
        value = format_value(explanation.value, unit, self.locale, self.currency)
        records = (
            self.tr("1 record makes up today's value (%1).")
            if count == 1
            else self.tr("%2 records make up today's value (%1).").replace(
                "%2", self.locale.toString(count)
            )
        )
        text = records.replace("%1", value)
        stored = getattr(explanation, "stored_value", None)
        live = explanation.value
        if live is not None and stored is not None and not math.isclose(stored, live):
            text += " " + self.tr("The data changed since the night's run, which gave %1.").replace(
                "%1", format_value(stored, unit, self.locale, self.currency)
            )
        return text

    def _explain_failed(self, failure: Failure) -> None:
        self.summaryLabel.setText(self.tr("No explanation: %1").replace("%1", failure.text))

    def copy_call_list(self) -> None:
        QGuiApplication.clipboard().setText(self.gapModel.as_text())

    def level(self) -> str | None:
        return score_level(self.item.score)
