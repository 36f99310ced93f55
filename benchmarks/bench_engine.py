"""Engine benchmark: one full set-based run against a naive per-user loop and a plain scan.

    .venv/bin/python benchmarks/bench_engine.py            # 2,000 users / 2M activities
    .venv/bin/python benchmarks/bench_engine.py --large    # 10,000 users / 10M activities

Builds the data set once with `kpidesk demo --users N --activities M --as-of D` (the same
deterministic data on both backends) and caches it under `benchmarks/.data/` (git-ignored): the
SQLite file, and a `pg_dump` of the PostgreSQL database, restored into a throwaway server
(`tests/pgserver.py`) on later runs. The ten templates are set up as ten rules (defaults, every
profile), then on each backend, in the same process:

* floor: one plain scan of `activities` and `activity_participants` (every row read once);
* engine: one full `run_for_date` (one statement per rule for all users, results written);
* baseline: the same rules as one query per user (the engine's statement restricted to one
  user), timed on a random sample of users and extrapolated to all of them per rule.

Targets (issue 3): engine ≥ 15× faster than the baseline on SQLite and ≥ 100× on PostgreSQL,
and within 5× of the floor. `--explain` prints each template's query plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

from kpidesk.data import settings  # noqa: E402
from kpidesk.data.db import Database, upgrade  # noqa: E402
from kpidesk.data.models import KpiRule, Profile, User  # noqa: E402
from kpidesk.domain.templates import validate_params  # noqa: E402
from kpidesk.engine.base import RuleContext  # noqa: E402
from kpidesk.engine.catalogue import TEMPLATES, get_template  # noqa: E402
from kpidesk.engine.run import run_for_date  # noqa: E402
from kpidesk.services.caller import SYSTEM_CLI  # noqa: E402
from kpidesk.services.setup_io import import_setup  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
AS_OF = dt.date(2026, 11, 2)  # fixed, so cached data sets stay comparable between runs
RULE_PREFIX = "Benchmark: "
TARGETS = {"sqlite": 15.0, "postgresql": 100.0}
FLOOR_FACTOR = 5.0


def kpidesk_command() -> list[str]:
    script = Path(sys.executable).with_name("kpidesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kpidesk"]


def say(message: str) -> None:
    print(message, flush=True)


# --- data set --------------------------------------------------------------------------------


def benchmark_setup(profiles: list[str]) -> dict[str, Any]:
    """The ten templates as rules with their default parameters, for every profile."""
    rules = []
    for key, template in TEMPLATES.items():
        unit = template.spec.unit
        target = 0.8 if unit == "percent" else 100_000 if unit == "currency" else 10
        rules.append({"name": RULE_PREFIX + key, "template": key, "params": {},
                      "target": target, "profiles": profiles, "active": True})  # fmt: skip
    return {"version": 1, "profiles": profiles, "rules": rules}


def set_up_rules(db: Database) -> None:
    with db.session() as session:
        profiles = list(session.scalars(select(Profile.name).order_by(Profile.name)))
    import_setup(db, SYSTEM_CLI, benchmark_setup(profiles))
    with db.session(write=True) as session:  # only the benchmark's rules run
        for rule in session.scalars(select(KpiRule)):
            rule.active = rule.name.startswith(RULE_PREFIX)


def build_with_demo(url: str, users: int, activities: int) -> None:
    say(f"  building: kpidesk demo --users {users} --activities {activities} "
        f"--as-of {AS_OF} (once; cached)")  # fmt: skip
    started = time.monotonic()
    subprocess.run(
        [*kpidesk_command(), "--db", url, "demo", "--users", str(users),
         "--activities", str(activities), "--as-of", AS_OF.isoformat()],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    say(f"  built in {time.monotonic() - started:.0f} s")


def sqlite_database(name: str, users: int, activities: int, rebuild: bool) -> Database:
    path = DATA / f"{name}.sqlite3"
    if rebuild:
        path.unlink(missing_ok=True)
    if not path.exists():
        building = path.with_name(path.name + ".building")
        for leftover in DATA.glob(building.name + "*"):
            leftover.unlink()
        build_with_demo(f"sqlite:///{building}", users, activities)
        db = Database(f"sqlite:///{building}")
        set_up_rules(db)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
        for suffix in ("-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        os.replace(building, path)
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    set_up_rules(db)
    return db


@contextmanager
def postgres_database(name: str, users: int, activities: int, rebuild: bool) -> Iterator[Database]:
    from tests.pgserver import PostgresServer

    dump = DATA / f"{name}.pgdump"
    if rebuild:
        dump.unlink(missing_ok=True)
    server = PostgresServer.start()
    db: Database | None = None
    try:
        url = server.create_database("bench")
        libpq = f"postgresql://{server.user}@{server.host}:{server.port}/bench"
        if dump.exists():
            say(f"  restoring {dump.name}")
            subprocess.run([str(server.bindir / "pg_restore"), "--no-owner", "-j", "2",
                            "-d", libpq, str(dump)], check=True)  # fmt: skip
        else:
            build_with_demo(url, users, activities)
            built = Database(url)
            set_up_rules(built)
            built.dispose()
            partial = dump.with_name(dump.name + ".partial")
            subprocess.run([str(server.bindir / "pg_dump"), "-Fc", "-f", str(partial), libpq],
                           check=True)  # fmt: skip
            os.replace(partial, dump)
        server.execute("VACUUM ANALYZE", dbname="bench")
        db = Database(url)
        upgrade(db)
        set_up_rules(db)
        yield db
    finally:
        if db is not None:
            db.dispose()
        server.stop()


# --- measurements ----------------------------------------------------------------------------


@dataclass
class Figures:
    backend: str
    floor: float = 0.0
    engine: float = 0.0
    results: int = 0
    users: int = 0
    per_rule: dict[str, float] = field(default_factory=dict)
    baseline_per_rule: dict[str, float] = field(default_factory=dict)
    sample: int = 0

    @property
    def baseline(self) -> float:
        return sum(self.baseline_per_rule.values())


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def scan(db: Database) -> None:
    """Read every row of the activity tables once: the least any KPI run must do."""
    with db.connect() as conn:
        conn.execute(
            text(
                "SELECT count(*), max(start_at), max(end_at), sum(company_id), sum(owner_id), "
                "max(type), max(status) FROM activities"
            )  # fmt: skip
        ).one()
        conn.execute(
            text("SELECT count(*), sum(activity_id), sum(user_id) FROM activity_participants")
        ).one()


def time_engine(db: Database, figures: Figures, repeat: int) -> None:
    with db.session() as session:
        names = dict(session.execute(select(KpiRule.id, KpiRule.name)
                                     .where(KpiRule.active.is_(True))
                                     .order_by(KpiRule.id)).all())  # fmt: skip
    order = [name.removeprefix(RULE_PREFIX) for name in names.values()]
    best = float("inf")
    for _ in range(repeat):
        marks: list[float] = []

        def mark(done: int, total: int, marks: list[float] = marks) -> None:
            marks.append(time.perf_counter())

        started = time.perf_counter()
        summary = run_for_date(db, AS_OF, trigger="benchmark", progress=mark)
        seconds = time.perf_counter() - started
        if summary.status != "success":
            raise SystemExit(f"run failed: {summary.reason}")
        if seconds < best:
            best = seconds
            figures.results, figures.users = summary.results, summary.users
            figures.per_rule = {
                key: marks[index + 1] - marks[index] for index, key in enumerate(order)
            }
    figures.engine = best


def time_baseline(db: Database, figures: Figures, sample: int, seed: int = 1) -> None:
    """Each rule as one query per user, on a sample of users, extrapolated to all of them."""
    with db.session() as session:
        rules = session.execute(
            select(KpiRule.name, KpiRule.template, KpiRule.params)
            .where(KpiRule.active.is_(True))
            .order_by(KpiRule.id)
        ).all()
        user_ids = list(session.scalars(
            select(User.id).where(User.active.is_(True), User.profile_id.is_not(None))
            .order_by(User.id)
        ))  # fmt: skip
    chosen = user_ids if sample <= 0 or sample >= len(user_ids) else (
        random.Random(seed).sample(user_ids, sample)
    )  # fmt: skip
    figures.sample = len(chosen)
    with db.connect() as conn:
        tz = settings.timezone(conn)
        for name, key, params in rules:
            template = get_template(key)
            clean = validate_params(template.spec, dict(params or {}))
            started = time.perf_counter()
            for user_id in chosen:
                conn.execute(template.values(RuleContext.for_user(AS_OF, tz, clean, user_id))).all()
            per_user = (time.perf_counter() - started) / len(chosen)
            figures.baseline_per_rule[name.removeprefix(RULE_PREFIX)] = per_user * len(user_ids)


def explain_plans(db: Database) -> None:
    """Each template's statement for all users, with the database's own plan."""
    with db.session() as session:
        rules = session.execute(
            select(KpiRule.id, KpiRule.name, KpiRule.template, KpiRule.params)
            .where(KpiRule.active.is_(True)).order_by(KpiRule.id)
        ).all()  # fmt: skip
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    with db.connect() as conn:
        tz = settings.timezone(conn)
        for rule_id, name, key, params in rules:
            template = get_template(key)
            clean = validate_params(template.spec, dict(params or {}))
            profile_ids = list(conn.scalars(
                text("SELECT profile_id FROM kpi_rule_profiles WHERE rule_id = :r"), {"r": rule_id}
            ))  # fmt: skip
            statement = template.values(RuleContext.for_profiles(AS_OF, tz, clean, profile_ids))
            sql, parameters = capture(conn, statement)
            say(f"\n-- {db.dialect}: {name}")
            for row in conn.exec_driver_sql(prefix + sql, parameters):
                say("   " + " | ".join(str(cell) for cell in row))


class _Captured(Exception):
    """Stops a statement right before it reaches the database: only its SQL is wanted."""


def capture(conn: Connection, statement: Any) -> tuple[str, Any]:
    """The SQL and driver parameters SQLAlchemy would send for a statement (not run)."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        seen.append((sql, parameters))
        raise _Captured

    event.listen(conn, "before_cursor_execute", listener)
    try:
        conn.execute(statement)
    except Exception:  # noqa: BLE001 - SQLAlchemy may wrap our stop signal
        if not seen:
            raise
    finally:
        event.remove(conn, "before_cursor_execute", listener)
    return seen[-1]


