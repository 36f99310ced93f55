"""Consistency checks of a database (`kpidesk db check`, `kpidesk selftest`).

Each check reads the database and returns the problems it found, one line each. `CHECKS`
is a plain list so that other checks (e.g. SQLite's `quick_check`) can be appended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from kpidesk.data.db import Database
from kpidesk.data.models import Base, timestamp_columns
from kpidesk.data.timestamps import DATE_GLOB, DATETIME_GLOB


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the database, said in one line."""

    check: str  # which check found it
    message: str
    count: int = 1

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


Check = Callable[[Connection], list[Problem]]


def canonical_timestamps(conn: Connection) -> list[Problem]:
    """SQLite: every stored date-time and date in the one canonical text form.

    Anything else sorts apart from equal instants and silently moves window edges.
    PostgreSQL stores real timestamps, so there is nothing to check there.
    """
    if conn.dialect.name != "sqlite":
        return []
    stored = inspect(conn)
    problems: list[Problem] = []
    for table, column, is_date in timestamp_columns(Base.metadata):
        if not stored.has_table(table):
            continue
        if column not in {c["name"] for c in stored.get_columns(table)}:
            continue
        glob = DATE_GLOB if is_date else DATETIME_GLOB
        wrong = (
            f"FROM {table} WHERE {column} IS NOT NULL "
            f"AND NOT (typeof({column}) = 'text' AND {column} GLOB '{glob}')"
        )
        count = int(conn.exec_driver_sql(f"SELECT count(*) {wrong}").scalar() or 0)
        if not count:
            continue
        example = conn.exec_driver_sql(f"SELECT {column} {wrong} LIMIT 1").scalar()
        form = "YYYY-MM-DD" if is_date else "YYYY-MM-DD HH:MM:SS.ffffff"
        problems.append(
            Problem(
                "timestamps",
                f"{table}.{column}: {count} value{'s' if count != 1 else ''} not in the "
                f"canonical form {form} (e.g. {example!r}); run kpidesk db upgrade",
                count,
            )
        )
    return problems


# (name, check) in the order they run; append to add a check.
CHECKS: list[tuple[str, Check]] = [("timestamps", canonical_timestamps)]


def run_checks(db: Database) -> list[Problem]:
    """Every check in `CHECKS`, in one read transaction."""
    problems: list[Problem] = []
    with db.connect() as conn:
        for _name, check in CHECKS:
            problems.extend(check(conn))
    return problems
