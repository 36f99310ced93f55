"""Three nights against a SuiteCRM database on MariaDB that changes every day (the `sql` source).

kpidesk (on SQLite) reads SuiteCRM's own tables with the `suitecrm-sql` preset. Night 1
imports and calculates; before night 2 the CRM changes and its administrator revokes the
reader's rights on `calls` by mistake: the import fails as a whole, the run calculates on
night 1's data and the run log, the status bar's and Dagens KPI's data line say why in one
line; before night 3 the rights are back and
the CRM has changed again: the import recovers. Each night's results are compared with the
independent evaluator (tests/engine/evaluator.py) over the tests' own reading of the CRM's
rows as they were that night (tests/data/suitecrm_db.py `to_export`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from kpidesk.data.db import Database
from kpidesk.data.models import CrmImport, KpiResult, KpiRule, User
from kpidesk.services import source
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.kpi import last_run_status, todays_kpis
from kpidesk.services.runs import run_log
from kpidesk.services.setup_io import import_setup
from tests.data.suitecrm_db import READER, READER_PASSWORD, Crm, CrmDatabase, to_export, utc
from tests.engine import evaluator
from tests.mariadb import MariaDBServer
from tests.scheduler.seed import CPH
from tests.scheduler.test_source_nights import night

N1, N2, N3 = dt.date(2026, 11, 10), dt.date(2026, 11, 11), dt.date(2026, 11, 12)
SELLERS = ("anna", "bo", "carl")
PROFILES = {login: "Salg" for login in SELLERS}
R = evaluator.Rule
RULES = [
    R("Planlagte møder 14 dage", "planned_meetings", {"activity_types": ["Meeting"], "days": 14},
      ("Salg",)),
    R("Gennemførte aktiviteter 30 dage", "completed_activities",
      {"activity_types": [], "days": 30}, ("Salg",)),
    R("Forfaldne opgaver", "overdue_activities", {"activity_types": ["Task"]}, ("Salg",)),
    R("KAM-dækning 90 dage", "kam_coverage", {"activity_types": ["Meeting", "Call"],
      "days": 90}, ("Salg",)),
    R("Vundne aftaler i måneden", "won_deals", {"period": "month"}, ("Salg",)),
    R("Pipeline 30 dage", "pipeline_value", {"days": 30}, ("Salg",)),
    R("Hitrate 90 dage", "win_rate", {"days": 90}, ("Salg",)),
]  # fmt: skip


@pytest.fixture
def backend() -> str:
    """kpidesk on SQLite here (test_sql_source.py imports into PostgreSQL too)."""
    return "sqlite"


def day(offset: int, hour: int, base: dt.date = N1) -> dt.datetime:
    return utc(base + dt.timedelta(days=offset), hour)


def first_state() -> Crm:
    """A SuiteCRM with three sellers, their customers, activities and deals around night 1."""
    crm = Crm()
    crm.add("users", user_name="admin", first_name="", last_name="Administrator", is_admin=1,
            status="Active")  # fmt: skip
    ids = {}
    for login, first in (("anna", "Anna"), ("bo", "Bo"), ("carl", "Carl"), ("dina", "Dina")):
        user = crm.add("users", user_name=login, first_name=first, last_name="Hansen",
                       is_admin=0, status="Inactive" if login == "dina" else "Active")  # fmt: skip
        ids[login] = user["id"]
    accounts = {}
    for name, kind, manager in (
        ("Alfa A/S", "Customer", "anna"), ("Beta ApS", "Customer", "anna"),
        ("Gamma I/S", "Customer", "bo"), ("Delta A/S", "Customer", "carl"),
        ("Epsilon A/S", "Customer", "carl"), ("Zeta ApS", "Prospect", "anna"),
    ):  # fmt: skip
        accounts[name] = crm.add("accounts", name=name, account_type=kind,
                                 assigned_user_id=ids[manager])["id"]  # fmt: skip

    def meeting(
        owner: str,
        status: str,
        start: dt.datetime,
        account: str | None = None,
        guests: tuple[str, ...] = (),
        entered: dt.datetime | None = None,
    ) -> str:
        row = crm.add(
            "meetings", name=f"Møde {len(crm.tables['meetings']) + 1}", status=status,
            date_start=start, date_end=start + dt.timedelta(hours=1),
            parent_type="Accounts" if account else None,
            parent_id=accounts[account] if account else None, assigned_user_id=ids[owner],
            date_entered=entered or utc(N1 - dt.timedelta(days=60), 9),
        )  # fmt: skip
        for login in (owner, *guests):
            crm.add("meetings_users", meeting_id=row["id"], user_id=ids[login],
                    accept_status="accept")  # fmt: skip
        return str(row["id"])

    def call(owner: str, status: str, start: dt.datetime, account: str) -> str:
        row = crm.add("calls", name="Opkald", status=status, date_start=start,
                      date_end=start + dt.timedelta(minutes=20), parent_type="Accounts",
                      parent_id=accounts[account], assigned_user_id=ids[owner])  # fmt: skip
        crm.add("calls_users", call_id=row["id"], user_id=ids[owner], accept_status="accept")
        return str(row["id"])

    def task(owner: str, status: str, due: dt.datetime) -> str:
        return str(crm.add("tasks", name="Opgave", status=status, date_due=due,
                           assigned_user_id=ids[owner])["id"])  # fmt: skip

    meeting("anna", "Planned", day(1, 9), "Alfa A/S")
    meeting("anna", "Planned", day(5, 13), "Beta ApS", guests=("bo",))
    meeting("anna", "Held", day(-10, 8), "Alfa A/S")
    meeting("anna", "Not Held", day(-3, 8), "Beta ApS")
    meeting("bo", "Planned", day(2, 10), "Gamma I/S")
    meeting("bo", "Planned", day(20, 10), "Gamma I/S")  # beyond 14 days
    meeting("carl", "Held", day(-40, 12), "Delta A/S")
    meeting("carl", "Planned", day(0, 23))  # on night 1 itself, late evening (UTC)
    call("bo", "Held", day(-5, 14), "Gamma I/S")
    call("carl", "Held", day(-100, 9), "Epsilon A/S")  # older than 90 days
    call("carl", "Planned", day(3, 9), "Delta A/S")
    task("anna", "Not Started", day(-2, 15))
    task("bo", "In Progress", day(-1, 15))
    task("bo", "Completed", day(-4, 15))
    task("carl", "Pending Input", day(4, 15))
    for owner, stage, amount, closed in (
        ("anna", "Closed Won", 50000.0, N1 - dt.timedelta(days=5)),
        ("anna", "Closed Lost", 20000.0, N1 - dt.timedelta(days=20)),
        ("anna", "Proposal/Price Quote", 30000.25, N1 + dt.timedelta(days=10)),
        ("bo", "Closed Won", 12500.5, N1 - dt.timedelta(days=1)),
        ("bo", "Negotiation/Review", 8000.0, N1 + dt.timedelta(days=40)),
        ("carl", "Closed Lost", 9999.99, N1 - dt.timedelta(days=60)),
        ("carl", "Prospecting", 15000.0, N1 + dt.timedelta(days=2)),
    ):
        crm.add("opportunities", name=f"Aftale {amount}", amount=amount, sales_stage=stage,
                date_closed=closed, assigned_user_id=ids[owner],
                date_entered=utc(N1 - dt.timedelta(days=90), 10))  # fmt: skip
    return crm


def second_state(crm: Crm) -> Crm:
    """Day 2: anna books a meeting, bo's meeting was held, carl wins his prospect."""
    out = crm.copy()
    anna, bo = out.user_id("anna"), out.user_id("bo")
    new = out.add("meetings", name="Nyt møde", status="Planned", date_start=day(3, 9, N2),
                  assigned_user_id=anna, date_entered=day(0, 15, N1))  # fmt: skip
    out.add("meetings_users", meeting_id=new["id"], user_id=anna, accept_status="accept")
    held = out.find("meetings", assigned_user_id=bo, date_start=day(2, 10))
    held.update(status="Held", date_start=day(0, 10, N1), date_end=day(0, 11, N1))
    won = out.find("opportunities", sales_stage="Prospecting")
    won.update(sales_stage="Closed Won", date_closed=N1)
    return out