def measure(db: Database, backend: str, args: argparse.Namespace) -> Figures:
    figures = Figures(backend)
    say(f"  floor: scanning activities + participants ({args.repeat}×)")
    figures.floor = best_of(args.repeat, lambda: scan(db))
    say(f"  engine: run_for_date({AS_OF}) ({args.repeat}×)")
    time_engine(db, figures, args.repeat)
    if args.sample != -1:
        say("  baseline: one query per user and rule")
        time_baseline(db, figures, args.sample)
    if args.explain:
        explain_plans(db)
    return figures


# --- report ----------------------------------------------------------------------------------


def report_backend(f: Figures) -> bool:
    """Print one backend's figures as soon as they are measured; whether its targets are met."""
    ok = f.engine <= FLOOR_FACTOR * f.floor
    say(f"\n{f.backend}: {f.results:,} results for {f.users:,} users")
    say(f"  floor (plain scan)      {f.floor:8.2f} s")
    say(f"  engine (full run)       {f.engine:8.2f} s   = {f.engine / f.floor:5.2f} × floor "
        f"(target ≤ {FLOOR_FACTOR:g}×)")  # fmt: skip
    if f.baseline_per_rule:
        ratio = f.baseline / f.engine
        target = TARGETS[f.backend]
        say(f"  baseline (per user)     {f.baseline:8.2f} s   engine is {ratio:6.1f}× faster "
            f"(target ≥ {target:g}×; sampled {f.sample} users, extrapolated)")  # fmt: skip
        ok &= ratio >= target
    say("  per rule:  set-based s   per-user s (extrapolated)")
    for key, seconds in f.per_rule.items():
        baseline = f.baseline_per_rule.get(key)
        extra = f"{baseline:10.2f}" if baseline is not None else ""
        say(f"    {key:22} {seconds:7.3f}   {extra}")
    return ok


