"""The run lock itself: exclusive across connections and processes, released exactly once."""

from __future__ import annotations

from pathlib import Path

from kpidesk.data.db import Database
from kpidesk.engine.runlock import acquire_run_lock, lock_file_path


def test_lock_is_exclusive_and_released(db: Database) -> None:
    first = acquire_run_lock(db, wait=False)
    assert first is not None and first.held
    # A second taker (another connection, another open lock file) does not get it.
    assert acquire_run_lock(db, wait=False) is None
    first.release()
    first.release()  # releasing twice is harmless
    assert not first.held
    with acquire_run_lock(db, wait=True) as again:
        assert again is not None and again.held
        assert acquire_run_lock(db, wait=False) is None
    third = acquire_run_lock(db, wait=False)
    assert third is not None
    third.release()


def test_lock_file_sits_beside_the_sqlite_file(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    try:
        assert lock_file_path(db) == (tmp_path / "kpi.sqlite3.runlock").resolve()
        with acquire_run_lock(db, wait=False) as lock:
            assert lock is not None
            assert (tmp_path / "kpi.sqlite3.runlock").exists()
    finally:
        db.dispose()


def test_in_memory_database_uses_a_process_lock() -> None:
    db = Database("sqlite:///:memory:")
    try:
        assert lock_file_path(db) is None
        lock = acquire_run_lock(db, wait=False)
        assert lock is not None
        assert acquire_run_lock(db, wait=False) is None
        lock.release()
        again = acquire_run_lock(db, wait=False)
        assert again is not None
        again.release()
    finally:
        db.dispose()
