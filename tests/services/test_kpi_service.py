"""The KPI read service on both databases, over results written by real engine runs."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, update

from kpidesk.data import settings
from kpidesk.data.db import Database
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    KpiResult,
    KpiRule,
    KpiRun,
    Opportunity,
    Profile,
    User,
)
from kpidesk.engine.run import run_for_date
from kpidesk.services import kpi
from kpidesk.services.caller import Caller, PermissionDenied
from kpidesk.services.setup_io import import_setup
from kpidesk.services.team import team_scores

AS_OF = dt.date(2026, 3, 20)
NIGHTS = 8  # too few for a forecast: see tests/services/test_forecasting.py
TZ = ZoneInfo("Europe/Copenhagen")
ADMIN = Caller(login="admin", role="admin", user_id=None)

SETUP = {
    "version": 1,
    "profiles": ["Salg", "Support"],
    "rules": [
        {"name": "Planlagte salgsmøder", "template": "planned_meetings",
         "params": {"activity_types": ["Salgsmøde"], "days": 14}, "target": 10,
         "profiles": ["Salg"], "active": True},
        {"name": "KAM-dækning", "template": "kam_coverage",
         "params": {"activity_types": ["Salgsmøde"], "days": 90}, "target": 0.8,
         "profiles": ["Salg"], "active": True},
        {"name": "Forfaldne opgaver", "template": "overdue_activities",
         "params": {"activity_types": ["Opgave"]}, "target": 2,
         "profiles": ["Support"], "active": True},
        {"name": "Gammel regel", "template": "new_opportunities", "params": {}, "target": 3,
         "profiles": ["Salg"], "active": False},
        {"name": "Vundet omsætning", "template": "won_revenue", "params": {"period": "month"},
         "target": 100000, "profiles": ["Salg"], "active": True},
    ],
    "assignments": {"mette": "Salg", "lars": "Salg", "jonas": "Support", "inaktiv": "Salg"},
}  # fmt: skip


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def build(db: Database) -> dict[str, int]:
    """Mette (Salg) has 6 planned sales meetings in the 14 days from AS_OF, met 3 of her 5
    customers in the last 90 days and won 80,000 kr. this month (50,000 by the 12th); Lars
    (Salg) manages no customers; Jonas (Support) has 3 overdue tasks. Runs the engine for the
    NIGHTS nights up to AS_OF."""
    with db.session(write=True) as session:
        users = {
            login: User(login=login, name=name, role=role, active=active)
            for login, name, role, active in [
                ("admin", "Karen Holm", "admin", True),
                ("mette", "Mette Sørensen", "user", True),
                ("lars", "Lars Nielsen", "user", True),
                ("jonas", "Jonas Berg", "user", True),
                ("inaktiv", "Ida Inaktiv", "user", False),
                ("nyt", "Ny Bruger", "user", True),
            ]
        }
        session.add_all(users.values())
        session.flush()
        mette, jonas = users["mette"].id, users["jonas"].id
        session.add_all(
            Company(id=i, name=f"Kunde {i} A/S", is_customer=True, key_account_manager_id=mette)
            for i in range(1, 6)
        )
        session.flush()
        activities: list[tuple[int, str, str, dt.datetime, int | None, int]] = []
        # Planned sales meetings: days 0..5 from AS_OF count; day 14 at 00:00 is out.
        for k in range(6):
            activities.append((100 + k, "Salgsmøde", "planned", local(AS_OF + dt.timedelta(k)),
                               1, mette))  # fmt: skip
        activities.append((110, "Salgsmøde", "planned",
                           local(AS_OF + dt.timedelta(14), 0), 1, mette))  # fmt: skip
        activities.append((111, "Salgsmøde", "cancelled", local(AS_OF + dt.timedelta(2)), 1,
                           mette))  # fmt: skip
        # Done meetings with customers 1-3 in the last 90 days.
        for company in (1, 2, 3):
            met = local(AS_OF - dt.timedelta(30 + company))
            activities.append((200 + company, "Salgsmøde", "done", met, company, mette))
        # Jonas: three tasks planned in the past (overdue).
        for k in range(3):
            activities.append((300 + k, "Opgave", "planned",
                               local(AS_OF - dt.timedelta(40 + k)), None, jonas))  # fmt: skip
        for id_, type_, status, start, company, owner in activities:
            session.add(Activity(id=id_, type=type_, status=status, start_at=start,
                                 company_id=company, owner_id=owner))  # fmt: skip
        session.flush()
        session.add_all(
            ActivityParticipant(activity_id=id_, user_id=owner)
            for id_, _, _, _, _, owner in activities
        )
        deals = [(2, 10_000, "won"), (5, 20_000, "won"), (9, 5_000, "won"), (12, 15_000, "won"),
                 (16, 30_000, "won"), (20, 99_000, "won"), (10, 70_000, "lost")]  # fmt: skip
        for number, (day, amount, stage) in enumerate(deals, start=1):
            closed = local(dt.date(2026, 3, day))
            session.add(Opportunity(id=number, name=f"Aftale {number}", company_id=1,
                                    owner_id=mette, amount=Decimal(amount), stage=stage,
                                    created_at=closed - dt.timedelta(days=40),
                                    closed_at=closed))  # fmt: skip
    import_setup(db, ADMIN, SETUP)
    for offset in range(NIGHTS - 1, -1, -1):
        summary = run_for_date(db, AS_OF - dt.timedelta(days=offset), trigger="test")
        assert summary.status == "success", summary.reason
    with db.session() as session:
        return dict(session.execute(select(User.login, User.id)).all())


@pytest.fixture
def kpi_db(db: Database) -> tuple[Database, dict[str, int]]:
    return db, build(db)


def as_user(ids: dict[str, int], login: str) -> Caller:
    return Caller(login=login, role="user", user_id=ids[login])


@contextmanager
def counting_queries(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_todays_kpis_seed_example(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    today = kpi.todays_kpis(db, as_user(ids, "mette"), "mette", as_of=AS_OF)
    assert (today.user, today.user_id, today.run_date) == ("mette", ids["mette"], AS_OF)
    assert today.computed_at is not None and today.reason == ""
    assert [item.rule for item in today.kpis] == [
        "Planlagte salgsmøder", "KAM-dækning", "Vundet omsætning",
    ]  # fmt: skip
    meetings, coverage, _revenue = today.kpis
    assert (meetings.value, meetings.target, meetings.score) == (6, 10, pytest.approx(0.6))
    assert (meetings.unit, meetings.direction, meetings.template) == (
        "count", "higher", "planned_meetings",
    )  # fmt: skip
    assert meetings.description.text("da") == (
        "Antal planlagte Salgsmøder de næste 14 dage, hvor brugeren deltager"
    )
    assert coverage.value == pytest.approx(0.6) and coverage.unit == "percent"
    assert coverage.score == pytest.approx(0.75)
    assert len(meetings.history) == NIGHTS and meetings.history[-1] == (AS_OF, 6.0, 0.6)
    # Eight nights hold no outcome of a forecast 14 nights ahead: nothing to learn from yet.
    assert meetings.forecast.status == "insufficient_history"
    assert meetings.forecast.nights == NIGHTS and meetings.forecast.method == "known"
    assert meetings.forecast.horizon.end == AS_OF + dt.timedelta(days=14)
    assert meetings.forecast.shown is False  # no backtest has judged the rule yet

    data = today.to_json()
    assert list(data) == ["user", "run_date", "computed_at", "kpis"]
    assert data["user"] == "mette" and data["run_date"] == "2026-03-20"
    assert list(data["kpis"][0]) == [
        "rule", "template", "unit", "direction", "value", "target", "score", "forecast",
    ]  # fmt: skip
    assert data["kpis"][0]["value"] == 6 and data["kpis"][0]["score"] == pytest.approx(0.6)
    assert data["kpis"][1]["value"] == pytest.approx(0.6)  # a fraction, not 60
    assert data["kpis"][0]["forecast"]["status"] == "insufficient_history"
    assert today.find("kam-DÆKNING") is coverage


def test_undefined_value_is_null_not_zero(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    lars = kpi.todays_kpis(db, ADMIN, "lars", as_of=AS_OF)
    coverage = lars.find("KAM-dækning")
    assert coverage is not None
    assert coverage.value is None and coverage.score is None
    assert coverage.forecast.status == "undefined"
    assert lars.to_json()["kpis"][1]["value"] is None
    meetings = lars.find("Planlagte salgsmøder")
    assert meetings is not None and meetings.value == 0 and meetings.score == 0


def test_latest_successful_run_on_or_before_the_date(
    kpi_db: tuple[Database, dict[str, int]],
) -> None:
    db, ids = kpi_db
    later = AS_OF + dt.timedelta(days=2)
    with db.session(write=True) as session:
        session.add(KpiRun(run_date=later, status="failed", error="boom", trigger="test"))
    assert kpi.todays_kpis(db, ADMIN, "mette", as_of=later).run_date == AS_OF
    earlier = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF - dt.timedelta(days=3))
    assert earlier.run_date == AS_OF - dt.timedelta(days=3)
    assert earlier.kpis[0].forecast.status == "insufficient_history"  # 5 nights by then
    none_yet = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF - dt.timedelta(days=30))
    assert (none_yet.run_date, none_yet.kpis, none_yet.reason) == (None, [], "no_run")
    assert none_yet.to_json() == {"user": "mette", "run_date": None, "computed_at": None,
                                  "kpis": []}  # fmt: skip


def test_results_keep_their_target(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    with db.session(write=True) as session:
        session.execute(
            update(KpiRule).where(KpiRule.name == "Planlagte salgsmøder").values(target=20)
        )
    item = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF).kpis[0]
    assert (item.target, item.score) == (10, pytest.approx(0.6))


def test_users_without_kpis_say_why(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    assert kpi.todays_kpis(db, ADMIN, "nyt", as_of=AS_OF).reason == "no_profile"
    assert kpi.todays_kpis(db, ADMIN, "inaktiv", as_of=AS_OF).reason == "inactive"
    with db.session(write=True) as session:
        session.execute(update(KpiRule).values(active=False))
    jonas = kpi.todays_kpis(db, ADMIN, "jonas", as_of=AS_OF)
    assert (jonas.kpis, jonas.reason) == ([], "no_rules")


def test_user_of_profile_gets_rules_added_after_the_run_only_after_next_run(
    kpi_db: tuple[Database, dict[str, int]],
) -> None:
    db, ids = kpi_db
    with db.session(write=True) as session:
        support = session.scalar(select(Profile.id).where(Profile.name == "Support"))
        session.execute(update(User).where(User.login == "nyt").values(profile_id=support))
    result = kpi.todays_kpis(db, ADMIN, "nyt", as_of=AS_OF)
    assert (result.kpis, result.reason) == ([], "no_results")
    assert kpi.has_rules(db, ADMIN, "nyt") is True


def test_permissions(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    mette = as_user(ids, "mette")
    with pytest.raises(PermissionDenied):
        kpi.todays_kpis(db, mette, "jonas", as_of=AS_OF)
    with pytest.raises(PermissionDenied):  # never says whether the login exists
        kpi.todays_kpis(db, mette, "nobody", as_of=AS_OF)
    with pytest.raises(kpi.UnknownUser, match="unknown user 'nobody'"):
        kpi.todays_kpis(db, ADMIN, "nobody", as_of=AS_OF)
    with pytest.raises(PermissionDenied):
        kpi.has_rules(db, mette, "jonas")
    rule_id = kpi.todays_kpis(db, mette, "mette", as_of=AS_OF).kpis[0].rule_id
    with pytest.raises(PermissionDenied):
        kpi.history(db, mette, ids["jonas"], rule_id)
    with pytest.raises(PermissionDenied):
        kpi.explain_result(db, mette, ids["jonas"], rule_id, AS_OF)
    with pytest.raises(PermissionDenied):
        team_scores(db, mette)
    # A user caller whose id does not match the login is refused too.
    with pytest.raises(PermissionDenied):
        kpi.todays_kpis(db, Caller("mette", "user", ids["jonas"]), "mette", as_of=AS_OF)


def test_has_rules(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    assert kpi.has_rules(db, as_user(ids, "mette"), "mette") is True
    assert kpi.has_rules(db, ADMIN, "nyt") is False
    assert kpi.has_rules(db, ADMIN, "inaktiv") is False
    assert kpi.has_rules(db, ADMIN, "nobody") is False
    with db.session(write=True) as session:
        session.execute(update(KpiRule).where(KpiRule.name != "Forfaldne opgaver")
                        .values(active=False))  # fmt: skip
    assert kpi.has_rules(db, ADMIN, "mette") is False
    assert kpi.has_rules(db, ADMIN, "jonas") is True


def test_history(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    mette = as_user(ids, "mette")
    rule_id = kpi.todays_kpis(db, mette, "mette", as_of=AS_OF).kpis[0].rule_id
    points = kpi.history(db, mette, ids["mette"], rule_id)
    assert [day for day, _, _ in points] == [
        AS_OF - dt.timedelta(days=offset) for offset in range(NIGHTS - 1, -1, -1)
    ]
    assert points[-1] == (AS_OF, 6.0, pytest.approx(0.6))
    assert len(kpi.history(db, mette, ids["mette"], rule_id, days=3)) == 3
    until = AS_OF - dt.timedelta(days=2)
    assert kpi.history(db, mette, ids["mette"], rule_id, days=2, until=until)[-1][0] == until
    assert kpi.history(db, ADMIN, ids["nyt"], rule_id) == []


def test_explain_result(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    mette = as_user(ids, "mette")
    today = kpi.todays_kpis(db, mette, "mette", as_of=AS_OF)
    meetings = kpi.explain_result(db, mette, ids["mette"], today.kpis[0].rule_id, AS_OF)
    assert len(meetings.rows) == 6 and meetings.gap_rows == []
    coverage = kpi.explain_result(db, mette, ids["mette"], today.kpis[1].rule_id, AS_OF, lang="en")
    assert len(coverage.gap_rows) == 2  # customers 4 and 5 have had no meeting


def test_team_scores_and_csv(kpi_db: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    db, ids = kpi_db
    team = team_scores(db, ADMIN, as_of=AS_OF)
    assert team.run_date == AS_OF
    assert [rule.name for rule in team.rules] == [
        "Planlagte salgsmøder", "KAM-dækning", "Forfaldne opgaver", "Vundet omsætning",
    ]  # fmt: skip
    assert [row.login for row in team.rows] == ["lars", "mette", "jonas"]  # by profile, login
    rules = {rule.name: rule.id for rule in team.rules}
    by_login = {row.login: row for row in team.rows}
    assert by_login["mette"].cells[rules["Planlagte salgsmøder"]].score == pytest.approx(0.6)
    assert by_login["lars"].cells[rules["KAM-dækning"]].value is None
    assert by_login["jonas"].cells[rules["Forfaldne opgaver"]].value == 3
    assert rules["Forfaldne opgaver"] not in by_login["mette"].cells

    with db.session() as session:
        salg = session.scalar(select(Profile.id).where(Profile.name == "Salg"))
    only_salg = team_scores(db, ADMIN, profile_id=salg, as_of=AS_OF)
    assert [row.login for row in only_salg.rows] == ["lars", "mette"]
    assert [rule.name for rule in only_salg.rules] == [
        "Planlagte salgsmøder", "KAM-dækning", "Vundet omsætning",
    ]  # fmt: skip

    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "team.csv"
    team.to_csv(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lines[0] == [
        "Login", "Navn", "Profil", "Planlagte salgsmøder", "Planlagte salgsmøder: score (%)",
        "KAM-dækning (%)", "KAM-dækning: score (%)", "Forfaldne opgaver",
        "Forfaldne opgaver: score (%)", "Vundet omsætning (kr.)", "Vundet omsætning: score (%)",
    ]  # fmt: skip
    assert lines[1] == ["lars", "Lars Nielsen", "Salg", "0", "0", "", "", "", "", "0", "0"]
    assert lines[2] == ["mette", "Mette Sørensen", "Salg", "6", "60", "60", "75", "", "",
                        "80000", "80"]  # fmt: skip
    assert lines[3][-4:] == ["3", "66,67", "", ""]
    assert list(folder.iterdir()) == [path]  # no temporary file left behind

    # The installation's currency, and the headings in English for an English desktop.
    with db.session(write=True) as session:
        settings.set_value(session, "currency", "EUR")
    path.unlink()
    team_scores(db, ADMIN, as_of=AS_OF).to_csv(path, "en")
    header = next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert header[:3] == ["Login", "Name", "Profile"]
    assert header[-2:] == ["Vundet omsætning (EUR)", "Vundet omsætning: score (%)"]


def test_team_scores_before_any_run(db: Database) -> None:
    team = team_scores(db, ADMIN, as_of=AS_OF)
    assert (team.run_date, team.rules, team.rows) == (None, [], [])


def test_last_run_status(db: Database) -> None:
    assert kpi.last_run_status(db) is None
    build(db)
    last = kpi.last_run_status(db)
    assert last is not None
    assert (last.run_date, last.date, last.status, last.error) == (AS_OF, AS_OF, "success", None)
    assert last.last_success_date == AS_OF and last.finished_at is not None
    with db.session(write=True) as session:
        session.add(KpiRun(run_date=AS_OF + dt.timedelta(days=1), status="failed",
                           error="database went away", trigger="nightly",
                           finished_at=dt.datetime.now(dt.UTC)))  # fmt: skip
    failed = kpi.last_run_status(db)
    assert failed is not None
    assert (failed.status, failed.error, failed.trigger) == ("failed", "database went away",
                                                             "nightly")  # fmt: skip
    assert failed.last_success_date == AS_OF


def test_few_queries_whatever_the_number_of_rules(
    kpi_db: tuple[Database, dict[str, int]],
) -> None:
    db, ids = kpi_db
    with counting_queries(db) as few_rules:
        kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
    # Ten more rules for Salg, computed by a real run: still the same number of queries.
    extra = {**SETUP, "rules": [
        {"name": f"Møder {days} dage", "template": "planned_meetings", "params": {"days": days},
         "target": 5, "profiles": ["Salg"], "active": True} for days in range(1, 11)
    ]}  # fmt: skip
    import_setup(db, ADMIN, extra)
    assert run_for_date(db, AS_OF, trigger="test").status == "success"
    with counting_queries(db) as many_rules:
        today = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
    assert len(today.kpis) == 13
    # Six for the KPIs, one for the CRM data behind the run (its imports from the data source).
    assert len(many_rules) == len(few_rules) <= 7
    with counting_queries(db) as team_queries:
        team_scores(db, ADMIN, as_of=AS_OF)
    assert len(team_queries) <= 6


def test_results_are_only_read(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    with db.session() as session:
        before = session.execute(select(KpiResult.id, KpiResult.value)).all()
    kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF)
    team_scores(db, ADMIN, as_of=AS_OF)
    with db.session() as session:
        assert session.execute(select(KpiResult.id, KpiResult.value)).all() == before


def test_period_horizon_from_real_runs(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    revenue = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF).find("Vundet omsætning")
    assert revenue is not None
    assert (revenue.value, revenue.score, revenue.unit) == (80_000, 0.8, "currency")
    # The history is the month-to-date total, night by night (the 16th's deal from the 17th).
    assert [value for _, value, _ in revenue.history] == [50_000] * 4 + [80_000] * 4
    result = revenue.forecast
    assert (result.status, result.method, result.nights) == ("insufficient_history", "period", 8)
    assert (result.horizon.kind, result.horizon.start, result.horizon.end) == (
        "period", dt.date(2026, 3, 1), dt.date(2026, 3, 31),
    )  # fmt: skip


def test_rules_stored_without_defaults_get_them(kpi_db: tuple[Database, dict[str, int]]) -> None:
    db, ids = kpi_db
    with db.session(write=True) as session:  # e.g. written by an older version, not validated
        session.execute(update(KpiRule).where(KpiRule.name == "KAM-dækning").values(params={}))
    coverage = kpi.todays_kpis(db, ADMIN, "mette", as_of=AS_OF).find("KAM-dækning")
    assert coverage is not None
    assert coverage.params == {"activity_types": ["Salgsmøde"], "days": 90}
    # The default 90 days: forecast four weeks ahead, while 62 days of today's window remain.
    assert coverage.forecast.horizon.end == AS_OF + dt.timedelta(days=28)