def third_state(crm: Crm) -> Crm:
    """Day 3: anna's meeting is deleted, a task done, bo calls Gamma, anna loses a deal."""
    out = crm.copy()
    anna = out.user_id("anna")
    out.find("meetings", assigned_user_id=anna, date_start=day(1, 9))["deleted"] = 1
    out.find("tasks", assigned_user_id=anna)["status"] = "Completed"
    gamma = out.find("accounts", name="Gamma I/S")["id"]
    call = out.add("calls", name="Opkald", status="Held", date_start=day(0, 8, N2),
                   parent_type="Accounts", parent_id=gamma,
                   assigned_user_id=out.user_id("bo"))  # fmt: skip
    out.add("calls_users", call_id=call["id"], user_id=out.user_id("bo"))
    out.find("opportunities", sales_stage="Proposal/Price Quote").update(
        sales_stage="Closed Lost", date_closed=N2
    )
    return out


def expected(crm: Crm, night_: dt.date) -> dict[tuple[str, str], float | None]:
    evaluated = evaluator.evaluate(to_export(crm, PROFILES), RULES, [night_], CPH)
    return {(login, rule): value for (_d, login, rule), value in evaluated.items()}


def results(db: Database, night_: dt.date) -> dict[tuple[str, str], float | None]:
    with db.session() as session:
        rows = session.execute(
            select(User.login, KpiRule.name, KpiResult.value)
            .join(User, User.id == KpiResult.user_id)
            .join(KpiRule, KpiRule.id == KpiResult.rule_id)
            .where(KpiResult.run_date == night_)
        ).all()
    return {(login, rule): value for login, rule, value in rows}


