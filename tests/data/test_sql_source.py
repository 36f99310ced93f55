"""The `sql` data source: SuiteCRM's own database read with the `suitecrm-sql` preset.

A real MariaDB server (tests/mariadb.py) and a "CRM" database on the PostgreSQL test server
hold SuiteCRM 7's tables (tests/data/suitecrm_db.py); kpidesk runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import DBAPIError

from kpidesk.data.db import Database
from kpidesk.data.models import (
    Activity,
    ActivityParticipant,
    Company,
    Opportunity,
    User,
)
from kpidesk.data.source import sync
from kpidesk.services import source as source_service
from kpidesk.services.caller import SYSTEM_CLI
from tests.data.suitecrm_db import READER_PASSWORD, Crm, CrmDatabase, utc

DAY = dt.date(2026, 11, 10)


def suitecrm() -> Crm:
    """A small SuiteCRM: every kind of row the preset reads, deleted and declined ones too."""
    crm = Crm()
    admin = crm.add("users", user_name="admin", first_name="", last_name="Administrator",
                    is_admin=1, status="Active")  # fmt: skip
    anna = crm.add("users", user_name="anna", first_name="Anna", last_name="Ørsted",
                   is_admin=0, status="Active")  # fmt: skip
    bo = crm.add("users", user_name="bo", first_name="Bo", last_name="Berg", is_admin=0,
                 status="Inactive")  # fmt: skip
    gone = crm.add("users", user_name="gone", first_name="Ex", last_name="Sælger", is_admin=0,
                   status="Active", deleted=1)  # fmt: skip
    kunde = crm.add("accounts", name="Kunde A/S", account_type="Customer",
                    assigned_user_id=anna["id"])  # fmt: skip
    crm.add("accounts", name="Emne ApS", account_type=None, assigned_user_id=anna["id"])
    crm.add("accounts", name="Slettet A/S", account_type="Customer",
            assigned_user_id=anna["id"], deleted=1)  # fmt: skip
    held = crm.add("meetings", name="Møde", status="Held", date_start=utc(DAY, 8),
                   date_end=utc(DAY, 9), parent_type="Accounts", parent_id=kunde["id"],
                   assigned_user_id=anna["id"])  # fmt: skip
    planned = crm.add("meetings", name="Opfølgning", status="Planned",
                      date_start=utc(DAY + dt.timedelta(days=3), 13), date_end=None,
                      parent_type="Contacts", parent_id="c0ffee",
                      assigned_user_id=anna["id"])  # fmt: skip
    deleted_meeting = crm.add("meetings", name="Aflyst", status="Planned",
                              date_start=utc(DAY, 10), assigned_user_id=anna["id"],
                              deleted=1)  # fmt: skip
    crm.add("meetings_users", meeting_id=held["id"], user_id=anna["id"], accept_status="accept")
    crm.add("meetings_users", meeting_id=held["id"], user_id=bo["id"], accept_status="decline")
    crm.add("meetings_users", meeting_id=planned["id"], user_id=anna["id"])
    crm.add("meetings_users", meeting_id=planned["id"], user_id=admin["id"], deleted=1)
    crm.add("meetings_users", meeting_id=deleted_meeting["id"], user_id=anna["id"])
    call = crm.add("calls", name="Opkald", status="Not Held", date_start=utc(DAY, 11),
                   date_end=utc(DAY, 11, 15), parent_type="Accounts", parent_id=kunde["id"],
                   assigned_user_id=gone["id"])  # fmt: skip
    crm.add("calls_users", call_id=call["id"], user_id=gone["id"], accept_status="accept")
    crm.add("tasks", name="Tilbud", status="In Progress", date_due=utc(DAY, 15),
            parent_type="Accounts", parent_id=kunde["id"], assigned_user_id=anna["id"])  # fmt: skip
    crm.add("tasks", name="Uden dato", status="Not Started", date_due=None,
            assigned_user_id=anna["id"])  # fmt: skip
    won = crm.add("opportunities", name="Stor ordre", amount=125000.5, sales_stage="Closed Won",
                  date_closed=DAY, assigned_user_id=anna["id"])  # fmt: skip
    crm.add("accounts_opportunities", opportunity_id=won["id"], account_id=kunde["id"])
    crm.add("opportunities", name="Pipeline", amount=9900.0, sales_stage="Proposal/Price Quote",
            date_closed=DAY + dt.timedelta(days=20), assigned_user_id=anna["id"])  # fmt: skip
    crm.add("opportunities", name="Slettet", amount=1.0, sales_stage="Prospecting",
            date_closed=DAY, assigned_user_id=anna["id"], deleted=1)  # fmt: skip
    return crm


def set_source(
    db: Database,
    crm_db: CrmDatabase,
    mapping: str = "suitecrm-sql",
    *,
    password: str = READER_PASSWORD,
    timeout: int | None = None,
) -> list[str]:
    """`kpidesk source set sql` through the service, the reader's password in the URL."""
    url = crm_db.reader_url
    if password:
        url = source_service.url_with_password(url, password)
    return source_service.set_sql(db, SYSTEM_CLI, url, mapping, timeout)


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (User, Company, Activity, ActivityParticipant, Opportunity)
        }


