"""Forecasts for the cards and their backtest: loading the numbers the domain combines.

The backtest replays every night's forecast of every rule and user against what the
nightly results later showed (`kpidesk forecast backtest`); its verdict per rule is kept in
the settings table, and a card shows a forecast only for rules whose verdict says it beats
its baseline ("no change", or for a period the pace line).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, Setting
from kpidesk.domain.backtest import RuleBacktest, UserSeries, pooled_sample, replay, summarise
from kpidesk.domain.forecast import (
    LEAD_TOLERANCE,
    Forecast,
    Horizon,
    Method,
    PastErrors,
    forecast,
    hidden,
    method_for,
    nightly_values,
    period_base,
    period_last_day,
    period_pairs,
    rule_period,
    window_days,
    window_pairs,
)
from kpidesk.services.caller import Caller, checked

# Where the latest backtest's verdicts are kept (a row of the settings table).
VERDICTS_KEY = "forecast_backtest"
# A card learns the usual change from every SAMPLE_STEP-th night of the last CARD_DAYS.
SAMPLE_STEP = 7
CARD_DAYS = 365

BacktestProgress = Callable[[str, int, int], None]


class ForecastServiceError(Exception):
    """A backtest request the service cannot answer; one line, safe to show."""


@dataclass(frozen=True)
class BacktestReport:
    """Per rule the backtest's verdict, over the nights made in [date_from, date_to]."""

    date_from: dt.date | None
    date_to: dt.date | None
    rules: list[RuleBacktest]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "rules": [rule.to_json() for rule in self.rules],
        }


def _ceiling(template_key: str) -> float | None:
    from kpidesk.services.kpi import template_info

    return 1.0 if template_info(template_key, {}).unit == "percent" else None


def _win_rate(won: float | None, lost: float | None) -> float | None:
    closed = (won or 0) + (lost or 0)
    return None if closed <= 0 else (won or 0) / closed


def base_from_parts(
    method: Method, value: float | None, parts: Sequence[float | None] | None
) -> float | None:
    """The forecast's starting point on a night from the value and the engine's known part."""
    if method == "no_change":
        return value
    if parts is None:
        return None
    if method == "period":
        if value is None:
            return None
        open_part, won, lost = parts
        return period_base(value, open_part, _win_rate(won, lost))
    return parts[0]


def _rule_series(
    conn: Connection,
    rule: KpiRule,
    method: Method,
    until: dt.date,
    tz: ZoneInfo,
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, UserSeries]:
    """Every user's nights of the rule up to `until` + the rule's lead, with the base per night."""
    from kpidesk.engine.known import known_parts

    values: dict[int, dict[dt.date, float]] = {}
    for user_id, run_date, value in conn.execute(
        select(KpiResult.user_id, KpiResult.run_date, KpiResult.value)
        .where(KpiResult.rule_id == rule.id)
        .order_by(KpiResult.user_id, KpiResult.run_date)
    ):
        if value is not None:
            values.setdefault(int(user_id), {})[run_date] = float(value)
    bases: dict[int, dict[dt.date, float]] = {user_id: {} for user_id in values}
    if method == "no_change":
        bases = {user_id: dict(nights) for user_id, nights in values.items()}
    else:
        nights = sorted({day for user in values.values() for day in user if day <= until})
        for done, night in enumerate(nights, start=1):
            parts = known_parts(conn, rule, night, tz) or {}
            for user_id, user_parts in parts.items():
                if user_id not in values:
                    continue
                base = base_from_parts(method, values[user_id].get(night), user_parts)
                if base is not None:
                    bases[user_id][night] = base
            if progress is not None:
                progress(done, len(nights))
    return {user_id: UserSeries(values[user_id], bases[user_id]) for user_id in sorted(values)}


