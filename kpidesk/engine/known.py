"""What the CRM already knows on a night about a rule's value at its forecast's horizon.

One set-based statement per rule and night, for all the rule's users, like the rule's own
statement: `(user_id, base)`, or for calendar periods `(user_id, open_part, won, lost)`.
The domain (`kpidesk.domain.forecast`) combines these with the usual change; nothing here
guesses.

* planned_meetings (N days): activities already planned in [D+N, D+2N), the window the
  card will show N days from now.
* pipeline_value (N days): open deals expected to close in [D+N, D+2N).
* kam_coverage / neglected_accounts (N days, forecast h days ahead, `lead_days`): the
  customers whose key account manager took part in a done activity of the rule's types in
  [D+h−N, D) (still inside the window at D+h), those with one planned in [D, D+h), and the
  manager's completion rate of the last quarter.
* won_revenue / won_deals (calendar period): open deals expected to close in [D, period
  end), and the deals won and lost in the last year (the win rate).

"Open on D" follows the history rules (`open_at`): created before D 00:00, and open now
or closed at or after D 00:00; activities likewise (`activities_as_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from kpidesk.data.models import Activity, Opportunity, User
from kpidesk.domain import periods
from kpidesk.domain.forecast import lead_days, rule_period, window_days
from kpidesk.engine.base import (
    ActivitySet,
    RuleContext,
    activities_as_of,
    activity_exists,
    cents_to_float,
    managed_customers,
    money,
    open_at,
    opportunity_totals,
    participant_activity_count,
    per_user,
)
from kpidesk.engine.run import RuleLike, prepare_rule, rule_profile_ids

# How far back the win rate of a period forecast looks.
WIN_RATE_DAYS = 365
# How far back a coverage rule's completion rate looks (a quarter: recent habits, cheap).
COMPLETION_DAYS = 90
KNOWN_STATEMENT_TEMPLATES = (
    "planned_meetings",
    "pipeline_value",
    "kam_coverage",
    "neglected_accounts",
    "won_revenue",
    "won_deals",
)


def _expected_between(start: dt.date, end: dt.date) -> list[ColumnElement[bool]]:
    return [Opportunity.expected_close >= start, Opportunity.expected_close < end]


def known_statement(template_key: str, ctx: RuleContext) -> Select[Any] | None:
    """The statement of a template's known part as of ctx.run_date; None if it has none."""
    d = ctx.run_date
    params = ctx.params
    if template_key in ("won_revenue", "won_deals"):
        period = rule_period(template_key, params)
        if period is None:
            return None
        end = periods.period_end(d, period)
        amount = money(Opportunity.amount) if template_key == "won_revenue" else func.count()
        owner = Opportunity.owner_id
        eligible = owner.in_(ctx.eligible_user_ids())
        opened = (
            select(owner.label("user_id"), amount.label("x"))
            .where(*open_at(ctx), *_expected_between(d, end), eligible)
            .group_by(owner)
            .subquery("open_deals")
        )
        year = ctx.last_days(WIN_RATE_DAYS)
        closed = (
            select(
                owner.label("user_id"),
                func.sum(case((Opportunity.stage == "won", 1), else_=0), type_=Integer).label(
                    "won"
                ),
                func.sum(case((Opportunity.stage == "lost", 1), else_=0), type_=Integer).label(
                    "lost"
                ),
            )
            .where(
                Opportunity.stage.in_(["won", "lost"]),
                Opportunity.closed_at >= year.start,
                Opportunity.closed_at < year.end,
                eligible,
            )
            .group_by(owner)
            .subquery("closed_deals")
        )
        open_value: ColumnElement[Any] = func.coalesce(opened.c.x, 0)
        if template_key == "won_revenue":
            open_value = cents_to_float(open_value)
        return (
            select(
                User.id.label("user_id"),
                cast(open_value, Float).label("open_part"),
                func.coalesce(closed.c.won, 0).label("won"),
                func.coalesce(closed.c.lost, 0).label("lost"),
            )
            .select_from(User)
            .outerjoin(opened, opened.c.user_id == User.id)
            .outerjoin(closed, closed.c.user_id == User.id)
            .where(*ctx.user_conditions)
        )
    days = window_days(params)
    ahead = dt.timedelta(days=days)
    if template_key == "planned_meetings":
        window = periods.Window(
            periods.day_start(d + ahead, ctx.tz), periods.day_start(d + 2 * ahead, ctx.tz)
        ).utc()
        return participant_activity_count(ctx, activities_as_of(ctx, "planned", window=window))
    if template_key == "pipeline_value":
        conditions = [*open_at(ctx), *_expected_between(d + ahead, d + 2 * ahead)]
        totals = opportunity_totals(ctx, conditions, cents=money(Opportunity.amount))
        return per_user(ctx, totals, cents_to_float(func.coalesce(totals.c.cents, 0)))
    if template_key in ("kam_coverage", "neglected_accounts"):
        return coverage_statement(ctx, days, lead_days(template_key, params))
    return None


