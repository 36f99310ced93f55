"""The installation-wide run lock: one KPI run at a time, across processes and machines.

The mechanism is `kpidesk.data.locks` (PostgreSQL: a transaction-level advisory lock on a
dedicated connection; SQLite: an OS file lock on a lock file beside the database file), with
the run's own key and file suffix, so it never blocks the data source's import lock.
"""

from __future__ import annotations

from pathlib import Path

from kpidesk.data import locks
from kpidesk.data.db import Database

# Key of the PostgreSQL advisory lock held during a KPI run (a constant unique to kpidesk,
# different from the migration lock's key).
RUN_LOCK_KEY = 0x6B706964_65736B01 & 0x7FFFFFFFFFFFFFFF
LOCK_FILE_SUFFIX = ".runlock"
RUN_LOCK = locks.LockSpec(RUN_LOCK_KEY, LOCK_FILE_SUFFIX)

RunLock = locks.HeldLock  # a held run lock; `release()` or leaving `with` lets the next run in


def lock_file_path(db: Database) -> Path | None:
    """The lock file beside a SQLite database file (None for PostgreSQL and `:memory:`)."""
    return locks.lock_file_path(db, RUN_LOCK)


def acquire_run_lock(db: Database, *, wait: bool) -> RunLock | None:
    """Take the run lock; None when another run holds it and `wait` is false."""
    return locks.acquire(db, RUN_LOCK, wait=wait)
