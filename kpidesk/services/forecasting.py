"""Forecasts for the cards and their backtest: loading the numbers the domain combines.

The backtest replays every night's forecast of every rule and user against what the
nightly results later showed (`kpidesk forecast backtest`); its verdict per rule is kept in
the settings table, and a card shows a forecast only for rules whose verdict says it beats
its baseline ("no change", or for a period the pace line).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRule, Setting
from kpidesk.domain.backtest import RuleBacktest, UserSeries, pooled_sample, replay, summarise
from kpidesk.domain.clock import local_today, system_clock
from kpidesk.domain.forecast import (
    COVERAGE_TEMPLATES,
    Forecast,
    Horizon,
    Method,
    Start,
    coverage_start,
    forecast,
    hidden,
    lead_days,
    method_for,
    period_base,
    rule_period,
)
from kpidesk.domain.past_errors import (
    LEAD_TOLERANCE,
    PastErrors,
    nightly_values,
    period_pairs,
    window_pairs,
)
from kpidesk.domain.periods import period_last_day
from kpidesk.services.caller import Caller, checked
from kpidesk.services.settings import today

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


def start_from_parts(
    template_key: str,
    method: Method,
    value: float | None,
    parts: Sequence[float | None] | None,
    pooled_completion: float | None = None,
) -> Start | None:
    """The forecast's starting point on a night from the value and the engine's known part."""
    if method == "no_change":
        return None if value is None else Start(value)
    if parts is None:
        return None
    if method == "period":
        if value is None:
            return None
        open_part, won, lost = parts[:3]
        return Start(period_base(value, open_part, _win_rate(won, lost)), floor=value)
    if template_key in COVERAGE_TEMPLATES:
        return coverage_start(template_key, parts, pooled_completion)
    return None if parts[0] is None else Start(parts[0])


def pooled_completion(parts: Mapping[int, Sequence[float | None]]) -> float | None:
    """A coverage rule's users' completion rate together on one night (None without any)."""
    done = sum(float(user[3] or 0) for user in parts.values() if len(user) >= 5)
    tried = sum(float(user[4] or 0) for user in parts.values() if len(user) >= 5)
    return done / tried if tried > 0 else None


def _rule_series(
    conn: Connection,
    rule: KpiRule,
    method: Method,
    until: dt.date,
    tz: ZoneInfo,
    progress: Callable[[int, int], None] | None = None,
    every: int = 1,
    since: dt.date | None = None,
) -> tuple[dict[int, UserSeries], float | None]:
    """Every user's nights of the rule up to `until` + the rule's lead, with the base per night
    (with `every` > 1 only every `every`-th night back from `until`, from `since` on), and
    the users' completion rate on the last night (coverage rules)."""
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
    bounds: dict[int, dict[dt.date, tuple[float, float | None]]] = {u: {} for u in values}
    scales: dict[int, dict[dt.date, float]] = {user_id: {} for user_id in values}
    completion: float | None = None
    if method == "no_change":
        bases = {user_id: dict(nights) for user_id, nights in values.items()}
    else:
        nights = sorted(
            day
            for day in {day for user in values.values() for day in user}
            if day <= until and (since is None or day >= since) and (until - day).days % every == 0
        )
        for done, night in enumerate(nights, start=1):
            parts = known_parts(conn, rule, night, tz) or {}
            completion = pooled_completion(parts)
            for user_id, user_parts in parts.items():
                if user_id not in values:
                    continue
                start = start_from_parts(
                    rule.template, method, values[user_id].get(night), user_parts, completion
                )
                if start is not None:
                    bases[user_id][night] = start.base
                    if start.floor or start.ceiling is not None:
                        bounds[user_id][night] = (start.floor, start.ceiling)
                    if start.scale != 1.0:
                        scales[user_id][night] = start.scale
            if progress is not None:
                progress(done, len(nights))
    series = {
        user_id: UserSeries(values[user_id], bases[user_id], bounds[user_id], scales[user_id])
        for user_id in sorted(values)
    }
    return series, completion


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
    report, pooled, completions = _replay_rules(
        db, date_from=date_from, date_to=date_to, rule_name=rule_name, progress=progress
    )
    if save and rule_name is None and date_from is None and date_to is None:
        save_verdicts(db, report, pooled, completions)
    return report


