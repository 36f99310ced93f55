"""The nightly job against a real database on both backends, driven by a controllable clock."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from kpidesk.data.db import Database
from kpidesk.engine.run import run_for_date
from kpidesk.scheduler.nightly import NightlyRunner, NightlyScheduler
from kpidesk.scheduler.plan import RetryPolicy, fire_times, nightly_trigger
from tests.scheduler import seed

D = dt.date
CPH = seed.CPH


class FakeClock:
    """The time the job believes it is; tests move it, nothing sleeps until 02:00."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class RunningClock:
    """A clock that starts at a chosen moment and then runs at the real pace."""

    def __init__(self, start: dt.datetime) -> None:
        self.start = start
        self.began = time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.began)


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), CPH)


def success_dates(db: Database) -> list[dt.date]:
    return [d for d, status, _ in seed.runs(db) if status == "success"]


@pytest.mark.parametrize(
    ("night", "dates"),
    [
        ("october", [D(2026, 10, 24), D(2026, 10, 25), D(2026, 10, 26)]),
        ("march", [D(2026, 3, 28), D(2026, 3, 29), D(2026, 3, 30)]),
    ],
)
def test_dst_nights_give_exactly_one_run_per_date(
    db: Database, night: str, dates: list[dt.date]
) -> None:
    seed.seed(db, dates[0])
    clock = FakeClock(at(dates[0], 0))
    scheduler = NightlyScheduler(NightlyRunner(db, clock=clock), catch_up=False)
    trigger = nightly_trigger(dt.time(2, 0), CPH)
    fires = fire_times(trigger, at(dates[0], 0), at(dates[-1], 12))
    # October: 02:00 CEST and 02:00 CET on the 25th; March: 03:00 CEST on the 29th.
    assert len(fires) == (4 if night == "october" else 3)
    passes = []
    for fire in fires:
        clock.now = fire
        scheduler.nightly_job()
        assert scheduler.last_pass is not None
        passes.append(scheduler.last_pass)
    assert success_dates(db) == dates
    assert [status for _, status, _ in seed.runs(db)] == ["success"] * 3
    assert {trigger for _, _, trigger in seed.runs(db)} == {"nightly"}
    if night == "october":
        assert passes[2].summaries == ()  # the second 02:00 found the date done: a no-op
        assert passes[2].complete
    for day in dates:
        assert len(seed.results(db, day)) == seed.USERS * len(seed.RULES)
    # And should both firings reach the engine, its own check skips the second.
    again = NightlyRunner(db, clock=clock).run_date(dates[1], "nightly")
    assert (again.status, again.reason) == ("skipped", "already done")
    assert len(seed.runs(db)) == 3


def test_catch_up_runs_three_missed_days_oldest_first(db: Database) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    run_for_date(db, today - dt.timedelta(days=3), trigger="nightly")
    runner = NightlyRunner(db, clock=FakeClock(at(today, 7)))
    assert runner.plan() == [D(2026, 11, 18), D(2026, 11, 19), D(2026, 11, 20)]
    result = runner.run_pass("catchup")
    assert result.complete and not result.interrupted
    assert [s.run_date for s in result.summaries] == [D(2026, 11, 18), D(2026, 11, 19), today]
    assert seed.runs(db)[1:] == [
        (D(2026, 11, 18), "success", "catchup"),
        (D(2026, 11, 19), "success", "catchup"),
        (today, "success", "catchup"),
    ]
    # Started again the same day: nothing left to do.
    assert runner.plan() == []
    assert runner.run_pass("catchup").summaries == ()
    assert len(seed.runs(db)) == 4


def test_catch_up_respects_the_limit(db: Database) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    seed.set_setting(db, "catchup_days", "2")
    run_for_date(db, today - dt.timedelta(days=10), trigger="nightly")
    runner = NightlyRunner(db, clock=FakeClock(at(today, 7)))
    result = runner.run_pass("catchup")
    assert [s.run_date for s in result.summaries] == [D(2026, 11, 19), today]
    assert success_dates(db) == [D(2026, 11, 10), D(2026, 11, 19), today]


def test_catch_up_on_a_new_installation_runs_today_only(db: Database) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    result = NightlyRunner(db, clock=FakeClock(at(today, 7))).run_pass("catchup")
    assert [s.run_date for s in result.summaries] == [today]
    assert seed.runs(db) == [(today, "success", "catchup")]


def test_today_follows_the_installation_time_zone(db: Database) -> None:
    # 23:30 UTC on 19 Nov is already 20 Nov in Copenhagen, still 19 Nov in New York.
    clock = FakeClock(dt.datetime(2026, 11, 19, 23, 30, tzinfo=dt.UTC))
    runner = NightlyRunner(db, clock=clock)
    assert runner.today() == D(2026, 11, 20)
    seed.set_setting(db, "timezone", "America/New_York")
    assert runner.today() == D(2026, 11, 19)


