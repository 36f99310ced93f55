"""The five files of a CRM export, each described once.

An `Entity` lists its fields in file order: how a cell is read (`Kind`), whether the column
and the value may be left out, which column of the real table it fills and, for references,
which entity's CRM key it names. The stage table, the merge's columns and the reference
checks are all derived from that one description.

Keys are the CRM's own text (`crm_key`, up to 64 characters); kpidesk keeps integer
surrogate ids inside (a key that is a plain whole number keeps that number as id when it is
free, so exports with numeric ids look as before).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, Numeric, String, Table
from sqlalchemy.types import TypeEngine

from kpidesk.data.crm_import.values import (
    KEY_LENGTH,
    choice_parser,
    datetime_parser,
    parse_amount,
    parse_bool,
    parse_date,
    parse_email,
    parse_key,
    parse_login,
    profile_name,
    text_parser,
)
from kpidesk.data.models import (
    ACTIVITY_STATUSES,
    OPPORTUNITY_STAGES,
    ROLES,
    Activity,
    ActivityParticipant,
    Company,
    Opportunity,
    Profile,
    User,
    UTCDateTime,
)

if TYPE_CHECKING:
    from kpidesk.data.crm_import.report import FileReport, Place

USERS = "users.csv"
COMPANIES = "companies.csv"
ACTIVITIES = "activities.csv"
PARTICIPANTS = "activity_participants.csv"
OPPORTUNITIES = "opportunities.csv"
FILE_NAMES = (USERS, COMPANIES, ACTIVITIES, PARTICIPANTS, OPPORTUNITIES)

Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Kind:
    """How a cell is read by default and how its value is staged."""

    name: str
    parser: Callable[[ZoneInfo], Parser]
    type: TypeEngine[Any]


KEY = Kind("key", lambda _tz: parse_key, String(KEY_LENGTH))
USER_KEY = Kind("key", lambda _tz: parse_key, String(100))  # a login when the file has no id
LOGIN = Kind("login", lambda _tz: parse_login, String(100))
EMAIL = Kind("email", lambda _tz: parse_email, String(200))
BOOL = Kind("boolean", lambda _tz: parse_bool, Boolean())
AMOUNT = Kind("amount", lambda _tz: parse_amount, Numeric(16, 2))
DATE = Kind("date", lambda _tz: parse_date, Date())
DATETIME = Kind("datetime", datetime_parser, UTCDateTime())
PROFILE = Kind("text", lambda _tz: profile_name, String(100))


def text(length: int) -> Kind:
    return Kind("text", lambda _tz: text_parser(length), String(length))


def choice(values: Sequence[str], length: int = 10) -> Kind:
    return Kind("choice", lambda _tz: choice_parser(values), String(length))


@dataclass(frozen=True)
class Field:
    """One column of kpidesk's file: how it is read, whether it may be left out, where it goes.

    `stored` is the real table's column; `refers_to` names the entity (file) whose CRM key
    the value is (or "profiles": a profile by name), resolved to that row's id on merge.
    """

    name: str
    kind: Kind
    column_required: bool = True
    value_required: bool = True
    default: Any = None
    cached: bool = False  # few distinct values (times, flags): parse each text once
    stored: str = ""
    refers_to: str | None = None
    default_from: str | None = None  # without this column: that column's text (users' id)

    @property
    def column(self) -> str:
        return self.stored or self.name


# Checks across the columns of one row; they see the row as staged (line first, values
# converted but comparable).
RowCheck = Callable[[Sequence[Any]], list[tuple[str, str]]]

STAGE_METADATA = MetaData()


@dataclass(frozen=True)
class Entity:
    """One file of the export and the table it fills.

    `key` is unique in the file; `surrogate` says kpidesk assigns the table's integer ids
    itself (the stage gets `num`, the key as a number when it is one, and `row_id`, the id
    the row gets); users get theirs from the database.
    """

    name: str
    table: Table
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...] = ()  # further columns unique in the file
    surrogate: bool = False
    check: RowCheck | None = None
    stage: Table = field(init=False)

    def __post_init__(self) -> None:
        extra: list[Column[Any]] = []
        if self.surrogate:
            extra = [Column("num", Integer), Column("row_id", Integer)]
        stage = Table(
            f"kpidesk_stage_{self.table.name}",
            STAGE_METADATA,
            Column("line", Integer, nullable=False),
            Column("src", Integer, nullable=False),  # which source file (errors name it)
            *[Column(f.name, f.kind.type) for f in self.fields],
            *extra,
            prefixes=["TEMPORARY"],
            postgresql_on_commit="DROP",
        )
        object.__setattr__(self, "stage", stage)

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def index(self, name: str) -> int:
        return self.field_names().index(name)

    def get(self, name: str) -> Field:
        return self.fields[self.index(name)]

    def references(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.refers_to is not None)

    def stage_indexes(self) -> list[str]:
        """Created after the rows are loaded (cheaper than keeping them up to date row by row)."""
        table = self.stage.name
        return [
            f"CREATE INDEX ix_{table}_{'_'.join(columns)} ON {table} ({', '.join(columns)})"
            for columns in (self.key, *self.unique)
        ]


# Positions in a staged row: the line number, the source file, then the fields in order.
FIRST_FIELD = 2


def _position(fields: Sequence[Field], name: str) -> int:
    return FIRST_FIELD + [f.name for f in fields].index(name)


_ACTIVITY_FIELDS = (
    Field("id", KEY, stored="crm_key"),
    Field("type", text(100)),
    Field("status", choice(ACTIVITY_STATUSES), cached=True),
    Field("start_at", DATETIME, cached=True),
    Field("end_at", DATETIME, False, False, None, cached=True),
    Field("company_id", KEY, False, False, None, refers_to=COMPANIES),
    Field("owner", USER_KEY, False, False, None, stored="owner_id", refers_to=USERS),
    # History (issue 9): when it was created and marked done or cancelled.
    Field("created_at", DATETIME, False, False, None, cached=True),
    Field("completed_at", DATETIME, False, False, None, cached=True),
)
_ACTIVITY_START = _position(_ACTIVITY_FIELDS, "start_at")
_ACTIVITY_END = _position(_ACTIVITY_FIELDS, "end_at")

_OPPORTUNITY_FIELDS = (
    Field("id", KEY, stored="crm_key"),
    Field("name", text(300)),
    Field("company_id", KEY, value_required=False, refers_to=COMPANIES),
    Field("owner", USER_KEY, value_required=False, stored="owner_id", refers_to=USERS),
    Field("amount", AMOUNT),
    Field("stage", choice(OPPORTUNITY_STAGES), cached=True),
    Field("created_at", DATETIME, cached=True),
    Field("expected_close", DATE, value_required=False, cached=True),
    Field("closed_at", DATETIME, False, False, None, cached=True),
)
_OPPORTUNITY_STAGE = _position(_OPPORTUNITY_FIELDS, "stage")
_OPPORTUNITY_CLOSED = _position(_OPPORTUNITY_FIELDS, "closed_at")


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


ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        Entity(
            USERS,
            User.__table__,  # type: ignore[arg-type]
            (
                Field("login", LOGIN),
                Field("name", text(200)),
                Field("email", EMAIL, value_required=False, default=""),
                # Empty: keep the stored value (a new user gets "user" and active). An empty
                # cell must never demote or deactivate anyone, least of all an administrator.
                Field("role", choice(ROLES), False, False, None, cached=True),
                Field("active", BOOL, False, False, None, cached=True),
                Field(
                    "profile",
                    PROFILE,
                    False,
                    False,
                    None,
                    stored="profile_id",
                    refers_to="profiles",
                ),
                # The CRM's user id; without one a user's key is the login.
                Field("id", USER_KEY, False, stored="crm_key", default_from="login"),
            ),
            ("id",),
            unique=(("login",),),
        ),
        Entity(
            COMPANIES,
            Company.__table__,  # type: ignore[arg-type]
            (
                Field("id", KEY, stored="crm_key"),
                Field("name", text(300)),
                Field("is_customer", BOOL, cached=True),
                Field(
                    "key_account_manager",
                    USER_KEY,
                    False,
                    False,
                    None,
                    stored="key_account_manager_id",
                    refers_to=USERS,
                ),  # fmt: skip
            ),
            ("id",),
            surrogate=True,
        ),
        Entity(
            ACTIVITIES,
            Activity.__table__,  # type: ignore[arg-type]
            _ACTIVITY_FIELDS,
            ("id",),
            surrogate=True,
            check=_check_activity,
        ),
        Entity(
            PARTICIPANTS,
            ActivityParticipant.__table__,  # type: ignore[arg-type]
            (
                Field("activity_id", KEY, refers_to=ACTIVITIES),
                Field("login", USER_KEY, stored="user_id", refers_to=USERS),
            ),
            ("activity_id", "login"),
        ),
        Entity(
            OPPORTUNITIES,
            Opportunity.__table__,  # type: ignore[arg-type]
            _OPPORTUNITY_FIELDS,
            ("id",),
            surrogate=True,
            check=_check_opportunity,
        ),
    )
}
PROFILES: Table = Profile.__table__  # type: ignore[assignment]


def target_table(name: str) -> Table:
    """The real table a reference names (an entity's file name, or "profiles")."""
    return PROFILES if name == "profiles" else ENTITIES[name].table


def default_parsers(entity: Entity, tz: ZoneInfo) -> dict[str, Parser]:
    """kpidesk's own format: every field read by its kind's default parser."""
    return {f.name: f.kind.parser(tz) for f in entity.fields}


@dataclass
class Staged:
    """One kpidesk file as staged in this run: its entity, its report, the columns its
    source files have and the source files themselves (by the stage's `src`)."""

    entity: Entity
    report: FileReport
    present: frozenset[str]  # columns the file has (absent optional ones are left alone)
    places: dict[int, Place] = field(default_factory=dict)
