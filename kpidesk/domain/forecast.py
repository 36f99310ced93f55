"""Where a KPI is heading, from what the CRM already knows and how such forecasts erred before.

Every forecast is "a starting point plus the change this user usually sees on top of it",
with a band read off the same past changes:

* Rules with a known part (planned meetings, the pipeline, KAM coverage, neglected
  accounts): the starting point is what the CRM already holds for the window at the horizon
  (meetings already planned in it, open deals expected to close in it, customers with a
  meeting planned before it). The usual change is the median of (outcome − known part) over
  this user's past nights at the same horizon: further bookings, slipped or lost deals,
  cancelled meetings.
* Calendar periods (won revenue/deals this month): the total so far plus the open deals
  expected to close in the rest of the period weighted by the user's win rate; the usual
  change is learnt the same way from past nights with as many days left. Beside it the pace
  line: the total so far at the same daily rate to the period's end.
* Other rolling windows: no change — today's value — with the band of past changes.

The band holds the 10th to 90th percentile of the past errors at that horizon (about 8 in
10 outcomes): the user's own when they have enough of them, otherwise the rule's users'
together. It is empirical because consecutive nights of a rolling window share almost all
their days, so no formula for independent nights fits. A share stays within 0–100 %, and
nothing goes below the part that cannot disappear (the total so far of a period).

Pure Python: no Qt, no SQL. Past errors only count when their outcome was known on the
night of the forecast, so a backtest replays exactly what the card would have said.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from kpidesk.domain.periods import CALENDAR_PERIODS, period_bounds

HorizonKind = Literal["period", "window"]
ForecastStatus = Literal["ok", "insufficient_history", "undefined"]
# "known": from the known part; "period": total so far + open deals; "no_change": today's value.
Method = Literal["known", "period", "no_change"]

# Projection length for a rule whose template has no `days` parameter (e.g. overdue activities).
DEFAULT_WINDOW_DAYS = 28
# Templates measuring a calendar period to date, with their default period.
PERIOD_TEMPLATES: dict[str, str] = {"won_deals": "month", "won_revenue": "month"}
# Templates whose forecast starts from a known part the engine reads from the CRM.
KNOWN_TEMPLATES = ("planned_meetings", "pipeline_value", "kam_coverage", "neglected_accounts")
# Coverage rules: customers met in the window; forecast four weeks ahead (see `lead_days`).
COVERAGE_TEMPLATES = ("kam_coverage", "neglected_accounts")
COVERAGE_LEAD_DAYS = 28
DIRECTIONS = ("higher", "lower")
# The band: from the 10th to the 90th percentile of past errors (nominally 8 outcomes in 10).
BAND_LOW, BAND_HIGH = 0.1, 0.9
# Fewer own past errors than this: the rule's users' errors together are used instead.
MIN_OWN_ERRORS = 15
# Own past errors used (the most recent): a user's habits change over a year.
MAX_OWN_ERRORS = 90
# Rolling windows: own past errors from nights a week apart over the last year. Consecutive
# nights of a window share all but one day, so their errors are nearly the same number; and
# the user's own errors are used only when they span at least MIN_HORIZONS horizons, else
# the spread of a few dependent outcomes would pass for the spread of the future.
ERROR_SPACING = 7
OWN_ERROR_DAYS = 365
MIN_HORIZONS = 4
# Coverage rules: fewer of the user's own activities than this in the last year, and the
# rule's users' completion rate is used instead.
MIN_TRIED = 10
# Past errors of all users used when pooling (the most recent).
MAX_POOLED_ERRORS = 3000
# Fewer past errors than this in all: no forecast yet.
MIN_ERRORS = 8
# Periods: past errors count when made with at most this many days more or less to go.
LEAD_TOLERANCE = 3


@dataclass(frozen=True)
class Horizon:
    """What the projection is for."""

    kind: HorizonKind  # "period": a calendar month/quarter/year total; "window": a rolling value
    start: dt.date  # first day of the period (or as_of for a window)
    end: dt.date  # the night whose value is forecast (a period's last day)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Pair:
    """One past night's starting point and the value its horizon's night showed."""

    made: dt.date
    outcome: dt.date
    base: float
    actual: float
    # What the error is measured in: 1, or for coverage rules the customers not reached yet
    # that night (the usual change is a share of them, see `coverage_start`).
    scale: float = 1.0

    @property
    def lead(self) -> int:
        return (self.outcome - self.made).days

    @property
    def error(self) -> float:
        return (self.actual - self.base) / self.scale


@dataclass(frozen=True)
class Prediction:
    """The numbers of one forecast: starting point + usual change, and the band."""

    projected: float
    low: float
    high: float
    addition: float  # the usual change on top of the starting point (median past error)
    errors: int  # past errors the band is made of
    pooled: bool  # True: the rule's users' errors together (the user has too few)


@dataclass(frozen=True)
class Forecast:
    """The projection of one rule for one user; numbers only when status is "ok".

    `shown` is False when the backtest found this rule's forecasts no better than saying
    "no change" (or, for a period, than the pace line): the card then says so instead.
    """

    status: ForecastStatus
    horizon: Horizon
    projected: float | None
    low: float | None
    high: float | None
    on_pace: bool | None
    pace_target: float | None  # for periods: target * elapsed share; None for windows
    target_date: dt.date | None  # kept for compatibility: never guessed from a straight line
    nights: int  # usable nights of history
    method: Method = "no_change"
    known: float | None = None  # the known part (already planned / in the pipeline / so far)
    addition: float | None = None  # the usual change on top of the starting point
    pace: float | None = None  # periods: the total so far at the same rate to the night
    win_rate: float | None = None  # periods: the win rate the open deals are weighted by
    open_part: float | None = None  # periods: open deals expected in the rest of the period
    errors: int = 0
    pooled: bool = False
    # Coverage rules: customers surely still covered at the horizon, customers more with an
    # activity planned before it, and the completion rate those planned ones are weighted by.
    certain: float | None = None
    planned: float | None = None
    completion: float | None = None
    shown: bool = True
    # Why a forecast is not shown: the backtest's two errors, or None when it was not run.
    backtest_mae: float | None = None
    baseline_mae: float | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (dates ISO): the "forecast" value of `kpidesk kpi --json`."""
        return {
            "status": self.status,
            "method": self.method,
            "shown": self.shown,
            "horizon": self.horizon.to_json(),
            "projected": _round(self.projected),
            "low": _round(self.low),
            "high": _round(self.high),
            "known": _round(self.known),
            "addition": _round(self.addition),
            "pace": _round(self.pace),
            "on_pace": self.on_pace,
            "pace_target": _round(self.pace_target),
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "nights": self.nights,
            "errors": self.errors,
            "pooled": self.pooled,
            "certain": _round(self.certain),
            "planned": _round(self.planned),
            "completion": _round(self.completion),
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


def rule_period(template_key: str, params: Mapping[str, Any]) -> str | None:
    """The calendar period a rule totals ("month", ...), or None for a rolling window."""
    period = params.get("period", PERIOD_TEMPLATES.get(template_key))
    return period if period in CALENDAR_PERIODS else None


def window_days(params: Mapping[str, Any]) -> int:
    """How far a rolling window's forecast looks ahead: its own length."""
    days = params.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return DEFAULT_WINDOW_DAYS
    return days


def lead_days(template_key: str, params: Mapping[str, Any]) -> int:
    """How many days ahead a rolling window's forecast looks: its own length, except for
    coverage rules: four weeks (at most half the window), so that part of today's window is
    still inside the window at the horizon and the CRM's calendar reaches that far."""
    days = window_days(params)
    if template_key in COVERAGE_TEMPLATES:
        return max(1, min(COVERAGE_LEAD_DAYS, (days + 1) // 2))
    return days


def horizon_for(template_key: str, params: Mapping[str, Any], as_of: dt.date) -> Horizon:
    """The period or window a rule's forecast projects to, from its (validated) parameters.

    Calendar periods project to the night of the period's last day (the last night that
    shows this period's total); a rolling window projects `days` ahead, so the whole
    current window has rolled over.
    """
    period = rule_period(template_key, params)
    if period is not None:
        return Horizon("period", period_start(as_of, period), period_last_day(as_of, period))
    return Horizon("window", as_of, as_of + dt.timedelta(days=lead_days(template_key, params)))


def method_for(template_key: str, params: Mapping[str, Any]) -> Method:
    """How a rule is forecast: from its known part, as a period, or as no change."""
    if rule_period(template_key, params) is not None:
        return "period"
    return "known" if template_key in KNOWN_TEMPLATES else "no_change"


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "higher" else value <= target


# --- past errors -------------------------------------------------------------------------------


def nightly_values(
    history: Sequence[tuple[dt.date, float | None]],
) -> dict[dt.date, float]:
    """Night → value, without undefined or non-finite values (the last one given wins)."""
    nights: dict[dt.date, float | None] = {}
    for day, value in history:
        nights[day] = None if value is None or not math.isfinite(value) else float(value)
    return {day: value for day, value in nights.items() if value is not None}


def window_pairs(
    bases: Mapping[dt.date, float],
    values: Mapping[dt.date, float],
    lead: int,
    scales: Mapping[dt.date, float] | None = None,
) -> list[Pair]:
    """(base on night d, value on night d+lead) for every night where both are known.
    With `bases` = the values it is "no change"."""
    step = dt.timedelta(days=lead)
    scales = scales or {}
    return [
        Pair(day, day + step, base, values[day + step], scales.get(day, 1.0))
        for day, base in bases.items()
        if day + step in values
    ]


def period_pairs(
    bases: Mapping[dt.date, float], values: Mapping[dt.date, float], period: str
) -> list[Pair]:
    """(base on night d, value on the night of its period's last day), for nights with at
    least one day of the period behind and one ahead."""
    pairs = []
    for day, base in bases.items():
        start, last = period_start(day, period), period_last_day(day, period)
        if start < day < last and last in values:
            pairs.append(Pair(day, last, base, values[last]))
    return pairs


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of already sorted values (numpy's default method)."""
    position = q * (len(sorted_values) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * fraction


class PastErrors:
    """Past pairs ordered by the night of their outcome, for picking what was known when."""

    def __init__(self, pairs: Sequence[Pair] = ()) -> None:
        self.pairs = sorted(pairs, key=lambda pair: (pair.outcome, pair.made))
        self.outcomes = [pair.outcome for pair in self.pairs]
        self.errors = [pair.error for pair in self.pairs]
        # (known, lead, limit) → sorted errors: a backtest asks for the same rule's users'
        # errors once per user and night.
        self._recent: dict[tuple[int, int | None, int], list[float]] = {}

    def recent_sorted(self, as_of: dt.date, lead: int | None, limit: int) -> list[float]:
        """`_usable(self, as_of, lead, limit)`, sorted (shared: do not change the list)."""
        key = (bisect.bisect_right(self.outcomes, as_of), lead, limit)
        if key not in self._recent:
            self._recent[key] = sorted(_usable(self, as_of, lead, limit))
        return self._recent[key]

    @classmethod
    def from_errors(cls, errors: Sequence[tuple[int, float]]) -> PastErrors:
        """Errors kept without their nights, (lead, error): all count as known long ago."""
        long_ago = dt.date(1, 1, 1)
        return cls(
            [
                Pair(long_ago, long_ago + dt.timedelta(days=lead), 0.0, error)
                for lead, error in errors
            ]
        )

    def __len__(self) -> int:
        return len(self.pairs)


def _usable(past: PastErrors, as_of: dt.date, lead: int | None, limit: int) -> list[float]:
    """Errors of pairs whose outcome was known on as_of (the most recent `limit`), and with
    a lead within LEAD_TOLERANCE of `lead` when one is given."""
    pairs = past.pairs
    end = bisect.bisect_right(past.outcomes, as_of)
    if lead is None:
        return past.errors[max(0, end - limit) : end]
    chosen: list[float] = []
    for index in range(end - 1, -1, -1):
        if abs(pairs[index].lead - lead) <= LEAD_TOLERANCE:
            chosen.append(past.errors[index])
            if len(chosen) == limit:
                break
    return chosen


def _own_window_errors(past: PastErrors, as_of: dt.date, window: int) -> tuple[list[float], bool]:
    """A rolling window's own errors known on as_of, from nights a multiple of ERROR_SPACING
    days before it within OWN_ERROR_DAYS, and whether they are enough: MIN_OWN_ERRORS or
    more, spanning MIN_HORIZONS horizons or more."""
    end = bisect.bisect_right(past.outcomes, as_of)
    oldest = as_of - dt.timedelta(days=OWN_ERROR_DAYS)
    # Outcomes come `window` nights after their night; older ones cannot qualify.
    first = bisect.bisect_left(past.outcomes, oldest + dt.timedelta(days=window))
    chosen = [
        index
        for index in range(first, end)
        if past.pairs[index].made >= oldest
        and (as_of - past.pairs[index].made).days % ERROR_SPACING == 0
    ]
    enough = len(chosen) >= MIN_OWN_ERRORS and (
        (as_of - min(past.pairs[index].made for index in chosen)).days >= MIN_HORIZONS * window
    )
    return [past.errors[index] for index in chosen], enough


def predict(
    base: float,
    *,
    as_of: dt.date,
    own: PastErrors,
    pooled: PastErrors | None = None,
    lead: int | None = None,
    window: int | None = None,
    floor: float = 0.0,
    ceiling: float | None = None,
    shift: bool = True,
    scale: float = 1.0,
) -> Prediction | None:
    """`base` plus the median past error, with the 10–90 % band of past errors.

    Without `shift` the projection is `base` itself ("no change") and only the band comes
    from the past errors. `lead` (periods) picks past errors made with about as many days
    to go; `window` (rolling windows: the days ahead) picks the user's own errors a week
    apart, enough only when they span MIN_HORIZONS horizons (`_own_window_errors`). Without
    enough own errors, the rule's users' together (or, when there are none, the few own
    ones). None with fewer than MIN_ERRORS in all. `scale`: what tonight's errors are
    measured in (the past ones are in their own night's, `Pair.scale`).
    """
    if window is not None:
        errors, enough = _own_window_errors(own, as_of, window)
    else:
        errors = _usable(own, as_of, lead, MAX_OWN_ERRORS)
        enough = len(errors) >= MIN_OWN_ERRORS
    was_pooled = False
    if not enough and pooled is not None and len(pooled):
        errors = pooled.recent_sorted(as_of, lead, MAX_POOLED_ERRORS)
        was_pooled = True
    else:
        errors = sorted(errors)
    if len(errors) < MIN_ERRORS:
        return None
    # Past errors are in units of their own night's scale; tonight's are `scale` of those
    # (a positive number, so the order and the percentiles carry over).
    addition = statistics.median(errors) * scale if shift else 0.0

    def clamp(value: float) -> float:
        value = max(value, floor)
        return value if ceiling is None else min(value, ceiling)

    low = base + _quantile(errors, BAND_LOW) * scale
    high = base + _quantile(errors, BAND_HIGH) * scale
    if not shift:  # "about where it is" is always inside its own band
        low, high = min(low, base), max(high, base)
    return Prediction(
        projected=clamp(base + addition),
        low=clamp(low),
        high=clamp(high),
        addition=addition,
        errors=len(errors),
        pooled=was_pooled,
    )


def pace_line(so_far: float, as_of: dt.date, horizon: Horizon) -> float | None:
    """The period's total on its last night at the daily rate so far (None on its first day).

    The night of as_of covers [start, as_of); the last night covers [start, last day).
    """
    elapsed = (as_of - horizon.start).days
    if elapsed <= 0:
        return None
    return so_far / elapsed * (horizon.end - horizon.start).days


def period_base(so_far: float, open_part: float | None, win_rate: float | None) -> float:
    """Total so far plus the open deals expected in the rest of the period × the win rate."""
    if open_part is None or win_rate is None:
        return so_far
    return so_far + win_rate * open_part


@dataclass(frozen=True)
class Start:
    """A night's starting point for a forecast, and the range its outcome cannot leave."""

    base: float
    floor: float = 0.0
    ceiling: float | None = None
    certain: float | None = None  # coverage rules: see `coverage_start`
    planned: float | None = None
    completion: float | None = None
    scale: float = 1.0  # what the usual change is measured in (see `Pair.scale`)


def completion_rate(done: float, tried: float, pooled: float | None) -> float:
    """The share of the user's activities that got done: their own with MIN_TRIED or more,
    else the rule's users' together (`pooled`), else their own, else 1."""
    if tried >= MIN_TRIED or (pooled is None and tried > 0):
        return done / tried
    return 1.0 if pooled is None else pooled


def coverage_start(
    template_key: str, parts: Sequence[float | None], pooled_completion: float | None
) -> Start | None:
    """KAM coverage / neglected accounts at the horizon from the engine's known part
    `(managed, certain, reachable, done, tried)`: the customers whose last done activity is
    still inside the window then (certain), plus those with an activity planned before it,
    weighted by the completion rate. None without managed customers (the value is undefined
    for coverage; neglected counts 0 of 0).

    What comes on top is mostly customers with nothing done or planned yet who get a visit
    anyway, so the usual change is measured as a share of those (at least one customer):
    a user whose calendar already reaches most customers has little left to gain.
    """
    managed, certain, reachable, done, tried = (float(part or 0) for part in parts[:5])
    rate = completion_rate(done, tried, pooled_completion)
    planned = max(0.0, reachable - certain)
    known = certain + rate * planned
    unreached = max(1.0, managed - max(reachable, certain))
    if template_key == "kam_coverage":
        if managed <= 0:
            return None
        return Start(
            known / managed, certain / managed, 1.0, certain, planned, rate, unreached / managed
        )
    return Start(managed - known, 0.0, managed - certain, certain, planned, rate, unreached)


# --- the forecast of one card ------------------------------------------------------------------


def _empty(status: ForecastStatus, horizon: Horizon, nights: int, method: Method) -> Forecast:
    return Forecast(status, horizon, None, None, None, None, None, None, nights, method)


def forecast(
    history: Sequence[tuple[dt.date, float | None]],
    *,
    as_of: dt.date,
    target: float,
    direction: str,
    horizon: Horizon,
    method: Method = "no_change",
    base: float | None = None,
    own: Sequence[Pair] | None = None,
    pooled: PastErrors | None = None,
    ceiling: float | None = None,
    open_part: float | None = None,
    win_rate: float | None = None,
    start: Start | None = None,
) -> Forecast:
    """Project a rule's value to its horizon: `base` (the known part, or for a period the
    total so far + weighted open deals; today's value when None) plus the usual change.

    `history` holds (run date, value) pairs, value None where the KPI was undefined.
    `own` are this user's past pairs (built from `history` as "no change" when None);
    `pooled` the rule's users' together. `start` (coverage rules) carries the base with the
    range the outcome cannot leave. The status is "undefined" when the latest night's value
    is (a KPI shown as "–" has no projection either).
    """
    if start is not None and base is None:
        base = start.base
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; use higher or lower")
    clean = sorted((day, value) for day, value in history if day <= as_of)
    values = nightly_values(clean)
    nights = len(values)
    if clean and clean[-1][0] == as_of and as_of not in values:
        return _empty("undefined", horizon, nights, method)
    if as_of not in values:
        return _empty("insufficient_history", horizon, nights, method)
    latest = values[as_of]
    if horizon.kind == "period":
        period_pace = pace_line(latest, as_of, horizon)
        start_from = period_base(latest, open_part, win_rate) if base is None else base
        if own is None:
            bases = {day: value for day, value in values.items()}
            own = period_pairs(bases, values, _period_of(horizon))
        prediction = predict(
            start_from,
            as_of=as_of,
            own=PastErrors(own),
            pooled=pooled,
            lead=(horizon.end - as_of).days,
            floor=latest,  # a period's total so far never goes away
            ceiling=ceiling,
        )
        if prediction is None:
            return _empty("insufficient_history", horizon, nights, "period")
        elapsed = (as_of - horizon.start).days
        total_days = (horizon.end - horizon.start).days
        pace_target = target * elapsed / total_days if total_days else target
        return Forecast(
            status="ok",
            horizon=horizon,
            projected=prediction.projected,
            low=prediction.low,
            high=prediction.high,
            on_pace=_meets(latest, pace_target, direction),
            pace_target=pace_target,
            target_date=None,
            nights=nights,
            method="period",
            known=latest,
            addition=prediction.addition,
            pace=period_pace,
            win_rate=win_rate,
            open_part=open_part,
            errors=prediction.errors,
            pooled=prediction.pooled,
        )
    lead = (horizon.end - as_of).days
    if method == "known" and base is None:
        method = "no_change"
    start_from = latest if method == "no_change" or base is None else base
    if own is None:
        own = window_pairs(values, values, lead)
    floor = 0.0
    if method == "known" and start is not None:
        floor = start.floor
        if start.ceiling is not None:
            ceiling = start.ceiling if ceiling is None else min(ceiling, start.ceiling)
    prediction = predict(
        start_from,
        as_of=as_of,
        own=PastErrors(own),
        pooled=pooled,
        window=lead,
        floor=floor,
        ceiling=ceiling,
        shift=method != "no_change",
        scale=start.scale if method == "known" and start is not None else 1.0,
    )
    if prediction is None:
        return _empty("insufficient_history", horizon, nights, method)
    coverage = start if method == "known" and start is not None else Start(0.0)
    return Forecast(
        status="ok",
        horizon=horizon,
        projected=prediction.projected,
        low=prediction.low,
        high=prediction.high,
        on_pace=_meets(prediction.projected, target, direction),
        pace_target=None,
        target_date=None,
        nights=nights,
        method=method,
        known=start_from if method == "known" else None,
        addition=prediction.addition,
        errors=prediction.errors,
        pooled=prediction.pooled,
        certain=coverage.certain,
        planned=coverage.planned,
        completion=coverage.completion,
    )


def _period_of(horizon: Horizon) -> str:
    """The calendar period a period horizon spans (month, quarter or year)."""
    days = (horizon.end - horizon.start).days + 1
    return "month" if days <= 31 else "quarter" if days <= 92 else "year"


def hidden(result: Forecast, backtest_mae: float | None, baseline_mae: float | None) -> Forecast:
    """The same forecast marked as not shown, with the backtest's errors that say why
    (None when no backtest has judged the rule yet)."""
    return replace(result, shown=False, backtest_mae=backtest_mae, baseline_mae=baseline_mae)
