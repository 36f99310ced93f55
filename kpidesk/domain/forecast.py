"""Where a KPI is heading: a projection from a user's nightly history of one rule.

Deliberately simple, so a sales person can be told how it works in two sentences:

* Rolling windows ("the next 14 days", "the last 90 days"): a straight line fitted by least
  squares through the last 28 nights, read off at the end of the window. The band is the
  line's prediction interval: the noisier the history, the wider it is.
* Calendar periods ("won revenue this month"): the period-to-date total extrapolated at the
  period's average daily rate so far. The band comes from how much the daily increments
  vary. On pace means the total so far is at least the target times the share of the period
  that has passed (at most, for lower-is-better rules).

Pure Python and numpy: no Qt, no SQL. With fewer than `min_nights` usable nights it says so
instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from kpidesk.domain.periods import CALENDAR_PERIODS, period_bounds

HorizonKind = Literal["period", "window"]
ForecastStatus = Literal["ok", "insufficient_history", "undefined"]

# How many nights the trend of a rolling window looks back on.
FIT_NIGHTS = 28
# Width of the band in standard deviations: about 8 in 10 outcomes fall inside it.
BAND_Z = 1.2816
# Projection length for a rule whose template has no `days` parameter (e.g. overdue activities).
DEFAULT_WINDOW_DAYS = 28
# Templates measuring a calendar period to date, with their default period.
PERIOD_TEMPLATES: dict[str, str] = {"won_deals": "month", "won_revenue": "month"}
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Horizon:
    """What the projection is for."""

    kind: HorizonKind  # "period": a calendar month/quarter/year total; "window": a rolling value
    start: dt.date  # first day of the period (or as_of for a window)
    end: dt.date  # last day the projection reaches (inclusive)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Forecast:
    """The projection of one rule for one user; numbers only when status is "ok"."""

    status: ForecastStatus
    horizon: Horizon
    projected: float | None
    low: float | None
    high: float | None
    on_pace: bool | None
    pace_target: float | None  # for periods: target * elapsed share; None for windows
    target_date: dt.date | None  # None if not before horizon end, or already reached
    nights: int  # usable nights of history

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (dates ISO): the "forecast" value of `kpidesk kpi --json`."""
        return {
            "status": self.status,
            "horizon": self.horizon.to_json(),
            "projected": _round(self.projected),
            "low": _round(self.low),
            "high": _round(self.high),
            "on_pace": self.on_pace,
            "pace_target": _round(self.pace_target),
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "nights": self.nights,
        }


def _round(value: float | None) -> float | None:
    """Six decimals: enough for fractions and currency, without float noise in the JSON."""
    return None if value is None else round(float(value), 6)


def period_start(d: dt.date, period: str) -> dt.date:
    """First day of the calendar month, quarter or year containing d."""
    return period_bounds(d, period)[0]


def period_last_day(d: dt.date, period: str) -> dt.date:
    """Last day of the calendar month, quarter or year containing d."""
    return period_bounds(d, period)[1] - dt.timedelta(days=1)


def horizon_for(template_key: str, params: Mapping[str, Any], as_of: dt.date) -> Horizon:
    """The period or window a rule's forecast projects to, from its (validated) parameters.

    Calendar periods ("this month" of won deals/revenue) run to the period's last day; a
    rolling window projects `days` ahead, so the whole current window has rolled over.
    """
    period = params.get("period", PERIOD_TEMPLATES.get(template_key))
    if period in CALENDAR_PERIODS:
        return Horizon("period", period_start(as_of, period), period_last_day(as_of, period))
    days = params.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        days = DEFAULT_WINDOW_DAYS
    return Horizon("window", as_of, as_of + dt.timedelta(days=days))


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "higher" else value <= target


def _clean(
    history: Sequence[tuple[dt.date, float | None]], as_of: dt.date
) -> list[tuple[dt.date, float | None]]:
    """History up to as_of, by date, one entry per night (the last one given wins)."""
    nights: dict[dt.date, float | None] = {}
    for day, value in history:
        if day <= as_of:
            nights[day] = None if value is None or not math.isfinite(value) else float(value)
    return sorted(nights.items())


def _empty(status: ForecastStatus, horizon: Horizon, nights: int) -> Forecast:
    return Forecast(status, horizon, None, None, None, None, None, None, nights)