def test_a_failed_pass_stops_at_the_failing_date_and_counts_failures(db: Database) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    run_for_date(db, today - dt.timedelta(days=3), trigger="nightly")
    seed.break_rule(db)
    runner = NightlyRunner(db, clock=FakeClock(at(today, 7)), retry=RetryPolicy.seconds(1, 2))
    result = runner.run_pass("catchup")
    assert not result.complete
    assert result.missing == (D(2026, 11, 18), D(2026, 11, 19), today)
    assert [s.status for s in result.summaries] == ["failed"]  # later dates not attempted
    assert runner.failures == 1
    assert runner.next_retry() == dt.timedelta(seconds=1)
    failed = seed.run_rows(db)[-1]
    assert failed.status == "failed"
    assert failed.error is not None and seed.RULES[0] in failed.error
    seed.mend_rule(db)
    assert runner.run_pass("retry").complete
    assert runner.failures == 0
    assert success_dates(db) == [D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19), today]


def test_retry_with_backoff_until_the_run_succeeds(db: Database) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    seed.break_rule(db)
    delays = (0.4, 0.8, 1.6)
    # The runs are stamped with the runner's clock: one that runs, so the gaps are real.
    runner = NightlyRunner(db, clock=RunningClock(at(today, 2)), retry=RetryPolicy.seconds(*delays))
    mended = threading.Event()

    def mend_after_second_failure(summary: object) -> None:
        failed = [r for r in seed.runs(db) if r[1] == "failed"]
        if len(failed) == 2 and not mended.is_set():
            seed.mend_rule(db)
            mended.set()

    runner.on_finished = mend_after_second_failure
    scheduler = NightlyScheduler(runner, catch_up=True)
    scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while success_dates(db) != [today] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler.wait_idle(10)
    finally:
        scheduler.shutdown()
    rows = seed.run_rows(db)
    assert [(r.run_date, r.status, r.trigger) for r in rows] == [
        (today, "failed", "catchup"),
        (today, "failed", "retry"),
        (today, "success", "retry"),
    ]
    assert all(seed.RULES[0] in (r.error or "") for r in rows[:2])
    # Each try waited at least its backoff after the previous one ended.
    for previous, current, delay in zip(rows, rows[1:], delays, strict=False):
        assert previous.finished_at is not None
        gap = (current.started_at - previous.finished_at).total_seconds()
        assert gap >= delay - 0.05, (gap, delay)
    assert len(seed.results(db, today)) == seed.USERS * len(seed.RULES)


def test_retries_give_up_after_the_last_try(db: Database) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    seed.break_rule(db)
    runner = NightlyRunner(db, clock=FakeClock(at(today, 2)), retry=RetryPolicy.seconds(0.1, 0.2))
    scheduler = NightlyScheduler(runner, catch_up=True)
    scheduler.start()
    try:
        assert scheduler.wait_idle(20)
        time.sleep(0.5)  # nothing more is scheduled after giving up
        assert seed.runs(db) == [
            (today, "failed", "catchup"),
            (today, "failed", "retry"),
            (today, "failed", "retry"),
        ]
        assert runner.failures == 3
        # The next night starts afresh with its full set of tries (and here succeeds).
        seed.mend_rule(db)
        scheduler.nightly_job()
        assert runner.failures == 0
        assert seed.runs(db)[-1] == (today, "success", "nightly")
    finally:
        scheduler.shutdown()


