"""One stored form for timestamps on SQLite, and profile names compared by their key.

SQLite compares date-times as text. Until now the CRM import wrote `2026-11-27 23:00:00`
while everything else wrote `2026-11-27 23:00:00.000000`, which sorts apart and moved every
window edge by a day. Existing values are rewritten into the canonical form of
`kpidesk.data.timestamps`, and a CHECK constraint per column (`ck_<table>_<column>_canonical`)
keeps any other form out from now on. PostgreSQL stores real timestamps and is unchanged.

Profiles whose names differ only in case or white space (`Salg`, `salg`, `Salg  Team` …) are
one profile now: twins are merged into the oldest, on both backends.

Runs after 0005 (the revisions landed in that order; the chain stays linear), so it also
covers the history columns 0005 added to `activities`.

Revision ID: 0004
Revises: 0005
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

from kpidesk.data.timestamps import (
    DATE_GLOB,
    DATETIME_GLOB,
    check_name,
    from_stored,
    sqlite_canonical_check,
    to_stored,
)
from kpidesk.domain.names import clean_name, name_key

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, column, is a date) as of this revision.
TIMESTAMP_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("activities", "start_at", False),
    ("activities", "end_at", False),
    ("activities", "created_at", False),
    ("activities", "completed_at", False),
    ("audit_log", "at", False),
    ("kpi_results", "run_date", True),
    ("kpi_results", "computed_at", False),
    ("kpi_rules", "created_at", False),
    ("kpi_rules", "updated_at", False),
    ("kpi_runs", "run_date", True),
    ("kpi_runs", "started_at", False),
    ("kpi_runs", "finished_at", False),
    ("opportunities", "created_at", False),
    ("opportunities", "expected_close", True),
    ("opportunities", "closed_at", False),
)


def _tables() -> list[str]:
    return sorted({table for table, _, _ in TIMESTAMP_COLUMNS})


def canonical_value(value: Any, is_date: bool) -> str:
    """The canonical text of a stored value in any ISO spelling (naive values are UTC)."""
    parsed = from_stored(value) if isinstance(value, str) else value
    if is_date:
        if isinstance(parsed, dt.datetime):
            parsed = parsed.date()
    elif not isinstance(parsed, dt.datetime):
        parsed = dt.datetime(parsed.year, parsed.month, parsed.day)
    elif parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    stored = to_stored(parsed)
    assert stored is not None
    return stored


def rewrite_sqlite_timestamps(conn: sa.Connection) -> int:
    """Rewrite every stored value not in the canonical form; returns how many were changed."""
    changed = 0
    for table, column, is_date in TIMESTAMP_COLUMNS:
        glob = DATE_GLOB if is_date else DATETIME_GLOB
        if not is_date:  # the import's short form: one set-based statement
            result = conn.exec_driver_sql(
                f"UPDATE {table} SET {column} = {column} || '.000000' "
                f"WHERE typeof({column}) = 'text' AND {column} GLOB '{DATE_GLOB} "
                "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'"
            )
            changed += max(result.rowcount, 0)
        rows = conn.exec_driver_sql(
            f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL "
            f"AND NOT (typeof({column}) = 'text' AND {column} GLOB '{glob}')"
        ).all()
        for rowid, value in rows:
            try:
                text = canonical_value(value, is_date)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"{table}.{column} (row {rowid}): cannot read the stored value {value!r}"
                ) from exc
            conn.exec_driver_sql(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (text, rowid))
            changed += 1
    return changed


def merge_profile_twins(conn: sa.Connection) -> int:
    """Profiles with the same name key become the oldest of them, with its name cleaned."""
    profiles = conn.execute(sa.text("SELECT id, name FROM profiles ORDER BY id")).all()
    keep: dict[str, int] = {}
    merged = 0
    for profile_id, name in profiles:
        key = name_key(name)
        target = keep.setdefault(key, profile_id)
        if target == profile_id:
            continue
        params = {"old": profile_id, "new": target}
        conn.execute(sa.text("UPDATE users SET profile_id = :new WHERE profile_id = :old"), params)
        conn.execute(
            sa.text(
                "DELETE FROM kpi_rule_profiles WHERE profile_id = :old AND rule_id IN "
                "(SELECT rule_id FROM kpi_rule_profiles WHERE profile_id = :new)"
            ),
            params,
        )
        conn.execute(
            sa.text("UPDATE kpi_rule_profiles SET profile_id = :new WHERE profile_id = :old"),
            params,
        )
        conn.execute(sa.text("DELETE FROM profiles WHERE id = :old"), params)
        merged += 1
    for profile_id, name in profiles:
        if keep.get(name_key(name)) == profile_id and clean_name(name) != name:
            conn.execute(
                sa.text("UPDATE profiles SET name = :name WHERE id = :id"),
                {"name": clean_name(name), "id": profile_id},
            )
    return merged


def upgrade() -> None:
    conn = op.get_bind()
    merge_profile_twins(conn)
    if conn.dialect.name != "sqlite":
        return
    rewrite_sqlite_timestamps(conn)
    for table in _tables():
        with op.batch_alter_table(table, recreate="always") as batch:
            for name, column, is_date in TIMESTAMP_COLUMNS:
                if name == table:
                    batch.create_check_constraint(
                        op.f(check_name(table, column)),
                        sqlite_canonical_check(column, date_only=is_date),
                    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in _tables():
        with op.batch_alter_table(table, recreate="always") as batch:
            for name, column, _ in TIMESTAMP_COLUMNS:
                if name == table:
                    batch.drop_constraint(op.f(check_name(table, column)), type_="check")
