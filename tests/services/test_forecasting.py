"""The backtest and the cards' forecasts on demo data imported through the CSV path, with
real nightly runs, on SQLite and PostgreSQL; figures checked against plain recomputations."""

from __future__ import annotations

import datetime as dt
import json
import logging
import statistics
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from kpidesk.cli.main import main
from kpidesk.data.db import Database, upgrade
from kpidesk.data.demo import generate_demo
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    KpiResult,
    KpiRule,
    Opportunity,
    Setting,
    User,
)
from kpidesk.domain.forecast import MIN_ERRORS, MIN_OWN_ERRORS
from kpidesk.engine.known import known_parts
from kpidesk.engine.run import run_for_date
from kpidesk.scheduler.nightly import NightlyRunner
from kpidesk.services import kpi
from kpidesk.services.caller import SYSTEM_CLI, Caller, PermissionDenied
from kpidesk.services.forecasting import VERDICTS_KEY, ForecastServiceError, backtest
from kpidesk.services.setup_io import import_setup
from tests.pgserver import PostgresServer

AS_OF = dt.date(2026, 3, 29)
NIGHTS = 75  # two whole months behind March: a period forecast learns from January
TZ = ZoneInfo("Europe/Copenhagen")
ADMIN = Caller(login="admin", role="admin", user_id=None)
SETUP = {
    "version": 1,
    "profiles": ["Ledelse", "Salg", "Support"],
    "rules": [
        {"name": "Planlagte møder 7", "template": "planned_meetings",
         "params": {"activity_types": [], "days": 7}, "target": 6,
         "profiles": ["Salg", "Support", "Ledelse"], "active": True},
        {"name": "Pipeline 14", "template": "pipeline_value", "params": {"days": 14},
         "target": 100000, "profiles": ["Salg"], "active": True},
        {"name": "Forsømte 21", "template": "neglected_accounts",
         "params": {"activity_types": [], "days": 21}, "target": 3,
         "profiles": ["Salg"], "active": True},
        {"name": "Vundne ordrer", "template": "won_deals", "params": {"period": "month"},
         "target": 4, "profiles": ["Salg"], "active": True},
        {"name": "Gennemførte 7", "template": "completed_activities",
         "params": {"activity_types": [], "days": 7}, "target": 10,
         "profiles": ["Salg", "Support", "Ledelse"], "active": True},
    ],
}  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def history_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A small demo organisation imported as CSV, with NIGHTS nightly runs up to AS_OF."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('forecast') / 'history.sqlite3'}"
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        url = server.create_database("kpidesk_forecast_history", template="kpidesk_template")
    db = Database(url)
    try:
        upgrade(db)
        generate_demo(db, users=10, activities=6000, seed=11, as_of=AS_OF)
        import_setup(db, SYSTEM_CLI, SETUP)
        for offset in range(NIGHTS - 1, -1, -1):
            assert run_for_date(db, AS_OF - dt.timedelta(days=offset)).status == "success"
    finally:
        db.dispose()
    yield url
    if request.param == "postgresql":
        request.getfixturevalue("pg_server").drop_database("kpidesk_forecast_history")


def stored_values(db: Database, rule_id: int) -> dict[int, dict[dt.date, float]]:
    """user → night → value, read straight from the results table."""
    found: dict[int, dict[dt.date, float]] = {}
    with db.session() as session:
        for user_id, day, value in session.execute(
            select(KpiResult.user_id, KpiResult.run_date, KpiResult.value).where(
                KpiResult.rule_id == rule_id
            )
        ):
            if value is not None:
                found.setdefault(user_id, {})[day] = value
    return found


def test_backtest_figures_match_the_stored_results(history_db: str) -> None:
    db = Database(history_db)
    try:
        report = backtest(db, ADMIN, save=False)
        by_name = {rule.rule: rule for rule in report.rules}
        assert list(by_name) == [rule["name"] for rule in SETUP["rules"]]
        for rule in report.rules:
            with db.session() as session:
                rule_id = session.scalar(select(KpiRule.id).where(KpiRule.name == rule.rule))
            values = stored_values(db, rule_id)
            assert rule.cases == len(rule.case_list) > 0, rule.rule
            for case in rule.case_list:
                # The outcome and "no change" are the stored results of those nights.
                assert case.actual == pytest.approx(values[case.user_id][case.outcome])
                assert case.no_change == pytest.approx(values[case.user_id][case.made])
                assert case.made < case.outcome
            # Mean absolute errors and coverage, summed up plainly.
            n = len(rule.case_list)
            mae = sum(abs(c.actual - c.forecast) for c in rule.case_list) / n
            mae_still = sum(abs(c.actual - c.no_change) for c in rule.case_list) / n
            inside = sum(c.low <= c.actual <= c.high for c in rule.case_list) / n
            assert rule.mae_forecast == pytest.approx(mae)
            assert rule.mae_no_change == pytest.approx(mae_still)
            assert rule.coverage == pytest.approx(inside)
        deals = by_name["Vundne ordrer"]
        assert deals.method == "period" and deals.mae_pace is not None
        for case in deals.case_list:
            start = case.made.replace(day=1)
            elapsed = (case.made - start).days
            assert case.pace == pytest.approx(
                case.no_change / elapsed * (case.outcome - start).days
            )
            assert case.low >= case.no_change  # the total so far never goes away
    finally:
        db.dispose()


