"""What every window needs: the database, who is logged in, and app-wide events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from kpidesk.data.db import Database
from kpidesk.services.caller import Caller


class AppEvents(QObject):
    """App-wide notifications, emitted on the GUI thread.

    setupChanged: the KPI setup (profiles, users' profiles, rules) changed; e.g. "Mine KPI"
    re-checks its visibility. runStarted(date) / runProgress(done, total) / runFinished(summary):
    a KPI calculation (nightly, catch-up or "Beregn nu"); windows showing results refresh.
    runWaiting(state): a calculation of this app waits its turn, "queued" behind another of
    this app, "waiting" for one of another desktop or the server.
    """

    setupChanged = Signal()
    runWaiting = Signal(str)
    runStarted = Signal(object)
    runProgress = Signal(int, int)
    runFinished = Signal(object)


def system_clock() -> dt.datetime:
    """Now, aware. Windows read the time through `AppContext.clock` so tests can move it."""
    return dt.datetime.now(dt.UTC)


@dataclass
class AppContext:
    db: Database
    caller: Caller
    events: AppEvents = field(default_factory=AppEvents)
    language: str = "da"
    clock: Callable[[], dt.datetime] = system_clock
