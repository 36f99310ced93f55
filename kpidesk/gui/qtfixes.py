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
        result = original(self, *args)
        if result is True:
            _incref(True)
        return result

    emit._kpidesk_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True


FIXED = apply()
