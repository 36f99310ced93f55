"""What "today" is for the installation: one computation, with the clock passed in.

"Today" is the calendar date in the installation's time zone (the `timezone` setting), never
the PC's: a desktop in another zone, or a server on UTC, must compute the same night as the
nightly run. Everything that needs today (runs, "Dagens KPI", the activities list, previews,
the command line) calls `local_today`; the services read the zone (`services.settings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]
"""Returns the current moment as an aware datetime; tests pass a controllable one."""


def system_clock() -> dt.datetime:
    """Now, aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def local_today(now: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar date of the moment `now` in the time zone `tz`.

    Computed from the moment itself (not from a wall time), so the doubled October firing and
    the shifted March firing of the nightly run still name the right date. A naive datetime
    is refused: its zone would be a guess.
    """
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: the clock must give aware datetimes")
    return now.astimezone(dt.UTC).astimezone(tz).date()
