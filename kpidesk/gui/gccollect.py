"""Python's cyclic garbage is collected on the GUI thread only.

The cyclic collector runs in whichever thread happens to allocate. When it frees a cycle
that holds a Qt object while a background job (runner.py, the in-app scheduler) is running,
Qt deletes that object off the GUI thread and the process dies with a segmentation fault.
So automatic collection is switched off while the GUI runs and a GUI-thread timer collects
instead, generation by generation, when the collector's own thresholds say it is due (the
recipe long used by PyQt applications such as Anki).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Owns the switch: `stop()` (or the parent's end) turns automatic collection back on."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> None:
        """Collect the generations whose counts passed their thresholds, as gc itself would."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Collect once more here, on the GUI thread, and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
