"""What "Dagens KPI", the status bar and `kpidesk kpi` show: stored results only (the team
view's users × rules: `kpidesk.services.team`).

Nothing here computes a KPI live: every figure comes from the results of the latest successful
run, so what a sales person sees is what the nightly run wrote (and what the history shows).
Each function is one or a few set-based queries, never a query per rule or per user, and checks
the caller itself: a `user` reads only their own KPIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import Session

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import (
    KpiResult,
    KpiRule,
    KpiRuleProfile,
    KpiRun,
    KpiRunData,
    User,
)
from kpidesk.data.source import RunLink, run_data_state
from kpidesk.domain.clock import Clock, local_today, system_clock
from kpidesk.domain.forecast import Forecast, horizon_for
from kpidesk.domain.freshness import DataState
from kpidesk.domain.messages import NO_TEXT, Msg
from kpidesk.domain.names import name_key
from kpidesk.services.caller import Caller, PermissionDenied, checked
from kpidesk.services.forecasting import CARD_DAYS, CardRule, card_forecasts

if TYPE_CHECKING:
    # Re-exported for the windows' annotations: the explanation is the engine's frozen rows.
    from kpidesk.engine.explain import Explanation as Explanation

# Nights of history read for the forecast and the cards' trend lines.
HISTORY_DAYS = 120

# (run date, value, score); value and score None where the KPI was undefined that night.
HistoryPoint = tuple[dt.date, float | None, float | None]


class KpiServiceError(Exception):
    """A request the service cannot answer; the message is one line, safe to show."""


class UnknownUser(KpiServiceError, LookupError):
    """No user has this login or id."""


class UnknownRule(KpiServiceError, LookupError):
    """No rule has this name or id."""


@dataclass(frozen=True)
class TemplateInfo:
    """What a reader needs to know of a rule's template, without importing the engine."""

    unit: str  # "count" | "percent" | "currency"
    direction: str  # "higher" | "lower"
    name: Msg  # the template's name, in both languages
    description: Msg  # the rule in words, in both languages (`Msg.text(lang)`)


def template_info(template_key: str, params: Mapping[str, Any]) -> TemplateInfo:
    """Unit, direction and the rule's description in words, from the engine's catalogue."""
    from kpidesk.domain.templates import ParamError, describe
    from kpidesk.engine.catalogue import get_template

    try:
        spec = get_template(template_key).spec
    except (KeyError, LookupError, ValueError):
        # A template removed from the catalogue: its stored results are still worth showing.
        return TemplateInfo("count", "higher", Msg(template_key, template_key), NO_TEXT)
    try:
        description = Msg(describe(spec, params, "da"), describe(spec, params, "en"))
    except ParamError:
        description = NO_TEXT
    return TemplateInfo(spec.unit, spec.direction, spec.name, description)


def clean_params(template_key: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """A rule's parameters with the template's defaults filled in (as stored if they no longer
    fit the template: its stored results are still worth showing)."""
    from kpidesk.domain.templates import ParamError, validate_params
    from kpidesk.engine.catalogue import get_template

    try:
        return validate_params(get_template(template_key).spec, dict(params or {}))
    except (KeyError, LookupError, ValueError, ParamError):
        return dict(params or {})


@dataclass(frozen=True)
class KpiItem:
    """One card of "Dagens KPI": a rule's stored result for the user, with its forecast."""

    rule_id: int
    rule: str  # the rule's name
    template: str
    params: dict[str, Any]
    unit: str
    direction: str
    value: float | None  # None: undefined ("–"), never 0
    target: float  # as it was when the result was computed; a fraction for percents
    score: float | None
    forecast: Forecast
    history: tuple[HistoryPoint, ...]  # oldest first, up to the run date
    template_name: Msg = NO_TEXT
    description: Msg = NO_TEXT  # the rule in words; `item.description.text(lang)`

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "template": self.template,
            "unit": self.unit,
            "direction": self.direction,
            "value": self.value,
            "target": self.target,
            "score": self.score,
            "forecast": self.forecast.to_json(),
        }


