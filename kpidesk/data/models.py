"""The one data model: CRM data (as imported) and the KPI setup, results and runs.

Timestamps are stored as naive UTC in both SQLite and PostgreSQL so that the same
set-based statements compare them the same way on both; `UTCDateTime` converts at
the boundary and hands out aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from kpidesk.data.timestamps import sqlite_canonical_check, to_stored

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "user")
ACTIVITY_STATUSES = ("planned", "done", "cancelled")
OPPORTUNITY_STAGES = ("open", "won", "lost")
RUN_STATUSES = ("running", "success", "failed")


class _SQLiteStoredDateTime(sqlite.DATETIME):
    """SQLite's DATETIME that takes the canonical text as it is (UTCDateTime formats it)."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in Python, naive UTC in the database.

    On SQLite the value is bound as the canonical text of `kpidesk.data.timestamps`, the
    one form every write path stores (comparisons there are text comparisons).
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            # SQLAlchemy's sqlite.DATETIME.__init__ has no annotations.
            return dialect.type_descriptor(_SQLiteStoredDateTime())  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"not a datetime: {value!r}")
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: kpidesk stores only aware datetimes")
        if dialect.name == "sqlite":
            return to_stored(value)
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        # Raw SQLite text comes back as a string, e.g. from a textual select.
        stored: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return stored.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key_from(column: str) -> Any:
    """A CRM key for rows made outside the import: the id (as text) or the login."""

    def default(context: Any) -> str:
        return str(context.get_current_parameters()[column])

    return default


CRM_KEY_LENGTH = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


class Profile(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    users: Mapped[list[User]] = relationship(back_populates="profile")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'user')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    # The CRM's user id (the login when the CRM gives none): what other files refer to.
    crm_key: Mapped[str] = mapped_column(String(100), unique=True, default=_key_from("login"))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(10), default="user")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("profiles.id", ondelete="RESTRICT"), index=True
    )
    # Deferred: on a shared PostgreSQL only the owner may read it (column grants), so loading a
    # User for anyone else must not ask for it.
    password_hash: Mapped[str | None] = mapped_column(String(255), deferred=True)

    profile: Mapped[Profile | None] = relationship(back_populates="users")


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    crm_key: Mapped[str] = mapped_column(
        String(CRM_KEY_LENGTH), unique=True, default=_key_from("id")
    )
    name: Mapped[str] = mapped_column(String(300))
    is_customer: Mapped[bool] = mapped_column(Boolean, default=True)
    key_account_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    key_account_manager: Mapped[User | None] = relationship()


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="status"),
        # Covering index for the activity templates: filter on type/status/time, join company,
        # and the as-of checks on created_at/completed_at (migration 0005) without the table.
        Index(
            "ix_activities_type_status_start",
            "type",
            "status",
            "start_at",
            "company_id",
            "id",
            "created_at",
            "completed_at",
        ),  # fmt: skip
        # The same for rules over all types (migration 0003).
        Index(
            "ix_activities_status_start",
            "status",
            "start_at",
            "company_id",
            "id",
            "created_at",
            "completed_at",
        ),  # fmt: skip
        Index("ix_activities_start_at", "start_at"),
        # Activities done or cancelled on or after D that were still planned at D (0005).
        Index("ix_activities_completed_at", "completed_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    crm_key: Mapped[str] = mapped_column(
        String(CRM_KEY_LENGTH), unique=True, default=_key_from("id")
    )
    type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # When the CRM created it and when it was marked done or cancelled, where the export says:
    # they let a backfill see the activity as it was on a past night (None = not known).
    created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ActivityParticipant(Base):
    __tablename__ = "activity_participants"
    __table_args__ = (Index("ix_activity_participants_user_activity", "user_id", "activity_id"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class Opportunity(Base):
    __tablename__ = "opportunities"
    __table_args__ = (
        CheckConstraint("stage IN ('open', 'won', 'lost')", name="stage"),
        Index("ix_opportunities_owner_stage", "owner_id", "stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    crm_key: Mapped[str] = mapped_column(
        String(CRM_KEY_LENGTH), unique=True, default=_key_from("id")
    )
    name: Mapped[str] = mapped_column(String(300))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    stage: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expected_close: Mapped[dt.date | None] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Setting(Base):
    """Installation settings shared by every desktop on the database."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KpiRule(Base):
    __tablename__ = "kpi_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    target: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    profiles: Mapped[list[Profile]] = relationship(
        secondary="kpi_rule_profiles", order_by="Profile.name"
    )


class KpiRuleProfile(Base):
    __tablename__ = "kpi_rule_profiles"

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_rules.id", ondelete="CASCADE"), primary_key=True
    )
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class KpiRun(Base):
    __tablename__ = "kpi_runs"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'success', 'failed')", name="status"),
        Index("ix_kpi_runs_run_date_status", "run_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_date: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="running")
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    host: Mapped[str] = mapped_column(String(200), default="")
    users_count: Mapped[int] = mapped_column(Integer, default=0)
    rules_count: Mapped[int] = mapped_column(Integer, default=0)
    results_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class KpiResult(Base):
    """One user's value of one rule as of one date; target and score are kept as they were."""

    __tablename__ = "kpi_results"
    __table_args__ = (
        UniqueConstraint("run_date", "user_id", "rule_id", name="uq_kpi_results_date_user_rule"),
        Index("ix_kpi_results_user_rule_date", "user_id", "rule_id", "run_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_date: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("kpi_rules.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("kpi_runs.id", ondelete="SET NULL"))
    value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


IMPORT_STATUSES = ("success", "failed")


class CrmImport(Base):
    """One import from the installation's data source (`kpidesk sync` or the nightly run).

    Kept so every KPI run can say which data it was calculated on, and so the folder source
    knows which export it has already read (`export_at`: its newest file's modification time).
    """

    __tablename__ = "crm_imports"
    __table_args__ = (
        CheckConstraint("status IN ('success', 'failed')", name="status"),
        Index("ix_crm_imports_status_started_at", "status", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(1100))  # e.g. "folder /srv/crm (suitecrm)"
    export_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    rows: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # source file → rows
    error: Mapped[str | None] = mapped_column(Text)


class KpiRunData(Base):
    """Which CRM data a KPI run used, and the run log's line about it (in words)."""

    __tablename__ = "kpi_run_data"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_runs.id", ondelete="CASCADE"), primary_key=True
    )
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("crm_imports.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text)
    # What the import before the run did ("imported", "nothing_new", "failed"; migration 0009),
    # and the attempt itself when it failed, so the GUI can say it in words at any later time.
    outcome: Mapped[str | None] = mapped_column(String(12))
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("crm_imports.id", ondelete="SET NULL")
    )


def timestamp_columns(metadata: MetaData) -> list[tuple[str, str, bool]]:
    """Every (table, column, is_date) whose values are timestamps, in a stable order."""
    out: list[tuple[str, str, bool]] = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                out.append((table.name, column.name, False))
            elif isinstance(column.type, Date):
                out.append((table.name, column.name, True))
    return out


def _add_canonical_checks(metadata: MetaData) -> None:
    """SQLite only: every timestamp column accepts nothing but the canonical text, so no
    write path (ORM, import, raw SQL) can store another spelling (`ck_<table>_<col>_canonical`).
    """
    for table_name, column, is_date in timestamp_columns(metadata):
        table = metadata.tables[table_name]
        check = CheckConstraint(
            sqlite_canonical_check(column, date_only=is_date), name=f"{column}_canonical"
        ).ddl_if(dialect="sqlite")
        table.append_constraint(check)


_add_canonical_checks(Base.metadata)