def same(a: dict[Any, float | None], b: dict[Any, float | None]) -> bool:
    if a.keys() != b.keys():
        return False
    return all(
        (x is None and y is None)
        or (x is not None and y is not None and abs(x - y) <= 1e-9 * max(1.0, abs(x)))
        for x, y in ((a[k], b[k]) for k in a)
    )


def setup(db: Database) -> None:
    """What the administrator does once: profiles, rules, and who sells (`setup import`)."""
    import_setup(
        db,
        SYSTEM_CLI,
        {
            "version": 1,
            "profiles": ["Salg"],
            "rules": [
                {
                    "name": r.name,
                    "template": r.template,
                    "params": dict(r.params),
                    "target": 1,
                    "profiles": list(r.profiles),
                    "active": True,
                }
                for r in RULES
            ],  # fmt: skip
            "assignments": dict(PROFILES),
        },
    )


def test_three_nights_against_a_changing_suitecrm_database(
    db: Database, crm_mariadb: CrmDatabase, mariadb_server: MariaDBServer
) -> None:
    s1 = first_state()
    crm_mariadb.write(s1)
    url = source.url_with_password(crm_mariadb.reader_url, READER_PASSWORD)
    assert source.set_sql(db, SYSTEM_CLI, url, "suitecrm-sql", 60) == []
    # The administrator's first import by hand, then profiles and rules for the sellers.
    assert source.sync(db, SYSTEM_CLI).status == "imported"
    setup(db)

    # Night 1.
    first = night(db, N1).run_pass("nightly")
    assert [s.status for s in first.summaries] == ["success"]
    want1 = expected(s1, N1)
    assert len(want1) == len(RULES) * len(SELLERS)
    assert sum(1 for v in want1.values() if v) >= len(want1) // 2  # real figures, not zeros
    assert same(results(db, N1), want1), (results(db, N1), want1)

    # Night 2: the CRM changed, but the reader lost its rights on `calls`.
    s2 = second_state(s1)
    crm_mariadb.write(s2)
    mariadb_server.execute(f"REVOKE SELECT ON {crm_mariadb.name}.* FROM '{READER}'@'%'")
    for table in ("users", "accounts", "meetings", "tasks", "opportunities", "meetings_users",
                  "calls_users", "accounts_opportunities"):  # fmt: skip
        mariadb_server.execute(f"GRANT SELECT ON {crm_mariadb.name}.{table} TO '{READER}'@'%'")
    second = night(db, N2).run_pass("nightly")
    assert [s.status for s in second.summaries] == ["success"]
    assert not same(expected(s2, N2), expected(s1, N2))  # the check below tells them apart
    assert same(results(db, N2), expected(s1, N2)), (results(db, N2), expected(s1, N2))
    assert same(results(db, N1), want1)  # night 1's results stay as they were
    # The status bar and Dagens KPI get the same line from the services.
    status = last_run_status(db)
    assert status is not None and status.data is not None and status.data.failed
    refused = "activities query 2: the CRM database refused the query: SELECT command denied"
    assert status.data.detail.startswith(refused)
    today = todays_kpis(db, SYSTEM_CLI, "anna", as_of=N2)
    assert today.data is not None and today.data.failed and today.run_date == N2
    assert today.data.detail.startswith(refused)

    # Night 3: rights back, the CRM changed again.
    mariadb_server.execute(f"GRANT SELECT ON {crm_mariadb.name}.* TO '{READER}'@'%'")
    s3 = third_state(s2)
    crm_mariadb.write(s3)
    third = night(db, N3).run_pass("nightly")
    assert [s.status for s in third.summaries] == ["success"]
    assert not same(expected(s3, N3), expected(s1, N3))
    assert same(results(db, N3), expected(s3, N3)), (results(db, N3), expected(s3, N3))
    status = last_run_status(db)
    assert status is not None and status.data is not None and status.data.outcome == "imported"
    assert status.data.detail == (
        "users 5, companies 6, activities 17, activity_participants 18, opportunities 7"
    )

    with db.session() as session:
        imports = session.execute(
            select(CrmImport.id, CrmImport.status, CrmImport.error).order_by(CrmImport.id)
        ).all()
    assert [row.status for row in imports] == ["success", "success", "failed", "success"]
    log = {row.date: row for row in run_log(db, SYSTEM_CLI)}
    assert [log[d].status for d in (N1, N2, N3)] == ["success"] * 3
    assert [log[d].import_id for d in (N1, N2, N3)] == [imports[1].id, imports[1].id,
                                                        imports[3].id]  # fmt: skip
    counted = "users 5, companies 6, activities 15, activity_participants 16, opportunities 7"
    assert log[N1].data is not None and log[N1].data.endswith(f"— importeret i nat: {counted}")
    note = log[N2].data
    assert note is not None and "\n" not in note
    failure = (
        "— importen i nat fejlede: activities query 2: the CRM database refused the query: "
        f"SELECT command denied to user '{READER}'@'127.0.0.1' for table "
    )
    assert failure in note, note
    assert imports[2].error is not None and imports[2].error.startswith("activities query 2: ")
    assert log[N3].data is not None and "— importeret i nat: users 5" in log[N3].data
