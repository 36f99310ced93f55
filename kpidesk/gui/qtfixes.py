"""Work around a reference-count bug in PySide6's `SignalInstance.emit` (seen in 6.12.0).

`emit()` returns `True` without taking a reference to it, so every `signal.emit(...)` made from
Python drops one reference to `True`. On Python 3.11 `True` is an ordinary object: after a few
hundred emits the interpreter aborts with "Fatal Python error: bool_dealloc". (From 3.12 `True`
is immortal and the bug is harmless.) The fix is applied only when a probe shows the leak, and
adds back the missing reference; an extra reference to `True` could never do harm.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBE_EMITS = 16

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    fired = Signal()


def emit_leaks_true() -> bool:
    """Whether `emit()` drops a reference to `True` each time (measured, not guessed)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBE_EMITS):
        probe.fired.emit()
    leaked = before - sys.getrefcount(True)
    if leaked > 0:
        for _ in range(leaked):  # give back what the probe itself took
            _incref(True)
    return leaked >= PROBE_EMITS


def apply() -> bool:
    """Patch `SignalInstance.emit` once if it leaks; returns whether the patch is in place."""
    if getattr(SignalInstance.emit, "_kpidesk_fixed", False):
        return True
    if not emit_leaks_true():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        # Given back before the call, so that nothing runs between the emit and the return
        # (a worker thread must not hold the emitting objects any longer than before).
        _incref(True)
        return original(self, *args)

    emit._kpidesk_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True


FIXED = apply()


# The same bug is wider for None: in PySide6 6.12 on Python 3.11 every call of a method that
# returns void (setText, processEvents, QThreadPool.start, ...) drops one reference to None,
# so a long-running app or test session ends in "Fatal Python error: none_dealloc" (or a
# segfault) at a random moment. Python 3.12 made None, True and False immortal; on 3.11 the
# same effect is a reference count no leak can exhaust (2**40: days of leaking a million a
# second). A singleton is never freed anyway, so extra references cannot do harm.
IMMORTAL_BOOST = 1 << 40


def void_calls_leak_none() -> bool:
    """Whether a void method call drops a reference to None (measured, not guessed)."""
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(PROBE_EMITS):
        probe.setObjectName("probe")
    leaked = before - sys.getrefcount(None)
    for _ in range(max(leaked, 0)):
        _incref(None)
    return leaked >= PROBE_EMITS


def immortalize_singletons() -> bool:
    """On Python 3.11 with the leak, raise None's, True's and False's reference counts."""
    if sys.version_info >= (3, 12) or not void_calls_leak_none():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(singleton)).value += IMMORTAL_BOOST
    return True


SINGLETONS_IMMORTAL = immortalize_singletons()
