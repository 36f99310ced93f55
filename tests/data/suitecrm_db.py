"""SuiteCRM 7's tables for the `sql` data source tests, and a CRM's rows written into them.

The DDL keeps SuiteCRM 7.14.6's column names, types and lengths as its vardefs give them
(github.com/salesagility/SuiteCRM: modules/{Users,Accounts,Meetings,Calls,Tasks,
Opportunities}/vardefs.php with the basic/assignable/company templates, and
metadata/{meetings_users,calls_users,accounts_opportunities}MetaData.php): `id` columns are
char(36), `bool` is tinyint(1), `currency` is double, date-times are DATETIME in UTC. Only the
columns the import reads plus a few neighbours are created; SuiteCRM has many more.

`to_export` is the tests' own reading of such a database, written from SuiteCRM's meaning
(deleted flags, dropdown values) without any kpidesk code: the expected KPIs come from it
through tests/engine/evaluator.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.engine.evaluator import ActivityRow, Export, OpportunityRow

UTC = dt.UTC

_MYSQL_DDL = {
    "users": """
        id char(36) NOT NULL PRIMARY KEY, user_name varchar(60) NULL,
        user_hash varchar(255) NULL, first_name varchar(255) NULL, last_name varchar(255) NULL,
        is_admin tinyint(1) DEFAULT 0, status varchar(100) NULL, date_entered datetime NULL,
        deleted tinyint(1) DEFAULT 0""",
    "accounts": """
        id char(36) NOT NULL PRIMARY KEY, name varchar(150) NULL, date_entered datetime NULL,
        date_modified datetime NULL, deleted tinyint(1) DEFAULT 0,
        assigned_user_id char(36) NULL, account_type varchar(50) NULL,
        industry varchar(50) NULL""",
    "meetings": """
        id char(36) NOT NULL PRIMARY KEY, name varchar(50) NULL, date_entered datetime NULL,
        deleted tinyint(1) DEFAULT 0, assigned_user_id char(36) NULL, location varchar(50) NULL,
        duration_hours int(3) NULL, duration_minutes int(2) NULL, date_start datetime NULL,
        date_end datetime NULL, parent_type varchar(100) NULL,
        status varchar(100) DEFAULT 'Planned', parent_id char(36) NULL""",
    "calls": """
        id char(36) NOT NULL PRIMARY KEY, name varchar(50) NULL, date_entered datetime NULL,
        deleted tinyint(1) DEFAULT 0, assigned_user_id char(36) NULL,
        duration_hours int(2) NULL, duration_minutes int(2) NULL, date_start datetime NULL,
        date_end datetime NULL, parent_type varchar(255) NULL,
        status varchar(100) DEFAULT 'Planned', direction varchar(100) NULL,
        parent_id char(36) NULL""",
    "tasks": """
        id char(36) NOT NULL PRIMARY KEY, name varchar(50) NULL, date_entered datetime NULL,
        deleted tinyint(1) DEFAULT 0, assigned_user_id char(36) NULL,
        status varchar(100) DEFAULT 'Not Started', date_due_flag tinyint(1) DEFAULT 0,
        date_due datetime NULL, date_start_flag tinyint(1) DEFAULT 0, date_start datetime NULL,
        parent_type varchar(255) NULL, parent_id char(36) NULL, contact_id char(36) NULL,
        priority varchar(100) NULL""",
    "opportunities": """
        id char(36) NOT NULL PRIMARY KEY, name varchar(50) NULL, date_entered datetime NULL,
        deleted tinyint(1) DEFAULT 0, assigned_user_id char(36) NULL,
        opportunity_type varchar(255) NULL, amount double NULL, amount_usdollar double NULL,
        currency_id char(36) NULL, date_closed date NULL, sales_stage varchar(255) NULL,
        probability double NULL""",
    "meetings_users": """
        id varchar(36) NOT NULL PRIMARY KEY, meeting_id varchar(36) NULL,
        user_id varchar(36) NULL, required varchar(1) DEFAULT '1',
        accept_status varchar(25) DEFAULT 'none', date_modified datetime NULL,
        deleted tinyint(1) DEFAULT 0""",
    "calls_users": """
        id varchar(36) NOT NULL PRIMARY KEY, call_id varchar(36) NULL, user_id varchar(36) NULL,
        required varchar(1) DEFAULT '1', accept_status varchar(25) DEFAULT 'none',
        date_modified datetime NULL, deleted tinyint(1) DEFAULT 0""",
    "accounts_opportunities": """
        id varchar(36) NOT NULL PRIMARY KEY, opportunity_id varchar(36) NULL,
        account_id varchar(36) NULL, date_modified datetime NULL, deleted tinyint(1) DEFAULT 0""",
}
TABLES = tuple(_MYSQL_DDL)


def ddl(dialect: str) -> list[str]:
    """CREATE TABLE statements for MySQL/MariaDB, or the same columns on PostgreSQL."""
    out = []
    for table, columns in _MYSQL_DDL.items():
        if dialect == "postgresql":
            columns = (
                columns.replace("tinyint(1)", "smallint")
                .replace("int(3)", "integer")
                .replace("int(2)", "integer")
                .replace("double", "double precision")
                .replace("datetime", "timestamp")
            )
            out.append(f"CREATE TABLE {table} ({columns})")
        else:
            out.append(f"CREATE TABLE {table} ({columns}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")
    return out


def new_id() -> str:
    return str(uuid.uuid4())


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A naive UTC date-time, as SuiteCRM stores them."""
    return dt.datetime(day.year, day.month, day.day, hour, minute)