@dataclass(frozen=True)
class TodayKpis:
    """Everything "Dagens KPI" shows for one user, from one successful run.

    `reason` says why `kpis` is empty, so every front end can explain it in its language:
    "inactive", "no_profile", "no_rules", "no_run" (nothing calculated yet on or before the
    date) or "no_results" (the run holds no results for this user); "" when there are KPIs.
    """

    user: str  # login
    user_id: int
    user_name: str
    run_date: dt.date | None
    computed_at: dt.datetime | None
    kpis: list[KpiItem] = field(default_factory=list)
    reason: str = ""
    # Which CRM data the run used and what the import before it did (None: no data source).
    data: DataState | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "run_date": self.run_date.isoformat() if self.run_date else None,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "kpis": [item.to_json() for item in self.kpis],
        }

    def find(self, rule_name: str) -> KpiItem | None:
        """The KPI of the rule with this name (case-insensitive), if the user has it."""
        wanted = name_key(rule_name)
        for item in self.kpis:
            if name_key(item.rule) == wanted:
                return item
        return None


@dataclass(frozen=True)
class LastRun:
    """The latest run for the status bar: no personal data, so anyone may read it."""

    run_date: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str  # "running" | "success" | "failed"
    error: str | None
    trigger: str
    # The latest successful run, which is what every figure on screen comes from.
    last_success_date: dt.date | None = None
    last_success_at: dt.datetime | None = None
    # The CRM data behind that successful run's figures (None: no data source involved).
    data: DataState | None = None

    @property
    def date(self) -> dt.date:
        """The run's date (what it computed "as of"); the same as `run_date`."""
        return self.run_date


# --- queries ---------------------------------------------------------------------------------


_LINK_COLUMNS = (KpiRunData.outcome, KpiRunData.import_id, KpiRunData.attempt_id, KpiRunData.note)


@dataclass(frozen=True)
class SuccessfulRun:
    """A successful run as the figures on screen name it: its date, start and finish, and
    what `kpi_run_data` says about the CRM data it used."""

    run_date: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    link: RunLink


def _successful_run(row: Row[*tuple[Any, ...]]) -> SuccessfulRun:
    """A row selected as `KpiRun.run_date, started_at, finished_at, *_LINK_COLUMNS`."""
    return SuccessfulRun(
        run_date=row.run_date,
        started_at=row.started_at,
        finished_at=row.finished_at,
        link=RunLink(row.outcome, row.import_id, row.attempt_id, row.note),
    )


def latest_success(session: Session, as_of: dt.date) -> SuccessfulRun | None:
    """The latest successful run on or before as_of (None: none yet)."""
    row = session.execute(
        select(KpiRun.run_date, KpiRun.started_at, KpiRun.finished_at, *_LINK_COLUMNS)
        .outerjoin(KpiRunData, KpiRunData.run_id == KpiRun.id)
        .where(KpiRun.status == "success", KpiRun.run_date <= as_of)
        .order_by(KpiRun.run_date.desc(), KpiRun.finished_at.desc().nulls_last(), KpiRun.id.desc())
        .limit(1)
    ).first()
    return _successful_run(row) if row is not None else None


def _data_state(session: Session, run: SuccessfulRun) -> DataState | None:
    """Which CRM data the run used (one more statement, for imports)."""
    return run_data_state(session, run.started_at, run.link)


def _user_by_login(session: Session, caller: Caller, login: str) -> User:
    """The user behind a login, after the permission check (a user may only ask for
    themselves, and is never told whether another login exists)."""
    from kpidesk.services.auth import find_user

    login = login.strip()
    if not caller.is_admin and name_key(login) != name_key(caller.login):
        raise PermissionDenied("you may only see your own KPIs")
    user = find_user(session, login)
    if user is None:
        raise UnknownUser(f"unknown user {login!r}")
    caller.require_self_or_admin(user.id)
    return user


