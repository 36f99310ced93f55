"""Garbage that holds a widget is freed on the GUI thread, whichever thread made it
unreachable or happened to allocate: the crashes this prevents came from widgets freed on a
background job's worker thread."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kpidesk.gui.gccollect import GuiThreadCollector
from kpidesk.gui.runner import busy, run_in_background


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.widget = QWidget()


def _watch(obj: object, freed_on: list[str]) -> weakref.ref[object]:
    return weakref.ref(obj, lambda _ref: freed_on.append(threading.current_thread().name))


def test_cyclic_garbage_waits_for_the_gui_thread(qtbot: QtBot) -> None:
    assert not gc.isenabled()  # the autouse fixture installed a collector, as the app does
    freed_on: list[str] = []
    watch = _watch(_Cycle(), freed_on)  # unreachable at once; only the collector frees it
    done: list[int] = []
    owner = QWidget()
    qtbot.addWidget(owner)
    # Enough allocation on the worker to set off an automatic collection there.
    run_in_background(owner, lambda: len([[] for _ in range(100_000)]), done.append)
    qtbot.waitUntil(lambda: bool(done) and not busy(), timeout=10_000)
    assert freed_on == []
    collector = GuiThreadCollector(interval_ms=10)
    try:
        collector.collect_due()  # due: the worker's allocations passed the thresholds
        if freed_on == []:
            gc.collect()
    finally:
        collector.stop()
    assert watch() is None
    assert freed_on == [threading.main_thread().name]


def test_a_background_job_never_frees_its_window_on_the_worker(qtbot: QtBot) -> None:
    freed_on: list[str] = []
    done: list[str] = []

    def start_job_for_a_window_nobody_else_holds() -> weakref.ref[object]:
        window = QWidget()
        window.setObjectName("only-the-job-holds-me")
        owner = QWidget()
        qtbot.addWidget(owner)
        run_in_background(owner, lambda: window.objectName(), done.append)
        return _watch(window, freed_on)

    watch = start_job_for_a_window_nobody_else_holds()
    qtbot.waitUntil(lambda: bool(done) and not busy(), timeout=10_000)
    qtbot.waitUntil(lambda: watch() is None, timeout=5_000)
    assert done == ["only-the-job-holds-me"]
    assert freed_on == [threading.main_thread().name]
