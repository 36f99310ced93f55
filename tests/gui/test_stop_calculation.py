""" "Beregn nu" waits its turn and can be stopped: the main window's status bar and the rules
page say where the request is, and a confirmed stop (by keyboard) leaves the last good
results, read back from the results table. Real widgets, offscreen, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.engine.runlock import acquire_run_lock
from kpidesk.gui.context import AppContext
from kpidesk.gui.main_window import MainWindow
from kpidesk.gui.setup import KpiSetupDialog
from kpidesk.services import runs, setup
from tests.gui.test_setup_dialog import answer_confirmation
from tests.scheduler.test_source_nights import expected, first_export, results, third_export
from tests.services.test_run_control import ADMIN, import_export, installed, run_rows

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
__all__ = ["installed"]  # the fixture, imported for this module's tests

WAIT = 30_000


def open_window(qtbot: QtBot, db: Database) -> tuple[MainWindow, KpiSetupDialog]:
    ctx = AppContext(db=db, caller=ADMIN)
    window = MainWindow(ctx, start_scheduler=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.statusRefreshed, timeout=WAIT):
        window.show()
    dialog = window.open_setup()
    assert isinstance(dialog, KpiSetupDialog)
    qtbot.waitUntil(lambda: dialog.snapshot is not None, timeout=WAIT)
    return window, dialog


def test_stopping_a_running_calculation_keeps_the_last_good_results(
    qtbot: QtBot, installed: Database, db_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db = installed
    today = setup.today(db)
    assert runs.run_now(db, ADMIN, today).status == "success"
    good = results(db, today)
    assert good == expected(first_export(), today)
    import_export(db_url, tmp_path / "export3", third_export(first_export()))
    monkeypatch.setenv("KPIDESK_RUN_STEP_DELAY", "4")
    window, dialog = open_window(qtbot, db)
    page = dialog.rulesPage
    steps: list[tuple[int, int]] = []
    window.ctx.events.runProgress.connect(lambda done, total: steps.append((done, total)))
    finished: list[object] = []
    window.ctx.events.runFinished.connect(finished.append)
    assert not window.stop_run_button.isVisible() and not page.stopButton.isVisible()

    page.calcButton.click()
    qtbot.waitUntil(lambda: (1, 2) in steps, timeout=WAIT)  # rule 1 of 2 written
    assert window.run_label.text() == "Calculating the KPIs…"
    assert window.run_progress.isVisible() and window.stop_run_button.isVisible()
    assert window.stop_run_action.isEnabled() and page.stopButton.isVisible()
    # The main window at its default size while the run goes, looked at as a picture.
    shot = tmp_path / "main_window_running.png"
    assert window.grab().save(str(shot))
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (window.width(), window.height())

    # A "no" leaves it running; then Tab-focus the status bar's Stop and press Space.
    answer_confirmation(False)
    window.stop_run_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(window.stop_run_button, Qt.Key.Key_Space)
    assert not finished and window.stop_run_button.isVisible()
    answer_confirmation(True)
    qtbot.keyClick(window.stop_run_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT)

    summary = finished[0]
    assert (summary.status, summary.reason) == ("cancelled", "cancelled by anna.admin")  # type: ignore[attr-defined]
    assert steps[-1] == (1, 2)  # stopped before the second rule
    assert not window.stop_run_button.isVisible() and not page.stopButton.isVisible()
    assert "stopped" in page.message.text()
    assert results(db, today) == good  # read back from the results table
    log = runs.run_log(db, ADMIN)
    assert (log[0].status, log[0].error) == ("failed", "cancelled by anna.admin")
    assert page.calcButton.isEnabled()


def test_calculate_now_waits_for_another_computer_and_stops_before_it_starts(
    qtbot: QtBot, installed: Database
) -> None:
    db = installed
    window, dialog = open_window(qtbot, db)
    page = dialog.rulesPage
    finished: list[object] = []
    window.ctx.events.runFinished.connect(finished.append)
    lock = acquire_run_lock(db, wait=True)  # the server is calculating
    assert lock is not None
    try:
        page.calcButton.click()
        qtbot.waitUntil(
            lambda: page.progress.format() == "Waiting for a calculation on another computer…",
            timeout=WAIT,
        )
        assert window.run_label.text() == "Waiting for a KPI calculation on another computer…"
        assert page.stopButton.isVisible() and not page.calcButton.isEnabled()
        # The rules page's own Stop (Alt+P, or Tab to it): Space, then the confirmation.
        assert page.stopButton.text() == "Sto&p calculation…"
        assert page.stopButton.focusPolicy() & Qt.FocusPolicy.TabFocus
        answer_confirmation(True)
        page.stopButton.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(page.stopButton, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: bool(finished), timeout=WAIT)
    finally:
        lock.release()
    assert getattr(finished[0], "status", None) == "cancelled"
    assert run_rows(db) == []  # it never started
    assert not page.stopButton.isVisible() and page.calcButton.isEnabled()
    assert not window.stop_run_button.isVisible()


def test_a_user_sees_no_stop(qtbot: QtBot, installed: Database) -> None:
    from kpidesk.services.caller import Caller

    ctx = AppContext(db=installed, caller=Caller("bo", "user"))
    window = MainWindow(ctx, start_scheduler=False)
    qtbot.addWidget(window)
    window.show()
    ctx.events.runStarted.emit(dt.date(2026, 11, 10))  # e.g. the in-app nightly run
    assert not window.stop_run_button.isVisible() and not window.stop_run_action.isEnabled()
    assert not window.stop_run_action.isVisible()
