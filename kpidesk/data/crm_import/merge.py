"""Writing checked stage rows into the real tables: a few set-based upserts per file."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, delete, exists, func, insert, inspect, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex
from sqlalchemy.sql.expression import Executable

from kpidesk.data.crm_import.entities import (
    ACTIVITIES,
    COMPANIES,
    FILE_NAMES,
    OPPORTUNITIES,
    PARTICIPANTS,
    STAGE_ACTIVITIES,
    STAGE_COMPANIES,
    STAGE_OPPORTUNITIES,
    STAGE_PARTICIPANTS,
    STAGE_USERS,
    USERS,
    Staged,
)
from kpidesk.data.crm_import.report import ImportReport
from kpidesk.data.models import Activity, ActivityParticipant, Company, Opportunity, Profile, User

BULK_ROWS = 20_000  # from this many rows (and at least the table's size): a bulk load


def merge_all(
    conn: Connection,
    staged: dict[str, Staged],
    report: ImportReport,
    tell: Callable[[str, int, int], None],
) -> None:
    steps = [name for name in FILE_NAMES if name in staged]
    for done, name in enumerate(steps):
        tell("writing", done, len(steps))
        item = staged[name]
        if name == USERS:
            report.profiles_created = _create_profiles(conn)
            _merge_users(conn, item)
            continue
        merge, table, stage, key = {
            COMPANIES: (_merge_companies, Company.__table__, STAGE_COMPANIES, "id"),
            ACTIVITIES: (_merge_activities, Activity.__table__, STAGE_ACTIVITIES, "id"),
            PARTICIPANTS: (
                _merge_participants,
                ActivityParticipant.__table__,
                STAGE_PARTICIPANTS,
                "activity_id",
            ),
            OPPORTUNITIES: (_merge_opportunities, Opportunity.__table__, STAGE_OPPORTUNITIES, "id"),
        }[name]
        # Rows whose key the table does not have yet (participants: activities without any).
        new_rows = int(
            conn.scalar(
                select(func.count())
                .select_from(stage)
                .where(~exists().where(table.c[key] == stage.c[key]))
            )
            or 0
        )
        with _bulk_load(conn, table, new_rows):
            merge(conn, item)
    tell("writing", len(steps), len(steps))


@contextmanager
def _bulk_load(conn: Connection, table: Table, new_rows: int) -> Iterator[None]:
    """For a load that at least doubles a table (≥ BULK_ROWS new rows): indexes and key
    checks are built once, after the rows.

    Keeping secondary indexes (and on PostgreSQL the per-row foreign key triggers) up to date
    row by row costs several times the inserts themselves; building them once afterwards is
    one sort per index and one set-based check per key. Both databases run this DDL inside
    the import's transaction, so a failure restores everything. The table is locked
    exclusively until the commit (a big import is an administrator's job, not a daily one).
    """
    if new_rows < BULK_ROWS:
        yield
        return
    existing = int(conn.scalar(select(func.count()).select_from(table)) or 0)
    if new_rows < existing:
        yield
        return
    stored = inspect(conn)
    index_names = {index["name"] for index in stored.get_indexes(table.name)}
    indexes = sorted((index for index in table.indexes if _name(index) in index_names), key=_name)
    constraints: list[Any] = []
    if conn.dialect.name == "postgresql":
        fk_names = {fk["name"] for fk in stored.get_foreign_keys(table.name)}
        constraints = sorted(
            (fk for fk in table.foreign_key_constraints if _name(fk) in fk_names), key=_name
        )
    for constraint in constraints:
        conn.execute(DropConstraint(constraint))
    for index in indexes:
        conn.execute(DropIndex(index))
    yield
    for index in indexes:
        conn.execute(CreateIndex(index))
    for constraint in constraints:
        conn.execute(AddConstraint(constraint))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {table.name}")


def _name(item: Any) -> str:
    """The name an index or constraint has in the database (the naming convention's)."""
    return str(item.name)


def _create_profiles(conn: Connection) -> list[str]:
    profiles = Profile.__table__
    missing = (
        select(STAGE_USERS.c.profile)
        .where(
            STAGE_USERS.c.profile.is_not(None),
            ~exists().where(profiles.c.name == STAGE_USERS.c.profile),
        )
        .distinct()
    )
    names = sorted(conn.scalars(missing).all())
    if names:
        conn.execute(insert(profiles), [{"name": name} for name in names])
    return names


def _upsert(
    conn: Connection,
    item: Staged,
    target: Table,
    key: str,
    source: Any,
    always: Sequence[str],
    optional: Sequence[str],
) -> None:
    """Update changed rows and insert new ones from `source` (a subquery of the stage).

    Optional columns the file does not have are left as stored on update and take their
    defaults (already in the stage) on insert.
    """
    compared = [*always, *(name for name in optional if _column_of(name) in item.present)]
    changed = or_(*[target.c[name].is_distinct_from(source.c[name]) for name in compared])
    updated = _changed(
        conn,
        update(target)
        .where(target.c[key] == source.c[key], changed)
        .values({name: source.c[name] for name in compared}),
    )
    columns = [key, *always, *optional]
    inserted = _changed(
        conn,
        insert(target).from_select(
            columns,
            select(*[source.c[name] for name in columns]).where(
                ~exists().where(target.c[key] == source.c[key])
            ),
        ),
    )
    report = item.report
    report.inserted = inserted
    report.updated = updated
    report.unchanged = report.rows - report.inserted - report.updated


def _changed(conn: Connection, statement: Executable) -> int:
    """Rows written by one statement (kept by SQLAlchemy only when asked for)."""
    result = conn.execute(statement, execution_options={"preserve_rowcount": True})
    return max(int(result.rowcount), 0)  # type: ignore[attr-defined]


def _column_of(target_column: str) -> str:
    """The CSV column behind a target column (ids resolved from logins and names)."""
    return {
        "profile_id": "profile",
        "key_account_manager_id": "key_account_manager",
        "owner_id": "owner",
    }.get(target_column, target_column)


def _merge_users(conn: Connection, item: Staged) -> None:
    users, profiles, stage = User.__table__, Profile.__table__, STAGE_USERS
    source = (
        select(
            stage.c.login,
            stage.c.name,
            stage.c.email,
            stage.c.role,
            stage.c.active,
            profiles.c.id.label("profile_id"),
        )
        .outerjoin(profiles, profiles.c.name == stage.c.profile)
        .subquery("src")
    )
    _upsert(conn, item, users, "login", source, ("name", "email"), ("role", "active", "profile_id"))


def _merge_companies(conn: Connection, item: Staged) -> None:
    companies, users, stage = Company.__table__, User.__table__, STAGE_COMPANIES
    source = (
        select(
            stage.c.id,
            stage.c.name,
            stage.c.is_customer,
            users.c.id.label("key_account_manager_id"),
        )
        .outerjoin(users, users.c.login == stage.c.key_account_manager)
        .subquery("src")
    )
    _upsert(
        conn, item, companies, "id", source, ("name", "is_customer"), ("key_account_manager_id",)
    )


def _merge_activities(conn: Connection, item: Staged) -> None:
    activities, users, stage = Activity.__table__, User.__table__, STAGE_ACTIVITIES
    source = (
        select(
            stage.c.id,
            stage.c.type,
            stage.c.status,
            stage.c.start_at,
            stage.c.end_at,
            stage.c.company_id,
            users.c.id.label("owner_id"),
        )
        .outerjoin(users, users.c.login == stage.c.owner)
        .subquery("src")
    )
    _upsert(
        conn,
        item,
        activities,
        "id",
        source,
        ("type", "status", "start_at"),
        ("end_at", "company_id", "owner_id"),
    )


def _merge_opportunities(conn: Connection, item: Staged) -> None:
    opportunities, users, stage = Opportunity.__table__, User.__table__, STAGE_OPPORTUNITIES
    source = (
        select(
            stage.c.id,
            stage.c.name,
            stage.c.company_id,
            users.c.id.label("owner_id"),
            stage.c.amount,
            stage.c.stage,
            stage.c.created_at,
            stage.c.expected_close,
            stage.c.closed_at,
        )
        .outerjoin(users, users.c.login == stage.c.owner)
        .subquery("src")
    )
    _upsert(
        conn,
        item,
        opportunities,
        "id",
        source,
        ("name", "company_id", "owner_id", "amount", "stage", "created_at", "expected_close"),
        ("closed_at",),
    )


def _merge_participants(conn: Connection, item: Staged) -> None:
    """The file's participants of each activity it mentions replace the stored ones."""
    participants, users, stage = ActivityParticipant.__table__, User.__table__, STAGE_PARTICIPANTS
    source = (
        select(stage.c.activity_id, users.c.id.label("user_id"))
        .join(users, users.c.login == stage.c.login)
        .subquery("src")
    )
    removed = _changed(
        conn,
        delete(participants).where(
            participants.c.activity_id.in_(select(stage.c.activity_id)),
            ~exists().where(
                source.c.activity_id == participants.c.activity_id,
                source.c.user_id == participants.c.user_id,
            ),
        ),
    )
    inserted = _changed(
        conn,
        insert(participants).from_select(
            ["activity_id", "user_id"],
            select(source.c.activity_id, source.c.user_id).where(
                ~exists().where(
                    participants.c.activity_id == source.c.activity_id,
                    participants.c.user_id == source.c.user_id,
                )
            ),
        ),
    )
    report = item.report
    report.removed = removed
    report.inserted = inserted
    report.updated = 0
    report.unchanged = report.rows - report.inserted
