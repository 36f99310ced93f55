"""Text keys (issue 10): the CRM's own keys, integer ids inside, re-imports that change nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import bindparam, text

from kpidesk.data.crm_import import ImportFailed, import_crm
from kpidesk.data.db import Database, upgrade
from kpidesk.data.models import User, UTCDateTime
from tests.data.test_importer import TABLES, snapshot, write

UUID_A = "0b2f9c1e-5d3a-4e6f-9a7b-1c2d3e4f5a6b"
UUID_B = "7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"


def text_key_export(folder: Path) -> Path:
    """An export keyed like SuiteCRM and Salesforce: UUIDs, 18-character ids, codes."""
    write(
        folder,
        "users.csv",
        "id,login,name,email\n005000000000001AAA,anna,Anna,a@x.dk\n005000000000002AAA,bo,Bo,\n",
    )
    write(
        folder,
        "companies.csv",
        f"id,name,is_customer,key_account_manager\n{UUID_A},Nordhavn A/S,ja,005000000000001AAA\n"
        f" {UUID_B} ,Vejle ApS,nej,\n42,Fyn A/S,ja,\n042,Fyn Nord A/S,ja,\n",
    )
    write(
        folder,
        "activities.csv",
        "id,type,status,start_at,company_id,owner\n"
        f"1C1I7A6R,Salgsmøde,done,2026-01-05 10:00,{UUID_A},005000000000001AAA\n"
        f"1C1I7A6S,Opgave,planned,2026-02-05 10:00,{UUID_B},005000000000002AAA\n"
        "7,Opgave,planned,2026-02-06 10:00,042,\n",
    )
    write(
        folder,
        "activity_participants.csv",
        "activity_id,login\n1C1I7A6R,005000000000001AAA\n1C1I7A6R,005000000000002AAA\n"
        "1C1I7A6S,005000000000002AAA\n",
    )
    write(
        folder,
        "opportunities.csv",
        "id,name,company_id,owner,amount,stage,created_at,expected_close\n"
        f"OPP-1,Aftale,{UUID_A},005000000000001AAA,1000,open,2026-01-05 09:00,\n",
    )
    return folder


def test_text_keys_import_and_reimport_changes_nothing(db: Database, tmp_path: Path) -> None:
    folder = text_key_export(tmp_path / "export")
    first = import_crm(db, folder)
    assert [item.inserted for item in first.files] == [2, 4, 3, 3, 1]
    before = snapshot(db)
    again = import_crm(db, folder)
    for item in again.files:
        assert (item.inserted, item.updated, item.removed) == (0, 0, 0), item.summary()
    assert snapshot(db) == before
    with db.connect() as conn:
        companies = dict(conn.execute(text("SELECT crm_key, id FROM companies")).all())
        # Trimmed and compared exactly: '042' is not '42'; a plain number keeps its number.
        assert set(companies) == {UUID_A, UUID_B, "42", "042"}
        assert companies["42"] == 42
        assert len(set(companies.values())) == 4
        assert all(isinstance(v, int) for v in companies.values())
        # Every reference resolved by the CRM's key, checked by joining on the keys.
        rows = conn.execute(
            text(
                "SELECT a.crm_key, c.crm_key, u.crm_key FROM activities a "
                "LEFT JOIN companies c ON c.id = a.company_id "
                "LEFT JOIN users u ON u.id = a.owner_id ORDER BY a.crm_key"
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            ("1C1I7A6R", UUID_A, "005000000000001AAA"),
            ("1C1I7A6S", UUID_B, "005000000000002AAA"),
            ("7", "042", None),
        ]
        pairs = conn.execute(
            text(
                "SELECT a.crm_key, u.login FROM activity_participants p "
                "JOIN activities a ON a.id = p.activity_id JOIN users u ON u.id = p.user_id "
                "ORDER BY 1, 2"
            )
        ).all()
        assert [tuple(r) for r in pairs] == [
            ("1C1I7A6R", "anna"),
            ("1C1I7A6R", "bo"),
            ("1C1I7A6S", "bo"),
        ]
        kam = conn.execute(
            text("SELECT u.login FROM companies c JOIN users u ON u.id = c.key_account_manager_id")
        ).scalar_one()
        assert kam == "anna"


def test_a_renamed_login_follows_the_crm_key(db: Database, tmp_path: Path) -> None:
    folder = text_key_export(tmp_path / "export")
    import_crm(db, folder)
    with db.connect() as conn:
        anna_id = conn.execute(text("SELECT id FROM users WHERE login = 'anna'")).scalar_one()
    write(folder, "users.csv", "id,login,name,email\n005000000000001AAA,anna.j,Anna J,a@x.dk\n")
    report = import_crm(db, folder)
    assert (report.file("users.csv").inserted, report.file("users.csv").updated) == (0, 1)
    with db.connect() as conn:
        assert (
            conn.execute(
                text("SELECT id FROM users WHERE crm_key = '005000000000001AAA'")
            ).scalar_one()
            == anna_id
        )
        assert conn.execute(text("SELECT login FROM users WHERE id = :i"), {"i": anna_id}).scalar()


def test_a_kpidesk_user_is_taken_over_by_the_crm_user_with_that_login(
    db: Database, tmp_path: Path
) -> None:
    with db.session(write=True) as session:
        session.add(User(login="anna", name="Anna", email="", role="admin", active=True))
        session.add(User(login="bo", name="Bo", email="", role="user", active=True, crm_key="U-9"))
    with db.connect() as conn:
        anna_id = conn.execute(text("SELECT id FROM users WHERE login = 'anna'")).scalar_one()
    folder = tmp_path / "export"
    write(folder, "users.csv", "id,login,name,email\nU-1,anna,Anna,a@x.dk\n")
    import_crm(db, folder)
    with db.connect() as conn:
        assert conn.execute(text("SELECT id, role FROM users WHERE crm_key = 'U-1'")).one() == (
            anna_id,
            "admin",
        )
    # Bo already came from the CRM with another key: that is a clash, not a take-over.
    write(folder, "users.csv", "id,login,name,email\nU-2,bo,Bo,b@x.dk\n")
    with pytest.raises(ImportFailed) as info:
        import_crm(db, folder)
    assert info.value.errors == [
        "users.csv:2: login: login 'bo' belongs to another user in the database (CRM key 'U-9')"
    ]


def test_migration_keeps_rows_keys_and_results(empty_db_url: str, tmp_path: Path) -> None:
    """An installation from before text keys: ids become keys, a re-import changes nothing."""
    db = Database(empty_db_url)
    try:
        upgrade(db, "0003")
        start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        with db.connect(write=True) as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, login, name, email, role, active) "
                    "VALUES (3, 'anna', 'Anna', 'a@x.dk', 'user', :t)"
                ),
                {"t": True},
            )
            conn.execute(
                text("INSERT INTO companies (id, name, is_customer) VALUES (7, 'Dansk A/S', :t)"),
                {"t": True},
            )
            conn.execute(
                text(
                    "INSERT INTO activities (id, type, status, start_at, company_id, owner_id) "
                    "VALUES (11, 'Opgave', 'done', :start, 7, 3)"
                ).bindparams(bindparam("start", type_=UTCDateTime())),
                {"start": start},
            )
            conn.execute(text("INSERT INTO activity_participants VALUES (11, 3)"))
            conn.execute(
                text(
                    "INSERT INTO kpi_rules (id, name, template, params, target, active, "
                    "created_at, updated_at) VALUES (1, 'R', 'completed_activities', '{}', 1, "
                    ":t, :now, :now)"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                {"t": True, "now": start},
            )
            conn.execute(
                text(
                    "INSERT INTO kpi_results (id, run_date, user_id, rule_id, value, target, "
                    "score, computed_at) VALUES (1, '2026-03-03', 3, 1, 1, 1, 100, :now)"
                ).bindparams(bindparam("now", type_=UTCDateTime())),
                {"now": start},
            )
        upgrade(db)
        with db.connect() as conn:
            assert conn.execute(text("SELECT id, crm_key FROM users")).all() == [(3, "anna")]
            assert conn.execute(text("SELECT id, crm_key FROM companies")).all() == [(7, "7")]
            assert conn.execute(text("SELECT id, crm_key FROM activities")).all() == [(11, "11")]
        folder = tmp_path / "export"
        write(folder, "users.csv", "login,name,email,role,active\nanna,Anna,a@x.dk,user,true\n")
        write(folder, "companies.csv", "id,name,is_customer\n7,Dansk A/S,ja\n")
        write(
            folder,
            "activities.csv",
            "id,type,status,start_at,company_id,owner\n11,Opgave,done,2026-03-02T09:00Z,7,anna\n",
        )
        write(folder, "activity_participants.csv", "activity_id,login\n11,anna\n")
        # The export the rows came from matches them all: nothing new, nothing removed (a
        # time written by another program in another text form may be rewritten once).
        report = import_crm(db, folder)
        for item in report.files:
            assert (item.inserted, item.removed) == (0, 0), item.summary()
        with db.connect() as conn:
            assert conn.execute(text("SELECT id, crm_key FROM activities")).all() == [(11, "11")]
            assert conn.execute(text("SELECT * FROM activity_participants")).all() == [(11, 3)]
        before = snapshot(db)
        again = import_crm(db, folder)
        for item in again.files:
            assert (item.inserted, item.updated, item.removed) == (0, 0, 0), item.summary()
        assert snapshot(db) == before
        with db.connect() as conn:
            assert conn.execute(text("SELECT user_id, value FROM kpi_results")).all() == [(3, 1)]
    finally:
        db.dispose()


def test_snapshot_tables_are_the_crm_tables() -> None:
    assert "companies" in TABLES
