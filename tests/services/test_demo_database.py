"""The demo installation behind `make run`: complete, real history, never half-built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import KpiResult, KpiRun
from kpidesk.services import demo
from kpidesk.services.auth import authenticate
from kpidesk.services.kpi import todays_kpis

TODAY = dt.date(2026, 11, 27)


def test_demo_database_is_built_once_with_logins_rules_and_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    stages: list[str] = []
    assert (
        demo.ensure_demo_database(
            url, today=TODAY, history_days=9, progress=lambda s, d, n: stages.append(s)
        )
        == url
    )
    assert {"data", "setup", "history"} <= set(stages)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite3"]

    db = Database(url)
    try:
        with db.session() as s:
            runs = s.scalars(select(KpiRun.run_date).where(KpiRun.status == "success")).all()
            assert sorted(runs) == [TODAY - dt.timedelta(days=n) for n in range(9, -1, -1)]
            assert s.scalar(select(func.count()).select_from(KpiResult)) > 0
        for login in ("admin", "mette", "jonas"):
            caller = authenticate(db, login, demo.DEMO_PASSWORD)
            assert caller.login == login
        assert authenticate(db, "admin", "demo").is_admin
        mette = authenticate(db, "mette", "demo")
        today = todays_kpis(db, mette, "mette", as_of=TODAY)
        assert today.run_date == TODAY
        assert len(today.kpis) >= 3
    finally:
        db.dispose()

    # A second start reuses the database as it is.
    before = (tmp_path / "demo.sqlite3").stat().st_mtime_ns
    demo.ensure_demo_database(url, today=TODAY)
    assert (tmp_path / "demo.sqlite3").stat().st_mtime_ns == before


def test_interrupted_build_leaves_no_demo_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    def fail(stage: str, done: int, total: int) -> None:
        if stage == "history" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.ensure_demo_database(url, today=TODAY, history_days=5, progress=fail)
    assert not (tmp_path / "demo.sqlite3").exists()
    # The next start builds it from scratch.
    demo.ensure_demo_database(url, today=TODAY, history_days=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite3"]
