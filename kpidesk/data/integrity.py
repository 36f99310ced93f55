"""SQLite's own check of a database file (`PRAGMA quick_check`).

Corruption in the middle of a file goes unnoticed while most statements still work, and
every write on top of it can spread the damage. `kpidesk db check` reports it, and the
nightly run refuses to write to a file that fails it.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

QUICK_CHECK_LINES = 20  # SQLite stops after this many problems (one is enough to refuse)


def quick_check(conn: Connection) -> list[str]:
    """What SQLite finds wrong with the file, one line each; [] when it says "ok".

    PostgreSQL checks its own pages (checksums, WAL), so there is nothing to do there.
    """
    if conn.dialect.name != "sqlite":
        return []
    try:
        rows = [
            str(row[0]) for row in conn.exec_driver_sql(f"PRAGMA quick_check({QUICK_CHECK_LINES})")
        ]
    except SQLAlchemyDatabaseError as exc:  # "database disk image is malformed"
        orig = str(getattr(exc, "orig", exc)).strip().splitlines()
        return [orig[0] if orig else "the file cannot be read"]
    return [] if rows == ["ok"] else rows


def damage_message(problems: list[str]) -> str:
    """One line for the run log and the command line."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return (
        f"the database file is damaged (SQLite quick_check: {problems[0]}{more}): nothing was "
        "written; restore the latest backup, or copy the file and ask IT"
    )
