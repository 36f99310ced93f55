"""One window's background calls: the latest request wins, errors are put into words once,
and the window can ask whether it is busy.

Built on `runner.run_in_background`, so its guarantees hold: the job runs on a worker and never
touches widgets; its function and the callbacks are let go of on the GUI thread (a Qt object
freed on a worker thread once crashed the app); an answer for a window that is gone is dropped.
A job's function must not hold the window: pass it the context's parts, not `self`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from kpidesk.gui.runner import run_in_background

log = logging.getLogger("kpidesk.gui")
T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """A failed call in words: `text` is one line for a status label, `lines` every problem
    (a `SourceError` names one per file and line), `error` the exception itself."""

    text: str
    lines: tuple[str, ...]
    error: BaseException


def first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else ""


def failure_of(exc: BaseException) -> Failure:
    """The one way kpidesk turns an exception into words (no traceback, never empty)."""
    problems = getattr(exc, "problems", None)
    if problems:
        lines = tuple(str(problem) for problem in problems)
    else:
        lines = (first_line(str(exc)) or type(exc).__name__,)
    return Failure(lines[0], lines, exc)


class Loader(QObject):
    """Runs one kind of call for its owner: a new request makes every older answer stale.

    `busy` is True from a request until its answer (or failure) has been handled; a stale
    answer is dropped without calling back. Several loaders serve a window with several
    independent calls (e.g. the rows, and a save).
    """

    busyChanged = Signal(bool)

    def __init__(self, owner: QObject) -> None:
        super().__init__(owner)  # Qt holds the loader; the loader holds no Python reference back
        self._request = 0
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def run(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Failure], None] | None = None,
    ) -> None:
        """Call `fn()` on a worker; `done(result)` or `failed(failure)` on the GUI thread,
        unless another `run` came after this one."""
        self._request += 1
        request = self._request
        self._set_busy(True)

        def succeeded(result: Any) -> None:
            if request != self._request:
                return
            self._set_busy(False)
            done(result)

        def broke(exc: BaseException) -> None:
            if request != self._request:
                return
            self._set_busy(False)
            failure = failure_of(exc)
            if failed is not None:
                failed(failure)
            else:
                log.warning("background call failed: %s", failure.text)

        owner = self.parent()
        if owner is None:  # its window is being deleted: nobody to answer
            self._set_busy(False)
            return
        run_in_background(owner, fn, succeeded, broke)

    def cancel(self) -> None:
        """Drop the answer of the call under way (the call itself finishes on its worker)."""
        self._request += 1
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)
