"""One helper for every slow call: run it on a worker thread, get the answer on the GUI thread.

Like Anki's QueryOp: the job never touches widgets; `on_success`/`on_failure` run on the GUI
thread, and are dropped silently if their owner widget is gone by then.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from kpidesk.services.caller import AccountChanged

log = logging.getLogger("kpidesk.gui")

T = TypeVar("T")

_pool: QThreadPool | None = None
_pending: set[_Delivery] = set()
# Parent of every delivery: Qt, not Python's reference count, decides when one is deleted
# (with deleteLater, on the GUI thread, after its slot has returned). A delivery owned by
# Python could otherwise be freed on the worker thread, or inside its own slot, and crash.
_anchor: QObject | None = None


def _deliveries_parent() -> QObject:
    global _anchor
    if _anchor is None:
        _anchor = QObject()
    return _anchor


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


class _Notifier(QObject):
    """Failures every window must hear of, whichever job met them first."""

    accountChanged = Signal(str)  # AccountChanged.reason: "inactive" | "demoted"


_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    """The GUI thread's notifier (created on first use, which is on the GUI thread)."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def _ignore(_result: object) -> None:
    """What a finished delivery calls back: nothing (it holds no callback any more)."""


class _Delivery(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call into the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        owner: QObject,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__(_deliveries_parent())
        self._owner: QObject | None = owner
        self._owner_alive = True
        owner.destroyed.connect(self._owner_gone)
        self._on_success = on_success
        self._on_failure = on_failure
        self.keep_alive: object = None  # the job's function, freed here, not on the worker
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    @Slot()
    def _owner_gone(self) -> None:
        self._owner_alive = False

    def _done(self) -> None:
        """Let go of the owner first: the callbacks may hold its last reference, and its
        `destroyed` must not reach this object while Qt deletes it."""
        _pending.discard(self)
        if self._owner_alive:
            # Already gone on the C++ side: nothing left to disconnect.
            with contextlib.suppress(RuntimeError, TypeError):
                self._owner.destroyed.disconnect(self._owner_gone)
        self._owner_alive = False
        self._owner = None
        self._on_success = _ignore
        self._on_failure = None
        self.keep_alive = None
        self.deleteLater()

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        try:
            if self._owner_alive:
                self._on_success(result)
        finally:
            self._done()

    @Slot(object)
    def _deliver_failure(self, exc: object) -> None:
        try:
            if isinstance(exc, AccountChanged):
                notifier().accountChanged.emit(exc.reason)
            if not self._owner_alive:
                return
            assert isinstance(exc, BaseException)
            if self._on_failure is not None:
                self._on_failure(exc)
            else:
                log.error("background job failed: %s", "".join(traceback.format_exception(exc)))
        finally:
            self._done()


class _Job(QRunnable):
    """Runs `fn` on a worker; the worker never holds the last reference to anything.

    `fn` often closes over a window: were its last reference dropped here, Python would free
    the window on the worker thread and Qt would crash. The delivery keeps `fn` alive until
    its answer has been handled on the GUI thread, and a failure's traceback loses its frames'
    locals (the text of the traceback stays) before it crosses over.
    """

    def __init__(self, fn: Callable[[], Any], delivery: _Delivery) -> None:
        super().__init__()
        self._fn: Callable[[], Any] | None = fn
        self._delivery = delivery

    def run(self) -> None:
        fn, self._fn = self._fn, None
        assert fn is not None
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            del fn
            traceback.clear_frames(exc.__traceback__)
            self._delivery.failed.emit(exc)
        else:
            del fn
            self._delivery.succeeded.emit(result)


def run_in_background(
    owner: QObject,
    fn: Callable[[], T],
    on_success: Callable[[T], None],
    on_failure: Callable[[BaseException], None] | None = None,
) -> None:
    """Run `fn()` on a worker thread; call back on the GUI thread while `owner` still exists."""
    notifier()  # created on the GUI thread, before any job can need it
    delivery = _Delivery(owner, on_success, on_failure)
    delivery.keep_alive = fn  # let go of on the GUI thread, in _done
    _pending.add(delivery)
    pool().start(_Job(fn, delivery))


def busy() -> bool:
    """Whether any job's answer is still to be delivered (tests wait on this)."""
    return bool(_pending)