def test_interrupt_rolls_the_run_back(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    today = D(2026, 11, 20)
    seed.seed(db, today)
    yesterday = today - dt.timedelta(days=1)
    run_for_date(db, yesterday, trigger="nightly")
    before = seed.results(db, yesterday)
    monkeypatch.setenv("KPIDESK_RUN_STEP_DELAY", "3")
    steps: list[tuple[int, int]] = []
    runner = NightlyRunner(
        db, clock=FakeClock(at(today, 9)), on_progress=lambda d, t: steps.append((d, t))
    )
    worker = threading.Thread(target=runner.run_date, args=(today, "manual"))
    started = time.monotonic()
    worker.start()
    while len(steps) < 2 and time.monotonic() - started < 20:  # rule 1 of 3 written
        time.sleep(0.02)
    assert steps[:2] == [(0, 3), (1, 3)]
    asked = time.monotonic()
    runner.interrupt()
    worker.join(10)
    assert not worker.is_alive()
    assert time.monotonic() - asked < 2.5  # woke from its 3 s pause at once
    last = seed.run_rows(db)[-1]
    assert (last.status, last.error) == ("failed", "interrupted: the process was asked to stop")
    assert seed.results(db, today) == {}  # rule 1's rows were written, then rolled back
    assert seed.results(db, yesterday) == before


def test_settings_watch_moves_the_nightly_run(db: Database) -> None:
    scheduler = NightlyScheduler(NightlyRunner(db), catch_up=False)
    scheduler.start()
    try:
        first = scheduler.next_nightly()
        assert first is not None and (first.hour, first.minute) == (2, 0)
        seed.set_setting(db, "nightly_run_time", "03:30")
        scheduler.watch_settings()
        moved = scheduler.next_nightly()
        assert moved is not None and (moved.hour, moved.minute) == (3, 30)
        assert moved.tzinfo is not None and str(moved.tzinfo) == "Europe/Copenhagen"
    finally:
        scheduler.shutdown()


def test_a_desktop_waits_while_another_holds_the_lock_then_finds_the_night_done(
    db: Database,
) -> None:
    """The pass queues behind a run of another process, then plans again under the lock: the
    other run did the night, so this pass neither imports nor calculates it twice."""
    from kpidesk.engine.runlock import acquire_run_lock

    day = D(2026, 11, 20)
    seed.seed(db, day)
    runner = NightlyRunner(db, clock=FakeClock(at(day, 2)), retry=RetryPolicy.seconds(1))
    lock = acquire_run_lock(db, wait=True)  # the service (or another desktop) is running
    assert lock is not None
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(runner.run_pass("nightly")))
    try:
        worker.start()
        time.sleep(1.0)
        assert worker.is_alive()  # waiting its turn, not skipped
        assert seed.runs(db) == []
        # What the other process does while it holds the lock: the night's run.
        from kpidesk.engine.run import run_under_lock

        run_under_lock(db, day, trigger="nightly")
    finally:
        lock.release()
    worker.join(20)
    assert not worker.is_alive()
    (result,) = results
    assert result.summaries == () and result.complete  # type: ignore[attr-defined]
    assert seed.runs(db) == [(day, "success", "nightly")]  # once, by the other process
    assert runner.failures == 0


def test_a_pass_waiting_for_the_lock_stops_at_shutdown(db: Database) -> None:
    from kpidesk.engine.runlock import acquire_run_lock

    day = D(2026, 11, 20)
    seed.seed(db, day)
    runner = NightlyRunner(db, clock=FakeClock(at(day, 2)))
    lock = acquire_run_lock(db, wait=True)
    assert lock is not None
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(runner.run_pass("nightly")))
    try:
        worker.start()
        time.sleep(0.6)
        runner.interrupt()
        worker.join(5)
        assert not worker.is_alive()
    finally:
        lock.release()
    (result,) = results
    assert result.interrupted and result.summaries == ()  # type: ignore[attr-defined]
    assert seed.runs(db) == []


def test_a_scheduler_started_again_after_shutdown_runs_again(db: Database) -> None:
    seed.seed(db, D(2026, 11, 20))
    runner = NightlyRunner(db, clock=FakeClock(at(D(2026, 11, 19), 9)))
    scheduler = NightlyScheduler(runner, catch_up=True)
    scheduler.start()
    assert scheduler.wait_idle(20)
    scheduler.shutdown()
    assert runner.interrupted
    runner.clock = FakeClock(at(D(2026, 11, 20), 9))
    scheduler.start()
    try:
        assert not runner.interrupted
        assert scheduler.wait_idle(20)
    finally:
        scheduler.shutdown()
    assert success_dates(db) == [D(2026, 11, 19), D(2026, 11, 20)]


def test_a_lost_database_is_retried(db: Database) -> None:
    seed.seed(db, D(2026, 11, 20))
    runner = NightlyRunner(
        db, clock=FakeClock(at(D(2026, 11, 20), 2)), retry=RetryPolicy.seconds(1)
    )
    scheduler = NightlyScheduler(runner, catch_up=False)
    scheduler.start()
    unreachable = Database("postgresql://nobody@127.0.0.1:1/kpidesk")
    try:
        runner.db = unreachable  # the server went away just before 02:00
        scheduler.nightly_job()
        assert scheduler.last_pass is not None
        assert scheduler.last_pass.error is not None and "cannot reach" in scheduler.last_pass.error
        assert not scheduler.last_pass.complete
        assert runner.failures == 1
        runner.db = db  # ... and is back before the retry
        deadline = time.monotonic() + 20
        while success_dates(db) != [D(2026, 11, 20)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seed.runs(db) == [(D(2026, 11, 20), "success", "retry")]
    finally:
        scheduler.shutdown()
        unreachable.dispose()
