"""Import benchmark: a 100,000-activity CRM export into SQLite and into PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py                    # 100 users / 100,000 activities
    .venv/bin/python benchmarks/bench_import.py --activities 500000 --users 500

Builds the export once in a temporary folder with the demo generator (the same CSV files a CRM
would write: users, companies, activities, participants, opportunities), then on each backend
times `import_crm` into an empty database (everything inserted) and the same export again
(everything compared, nothing written), and prints rows per second. The CPU time of the
kpidesk process is printed too: on a shared machine it says more than the wall clock.
PostgreSQL runs in a throwaway server (`tests/pgserver.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpidesk.data.crm_import import ImportReport, import_crm  # noqa: E402
from kpidesk.data.db import Database, upgrade  # noqa: E402
from kpidesk.data.demo import write_demo_export  # noqa: E402
from tests.pgserver import PostgresServer  # noqa: E402

AS_OF = dt.date(2026, 11, 2)


def _rows(report: ImportReport) -> int:
    return sum(item.rows for item in report.files)


def _time(db: Database, folder: Path, label: str) -> ImportReport:
    started, cpu = time.perf_counter(), time.process_time()
    report = import_crm(db, folder)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    activities = report.file("activities.csv")
    changed = sum(item.inserted + item.updated + item.removed for item in report.files)
    print(
        f"  {label:<27} {seconds:6.2f} s (kpidesk CPU {cpu:5.2f} s) "
        f"{_rows(report) / seconds:>8,.0f} rows/s  ({activities.rows:,} activities, "
        f"{_rows(report):,} rows read, {changed:,} written)"
    )
    return report


def bench(url: str, folder: Path, name: str) -> None:
    db = Database(url)
    try:
        upgrade(db)
        print(f"{name}:")
        _time(db, folder, "import into empty database")
        _time(db, folder, "same export again")
    finally:
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpidesk-bench-import-") as tmp:
        folder = Path(tmp) / "export"
        started = time.perf_counter()
        write_demo_export(folder, users=args.users, activities=args.activities, as_of=AS_OF)
        sizes = {path.name: path.stat().st_size for path in sorted(folder.iterdir())}
        print(
            f"export: {args.users} users, {args.activities:,} activities, "
            f"{sum(sizes.values()) / 1e6:.1f} MB of CSV, written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        bench(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", folder, "SQLite")
        if not args.no_postgresql:
            server = PostgresServer.start()
            try:
                bench(server.create_database("bench_import"), folder, "PostgreSQL")
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
