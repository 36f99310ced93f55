"""An independent, deliberately simple evaluation of the README's KPI definitions.

It reads the CRM export's CSV files itself and applies each template's definition in plain
Python, one small function per template. It imports nothing from kpidesk: no window,
period or SQL code of the engine, so a mistake there cannot hide in both.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

UTC = dt.UTC


# --- reading the export ---------------------------------------------------------------------


def parse_instant(text: str, tz: ZoneInfo) -> dt.datetime:
    """ISO 8601 as the README describes it: no offset means local time (first of a doubled
    hour; a missing hour is read with the offset before the change), as UTC."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class ActivityRow:
    id: int
    type: str
    status: str
    start: dt.datetime  # UTC
    company: int | None
    participants: frozenset[str]
    created: dt.datetime | None = None  # UTC; None: the export does not say
    completed: dt.datetime | None = None  # UTC; when it was marked done or cancelled

    @property
    def created_when(self) -> dt.datetime | None:
        """When it counts as created: one completed before it was created, when completed."""
        if self.created is not None and self.completed is not None:
            return min(self.created, self.completed)
        return self.created


@dataclass(frozen=True)
class OpportunityRow:
    id: int
    owner: str
    amount_cents: int
    stage: str
    created: dt.datetime  # UTC
    expected_close: dt.date | None
    closed: dt.datetime | None  # UTC

    @property
    def created_when(self) -> dt.datetime:
        """When it counts as created: a record closed before it was created, when closed."""
        return min(self.created, self.closed) if self.closed is not None else self.created


@dataclass(frozen=True)
class Export:
    logins: tuple[str, ...]
    profile_of: Mapping[str, str]
    customers_of: Mapping[str, frozenset[int]]  # key account manager -> customer ids
    activities: tuple[ActivityRow, ...]
    opportunities: tuple[OpportunityRow, ...]


def _optional_instant(row: dict[str, str], column: str, tz: ZoneInfo) -> dt.datetime | None:
    text = row.get(column) or ""
    return parse_instant(text, tz) if text else None


def read_export(folder: Path, tz: ZoneInfo) -> Export:
    users = _rows(folder, "users.csv")
    customers: dict[str, set[int]] = {}
    for row in _rows(folder, "companies.csv"):
        if row["is_customer"] == "true" and row["key_account_manager"]:
            customers.setdefault(row["key_account_manager"], set()).add(int(row["id"]))
    participants: dict[int, set[str]] = {}
    for row in _rows(folder, "activity_participants.csv"):
        participants.setdefault(int(row["activity_id"]), set()).add(row["login"])
    activities = tuple(
        ActivityRow(
            int(row["id"]),
            row["type"],
            row["status"],
            parse_instant(row["start_at"], tz),
            int(row["company_id"]) if row["company_id"] else None,
            frozenset(participants.get(int(row["id"]), set())),
            _optional_instant(row, "created_at", tz),
            _optional_instant(row, "completed_at", tz),
        )
        for row in _rows(folder, "activities.csv")
    )
    opportunities = tuple(
        OpportunityRow(
            int(row["id"]),
            row["owner"],
            int(Decimal(row["amount"]) * 100),
            row["stage"],
            parse_instant(row["created_at"], tz),
            dt.date.fromisoformat(row["expected_close"]) if row["expected_close"] else None,
            parse_instant(row["closed_at"], tz) if row["closed_at"] else None,
        )
        for row in _rows(folder, "opportunities.csv")
    )
    return Export(
        tuple(u["login"] for u in users),
        {u["login"]: u["profile"] for u in users},
        {login: frozenset(ids) for login, ids in customers.items()},
        activities,
        opportunities,
    )


# --- windows: local midnights, half-open ----------------------------------------------------


def midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Local 00:00 of `day` as a UTC instant."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def between(moment: dt.datetime, start: dt.date, end: dt.date, tz: ZoneInfo) -> bool:
    """start 00:00 <= moment < end 00:00, local midnights."""
    return midnight(start, tz) <= moment < midnight(end, tz)


def last_days(d: dt.date, n: int) -> tuple[dt.date, dt.date]:
    return d - dt.timedelta(days=n), d


def period_start(d: dt.date, period: str) -> dt.date:
    if period == "month":
        return dt.date(d.year, d.month, 1)
    if period == "quarter":
        return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return dt.date(d.year, 1, 1)


@dataclass(frozen=True)
class Ctx:
    """One rule for one user as of D."""

    d: dt.date
    tz: ZoneInfo
    login: str
    params: Mapping[str, Any]
    export: Export

    def of_types(self, activity: ActivityRow) -> bool:
        types = self.params.get("activity_types") or []
        return not types or activity.type in types

    def mine(self, activity: ActivityRow) -> bool:
        return self.login in activity.participants

    def in_last_days(self, moment: dt.datetime) -> bool:
        return between(moment, *last_days(self.d, int(self.params["days"])), self.tz)

    # "As of D" (README, History as it was): what existed at D 00:00, as it was then.
    def status_then(self, a: ActivityRow) -> str | None:
        """The activity's status at D 00:00; None if it did not exist yet."""
        now = midnight(self.d, self.tz)
        created = a.created_when
        if created is not None and created >= now:
            return None
        if a.completed is not None and a.completed >= now:
            return "planned"
        return a.status

    def existed(self, o: OpportunityRow) -> bool:
        return o.created_when < midnight(self.d, self.tz)

    def stage_then(self, o: OpportunityRow) -> str:
        if o.closed is not None and o.closed >= midnight(self.d, self.tz):
            return "open"
        return o.stage