def test_no_change_band_is_read_from_past_changes_at_that_horizon(history_db: str) -> None:
    """For "no change" the forecast is the value that night and the band the 10th–90th
    percentile of earlier changes over the same number of nights (widened to hold the value
    itself): the user's own from nights a week apart when there are 15 or more reaching back
    four horizons, else all the rule's users' changes known that night."""
    db = Database(history_db)
    try:
        report = backtest(db, ADMIN, rule_name="gennemførte 7", save=False)
        (rule,) = report.rules
        with db.session() as session:
            rule_id = session.scalar(select(KpiRule.id).where(KpiRule.name == rule.rule))
        values = stored_values(db, rule_id)
        step = dt.timedelta(days=7)
        everyone = [
            (day + step, user[day + step] - value)
            for user in values.values()
            for day, value in user.items()
            if day + step in user
        ]
        checked = 0
        for case in rule.case_list:
            mine = values[case.user_id]
            weekly = [
                day
                for day in mine
                if day + step <= case.made and day + step in mine
                and (case.made - day).days % 7 == 0 and (case.made - day).days <= 365
            ]  # fmt: skip
            if len(weekly) >= MIN_OWN_ERRORS and (case.made - min(weekly)).days >= 4 * 7:
                changes = [mine[day + step] - mine[day] for day in weekly]
            else:
                changes = [change for outcome, change in everyone if outcome <= case.made]
            assert len(changes) >= MIN_ERRORS
            deciles = statistics.quantiles(changes, n=10, method="inclusive")
            assert case.forecast == case.no_change
            low = min(case.no_change + deciles[0], case.no_change)
            high = max(case.no_change + deciles[-1], case.no_change)
            assert case.low == pytest.approx(max(low, 0.0))
            assert case.high == pytest.approx(max(high, 0.0))
            checked += 1
        assert checked > 20
    finally:
        db.dispose()


def plain_planned(db: Database, user_id: int, night: dt.date, start: int, end: int) -> int:
    """Activities planned on `night` with the user taking part, starting in [night+start,
    night+end) local time: the history rules read plainly from the rows."""
    midnight = dt.datetime.combine(night, dt.time(), TZ)
    low = dt.datetime.combine(night + dt.timedelta(days=start), dt.time(), TZ)
    high = dt.datetime.combine(night + dt.timedelta(days=end), dt.time(), TZ)
    count = 0
    with db.session() as session:
        rows = session.scalars(
            select(Activity)
            .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
            .where(ActivityParticipant.user_id == user_id)
        ).all()
        for activity in rows:
            created = getattr(activity, "created_at", None)
            completed = getattr(activity, "completed_at", None)
            if created is not None and created >= midnight:
                continue
            planned = activity.status == "planned" or (
                completed is not None and completed >= midnight
            )
            if planned and low <= activity.start_at < high:
                count += 1
    return count


def plain_pipeline(db: Database, user_id: int, night: dt.date, start: int, end: int) -> Decimal:
    """Open deals on `night` expected to close in [night+start, night+end)."""
    midnight = dt.datetime.combine(night, dt.time(), TZ)
    total = Decimal(0)
    with db.session() as session:
        for deal in session.scalars(select(Opportunity).where(Opportunity.owner_id == user_id)):
            if deal.created_at >= midnight:
                continue
            if deal.stage != "open" and not (deal.closed_at and deal.closed_at >= midnight):
                continue
            close = deal.expected_close
            if close is not None and night + dt.timedelta(days=start) <= close < night + (
                dt.timedelta(days=end)
            ):
                total += deal.amount
    return total