# The nightly refresh: forecasts made on every REFRESH_EVERY-th night of the last
# REFRESH_CASE_DAYS, learning from known parts of the REFRESH_HISTORY_DAYS before (the
# cards themselves learn from every 7th night of the last year).
REFRESH_EVERY = 7
REFRESH_CASE_DAYS = 365
REFRESH_HISTORY_DAYS = 730


@checked
def refresh_verdicts(db: Database, caller: Caller) -> BacktestReport:
    """The verdicts that decide which cards show a forecast, from the nightly results up to
    the last night: what the nightly run calls after its calculation.

    Cheaper than the full backtest: the known parts are read for one night in seven (the
    nights the cards learn from), so the cost grows with rules × 104 nights at most.
    """
    caller.require_admin()
    with db.connect() as conn:
        last = conn.scalar(select(func.max(KpiResult.run_date)))
    if last is None:
        return BacktestReport(None, None, [])
    report, pooled, completions = _replay_rules(
        db,
        date_from=last - dt.timedelta(days=REFRESH_CASE_DAYS),
        date_to=None,
        rule_name=None,
        every=REFRESH_EVERY,
        since=last - dt.timedelta(days=REFRESH_HISTORY_DAYS),
    )
    save_verdicts(db, report, pooled, completions)
    return report


def _replay_rules(
    db: Database,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    rule_name: str | None,
    progress: BacktestProgress | None = None,
    every: int = 1,
    since: dt.date | None = None,
) -> tuple[BacktestReport, dict[int, list[tuple[int, float]]], dict[int, float | None]]:
    """The backtest of the active rules, with each rule's pooled errors and completion rate."""
    reports: list[RuleBacktest] = []
    pooled: dict[int, list[tuple[int, float]]] = {}
    completions: dict[int, float | None] = {}
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
        last_night = conn.scalar(select(func.max(KpiResult.run_date)))
        until = date_to or last_night or local_today(system_clock(), tz)
        for index, rule in enumerate(rules):
            from kpidesk.services.kpi import clean_params

            params = clean_params(rule.template, rule.params)
            method = method_for(rule.template, params)
            lead = lead_days(rule.template, params)
            period = rule_period(rule.template, params)

            def step(done: int, total: int, name: str = rule.name) -> None:
                if progress is not None:
                    progress(name, done, total)

            series, completion = _rule_series(
                conn, rule, method, until, tz, step, every=every, since=since
            )
            completions[rule.id] = completion
            cases = replay(
                series,
                method=method,
                lead=lead,
                period=period,
                date_from=date_from,
                date_to=date_to if every == 1 else until,
                ceiling=_ceiling(rule.template),
                every=every,
            )
            reports.append(summarise(rule.id, rule.name, rule.template, method, cases))
            pooled[rule.id] = pooled_sample(series, lead=lead, period=period)
            if progress is not None:
                progress(rule.name, index + 1, len(rules))
    return BacktestReport(date_from, date_to, reports), pooled, completions


def save_verdicts(
    db: Database,
    report: BacktestReport,
    pooled: Mapping[int, list[tuple[int, float]]],
    completions: Mapping[int, float | None] | None = None,
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
            "completion": (completions or {}).get(rule.rule_id),
        }
        for rule in report.rules
    }
    text = json.dumps({"at": today(db).isoformat(), "rules": verdicts})
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


