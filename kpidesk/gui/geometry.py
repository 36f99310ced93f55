"""Window sizes: a default that shows the content on a small screen, and the size people chose.

Every window opens at a size that fits a 1366×768 laptop screen (the smallest screen kpidesk is
made for) with its task bar and title bar, and remembers the size it was last closed at, per
person (QSettings). A remembered size is used only when it fits the screen the window opens on:
a window made large on an office monitor opens at its default size on the laptop.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SMALL_SCREEN = QSize(1366, 768)
# What a window's inside may take of a screen: a 40-pixel task bar and a 30-pixel title bar
# off the height, the window frame off the width.
FRAME_ALLOWANCE = QSize(16, 78)
SETTINGS_GROUP = "windows"


def usable_size(widget: QWidget | None = None) -> QSize:
    """The largest inside a window may have on the screen `widget` is on (or the primary)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    available = screen.availableGeometry().size() if screen is not None else SMALL_SCREEN
    return inside(available)


def inside(screen: QSize) -> QSize:
    """The largest inside a window may have on a screen of this size."""
    return QSize(
        screen.width() - FRAME_ALLOWANCE.width(), screen.height() - FRAME_ALLOWANCE.height()
    )


def fits(size: QSize, room: QSize) -> bool:
    return 0 < size.width() <= room.width() and 0 < size.height() <= room.height()


def _settings_key(key: str) -> str:
    return f"{SETTINGS_GROUP}/{key}/size"


def saved_size(key: str, settings: QSettings | None = None) -> QSize | None:
    """The size the window was last closed at, if one was saved and reads as one."""
    value = (settings or QSettings()).value(_settings_key(key))
    if isinstance(value, QSize):
        return value if value.isValid() else None
    width, _, height = str(value or "").partition("x")
    if width.isdigit() and height.isdigit():
        return QSize(int(width), int(height))
    return None


class _SizeKeeper(QObject):
    """Saves the window's size when it is hidden (closed, rejected, accepted alike)."""

    def __init__(self, key: str, window: QWidget) -> None:
        super().__init__(window)
        self.key = key

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Hide and isinstance(watched, QWidget):
            if not (watched.isMaximized() or watched.isMinimized() or watched.isFullScreen()):
                size = watched.size()
                QSettings().setValue(_settings_key(self.key), f"{size.width()}x{size.height()}")
        return False


def open_at_size(window: QWidget, key: str, preferred: QSize) -> QSize:
    """Size `window` before it is shown: its remembered size when that fits this screen, else
    `preferred` made to fit. Returns the size used; the window's size is saved when it hides.

    `preferred` is what shows the window's content without cutting it; `window.default_size`
    keeps it, for tests and `make screenshots`.
    """
    room = usable_size(window)
    window.setProperty("defaultSize", preferred)
    saved = saved_size(key)
    restored = saved is not None and fits(saved, room)
    window.setProperty("sizeRestored", restored)
    size = saved if saved is not None and restored else preferred.boundedTo(room)
    window.resize(size)
    if not window.findChild(_SizeKeeper):
        window.installEventFilter(_SizeKeeper(key, window))
    return size


def grow_to_content(window: QWidget, needed: QSize) -> None:
    """Once the content is known (loaded in the background): grow a window that opened at its
    default size so that `needed` fits, as far as the screen allows. A size the person chose
    (restored) is left alone, and a window is never made smaller."""
    if window.property("sizeRestored"):
        return
    room = usable_size(window)
    size = window.size().expandedTo(needed).boundedTo(room).expandedTo(window.size())
    if size != window.size():
        window.resize(size)
        window.setProperty("defaultSize", size)


def default_size(window: QWidget) -> QSize:
    """The size `open_at_size` was asked for (before fitting it to the screen)."""
    value = window.property("defaultSize")
    return value if isinstance(value, QSize) else window.size()
