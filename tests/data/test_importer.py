"""The CRM import rules of issue 2, each on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from kpidesk.data import settings
from kpidesk.data.crm_import import ImportFailed, ImportReport, import_crm
from kpidesk.data.db import Database
from kpidesk.data.models import Activity, ActivityParticipant, Company, Opportunity, Profile, User

TABLES = ("profiles", "users", "companies", "activities", "activity_participants", "opportunities")

USERS_CSV = """login,name,email,role,active,profile
anna,Anna Jensen,anna@firma.dk,admin,true,Salg
bo,Bo Hansen,bo@firma.dk,user,false,Support
carl,Carl Nielsen,,,,
"""
COMPANIES_CSV = """id,name,is_customer,key_account_manager
1,"Nordhavn Logistik A/S",yes,anna
2,"Vejle VVS, Service og Byg ApS",no,
"""
ACTIVITIES_CSV = """id,type,status,start_at,end_at,company_id,owner
10,Salgsmøde,planned,2026-12-01 10:00,2026-12-01 11:00,1,anna
11,Opgave,done,2026-11-02T09:00:00+01:00,,,bo
12,E-mail,cancelled,2026-11-03T08:00:00Z,,2,
"""
PARTICIPANTS_CSV = """activity_id,login
10,anna
10,bo
11,bo
12,carl
"""
OPPORTUNITIES_CSV = """id,name,company_id,owner,amount,stage,created_at,expected_close,closed_at
5,Serviceaftale,1,anna,125000.50,won,2026-01-05 09:00,2026-02-01,2026-01-20 12:00
6,Pilotprojekt,,,0,open,2026-02-01 09:00,,
"""


def write(folder: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode(encoding))
    return path


def base_export(folder: Path) -> Path:
    write(folder, "users.csv", USERS_CSV)
    write(folder, "companies.csv", COMPANIES_CSV)
    write(folder, "activities.csv", ACTIVITIES_CSV)
    write(folder, "activity_participants.csv", PARTICIPANTS_CSV)
    write(folder, "opportunities.csv", OPPORTUNITIES_CSV)
    return folder


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every CRM table, in a stable order: 'the database exactly as before'."""
    with db.connect() as conn:
        return {
            table: sorted(
                (tuple(row) for row in conn.execute(text(f"SELECT * FROM {table}"))), key=repr
            )
            for table in TABLES
        }


def counts(report: ImportReport, name: str) -> tuple[int, int, int]:
    item = report.file(name)
    return item.inserted, item.updated, item.unchanged


def failed(db: Database, folder: Path) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        import_crm(db, folder)
    return info.value.errors


UTC = dt.UTC


def test_import_stores_every_file(db: Database, tmp_path: Path) -> None:
    report = import_crm(db, base_export(tmp_path / "export"))
    assert counts(report, "users.csv") == (3, 0, 0)
    assert counts(report, "companies.csv") == (2, 0, 0)
    assert counts(report, "activities.csv") == (3, 0, 0)
    assert counts(report, "activity_participants.csv") == (4, 0, 0)
    assert counts(report, "opportunities.csv") == (2, 0, 0)
    assert report.profiles_created == ["Salg", "Support"]
    with db.session() as s:
        anna = s.scalars(select(User).where(User.login == "anna")).one()
        assert (anna.name, anna.email, anna.role, anna.active) == (
            "Anna Jensen",
            "anna@firma.dk",
            "admin",
            True,
        )
        assert anna.profile is not None and anna.profile.name == "Salg"
        bo = s.scalars(select(User).where(User.login == "bo")).one()
        assert (bo.active, bo.profile.name if bo.profile else None) == (False, "Support")
        carl = s.scalars(select(User).where(User.login == "carl")).one()
        assert (carl.email, carl.role, carl.active, carl.profile_id) == ("", "user", True, None)
        company = s.get(Company, 1)
        assert company is not None and company.key_account_manager_id == anna.id
        assert company.name == "Nordhavn Logistik A/S" and company.is_customer
        other = s.get(Company, 2)
        assert other is not None
        assert (other.name, other.is_customer, other.key_account_manager_id) == (
            "Vejle VVS, Service og Byg ApS",
            False,
            None,
        )
        meeting = s.get(Activity, 10)
        assert meeting is not None
        assert meeting.start_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        assert meeting.end_at == dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
        assert (meeting.company_id, meeting.owner_id, meeting.status) == (1, anna.id, "planned")
        task = s.get(Activity, 11)
        assert task is not None and task.start_at == dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
        assert (task.end_at, task.company_id, task.owner_id) == (None, None, bo.id)
        mail = s.get(Activity, 12)
        assert mail is not None and mail.start_at == dt.datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
        assert mail.owner_id is None
        pairs = set(s.execute(select(ActivityParticipant.activity_id, ActivityParticipant.user_id)))
        assert pairs == {(10, anna.id), (10, bo.id), (11, bo.id), (12, carl.id)}
        won = s.get(Opportunity, 5)
        assert won is not None
        assert (won.amount, won.stage, won.owner_id, won.company_id) == (
            Decimal("125000.50"),
            "won",
            anna.id,
            1,
        )
        assert won.created_at == dt.datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        assert won.expected_close == dt.date(2026, 2, 1)
        assert won.closed_at == dt.datetime(2026, 1, 20, 11, 0, tzinfo=UTC)
        open_ = s.get(Opportunity, 6)
        assert open_ is not None
        assert (open_.company_id, open_.owner_id, open_.expected_close, open_.closed_at) == (
            None,
            None,
            None,
            None,
        )