@pytest.mark.parametrize("crm_backend", ["mariadb", "postgresql"])
def test_the_suitecrm_preset_reads_the_crm_database(
    db: Database, crm_backend: str, request: pytest.FixtureRequest
) -> None:
    crm_db: CrmDatabase = request.getfixturevalue(f"crm_{crm_backend}")
    crm = suitecrm()
    crm_db.write(crm)
    assert set_source(db, crm_db) == []
    result = sync(db)
    assert result.status == "imported", result.errors
    assert result.report is not None
    assert result.message == (
        "users 4, companies 3, activities 5, activity_participants 5, opportunities 3"
    )
    assert result.report.file("activities.csv").sources == [
        "activities query 1", "activities query 2", "activities query 3",
    ]  # fmt: skip
    with db.session() as session:
        users = {u.login: (u.name, u.role, u.active) for u in session.scalars(select(User))}
        assert users == {
            "admin": ("Administrator", "admin", True),
            "anna": ("Anna Ørsted", "user", True),
            "bo": ("Bo Berg", "user", False),
            "gone": ("Ex Sælger", "user", False),  # deleted in SuiteCRM
        }
        companies = {c.name: (c.is_customer, c.key_account_manager_id is not None)
                     for c in session.scalars(select(Company))}  # fmt: skip
        assert companies == {
            "Kunde A/S": (True, True),
            "Emne ApS": (False, True),
            "Slettet A/S": (False, False),
        }
        acts = {(a.type, a.crm_key): a for a in session.scalars(select(Activity))}
        by_name = {crm.find(t, id=key)["name"]: a for (kind, key), a in acts.items()
                   for t in ("meetings", "calls", "tasks") if _has(crm, t, key)}  # fmt: skip
        assert {name: a.status for name, a in by_name.items()} == {
            "Møde": "done", "Opfølgning": "planned", "Aflyst": "cancelled",
            "Opkald": "cancelled", "Tilbud": "planned",
        }  # fmt: skip
        assert by_name["Møde"].start_at == dt.datetime(2026, 11, 10, 8, tzinfo=dt.UTC)
        assert by_name["Møde"].company_id is not None
        assert by_name["Opfølgning"].company_id is None  # its parent is a contact
        assert by_name["Opfølgning"].end_at is None
        pairs = set(
            session.execute(
                select(Activity.crm_key, User.login)
                .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
                .join(User, User.id == ActivityParticipant.user_id)
            ).all()
        )
        ids = {name: a.crm_key for name, a in by_name.items()}
        assert pairs == {
            (ids["Møde"], "anna"),  # bo declined
            (ids["Opfølgning"], "anna"),  # the admin's invitation was deleted
            (ids["Aflyst"], "anna"),
            (ids["Opkald"], "gone"),
            (ids["Tilbud"], "anna"),
        }
        deals = {o.name: o for o in session.scalars(select(Opportunity))}
        assert deals["Stor ordre"].amount == Decimal("125000.50")
        assert deals["Stor ordre"].stage == "won"
        assert deals["Stor ordre"].closed_at == dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
        assert deals["Stor ordre"].company_id is not None
        assert deals["Pipeline"].stage == "open" and deals["Pipeline"].closed_at is None
        assert deals["Pipeline"].expected_close == DAY + dt.timedelta(days=20)
        assert deals["Slettet"].owner_id is None  # deleted: counts for nobody
    # The same database again: nothing changes.
    again = sync(db)
    assert again.status == "imported"
    assert again.report is not None
    assert all(f.inserted == f.updated == 0 for f in again.report.files), again.report.lines()


def _has(crm: Crm, table: str, key: str) -> bool:
    return any(row["id"] == key for row in crm.tables[table])


@pytest.mark.parametrize("backend", ["sqlite"])
def test_any_sqlalchemy_url_even_a_sqlite_file(db: Database, tmp_path: Path) -> None:
    """A CRM kept in a SQLite file: read-only (`query_only`) with a time-out of its own."""
    from kpidesk.data import sql_source
    from tests.data.suitecrm_db import ddl, write

    crm_url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    engine = create_engine(crm_url)
    with engine.begin() as conn:
        for statement in ddl("postgresql"):  # plain SQL types; SQLite takes them as they are
            conn.exec_driver_sql(statement)
    engine.dispose()
    write(crm_url, suitecrm())
    assert source_service.set_sql(db, SYSTEM_CLI, crm_url, "suitecrm-sql", 1) == []
    result = sync(db)
    assert result.status == "imported", result.errors
    assert result.message.startswith("users 4, companies 3, activities 5")
    crm = sql_source.make_engine(crm_url, "", 1)
    try:
        with sql_source.read_only(crm, 1) as conn:
            with pytest.raises(DBAPIError) as caught:
                conn.exec_driver_sql("DELETE FROM users")
            assert "readonly" in str(caught.value).replace("-", "").replace(" ", "")
            slow = (
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                "SELECT COUNT(*) FROM n WHERE x < 1000000000"
            )
            with pytest.raises(DBAPIError) as caught:
                conn.exec_driver_sql(slow).all()
            assert sql_source.query_problem(caught.value, "users query", 1).startswith(
                "users query: the query did not finish within the time-out of 1 s"
            )
    finally:
        crm.dispose()
