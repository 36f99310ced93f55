"""The forecast on constructed histories whose answers can be worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from kpidesk.domain.forecast import (
    DEFAULT_WINDOW_DAYS,
    Horizon,
    forecast,
    horizon_for,
    period_last_day,
    period_start,
)

AS_OF = dt.date(2026, 3, 20)


def nightly(
    values: list[float | None], last: dt.date = AS_OF
) -> list[tuple[dt.date, float | None]]:
    """One value per night, the last one on `last`."""
    first = last - dt.timedelta(days=len(values) - 1)
    return [(first + dt.timedelta(days=i), value) for i, value in enumerate(values)]


WINDOW = Horizon("window", AS_OF, AS_OF + dt.timedelta(days=14))


def test_linear_growth_reaches_target_on_computable_date() -> None:
    # 1 more per night, 4 tonight: 4 + k on night AS_OF + k, so 10 is reached after 6 nights.
    history = nightly([4 - 27 + i for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=10, direction="higher", horizon=WINDOW)
    assert result.status == "ok"
    assert result.nights == 28
    assert result.projected == pytest.approx(4 + 14)
    assert result.low == pytest.approx(18) and result.high == pytest.approx(18)  # no noise
    assert result.target_date == AS_OF + dt.timedelta(days=6)
    assert result.on_pace is True
    assert result.pace_target is None


def test_flat_history_never_reaches_target() -> None:
    result = forecast(nightly([6.0] * 30), as_of=AS_OF, target=10, direction="higher",
                      horizon=WINDOW)  # fmt: skip
    assert result.status == "ok"
    assert result.projected == pytest.approx(6)
    assert result.target_date is None
    assert result.on_pace is False


def test_target_beyond_horizon_gives_no_date() -> None:
    # 0.5 per night from 4: 10 would take 12 nights, but the horizon is only 7 days away.
    horizon = Horizon("window", AS_OF, AS_OF + dt.timedelta(days=7))
    history = nightly([4 - 0.5 * (27 - i) for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=10, direction="higher", horizon=horizon)
    assert result.projected == pytest.approx(7.5)
    assert result.target_date is None


def test_already_reached_has_no_target_date() -> None:
    history = nightly([10 + i for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=10, direction="higher", horizon=WINDOW)
    assert result.target_date is None
    assert result.on_pace is True


def test_noisy_history_has_wider_band() -> None:
    rng = random.Random(7)
    trend = [5 + 0.2 * i for i in range(28)]
    calm = nightly([v + rng.uniform(-0.2, 0.2) for v in trend])
    noisy = nightly([v + rng.uniform(-3, 3) for v in trend])
    calm_result = forecast(calm, as_of=AS_OF, target=20, direction="higher", horizon=WINDOW)
    noisy_result = forecast(noisy, as_of=AS_OF, target=20, direction="higher", horizon=WINDOW)
    for result in (calm_result, noisy_result):
        assert result.low is not None and result.high is not None
        assert result.projected is not None
        assert result.low <= result.projected <= result.high
    assert calm_result.high - calm_result.low > 0  # type: ignore[operator]
    assert (noisy_result.high - noisy_result.low) > 5 * (calm_result.high - calm_result.low)  # type: ignore[operator]


def test_only_last_28_nights_count() -> None:
    # A long flat past, then steady growth: the trend follows the recent nights only.
    history = nightly([100.0] * 60 + [float(i) for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=50, direction="higher", horizon=WINDOW)
    assert result.nights == 28
    assert result.projected == pytest.approx(27 + 14)
    assert result.target_date is None  # 23 nights away, after the 14-day horizon


def test_lower_is_better_reaches_target_when_falling() -> None:
    # Overdue tasks fall by one a night from 12: at most 5 is reached in 7 nights.
    history = nightly([12 + 27 - i for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=5, direction="lower", horizon=WINDOW)
    assert result.target_date == AS_OF + dt.timedelta(days=7)
    assert result.projected == pytest.approx(0)  # never below zero
    assert result.low == pytest.approx(0)
    assert result.on_pace is True


def test_lower_is_better_rising_is_not_on_pace() -> None:
    history = nightly([2 + 0.5 * i for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=5, direction="lower", horizon=WINDOW)
    assert result.target_date is None
    assert result.on_pace is False


def test_gaps_and_none_values_are_skipped() -> None:
    # Growth of 1 a night with missing nights and undefined values in between.
    undefined_night = AS_OF - dt.timedelta(days=4)
    history: list[tuple[dt.date, float | None]] = [
        (d, None if d == undefined_night else v)  # undefined that night, not zero
        for d, v in nightly([float(i) for i in range(28)])
        if d.day % 3 != 0
    ]
    result = forecast(history, as_of=AS_OF, target=40, direction="higher", horizon=WINDOW)
    assert result.status == "ok"
    assert result.projected == pytest.approx(27 + 14)
    assert result.nights == len([v for _, v in history if v is not None])


def test_too_little_history() -> None:
    result = forecast(nightly([1, 2, 3, None, 5, 6]), as_of=AS_OF, target=10,
                      direction="higher", horizon=WINDOW)  # fmt: skip
    assert result.status == "insufficient_history"
    assert result.nights == 5
    assert (result.projected, result.low, result.high, result.on_pace) == (None,) * 4
    assert result.target_date is None
    # Old nights outside the fit window do not count either.
    old = nightly([float(i) for i in range(20)], last=AS_OF - dt.timedelta(days=40))
    assert forecast(old, as_of=AS_OF, target=10, direction="higher",
                    horizon=WINDOW).status == "insufficient_history"  # fmt: skip


def test_undefined_today_gives_no_projection() -> None:
    history = nightly([0.5] * 20 + [None])
    result = forecast(history, as_of=AS_OF, target=0.8, direction="higher", horizon=WINDOW)
    assert result.status == "undefined"
    assert result.projected is None
    assert result.nights == 20


def test_future_nights_are_ignored() -> None:
    history = nightly([float(i) for i in range(28)]) + [(AS_OF + dt.timedelta(days=1), 1000.0)]
    result = forecast(history, as_of=AS_OF, target=40, direction="higher", horizon=WINDOW)
    assert result.projected == pytest.approx(41)


def test_period_pace_and_projection() -> None:
    # March: 31 days. 1,000 kr. won every day; on the 21st the total covers 20 days.
    as_of = dt.date(2026, 3, 21)
    horizon = horizon_for("won_revenue", {"period": "month"}, as_of)
    assert horizon == Horizon("period", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    history = [(dt.date(2026, 3, 1) + dt.timedelta(days=k), 1000.0 * k) for k in range(21)]
    result = forecast(history, as_of=as_of, target=40_000, direction="higher", horizon=horizon)
    assert result.status == "ok"
    assert result.nights == 20  # the 1st's total is empty and says nothing
    assert result.projected == pytest.approx(31_000)
    assert result.low == pytest.approx(31_000) and result.high == pytest.approx(31_000)
    assert result.pace_target == pytest.approx(40_000 * 20 / 31)
    assert result.on_pace is False  # 20,000 < 25,806
    assert result.target_date is None  # 40,000 only on April 9th
    easier = forecast(history, as_of=as_of, target=25_000, direction="higher", horizon=horizon)
    assert easier.on_pace is True
    # 20,000 so far covers the 1st-20th; 5 more days: reached during the 25th.
    assert easier.target_date == dt.date(2026, 3, 25)


def test_period_band_from_spread_of_daily_increments() -> None:
    as_of = dt.date(2026, 3, 21)
    horizon = horizon_for("won_deals", {}, as_of)  # the template's default: this month
    assert horizon.kind == "period"
    lumpy, total = [], 0.0
    for k in range(21):
        lumpy.append((dt.date(2026, 3, 1) + dt.timedelta(days=k), total))
        total += 3.0 if k % 3 == 0 else 0.0  # a deal every third day
    result = forecast(lumpy, as_of=as_of, target=30, direction="higher", horizon=horizon)
    assert result.projected is not None and result.low is not None and result.high is not None
    assert result.high > result.projected > result.low >= lumpy[-1][1]
    assert result.projected == pytest.approx(lumpy[-1][1] / 20 * 31)


def test_period_lower_is_better_reads_inversely() -> None:
    as_of = dt.date(2026, 3, 11)  # 10 days of 31 covered
    horizon = Horizon("period", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    history = [(dt.date(2026, 3, 1) + dt.timedelta(days=k), 2.0 * k) for k in range(11)]
    under = forecast(history, as_of=as_of, target=93, direction="lower", horizon=horizon)
    assert under.pace_target == pytest.approx(30)
    assert under.on_pace is True  # 20 so far, allowed 30
    over = forecast(history, as_of=as_of, target=31, direction="lower", horizon=horizon)
    assert over.on_pace is False  # 20 so far, allowed 10
    assert over.target_date is None


def test_period_too_early_in_the_period() -> None:
    as_of = dt.date(2026, 4, 3)
    horizon = horizon_for("won_revenue", {"period": "quarter"}, as_of)
    assert horizon == Horizon("period", dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    history = nightly([float(i) for i in range(40)], last=as_of)  # mostly last quarter
    result = forecast(history, as_of=as_of, target=10, direction="higher", horizon=horizon)
    assert result.status == "insufficient_history"
    assert result.nights == 2


def test_horizons_of_windows() -> None:
    assert horizon_for("planned_meetings", {"days": 14, "activity_types": []}, AS_OF) == Horizon(
        "window", AS_OF, AS_OF + dt.timedelta(days=14)
    )
    assert horizon_for("won_deals", {"period": "rolling", "days": 45}, AS_OF) == Horizon(
        "window", AS_OF, AS_OF + dt.timedelta(days=45)
    )
    assert horizon_for("overdue_activities", {}, AS_OF).end == AS_OF + dt.timedelta(
        days=DEFAULT_WINDOW_DAYS
    )
    assert horizon_for("won_revenue", {"period": "year"}, AS_OF) == Horizon(
        "period", dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("day", "period", "start", "last"),
    [
        (dt.date(2024, 2, 10), "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2026, 12, 31), "month", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 11, 5), "quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 2, 5), "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 7, 1), "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_calendar_periods(day: dt.date, period: str, start: dt.date, last: dt.date) -> None:
    assert period_start(day, period) == start
    assert period_last_day(day, period) == last


def test_to_json_is_json_ready() -> None:
    history = nightly([4 - 27 + i for i in range(28)])
    result = forecast(history, as_of=AS_OF, target=10, direction="higher", horizon=WINDOW)
    data = json.loads(json.dumps(result.to_json()))
    assert data == {
        "status": "ok",
        "horizon": {"kind": "window", "start": "2026-03-20", "end": "2026-04-03"},
        "projected": 18.0,
        "low": 18.0,
        "high": 18.0,
        "on_pace": True,
        "pace_target": None,
        "target_date": "2026-03-26",
        "nights": 28,
    }
    empty = forecast([], as_of=AS_OF, target=1, direction="higher", horizon=WINDOW).to_json()
    assert empty["status"] == "insufficient_history" and empty["projected"] is None


def test_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="direction"):
        forecast([], as_of=AS_OF, target=1, direction="up", horizon=WINDOW)


def test_undefined_today_wins_over_too_little_history() -> None:
    result = forecast(nightly([None, None]), as_of=AS_OF, target=0.8, direction="higher",
                      horizon=WINDOW)  # fmt: skip
    assert (result.status, result.nights) == ("undefined", 0)


def test_a_share_is_capped_at_its_ceiling() -> None:
    # Coverage growing 2 points a night from 80 %: the line would pass 100 % within the window.
    history = nightly([0.8 - 0.02 * (27 - i) for i in range(28)])
    horizon = Horizon("window", AS_OF, AS_OF + dt.timedelta(days=90))
    free = forecast(history, as_of=AS_OF, target=0.9, direction="higher", horizon=horizon)
    capped = forecast(history, as_of=AS_OF, target=0.9, direction="higher", horizon=horizon,
                      ceiling=1.0)  # fmt: skip
    assert free.projected is not None and free.projected > 1
    assert capped.projected == pytest.approx(1.0) and capped.high == pytest.approx(1.0)
    assert capped.target_date == free.target_date == AS_OF + dt.timedelta(days=5)
    assert capped.on_pace is True
