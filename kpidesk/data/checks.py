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
from kpidesk.data.integrity import quick_check
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


def sqlite_quick_check(conn: Connection) -> list[Problem]:
    """SQLite: the file's own pages and indexes (`PRAGMA quick_check`), so corruption in the
    middle of a file does not go unnoticed while commands keep writing to it."""
    problems = quick_check(conn)
    if not problems:
        return []
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return [
        Problem(
            "quick_check",
            f"SQLite reports the file damaged: {problems[0]}{more}; restore the latest "
            "backup (the nightly run writes nothing to it meanwhile)",
            len(problems),
        )
    ]


# (name, check) in the order they run; append to add a check.
CHECKS: list[tuple[str, Check]] = [
    ("quick_check", sqlite_quick_check),
    ("timestamps", canonical_timestamps),
]


def run_checks(db: Database) -> list[Problem]:
    """Every check in `CHECKS`, in one read transaction."""
    problems: list[Problem] = []
    with db.connect() as conn:
        for name, check in CHECKS:
            found = check(conn)
            problems.extend(found)
            if name == "quick_check" and found:
                break  # the other checks would only trip over the damaged pages
    return problems
