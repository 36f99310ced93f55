"""Small widgets every window shares, so they look alike."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QStyle, QWidget


def heading(text: str, parent: QWidget | None, *, scale: float, name: str = "") -> QLabel:
    """A bold, word-wrapped title `scale` times the application's font size."""
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def enter_is_not_close(window: QWidget) -> None:
    """Enter belongs to the focused field or table (create, edit, open), never to a window's
    "Close": no button of `window` is its default."""
    for button in window.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


class TwoLineHeader(QHeaderView):
    """A horizontal header whose titles may break onto a second line, so a column of short
    figures under a long title (a rule's name) is not as wide as the title on one line.

    Qt widens every section by a sort arrow's room while sorting is possible; here only the
    sorted section gets it (the arrow is drawn on that one alone).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:  # noqa: N802, N803 - Qt API
        size = super().sectionSizeFromContents(logicalIndex)
        if self.isSortIndicatorShown() and logicalIndex != self.sortIndicatorSection():
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
            size.setWidth(size.width() - size.height() - margin)  # what Qt added for the arrow
        model = self.model()
        text = model.headerData(logicalIndex, self.orientation()) if model is not None else None
        if not isinstance(text, str):
            return size
        metrics = self.fontMetrics()
        narrower = metrics.horizontalAdvance(text) - two_line_width(text, metrics)
        if narrower <= 0:
            return size
        return QSize(size.width() - narrower, size.height() + metrics.lineSpacing())


def two_line_width(text: str, metrics: QFontMetrics) -> int:
    """The width `text` needs when broken at the one space that makes it narrowest."""
    words = text.split(" ")
    widest = metrics.horizontalAdvance(text)
    for cut in range(1, len(words)):
        lines = (" ".join(words[:cut]), " ".join(words[cut:]))
        widest = min(widest, max(metrics.horizontalAdvance(line) for line in lines))
    return widest