@dataclass
class Crm:
    """The rows of a SuiteCRM database, table by table (column name -> value)."""

    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {table: [] for table in TABLES}
    )

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        row.setdefault("id", new_id())
        if table not in ("meetings_users", "calls_users", "accounts_opportunities", "users"):
            row.setdefault("date_entered", dt.datetime(2026, 1, 5, 8, 0))
        row.setdefault("deleted", 0)
        self.tables[table].append(row)
        return row

    def copy(self) -> Crm:
        return Crm({table: [dict(row) for row in rows] for table, rows in self.tables.items()})

    def find(self, table: str, **match: Any) -> dict[str, Any]:
        for row in self.tables[table]:
            if all(row.get(k) == v for k, v in match.items()):
                return row
        raise KeyError(match)

    def change(self, table: str, row_id: str, **values: Any) -> None:
        self.find(table, id=row_id).update(values)

    def user_id(self, login: str) -> str:
        return str(self.find("users", user_name=login)["id"])


def write(url: str, crm: Crm) -> None:
    """Replace every table's rows with `crm`'s, in one transaction (as the CRM's owner)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
                rows = crm.tables[table]
                if not rows:
                    continue
                columns = sorted({name for row in rows for name in row})
                statement = text(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join(':' + c for c in columns)})"
                )
                conn.execute(statement, [{c: row.get(c) for c in columns} for row in rows])
    finally:
        engine.dispose()


# --- the tests' own reading of a SuiteCRM database -------------------------------------------

MEETING_STATUS = {"Planned": "planned", "Held": "done", "Not Held": "cancelled"}
TASK_STATUS = {
    "Not Started": "planned", "In Progress": "planned", "Pending Input": "planned",
    "Completed": "done", "Deferred": "cancelled",
}  # fmt: skip
STAGE = {"Closed Won": "won", "Closed Lost": "lost"}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def to_export(crm: Crm, profile_of: dict[str, str]) -> Export:
    """What the KPIs should see: live records only, SuiteCRM's statuses in kpidesk's words.

    `profile_of`: login -> profile, as the administrator assigned them in kpidesk.
    """
    live = {table: [r for r in rows if not r.get("deleted")] for table, rows in crm.tables.items()}
    login_of = {u["id"]: u["user_name"] for u in crm.tables["users"]}
    active = [u["user_name"] for u in live["users"] if u["status"] == "Active"]
    customers: dict[str, set[str]] = {}
    for account in live["accounts"]:
        if account.get("account_type") == "Customer" and account.get("assigned_user_id"):
            manager = login_of[account["assigned_user_id"]]
            customers.setdefault(manager, set()).add(account["id"])
    invited: dict[str, set[str]] = {}
    for table, key in (("meetings_users", "meeting_id"), ("calls_users", "call_id")):
        for invite in live[table]:
            if invite.get("accept_status", "none") != "decline":
                invited.setdefault(invite[key], set()).add(login_of[invite["user_id"]])
    activities = []
    for table, kind in (("meetings", "Meeting"), ("calls", "Call"), ("tasks", "Task")):
        for row in live[table]:
            start = row["date_due"] if kind == "Task" else row["date_start"]
            if start is None:
                continue
            if kind == "Task":
                people = {login_of[row["assigned_user_id"]]}
                status = TASK_STATUS[row["status"]]
            else:
                people = invited.get(row["id"], set())
                status = MEETING_STATUS[row["status"]]
            company = row.get("parent_id") if row.get("parent_type") == "Accounts" else None
            activities.append(
                ActivityRow(
                    row["id"],
                    kind,
                    status,
                    _aware(start),
                    company,  # type: ignore[arg-type]
                    frozenset(people),
                    _aware(row["date_entered"]),
                )  # fmt: skip
            )
    opportunities = []
    for row in live["opportunities"]:
        stage = STAGE.get(row["sales_stage"], "open")
        closed = row["date_closed"] if stage != "open" else None
        opportunities.append(
            OpportunityRow(
                row["id"],  # type: ignore[arg-type]
                login_of[row["assigned_user_id"]],
                int(Decimal(repr(row["amount"])) * 100),
                stage,
                _aware(row["date_entered"]),  # type: ignore[arg-type]
                row["date_closed"],
                dt.datetime.combine(closed, dt.time(0), UTC) if closed else None,
            )
        )
    return Export(
        tuple(active),
        {login: profile_of[login] for login in active if login in profile_of},
        {login: frozenset(ids) for login, ids in customers.items()},  # type: ignore[misc]
        tuple(activities),
        tuple(opportunities),
    )


# --- the CRM's database on a test server ----------------------------------------------------

READER = "kpi_reader"
READER_PASSWORD = "Læse:kode@7/!"  # URL-unsafe and not ASCII on purpose


@dataclass(frozen=True)
class CrmDatabase:
    """A SuiteCRM database: the owner writes the rows, kpidesk reads as a read-only user."""

    backend: str  # "mariadb" or "postgresql"
    name: str
    owner_url: str
    reader_url: str  # without the password
    password: str = READER_PASSWORD

    def write(self, crm: Crm) -> None:
        write(self.owner_url, crm)


def create_on_mariadb(server: Any, name: str) -> CrmDatabase:
    """The tables in a new database, and SELECT on it for the (session-wide) reader."""
    server.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    server.execute(*ddl("mysql"), database=name)
    server.execute(f"GRANT SELECT ON {name}.* TO '{READER}'@'%'")
    return CrmDatabase("mariadb", name, server.url(name), server.url(name, READER))


def create_reader_on_mariadb(server: Any) -> None:
    escaped = READER_PASSWORD.replace("'", "''")
    server.execute(f"CREATE USER '{READER}'@'%' IDENTIFIED BY '{escaped}'")


def create_on_postgresql(server: Any, name: str) -> CrmDatabase:
    """A "CRM" database beside kpidesk's on the test server, readable by a SELECT-only role.

    The test server trusts every local login, so the password is not checked there.
    """
    owner = server.create_database(name)
    engine = create_engine(owner, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for statement in ddl("postgresql"):
                conn.execute(text(statement))
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": READER}
            ).first()
            if exists is None:
                escaped = READER_PASSWORD.replace("'", "''")
                conn.execute(text(f"CREATE ROLE {READER} LOGIN PASSWORD '{escaped}'"))
            conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}"))
    finally:
        engine.dispose()
    reader = owner.replace(f"//{server.user}@", f"//{READER}@")
    return CrmDatabase("postgresql", name, owner, reader)


__all__ = ["Crm", "CrmDatabase", "ddl", "new_id", "replace", "to_export", "utc", "write"]
