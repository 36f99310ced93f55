"""The forecast on constructed histories whose answers can be worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kpidesk.domain.forecast import (
    DEFAULT_WINDOW_DAYS,
    MIN_ERRORS,
    MIN_OWN_ERRORS,
    Horizon,
    Pair,
    PastErrors,
    Start,
    completion_rate,
    coverage_start,
    forecast,
    hidden,
    horizon_for,
    method_for,
    pace_line,
    period_base,
    period_last_day,
    period_pairs,
    period_start,
    predict,
    window_pairs,
)

AS_OF = dt.date(2026, 3, 20)
DAY = dt.timedelta(days=1)


def nightly(
    values: list[float | None], last: dt.date = AS_OF
) -> list[tuple[dt.date, float | None]]:
    """One value per night, the last one on `last`."""
    first = last - dt.timedelta(days=len(values) - 1)
    return [(first + dt.timedelta(days=i), value) for i, value in enumerate(values)]


def pairs_with_errors(errors: list[float], last_outcome: dt.date = AS_OF) -> list[Pair]:
    """Pairs with base 0 whose errors are `errors`, the last outcome on `last_outcome`."""
    first = last_outcome - dt.timedelta(days=len(errors) - 1)
    return [
        Pair(first + dt.timedelta(days=i) - 7 * DAY, first + dt.timedelta(days=i), 0.0, error)
        for i, error in enumerate(errors)
    ]


WINDOW = Horizon("window", AS_OF, AS_OF + dt.timedelta(days=7))


def test_window_pairs_join_each_night_with_its_horizon() -> None:
    values = {AS_OF - 2 * DAY: 1.0, AS_OF - DAY: 2.0, AS_OF: 5.0}
    bases = {AS_OF - 3 * DAY: 9.0, AS_OF - 2 * DAY: 3.0, AS_OF - DAY: 4.0}
    pairs = window_pairs(bases, values, 1)
    assert [(p.made, p.outcome, p.base, p.actual, p.error) for p in pairs] == [
        (AS_OF - 3 * DAY, AS_OF - 2 * DAY, 9.0, 1.0, -8.0),
        (AS_OF - 2 * DAY, AS_OF - DAY, 3.0, 2.0, -1.0),
        (AS_OF - DAY, AS_OF, 4.0, 5.0, 1.0),
    ]


def test_period_pairs_read_the_periods_last_night() -> None:
    march = {dt.date(2026, 3, day): float(day) for day in range(1, 32)}
    pairs = period_pairs(march, march, "month")
    # The first night (nothing of March behind) and the last (nothing ahead) make no pair.
    assert [p.made.day for p in pairs] == list(range(2, 31))
    assert {p.outcome for p in pairs} == {dt.date(2026, 3, 31)}
    assert pairs[0].lead == 29 and pairs[0].actual == 31.0


def test_predict_is_base_plus_median_error_with_the_10_to_90_percentile_band() -> None:
    # 21 errors -10..10: median 0, 10th percentile -8, 90th +8 (linear interpolation).
    own = PastErrors(pairs_with_errors([float(e) for e in range(-10, 11)]))
    result = predict(50.0, as_of=AS_OF, own=own)
    assert result is not None
    assert (result.projected, result.low, result.high) == (50.0, 42.0, 58.0)
    assert (result.errors, result.pooled) == (21, False)
    shifted = PastErrors(pairs_with_errors([float(e) for e in range(0, 21)]))
    result = predict(50.0, as_of=AS_OF, own=shifted)
    assert result is not None and (result.projected, result.addition) == (60.0, 10.0)
    flat = predict(50.0, as_of=AS_OF, own=shifted, shift=False)
    # "No change" stays inside its own band, even when every past change was upwards.
    assert flat is not None and (flat.projected, flat.low, flat.high) == (50.0, 50.0, 68.0)


def test_predict_never_uses_an_outcome_after_the_night() -> None:
    known = pairs_with_errors([1.0] * 20, last_outcome=AS_OF)
    future = pairs_with_errors([100.0] * 20, last_outcome=AS_OF + 30 * DAY)
    future = [pair for pair in future if pair.outcome > AS_OF]
    result = predict(0.0, as_of=AS_OF, own=PastErrors(known + future))
    assert result is not None and result.projected == 1.0 and result.high == 1.0


def test_predict_pools_the_rules_users_when_the_user_has_little_history() -> None:
    own = PastErrors(pairs_with_errors([5.0] * (MIN_OWN_ERRORS - 1)))
    pooled = PastErrors(pairs_with_errors([2.0] * 40))
    result = predict(10.0, as_of=AS_OF, own=own, pooled=pooled)
    assert result is not None and (result.projected, result.pooled) == (12.0, True)
    alone = predict(10.0, as_of=AS_OF, own=own)
    assert alone is not None and (alone.projected, alone.pooled) == (15.0, False)
    assert predict(1.0, as_of=AS_OF, own=PastErrors(pairs_with_errors([1.0] * (MIN_ERRORS - 1))))\
        is None  # fmt: skip


def test_predict_keeps_a_share_within_0_and_100_percent_and_above_the_floor() -> None:
    own = PastErrors(pairs_with_errors([float(e) / 10 for e in range(-10, 11)]))
    share = predict(0.95, as_of=AS_OF, own=own, ceiling=1.0)
    assert share is not None and share.high == 1.0 and share.low == pytest.approx(0.15)
    low = predict(0.05, as_of=AS_OF, own=own, ceiling=1.0)
    assert low is not None and low.low == 0.0
    floored = predict(0.5, as_of=AS_OF, own=own, floor=0.4)
    assert floored is not None and floored.low == 0.4


def test_predict_for_a_period_uses_errors_made_with_as_many_days_to_go() -> None:
    pairs = [
        Pair(AS_OF - 40 * DAY, AS_OF - 30 * DAY, 0.0, 3.0),  # 10 days to go
        Pair(AS_OF - 50 * DAY, AS_OF - 30 * DAY, 0.0, 99.0),  # 20 days to go
    ] * 10
    result = predict(0.0, as_of=AS_OF, own=PastErrors(pairs), lead=11)
    assert result is not None and result.projected == 3.0 and result.errors == 10


def test_no_change_forecast_of_a_rolling_window() -> None:
    # A value alternating 10/14 nightly: over 7 nights it changes by −4 or +4.
    values = [10.0 if i % 2 else 14.0 for i in range(60)]
    result = forecast(nightly(values), as_of=AS_OF, target=12, direction="higher",
                      horizon=WINDOW)  # fmt: skip
    assert result.status == "ok" and result.method == "no_change"
    assert result.projected == values[-1] and result.addition == 0.0
    assert (result.low, result.high) == (6.0, 14.0)
    assert result.on_pace is False and result.known is None


def test_known_part_forecast_adds_the_usual_change() -> None:
    values = {AS_OF - dt.timedelta(days=i): 8.0 for i in range(60)}
    bases = {day: 6.0 for day in values}  # the outcome is always 2 above what was planned
    own = window_pairs(bases, values, 7)
    result = forecast(sorted(values.items()), as_of=AS_OF, target=10, direction="higher",
                      horizon=WINDOW, method="known", base=3.0, own=own)  # fmt: skip
    assert (result.status, result.method) == ("ok", "known")
    assert (result.projected, result.known, result.addition) == (5.0, 3.0, 2.0)


def test_period_forecast_with_pace_line_and_floor() -> None:
    as_of = dt.date(2026, 3, 11)  # 10 days of March behind, 20 to the last night
    horizon = horizon_for("won_revenue", {"period": "month"}, as_of)
    assert horizon == Horizon("period", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    history = nightly([1000.0 * i for i in range(11)], last=as_of)
    # Past errors made with 20 days to go: the total ended 500 above its starting point.
    own = [Pair(dt.date(2026, 2, 1) + DAY * i, dt.date(2026, 2, 21) + DAY * i, 0, 500)
           for i in range(20)]  # fmt: skip
    result = forecast(history, as_of=as_of, target=30_000, direction="higher", horizon=horizon,
                      own=own, open_part=8000.0, win_rate=0.25)  # fmt: skip
    assert result.method == "period" and result.status == "ok"
    assert result.known == 10_000.0
    assert result.projected == 10_000.0 + 0.25 * 8000.0 + 500.0
    assert result.low == result.high == result.projected
    assert result.pace == pytest.approx(10_000.0 / 10 * 30)
    assert result.pace_target == pytest.approx(30_000 * 10 / 30)
    assert result.on_pace is True
    assert period_base(10.0, None, 0.5) == 10.0
    assert pace_line(5.0, dt.date(2026, 3, 1), horizon) is None


def test_status_undefined_and_insufficient() -> None:
    assert forecast(nightly([1.0] * 30 + [None]), as_of=AS_OF, target=1, direction="higher",
                    horizon=WINDOW).status == "undefined"  # fmt: skip
    assert forecast(nightly([1.0] * 5), as_of=AS_OF, target=1, direction="higher",
                    horizon=WINDOW).status == "insufficient_history"  # fmt: skip
    assert forecast([], as_of=AS_OF, target=1, direction="higher",
                    horizon=WINDOW).status == "insufficient_history"  # fmt: skip
    with pytest.raises(ValueError, match="direction"):
        forecast([], as_of=AS_OF, target=1, direction="up", horizon=WINDOW)


def test_horizons_and_methods() -> None:
    assert horizon_for("planned_meetings", {"days": 14, "activity_types": []}, AS_OF) == Horizon(
        "window", AS_OF, AS_OF + dt.timedelta(days=14)
    )
    assert horizon_for("won_deals", {"period": "rolling", "days": 45}, AS_OF).kind == "window"
    assert horizon_for("overdue_activities", {}, AS_OF).end == AS_OF + dt.timedelta(
        days=DEFAULT_WINDOW_DAYS
    )
    assert method_for("planned_meetings", {"days": 14}) == "known"
    assert method_for("won_revenue", {"period": "quarter"}) == "period"
    assert method_for("won_revenue", {"period": "rolling", "days": 30}) == "no_change"
    assert method_for("completed_activities", {"days": 30}) == "no_change"


@pytest.mark.parametrize(
    ("day", "period", "start", "last"),
    [
        (dt.date(2024, 2, 10), "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2026, 12, 31), "month", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 11, 5), "quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 7, 1), "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_calendar_periods(day: dt.date, period: str, start: dt.date, last: dt.date) -> None:
    assert period_start(day, period) == start
    assert period_last_day(day, period) == last


def test_to_json_and_hidden() -> None:
    values = [10.0 if i % 2 else 14.0 for i in range(60)]
    result = forecast(nightly(values), as_of=AS_OF, target=12, direction="higher",
                      horizon=WINDOW)  # fmt: skip
    data = json.loads(json.dumps(hidden(result, 2.0, 1.5).to_json()))
    assert data["shown"] is False and data["method"] == "no_change"
    assert data["horizon"] == {"kind": "window", "start": "2026-03-20", "end": "2026-03-27"}
    assert (data["projected"], data["low"], data["high"]) == (10.0, 6.0, 14.0)


def daily_pairs(errors: dict[int, float], lead: int) -> list[Pair]:
    """One pair per night `AS_OF - back` made `back` nights ago, outcome `lead` nights later."""
    return [
        Pair(AS_OF - back * DAY, AS_OF - back * DAY + lead * DAY, 0.0, error)
        for back, error in errors.items()
    ]


def test_a_windows_band_reads_errors_a_week_apart_over_enough_horizons() -> None:
    # Errors of a 7-day window made on the nights 7..364 before AS_OF: those a multiple of 7
    # nights back are 0..50 (one per week, 52 of them), every other night 1000: a run of
    # nearly equal neighbours must not pass for the spread.
    lead = 7
    errors = {back: (1000.0 if back % 7 else float(back // 7 - 1)) for back in range(7, 365)}
    result = predict(0.0, as_of=AS_OF, own=PastErrors(daily_pairs(errors, lead)), window=lead)
    assert result is not None and (result.errors, result.pooled) == (52, False)  # 0..51
    assert result.projected == pytest.approx(25.5)  # their median
    assert result.low == pytest.approx(0.1 * 51) and result.high == pytest.approx(0.9 * 51)
    # 20 weekly errors reaching back 140 nights: enough for a 28-day window (4 × 28 = 112)
    # but not for a 90-day one (360), which borrows the rule's users' errors instead.
    recent = {back: 1.0 for back in range(7, 147, 7)}
    pooled = PastErrors(daily_pairs({back: 5.0 for back in range(90, 130)}, 90))
    own28 = PastErrors(daily_pairs(recent, 7))
    mine = predict(0.0, as_of=AS_OF, own=own28, pooled=pooled, window=28)
    assert mine is not None and (mine.pooled, mine.projected) == (False, 1.0)
    borrowed = predict(0.0, as_of=AS_OF, own=own28, pooled=pooled, window=90)
    assert borrowed is not None and (borrowed.pooled, borrowed.projected) == (True, 5.0)


def test_coverage_start_weights_planned_customers_by_the_completion_rate() -> None:
    # 10 customers; 4 met in the part of the window still inside it at the horizon, 3 more
    # with a planned meeting before it; 9 of the user's 12 activities last year got done.
    parts = (10.0, 4.0, 7.0, 9.0, 12.0)
    share = coverage_start("kam_coverage", parts, pooled_completion=0.5)
    # The usual change is measured in the 3 customers with nothing done or planned.
    assert share == Start(base=(4 + 0.75 * 3) / 10, floor=0.4, ceiling=1.0, certain=4.0,
                          planned=3.0, completion=0.75, scale=0.3)  # fmt: skip
    neglected = coverage_start("neglected_accounts", parts, pooled_completion=0.5)
    assert neglected == Start(base=10 - 6.25, floor=0.0, ceiling=6.0, certain=4.0, planned=3.0,
                              completion=0.75, scale=3.0)  # fmt: skip
    everyone = coverage_start("neglected_accounts", (10.0, 4.0, 10.0, 9.0, 12.0), None)
    assert everyone is not None and everyone.scale == 1.0  # at least one customer
    assert coverage_start("kam_coverage", (0.0, 0.0, 0.0, 3.0, 4.0), 0.5) is None
    # Few own activities: the rule's users' rate; none known at all: planned counts whole.
    assert completion_rate(4, 5, 0.5) == 0.5
    assert completion_rate(4, 5, None) == 0.8
    assert completion_rate(0, 0, None) == 1.0


def test_a_coverage_forecast_stays_inside_what_cannot_change() -> None:
    # The usual change would take coverage to 0.4 + (-0.3): below the 0.5 already certain.
    horizon = horizon_for("kam_coverage", {"days": 90, "activity_types": []}, AS_OF)
    assert horizon.end == AS_OF + 28 * DAY  # four weeks ahead, not a whole window
    assert horizon_for("neglected_accounts", {"days": 21}, AS_OF).end == AS_OF + 11 * DAY
    values = {AS_OF - i * DAY: 0.5 for i in range(200)}
    own = daily_pairs({back: -0.3 for back in range(28, 200)}, 28)
    start = Start(base=0.55, floor=0.5, ceiling=1.0, certain=5.0, planned=1.0, completion=0.5)
    result = forecast(sorted(values.items()), as_of=AS_OF, target=0.8, direction="higher",
                      horizon=horizon, method="known", own=own, ceiling=1.0,
                      start=start)  # fmt: skip
    assert result.status == "ok" and result.known == 0.55
    assert result.projected == result.low == result.high == 0.5
    assert (result.certain, result.planned, result.completion) == (5.0, 1.0, 0.5)


def test_a_coverage_forecast_scales_the_usual_change_to_the_customers_not_reached() -> None:
    # In the past, with 4 customers not reached, 2 more got a visit than known (error -2
    # neglected: -0.5 per customer not reached). Tonight 10 are not reached: about -5.
    values = {AS_OF - i * DAY: 12.0 for i in range(200)}
    bases = {AS_OF - i * DAY: 14.0 for i in range(28, 200)}
    scales = {day: 4.0 for day in bases}
    own = window_pairs(bases, values, 28, scales)
    assert {pair.error for pair in own} == {-0.5}
    horizon = horizon_for("neglected_accounts", {"days": 60}, AS_OF)
    start = coverage_start("neglected_accounts", (30.0, 10.0, 20.0, 8.0, 10.0), None)
    assert start is not None and (start.base, start.scale) == (30 - 10 - 0.8 * 10, 10.0)
    result = forecast(sorted(values.items()), as_of=AS_OF, target=3, direction="lower",
                      horizon=horizon, method="known", own=own, start=start)  # fmt: skip
    assert result.status == "ok"
    assert (result.projected, result.addition) == (12.0 - 5.0, -5.0)