@checked
def backtest(
    db: Database,
    caller: Caller,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    rule_name: str | None = None,
    save: bool = True,
    progress: BacktestProgress | None = None,
) -> BacktestReport:
    """Replay the forecasts of every active rule (or one) on the stored nightly results.

    With `save` the verdicts are kept for the cards (only for a run over every rule and
    the whole history, so a narrow look never changes what users see).
    """
    caller.require_admin()
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ForecastServiceError(f"--to {date_to} is before --from {date_from}")
    reports: list[RuleBacktest] = []
    pooled: dict[int, list[tuple[int, float]]] = {}
    with db.connect() as conn:
        with Session(bind=conn) as session:
            tz = settings.timezone(session)
        query = select(KpiRule).where(KpiRule.active.is_(True)).order_by(KpiRule.id)
        rules = list(Session(bind=conn).scalars(query))
        if rule_name is not None:
            wanted = " ".join(rule_name.split()).casefold()
            rules = [rule for rule in rules if rule.name.casefold() == wanted]
            if not rules:
                raise ForecastServiceError(f"no active rule is named {rule_name!r}")
        last_night = conn.scalar(select(KpiResult.run_date).order_by(KpiResult.run_date.desc()))
        until = date_to or last_night or dt.date.today()
        for index, rule in enumerate(rules):
            from kpidesk.services.kpi import clean_params

            params = clean_params(rule.template, rule.params)
            method = method_for(rule.template, params)

            def step(done: int, total: int, name: str = rule.name) -> None:
                if progress is not None:
                    progress(name, done, total)

            series = _rule_series(conn, rule, method, until, tz, step)
            cases = replay(
                series,
                method=method,
                lead=window_days(params),
                period=rule_period(rule.template, params),
                date_from=date_from,
                date_to=date_to,
                ceiling=_ceiling(rule.template),
            )
            reports.append(summarise(rule.id, rule.name, rule.template, method, cases))
            pooled[rule.id] = pooled_sample(
                series, lead=window_days(params), period=rule_period(rule.template, params)
            )
            if progress is not None:
                progress(rule.name, index + 1, len(rules))
    report = BacktestReport(date_from, date_to, reports)
    if save and rule_name is None and date_from is None and date_to is None:
        save_verdicts(db, report, pooled)
    return report


def save_verdicts(
    db: Database, report: BacktestReport, pooled: Mapping[int, list[tuple[int, float]]]
) -> None:
    """Keep each rule's verdict, and its users' recent errors, for the cards (replacing the
    previous backtest's)."""
    verdicts = {
        str(rule.rule_id): {
            "beats": rule.beats_baseline,
            "cases": rule.cases,
            "mae_forecast": rule.mae_forecast,
            "mae_baseline": rule.mae_baseline,
            "coverage": rule.coverage,
            "method": rule.method,
            "pooled": [[lead, round(error, 6)] for lead, error in pooled.get(rule.rule_id, [])],
        }
        for rule in report.rules
    }
    text = json.dumps({"at": dt.date.today().isoformat(), "rules": verdicts})
    with db.session(write=True) as session:
        row = session.get(Setting, VERDICTS_KEY)
        if row is None:
            session.add(Setting(key=VERDICTS_KEY, value=text))
        else:
            row.value = text


def verdicts(session: Session) -> dict[int, dict[str, Any]]:
    """rule id → the latest backtest's verdict; empty before any backtest."""
    return _parse_verdicts(session.scalar(select(Setting.value).where(Setting.key == VERDICTS_KEY)))


def _parse_verdicts(stored: str | None) -> dict[int, dict[str, Any]]:
    if not stored:
        return {}
    try:
        rules = json.loads(stored).get("rules", {})
        return {int(key): value for key, value in rules.items() if isinstance(value, dict)}
    except (ValueError, AttributeError, TypeError):
        return {}


# --- the cards' forecasts ---------------------------------------------------------------------


@dataclass(frozen=True)
class CardRule:
    """What a card's forecast needs of one rule and its stored result."""

    rule_id: int
    template: str
    params: Mapping[str, Any]
    target: float
    direction: str
    horizon: Horizon
    ceiling: float | None

    # What the engine's known-part statements need of a rule (`RuleLike`).
    @property
    def id(self) -> int:
        return self.rule_id


def _sample_nights(run_date: dt.date, first: dt.date) -> list[dt.date]:
    """Every SAMPLE_STEP-th night back from run_date to first (the card's past known parts)."""
    nights = []
    night = run_date
    while night >= first:
        nights.append(night)
        night -= dt.timedelta(days=SAMPLE_STEP)
    return nights


