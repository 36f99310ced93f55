"""What every template module builds on: the rule's context and set-based building blocks.

A template turns a `RuleContext` into one `select()` yielding `(user_id, value)` for every
user the rule applies to (users with nothing found get 0, or NULL where undefined), and
into the statements behind its explanation. Windows come from `kpidesk.domain.periods`
and are bound as UTC parameters, so the same SQL runs on SQLite and PostgreSQL.

Every statement sees the CRM as it was at D 00:00 ("as of D", issue 9), as far as the data
tells: an activity exists if its `created_at` is unknown or before D, and was still planned
at D if it was completed (`completed_at`) on or after D; an opportunity exists if created
before D, and was still open at D if it was closed on or after D. Without those timestamps
the current status is all there is, and a run gives exactly what it gave before.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    CompoundSelect,
    Float,
    Select,
    SQLColumnExpression,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.sql.visitors import InternalTraversal

from kpidesk.data.models import Activity, ActivityParticipant, Company, Opportunity, User
from kpidesk.domain import periods
from kpidesk.domain.templates import TemplateSpec


@dataclass(frozen=True)
class RuleContext:
    """One rule as of one date: validated params, time zone and who it applies to."""

    run_date: dt.date
    tz: ZoneInfo
    params: Mapping[str, Any]
    # Conditions on `users` that pick the users the statement yields a row for.
    user_conditions: tuple[ColumnElement[bool], ...] = field(default=())
    # Set when the statement is for one user only: inner subqueries then filter on it too, so
    # a one-user statement reads that user's rows only (explanations, per-user baselines).
    only_user: int | None = None

    @classmethod
    def for_profiles(
        cls, run_date: dt.date, tz: ZoneInfo, params: Mapping[str, Any], profile_ids: Sequence[int]
    ) -> RuleContext:
        """Every active user whose profile is one of the rule's profiles."""
        conditions = (User.active.is_(True), User.profile_id.in_(list(profile_ids)))
        return cls(run_date, tz, params, conditions)

    @classmethod
    def for_user(
        cls, run_date: dt.date, tz: ZoneInfo, params: Mapping[str, Any], user_id: int
    ) -> RuleContext:
        """Just one user, whatever their profile (explanations of stored results)."""
        return cls(run_date, tz, params, (User.id == user_id,), only_user=user_id)

    # Windows, as UTC (what the database stores).
    def next_days(self, n: int) -> periods.Window:
        return periods.next_days(self.run_date, n, self.tz).utc()

    def last_days(self, n: int) -> periods.Window:
        return periods.last_days(self.run_date, n, self.tz).utc()

    def now(self) -> dt.datetime:
        """D 00:00 local time, in UTC: the moment the run is "as of"."""
        return periods.day_start(self.run_date, self.tz).astimezone(dt.UTC)

    def period_window(self) -> periods.Window:
        """`period` to date, or the last `days` when `period` is `rolling`."""
        period = self.params["period"]
        if period == "rolling":
            return self.last_days(int(self.params["days"]))
        return periods.period_to_date(self.run_date, period, self.tz).utc()

    @property
    def activity_types(self) -> list[str]:
        return list(self.params.get("activity_types") or [])

    def eligible_user_ids(self) -> Select[int]:
        return select(User.id).where(*self.user_conditions)


@dataclass(frozen=True)
class ExplainQuery:
    """The statements behind one user's explanation; `explain.py` runs and formats them."""

    columns: tuple[str, ...]
    rows: Select[Any]
    gap_columns: tuple[str, ...] = ()
    gap_rows: Select[Any] | None = None


class KpiTemplate(ABC):
    """A built-in template: its spec, its set-based statement and its explanation."""

    spec: TemplateSpec

    @property
    def key(self) -> str:
        return self.spec.key

    @abstractmethod
    def values(self, ctx: RuleContext) -> Select[Any]:
        """One row `(user_id, value)` per user picked by `ctx`, in one statement."""

    @abstractmethod
    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        """The records that make up one user's value (and the gap list, where it applies)."""

    def __repr__(self) -> str:
        return f"<KpiTemplate {self.spec.key}>"


# --- building blocks -------------------------------------------------------------------


@dataclass(frozen=True)
class ActivitySet:
    """Activities with a status as of D, the rule's types and a time window.

    `conditions` filter activity rows (explanations, coverage); `ids` selects the same
    activities in a form each database can drive from its indexes (the engine's counts).
    """

    conditions: tuple[ColumnElement[bool], ...]
    ids: Select[Any] | CompoundSelect[Any]


def activity_exists(ctx: RuleContext) -> ColumnElement[bool]:
    """The activity was in the CRM at D 00:00 (no `created_at` means it always was)."""
    return or_(Activity.created_at.is_(None), Activity.created_at < ctx.now())


