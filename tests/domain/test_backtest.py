"""The backtest's replay and figures, checked against a deliberately plain recomputation."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kpidesk.domain.backtest import MIN_CASES, UserSeries, replay, summarise
from kpidesk.domain.forecast import MIN_ERRORS

START = dt.date(2026, 1, 1)


def series(values: list[float], bases: list[float] | None = None) -> UserSeries:
    days = [START + dt.timedelta(days=i) for i in range(len(values))]
    chosen = bases if bases is not None else values
    return UserSeries(dict(zip(days, values, strict=True)), dict(zip(days, chosen, strict=True)))


def plain_no_change(values: list[float], lead: int) -> list[tuple[int, float, float, float]]:
    """Per night i with an outcome: (i, actual, low, high) by the definition, from scratch:
    the user's own errors v[j+lead]-v[j] with j+lead <= i from nights j a multiple of 7
    nights before i within a year, when there are 15 or more reaching back 4 horizons;
    otherwise every night's error (with one user the rule's users' errors are the user's
    own, the most recent 3000). 10/90 % points, widened to hold the value itself."""
    out = []
    for i in range(len(values) - lead):
        weekly = [j for j in range(0, i - lead + 1) if (i - j) % 7 == 0 and i - j <= 365]
        if len(weekly) >= 15 and i - min(weekly) >= 4 * lead:
            errors = [values[j + lead] - values[j] for j in weekly]
        else:
            errors = [values[j + lead] - values[j] for j in range(0, i - lead + 1)][-3000:]
        if len(errors) < MIN_ERRORS:
            continue
        errors.sort()

        def point(q: float, errors: list[float] = errors) -> float:
            k = q * (len(errors) - 1)
            lo = int(k)
            hi = min(lo + 1, len(errors) - 1)
            return errors[lo] + (errors[hi] - errors[lo]) * (k - lo)

        low, high = values[i] + point(0.1), values[i] + point(0.9)
        out.append((i, values[i + lead], min(low, values[i]), max(high, values[i])))
    return out


def test_no_change_replay_matches_a_plain_recomputation() -> None:
    rng = random.Random(3)
    values = [float(rng.randint(0, 20)) for _ in range(400)]
    lead = 14
    cases = replay({1: series(values)}, method="no_change", lead=lead)
    expected = plain_no_change(values, lead)
    assert len(cases) == len(expected) > 100
    for case, (i, actual, low, high) in zip(cases, expected, strict=True):
        assert case.made == START + dt.timedelta(days=i)
        assert case.outcome == START + dt.timedelta(days=i + lead)
        assert case.actual == actual and case.forecast == case.no_change == values[i]
        assert case.low == pytest.approx(max(low, 0.0))
        assert case.high == pytest.approx(max(high, 0.0))
    result = summarise(7, "Regel", "completed_activities", "no_change", cases)
    mae = sum(abs(actual - values[i]) for i, actual, _, _ in expected) / len(expected)
    inside = sum(max(lo, 0) <= a <= max(hi, 0) for _, a, lo, hi in expected) / len(expected)
    assert result.mae_forecast == pytest.approx(mae) and result.mae_no_change == pytest.approx(mae)
    assert result.coverage == pytest.approx(inside)
    assert result.ratio == pytest.approx(1.0)
    assert result.beats_baseline is False  # no change never "beats" itself


def test_a_known_part_that_tells_the_future_beats_no_change() -> None:
    # The outcome 7 nights on is always 3 more than what is known tonight; the value itself
    # wanders, so "no change" errs.
    rng = random.Random(5)
    values = [float(rng.randint(0, 30)) for _ in range(150)]
    bases = [values[i + 7] - 3 if i + 7 < len(values) else 0.0 for i in range(len(values))]
    cases = replay({1: series(values, bases)}, method="known", lead=7)
    result = summarise(1, "Planlagte", "planned_meetings", "known", cases)
    assert result.cases >= MIN_CASES
    assert result.mae_forecast == pytest.approx(0.0)
    assert result.mae_no_change is not None and result.mae_no_change > 1
    assert result.ratio == pytest.approx(0.0) and result.beats_baseline
    assert result.to_json()["beats_baseline"] is True


def test_users_with_little_history_borrow_the_others_errors() -> None:
    long = series([float(i % 5) for i in range(120)])
    short_values = [1.0] * 10
    short = UserSeries(
        {START + dt.timedelta(days=100 + i): v for i, v in enumerate(short_values)},
        {START + dt.timedelta(days=100 + i): v for i, v in enumerate(short_values)},
    )
    cases = replay({1: long, 2: short}, method="no_change", lead=3)
    assert {case.user_id for case in cases} == {1, 2}  # user 2 only through the pool


def test_period_replay_sets_the_pace_line_beside() -> None:
    # Every month the total grows 100 a day: the pace line is exact, the forecast learns it.
    values: dict[dt.date, float] = {}
    day = dt.date(2025, 1, 1)
    while day < dt.date(2026, 1, 1):
        values[day] = 100.0 * (day.day - 1)
        day += dt.timedelta(days=1)
    user = UserSeries(values, values)
    cases = replay({1: user}, method="period", lead=0, period="month")
    result = summarise(3, "Vundet", "won_revenue", "period", cases)
    assert result.cases > 200 and result.baseline == "pace"
    assert result.mae_pace == pytest.approx(0.0)
    assert result.mae_no_change is not None and result.mae_no_change > 0
    for case in cases:
        assert case.pace is not None and case.low >= case.no_change  # never below so far
    # The nightly refresh replays one night in seven, counted back from the last night.
    weekly = replay({1: user}, method="period", lead=0, period="month", every=7)
    last = max(values)
    assert weekly and {case.made for case in weekly} == {
        case.made for case in cases if (last - case.made).days % 7 == 0
    }


def test_empty_summary() -> None:
    result = summarise(1, "Tom", "win_rate", "no_change", [])
    assert (result.cases, result.ratio, result.beats_baseline) == (0, None, False)
