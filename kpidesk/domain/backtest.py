"""Replaying the forecasts: what each night's forecast said against what the horizon showed.

For every user and night of a rule, the forecast is made exactly as the card would have
made it that night (only errors whose outcome was already known count, see
`forecast.predict`), and set beside "no change" (the value that night) and, for calendar
periods, the pace line. Pure Python over plain numbers; the service loads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kpidesk.domain.forecast import (
    MAX_POOLED_ERRORS,
    Horizon,
    Method,
    Pair,
    PastErrors,
    pace_line,
    period_last_day,
    period_pairs,
    period_start,
    predict,
    window_pairs,
)

# A rule needs this many cases before the backtest's verdict decides what cards show.
MIN_CASES = 30


@dataclass(frozen=True)
class UserSeries:
    """One user's nights of one rule: the values, and the forecast's starting point per night
    (the known part; for periods total so far + weighted open deals; else the value)."""

    values: Mapping[dt.date, float]
    bases: Mapping[dt.date, float]
    # Coverage rules: night → (floor, ceiling) the outcome cannot leave (see `coverage_start`).
    bounds: Mapping[dt.date, tuple[float, float | None]] = field(default_factory=dict)
    # Coverage rules: night → what its error is measured in (`Pair.scale`).
    scales: Mapping[dt.date, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One forecast replayed: made on `made` for the night `outcome`."""

    user_id: int
    made: dt.date
    outcome: dt.date
    actual: float
    forecast: float
    low: float
    high: float
    no_change: float
    pace: float | None  # periods only

    @property
    def inside(self) -> bool:
        return self.low <= self.actual <= self.high


@dataclass(frozen=True)
class RuleBacktest:
    """A rule's verdict: mean absolute errors of the forecast and of its baselines."""

    rule_id: int
    rule: str
    template: str
    method: Method
    cases: int
    mae_forecast: float | None
    mae_no_change: float | None
    mae_pace: float | None  # calendar periods only
    coverage: float | None  # share of outcomes inside the band (nominal 0.8)
    users: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    case_list: tuple[Case, ...] = field(default=(), repr=False, compare=False)

    @property
    def baseline(self) -> str:
        """What the forecast has to beat: the pace line for a period, else no change."""
        return "pace" if self.method == "period" else "no_change"

    @property
    def mae_baseline(self) -> float | None:
        return self.mae_pace if self.method == "period" else self.mae_no_change

    @property
    def ratio(self) -> float | None:
        """Forecast error / baseline error: below 1 the forecast is worth showing."""
        if self.mae_forecast is None or self.mae_baseline is None:
            return None
        if self.mae_baseline == 0:
            return 1.0 if self.mae_forecast == 0 else float("inf")
        return self.mae_forecast / self.mae_baseline

    @property
    def beats_baseline(self) -> bool:
        """Shown on cards only when it beats its baseline over enough cases. "No change"
        itself never beats itself: such a rule's card says the value stays about the same."""
        if self.method == "no_change" or self.cases < MIN_CASES:
            return False
        ratio = self.ratio
        return ratio is not None and ratio < 1.0

    def to_json(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 6)

        return {
            "rule_id": self.rule_id,
            "rule": self.rule,
            "template": self.template,
            "method": self.method,
            "baseline": self.baseline,
            "cases": self.cases,
            "users": self.users,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "mae_forecast": rounded(self.mae_forecast),
            "mae_no_change": rounded(self.mae_no_change),
            "mae_pace": rounded(self.mae_pace),
            "ratio": rounded(self.ratio),
            "coverage": rounded(self.coverage),
            "beats_baseline": self.beats_baseline,
        }


def _pairs(series: UserSeries, lead: int, period: str | None) -> list[Pair]:
    if period is not None:
        return period_pairs(series.bases, series.values, period)
    return window_pairs(series.bases, series.values, lead, series.scales)


def replay(
    series: Mapping[int, UserSeries],
    *,
    method: Method,
    lead: int,
    period: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ceiling: float | None = None,
    every: int = 1,
) -> list[Case]:
    """Every forecast a card would have shown on the nights made in [date_from, date_to]
    whose horizon's night has a value. `lead`: days ahead for a rolling window. With
    `every` > 1 only the nights a multiple of `every` days before `date_to` (or the last
    night) are replayed: the nightly refresh of the verdicts reads a week in seven."""
    newest = date_to or max((day for user in series.values() for day in user.values), default=None)
    own = {user_id: PastErrors(_pairs(user, lead, period)) for user_id, user in series.items()}
    pooled = PastErrors([pair for past in own.values() for pair in past.pairs])
    cases: list[Case] = []
    for user_id, user in sorted(series.items()):
        for pair in own[user_id].pairs:
            made = pair.made
            if (date_from is not None and made < date_from) or (
                date_to is not None and made > date_to
            ):
                continue
            if every > 1 and (newest is None or (newest - made).days % every):
                continue
            now = user.values.get(made)
            if now is None:
                continue
            pace: float | None = None
            if period is not None:
                start, last = period_start(made, period), period_last_day(made, period)
                horizon = Horizon("period", start, last)
                pace = pace_line(now, made, horizon)
                if pace is None:
                    continue
                prediction = predict(
                    pair.base, as_of=made, own=own[user_id], pooled=pooled,
                    lead=pair.lead, floor=now, ceiling=ceiling,
                )  # fmt: skip
            else:
                floor, bound = user.bounds.get(made, (0.0, None))
                top = bound if ceiling is None else ceiling if bound is None else min(
                    ceiling, bound)  # fmt: skip
                prediction = predict(
                    pair.base, as_of=made, own=own[user_id], pooled=pooled, window=lead,
                    floor=floor, ceiling=top, shift=method != "no_change", scale=pair.scale,
                )  # fmt: skip
            if prediction is None:
                continue
            cases.append(
                Case(
                    user_id,
                    made,
                    pair.outcome,
                    pair.actual,
                    prediction.projected,
                    prediction.low,
                    prediction.high,
                    now,
                    pace,
                )  # fmt: skip
            )
    return cases


def pooled_sample(
    series: Mapping[int, UserSeries],
    *,
    lead: int,
    period: str | None = None,
    limit: int = MAX_POOLED_ERRORS,
) -> list[tuple[int, float]]:
    """The rule's users' most recent past errors as (lead, error): what a card of a user
    with little history borrows (kept with the backtest's verdict)."""
    pairs = PastErrors([pair for user in series.values() for pair in _pairs(user, lead, period)])
    return [(pair.lead, pair.error) for pair in pairs.pairs[-limit:]]


def summarise(
    rule_id: int, rule: str, template: str, method: Method, cases: list[Case]
) -> RuleBacktest:
    """Mean absolute errors and band coverage over the cases."""
    if not cases:
        return RuleBacktest(rule_id, rule, template, method, 0, None, None, None, None)
    n = len(cases)
    paces = [case for case in cases if case.pace is not None]
    return RuleBacktest(
        rule_id=rule_id,
        rule=rule,
        template=template,
        method=method,
        cases=n,
        mae_forecast=sum(abs(case.actual - case.forecast) for case in cases) / n,
        mae_no_change=sum(abs(case.actual - case.no_change) for case in cases) / n,
        mae_pace=(
            sum(abs(case.actual - case.pace) for case in paces if case.pace is not None)
            / len(paces)
            if paces and method == "period"
            else None
        ),
        coverage=sum(case.inside for case in cases) / n,
        users=len({case.user_id for case in cases}),
        first=min(case.made for case in cases),
        last=max(case.made for case in cases),
        case_list=tuple(cases),
    )
