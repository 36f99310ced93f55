"""Which nights to calculate and when: pure decisions, no database, no threads, no wall clock.

Kept apart from the APScheduler wiring so that the DST nights, the catch-up plan and the retry
backoff can be tested by driving them with constructed times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

# One "today" for the installation (kpidesk.domain.clock); re-exported for the scheduler.
from kpidesk.domain.clock import Clock as Clock
from kpidesk.domain.clock import local_today as local_today
from kpidesk.domain.clock import system_clock as system_clock


def nightly_trigger(run_time: dt.time, tz: ZoneInfo) -> CronTrigger:
    """The daily trigger as an object (never the "cron" string a frozen app cannot resolve)."""
    return CronTrigger(hour=run_time.hour, minute=run_time.minute, second=0, timezone=tz)


def fire_times(
    trigger: CronTrigger, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:  # fmt: skip
    """Every firing in [start, end), computed the way APScheduler's own loop does it."""
    times: list[dt.datetime] = []
    previous: dt.datetime | None = None
    now = start.astimezone(dt.UTC)
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire >= end:
            return times
        times.append(fire)
        previous = fire
        # Step in UTC: wall-clock arithmetic on the fold=1 October 02:00 would go back an hour.
        now = fire.astimezone(dt.UTC) + dt.timedelta(microseconds=1)


def catchup_dates(
    today: dt.date, latest_success: dt.date | None, limit: int
) -> list[dt.date]:  # fmt: skip
    """The dates to calculate now, oldest first.

    Missed days are the days after the latest successful run (on or before today) up to and
    including today; at most `limit` of them, the most recent ones. `limit` below 1 still
    calculates today: the nightly promise holds even with catch-up of history turned off. A
    database that never had a successful run gets today only (history is `kpidesk recalc
    --from`'s job, not a start-up surprise).
    """
    if latest_success is not None and latest_success >= today:
        return []
    first = today if latest_success is None else latest_success + dt.timedelta(days=1)
    first = max(first, today - dt.timedelta(days=max(limit, 1) - 1))
    return [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait before each new try after a failed (or still pending) night.

    The default spreads 3 tries over an hour; tests pass fractions of a second.
    """

    delays: tuple[dt.timedelta, ...] = (
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=15),
        dt.timedelta(minutes=40),
    )

    def __post_init__(self) -> None:
        if any(delay < dt.timedelta(0) for delay in self.delays):
            raise ValueError("retry delays must not be negative")

    @classmethod
    def seconds(cls, *delays: float) -> RetryPolicy:
        return cls(tuple(dt.timedelta(seconds=delay) for delay in delays))

    @property
    def tries(self) -> int:
        return len(self.delays)

    def delay(self, failures: int) -> dt.timedelta | None:
        """The wait after the `failures`-th failure in a row (1-based); None once given up."""
        if failures < 1 or failures > len(self.delays):
            return None
        return self.delays[failures - 1]
