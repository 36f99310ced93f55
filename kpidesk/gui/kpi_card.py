"""One KPI as a card in "Dagens KPI": name, value, target, a coloured score bar and a trend line.

Colours come from the palette (and the traffic-light colours from `formatting`), so a card
reads the same in light and dark themes. A card is focusable; Enter, Space or a click opens
its chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kpidesk.gui.forecast_words import ForecastWords
from kpidesk.gui.formatting import (
    format_score,
    format_value,
    level_colour,
    score_level,
    to_display,
)

if TYPE_CHECKING:
    from kpidesk.services.kpi import KpiItem


class ScoreBar(QWidget):
    """The score as a bar: filled up to the score (capped at the end), red/amber/green."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreBar")
        self.score: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_score(self, score: float | None) -> None:
        self.score = score
        self.update()

    def level(self) -> str | None:
        return score_level(self.score)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(160, max(8, self.fontMetrics().height() // 2))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2
        palette = self.palette()
        track = QColor(palette.color(QPalette.ColorRole.Mid))  # a copy: setAlpha below
        track.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(rect, radius, radius)
        if self.score is not None and math.isfinite(self.score) and self.score > 0:
            filled = QRectF(rect)
            filled.setWidth(max(rect.height(), rect.width() * min(self.score, 1.0)))
            painter.setBrush(level_colour(self.level(), palette))
            painter.drawRoundedRect(filled, radius, radius)
        painter.end()


class Sparkline(QWidget):
    """A small trend line of the history (QPainter; no axes, the last point marked)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sparkline")
        self.values: list[float] = []
        self.target: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: Sequence[float | None], target: float | None = None) -> None:
        self.values = [float(v) for v in values if v is not None and math.isfinite(v)]
        self.target = target
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(160, self.fontMetrics().height() * 3)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if len(self.values) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = 3.0
        rect = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        low = min(self.values + ([self.target] if self.target is not None else []))
        high = max(self.values + ([self.target] if self.target is not None else []))
        span = (high - low) or 1.0

        def point(index: int, value: float) -> QPointF:
            x = rect.left() + rect.width() * index / (len(self.values) - 1)
            y = rect.bottom() - rect.height() * (value - low) / span
            return QPointF(x, y)

        palette = self.palette()
        if self.target is not None:
            guide = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
            pen = QPen(guide, 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            y = point(0, self.target).y()
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        path = QPainterPath(point(0, self.values[0]))
        for index, value in enumerate(self.values[1:], start=1):
            path.lineTo(point(index, value))
        line = QColor(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(line, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        last = point(len(self.values) - 1, self.values[-1])
        painter.setBrush(line)
        painter.drawEllipse(last, 2.5, 2.5)
        painter.end()


class KpiCard(QFrame):
    """One KPI of "Dagens KPI" (a `KpiItem` of the KPI service)."""

    activated = Signal(object)  # the KpiItem

    def __init__(
        self,
        item: KpiItem,
        locale: QLocale,
        language: str = "da",
        currency: str = "DKK",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.locale = locale
        self.language = language
        self.currency = currency
        self.setObjectName("kpiCard")
        self.setAccessibleName(item.rule)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # wrapped labels: the height follows the width
        self.setSizePolicy(policy)
        self.setStyleSheet(
            "QFrame#kpiCard { border: 1px solid palette(mid); border-radius: 6px; }"
            "QFrame#kpiCard:focus { border: 2px solid palette(highlight); }"
        )

        self.nameLabel = QLabel(item.rule, self)
        self.nameLabel.setObjectName("cardName")
        self.nameLabel.setWordWrap(True)
        bold = QFont(self.nameLabel.font())
        bold.setBold(True)
        self.nameLabel.setFont(bold)
        description = item.description.text(language)
        self.nameLabel.setToolTip(description)

        self.valueLabel = QLabel(format_value(item.value, item.unit, locale, currency), self)
        self.valueLabel.setObjectName("cardValue")
        big = QFont(self.valueLabel.font())
        big.setPointSizeF(big.pointSizeF() * 1.9)
        big.setBold(True)
        self.valueLabel.setFont(big)

        target = format_value(item.target, item.unit, locale, currency)
        target_text = (self.tr("Target: at most %1") if item.direction == "lower"
                       else self.tr("Target: %1")).replace("%1", target)  # fmt: skip
        self.targetLabel = QLabel(target_text, self)
        self.targetLabel.setObjectName("cardTarget")

        self.scoreLabel = QLabel(format_score(item.score, locale), self)
        self.scoreLabel.setObjectName("cardScore")
        self.scoreLabel.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        level = score_level(item.score)
        if level is not None:
            colour = level_colour(level, self.palette()).name()
            self.scoreLabel.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.scoreBar = ScoreBar(self)
        self.scoreBar.set_score(item.score)
        self.sparkline = Sparkline(self)
        self.sparkline.set_values(
            [to_display(v, item.unit) if v is not None else None for _d, v, _s in item.history],
            to_display(item.target, item.unit),
        )
        self.forecastLabel = QLabel(self.forecast_text(), self)
        self.forecastLabel.setObjectName("cardForecast")
        self.forecastLabel.setWordWrap(True)
        muted = self.forecastLabel.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText,
            QColor(self.palette().color(QPalette.ColorRole.PlaceholderText)),
        )
        self.forecastLabel.setPalette(muted)

        top = QHBoxLayout()
        top.addWidget(self.valueLabel, 1)
        top.addWidget(self.scoreLabel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.nameLabel)
        layout.addLayout(top)
        layout.addWidget(self.scoreBar)
        layout.addWidget(self.targetLabel)
        layout.addWidget(self.sparkline)
        layout.addWidget(self.forecastLabel)
        score_words = self.tr("score %1").replace("%1", format_score(item.score, locale))
        self.setAccessibleDescription(f"{self.valueLabel.text()}, {target_text}, {score_words}")
        self.setToolTip(self.tr("Open the chart and the explanation (Enter)"))

    def forecast_text(self) -> str:
        """The forecast in a few words: where it is heading, or that it stays about the same."""
        return ForecastWords(self.item, self.locale, self.currency).card()

    def level(self) -> str | None:
        return score_level(self.item.score)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.setFocus()
            self.activated.emit(self.item)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.item)
            event.accept()
            return
        super().keyPressEvent(event)