def activity_status_at(ctx: RuleContext) -> ColumnElement[Any]:
    """The status at D 00:00: `planned` if completed on or after D, else the current one."""
    return case((Activity.completed_at >= ctx.now(), "planned"), else_=Activity.status)


def activities_as_of(
    ctx: RuleContext,
    status: str,
    *,
    window: periods.Window | None = None,
    before: dt.datetime | None = None,
) -> ActivitySet:
    """Activities that existed at D with `status` at D, of the rule's types, in the window.

    Done or cancelled at D: that status now, completed before D (or when is unknown).
    Planned at D: planned now, or done/cancelled since D. The two kinds of "planned at D"
    are two index ranges (status, then time; and when completed), read as one UNION ALL.
    """
    now = ctx.now()
    common: list[ColumnElement[bool]] = [activity_exists(ctx)]
    if ctx.activity_types:
        common.append(Activity.type.in_(ctx.activity_types))
    if window is not None:
        common += [Activity.start_at >= window.start, Activity.start_at < window.end]
    if before is not None:
        common.append(Activity.start_at < before)
    if status != "planned":
        conditions = (
            Activity.status == status,
            or_(Activity.completed_at.is_(None), Activity.completed_at < now),
            *common,
        )
        return ActivitySet(conditions, select(Activity.id).where(*conditions))
    later = ("done", "cancelled")
    still = select(Activity.id).where(Activity.status == "planned", *common)
    since = select(Activity.id).where(
        Activity.status.in_(later), Activity.completed_at >= now, *common
    )
    conditions = (
        or_(
            Activity.status == "planned",
            and_(Activity.status.in_(later), Activity.completed_at >= now),
        ),
        *common,
    )
    return ActivitySet(conditions, union_all(still, since))


def _only(ctx: RuleContext, column: SQLColumnExpression[Any]) -> list[ColumnElement[bool]]:
    """`column = user` when the statement is for one user only, else nothing."""
    return [] if ctx.only_user is None else [column == ctx.only_user]


def per_user(ctx: RuleContext, sub: Subquery, value: ColumnElement[Any]) -> Select[Any]:
    """Every picked user LEFT JOIN a per-user subquery (keyed `user_id`), with `value`."""
    return (
        select(User.id.label("user_id"), value.label("value"))
        .select_from(User)
        .outerjoin(sub, sub.c.user_id == User.id)
        .where(*ctx.user_conditions)
    )


class AmongIds(ColumnElement[bool]):
    """`column IN (ids)`, written `column = ANY (ARRAY(ids))` on PostgreSQL.

    PostgreSQL plans `IN (subquery)` and joins as a hash over a sequential scan of the other
    table (all 2.2M participants for a 30-day window of 63,000 activities). With the ids
    collected into an array first it walks the index on `column` once per id instead,
    about 10x faster. SQLite already probes the index once per id for `IN`.
    """

    inherit_cache = True
    type = Boolean()
    # A comparison already: SQLite must not get `... IN (...) = 1`, which hides the IN from
    # its planner (it then scans every participation instead of probing the ids).
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]

    def __init__(
        self,
        column: ColumnElement[Any] | QueryableAttribute[Any],
        ids: Select[Any] | CompoundSelect[Any],
    ) -> None:
        # A mapped attribute (`Activity.id`) stands for its column; keep the column itself.
        self.column: ColumnElement[Any] = (
            column if isinstance(column, ColumnElement) else column.expression
        )
        self.ids: ScalarSelect[Any] = ids.scalar_subquery()

    @property
    def _from_objects(self) -> list[Any]:
        return list(self.column._from_objects)


@compiles(AmongIds)
def _among_ids(element: AmongIds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.ids, **kw)}"