def coverage_statement(ctx: RuleContext, days: int, lead: int) -> Select[Any]:
    """Per user `(managed, certain, reachable, done, tried)` for a coverage rule at D+lead.

    At D+lead the window is [D+lead−days, D+lead). `certain`: customers with a done
    activity in its part that is already past, [D+lead−days, D); `reachable`: those plus the
    customers with one planned in [D, D+lead). `done`/`tried`: the user's activities of the
    rule's types that started in the last COMPLETION_DAYS, done at D / all of them (the
    completion rate).
    """
    d, tz = ctx.run_date, ctx.tz
    past = periods.Window(
        periods.day_start(d + dt.timedelta(days=lead - days), tz), periods.day_start(d, tz)
    ).utc()
    certain_set = activities_as_of(ctx, "done", window=past)
    planned_set = activities_as_of(ctx, "planned", window=ctx.next_days(lead))
    either = ActivitySet(
        (or_(and_(*certain_set.conditions), and_(*planned_set.conditions)),),
        union_all(select(Activity.id).where(*certain_set.conditions), planned_set.ids),
    )
    certain = managed_customers(ctx, certain_set).element.subquery("certain")
    reach = managed_customers(ctx, either).element.subquery("reach")
    recent = ctx.last_days(COMPLETION_DAYS)
    started = [
        activity_exists(ctx),
        Activity.start_at >= recent.start,
        Activity.start_at < recent.end,
    ]
    if ctx.activity_types:
        started.append(Activity.type.in_(ctx.activity_types))
    tried_set = ActivitySet(tuple(started), select(Activity.id).where(*started))
    tried = participant_activity_count(ctx, tried_set).subquery("tried")
    done = participant_activity_count(ctx, activities_as_of(ctx, "done", window=recent)).subquery(
        "done"
    )
    columns: list[ColumnElement[Any]] = [
        User.id.label("user_id"),
        func.coalesce(certain.c.managed, 0).label("managed"),
        func.coalesce(certain.c.covered, 0).label("certain"),
        func.coalesce(reach.c.covered, 0).label("reachable"),
        func.coalesce(done.c.value, 0).label("done"),
        func.coalesce(tried.c.value, 0).label("tried"),
    ]
    return (
        select(*columns)
        .select_from(User)
        .outerjoin(certain, certain.c.user_id == User.id)
        .outerjoin(reach, reach.c.user_id == User.id)
        .outerjoin(done, done.c.user_id == User.id)
        .outerjoin(tried, tried.c.user_id == User.id)
        .where(*ctx.user_conditions)
    )


def known_parts(
    conn: Connection, rule: RuleLike, run_date: dt.date, tz: ZoneInfo
) -> dict[int, tuple[float | None, ...]] | None:
    """user_id → the known part's numbers on run_date for all the rule's users, or None when
    the rule's template has no known part. Windows: (base,); periods: (open, won, lost)."""
    if rule.template not in KNOWN_STATEMENT_TEMPLATES:
        return None
    _, params = prepare_rule(rule)
    profile_ids = rule_profile_ids(conn, rule.id)
    ctx = RuleContext.for_profiles(run_date, tz, params, profile_ids)
    statement = known_statement(rule.template, ctx)
    if statement is None:
        return None
    if not profile_ids:
        return {}
    return {
        int(row[0]): tuple(None if value is None else float(value) for value in row[1:])
        for row in conn.execute(statement)
    }


# SQLite allows at most 500 terms in one compound SELECT.
UNION_TERMS = 400
# The most numbers a known part has (coverage rules: managed, certain, reachable, done, tried).
PARTS = 5


def known_parts_of_user(
    conn: Connection,
    requests: Sequence[tuple[RuleLike, dt.date]],
    tz: ZoneInfo,
    user_id: int,
) -> dict[tuple[int, dt.date], tuple[float | None, ...]]:
    """(rule id, night) → one user's known part, for many rules and nights in one statement
    (a UNION ALL of one-user statements, which read that user's rows only)."""
    terms: list[Select[Any]] = []
    for rule, night in requests:
        if rule.template not in KNOWN_STATEMENT_TEMPLATES:
            continue
        _, params = prepare_rule(rule)
        ctx = RuleContext.for_user(night, tz, params, user_id)
        statement = known_statement(rule.template, ctx)
        if statement is None:
            continue
        sub = statement.subquery()
        columns = list(sub.c)[1:]
        padded = [cast(column, Float) for column in columns] + [
            cast(null(), Float) for _ in range(PARTS - len(columns))
        ]
        terms.append(
            select(
                literal(rule.id, Integer).label("rule_id"),
                literal(night.isoformat()).label("night"),
                *(column.label(f"p{k}") for k, column in enumerate(padded)),
            )
        )
    found: dict[tuple[int, dt.date], tuple[float | None, ...]] = {}
    for start in range(0, len(terms), UNION_TERMS):
        chunk = terms[start : start + UNION_TERMS]
        query: Select[Any] | CompoundSelect[Any] = (
            chunk[0] if len(chunk) == 1 else union_all(*chunk)
        )
        for rule_id, night, *numbers in conn.execute(query):
            found[(int(rule_id), dt.date.fromisoformat(str(night)))] = tuple(
                None if value is None else float(value) for value in numbers
            )
    return found