def plain_coverage(
    db: Database, user_id: int, night: dt.date, days: int, lead: int
) -> tuple[int, int, int, int, int]:
    """A coverage rule's known part (any activity type), read plainly from the rows:
    customers managed; of them met in [night+lead-days, night) by a done activity the user
    took part in; those plus the ones with such an activity planned in [night, night+lead);
    the user's activities of the last 90 days done as of the night, and all of them."""

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), TZ)

    now = midnight(night)
    with db.session() as session:
        customers = set(
            session.scalars(
                select(Company.id).where(
                    Company.key_account_manager_id == user_id, Company.is_customer.is_(True)
                )
            )
        )
        mine = session.scalars(
            select(Activity)
            .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
            .where(ActivityParticipant.user_id == user_id)
        ).all()
    certain: set[int] = set()
    reachable: set[int] = set()
    done = tried = 0
    for activity in mine:
        if activity.created_at is not None and activity.created_at >= now:
            continue  # not in the CRM yet that night
        finished = activity.completed_at is not None and activity.completed_at >= now
        was_done = activity.status == "done" and not finished
        was_planned = activity.status == "planned" or finished
        start = activity.start_at
        if midnight(night - dt.timedelta(days=90)) <= start < now:
            tried += 1
            done += was_done
        if activity.company_id not in customers:
            continue
        if was_done and midnight(night + dt.timedelta(days=lead - days)) <= start < now:
            certain.add(activity.company_id)
        if was_planned and now <= start < midnight(night + dt.timedelta(days=lead)):
            reachable.add(activity.company_id)
    return len(customers), len(certain), len(certain | reachable), done, tried


def test_known_parts_match_a_plain_reading_of_the_rows(history_db: str) -> None:
    db = Database(history_db)
    try:
        with db.session() as session:
            rules = {rule.name: rule for rule in session.scalars(select(KpiRule))}
            users = list(session.scalars(select(User.id).where(User.profile_id.is_not(None))))
            for rule in rules.values():
                session.expunge(rule)
        nonzero = covered = 0
        for night in (AS_OF, AS_OF - dt.timedelta(days=20)):
            with db.connect() as conn:
                planned = known_parts(conn, rules["Planlagte møder 7"], night, TZ)
                pipeline = known_parts(conn, rules["Pipeline 14"], night, TZ)
                assert known_parts(conn, rules["Gennemførte 7"], night, TZ) is None
            assert planned is not None and pipeline is not None
            for user_id in users:
                expected = plain_planned(db, user_id, night, 7, 14)
                assert planned[user_id] == (expected,)
                nonzero += expected > 0
            for user_id, (amount,) in pipeline.items():
                assert amount == pytest.approx(float(plain_pipeline(db, user_id, night, 14, 28)))
            # Neglected accounts over 21 days, forecast 11 days ahead.
            with db.connect() as conn:
                coverage = known_parts(conn, rules["Forsømte 21"], night, TZ)
            assert coverage is not None
            for user_id, parts in coverage.items():
                expected = plain_coverage(db, user_id, night, 21, 11)
                assert parts == tuple(float(n) for n in expected), user_id
                covered += expected[1] > 0 and expected[2] > expected[1]
        assert nonzero > 0 and covered > 0
    finally:
        db.dispose()


def test_cli_backtest_json_saves_verdicts_that_decide_the_cards(
    history_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = Database(history_db)
    try:
        mette_before = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
        assert all(not item.forecast.shown for item in mette_before.kpis)  # not judged yet
        assert main(["--db", history_db, "forecast", "backtest", "--json"]) == 0
        out, err = capsys.readouterr()
        data = json.loads(out)
        assert err == "" and data["from"] is None
        rules = {rule["rule"]: rule for rule in data["rules"]}
        completed = rules["Gennemførte 7"]
        assert completed["method"] == "no_change" and completed["beats_baseline"] is False
        assert completed["ratio"] == pytest.approx(1.0)
        assert rules["Vundne ordrer"]["baseline"] == "pace"
        for rule in data["rules"]:
            assert 0.0 <= rule["coverage"] <= 1.0 and rule["cases"] > 0
        mette = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
        for item in mette.kpis:
            assert item.forecast.shown == rules[item.rule]["beats_baseline"], item.rule
            if item.forecast.status == "ok" and item.unit == "percent":
                assert 0.0 <= (item.forecast.low or 0) <= (item.forecast.high or 0) <= 1.0
        # A narrower look prints figures but leaves the verdicts alone.
        assert main(["--db", history_db, "forecast", "backtest", "--rule", "Pipeline 14",
                     "--from", str(AS_OF - dt.timedelta(days=20))]) == 0  # fmt: skip
        text = capsys.readouterr().out
        assert text.splitlines()[1].startswith("Pipeline 14") and "ratio" in text
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rule", "Findes ikke"], "no active rule is named 'Findes ikke'"),
        (["--from", "2026-03-10", "--to", "2026-03-01"], "is before --from"),
    ],
)
def test_cli_mistakes_are_one_line(
    history_db: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["--db", history_db, "forecast", "backtest", *argv]) == 1
    out, err = capsys.readouterr()
    assert out == "" and message in err and len(err.strip().splitlines()) == 1