@compiles(AmongIds, "postgresql")
def _among_ids_postgresql(element: AmongIds, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY (ARRAY{compiler.process(element.ids, **kw)})"


def participant_activity_count(ctx: RuleContext, matching: ActivitySet) -> Select[Any]:
    """Per picked user, how many activities matching `conditions` they take part in (0 if none).

    For all users, driven from the matching activities' ids into the participants' primary
    key `(activity_id, user_id)`: each matching participation is read once, and no other.
    For one user the other way round: that user's participations through
    `(user_id, activity_id)`, each activity probed by its key with the filters.
    """
    if ctx.only_user is not None:
        mine = select(ActivityParticipant.activity_id).where(
            ActivityParticipant.user_id == ctx.only_user
        )
        counts = (
            select(literal(ctx.only_user).label("user_id"), func.count().label("n"))
            .select_from(Activity)
            .where(AmongIds(Activity.id, mine), *matching.conditions)
            .subquery("counts")
        )
        return per_user(ctx, counts, func.coalesce(counts.c.n, 0))
    counts = (
        select(ActivityParticipant.user_id.label("user_id"), func.count().label("n"))
        # No filter on eligible users here: SQLite would turn it into one index probe per
        # (activity, user) pair. The outer join keeps only the users the rule applies to.
        .where(AmongIds(ActivityParticipant.activity_id, matching.ids))
        .group_by(ActivityParticipant.user_id)
        .subquery("counts")
    )
    return per_user(ctx, counts, func.coalesce(counts.c.n, 0))


def participant_activity_rows(
    ctx: RuleContext, user_id: int, matching: ActivitySet
) -> ExplainQuery:
    """One user's activities in `matching`, oldest first, with their status at D and company.

    Rows name records by their CRM key, the id users know from their CRM (not kpidesk's).
    """
    status = activity_status_at(ctx)
    rows = (
        select(Activity.crm_key, Activity.start_at, Activity.type, status, Company.name)
        .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
        .outerjoin(Company, Company.id == Activity.company_id)
        .where(ActivityParticipant.user_id == user_id, *matching.conditions)
        .order_by(Activity.start_at, Activity.id)
    )
    return ExplainQuery(("activity", "start", "type", "status", "company"), rows)


def managed_customers(ctx: RuleContext, matching: ActivitySet) -> Subquery:
    """Per picked user: customers managed (`managed`) and of those covered (`covered`).

    A customer is covered when it has an activity in `matching` that its key account
    manager took part in. Both counts are grouped by manager on their own and joined after,
    so no plan ever pairs every company with every covered company.
    """
    manager = Company.key_account_manager_id
    managed = (
        select(manager.label("user_id"), func.count().label("managed"))
        .where(Company.is_customer.is_(True), manager.in_(ctx.eligible_user_ids()))
        .group_by(manager)
        .subquery("managed_counts")
    )
    took_part = (
        select(literal(1))
        .where(
            ActivityParticipant.activity_id == Activity.id,
            ActivityParticipant.user_id == manager,
        )
        # OFFSET 0 keeps PostgreSQL from turning EXISTS into a hash semi-join over a sequential
        # scan of all participants: it stays one primary-key probe per (activity, manager).
        .suffix_with("OFFSET 0", dialect="postgresql")
    )
    covered = (
        select(manager.label("user_id"), func.count(func.distinct(Company.id)).label("covered"))
        .select_from(Activity)
        .join(Company, Company.id == Activity.company_id)
        # Not restricted to eligible managers (the join to `managed` does that): the filter
        # would lead SQLite to read every participation of those users instead of the window.
        .where(
            *matching.conditions,
            Company.is_customer.is_(True),
            exists(took_part),
            *_only(ctx, manager),
        )
        .group_by(manager)
        .subquery("covered_counts")
    )
    return (
        select(
            managed.c.user_id,
            managed.c.managed,
            func.coalesce(covered.c.covered, 0).label("covered"),
        )
        .outerjoin(covered, covered.c.user_id == managed.c.user_id)
        .subquery("managed")
    )


def coverage_rows(
    ctx: RuleContext,
    user_id: int,
    matching: ActivitySet,
    window: periods.Window,
) -> ExplainQuery:
    """A manager's customers with their latest matching activity in `window`, and the gap list.

    `matching` is the rule's set without the window (status as of D, types). The gap list holds
    the customers with no matching activity in the window, with when the manager last had one
    with them at all (before D), never-met first: a ready call list.
    """

    def latest(*bounds: ColumnElement[bool]) -> Any:
        return (
            select(func.max(Activity.start_at))
            .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
            .where(
                Activity.company_id == Company.id,
                ActivityParticipant.user_id == user_id,
                *matching.conditions,
                *bounds,
            )
            .correlate(Company)
            .scalar_subquery()
        )

    in_window = latest(Activity.start_at >= window.start, Activity.start_at < window.end)
    ever = latest(Activity.start_at < ctx.now())
    base = [Company.is_customer.is_(True), Company.key_account_manager_id == user_id]
    rows = (
        select(Company.crm_key, Company.name, in_window.label("last_activity"))
        .where(*base)
        .order_by(Company.name, Company.id)
    )
    gaps = (
        select(Company.crm_key, Company.name, ever.label("last_ever"))
        .where(*base, in_window.is_(None))
        .order_by(ever.is_not(None), ever, Company.name, Company.id)
    )
    return ExplainQuery(
        ("company_id", "company", "last_activity"),
        rows,
        ("company_id", "company", "last_ever"),
        gaps,
    )


def money(column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """Amounts summed exactly in whole cents, so SQLite (REAL) and PostgreSQL (NUMERIC) agree."""
    return func.sum(cast(func.round(column * 100), BigInteger))


def cents_to_float(cents: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(cents, Float) / literal(100.0, Float)


def ratio(numerator: ColumnElement[Any], denominator: ColumnElement[Any]) -> ColumnElement[Any]:
    """numerator / denominator as a float; NULL when the denominator is 0 or missing."""
    return case(
        (func.coalesce(denominator, 0) == 0, null()),
        else_=cast(numerator, Float) / cast(denominator, Float),
    )


def opportunity_totals(
    ctx: RuleContext,
    conditions: Sequence[ColumnElement[bool]],
    **aggregates: ColumnElement[Any],
) -> Subquery:
    """Per picked owner, aggregates over their opportunities matching `conditions`."""
    return (
        select(
            Opportunity.owner_id.label("user_id"),
            *(expression.label(name) for name, expression in aggregates.items()),
        )
        .where(*conditions, Opportunity.owner_id.in_(ctx.eligible_user_ids()))
        .group_by(Opportunity.owner_id)
        .subquery("opportunities")
    )


def opportunity_rows(
    ctx: RuleContext,
    user_id: int,
    conditions: Sequence[ColumnElement[bool]],
    when: SQLColumnExpression[Any],
    when_key: str,
) -> ExplainQuery:
    """One owner's opportunities matching `conditions`, ordered by `when`, with the stage at D."""
    rows = (
        select(
            Opportunity.crm_key,
            Opportunity.name,
            Company.name,
            cast(Opportunity.amount, Float),
            opportunity_stage_at(ctx),
            when,
        )
        .outerjoin(Company, Company.id == Opportunity.company_id)
        .where(Opportunity.owner_id == user_id, *conditions)
        .order_by(when, Opportunity.id)
    )
    return ExplainQuery(
        ("opportunity_id", "opportunity", "company", "amount", "stage", when_key), rows
    )


def opportunity_exists(ctx: RuleContext) -> ColumnElement[bool]:
    """The opportunity was in the CRM at D 00:00."""
    return Opportunity.created_at < ctx.now()


def open_at(ctx: RuleContext) -> list[ColumnElement[bool]]:
    """Open at D 00:00: created before D and open now, or closed (won or lost) since D."""
    return [
        opportunity_exists(ctx),
        or_(Opportunity.stage == "open", Opportunity.closed_at >= ctx.now()),
    ]


def opportunity_stage_at(ctx: RuleContext) -> ColumnElement[Any]:
    """The stage at D 00:00: `open` if closed on or after D, else the current one."""
    return case((Opportunity.closed_at >= ctx.now(), "open"), else_=Opportunity.stage)


def closed_in(ctx: RuleContext, window: periods.Window) -> list[ColumnElement[bool]]:
    """Closed in `window` (which ends at D at the latest), by an opportunity that existed at D.

    A stage won or lost at D is the current one: closing before D means it was already so.
    """
    return [
        opportunity_exists(ctx),
        Opportunity.closed_at >= window.start,
        Opportunity.closed_at < window.end,
    ]


# --- families of templates ---------------------------------------------------------------
# What several templates compute alike, written once; a template module says what differs.


class ParticipantActivities(KpiTemplate):
    """How many of `activities(ctx)` each user took part in, and which."""

    @abstractmethod
    def activities(self, ctx: RuleContext) -> ActivitySet:
        """The activities counted (status as of D, the rule's types, a window)."""

    def values(self, ctx: RuleContext) -> Select[Any]:
        return participant_activity_count(ctx, self.activities(ctx))

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        return participant_activity_rows(ctx, user_id, self.activities(ctx))


class ManagedCustomers(KpiTemplate):
    """A figure over the user's customers (as key account manager) and which of them had a
    done activity of the user's in the last `days`; the explanation lists both."""

    @abstractmethod
    def figure(self, managed: Subquery) -> ColumnElement[Any]:
        """The value from `managed` (columns `managed` and `covered`, per user)."""

    def values(self, ctx: RuleContext) -> Select[Any]:
        window = ctx.last_days(ctx.params["days"])
        managed = managed_customers(ctx, activities_as_of(ctx, "done", window=window))
        return per_user(ctx, managed, self.figure(managed))

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        window = ctx.last_days(ctx.params["days"])
        return coverage_rows(ctx, user_id, activities_as_of(ctx, "done"), window)


class OwnedOpportunities(KpiTemplate):
    """A figure over the user's opportunities that meet `conditions(ctx)`; the explanation
    lists them by the date `listed_by()` names (the closing date unless a template says)."""

    @abstractmethod
    def conditions(self, ctx: RuleContext) -> list[ColumnElement[bool]]:
        """Which of the user's opportunities count."""

    def listed_by(self) -> tuple[SQLColumnExpression[Any], str]:
        """The date column the explanation orders by, and its column key."""
        return Opportunity.closed_at, "closed"

    def explain(self, ctx: RuleContext, user_id: int) -> ExplainQuery:
        when, when_key = self.listed_by()
        return opportunity_rows(ctx, user_id, self.conditions(ctx), when, when_key)
