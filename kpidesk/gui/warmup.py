"""Warm the KPI windows up right after login, off the GUI thread.

The first "Dagens KPI" of a process used to pay for importing the services and the engine
(numpy, the forecast, every template module) and for SQLAlchemy compiling its statements on
first use: 0.3–1.3 s, where later opens take tens of milliseconds. The main window starts this
warm-up once; it does that same work on a worker thread while the person looks at the main
window, so the first open costs what every later one does. Nothing here touches a widget, and
a failure only logs: the windows report real problems themselves.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kpidesk.gui.context import AppContext
from kpidesk.gui.runner import run_in_background

log = logging.getLogger("kpidesk.gui")

# What "Dagens KPI" needs (kpidesk.gui.today_dialog.load_today and the cards); importing the
# GUI modules defines classes only, no widget is created off the GUI thread.
TODAY_MODULES = (
    "numpy",
    "kpidesk.domain.forecast",
    "kpidesk.services.kpi",
    "kpidesk.services.setup",  # the engine's catalogue comes with the KPI read in warm()
    "kpidesk.gui.formatting",
    "kpidesk.gui.kpi_card",
    "kpidesk.gui.today_dialog",
)
# What an administrator's KPI setup needs besides. (The GUI names no engine module: the
# rule preview's own import is the service's business, and costs a few milliseconds.)
ADMIN_MODULES = (
    "kpidesk.gui.setup_models",
    "kpidesk.gui.rule_editor",
    "kpidesk.gui.setup_dialog",
)


@dataclass(frozen=True)
class WarmupReport:
    """What the warm-up did, for the log and the tests."""

    seconds: float
    thread_id: int  # the worker thread's threading.get_ident()
    imported: tuple[str, ...]  # modules this warm-up imported first (others had already)
    kpis_read: int  # the logged-in person's KPIs read once, as "Dagens KPI" reads them


def modules_for(ctx: AppContext) -> tuple[str, ...]:
    return TODAY_MODULES + (ADMIN_MODULES if ctx.caller.is_admin else ())


def warm(ctx: AppContext) -> WarmupReport:
    """Import the KPI windows' modules and read the person's KPIs once (any thread)."""
    started = time.perf_counter()
    imported = []
    for name in modules_for(ctx):
        if name not in sys.modules:
            importlib.import_module(name)
            imported.append(name)
    from kpidesk.gui.today_dialog import load_today

    today, _currency, _tz = load_today(ctx)  # compiles and caches the statements Dagens KPI runs
    return WarmupReport(
        seconds=time.perf_counter() - started,
        thread_id=threading.get_ident(),
        imported=tuple(imported),
        kpis_read=len(today.kpis),
    )


class Warmup(QObject):
    """One warm-up on the runner's worker threads; `finished` comes on the GUI thread."""

    finished = Signal(object)  # WarmupReport, or None when it failed (logged)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: WarmupReport | None = None
        self.done = False

    def start(self) -> None:
        ctx = self.ctx
        run_in_background(self, lambda: warm(ctx), self._finished, self._failed)

    def _finished(self, report: WarmupReport) -> None:
        self.report = report
        self.done = True
        log.info("warm-up: %.2f s, imported %d modules", report.seconds, len(report.imported))
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.done = True
        log.warning("warm-up failed (the KPI windows still work): %s", exc)
        self.finished.emit(None)


def start_warmup(ctx: AppContext, parent: QObject) -> Warmup:
    """Start warming up for the logged-in person; returns at once (the main window calls it)."""
    warmup = Warmup(ctx, parent)
    warmup.start()
    return warmup
