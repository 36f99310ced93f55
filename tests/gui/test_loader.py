"""The one background loader: the latest request wins, errors are put into words once, busy
is known, and what a job holds is let go of on the GUI thread (never on a worker)."""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui.loader import Failure, Loader, failure_of
from kpidesk.gui.runner import busy
from kpidesk.services import source
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.source import SourceError

WAIT = 10_000


def owner(qtbot: QtBot) -> QWidget:
    """A window for the loader; the test keeps it (a loader lives as long as its window)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_latest_request_wins(qtbot: QtBot) -> None:
    window = owner(qtbot)
    loader = Loader(window)
    answers: list[str] = []
    started = threading.Event()

    def slow() -> str:
        started.set()
        time.sleep(0.3)
        return "old"

    loader.run(slow, answers.append)
    assert loader.busy
    started.wait(5)
    loader.run(lambda: "new", answers.append)
    qtbot.waitUntil(lambda: not busy(), timeout=WAIT)
    assert answers == ["new"]  # the slow, older answer arrived last and was dropped
    assert not loader.busy


def test_a_failure_is_said_once_in_one_line_per_problem(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    """A bad mapping file: the service's SourceError names each problem; no traceback."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[mapping\n", encoding="utf-8")
    window = owner(qtbot)
    loader = Loader(window)
    failures: list[Failure] = []
    busy_seen: list[bool] = []
    loader.busyChanged.connect(busy_seen.append)
    loader.run(
        lambda: source.set_folder(db, SYSTEM_CLI, str(tmp_path), str(bad)),
        lambda _result: None,
        failures.append,
    )
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT)
    (failure,) = failures
    assert isinstance(failure.error, SourceError)
    assert failure.lines == tuple(str(p) for p in failure.error.problems)
    assert failure.text == failure.lines[0] and failure.text.startswith("bad.toml: ")
    assert "Traceback" not in "\n".join(failure.lines)
    assert busy_seen == [True, False]
    assert source.show(db, SYSTEM_CLI).kind == "none"  # nothing stored


def test_an_exception_without_words_is_named() -> None:
    assert failure_of(RuntimeError("")).text == "RuntimeError"
    assert failure_of(ValueError("first line\nsecond line")).lines == ("first line",)


def test_a_stale_answer_still_lets_go_of_its_window_on_the_gui_thread(qtbot: QtBot) -> None:
    """runner.py's guarantee through the loader: the job's function (here holding a window no
    one else holds) is freed on the GUI thread, also when its answer is dropped as stale."""
    window = owner(qtbot)
    loader = Loader(window)
    freed_on: list[str] = []
    answers: list[str] = []

    def start() -> weakref.ref[QWidget]:
        window = QWidget()
        window.setObjectName("only-the-job-holds-me")
        loader.run(lambda: (time.sleep(0.2), window.objectName())[1], answers.append)
        return weakref.ref(window, lambda _r: freed_on.append(threading.current_thread().name))

    watch = start()
    loader.run(lambda: "newer", answers.append)
    qtbot.waitUntil(lambda: not busy(), timeout=WAIT)
    qtbot.waitUntil(lambda: watch() is None, timeout=5_000)
    assert answers == ["newer"]
    assert freed_on == [threading.main_thread().name]


def test_an_answer_for_a_closed_window_is_dropped(qtbot: QtBot) -> None:
    widget = QWidget()
    loader = Loader(widget)
    answers: list[str] = []
    loader.run(lambda: (time.sleep(0.1), "late")[1], answers.append)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not busy(), timeout=WAIT)
    assert answers == []
