"""What one separate process does in the process tests: `python -m tests.scheduler.child ...`.

fire URL DATE START: wait until the wall-clock second START (so every process fires at once),
    then run the nightly job for DATE at 02:00 and print its pass as one JSON line.
slow-run URL DATE: recalculate DATE through the engine, printing "step N" after each rule and
    then pausing, so the parent can kill it midway.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from kpidesk.data.db import Database
from kpidesk.engine.run import run_for_date
from kpidesk.scheduler.nightly import NightlyRunner
from kpidesk.scheduler.plan import RetryPolicy
from tests.scheduler.seed import CPH


def fire(url: str, day: dt.date, start: float) -> None:
    db = Database(url)
    moment = dt.datetime.combine(day, dt.time(2, 0), CPH)
    runner = NightlyRunner(db, clock=lambda: moment, retry=RetryPolicy(()))
    runner.plan()  # connect and warm up before the common start
    time.sleep(max(0.0, start - time.time()))
    result = runner.run_pass("nightly")
    print(json.dumps({
        "summaries": [[s.status, s.reason, s.results] for s in result.summaries],
        "complete": result.complete,
    }), flush=True)  # fmt: skip
    db.dispose()


def slow_run(url: str, day: dt.date) -> None:
    db = Database(url)

    def progress(done: int, total: int) -> None:
        print(f"step {done} of {total}", flush=True)
        if done >= 1:
            time.sleep(60)

    run_for_date(db, day, trigger="manual", progress=progress)


def main(argv: list[str]) -> None:
    command, url, day = argv[0], argv[1], dt.date.fromisoformat(argv[2])
    if command == "fire":
        fire(url, day, float(argv[3]))
    elif command == "slow-run":
        slow_run(url, day)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
