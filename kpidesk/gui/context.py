"""What every window needs: the database, who is logged in, and app-wide events."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from kpidesk.domain.clock import Clock, system_clock
from kpidesk.services.caller import Caller
from kpidesk.services.database import Database
from kpidesk.services.desk import KpiDesk


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


@dataclass
class AppContext:
    """`desk` is what windows call (the services for this person); `clock` is what they read
    the time from, so tests can move it, and it decides "today" in `desk`."""

    db: Database
    caller: Caller
    events: AppEvents = field(default_factory=AppEvents)
    language: str = "da"
    clock: Clock = system_clock

    @property
    def desk(self) -> KpiDesk:
        return KpiDesk(self.db, self.caller, clock=self.clock)
