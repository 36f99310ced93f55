"""Writing checked stage rows into the real tables: a few set-based upserts per file.

The columns written come from each entity's description: a plain field goes to its column,
a reference is resolved to the id of the row whose CRM key it names (users, companies,
activities) or, for profiles, whose name it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Subquery,
    Table,
    delete,
    exists,
    func,
    insert,
    inspect,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex
from sqlalchemy.sql.expression import Executable

from kpidesk.data.crm_import.entities import (
    ENTITIES,
    FILE_NAMES,
    PARTICIPANTS,
    PROFILES,
    USERS,
    Entity,
    Staged,
    target_table,
)
from kpidesk.data.crm_import.report import ImportFailed, ImportReport
from kpidesk.data.models import User
from kpidesk.domain.names import name_key

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
        entity = item.entity
        if name == USERS:
            report.profiles_created = _create_profiles(conn, entity)
            _take_over_kpidesk_users(conn, entity)
            could_log_in = _admins_who_can_log_in(conn)
            _upsert(conn, item, _users_source(entity), "crm_key")
            if could_log_in and not _admins_who_can_log_in(conn):
                raise ImportFailed([
                    f"{USERS}: this import would leave no active administrator who can log "
                    f"in ({', '.join(could_log_in)} would be demoted or deactivated); keep at "
                    "least one row with role admin and active true"
                ])  # fmt: skip
            continue
        _check_resolved(conn, entity)
        if name == PARTICIPANTS:
            with _bulk_load(conn, entity.table, _new_participant_rows(conn, entity)):
                _merge_participants(conn, item)
            continue
        base = _assign_ids(conn, entity)
        table, stage = entity.table, entity.stage
        new_rows = int(
            conn.scalar(
                select(func.count())
                .select_from(stage)
                .where(~exists().where(table.c.id == stage.c.row_id))
            )
            or 0
        )
        with _bulk_load(conn, table, new_rows):
            _upsert(
                conn,
                item,
                _source(entity, base),
                "id",
                stored=_source(entity, stored_only=True),
                new_rows=new_rows,
            )
    tell("writing", len(steps), len(steps))


def _assign_ids(conn: Connection, entity: Entity) -> int:
    """Each staged row's id: the stored row's with the same CRM key, else the key itself
    when it is a free whole number; the rest get numbers above the returned base in file
    order (see `_source`)."""
    table, stage = entity.table, entity.stage
    key = stage.c[entity.key[0]]
    conn.execute(
        update(stage).values(
            row_id=select(table.c.id).where(table.c.crm_key == key).scalar_subquery()
        )
    )
    conn.execute(
        update(stage)
        .where(
            stage.c.row_id.is_(None),
            stage.c.num.is_not(None),
            ~exists().where(table.c.id == stage.c.num),
        )
        .values(row_id=stage.c.num)
    )
    return max(
        int(conn.scalar(select(func.max(table.c.id))) or 0),
        int(conn.scalar(select(func.max(stage.c.row_id))) or 0),
    )


def _check_resolved(conn: Connection, entity: Entity) -> None:
    """Every reference still names a stored row (PostgreSQL: another program may have
    deleted one since the checks; SQLite's write lock keeps others out for the whole import).

    A key deleted after this is caught by the foreign keys, as the id it resolved to is gone.
    """
    if conn.dialect.name != "postgresql":
        return
    stage = entity.stage
    for fld in entity.references():
        if fld.refers_to is None or fld.refers_to == "profiles":
            continue
        target = target_table(fld.refers_to)
        missing = conn.execute(
            select(stage.c[fld.name])
            .where(
                stage.c[fld.name].is_not(None),
                ~exists().where(target.c.crm_key == stage.c[fld.name]),
            )
            .limit(1)
        ).scalar()
        if missing is not None:
            raise ImportFailed(
                [
                    f"the database changed during the import: {entity.name}: "
                    f"{fld.name} {missing!r} was deleted from {target.name}"
                ]
            )


def _source(entity: Entity, base: int = 0, *, stored_only: bool = False) -> Subquery:
    """The stage as the real table's columns: references resolved to ids, new rows numbered
    above `base` (one statement: no UPDATE of the stage that reads itself while it runs).

    `stored_only`: just the rows that have an id already (what an UPDATE can touch), without
    numbering the others (a window over every row costs a sort).
    """
    stage = entity.stage
    columns: list[ColumnElement[Any]] = []
    joined: Any = stage
    if entity.surrogate and stored_only:
        columns.append(stage.c.row_id.label("id"))
    elif entity.surrogate:
        numbered = base + func.row_number().over(order_by=(stage.c.src, stage.c.line))
        columns.append(func.coalesce(stage.c.row_id, numbered).label("id"))
    for fld in entity.fields:
        if fld.refers_to is None:
            columns.append(stage.c[fld.name].label(fld.column))
            continue
        target = target_table(fld.refers_to).alias(f"ref_{fld.name}")
        by = target.c.name if target_table(fld.refers_to) is PROFILES else target.c.crm_key
        joined = joined.outerjoin(target, by == stage.c[fld.name])
        columns.append(target.c.id.label(fld.column))
    query = select(*columns).select_from(joined)
    if entity.surrogate and stored_only:
        query = query.where(stage.c.row_id.is_not(None))
    return query.subquery("src")


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


def _create_profiles(conn: Connection, users: Entity) -> list[str]:
    """Profiles named in the users' files that do not exist yet, matched by `name_key`.

    `Salg`, `salg` and `SALG` in the export (or in the database) are one profile; the
    stage is then rewritten to the stored spelling so the users' merge can join on it.
    Profiles are few, so they are matched in Python (SQLite's lower() folds ASCII only).
    """
    stage = users.stage
    stored = {name_key(name): name for name in conn.scalars(select(PROFILES.c.name))}
    given = conn.scalars(
        select(stage.c.profile)
        .where(stage.c.profile.is_not(None))
        .group_by(stage.c.profile)
        .order_by(func.min(stage.c.src * 1_000_000_000 + stage.c.line))
    ).all()
    created: list[str] = []
    for name in given:
        key = name_key(name)
        if key not in stored:
            stored[key] = name
            created.append(name)
    if created:
        conn.execute(insert(PROFILES), [{"name": name} for name in created])
    for name in given:
        if stored[name_key(name)] != name:
            conn.execute(
                update(stage).where(stage.c.profile == name).values(profile=stored[name_key(name)])
            )
    return sorted(created)


def _users_source(users: Entity) -> Subquery:
    """Users as stored columns, an empty `role`/`active` cell keeping the stored value."""
    source = _source(users)
    stored = users.table.alias("stored")
    columns: list[ColumnElement[Any]] = []
    for column in source.c:
        if column.name == "role":
            columns.append(func.coalesce(column, stored.c.role, "user").label("role"))
        elif column.name == "active":
            columns.append(func.coalesce(column, stored.c.active, true()).label("active"))
        else:
            columns.append(column)
    joined = source.outerjoin(stored, stored.c.crm_key == source.c.crm_key)
    return select(*columns).select_from(joined).subquery("src_users")


def _admins_who_can_log_in(conn: Connection) -> list[str]:
    """Logins of active administrators with a password (at most five, for the message)."""
    users = User.__table__
    return list(
        conn.scalars(
            select(users.c.login)
            .where(
                users.c.role == "admin",
                users.c.active.is_(True),
                users.c.password_hash.is_not(None),
            )
            .order_by(users.c.login)
            .limit(5)
        )
    )


def _take_over_kpidesk_users(conn: Connection, users: Entity) -> None:
    """A user created in kpidesk (key = login) becomes the CRM's user with that login.

    Only when the CRM's key is new to the database and the kpidesk user's key is not
    in the file (checks.check_logins reports every other clash).
    """
    table, stage = users.table, users.stage
    other_rows = stage.alias("other_rows")
    conn.execute(
        update(table)
        .where(
            table.c.crm_key == table.c.login,
            table.c.login == stage.c.login,
            stage.c.id != table.c.crm_key,
            ~exists().where(other_rows.c.id == table.c.crm_key),
        )
        .values(crm_key=stage.c.id)
    )


def _upsert(
    conn: Connection,
    item: Staged,
    source: Any,
    key: str,
    *,
    stored: Any = None,
    new_rows: int | None = None,
) -> None:
    """Update changed rows and insert new ones from `source` (the stage as the real columns).

    Optional columns the file does not have are left as stored on update and take their
    defaults (already in the stage) on insert. `stored` is the source restricted to rows
    that exist already (for the UPDATE); with `new_rows` known, a statement that cannot
    change anything (nothing stored yet, or nothing new) is not run at all.
    """
    entity, target = item.entity, item.entity.table
    always = [f.column for f in entity.fields if f.column_required and f.column != key]
    optional = [f.column for f in entity.fields if not f.column_required and f.column != key]
    present = [
        f.column
        for f in entity.fields
        if not f.column_required and f.column != key and f.name in item.present
    ]
    compared = [*always, *present]
    rows = item.report.rows - sum(item.report.left_out.values())
    existing = stored if stored is not None else source
    changed = or_(*[existing.c[name].is_distinct_from(target.c[name]) for name in compared])
    updated = 0
    if new_rows is None or new_rows < rows:
        updated = _changed(
            conn,
            update(target)
            .where(target.c[key] == existing.c[key], changed)
            .values({name: existing.c[name] for name in compared}),
        )
    extra = ["crm_key"] if key != "crm_key" else []
    columns = [key, *extra, *always, *optional]
    columns = list(dict.fromkeys(columns))
    inserted = 0
    if new_rows is None or new_rows > 0:
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
    return max(int(result.rowcount), 0)


def _new_participant_rows(conn: Connection, entity: Entity) -> int:
    """Participant rows of activities that have none stored yet (a first load)."""
    stage, activities = entity.stage, ENTITIES[entity.get("activity_id").refers_to or ""].table
    participants = entity.table
    return int(
        conn.scalar(
            select(func.count())
            .select_from(stage)
            .where(
                ~exists().where(
                    activities.c.crm_key == stage.c.activity_id,
                    participants.c.activity_id == activities.c.id,
                )
            )
        )
        or 0
    )


def _merge_participants(conn: Connection, item: Staged) -> None:
    """The file's participants of each activity it mentions replace the stored ones."""
    participants = item.entity.table
    source = _source(item.entity)
    mentioned = select(source.c.activity_id)
    removed = _changed(
        conn,
        delete(participants).where(
            participants.c.activity_id.in_(mentioned),
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
