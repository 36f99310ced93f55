"""Forecast benchmark: the backtest on a demo organisation with a year of nightly history.

    .venv/bin/python benchmarks/bench_forecast.py                 # 200 users, 365 nights
    .venv/bin/python benchmarks/bench_forecast.py --users 50 --nights 200
    .venv/bin/python benchmarks/bench_forecast.py --refresh      # + the nightly verdict refresh

Builds (once, cached under `benchmarks/.data/`, git-ignored) a SQLite demo database: the demo
organisation written as CSV and imported (`generate_demo`), the demo's KPI setup plus the
templates it leaves out (pipeline, neglected accounts, won deals), and one real nightly run per
night, exactly as `kpidesk recalc --from --to` does. The demo generator is not tuned to the
forecast. Then runs `kpidesk forecast backtest` over every rule and prints per rule the cases,
the mean absolute errors, their ratio and the band's coverage against the targets of issue 12:

* every template whose value moves: forecast error ≤ 0.8 × the no-change error (calendar
  periods: × the pace line's error);
* band coverage between 70 % and 90 % for the nominal 80 %.

A rule forecast as "no change" (no known part) has a ratio of 1 by construction; only its
coverage is a target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpidesk import paths  # noqa: E402
from kpidesk.data.db import Database, upgrade  # noqa: E402
from kpidesk.data.demo import generate_demo  # noqa: E402
from kpidesk.engine.run import run_for_date  # noqa: E402
from kpidesk.services.caller import SYSTEM_CLI, SYSTEM_SCHEDULER  # noqa: E402
from kpidesk.services.forecasting import backtest, refresh_verdicts  # noqa: E402
from kpidesk.services.setup_io import import_setup  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
AS_OF = dt.date(2026, 11, 2)  # fixed, so cached data sets stay comparable between runs
RATIO_TARGET = 0.8
COVERAGE_TARGET = (0.70, 0.90)
EXTRA_RULES = [
    {"name": "Pipeline 30 dage", "template": "pipeline_value", "params": {"days": 30},
     "target": 300000, "profiles": ["Salg"], "active": True},
    {"name": "Forsømte kunder 60 dage", "template": "neglected_accounts",
     "params": {"activity_types": [], "days": 60}, "target": 3, "profiles": ["Salg"],
     "active": True},
    {"name": "Vundne ordrer i måneden", "template": "won_deals", "params": {"period": "month"},
     "target": 4, "profiles": ["Salg"], "active": True},
]  # fmt: skip


def build(path: Path, users: int, activities: int, nights: int, seed: int) -> None:
    """The demo organisation, its setup and `nights` nightly runs up to AS_OF."""
    building = path.with_name(path.name + ".building")
    building.unlink(missing_ok=True)
    db = Database(f"sqlite:///{building}")
    try:
        upgrade(db)
        started = time.monotonic()
        generate_demo(db, users=users, activities=activities, seed=seed, as_of=AS_OF)
        setup = json.loads(paths.resource_path("demo", "setup.json").read_text("utf-8"))
        setup["rules"] += EXTRA_RULES
        import_setup(db, SYSTEM_CLI, setup)
        print(f"demo data: {time.monotonic() - started:.0f} s", flush=True)
        for offset in range(nights - 1, -1, -1):
            day = AS_OF - dt.timedelta(days=offset)
            summary = run_for_date(db, day, trigger="benchmark")
            if summary.status != "success":
                raise SystemExit(f"run for {day} failed: {summary.reason}")
            if offset % 30 == 0:
                print(f"  night {day}: {time.monotonic() - started:.0f} s", flush=True)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    building.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--activities", type=int, default=0,
                        help="activities in all (default: 800 per user, as the demo)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--refresh", action="store_true",
                        help="also time the nightly verdict refresh (on a copy)")  # fmt: skip
    args = parser.parse_args()
    activities = args.activities or 800 * args.users
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"forecast-{args.users}u-{activities}a-{args.nights}n-s{args.seed}.sqlite3"
    if not path.exists():
        print(f"building {path.name} …", flush=True)
        build(path, args.users, activities, args.nights, args.seed)
    db = Database(f"sqlite:///{path}")
    try:
        started = time.monotonic()
        report = backtest(db, SYSTEM_CLI, save=False)
        seconds = time.monotonic() - started
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"\nbacktest of {args.users} users, {args.nights} nights up to {AS_OF}: {seconds:.0f} s")
    print(
        f"{'rule':<32} {'method':<9} {'cases':>7} {'MAE fc':>11} {'MAE base':>11} "
        f"{'ratio':>6} {'cover':>6}  targets (ratio ≤ {RATIO_TARGET}, cover 70–90 %)"
    )
    for rule in report.rules:
        moves = (rule.mae_no_change or 0) > 0
        ratio, cover = rule.ratio, rule.coverage
        ratio_ok = rule.method == "no_change" or (ratio is not None and ratio <= RATIO_TARGET)
        cover_ok = cover is not None and COVERAGE_TARGET[0] <= cover <= COVERAGE_TARGET[1]
        ratio_words = "n/a (no change)" if rule.method == "no_change" else (
            "met" if ratio_ok else "MISSED")  # fmt: skip
        verdict = "value does not move" if not moves else (
            f"ratio {ratio_words}, coverage {'met' if cover_ok else 'MISSED'}"
        )  # fmt: skip
        print(
            f"{rule.rule[:32]:<32} {rule.method:<9} {rule.cases:>7} "
            f"{_num(rule.mae_forecast):>11} {_num(rule.mae_baseline):>11} "
            f"{_num(ratio):>6} {_pct(cover):>6}  {verdict}"
        )
    if args.refresh:
        time_refresh(path)
    return 0


def time_refresh(path: Path) -> None:
    """The nightly run's refresh of the verdicts, timed on a copy (it writes the verdicts)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        db = Database(f"sqlite:///{copy}")
        try:
            started, cpu = time.monotonic(), time.process_time()
            report = refresh_verdicts(db, SYSTEM_SCHEDULER)
            wall, used = time.monotonic() - started, time.process_time() - cpu
        finally:
            db.dispose()
    shown = sum(rule.beats_baseline for rule in report.rules)
    print(f"nightly verdict refresh: {wall:.1f} s ({used:.1f} s CPU), {len(report.rules)} rules, "
          f"{shown} with a forecast shown")  # fmt: skip


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


if __name__ == "__main__":
    sys.exit(main())
