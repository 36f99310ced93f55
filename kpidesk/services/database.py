"""The installation's database as the GUI and the command line hold it: opened by URL.

`Database` is an opaque handle to them: they open it here, hand it to `KpiDesk` (or a service)
and dispose of it; sessions and SQL stay below the services.
"""

from __future__ import annotations

from kpidesk.data.db import Database, DatabaseError, current_revision, open_database

__all__ = ["Database", "DatabaseError", "open_installation", "revision"]


def open_installation(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open the database by URL (default: $KPIDESK_DATABASE_URL or the user's SQLite file),
    the schema brought up to date first unless `migrate` is False (then only connected).

    DatabaseError (one line) when it cannot be opened."""
    return open_database(url, migrate=migrate)


def revision(db: Database) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    return current_revision(db)
