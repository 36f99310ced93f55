"""Read-only CRM data for the main window's views, as plain rows the Qt models can hold.

One Core statement per view (no ORM objects, no lazy loads), so 100,000 rows load in a
fraction of a second on a worker thread. Times come back in the installation's time zone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from kpidesk.data.db import Database
from kpidesk.data.models import (
    ACTIVITY_STATUSES,
    OPPORTUNITY_STAGES,
    Activity,
    ActivityParticipant,
    Company,
    Opportunity,
    User,
)
from kpidesk.services.caller import Caller, checked
from kpidesk.services.settings import timezone

__all__ = [
    "ACTIVITY_STATUSES",
    "ACTIVITY_LIMIT",
    "OPPORTUNITY_STAGES",
    "ActivityPage",
    "ActivityRow",
    "CompanyRow",
    "OpportunityRow",
    "activities",
    "activity_types",
    "companies",
    "opportunities",
]

# The activity view loads at most this many rows for one date range (and says so).
ACTIVITY_LIMIT = 200_000
# Joins participants' names in SQL; a character no name contains.
SEPARATOR = "\x1f"


class CompanyRow(NamedTuple):
    id: int
    crm_key: str  # the CRM's own id for it: what users see
    name: str
    is_customer: bool
    kam_login: str | None
    kam_name: str | None
    mine: bool  # the caller is the key account manager


class ActivityRow(NamedTuple):
    id: int
    type: str
    status: str
    start_at: dt.datetime  # aware, installation time zone
    end_at: dt.datetime | None
    company: str | None
    owner: str | None
    participants: str  # names, comma separated, sorted
    mine: bool  # the caller owns it or takes part


class ActivityPage(NamedTuple):
    rows: list[ActivityRow]
    truncated: bool  # more activities matched than ACTIVITY_LIMIT


class OpportunityRow(NamedTuple):
    id: int
    name: str
    company: str | None
    owner: str | None
    amount: Decimal
    stage: str
    created_at: dt.datetime
    expected_close: dt.date | None
    closed_at: dt.datetime | None
    mine: bool  # the caller owns it


def _user_id(caller: Caller) -> int:
    # The command line has no user: nothing is "mine" (-1 matches no row).
    return caller.user_id if caller.user_id is not None else -1


@checked
def companies(db: Database, caller: Caller) -> list[CompanyRow]:
    """Every company with its key account manager, by name."""
    kam = aliased(User)
    query = (
        select(
            Company.id,
            Company.crm_key,
            Company.name,
            Company.is_customer,
            kam.login,
            func.coalesce(func.nullif(kam.name, ""), kam.login),
            func.coalesce(Company.key_account_manager_id == _user_id(caller), false()),
        )
        .outerjoin(kam, kam.id == Company.key_account_manager_id)
        .order_by(Company.name, Company.id)
    )
    with db.connect() as conn:
        return [
            CompanyRow(id, key, name, bool(customer), login, kam_name, bool(mine))
            for id, key, name, customer, login, kam_name, mine in conn.execute(query)
        ]


def activity_types(db: Database) -> list[str]:
    """The activity types found in the data (for the type filter)."""
    with db.connect() as conn:
        return list(conn.scalars(select(Activity.type).distinct().order_by(Activity.type)))


@checked
def activities(
    db: Database, caller: Caller, first_day: dt.date, last_day: dt.date, *,
    limit: int = ACTIVITY_LIMIT,
) -> ActivityPage:  # fmt: skip
    """Activities starting on `first_day` … `last_day` (inclusive, local days), by start time."""
    tz = timezone(db)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    owner = aliased(User)
    person = aliased(User)
    me = _user_id(caller)
    names = (
        select(
            func.aggregate_strings(
                func.coalesce(func.nullif(person.name, ""), person.login), SEPARATOR
            )
        )  # fmt: skip
        .select_from(ActivityParticipant)
        .join(person, person.id == ActivityParticipant.user_id)
        .where(ActivityParticipant.activity_id == Activity.id)
        .scalar_subquery()
    )
    takes_part = exists().where(
        and_(ActivityParticipant.activity_id == Activity.id, ActivityParticipant.user_id == me)
    )
    query = (
        select(
            Activity.id,
            Activity.type,
            Activity.status,
            Activity.start_at,
            Activity.end_at,
            Company.name,
            func.coalesce(func.nullif(owner.name, ""), owner.login),
            names,
            or_(Activity.owner_id == me, takes_part),
        )
        .outerjoin(Company, Company.id == Activity.company_id)
        .outerjoin(owner, owner.id == Activity.owner_id)
        .where(Activity.start_at >= start, Activity.start_at < end)
        .order_by(Activity.start_at, Activity.id)
        .limit(limit + 1)
    )
    with db.connect() as conn:
        raw = conn.execute(query).all()
    rows = [
        ActivityRow(
            id,
            type_,
            status,
            start_at.astimezone(tz),
            end_at.astimezone(tz) if end_at is not None else None,
            company,
            owner_name,
            _names(participants),
            bool(mine),
        )  # fmt: skip
        for id, type_, status, start_at, end_at, company, owner_name, participants, mine in raw
    ]
    return ActivityPage(rows=rows[:limit], truncated=len(rows) > limit)


def _names(joined: str | None) -> str:
    return ", ".join(sorted(filter(None, (joined or "").split(SEPARATOR))))


@checked
def opportunities(db: Database, caller: Caller) -> list[OpportunityRow]:
    """Every opportunity with its company and owner, newest first."""
    tz = timezone(db)
    owner = aliased(User)
    query = (
        select(
            Opportunity.id,
            Opportunity.name,
            Company.name,
            func.coalesce(func.nullif(owner.name, ""), owner.login),
            Opportunity.amount,
            Opportunity.stage,
            Opportunity.created_at,
            Opportunity.expected_close,
            Opportunity.closed_at,
            func.coalesce(Opportunity.owner_id == _user_id(caller), false()),
        )
        .outerjoin(Company, Company.id == Opportunity.company_id)
        .outerjoin(owner, owner.id == Opportunity.owner_id)
        .order_by(Opportunity.created_at.desc(), Opportunity.id)
    )
    with db.connect() as conn:
        raw = conn.execute(query).all()
    return [
        OpportunityRow(
            id,
            name,
            company,
            owner_name,
            Decimal(amount),
            stage,
            created.astimezone(tz),
            expected,
            closed.astimezone(tz) if closed is not None else None,
            bool(mine),
        )  # fmt: skip
        for id, name, company, owner_name, amount, stage, created, expected, closed, mine in raw
    ]