def report(all_figures: list[Figures], users: int, activities: int) -> bool:
    say(f"\n== {users:,} users / {activities:,} activities, run date {AS_OF} ==")
    ok = True
    for f in all_figures:
        ok &= report_backend(f)
    say("\ntargets met" if ok else "\nTARGETS NOT MET (see the per-rule figures and --explain)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="10,000 users / 10M activities")
    parser.add_argument("--users", type=int, help="users (default 2,000; 10,000 with --large)")
    parser.add_argument("--activities", type=int,
                        help="activities (default 2M; 10M with --large)")  # fmt: skip
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings (default 2)")
    parser.add_argument("--sample", type=int, default=100,
                        help="users timed for the baseline (0: all; -1: skip it)")  # fmt: skip
    parser.add_argument("--explain", action="store_true", help="print every template's plan")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached data sets")
    args = parser.parse_args(argv)
    users = args.users or (10_000 if args.large else 2_000)
    activities = args.activities or (10_000_000 if args.large else 2_000_000)
    name = f"engine-{users}u-{activities}a"
    DATA.mkdir(parents=True, exist_ok=True)
    if shutil.which("runuser") is None and os.geteuid() == 0:
        say("warning: runuser not found; PostgreSQL may refuse to start as root")

    figures: list[Figures] = []
    if args.backend in ("sqlite", "both"):
        say("SQLite")
        db = sqlite_database(name, users, activities, args.rebuild)
        try:
            figures.append(measure(db, "sqlite", args))
            report_backend(figures[-1])
        finally:
            db.dispose()
    if args.backend in ("postgresql", "both"):
        say("PostgreSQL")
        with postgres_database(name, users, activities, args.rebuild) as db:
            figures.append(measure(db, "postgresql", args))
            report_backend(figures[-1])
    return 0 if report(figures, users, activities) else 1


if __name__ == "__main__":
    sys.exit(main())
