"""Start the desktop app (until the GUI lands: a main window that shows what database is open)."""

from __future__ import annotations

import sys

from kpidesk import paths
from kpidesk.data.db import open_database


def run(db_url: str | None, demo: bool) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    url = paths.demo_database_url() if demo and not db_url else db_url
    db = open_database(url)
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle("kpidesk")
    window.setCentralWidget(QLabel(f"kpidesk — {db.display_url()}"))
    window.resize(900, 600)
    window.show()
    try:
        return int(app.exec())
    finally:
        db.dispose()