def test_reimport_of_the_same_export_changes_nothing(db: Database, tmp_path: Path) -> None:
    folder = base_export(tmp_path / "export")
    import_crm(db, folder)
    before = snapshot(db)
    again = import_crm(db, folder)
    for item in again.files:
        assert (item.inserted, item.updated, item.removed) == (0, 0, 0), item.summary()
        assert item.unchanged == item.rows
    assert again.profiles_created == []
    assert snapshot(db) == before


def test_newer_export_updates_and_replaces_participants(db: Database, tmp_path: Path) -> None:
    import_crm(db, base_export(tmp_path / "old"))
    new = tmp_path / "new"
    write(new, "users.csv", USERS_CSV.replace("Bo Hansen", "Bo Hansen-Holm"))
    write(
        new,
        "activities.csv",
        ACTIVITIES_CSV.replace("10,Salgsmøde,planned", "10,Salgsmøde,done")
        + "13,Telefonmøde,done,2026-11-04 13:00,2026-11-04 13:30,2,carl\n",
    )
    # Activity 10 loses bo and gains carl; activity 11 is not mentioned and keeps bo.
    write(new, "activity_participants.csv", "activity_id,login\n10,anna\n10,carl\n13,carl\n")
    write(
        new,
        "opportunities.csv",
        OPPORTUNITIES_CSV.replace(
            "6,Pilotprojekt,,,0,open,2026-02-01 09:00,,",
            "6,Pilotprojekt,2,anna,40000,lost,2026-02-01 09:00,2026-03-01,2026-03-02 10:00",
        ),
    )
    report = import_crm(db, new)
    assert counts(report, "users.csv") == (0, 1, 2)
    assert counts(report, "activities.csv") == (1, 1, 2)
    participants = report.file("activity_participants.csv")
    assert (participants.inserted, participants.removed, participants.unchanged) == (2, 1, 1)
    assert counts(report, "opportunities.csv") == (0, 1, 1)
    with db.session() as s:
        ids = dict(s.execute(select(User.login, User.id)).all())
        assert s.get(User, ids["bo"]).name == "Bo Hansen-Holm"  # type: ignore[union-attr]
        assert s.get(Activity, 10).status == "done"  # type: ignore[union-attr]
        pairs = set(s.execute(select(ActivityParticipant.activity_id, ActivityParticipant.user_id)))
        assert pairs == {
            (10, ids["anna"]),
            (10, ids["carl"]),
            (11, ids["bo"]),
            (12, ids["carl"]),
            (13, ids["carl"]),
        }
        lost = s.get(Opportunity, 6)
        assert lost is not None and (lost.stage, lost.amount) == ("lost", Decimal("40000.00"))
        assert lost.closed_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_encodings_utf8_bom_and_windows_1252(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write(
        folder,
        "users.csv",
        "\ufefflogin,name,email\nsoeren,Søren Ærø,s@firma.dk\n",
        encoding="utf-8",
    )
    write(
        folder,
        "companies.csv",
        "id;name;is_customer;key_account_manager\n7;Åbenrå Fiskeeksport ØST A/S;ja;soeren\n",
        encoding="cp1252",
    )
    write(folder, "activities.csv", "id,type,status,start_at\n1,Salgsmøde,done,2026-01-05 10:00\n")
    report = import_crm(db, folder)
    assert report.file("users.csv").encoding == "UTF-8 with BOM"
    assert report.file("companies.csv").encoding == "Windows-1252"
    assert report.file("companies.csv").delimiter == ";"
    assert report.file("activities.csv").encoding == "UTF-8"
    assert "companies.csv: 1 rows (Windows-1252, ';')" in "\n".join(report.lines())
    with db.session() as s:
        assert s.scalars(select(User.name)).one() == "Søren Ærø"
        assert s.get(Company, 7).name == "Åbenrå Fiskeeksport ØST A/S"  # type: ignore[union-attr]


def test_neither_utf8_nor_windows_1252_is_an_error(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder).mkdir()
    (folder / "users.csv").write_bytes(b"login,name,email\nanna,An\x81na,a@x.dk\n")
    errors = failed(db, folder)
    assert len(errors) == 1
    assert errors[0].startswith("users.csv:2: (file): neither UTF-8 nor Windows-1252")


def test_semicolon_delimiter_and_decimal_comma(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write(folder, "users.csv", "login;name;email\nanna;Anna;a@x.dk\n")
    write(
        folder,
        "opportunities.csv",
        "id;name;company_id;owner;amount;stage;created_at;expected_close;closed_at\n"
        '1;"Aftale; stor";;anna;125000,50;open;2026-01-05 09:00;2026-03-01;\n'
        "2;B;;anna;1.234.567,89;open;2026-01-05 09:00;;\n"
        "3;C;;anna;2 500,5;open;2026-01-05 09:00;;\n"
        "4;D;;anna;99.95;open;2026-01-05 09:00;;\n"
        "5;E;;anna;1,234.50;open;2026-01-05 09:00;;\n"
        "6;F;;anna;12.500,00 kr.;open;2026-01-05 09:00;;\n"
        "7;G;;anna;DKK 3000;open;2026-01-05 09:00;;\n",
    )
    report = import_crm(db, folder)
    assert report.file("opportunities.csv").delimiter == ";"
    with db.session() as s:
        amounts = dict(s.execute(select(Opportunity.id, Opportunity.amount)).all())
        assert s.get(Opportunity, 1).name == "Aftale; stor"  # type: ignore[union-attr]
    assert amounts == {
        1: Decimal("125000.50"),
        2: Decimal("1234567.89"),
        3: Decimal("2500.50"),
        4: Decimal("99.95"),
        5: Decimal("1234.50"),
        6: Decimal("12500.00"),
        7: Decimal("3000.00"),
    }


def test_booleans_in_every_spelling(db: Database, tmp_path: Path) -> None:
    spellings = {"true": True, "FALSE": False, "1": True, "0": False, "Yes": True, "no": False}
    spellings |= {"ja": True, "Nej": False}
    rows = "".join(f"u{k},User {k},u{k}@x.dk,{word}\n" for k, word in enumerate(spellings))
    folder = tmp_path / "export"
    write(folder, "users.csv", "login,name,email,active\n" + rows)
    import_crm(db, folder)
    with db.session() as s:
        stored = dict(s.execute(select(User.login, User.active)).all())
    assert stored == {f"u{k}": value for k, value in enumerate(spellings.values())}
    write(folder, "users.csv", "login,name,email,active\nx,X,x@x.dk,maybe\ny,Y,y@x.dk,2\n")
    errors = failed(db, folder)
    assert errors == [
        "users.csv:2: active: invalid boolean 'maybe': use true/false, 1/0, yes/no or ja/nej",
        "users.csv:3: active: invalid boolean '2': use true/false, 1/0, yes/no or ja/nej",
    ]


def test_naive_datetimes_are_local_time_across_dst(db: Database, tmp_path: Path) -> None:
    """Europe/Copenhagen: UTC+1 in winter, UTC+2 in summer; DST starts 2026-03-29 02:00."""
    folder = tmp_path / "export"
    write(
        folder,
        "activities.csv",
        "id,type,status,start_at,end_at\n"
        "1,Opgave,done,2026-03-28 10:00,\n"  # the day before DST: +01:00
        "2,Opgave,done,2026-03-29 10:00,\n"  # DST day: +02:00
        "3,Opgave,done,2026-03-29 01:30,2026-03-29 03:30\n"  # across the switch: 1 h apart
        "4,Opgave,done,2026-10-25 12:00,\n"  # back to winter time
        "5,Opgave,done,2026-07-01T10:00:00+05:00,\n"  # an explicit offset wins
        "6,Opgave,done,2026-07-01T10:00:00Z,\n"
        "7,Opgave,done,2026-07-01,\n"  # a date alone is local midnight
        "8,Opgave,done,2026-10-25 02:30,\n"  # twice that night: the first (summer time)
        "9,Opgave,done,2026-03-29 02:30,\n",  # not on the clock that night: winter offset
    )
    import_crm(db, folder)
    with db.session() as s:
        starts = dict(s.execute(select(Activity.id, Activity.start_at)).all())
        across = s.get(Activity, 3)
    assert starts == {
        1: dt.datetime(2026, 3, 28, 9, 0, tzinfo=UTC),
        2: dt.datetime(2026, 3, 29, 8, 0, tzinfo=UTC),
        3: dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        4: dt.datetime(2026, 10, 25, 11, 0, tzinfo=UTC),
        5: dt.datetime(2026, 7, 1, 5, 0, tzinfo=UTC),
        6: dt.datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
        7: dt.datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
        8: dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        9: dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    }
    assert across is not None and across.end_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_naive_datetimes_follow_the_installation_time_zone(db: Database, tmp_path: Path) -> None:
    with db.session(write=True) as s:
        settings.set_value(s, "timezone", "America/New_York")
    folder = tmp_path / "export"
    write(folder, "activities.csv", "id,type,status,start_at\n1,Opgave,done,2026-01-10 09:00\n")
    import_crm(db, folder)
    with db.session() as s:
        start = s.get(Activity, 1).start_at  # type: ignore[union-attr]
    assert start == dt.datetime(2026, 1, 10, 14, 0, tzinfo=UTC)


def test_absent_optional_columns_keep_stored_values(db: Database, tmp_path: Path) -> None:
    import_crm(db, base_export(tmp_path / "full"))
    short = tmp_path / "short"
    # No role, active or profile column: anna stays admin in Salg, bo stays inactive.
    write(short, "users.csv", "login,name,email\nanna,Anna Jensen,anna@firma.dk\nbo,Bo,bo@x.dk\n")
    report = import_crm(db, short)
    assert counts(report, "users.csv") == (0, 1, 1)
    with db.session() as s:
        anna = s.scalars(select(User).where(User.login == "anna")).one()
        bo = s.scalars(select(User).where(User.login == "bo")).one()
        assert (anna.role, anna.active, anna.profile.name if anna.profile else None) == (
            "admin",
            True,
            "Salg",
        )
        assert (bo.name, bo.active, bo.profile.name if bo.profile else None) == (
            "Bo",
            False,
            "Support",
        )


def test_a_profile_column_moves_users_and_creates_missing_profiles(
    db: Database, tmp_path: Path
) -> None:
    import_crm(db, base_export(tmp_path / "full"))
    folder = tmp_path / "moved"
    write(
        folder,
        "users.csv",
        "login,name,email,profile\nanna,Anna Jensen,anna@firma.dk,Ledelse\n"
        "bo,Bo Hansen,bo@firma.dk,\n",
    )
    report = import_crm(db, folder)
    assert report.profiles_created == ["Ledelse"]
    with db.session() as s:
        profiles = dict(s.execute(select(User.login, User.profile_id)).all())
        names = dict(s.execute(select(Profile.id, Profile.name)).all())
    assert names[profiles["anna"]] == "Ledelse"
    assert profiles["bo"] is None


def test_references_may_point_at_rows_already_stored(db: Database, tmp_path: Path) -> None:
    import_crm(db, base_export(tmp_path / "first"))
    later = tmp_path / "later"
    write(later, "activities.csv", "id,type,status,start_at,company_id,owner\n")
    with (later / "activities.csv").open("a", encoding="utf-8") as handle:
        handle.write("20,Salgsmøde,done,2026-11-10 10:00,2,carl\n")
    write(later, "activity_participants.csv", "activity_id,login\n20,carl\n11,anna\n")
    report = import_crm(db, later)
    assert counts(report, "activities.csv") == (1, 0, 0)
    with db.session() as s:
        ids = dict(s.execute(select(User.login, User.id)).all())
        pairs = set(s.execute(select(ActivityParticipant.activity_id, ActivityParticipant.user_id)))
    assert (20, ids["carl"]) in pairs
    assert (11, ids["anna"]) in pairs and (11, ids["bo"]) not in pairs  # replaced set


def test_every_error_kind_is_reported_with_file_line_and_column(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    write(
        folder,
        "users.csv",
        "login,name,email,role\n"
        "anna,Anna,anna@x.dk,admin\n"
        "bo,Bo,not-an-address,user\n"  # 3
        "carl,Carl,c@x.dk,boss\n"  # 4
        "anna,Anna igen,a2@x.dk,user\n",  # 5
    )
    write(
        folder,
        "companies.csv",
        "id,name,is_customer,key_account_manager\n"
        "1,Nordhavn Logistik A/S,ja,anna\n"
        "2,Vejle VVS ApS,maybe,\n"  # 3
        "3,Aarhus Byg A/S,ja,nobody\n",  # 4
    )
    write(
        folder,
        "activities.csv",
        "id,type,status,start_at,end_at,company_id,owner\n"
        "10,Salgsmøde,open,2026-01-05 10:00,,1,anna\n"  # 2
        "11,Salgsmøde,done,5/1/2026 10:00,,1,anna\n"  # 3
        "12,Salgsmøde,done,2026-01-05 10:00,,999,anna\n"  # 4
        "13,Salgsmøde,done,2026-01-05 10:00,,1,ghost\n"  # 5
        "14,Salgsmøde,done,2026-01-05 10:00,,1\n"  # 6: a value short
        + "x"
        * 65
        + ",Salgsmøde,done,2026-01-05 10:00,,1,anna\n"  # 7: a key longer than 64 characters
        "16,,done,2026-01-05 10:00,,1,anna\n"  # 8
        "17,Opgave,done,2026-01-05 10:00,2026-01-05 09:00,,anna\n"  # 9
        "17,Opgave,done,2026-01-05 10:00,,,anna\n",  # 10
    )
    write(
        folder,
        "activity_participants.csv",
        "activity_id,login\n777,anna\n17,anna\n17,anna\n",
    )
    write(
        folder,
        "opportunities.csv",
        "id,name,company_id,owner,amount,stage,created_at,expected_close,closed_at\n"
        "1,A,1,anna,1000,won,2026-01-05 09:00,2026-02-01,\n"  # 2
        "2,B,1,anna,1000,open,2026-01-05 09:00,01-02-2026,\n"  # 3
        "3,C,1,anna,tusind,open,2026-01-05 09:00,,\n"  # 4
        "4,D,1,anna,-5,open,2026-01-05 09:00,,\n"  # 5
        "5,E,1,anna,10,maybe,2026-01-05 09:00,,\n",  # 6
    )
    errors = failed(db, folder)
    expected = [
        "users.csv:3: email: invalid e-mail address 'not-an-address'",
        "users.csv:4: role: unknown value 'boss': use one of admin, user",
        "users.csv:5: login: duplicate login anna (first on line 2)",
        "companies.csv:3: is_customer: invalid boolean 'maybe'",
        "companies.csv:4: key_account_manager: unknown user 'nobody' "
        "(neither in users.csv nor in the database)",
        "activities.csv:2: status: unknown value 'open': use one of planned, done, cancelled",
        "activities.csv:3: start_at: invalid date-time '5/1/2026 10:00'",
        "activities.csv:4: company_id: unknown company '999'",
        "activities.csv:5: owner: unknown user 'ghost'",
        "activities.csv:6: (row): expected 7 values as in the header, found 6",
        "activities.csv:7: id: key 'xxxxxxxxxxxxxxxxxxxx'… longer than 64 characters",
        "activities.csv:8: type: value required",
        "activities.csv:9: end_at: ends before start_at",
        "activities.csv:10: id: duplicate id 17 (first on line 9)",
        "activity_participants.csv:2: activity_id: unknown activity '777'",
        "activity_participants.csv:4: login: duplicate activity_id+login 17/anna (first on line 3)",
        "opportunities.csv:2: closed_at: required when stage is won",
        "opportunities.csv:3: expected_close: invalid date '01-02-2026': use YYYY-MM-DD",
        "opportunities.csv:4: amount: invalid amount 'tusind'",
        "opportunities.csv:5: amount: negative amount '-5'",
        "opportunities.csv:6: stage: unknown value 'maybe': use one of open, won, lost",
    ]
    assert len(errors) == len(expected), "\n".join(errors)
    for error, start in zip(errors, expected, strict=True):
        assert error.startswith(start), f"{error!r} does not start with {start!r}"
    assert snapshot(db) == {table: [] for table in TABLES}


def test_all_bad_rows_are_listed_not_just_the_first(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    rows = "".join(f"{k},Opgave,done,2026-13-{k:02d} 10:00\n" for k in range(1, 51))
    write(folder, "activities.csv", "id,type,status,start_at\n" + rows)
    with pytest.raises(ImportFailed) as info:
        import_crm(db, folder)
    errors = info.value.errors
    # The first five of the kind listed, the other 45 counted in one line (issue 10).
    assert [e.split(":")[1] for e in errors] == ["2", "3", "4", "5", "6", "7-51"]
    assert errors[-1].startswith("activities.csv:7-51: start_at: 45 more like this (e.g. line 7:")
    assert info.value.total == 50


def test_missing_required_column_is_reported_once_with_the_header(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    write(folder, "activities.csv", "id,type,start_at\n1,Opgave,2026-01-05 10:00\n")
    write(folder, "users.csv", "login,email\nanna,a@x.dk\n")
    errors = failed(db, folder)
    assert errors == [
        "users.csv:1: name: missing required column (header: login,email)",
        "activities.csv:1: status: missing required column (header: id,type,start_at)",
    ]


def test_failed_import_leaves_the_database_exactly_as_before(db: Database, tmp_path: Path) -> None:
    import_crm(db, base_export(tmp_path / "first"))
    before = snapshot(db)
    folder = tmp_path / "mixed"
    # Good changes in every file (a new profile, new and changed rows) and one bad row.
    write(
        folder,
        "users.csv",
        USERS_CSV.replace("Support", "Nyt Team") + "dina,Dina,d@x.dk,user,true,Salg\n",
    )
    write(folder, "companies.csv", COMPANIES_CSV + "3,Ny Kunde ApS,ja,dina\n")
    write(
        folder,
        "activities.csv",
        ACTIVITIES_CSV.replace("planned", "done") + "30,Opgave,done,2026-11-10 10:00,,3,dina\n",
    )
    write(folder, "activity_participants.csv", "activity_id,login\n10,dina\n30,dina\n")
    write(
        folder,
        "opportunities.csv",
        OPPORTUNITIES_CSV + "7,Stor aftale,3,dina,5000,won,2026-01-05 09:00,2026-02-01,\n",
    )
    errors = failed(db, folder)
    assert errors == ["opportunities.csv:4: closed_at: required when stage is won"]
    assert snapshot(db) == before
    # And the same export, once fixed, goes in.
    write(
        folder,
        "opportunities.csv",
        OPPORTUNITIES_CSV
        + "7,Stor aftale,3,dina,5000,won,2026-01-05 09:00,2026-02-01,2026-01-30 10:00\n",
    )
    report = import_crm(db, folder)
    assert report.profiles_created == ["Nyt Team"]
    assert snapshot(db) != before


def test_line_numbers_are_physical_lines(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write(
        folder,
        "companies.csv",
        'id,name,is_customer\n1,"Holm & Søn\nAfdeling Nord ApS",ja\n\n2,Ok A/S,nej\n3,Bad,hmm\n',
    )
    errors = failed(db, folder)
    assert errors == [
        "companies.csv:6: is_customer: invalid boolean 'hmm': use true/false, 1/0, yes/no or ja/nej"
    ]


def test_folder_problems_and_ignored_files(db: Database, tmp_path: Path) -> None:
    assert failed(db, tmp_path / "missing") == [f"{tmp_path / 'missing'}: folder not found"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert failed(db, empty) == [
        f"{empty}: no CRM files found (expected users.csv, companies.csv, activities.csv, "
        "activity_participants.csv, opportunities.csv)"
    ]
    folder = tmp_path / "export"
    write(folder, "Users.CSV", "login,name,email,department\nanna,Anna,a@x.dk,Salg\n")
    write(folder, "notes.csv", "whatever\n")
    report = import_crm(db, folder)
    assert report.ignored_files == ["notes.csv"]
    assert report.file("users.csv").ignored_columns == ("department",)
    write(folder, "users.csv", "")
    (folder / "Users.CSV").unlink()
    assert failed(db, folder) == [
        "users.csv:1: (file): the file is empty (a header line is required)"
    ]


def test_progress_reports_each_stage(db: Database, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    import_crm(db, base_export(tmp_path / "export"), progress=lambda *a: seen.append(a))
    stages = [stage for stage, _, _ in seen]
    assert stages[0] == "users.csv" and "checking" in stages and stages[-1] == "writing"
    assert seen[-1][1] == seen[-1][2]


def _schema(db: Database) -> dict[str, Any]:
    from sqlalchemy import inspect

    inspector = inspect(db.engine)
    return {
        table: (
            sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)),
            sorted(
                (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(table)
            ),
        )
        for table in TABLES
    }


def test_bulk_load_rebuilds_indexes_and_keys_as_they_were(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big load builds indexes (and PostgreSQL's foreign keys) once after the rows."""
    from kpidesk.data.crm_import import merge

    monkeypatch.setattr(merge, "BULK_ROWS", 2)
    dropped: list[str] = []
    real_drop = merge.DropIndex
    monkeypatch.setattr(merge, "DropIndex", lambda i: dropped.append(i.name) or real_drop(i))
    before = _schema(db)
    report = import_crm(db, base_export(tmp_path / "export"))
    assert counts(report, "activities.csv") == (3, 0, 0)
    assert "ix_activities_type_status_start" in dropped
    assert _schema(db) == before
    # The keys are enforced again afterwards, and SQLite's connection checks them again.
    with pytest.raises(Exception, match="(?i)foreign key"), db.connect(write=True) as conn:
        conn.execute(text("INSERT INTO activity_participants VALUES (9999, 1)"))
    with db.connect() as conn:
        if db.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    dropped.clear()
    again = import_crm(db, tmp_path / "export")
    assert counts(again, "activities.csv") == (0, 0, 3)
    assert dropped == []  # nothing new: no index is rebuilt


def test_broken_files_are_reported_not_guessed(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "users.csv").write_bytes(b"\xef\xbb\xbflogin,name,email\nanna,Ann\xe6,a@x.dk\n")
    write(folder, "companies.csv", 'id,name,is_customer\n1,"Holm "og" Søn ApS",ja\n')
    write(folder, "activities.csv", "id,type,status,start_at,status\n1,Opgave,done,2026-01-05,x\n")
    errors = failed(db, folder)
    assert errors[0] == (
        "users.csv:2: (file): starts as UTF-8 (BOM) but is not valid UTF-8: byte 0xe6 on line 2"
    )
    assert errors[1].startswith("companies.csv:2: (file): malformed CSV:")
    assert errors[2:] == ["activities.csv:1: status: column appears twice in the header"]


def test_a_hopeless_export_keeps_a_bounded_error_list(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpidesk.data.crm_import import report

    monkeypatch.setattr(report, "MAX_ERRORS", 5)
    monkeypatch.setattr(report, "SHOWN_PER_KIND", 100)
    folder = tmp_path / "bad"
    rows = "".join(f"{k},Opgave,done,2026-13-01\n" for k in range(1, 51))
    write(folder, "activities.csv", "id,type,status,start_at\n" + rows)
    with pytest.raises(ImportFailed) as info:
        import_crm(db, folder)
    assert len(info.value.errors) == 5 and info.value.omitted == 45
    assert str(info.value) == "import aborted, nothing was changed: 50 errors (45 not listed)"


def test_repeated_errors_are_summarised_with_advice(db: Database, tmp_path: Path) -> None:
    """After 5 errors of one kind in one column, one line: count, line range, example, advice."""
    folder = tmp_path / "bad"
    rows = "".join(f"{k},Opgave,done,{k % 28 + 1}/3/2026 10:00\n" for k in range(1, 31))
    write(folder, "activities.csv", "id,type,status,start_at\nx,Opgave,later,2026-03-01\n" + rows)
    with pytest.raises(ImportFailed) as info:
        import_crm(db, folder)
    errors = info.value.errors
    assert errors[0] == (
        "activities.csv:2: status: unknown value 'later': use one of planned, done, cancelled"
    )
    assert [e.split(":")[1] for e in errors[1:6]] == ["3", "4", "5", "6", "7"]
    assert errors[6] == (
        "activities.csv:8-32: start_at: 25 more like this (e.g. line 8: invalid date-time "
        "'7/3/2026 10:00': use ISO 8601, e.g. 2026-03-14 09:30, 2026-03-14T09:30:00+01:00 or a "
        "plain date 2026-03-14 (00:00)); "
        'set date formats for start_at in the mapping (formats = ["%d-%m-%Y", …])'
    )
    assert len(errors) == 7
    assert str(info.value) == "import aborted, nothing was changed: 31 errors (25 summarised)"


def test_utf8_mixed_with_other_bytes_is_refused_with_the_lines(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "users.csv").write_bytes(
        "login,name,email\nsoeren,Søren,s@x.dk\n".encode()
        + b"mette,Mette S\xf8rensen,m@x.dk\nbo,Bo,b@x.dk\nanne,\xc6rt\xf8,a@x.dk\n"
    )
    assert failed(db, folder) == [
        "users.csv:3: (file): mixes UTF-8 (e.g. line 2) with bytes that are not UTF-8 on lines "
        "3, 5: save the file again as UTF-8 (or correct those lines)"
    ]


def test_folders_and_links_out_of_the_folder_are_named_not_followed(
    db: Database, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    write(outside, "users.csv", USERS_CSV)
    folder = tmp_path / "export"
    write(folder, "activities.csv", "id,type,status,start_at\n1,Opgave,done,2026-03-01\n")
    (folder / "companies.csv").mkdir()
    (folder / "users.csv").symlink_to(outside / "users.csv")
    report = import_crm(db, folder)
    assert [item.name for item in report.files] == ["activities.csv"]
    assert report.lines()[1:] == [
        "not read: companies.csv is a folder, not a file",
        f"not read: users.csv is a link to {(outside / 'users.csv').resolve()}, outside the "
        "folder: not followed",
    ]


def test_nul_characters_are_refused_before_the_database_sees_them(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "nul"
    write(folder, "users.csv", "login,name,email\nanna,An\x00na,a@x.dk\nb\x00o,Bo,b@x.dk\n")
    assert failed(db, folder) == [
        "users.csv:2: name: contains a NUL character (a binary file?)",
        "users.csv:3: login: login 'b\\x00o' contains a space or control character",
    ]


def test_a_reference_broken_behind_the_checks_fails_cleanly(
    db: Database, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program deleting a referenced row mid-import: PostgreSQL's keys still hold.

    (SQLite's writer lock keeps other programs out for the whole import, so there the import's
    own reference checks, tested above, are the whole story.)
    """
    if backend == "sqlite":
        pytest.skip("SQLite holds the write lock for the whole import")
    from kpidesk.data.crm_import import run

    monkeypatch.setattr(run, "check_references", lambda *args: None)
    folder = tmp_path / "export"
    write(
        folder, "activities.csv", "id,type,status,start_at,company_id\n1,Opgave,done,2026-01-05,9\n"
    )
    errors = failed(db, folder)
    assert len(errors) == 1 and errors[0].startswith("the database changed during the import:")
    assert snapshot(db) == {table: [] for table in TABLES}


def test_utf16_is_refused_with_advice(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write(folder, "users.csv", "\ufefflogin,name,email\nanna,Anna,a@x.dk\n", encoding="utf-16-le")
    assert failed(db, folder) == [
        "users.csv:1: (file): UTF-16 is not supported: save it as 'CSV UTF-8' (or plain CSV) "
        "instead"
    ]


def test_the_demo_export_reimports_without_changes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Realistic data (local times across DST, amounts, many participants), bulk path included."""
    from kpidesk.data.crm_import import merge
    from kpidesk.data.demo import write_demo_export

    monkeypatch.setattr(merge, "BULK_ROWS", 500)
    folder = tmp_path / "demo"
    write_demo_export(folder, users=6, activities=2000, seed=2, as_of=dt.date(2026, 10, 26))
    first = import_crm(db, folder)
    assert first.file("activities.csv").inserted == 2000
    before = snapshot(db)
    again = import_crm(db, folder)
    for item in again.files:
        assert (item.inserted, item.updated, item.removed, item.unchanged) == (
            0,
            0,
            0,
            item.rows,
        ), item.summary()
    assert snapshot(db) == before