def _period_nights(run_date: dt.date, first: dt.date, period: str) -> list[dt.date]:
    """Tonight and the past nights with as many days left of their period (± the tolerance
    the forecast uses): the only past nights whose errors a period's forecast reads."""
    lead = (period_last_day(run_date, period) - run_date).days
    nights = [run_date]
    night = run_date - dt.timedelta(days=1)
    while night >= first:
        if abs((period_last_day(night, period) - night).days - lead) <= LEAD_TOLERANCE:
            nights.append(night)
        night -= dt.timedelta(days=1)
    return nights


def card_forecasts(
    session: Session,
    *,
    user_id: int,
    run_date: dt.date,
    rules: Sequence[CardRule],
    histories: Mapping[int, Sequence[tuple[dt.date, float | None]]],
) -> dict[int, Forecast]:
    """rule id → the card's forecast: the known part from the engine (one statement for all
    the rules and sampled nights), the usual change from the user's own past nights (or the
    rule's users' kept by the latest backtest), and that backtest's verdict."""
    from kpidesk.engine.known import known_parts_of_user

    stored = dict(
        session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(["timezone", VERDICTS_KEY]))
        ).all()
    )
    judged = _parse_verdicts(stored.get(VERDICTS_KEY))
    values = {rule.rule_id: nightly_values(histories.get(rule.rule_id, ())) for rule in rules}
    requests: list[tuple[CardRule, dt.date]] = []
    for rule in rules:
        if method_for(rule.template, rule.params) != "no_change":
            first = min(values[rule.rule_id], default=run_date)
            period = rule_period(rule.template, rule.params)
            if period is None:
                nights = _sample_nights(run_date, first)
            else:
                nights = _period_nights(run_date, first, period)
            requests += [(rule, night) for night in nights]
    parts: dict[tuple[int, dt.date], tuple[float | None, ...]] = {}
    if requests:
        tz = ZoneInfo(stored.get("timezone") or settings.SPECS["timezone"].default)
        parts = known_parts_of_user(session.connection(), requests, tz, user_id)
    result: dict[int, Forecast] = {}
    for rule in rules:
        result[rule.rule_id] = _card_forecast(
            rule, run_date, histories.get(rule.rule_id, ()), values[rule.rule_id], parts,
            judged.get(rule.rule_id),
        )  # fmt: skip
    return result


def _card_forecast(
    rule: CardRule,
    run_date: dt.date,
    history: Sequence[tuple[dt.date, float | None]],
    values: Mapping[dt.date, float],
    parts: Mapping[tuple[int, dt.date], tuple[float | None, ...]],
    verdict: Mapping[str, Any] | None,
) -> Forecast:
    method = method_for(rule.template, rule.params)
    period = rule_period(rule.template, rule.params)
    lead = window_days(rule.params)
    base: float | None = None
    open_part: float | None = None
    win_rate: float | None = None
    bases: Mapping[dt.date, float] = values
    if method != "no_change":
        known_bases: dict[dt.date, float] = {}
        for (rule_id, night), night_parts in parts.items():
            if rule_id != rule.rule_id:
                continue
            night_base = base_from_parts(method, values.get(night), night_parts)
            if night_base is not None:
                known_bases[night] = night_base
            if night == run_date:
                base = night_base
                if method == "period":
                    open_part, win_rate = night_parts[0], _win_rate(night_parts[1], night_parts[2])
        bases = known_bases
    own = period_pairs(bases, values, period) if period else window_pairs(bases, values, lead)
    pooled = None
    if verdict is not None and isinstance(verdict.get("pooled"), list):
        pooled = PastErrors.from_errors(
            [(int(lead_), float(error)) for lead_, error in verdict["pooled"]]
        )
    result = forecast(
        history,
        as_of=run_date,
        target=rule.target,
        direction=rule.direction,
        horizon=rule.horizon,
        method=method,
        base=base,
        own=own,
        pooled=pooled,
        ceiling=rule.ceiling,
        open_part=open_part,
        win_rate=win_rate,
    )
    if verdict is None:
        return hidden(result, None, None)
    if not verdict.get("beats"):
        return hidden(result, verdict.get("mae_forecast"), verdict.get("mae_baseline"))
    return result
