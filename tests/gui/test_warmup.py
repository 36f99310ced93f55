"""The main window's warm-up: the KPI windows' modules and reads, done off the GUI thread."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui import runner as gui_runner
from kpidesk.gui.context import AppContext
from kpidesk.gui.main_window import MainWindow
from kpidesk.gui.warmup import ADMIN_MODULES, TODAY_MODULES, Warmup, WarmupReport, modules_for
from kpidesk.services.caller import Caller
from tests.gui.test_today_dialog import run_history, set_up_rules
from tests.services.test_setup_service import Seed, seed_small

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT_MS = 20_000
ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter, so "not imported yet" means something: start the warm-up, note what is
# imported when start() returns, count the GUI thread's timer ticks until it has finished.
CHILD = r"""
import json, sys, threading, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import kpidesk.gui
from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.warmup import modules_for, start_warmup
from kpidesk.services.caller import Caller

url, login, role, user_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = QApplication([])
ctx = AppContext(db=Database(url), caller=Caller(login=login, role=role, user_id=user_id))
names = modules_for(ctx)
before = [name for name in names if name in sys.modules]
ticks = []
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
started = time.perf_counter()
warmup = start_warmup(ctx, app)
returned = time.perf_counter()
after_start = [name for name in names if name in sys.modules]
reports = []
warmup.finished.connect(lambda report: (reports.append(report), app.quit()))
QTimer.singleShot(60_000, app.quit)
app.exec()
report = reports[0] if reports else None
print(json.dumps({
    "before": before,
    "after_start": after_start,
    "start_seconds": returned - started,
    "gui_thread": threading.get_ident(),
    "worker_thread": report.thread_id if report else None,
    "imported": list(report.imported) if report else None,
    "kpis_read": report.kpis_read if report else None,
    "ticks_while_warming": len(ticks),
    "after": [name for name in names if name not in sys.modules],
}))
ctx.db.dispose()
"""


def run_child(db_url: str, caller: Caller) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, db_url, caller.login, caller.role, str(caller.user_id)],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def seeded(db: Database) -> Seed:
    seed = seed_small(db)
    set_up_rules(db, seed)
    run_history(db, seed, nights=1)
    return seed


def test_imports_and_reads_off_the_gui_thread_without_blocking_it(
    db: Database, db_url: str
) -> None:
    seed = seeded(db)
    found = run_child(db_url, seed.anna)
    assert found["before"] == []  # a fresh process: the warm-up has everything to do
    assert found["after_start"] == []  # start() imported nothing on the GUI thread
    assert isinstance(found["start_seconds"], float) and found["start_seconds"] < 0.5
    assert found["worker_thread"] not in (None, found["gui_thread"])
    assert found["imported"] == list(TODAY_MODULES)  # a user gets no setup modules
    assert found["kpis_read"] == 2  # anna's two KPIs, read as Dagens KPI reads them
    assert found["after"] == []
    assert isinstance(found["ticks_while_warming"], int) and found["ticks_while_warming"] > 0


def test_an_administrator_also_gets_the_setup_and_preview_modules(
    db: Database, db_url: str
) -> None:
    seed = seeded(db)
    assert modules_for(AppContext(db=db, caller=seed.admin)) == TODAY_MODULES + ADMIN_MODULES
    found = run_child(db_url, seed.admin)
    assert found["imported"] == list(TODAY_MODULES + ADMIN_MODULES)
    assert found["kpis_read"] == 0  # the administrator has no profile, so no KPIs
    assert found["after"] == []


def test_the_main_window_warms_up_once(db: Database, qtbot: QtBot) -> None:
    seed = seeded(db)
    window = MainWindow(AppContext(db=db, caller=seed.anna), start_scheduler=False)
    qtbot.addWidget(window)
    warmup = window.warmup
    assert isinstance(warmup, Warmup) and warmup.parent() is window
    if not warmup.done:
        with qtbot.waitSignal(warmup.finished, timeout=WAIT_MS):
            pass
    report = warmup.report
    assert isinstance(report, WarmupReport)
    assert report.thread_id != threading.get_ident()
    assert report.kpis_read == 2
    assert all(name in sys.modules for name in TODAY_MODULES)
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)


def test_a_failed_warm_up_only_logs(
    db: Database, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    seed_small(db)
    nobody = Caller(login="nobody", role="user", user_id=999_999)
    warmup = Warmup(AppContext(db=db, caller=nobody))
    with caplog.at_level(logging.WARNING, logger="kpidesk.gui"):
        with qtbot.waitSignal(warmup.finished, timeout=WAIT_MS) as finished:
            warmup.start()
    assert finished.args == [None]
    assert warmup.done and warmup.report is None
    assert "warm-up failed" in caplog.text
