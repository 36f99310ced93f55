"""The five files of a CRM export, described once: columns, parsers, keys and stage tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, Numeric, String, Table

from kpidesk.data.crm_import.values import (
    choice_parser,
    datetime_parser,
    parse_amount,
    parse_bool,
    parse_date,
    parse_email,
    parse_id,
    parse_login,
    text_parser,
)
from kpidesk.data.models import ACTIVITY_STATUSES, OPPORTUNITY_STAGES, ROLES, UTCDateTime

if TYPE_CHECKING:
    from kpidesk.data.crm_import.report import FileReport

USERS = "users.csv"
COMPANIES = "companies.csv"
ACTIVITIES = "activities.csv"
PARTICIPANTS = "activity_participants.csv"
OPPORTUNITIES = "opportunities.csv"
FILE_NAMES = (USERS, COMPANIES, ACTIVITIES, PARTICIPANTS, OPPORTUNITIES)


@dataclass(frozen=True)
class Field:
    """One CSV column: how to parse it and whether it may be left out."""

    name: str
    parse: Callable[[str], Any]
    column_required: bool = True
    value_required: bool = True
    default: Any = None
    cached: bool = False  # few distinct values (times, flags): parse each text once


# Checks across the columns of one row; they see the row as staged (line first, values
# converted but comparable).
RowCheck = Callable[[Sequence[Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class FileSpec:
    """One file of the export: its columns, key, stage table and checks across columns."""

    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    stage: Table
    check: RowCheck | None = None

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def index(self, name: str) -> int:
        return self.field_names().index(name)


STAGE_METADATA = MetaData()


def _stage(name: str, *columns: Column[Any]) -> Table:
    return Table(
        f"kpidesk_stage_{name}",
        STAGE_METADATA,
        Column("line", Integer, nullable=False),
        *columns,
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )


STAGE_USERS = _stage(
    "users",
    Column("login", String(100)),
    Column("name", String(200)),
    Column("email", String(200)),
    Column("role", String(10)),
    Column("active", Boolean),
    Column("profile", String(100)),
)
STAGE_COMPANIES = _stage(
    "companies",
    Column("id", Integer),
    Column("name", String(300)),
    Column("is_customer", Boolean),
    Column("key_account_manager", String(100)),
)
STAGE_ACTIVITIES = _stage(
    "activities",
    Column("id", Integer),
    Column("type", String(100)),
    Column("status", String(10)),
    Column("start_at", UTCDateTime()),
    Column("end_at", UTCDateTime()),
    Column("company_id", Integer),
    Column("owner", String(100)),
)
STAGE_PARTICIPANTS = _stage(
    "participants",
    Column("activity_id", Integer),
    Column("login", String(100)),
)
STAGE_OPPORTUNITIES = _stage(
    "opportunities",
    Column("id", Integer),
    Column("name", String(300)),
    Column("company_id", Integer),
    Column("owner", String(100)),
    Column("amount", Numeric(16, 2)),
    Column("stage", String(10)),
    Column("created_at", UTCDateTime()),
    Column("expected_close", Date),
    Column("closed_at", UTCDateTime()),
)
# Created after the rows are loaded (cheaper than keeping them up to date row by row).
STAGE_INDEXES = (
    "CREATE INDEX ix_kpidesk_stage_users_login ON kpidesk_stage_users (login)",
    "CREATE INDEX ix_kpidesk_stage_companies_id ON kpidesk_stage_companies (id)",
    "CREATE INDEX ix_kpidesk_stage_activities_id ON kpidesk_stage_activities (id)",
    "CREATE INDEX ix_kpidesk_stage_participants_activity "
    "ON kpidesk_stage_participants (activity_id, login)",
    "CREATE INDEX ix_kpidesk_stage_opportunities_id ON kpidesk_stage_opportunities (id)",
)


# Positions in a staged row: the line number, then the fields below in order.
_ACTIVITY_START, _ACTIVITY_END = 4, 5
_OPPORTUNITY_STAGE, _OPPORTUNITY_CLOSED = 6, 9


def _check_activity(row: Sequence[Any]) -> list[tuple[str, str]]:
    start, end = row[_ACTIVITY_START], row[_ACTIVITY_END]
    if start is not None and end is not None and end < start:
        return [("end_at", "ends before start_at")]
    return []


def _check_opportunity(row: Sequence[Any]) -> list[tuple[str, str]]:
    stage = row[_OPPORTUNITY_STAGE]
    if stage in ("won", "lost") and row[_OPPORTUNITY_CLOSED] is None:
        return [("closed_at", f"required when stage is {stage}")]
    return []


def file_specs(tz: ZoneInfo) -> dict[str, FileSpec]:
    """The five files of a CRM export: columns, optional columns and defaults (issue 2)."""
    when = datetime_parser(tz)
    return {
        USERS: FileSpec(
            USERS,
            (
                Field("login", parse_login),
                Field("name", text_parser(200)),
                Field("email", parse_email, value_required=False, default=""),
                Field("role", choice_parser(ROLES), False, False, "user", cached=True),
                Field("active", parse_bool, False, False, True, cached=True),
                Field("profile", text_parser(100), False, False, None),
            ),
            ("login",),
            STAGE_USERS,
        ),
        COMPANIES: FileSpec(
            COMPANIES,
            (
                Field("id", parse_id),
                Field("name", text_parser(300)),
                Field("is_customer", parse_bool, cached=True),
                Field("key_account_manager", parse_login, False, False, None),
            ),
            ("id",),
            STAGE_COMPANIES,
        ),
        ACTIVITIES: FileSpec(
            ACTIVITIES,
            (
                Field("id", parse_id),
                Field("type", text_parser(100)),
                Field("status", choice_parser(ACTIVITY_STATUSES), cached=True),
                Field("start_at", when, cached=True),
                Field("end_at", when, False, False, None, cached=True),
                Field("company_id", parse_id, False, False, None),
                Field("owner", parse_login, False, False, None),
            ),
            ("id",),
            STAGE_ACTIVITIES,
            _check_activity,
        ),
        PARTICIPANTS: FileSpec(
            PARTICIPANTS,
            (Field("activity_id", parse_id), Field("login", parse_login)),
            ("activity_id", "login"),
            STAGE_PARTICIPANTS,
        ),
        OPPORTUNITIES: FileSpec(
            OPPORTUNITIES,
            (
                Field("id", parse_id),
                Field("name", text_parser(300)),
                Field("company_id", parse_id, value_required=False),
                Field("owner", parse_login, value_required=False),
                Field("amount", parse_amount),
                Field("stage", choice_parser(OPPORTUNITY_STAGES), cached=True),
                Field("created_at", when, cached=True),
                Field("expected_close", parse_date, value_required=False, cached=True),
                Field("closed_at", when, False, False, None, cached=True),
            ),
            ("id",),
            STAGE_OPPORTUNITIES,
            _check_opportunity,
        ),
    }


@dataclass
class Staged:
    spec: FileSpec
    report: FileReport
    present: frozenset[str]  # columns the file has (absent optional ones are left alone)
