"""The desktop's scheduler bridge: runs off the GUI thread, reports on the GUI thread."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QThread
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.engine.run import run_for_date
from kpidesk.gui.context import AppContext
from kpidesk.gui.scheduler_bridge import SchedulerBridge
from kpidesk.services.caller import Caller, PermissionDenied
from tests.scheduler import seed

DAY = dt.date(2026, 11, 20)
ADMIN = Caller(login="admin", role="admin")
SELLER = Caller(login="seller0", role="user")


def clock_at(day: dt.date, hour: int = 7):  # type: ignore[no-untyped-def]
    moment = dt.datetime.combine(day, dt.time(hour), seed.CPH)
    return lambda: moment


class Recorder:
    """Records each event with whether it arrived on the GUI thread."""

    def __init__(self, ctx: AppContext) -> None:
        self.events: list[tuple[str, object, bool]] = []
        ctx.events.runStarted.connect(lambda d: self._record("started", d))
        ctx.events.runProgress.connect(lambda done, total: self._record("progress", (done, total)))
        ctx.events.runFinished.connect(lambda s: self._record("finished", s))

    def _record(self, kind: str, payload: object) -> None:
        app = QCoreApplication.instance()
        assert app is not None
        on_gui = QThread.currentThread() == app.thread() and (
            threading.current_thread() is threading.main_thread()
        )
        self.events.append((kind, payload, on_gui))

    def kinds(self, kind: str) -> list[object]:
        return [payload for k, payload, _ in self.events if k == kind]


def test_catch_up_is_reported_on_the_gui_thread(db: Database, qtbot: QtBot) -> None:
    seed.seed(db, DAY)
    run_for_date(db, DAY - dt.timedelta(days=3), trigger="nightly")
    ctx = AppContext(db=db, caller=SELLER)  # any desktop runs the night, not only an admin's
    recorder = Recorder(ctx)
    bridge = SchedulerBridge(ctx, clock=clock_at(DAY))
    try:
        with qtbot.waitSignal(ctx.events.runStarted, timeout=20_000) as started:
            bridge.start()
        assert started.args == [DAY - dt.timedelta(days=2)]
        qtbot.waitUntil(lambda: len(recorder.kinds("finished")) == 3, timeout=30_000)
    finally:
        bridge.stop()
    assert recorder.kinds("started") == [DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1),
                                         DAY]  # fmt: skip
    finished = recorder.kinds("finished")
    assert [(s.run_date, s.status) for s in finished] == [  # type: ignore[attr-defined]
        (DAY - dt.timedelta(days=2), "success"), (DAY - dt.timedelta(days=1), "success"),
        (DAY, "success"),
    ]  # fmt: skip
    assert (0, 3) in recorder.kinds("progress") and (3, 3) in recorder.kinds("progress")
    assert all(on_gui for _, _, on_gui in recorder.events)
    assert [(d, s) for d, s, _ in seed.runs(db)][1:] == [
        (DAY - dt.timedelta(days=2), "success"), (DAY - dt.timedelta(days=1), "success"),
        (DAY, "success"),
    ]  # fmt: skip


def test_a_failed_run_is_reported_then_retried(db: Database, qtbot: QtBot) -> None:
    from kpidesk.scheduler.plan import RetryPolicy

    seed.seed(db, DAY)
    seed.break_rule(db)
    ctx = AppContext(db=db, caller=ADMIN)
    recorder = Recorder(ctx)
    bridge = SchedulerBridge(ctx, clock=clock_at(DAY), retry=RetryPolicy.seconds(0.5))
    try:
        with qtbot.waitSignal(ctx.events.runFinished, timeout=20_000) as failed:
            bridge.start()
        assert failed.args[0].status == "failed"
        assert seed.RULES[0] in failed.args[0].reason
        seed.mend_rule(db)
        with qtbot.waitSignal(ctx.events.runFinished, timeout=20_000) as retried:
            pass
        assert retried.args[0].status == "success"
    finally:
        bridge.stop()
    assert [(s, t) for _, s, t in seed.runs(db)] == [("failed", "catchup"), ("success", "retry")]
    assert all(on_gui for _, _, on_gui in recorder.events)


def test_run_now_through_the_bridge(db: Database, qtbot: QtBot) -> None:
    seed.seed(db, DAY)
    ctx = AppContext(db=db, caller=ADMIN)
    recorder = Recorder(ctx)
    bridge = SchedulerBridge(ctx, clock=clock_at(DAY), catch_up=False)
    try:
        with qtbot.waitSignal(ctx.events.runFinished, timeout=20_000) as finished:
            bridge.run_now(DAY - dt.timedelta(days=1))
        assert finished.args[0].status == "success"
        assert bridge.next_run() is not None
    finally:
        bridge.stop()
    assert recorder.kinds("started") == [DAY - dt.timedelta(days=1)]
    assert seed.runs(db) == [(DAY - dt.timedelta(days=1), "success", "manual")]
    user_bridge = SchedulerBridge(AppContext(db=db, caller=SELLER), catch_up=False)
    with pytest.raises(PermissionDenied):
        user_bridge.run_now(DAY)
    user_bridge.stop()


def test_many_emits_do_not_exhaust_true(qapp) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12.0's emit() dropped a reference to True (it is refused at start-up)."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        ping = Signal(int, int)

    emitter = Emitter()
    emitter.ping.connect(lambda done, total: None)
    before = sys.getrefcount(True)
    worker = threading.Thread(target=lambda: [emitter.ping.emit(n, 3) for n in range(3000)])
    worker.start()
    worker.join()
    for n in range(3000):
        emitter.ping.emit(n, 3)
    qapp.processEvents()
    assert sys.getrefcount(True) >= before - 5


def test_an_unreachable_database_does_not_stop_the_app(qtbot: QtBot) -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/kpidesk")
    try:
        bridge = SchedulerBridge(AppContext(db=db, caller=ADMIN), catch_up=True)
        bridge.start()  # logs a warning and tries again later instead of raising
        assert not bridge.scheduler.running
        assert bridge.next_run() is None
        with pytest.raises(RuntimeError, match="not reachable"):
            bridge.run_now(DAY)
        bridge.stop()
    finally:
        db.dispose()
