"""Time windows of a run as of date D, in the installation's time zone (DST-correct).

A run computes KPIs as of D 00:00 local time. Every window is half-open [start, end) and
made of aware datetimes, so the engine can bind them as UTC and compare in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PERIODS = ("month", "quarter", "year", "rolling")
CALENDAR_PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Window:
    """A half-open interval [start, end) of aware datetimes."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a window needs aware datetimes")
        if self.end.astimezone(dt.UTC) < self.start.astimezone(dt.UTC):
            raise ValueError(f"window ends before it starts: {self.start} > {self.end}")

    def __contains__(self, moment: object) -> bool:
        if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
            return False
        # Compare instants in UTC: Python compares equal-tzinfo datetimes by wall time.
        utc = moment.astimezone(dt.UTC)
        return self.start.astimezone(dt.UTC) <= utc < self.end.astimezone(dt.UTC)

    def utc(self) -> Window:
        """The same window expressed in UTC (what the database stores)."""
        return Window(self.start.astimezone(dt.UTC), self.end.astimezone(dt.UTC))

    @property
    def duration(self) -> dt.timedelta:
        """Elapsed time (23 or 25 hours for a day across a DST change)."""
        return self.end.astimezone(dt.UTC) - self.start.astimezone(dt.UTC)


def day_start(d: dt.date, tz: ZoneInfo) -> dt.datetime:
    """D 00:00 local time. Where midnight does not exist (a DST gap), the first instant of D."""
    naive = dt.datetime(d.year, d.month, d.day)
    # Round-tripping through UTC normalises a non-existent wall time to the real instant.
    return naive.replace(tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


def _check_days(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"number of days must be a whole number ≥ 0, not {n!r}")


def next_days(d: dt.date, n: int, tz: ZoneInfo) -> Window:
    """The next n days as of D: [D 00:00, D+n 00:00)."""
    _check_days(n)
    return Window(day_start(d, tz), day_start(d + dt.timedelta(days=n), tz))


def last_days(d: dt.date, n: int, tz: ZoneInfo) -> Window:
    """The last n days as of D: [D−n 00:00, D 00:00)."""
    _check_days(n)
    return Window(day_start(d - dt.timedelta(days=n), tz), day_start(d, tz))


def period_bounds(d: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First day of the calendar period containing d, and first day of the next period."""
    if period == "month":
        first = d.replace(day=1)
        following = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    elif period == "quarter":
        month = 3 * ((d.month - 1) // 3) + 1
        first = dt.date(d.year, month, 1)
        following = dt.date(d.year + (month == 10), (month + 2) % 12 + 1, 1)
    elif period == "year":
        first = dt.date(d.year, 1, 1)
        following = dt.date(d.year + 1, 1, 1)
    else:
        raise ValueError(
            f"unknown calendar period {period!r}; use one of {', '.join(CALENDAR_PERIODS)}"
        )
    return first, following


def period_end(d: dt.date, period: str) -> dt.date:
    """First day after the calendar period containing d (the end of a half-open period)."""
    return period_bounds(d, period)[1]


def period_start(d: dt.date, period: str) -> dt.date:
    """First day of the calendar month, quarter or year containing d."""
    return period_bounds(d, period)[0]


def period_last_day(d: dt.date, period: str) -> dt.date:
    """Last day of the calendar month, quarter or year containing d."""
    return period_bounds(d, period)[1] - dt.timedelta(days=1)


def period_to_date(d: dt.date, period: str, tz: ZoneInfo) -> Window:
    """This month/quarter/year as of D: [first day of the period 00:00, D 00:00).

    On the first day of a period the window is empty: nothing of the new period has passed.
    """
    first, _ = period_bounds(d, period)
    return Window(day_start(first, tz), day_start(d, tz))
