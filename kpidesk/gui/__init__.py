"""The desktop app: Qt windows, dialogs and models (they call services only)."""

# First, before any signal is emitted: PySide6 6.12 drops a reference to True on every emit().
from kpidesk.gui import qtfixes as _qtfixes  # noqa: F401
