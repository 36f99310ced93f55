"""The pure decisions: DST firings, the run date of a firing, the catch-up plan, the backoff."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kpidesk.scheduler.plan import (
    RetryPolicy,
    catchup_dates,
    fire_times,
    local_today,
    nightly_trigger,
)

CPH = ZoneInfo("Europe/Copenhagen")
D = dt.date


def _local(fire: dt.datetime) -> str:
    return fire.astimezone(dt.UTC).astimezone(CPH).strftime("%Y-%m-%d %H:%M %Z")


def test_october_night_fires_twice_but_names_one_date() -> None:
    trigger = nightly_trigger(dt.time(2, 0), CPH)
    fires = fire_times(
        trigger,
        dt.datetime(2026, 10, 24, 12, tzinfo=CPH),
        dt.datetime(2026, 10, 26, 12, tzinfo=CPH),
    )
    # APScheduler fires at 02:00 CEST and again at 02:00 CET, an hour apart (PITFALLS).
    assert [_local(f) for f in fires] == [
        "2026-10-25 02:00 CEST",
        "2026-10-25 02:00 CET",
        "2026-10-26 02:00 CET",
    ]
    assert fires[1].astimezone(dt.UTC) - fires[0].astimezone(dt.UTC) == dt.timedelta(hours=1)
    assert [local_today(f, CPH) for f in fires] == [
        D(2026, 10, 25),
        D(2026, 10, 25),
        D(2026, 10, 26),
    ]


def test_march_night_fires_once_at_three() -> None:
    trigger = nightly_trigger(dt.time(2, 0), CPH)
    fires = fire_times(
        trigger, dt.datetime(2026, 3, 28, 12, tzinfo=CPH), dt.datetime(2026, 3, 30, 12, tzinfo=CPH)
    )
    # 02:00 does not exist on 29 March; the firing lands at 03:00 CEST (01:00 UTC).
    assert [_local(f) for f in fires] == ["2026-03-29 03:00 CEST", "2026-03-30 02:00 CEST"]
    assert [local_today(f, CPH) for f in fires] == [D(2026, 3, 29), D(2026, 3, 30)]


def test_a_year_of_firings_names_every_date_once_or_twice_and_never_skips() -> None:
    trigger = nightly_trigger(dt.time(2, 30), CPH)
    start = dt.datetime(2026, 1, 1, tzinfo=CPH)
    fires = fire_times(trigger, start, dt.datetime(2027, 1, 1, tzinfo=CPH))
    dates = [local_today(f, CPH) for f in fires]
    assert sorted(set(dates)) == [D(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    doubled = {d for d in dates if dates.count(d) > 1}
    assert doubled == {D(2026, 10, 25)}


def test_local_today_is_the_installation_date_not_utc() -> None:
    late_utc = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)  # 01:30 on 2 June in Copenhagen
    assert local_today(late_utc, CPH) == D(2026, 6, 2)
    assert local_today(late_utc, ZoneInfo("America/New_York")) == D(2026, 6, 1)
    with pytest.raises(ValueError, match="naive"):
        local_today(dt.datetime(2026, 6, 1), CPH)


@pytest.mark.parametrize(
    ("latest", "limit", "expected"),
    [
        (D(2026, 5, 10), 31, []),  # today already done
        (D(2026, 5, 12), 31, []),  # a run for a later date does not count as missing today
        (D(2026, 5, 9), 31, [D(2026, 5, 10)]),
        (D(2026, 5, 6), 31, [D(2026, 5, 7), D(2026, 5, 8), D(2026, 5, 9), D(2026, 5, 10)]),
        (D(2026, 5, 6), 3, [D(2026, 5, 8), D(2026, 5, 9), D(2026, 5, 10)]),  # the most recent 3
        (D(2026, 5, 6), 0, [D(2026, 5, 10)]),  # history off: today still runs
        (D(2026, 5, 6), 1, [D(2026, 5, 10)]),
        (None, 31, [D(2026, 5, 10)]),  # never ran: today only
    ],
)
def test_catchup_dates(latest: dt.date | None, limit: int, expected: list[dt.date]) -> None:
    assert catchup_dates(D(2026, 5, 10), latest, limit) == expected


def test_catchup_across_a_year_end_is_oldest_first() -> None:
    assert catchup_dates(D(2027, 1, 2), D(2026, 12, 30), 10) == [
        D(2026, 12, 31),
        D(2027, 1, 1),
        D(2027, 1, 2),
    ]


def test_retry_policy_default_spreads_three_tries_over_an_hour() -> None:
    policy = RetryPolicy()
    assert policy.tries == 3
    waits = [policy.delay(n) for n in (1, 2, 3)]
    assert waits == [dt.timedelta(minutes=m) for m in (5, 15, 40)]
    assert sum(waits, dt.timedelta()) == dt.timedelta(hours=1)
    assert policy.delay(4) is None
    assert policy.delay(0) is None


def test_retry_policy_in_seconds_and_refuses_negative() -> None:
    assert RetryPolicy.seconds(0.1, 0.2).delays == (
        dt.timedelta(milliseconds=100),
        dt.timedelta(milliseconds=200),
    )
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy.seconds(-1)