# The known parts the cards have read, per (database, latest run, user, rule and its
# parameters, night). A night's known part is read as the CRM was that night, so it changes
# only when the CRM's past is rewritten, and the cards' figures stay as the latest run left
# them anyway: a new run starts afresh. Reading them is most of the cost of a card.
CARD_PARTS_LIMIT = 20_000
_card_parts: OrderedDict[tuple[Any, ...], tuple[float | None, ...] | None] = OrderedDict()
_card_parts_lock = threading.Lock()


def _known_parts_cached(
    session: Session,
    requests: Sequence[tuple[CardRule, dt.date]],
    tz: ZoneInfo,
    user_id: int,
    run_token: object | None,
) -> dict[tuple[int, dt.date], tuple[float | None, ...]]:
    """`known_parts_of_user`, reading only the nights not read since the latest run."""
    from kpidesk.engine.known import known_parts_of_user

    if run_token is None:
        return known_parts_of_user(session.connection(), requests, tz, user_id)
    url = session.connection().engine.url.render_as_string()
    prefix = (url, run_token, user_id, tz.key)
    keys = {
        (rule.rule_id, night): (
            *prefix, rule.rule_id, json.dumps(dict(rule.params), sort_keys=True), night
        )
        for rule, night in requests
    }  # fmt: skip
    found: dict[tuple[int, dt.date], tuple[float | None, ...]] = {}
    with _card_parts_lock:
        for request, key in keys.items():
            if key in _card_parts:
                _card_parts.move_to_end(key)
                cached = _card_parts[key]
                if cached is not None:
                    found[request] = cached
        missing = [
            (rule, night)
            for rule, night in requests
            if keys[(rule.rule_id, night)] not in _card_parts
        ]
    if missing:
        fresh = known_parts_of_user(session.connection(), missing, tz, user_id)
        found.update(fresh)
        with _card_parts_lock:
            for rule, night in missing:
                _card_parts[keys[(rule.rule_id, night)]] = fresh.get((rule.rule_id, night))
            while len(_card_parts) > CARD_PARTS_LIMIT:
                _card_parts.popitem(last=False)
    return found


def card_forecasts(
    session: Session,
    *,
    user_id: int,
    run_date: dt.date,
    rules: Sequence[CardRule],
    histories: Mapping[int, Sequence[tuple[dt.date, float | None]]],
    run_token: object | None = None,
) -> dict[int, Forecast]:
    """rule id → the card's forecast: the known part from the engine (one statement for all
    the rules and sampled nights), the usual change from the user's own past nights (or the
    rule's users' kept by the latest backtest), and that backtest's verdict. With
    `run_token` (what identifies the latest run) known parts already read are reused."""

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
        parts = _known_parts_cached(session, requests, tz, user_id, run_token)
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
    lead = lead_days(rule.template, rule.params)
    base: float | None = None
    open_part: float | None = None
    win_rate: float | None = None
    bases: Mapping[dt.date, float] = values
    start: Start | None = None
    rate = verdict.get("completion") if verdict is not None else None
    rate = float(rate) if isinstance(rate, (int, float)) else None
    scales: dict[dt.date, float] = {}
    if method != "no_change":
        known_bases: dict[dt.date, float] = {}
        for (rule_id, night), night_parts in parts.items():
            if rule_id != rule.rule_id:
                continue
            night_start = start_from_parts(
                rule.template, method, values.get(night), night_parts, rate
            )
            if night_start is not None:
                known_bases[night] = night_start.base
                scales[night] = night_start.scale
            if night == run_date:
                start = night_start
                base = None if night_start is None else night_start.base
                if method == "period":
                    open_part, win_rate = night_parts[0], _win_rate(night_parts[1], night_parts[2])
        bases = known_bases
    if period:
        own = period_pairs(bases, values, period)
    else:
        own = window_pairs(bases, values, lead, scales)
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
        start=start if method == "known" else None,
    )
    if verdict is None:
        return hidden(result, None, None)
    if not verdict.get("beats"):
        return hidden(result, verdict.get("mae_forecast"), verdict.get("mae_baseline"))
    return result