# --- one function per template --------------------------------------------------------------


def planned_meetings(c: Ctx) -> float | None:
    end = c.d + dt.timedelta(days=int(c.params["days"]))
    return sum(
        1
        for a in c.export.activities
        if c.status_then(a) == "planned"
        and c.of_types(a)
        and c.mine(a)
        and between(a.start, c.d, end, c.tz)
    )


def _covered(c: Ctx) -> tuple[int, int]:
    """(customers the user manages, of those with a done activity with the user lately)."""
    managed = c.export.customers_of.get(c.login, frozenset())
    covered = {
        a.company
        for a in c.export.activities
        if c.status_then(a) == "done" and c.of_types(a) and c.mine(a) and c.in_last_days(a.start)
    }
    return len(managed), len(managed & covered)


def kam_coverage(c: Ctx) -> float | None:
    managed, covered = _covered(c)
    return covered / managed if managed else None


def neglected_accounts(c: Ctx) -> float | None:
    managed, covered = _covered(c)
    return managed - covered


def completed_activities(c: Ctx) -> float | None:
    return sum(
        1
        for a in c.export.activities
        if c.status_then(a) == "done" and c.of_types(a) and c.mine(a) and c.in_last_days(a.start)
    )


def overdue_activities(c: Ctx) -> float | None:
    return sum(
        1
        for a in c.export.activities
        if c.status_then(a) == "planned"
        and c.of_types(a)
        and c.mine(a)
        and a.start < midnight(c.d, c.tz)
    )


def _won(c: Ctx) -> list[OpportunityRow]:
    """The user's deals won with a close in `period` to date (or the last `days`)."""
    if c.params["period"] == "rolling":
        start, end = last_days(c.d, int(c.params["days"]))
    else:
        start, end = period_start(c.d, c.params["period"]), c.d
    return [
        o
        for o in c.export.opportunities
        if o.owner == c.login
        and c.existed(o)
        and o.stage == "won"
        and o.closed is not None
        and between(o.closed, start, end, c.tz)
    ]


def won_deals(c: Ctx) -> float | None:
    return len(_won(c))


def won_revenue(c: Ctx) -> float | None:
    return sum(o.amount_cents for o in _won(c)) / 100


def pipeline_value(c: Ctx) -> float | None:
    last = c.d + dt.timedelta(days=int(c.params["days"]) - 1)
    cents = sum(
        o.amount_cents
        for o in c.export.opportunities
        if o.owner == c.login
        and c.existed(o)
        and c.stage_then(o) == "open"
        and o.expected_close is not None
        and c.d <= o.expected_close <= last
    )
    return cents / 100


def win_rate(c: Ctx) -> float | None:
    closed = [
        o
        for o in c.export.opportunities
        if o.owner == c.login
        and c.existed(o)
        and o.stage in ("won", "lost")
        and o.closed is not None
        and c.in_last_days(o.closed)
    ]
    won = sum(1 for o in closed if o.stage == "won")
    return won / len(closed) if closed else None


def new_opportunities(c: Ctx) -> float | None:
    return sum(
        1 for o in c.export.opportunities if o.owner == c.login and c.in_last_days(o.created_when)
    )


TEMPLATES: dict[str, Callable[[Ctx], float | None]] = {
    "planned_meetings": planned_meetings,
    "kam_coverage": kam_coverage,
    "completed_activities": completed_activities,
    "overdue_activities": overdue_activities,
    "neglected_accounts": neglected_accounts,
    "won_deals": won_deals,
    "won_revenue": won_revenue,
    "pipeline_value": pipeline_value,
    "win_rate": win_rate,
    "new_opportunities": new_opportunities,
}

# Defaults from the README's table, filled in for parameters a rule leaves out.
DEFAULTS: dict[str, dict[str, Any]] = {
    "planned_meetings": {"activity_types": ["Salgsmøde"], "days": 14},
    "kam_coverage": {"activity_types": ["Salgsmøde"], "days": 90},
    "completed_activities": {"activity_types": [], "days": 30},
    "overdue_activities": {"activity_types": ["Opgave"]},
    "neglected_accounts": {"activity_types": [], "days": 60},
    "won_deals": {"period": "month", "days": 30},
    "won_revenue": {"period": "month", "days": 30},
    "pipeline_value": {"days": 30},
    "win_rate": {"days": 90},
    "new_opportunities": {"days": 30},
}


@dataclass(frozen=True)
class Rule:
    name: str
    template: str
    params: Mapping[str, Any]
    profiles: tuple[str, ...]


def evaluate(
    export: Export, rules: list[Rule], dates: list[dt.date], tz: ZoneInfo
) -> dict[tuple[dt.date, str, str], float | None]:
    """(D, login, rule name) -> value, for every user a rule applies to (by profile)."""
    out: dict[tuple[dt.date, str, str], float | None] = {}
    for d in dates:
        for rule in rules:
            params = {**DEFAULTS[rule.template], **rule.params}
            for login in export.logins:
                if export.profile_of.get(login) in rule.profiles:
                    ctx = Ctx(d, tz, login, params, export)
                    out[(d, login, rule.name)] = TEMPLATES[rule.template](ctx)
    return out
