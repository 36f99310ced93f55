"""Installation-wide locks across processes and machines, one per purpose (key and file suffix).

PostgreSQL: a transaction-level advisory lock on a dedicated connection, held until that
connection's transaction ends (released, or the connection dropping when a process dies).
SQLite: an OS file lock on a lock file beside the database file (`flock` on POSIX,
`msvcrt.locking` on Windows), released by the OS when the process dies. The data source's
import takes one (`SYNC_LOCK`) so a desktop and the service never import one export twice;
the engine's run lock (`engine.runlock`) is the same mechanism with its own key.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kpidesk.data.db import Database, translate_errors

WINDOWS_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class LockSpec:
    """What a lock is for: the PostgreSQL advisory key and the SQLite lock file's suffix."""

    key: int
    suffix: str


# The data source's import (kpidesk sync, the nightly run's first step, "Importér nu").
SYNC_LOCK = LockSpec(0x6B706964_65736B02 & 0x7FFFFFFFFFFFFFFF, ".synclock")

_memory_locks: dict[int, threading.Lock] = {}
_memory_guard = threading.Lock()


class HeldLock:
    """A held lock; `release()` (or leaving the `with` block) lets the next one in."""

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

    def __enter__(self) -> HeldLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def lock_file_path(db: Database, spec: LockSpec) -> Path | None:
    """The lock file beside a SQLite database file (None for PostgreSQL and `:memory:`)."""
    path = db.sqlite_path
    if path is None:
        return None
    path = path.expanduser().resolve()
    return path.with_name(path.name + spec.suffix)


def acquire(db: Database, spec: LockSpec, *, wait: bool) -> HeldLock | None:
    """Take the lock; None when someone else holds it and `wait` is false."""
    if db.dialect == "postgresql":
        return _acquire_postgres(db, spec.key, wait)
    path = lock_file_path(db, spec)
    if path is None:  # in-memory SQLite lives in one process: a process lock is enough
        with _memory_guard:
            lock = _memory_locks.setdefault(spec.key, threading.Lock())
        if not lock.acquire(blocking=wait):
            return None
        return HeldLock(lock.release, "in-process lock")
    return _acquire_file(path, wait)


def _acquire_postgres(db: Database, key: int, wait: bool) -> HeldLock | None:
    with translate_errors(db):
        conn: Connection = db.engine.connect()
    try:
        with translate_errors(db):
            transaction = conn.begin()
            function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            got = conn.execute(text(f"SELECT {function}(:key)"), {"key": key}).scalar()
            got = True if wait else bool(got)
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

    return HeldLock(release, f"advisory lock {key}")


def _acquire_file(path: Path, wait: bool) -> HeldLock | None:
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

    return HeldLock(release, f"lock file {path}")


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_handle(handle: IO[bytes], wait: bool) -> bool:
        # LK_LOCK gives up after ten one-second tries: poll LK_NBLCK for as long as it takes.
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
