"""How forecasts erred before: pairs of a night's starting point and the value at its horizon,
which of their errors were known on a given night, and a prediction from them.

A forecast (`kpidesk.domain.forecast`) is a starting point plus the median of these errors,
with the band between their 10th and 90th percentile; the backtest replays the same. Pure
Python: no Qt, no SQL.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kpidesk.domain.periods import period_last_day, period_start

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
# Past errors of all users used when pooling (the most recent).
MAX_POOLED_ERRORS = 3000
# Fewer past errors than this in all: no forecast yet.
MIN_ERRORS = 8
# Periods: past errors count when made with at most this many days more or less to go.
LEAD_TOLERANCE = 3


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
