"""The demo installation behind `make run`: CRM data, a KPI setup, passwords and real history.

Built into a temporary file and moved into place only when complete, so an interrupted first
start never leaves a half-filled demo database behind. Never touches the real database file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from kpidesk import paths
from kpidesk.data.db import Database, upgrade
from kpidesk.data.models import User
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.settings import today as installation_today

log = logging.getLogger("kpidesk.demo")

DEMO_PASSWORD = "demo"
HISTORY_DAYS = 120

# stage ("data" | "setup" | "history"), done, total
DemoProgress = Callable[[str, int, int], None]


def demo_setup_file() -> Path:
    return paths.resource_path("demo", "setup.json")


def ensure_demo_database(
    url: str | None = None,
    *,
    today: dt.date | None = None,
    history_days: int = HISTORY_DAYS,
    progress: DemoProgress | None = None,
) -> str:
    """Return the demo database's URL, creating and filling it first if it does not exist yet."""
    url = url or paths.demo_database_url()
    target = make_url(url).database
    if not target:
        raise ValueError(f"the demo database must be a SQLite file, not {url!r}")
    target_path = Path(target)
    if target_path.exists():
        db = Database(url)
        try:
            upgrade(db)
        finally:
            db.dispose()
        return url
    building = target_path.with_name(target_path.name + ".building")
    for leftover in (building, *building.parent.glob(building.name + "-*")):
        leftover.unlink(missing_ok=True)
    db = Database(f"sqlite:///{building.as_posix()}")
    try:
        build_demo(db, today=today, history_days=history_days, progress=progress)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    # The SQLite files beside the one being built (WAL, shared memory, the engine's run lock).
    for leftover in building.parent.glob(building.name + "?*"):
        leftover.unlink(missing_ok=True)
    os.replace(building, target_path)
    log.info("demo database created at %s", target_path)
    return url


def build_demo(
    db: Database,
    *,
    today: dt.date | None = None,
    history_days: int = HISTORY_DAYS,
    progress: DemoProgress | None = None,
) -> None:
    """Fill an empty database as the demo: CRM data, KPI setup, passwords, nights of history.

    The history is real: one nightly run per past day, exactly as `kpidesk recalc` does.
    """
    from kpidesk.data.demo import generate_demo
    from kpidesk.engine.run import run_for_date
    from kpidesk.services.auth import set_password
    from kpidesk.services.setup_io import import_setup

    upgrade(db)
    if today is None:
        today = installation_today(db)

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    report("data", 0, 1)
    generate_demo(db, as_of=today)
    report("data", 1, 1)

    report("setup", 0, 1)
    import_setup(db, SYSTEM_CLI, json.loads(demo_setup_file().read_text(encoding="utf-8")))
    with db.session() as session:
        logins = session.scalars(select(User.login).order_by(User.login)).all()
    for login in logins:
        set_password(db, SYSTEM_CLI, login, DEMO_PASSWORD, enforce_policy=False)
    report("setup", 1, 1)

    dates = [today - dt.timedelta(days=offset) for offset in range(history_days, -1, -1)]
    for done, run_date in enumerate(dates, start=1):
        summary = run_for_date(db, run_date, trigger="demo")
        if summary.status != "success":
            raise RuntimeError(f"demo history for {run_date} failed: {summary.reason}")
        report("history", done, len(dates))
    # The verdicts that decide which cards show a forecast (see kpidesk forecast backtest).
    from kpidesk.services.forecasting import backtest

    backtest(db, SYSTEM_CLI)
