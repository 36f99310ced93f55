"""The installation-wide run lock: one KPI run at a time, across processes and machines.

PostgreSQL: a transaction-level advisory lock on a dedicated connection, held until that
connection's transaction ends (commit, rollback, or the connection dropping when a process
dies). SQLite: an OS file lock on a lock file beside the database file (`flock` on POSIX,
`msvcrt.locking` on Windows), released by the OS when the process dies.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kpidesk.data.db import Database, translate_errors

log = logging.getLogger("kpidesk.engine")

# Key of the PostgreSQL advisory lock held during a KPI run (a constant unique to kpidesk,
# different from the migration lock's key).
RUN_LOCK_KEY = 0x6B706964_65736B01 & 0x7FFFFFFFFFFFFFFF
LOCK_FILE_SUFFIX = ".runlock"
WINDOWS_POLL_SECONDS = 0.2

# In-memory SQLite databases live in one process only: a process-wide lock is enough.
_memory_lock = threading.Lock()


class RunLock:
    """A held run lock; `release()` (or leaving the `with` block) lets the next run in."""

    def __init__(self, release: Any, description: str) -> None:
        self._release = release
        self.description = description

    def release(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()

    @property
    def held(self) -> bool:
        return self._release is not None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def lock_file_path(db: Database) -> Path | None:
    """The lock file beside a SQLite database file (None for PostgreSQL and `:memory:`)."""
    path = db.sqlite_path
    if path is None:
        return None
    path = path.expanduser().resolve()
    return path.with_name(path.name + LOCK_FILE_SUFFIX)


def acquire_run_lock(db: Database, *, wait: bool) -> RunLock | None:
    """Take the run lock; None when another run holds it and `wait` is false."""
    if db.dialect == "postgresql":
        return _acquire_postgres(db, wait)
    path = lock_file_path(db)
    if path is None:
        if not _memory_lock.acquire(blocking=wait):
            return None
        return RunLock(_memory_lock.release, "in-process lock")
    return _acquire_file(path, wait)


def _acquire_postgres(db: Database, wait: bool) -> RunLock | None:
    with translate_errors(db):
        conn: Connection = db.engine.connect()
    try:
        with translate_errors(db):
            transaction = conn.begin()
            if wait:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RUN_LOCK_KEY})
                got = True
            else:
                got = bool(
                    conn.execute(
                        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RUN_LOCK_KEY}
                    ).scalar()
                )
    except BaseException:
        conn.close()
        raise
    if not got:
        transaction.rollback()
        conn.close()
        return None

    def release() -> None:
        try:
            transaction.rollback()  # ends the transaction, which releases the xact lock
        finally:
            conn.close()

    return RunLock(release, f"advisory lock {RUN_LOCK_KEY}")


def _acquire_file(path: Path, wait: bool) -> RunLock | None:
    handle: IO[bytes] = open(path, "a+b")  # noqa: SIM115 - held until release
    try:
        if not _lock_handle(handle, wait):
            handle.close()
            return None
    except BaseException:
        handle.close()
        raise

    def release() -> None:
        try:
            _unlock_handle(handle)
        finally:
            handle.close()

    return RunLock(release, f"lock file {path}")


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_handle(handle: IO[bytes], wait: bool) -> bool:
        # LK_LOCK gives up after ten one-second tries; poll LK_NBLCK to wait for as long as
        # the other run takes. Lock the first byte (the file may be empty; that is allowed).
        while True:
            try:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not wait:
                    return False
                time.sleep(WINDOWS_POLL_SECONDS)

    def _unlock_handle(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_handle(handle: IO[bytes], wait: bool) -> bool:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        while True:
            try:
                fcntl.flock(handle.fileno(), flags)
                return True
            except BlockingIOError:
                return False
            except InterruptedError:  # a signal while waiting: wait on
                continue

    def _unlock_handle(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