@checked
def todays_kpis(
    db: Database,
    caller: Caller,
    login: str,
    as_of: dt.date | None = None,
    *,
    clock: Clock = system_clock,
) -> TodayKpis:
    """The user's KPIs from the latest successful run on or before as_of (default: today).

    One query each for the user, the run, the rules with their results and the history.
    """
    with db.session() as session:
        user = _user_by_login(session, caller, login)
        if as_of is None:
            as_of = local_today(clock(), settings.timezone(session))
        latest = latest_success(session, as_of)
        run_date = latest.run_date if latest is not None else None
        finished_at = latest.finished_at if latest is not None else None
        data = _data_state(session, latest) if latest is not None else None
        base = TodayKpis(user.login, user.id, user.name, run_date, finished_at, data=data)
        if not user.active:
            return _with_reason(base, "inactive")
        if user.profile_id is None:
            return _with_reason(base, "no_profile")
        if run_date is None:
            reason = "no_run" if _has_active_rules(session, user.profile_id) else "no_rules"
            return _with_reason(base, reason)
        rows = session.execute(
            select(
                KpiRule.id,
                KpiRule.name,
                KpiRule.template,
                KpiRule.params,
                KpiResult.value,
                KpiResult.target,
                KpiResult.score,
                KpiResult.computed_at,
            )  # fmt: skip
            .join(KpiRuleProfile, KpiRuleProfile.rule_id == KpiRule.id)
            .join(
                KpiResult,
                and_(
                    KpiResult.rule_id == KpiRule.id,
                    KpiResult.user_id == user.id,
                    KpiResult.run_date == run_date,
                ),
            )
            .where(KpiRuleProfile.profile_id == user.profile_id, KpiRule.active.is_(True))
            .order_by(KpiRule.id)
        ).all()
        if not rows:
            reason = "no_results" if _has_active_rules(session, user.profile_id) else "no_rules"
            return _with_reason(base, reason)

        params_of = {row.id: clean_params(row.template, row.params) for row in rows}
        horizons = {row.id: horizon_for(row.template, params_of[row.id], run_date) for row in rows}
        earliest = run_date - dt.timedelta(days=CARD_DAYS)
        histories = _histories(session, user.id, list(horizons), earliest, run_date)
        card_rules = []
        for row in rows:
            info = template_info(row.template, params_of[row.id])
            card_rules.append(
                CardRule(
                    rule_id=row.id,
                    template=row.template,
                    params=params_of[row.id],
                    target=float(row.target),
                    direction=info.direction,
                    horizon=horizons[row.id],
                    ceiling=1.0 if info.unit == "percent" else None,
                )
            )
        predictions = card_forecasts(
            session,
            user_id=user.id,
            run_date=run_date,
            run_token=(run_date, finished_at),
            rules=card_rules,
            histories={
                rule_id: [(day, value) for day, value, _ in points]
                for rule_id, points in histories.items()
            },
        )

    items: list[KpiItem] = []
    for row in rows:
        params = params_of[row.id]
        info = template_info(row.template, params)
        history = histories.get(row.id, [])
        prediction = predictions[row.id]
        shown_from = run_date - dt.timedelta(days=HISTORY_DAYS)
        items.append(
            KpiItem(
                rule_id=row.id,
                rule=row.name,
                template=row.template,
                params=params,
                unit=info.unit,
                direction=info.direction,
                value=row.value,
                target=float(row.target),
                score=row.score,
                forecast=prediction,
                history=tuple(point for point in history if point[0] > shown_from),
                template_name=info.name,
                description=info.description,
            )
        )
    computed_at = finished_at or max(row.computed_at for row in rows)
    return TodayKpis(user.login, user.id, user.name, run_date, computed_at, items, data=data)


def _with_reason(base: TodayKpis, reason: str) -> TodayKpis:
    return TodayKpis(
        base.user,
        base.user_id,
        base.user_name,
        base.run_date,
        base.computed_at,
        [],
        reason,
        base.data,
    )


def _has_active_rules(session: Session, profile_id: int) -> bool:
    found = session.scalar(
        select(KpiRule.id)
        .join(KpiRuleProfile, KpiRuleProfile.rule_id == KpiRule.id)
        .where(KpiRuleProfile.profile_id == profile_id, KpiRule.active.is_(True))
        .limit(1)
    )
    return found is not None


def _histories(
    session: Session, user_id: int, rule_ids: Sequence[int], after: dt.date, until: dt.date
) -> dict[int, list[HistoryPoint]]:
    """Every rule's nightly results of one user in (after, until], in one query."""
    result: dict[int, list[HistoryPoint]] = {rule_id: [] for rule_id in rule_ids}
    for rule_id, run_date, value, score in session.execute(
        select(KpiResult.rule_id, KpiResult.run_date, KpiResult.value, KpiResult.score)
        .where(
            KpiResult.user_id == user_id,
            KpiResult.rule_id.in_(rule_ids),
            KpiResult.run_date > after,
            KpiResult.run_date <= until,
        )
        .order_by(KpiResult.rule_id, KpiResult.run_date)
    ):
        result[rule_id].append((run_date, value, score))
    return result