def forecast(
    history: Sequence[tuple[dt.date, float | None]],
    *,
    as_of: dt.date,
    target: float,
    direction: str,
    horizon: Horizon,
    min_nights: int = 7,
    ceiling: float | None = None,
) -> Forecast:
    """Project a rule's value to the end of its horizon from its nightly history.

    `history` holds (run date, value) pairs, value None where the KPI was undefined; missing
    nights and None values are skipped. `ceiling` caps the projection and its band (1.0 for
    a share: a coverage cannot pass 100 %). The status is "undefined" when the latest night's
    value is (a KPI shown as "–" has no projection either), whatever the history before.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; use higher or lower")
    nights = _clean(history, as_of)
    if horizon.kind == "period":
        result = _period_forecast(nights, as_of, target, direction, horizon, min_nights)
    else:
        result = _window_forecast(nights, as_of, target, direction, horizon, min_nights)
    if ceiling is None or result.projected is None:
        return result
    projected = min(result.projected, ceiling)
    return replace(
        result,
        projected=projected,
        low=None if result.low is None else min(result.low, ceiling),
        high=None if result.high is None else min(result.high, ceiling),
        on_pace=result.on_pace
        if horizon.kind == "period"
        else _meets(projected, target, direction),
    )


def _window_forecast(
    nights: list[tuple[dt.date, float | None]],
    as_of: dt.date,
    target: float,
    direction: str,
    horizon: Horizon,
    min_nights: int,
) -> Forecast:
    first = as_of - dt.timedelta(days=FIT_NIGHTS)
    recent = [(day, value) for day, value in nights if day > first]
    usable = [(day, value) for day, value in recent if value is not None]
    if recent and recent[-1][1] is None:
        return _empty("undefined", horizon, len(usable))
    if len(usable) < max(min_nights, 3):
        return _empty("insufficient_history", horizon, len(usable))

    # x: days relative to as_of (negative in the past); y: the nightly values.
    x = np.array([(day - as_of).days for day, _ in usable], dtype=float)
    y = np.array([value for _, value in usable], dtype=float)
    n = len(x)
    x_mean = float(x.mean())
    sxx = float(((x - x_mean) ** 2).sum())
    slope = float(((x - x_mean) * (y - y.mean())).sum() / sxx)
    intercept = float(y.mean() - slope * x_mean)  # the trend's value at as_of
    residuals = y - (intercept + slope * x)
    spread = math.sqrt(float((residuals**2).sum()) / (n - 2))

    ahead = float((horizon.end - as_of).days)
    projected = intercept + slope * ahead
    half_band = BAND_Z * spread * math.sqrt(1 + 1 / n + (ahead - x_mean) ** 2 / sxx)
    projected_clamped = max(projected, 0.0)
    low = max(projected - half_band, 0.0)
    high = max(projected + half_band, 0.0)

    latest = usable[-1][1]
    assert latest is not None
    target_date: dt.date | None = None
    if not _meets(latest, target, direction):
        towards = slope > 0 if direction == "higher" else slope < 0
        if towards:
            days_needed = max(math.ceil((target - intercept) / slope - 1e-9), 1)
            candidate = as_of + dt.timedelta(days=days_needed)
            if candidate <= horizon.end:
                target_date = candidate
    return Forecast(
        status="ok",
        horizon=horizon,
        projected=projected_clamped,
        low=low,
        high=high,
        on_pace=_meets(projected_clamped, target, direction),
        pace_target=None,
        target_date=target_date,
        nights=n,
    )


def _period_forecast(
    nights: list[tuple[dt.date, float | None]],
    as_of: dt.date,
    target: float,
    direction: str,
    horizon: Horizon,
    min_nights: int,
) -> Forecast:
    # The night of the period's first day covers nothing yet ([start, start) is empty).
    in_period = [(day, value) for day, value in nights if horizon.start < day <= as_of]
    usable = [(day, value) for day, value in in_period if value is not None]
    if in_period and in_period[-1][1] is None:
        return _empty("undefined", horizon, len(usable))
    if len(usable) < min_nights:
        return _empty("insufficient_history", horizon, len(usable))

    last_day, actual = usable[-1]
    assert actual is not None
    elapsed = (last_day - horizon.start).days  # days covered by the latest total
    total_days = (horizon.end - horizon.start).days + 1
    remaining = total_days - elapsed
    rate = actual / elapsed
    projected = rate * total_days

    # Per-day increments between consecutive nights, starting from 0 at the period's start.
    increments: list[float] = []
    previous_day, previous_value = horizon.start, 0.0
    for day, value in usable:
        assert value is not None
        increments.append((value - previous_value) / (day - previous_day).days)
        previous_day, previous_value = day, value
    spread = float(np.std(np.array(increments), ddof=1)) if len(increments) > 1 else 0.0
    half_band = BAND_Z * spread * math.sqrt(remaining)
    low = max(projected - half_band, actual, 0.0)
    high = max(projected + half_band, actual)

    pace_target = target * elapsed / total_days
    target_date: dt.date | None = None
    if direction == "higher" and actual < target and rate > 0:
        # The day whose activity brings the running total to the target.
        days_needed = math.ceil((target - actual) / rate - 1e-9)
        candidate = last_day + dt.timedelta(days=days_needed - 1)
        if candidate <= horizon.end:
            target_date = candidate
    return Forecast(
        status="ok",
        horizon=horizon,
        projected=projected,
        low=low,
        high=high,
        on_pace=_meets(actual, pace_target, direction),
        pace_target=pace_target,
        target_date=target_date,
        nights=len(usable),
    )