def test_only_administrators_backtest(history_db: str) -> None:
    db = Database(history_db)
    try:
        with pytest.raises(PermissionDenied):
            backtest(db, Caller(login="mette", role="user", user_id=2))
        with pytest.raises(ForecastServiceError):
            backtest(db, ADMIN, date_from=AS_OF, date_to=AS_OF - dt.timedelta(days=1))
    finally:
        db.dispose()


def test_cards_read_each_nights_known_part_once_per_run(history_db: str) -> None:
    """Opening "Dagens KPI" again reads no known part again (they are read as of their night),
    and says exactly the same; a new run of the night reads them afresh."""
    db = Database(history_db)
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    try:
        # A fresh run of the night: whatever earlier tests read belongs to the previous one.
        assert run_for_date(db, AS_OF, trigger="manual").status == "success"
        event.listen(db.engine, "before_cursor_execute", seen)
        first = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
        read_first = [sql for sql in statements if "UNION ALL" in sql and "rule_id" in sql]
        statements.clear()
        again = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
        read_again = [sql for sql in statements if "UNION ALL" in sql and "rule_id" in sql]
        assert read_first and not read_again
        assert [item.forecast for item in again.kpis] == [item.forecast for item in first.kpis]
        assert any(item.forecast.method == "known" for item in first.kpis)
        assert run_for_date(db, AS_OF, trigger="manual").status == "success"
        statements.clear()
        after = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
        assert [sql for sql in statements if "UNION ALL" in sql and "rule_id" in sql]
        assert [item.forecast for item in after.kpis] == [item.forecast for item in first.kpis]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
        db.dispose()


class FixedClock:
    """The nightly runner's clock, set to one morning."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def stored_verdicts(db: Database) -> str | None:
    with db.session() as session:
        return session.scalar(select(Setting.value).where(Setting.key == VERDICTS_KEY))


def test_the_nightly_run_refreshes_the_verdicts_and_survives_a_failed_refresh(
    history_db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Runs last in this module: it adds nights to the shared history."""
    db = Database(history_db)
    try:
        night = AS_OF + dt.timedelta(days=1)
        morning = dt.datetime.combine(night, dt.time(7), TZ)
        runner = NightlyRunner(db, clock=FixedClock(morning))
        before = stored_verdicts(db)
        with caplog.at_level(logging.INFO, logger="kpidesk.scheduler"):
            assert runner.run_pass("nightly").complete
        refreshed = stored_verdicts(db)
        assert refreshed is not None and refreshed != before
        assert any("forecast verdicts refreshed" in r.getMessage() for r in caplog.records)
        verdicts = {int(k): v for k, v in json.loads(refreshed)["rules"].items()}
        with db.session() as session:
            rules = {r.name: r.id for r in session.scalars(select(KpiRule))}
        assert set(verdicts) == set(rules.values())
        # The no-change rule, plainly: forecasts made a multiple of 7 nights before the last
        # night within a year, 7 nights ahead, once 8 or more past changes of all users were
        # known that night; "no change" errs by the change itself.
        completed = verdicts[rules["Gennemførte 7"]]
        values = stored_values(db, rules["Gennemførte 7"])
        step = dt.timedelta(days=7)
        known_changes = sorted(
            day + step for user in values.values() for day in user if day + step in user
        )
        errors = [
            abs(user[day + step] - user[day])
            for user in values.values()
            for day in user
            if day + step in user
            and (night - day).days % 7 == 0
            and day >= night - dt.timedelta(days=365)
            and sum(outcome <= day for outcome in known_changes) >= MIN_ERRORS
        ]
        assert completed["cases"] == len(errors) > 0
        assert completed["mae_forecast"] == pytest.approx(sum(errors) / len(errors))
        assert completed["beats"] is False

        # A refresh that fails leaves the night's results and the last verdicts, in one line.
        import kpidesk.engine.known

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("known part unreadable\nsecond line")

        monkeypatch.setattr(kpidesk.engine.known, "known_parts", broken)
        caplog.clear()
        runner.clock = FixedClock(morning + dt.timedelta(days=1))
        with caplog.at_level(logging.INFO, logger="kpidesk.scheduler"):
            result = runner.run_pass("nightly")
        assert result.complete and [s.status for s in result.summaries] == ["success"]
        assert stored_verdicts(db) == refreshed
        failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert failed == [
            "forecast verdicts not refreshed, the last ones stay: RuntimeError: known part "
            "unreadable"
        ]
    finally:
        db.dispose()