@checked
def has_rules(db: Database, caller: Caller, login: str) -> bool:
    """Whether the user has at least one active rule (the "Mine KPI" button's visibility)."""
    with db.session() as session:
        from kpidesk.services.auth import find_user

        if not caller.is_admin and name_key(login) != name_key(caller.login):
            raise PermissionDenied("you may only see your own KPIs")
        user = find_user(session, login)
        if user is None:
            return False
        row = session.execute(
            select(User.id, KpiRule.id)
            .join(KpiRuleProfile, KpiRuleProfile.profile_id == User.profile_id)
            .join(KpiRule, KpiRule.id == KpiRuleProfile.rule_id)
            .where(
                User.id == user.id,
                User.active.is_(True),
                KpiRule.active.is_(True),
            )
            .limit(1)
        ).first()
        if row is not None:
            caller.require_self_or_admin(row[0])
        return row is not None


@checked
def history(
    db: Database,
    caller: Caller,
    user_id: int,
    rule_id: int,
    days: int = HISTORY_DAYS,
    *,
    until: dt.date | None = None,
) -> list[HistoryPoint]:
    """The user's nightly (date, value, score) of one rule over the last `days` nights up to
    `until` (default: the latest night with a result), oldest first."""
    caller.require_self_or_admin(user_id)
    if days < 1:
        raise KpiServiceError(f"days must be at least 1, not {days}")
    with db.session() as session:
        if until is None:
            until = session.scalar(
                select(func.max(KpiResult.run_date)).where(
                    KpiResult.user_id == user_id, KpiResult.rule_id == rule_id
                )
            )
            if until is None:
                return []
        start = until - dt.timedelta(days=days)
        return _histories(session, user_id, [rule_id], start, until)[rule_id]


@checked
def explain_result(
    db: Database,
    caller: Caller,
    user_id: int,
    rule_id: int,
    run_date: dt.date,
    *,
    lang: str = "da",
) -> Explanation:
    """The records behind one result (and, for coverage rules, the gap list to call); a rule
    or user that does not exist is a `KpiServiceError` with one line."""
    from kpidesk.engine.explain import ExplainError, explain

    caller.require_self_or_admin(user_id)
    try:
        return explain(db, rule_id, user_id, run_date, lang=lang)
    except ExplainError as exc:
        raise KpiServiceError(str(exc)) from exc


@checked
def run_status(db: Database, caller: Caller) -> LastRun | None:
    """`last_run_status` for a logged-in person (the status bar): re-checks the account."""
    return last_run_status(db)


def last_run_status(db: Database) -> LastRun | None:
    """The latest run (whatever its outcome) and the latest successful one; None before any."""
    with db.session() as session:
        latest = session.execute(
            select(
                KpiRun.run_date,
                KpiRun.started_at,
                KpiRun.finished_at,
                KpiRun.status,
                KpiRun.error,
                KpiRun.trigger,
            )  # fmt: skip
            .order_by(KpiRun.started_at.desc(), KpiRun.id.desc())
            .limit(1)
        ).first()
        if latest is None:
            return None
        row = session.execute(
            select(KpiRun.run_date, KpiRun.started_at, KpiRun.finished_at, *_LINK_COLUMNS)
            .outerjoin(KpiRunData, KpiRunData.run_id == KpiRun.id)
            .where(KpiRun.status == "success")
            .order_by(KpiRun.finished_at.desc().nulls_last(), KpiRun.id.desc())
            .limit(1)
        ).first()
        success = _successful_run(row) if row is not None else None
        data = _data_state(session, success) if success is not None else None
    return LastRun(
        run_date=latest.run_date,
        started_at=latest.started_at,
        finished_at=latest.finished_at,
        status=latest.status,
        error=latest.error,
        trigger=latest.trigger,
        last_success_date=success.run_date if success is not None else None,
        last_success_at=success.finished_at if success is not None else None,
        data=data,
    )
