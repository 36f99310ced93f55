"""Import benchmark: a 100,000-activity CRM export into SQLite and into PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py                    # 100 users / 100,000 activities
    .venv/bin/python benchmarks/bench_import.py --activities 500000 --users 500
    .venv/bin/python benchmarks/bench_import.py --activities 2000000 --users 2000 --no-postgresql
                                                                   # issue 10's size (SQLite)

Builds the export once in a temporary folder with the demo generator (the same CSV files a CRM
would write: users, companies, activities, participants, opportunities), then on each backend
times `import_crm` into an empty database (everything inserted) and the same export again
(everything compared, nothing written), and prints rows per second. The CPU time of the
kpidesk process is printed too: on a shared machine it says more than the wall clock.
PostgreSQL runs in a throwaway server (`tests/pgserver.py`).

In the same run, on SQLite: the same export through a mapping file (other column names,
value maps for status and stage, explicit date-time formats, a number format: the work a
real CRM export costs) as a ratio to the built-in format, and one plain `csv.reader` pass
over the same files as the floor no import can beat.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpidesk.data.crm_import import ImportReport, import_crm  # noqa: E402
from kpidesk.data.crm_import.mapping import Mapping, parse_mapping  # noqa: E402
from kpidesk.data.db import Database, upgrade  # noqa: E402
from kpidesk.data.demo import write_demo_export  # noqa: E402
from tests.pgserver import PostgresServer  # noqa: E402

AS_OF = dt.date(2026, 11, 2)


def _rows(report: ImportReport) -> int:
    return sum(item.rows for item in report.files)


# The demo export as another CRM would name it: every column renamed, values mapped.
MAPPING = {
    "mapping": {
        "name": "benchmark",
        "timezone": "local",
        "datetime_formats": ["%Y-%m-%d %H:%M"],
        "date_formats": ["%Y-%m-%d"],
        "number": {"decimal": ".", "thousands": ""},
    },
    "users": {
        "file": "Users.csv",
        "columns": {
            "login": "Login", "name": "Full Name", "email": "E-mail",
            "role": {"column": "Role", "map": {"admin": "admin", "user": "user"}},
            "active": {"column": "Active", "map": {"true": "true", "false": "false"}},
            "profile": "Team",
        },
    },
    "companies": {
        "file": "Accounts.csv",
        "columns": {
            "id": "Account Id", "name": "Account Name",
            "is_customer": {"column": "Customer", "map": {"true": "true", "*": "false"}},
            "key_account_manager": "Account Owner",
        },
    },
    "activities": {
        "file": "Activities.csv",
        "columns": {
            "id": "Activity Id", "type": "Activity Type",
            "status": {"column": "Status", "map": {"done": "done", "planned": "planned",
                                                   "cancelled": "cancelled"}},
            "start_at": "Start", "end_at": "End", "company_id": "Account Id",
            "owner": "Assigned To", "created_at": "Created", "completed_at": "Completed",
        },
    },
    "activity_participants": {
        "file": "Attendees.csv",
        "columns": {"activity_id": "Activity Id", "login": "User"},
    },
    "opportunities": {
        "file": "Deals.csv",
        "columns": {
            "id": "Deal Id", "name": "Deal Name", "company_id": "Account Id",
            "owner": "Deal Owner", "amount": "Amount",
            "stage": {"column": "Stage", "map": {"won": "won", "lost": "lost", "*": "open"}},
            "created_at": "Created", "expected_close": "Expected Close", "closed_at": "Closed",
        },
    },
}  # fmt: skip


def _renamed_export(folder: Path, target: Path) -> Mapping:
    """The export with the mapping's file and column names (values as they are)."""
    target.mkdir()
    problems: list[str] = []
    mapping = parse_mapping(MAPPING, "benchmark", problems)
    assert not problems, problems
    for source in mapping.sources:
        names = {rule.column: field for field, rule in source.rules.items() if rule.column}
        columns = {field: column for column, field in names.items()}
        kpidesk = folder / source.entity
        with (
            kpidesk.open(encoding="utf-8", newline="") as inp,
            (target / source.file).open("w", encoding="utf-8", newline="") as out,
        ):
            reader, writer = csv.reader(inp), csv.writer(out)
            header = next(reader)
            writer.writerow([columns.get(name, name) for name in header])
            writer.writerows(reader)
    return mapping


def _csv_pass(folder: Path) -> tuple[int, float]:
    """One plain csv.reader pass over the files: the floor."""
    started, rows = time.perf_counter(), 0
    for path in sorted(folder.iterdir()):
        with path.open(encoding="utf-8", newline="") as handle:
            for _row in csv.reader(handle):
                rows += 1
    return rows, time.perf_counter() - started


def _time(
    db: Database, folder: Path, label: str, mapping: Mapping | None = None
) -> tuple[ImportReport, float]:
    started, cpu = time.perf_counter(), time.process_time()
    report = import_crm(db, folder, mapping=mapping)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    activities = report.file("activities.csv")
    changed = sum(item.inserted + item.updated + item.removed for item in report.files)
    print(
        f"  {label:<27} {seconds:6.2f} s (kpidesk CPU {cpu:5.2f} s) "
        f"{_rows(report) / seconds:>8,.0f} rows/s  ({activities.rows:,} activities, "
        f"{_rows(report):,} rows read, {changed:,} written)"
    )
    return report, seconds


def bench(url: str, folder: Path, name: str) -> float:
    db = Database(url)
    try:
        upgrade(db)
        print(f"{name}:")
        report, seconds = _time(db, folder, "import into empty database")
        _time(db, folder, "same export again")
        return _rows(report) / seconds
    finally:
        db.dispose()


def bench_mapping(url: str, folder: Path, builtin_rate: float) -> None:
    """The same export through a mapping, into another empty SQLite database."""
    renamed = folder.parent / "renamed"
    mapping = _renamed_export(folder, renamed)
    db = Database(url)
    try:
        upgrade(db)
        print("SQLite, through a mapping file (renamed columns, value maps, formats):")
        report, seconds = _time(db, renamed, "import into empty database", mapping)
        rate = _rows(report) / seconds
        print(f"  mapping / built-in: {rate / builtin_rate:.2f} (rows/s; 1.00 = as fast)")
    finally:
        db.dispose()
    rows, seconds = _csv_pass(folder)
    print(
        f"plain csv.reader pass over the same files: {seconds:6.2f} s "
        f"{rows / seconds:>10,.0f} rows/s (the built-in import is "
        f"{(rows / seconds) / builtin_rate:.1f}x slower than reading alone)"
    )


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
        rate = bench(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", folder, "SQLite")
        bench_mapping(f"sqlite:///{Path(tmp) / 'bench-mapping.sqlite3'}", folder, rate)
        if not args.no_postgresql:
            server = PostgresServer.start()
            try:
                bench(server.create_database("bench_import"), folder, "PostgreSQL")
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
