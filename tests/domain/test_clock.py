"""The one "today": the calendar date of a moment in the installation's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kpidesk.domain.clock import local_today, system_clock

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("utc", "zone", "expected"),
    [
        # 22:59 UTC in summer is 00:59 the next day in Copenhagen (UTC+2), 18:59 in New York.
        ((2026, 6, 1, 22, 59), "Europe/Copenhagen", (2026, 6, 2)),
        ((2026, 6, 1, 22, 59), "America/New_York", (2026, 6, 1)),
        # Winter: UTC+1, so 23:00 UTC is already tomorrow and 22:59 is not.
        ((2026, 1, 10, 23, 0), "Europe/Copenhagen", (2026, 1, 11)),
        ((2026, 1, 10, 22, 59), "Europe/Copenhagen", (2026, 1, 10)),
        # The March night: 01:00 UTC is 03:00 summer time on the 29th.
        ((2026, 3, 29, 1, 0), "Europe/Copenhagen", (2026, 3, 29)),
    ],
)
def test_local_today(utc: tuple[int, ...], zone: str, expected: tuple[int, int, int]) -> None:
    moment = dt.datetime(*utc, tzinfo=dt.UTC)
    assert local_today(moment, ZoneInfo(zone)) == dt.date(*expected)


def test_the_same_moment_in_another_zone_gives_the_same_date() -> None:
    moment = dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC)
    assert local_today(moment.astimezone(ZoneInfo("Asia/Tokyo")), CPH) == dt.date(2026, 6, 2)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        local_today(dt.datetime(2026, 6, 1, 12, 0), CPH)


def test_the_system_clock_is_aware() -> None:
    assert system_clock().utcoffset() == dt.timedelta(0)
