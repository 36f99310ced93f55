"""Windows as of D: half-open, local midnight, and not shifted by a DST night."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kpidesk.domain.periods import (
    Window,
    day_start,
    last_days,
    next_days,
    period_bounds,
    period_end,
    period_to_date,
)

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC


def test_day_start_is_local_midnight_on_both_dst_nights() -> None:
    spring = day_start(dt.date(2026, 3, 29), CPH)
    autumn = day_start(dt.date(2026, 10, 25), CPH)
    assert spring.astimezone(UTC) == dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert autumn.astimezone(UTC) == dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert (spring.hour, spring.minute) == (0, 0)


def test_day_start_where_midnight_does_not_exist() -> None:
    # Chile moves its clocks from 00:00 to 01:00: the day starts at 01:00 local time.
    santiago = ZoneInfo("America/Santiago")
    start = day_start(dt.date(2024, 9, 8), santiago)
    assert (start.date(), start.hour) == (dt.date(2024, 9, 8), 1)
    assert next_days(dt.date(2024, 9, 8), 1, santiago).duration == dt.timedelta(hours=23)
    assert next_days(dt.date(2024, 9, 7), 1, santiago).duration == dt.timedelta(hours=24)


def test_next_days_across_spring_forward_keeps_local_midnights() -> None:
    window = next_days(dt.date(2026, 3, 29), 14, CPH)
    assert window.start == dt.datetime(2026, 3, 29, tzinfo=CPH)
    assert window.end == dt.datetime(2026, 4, 12, tzinfo=CPH)
    assert window.end.astimezone(UTC) == dt.datetime(2026, 4, 11, 22, 0, tzinfo=UTC)
    assert window.duration == dt.timedelta(days=14, hours=-1)
    assert dt.datetime(2026, 4, 11, 23, 59, tzinfo=CPH) in window
    assert dt.datetime(2026, 4, 12, 0, 0, tzinfo=CPH) not in window
    assert dt.datetime(2026, 3, 29, 0, 0, tzinfo=CPH) in window
    assert dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC) in window
    assert dt.datetime(2026, 3, 28, 22, 59, tzinfo=UTC) not in window


def test_last_days_across_fall_back() -> None:
    window = last_days(dt.date(2026, 10, 26), 1, CPH)
    assert window.start == dt.datetime(2026, 10, 25, tzinfo=CPH)
    assert window.end == dt.datetime(2026, 10, 26, tzinfo=CPH)
    assert window.duration == dt.timedelta(hours=25)
    assert dt.datetime(2026, 10, 25, 23, 59, tzinfo=CPH) in window
    assert dt.datetime(2026, 10, 26, 0, 0, tzinfo=CPH) not in window
    # 02:30 happens twice that night; both are inside the day.
    assert dt.datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=CPH) in window
    assert dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=CPH) in window


def test_utc_window_is_the_same_instants() -> None:
    window = next_days(dt.date(2026, 10, 25), 1, CPH)
    utc = window.utc()
    assert utc.start == window.start and utc.end == window.end
    assert utc.start.tzinfo == UTC
    assert utc.start == dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert utc.end == dt.datetime(2026, 10, 25, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("d", "period", "first", "following"),
    [
        (dt.date(2026, 3, 29), "month", dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        (dt.date(2026, 12, 31), "month", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
        (dt.date(2026, 2, 1), "month", dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 31), "quarter", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
        (dt.date(2026, 4, 1), "quarter", dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
        (dt.date(2026, 8, 15), "quarter", dt.date(2026, 7, 1), dt.date(2026, 10, 1)),
        (dt.date(2026, 11, 30), "quarter", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        (dt.date(2026, 6, 1), "year", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ],
)
def test_period_bounds(d: dt.date, period: str, first: dt.date, following: dt.date) -> None:
    assert period_bounds(d, period) == (first, following)
    assert period_end(d, period) == following


def test_period_to_date_is_first_day_to_d() -> None:
    window = period_to_date(dt.date(2026, 3, 29), "month", CPH)
    assert window == Window(
        dt.datetime(2026, 3, 1, tzinfo=CPH), dt.datetime(2026, 3, 29, tzinfo=CPH)
    )
    empty = period_to_date(dt.date(2026, 4, 1), "quarter", CPH)
    assert empty.start == empty.end  # nothing of the new quarter has passed at its first 00:00


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="rolling"):
        period_bounds(dt.date(2026, 1, 1), "rolling")
    with pytest.raises(ValueError, match="whole number"):
        next_days(dt.date(2026, 1, 1), -1, CPH)
    with pytest.raises(ValueError, match="aware"):
        Window(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="ends before"):
        Window(dt.datetime(2026, 1, 2, tzinfo=CPH), dt.datetime(2026, 1, 1, tzinfo=CPH))
