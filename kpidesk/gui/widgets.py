"""Small widgets every window shares, so they look alike."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget


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
