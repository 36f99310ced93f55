"""The shipped presets (issue 10), each on an export written with its CRM's own column names
and values (see the source named in each preset's header), on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from kpidesk.data.crm_import import import_crm, load_mapping, presets
from kpidesk.data.db import Database
from tests.data.test_importer import snapshot, write

U1 = "1f8a7c2e-0b4d-4f5e-9a6b-7c8d9e0f1a2b"
U2 = "2a9b8d3f-1c5e-4a6f-8b7c-8d9e0f1a2b3c"
ACC = "3b0c9e4a-2d6f-4b7a-9c8d-9e0f1a2b3c4d"


def suitecrm_export(folder: Path) -> Path:
    write(
        folder,
        "users.csv",
        "id,user_name,first_name,last_name,status,is_admin,deleted\n"
        f"{U1},sjensen,Søren,Jensen,Active,1,0\n{U2},mberg,Maria,Berg,Inactive,0,0\n",
    )
    write(
        folder,
        "accounts.csv",
        "id,name,date_entered,account_type,assigned_user_id,deleted\n"
        f"{ACC},Nordhavn A/S,2016-05-01 08:00:00,Customer,{U1},0\n"
        f"old-1,Gammel ApS,2015-01-01 08:00:00,Prospect,,1\n",
    )
    write(
        folder,
        "meetings.csv",
        "id,name,date_entered,date_start,date_end,status,parent_type,parent_id,"
        "assigned_user_id,deleted\n"
        f"m-1,Intro,2017-02-01 09:00:00,2017-03-01 14:30:00,2017-03-01 15:30:00,Held,Accounts,"
        f"{ACC},{U1},0\n"
        f"m-2,Follow-up,2017-02-02 09:00:00,2017-04-01 09:00:00,,Planned,Contacts,c-77,{U2},0\n",
    )
    write(
        folder,
        "calls.csv",
        "id,name,date_entered,date_start,date_end,status,parent_type,parent_id,"
        "assigned_user_id,deleted\n"
        f"c-1,Call,2017-02-01 09:00:00,2017-03-02 10:00:00,,Not Held,Accounts,{ACC},{U1},0\n",
    )
    write(
        folder,
        "tasks.csv",
        "id,name,date_entered,status,date_due,date_start,parent_type,parent_id,"
        "assigned_user_id,deleted\n"
        f"t-1,Send offer,2017-02-01 09:00:00,Completed,2017-03-03 12:00:00,,Accounts,{ACC},{U2},0\n"
        f"t-2,Someday,2017-02-01 09:00:00,Not Started,,,,,{U2},0\n",
    )
    write(
        folder,
        "meetings_users.csv",
        f"id,meeting_id,user_id,required,accept_status,date_modified,deleted\n"
        f"r-1,m-1,{U1},1,accept,2017-02-01 09:00:00,0\nr-2,m-1,{U2},1,none,2017-02-01 09:00:00,0\n",
    )
    write(
        folder,
        "calls_users.csv",
        f"id,call_id,user_id,required,accept_status,date_modified,deleted\n"
        f"r-3,c-1,{U1},1,accept,2017-02-01 09:00:00,0\n",
    )
    write(
        folder,
        "opportunities.csv",
        "id,name,date_entered,amount,sales_stage,date_closed,assigned_user_id,deleted\n"
        f"o-1,Big,2017-01-02 10:00:00,4514.5,Closed Won,2017-03-01,{U1},0\n"
        f"o-2,Small,2017-01-03 10:00:00,588,Negotiation/Review,2017-05-01,{U2},0\n",
    )
    return folder


def salesforce_export(folder: Path) -> Path:
    u1, u2 = "0055g00000AbCdEAAZ", "0055g00000AbCdFAAZ"
    acc = "0015g00000XyZaBAAV"
    write(
        folder,
        "User.csv",
        "Id,Username,FirstName,LastName,Email,IsActive\n"
        f"{u1},anna.berg@firma.dk,Anna,Berg,anna.berg@firma.dk,true\n"
        f"{u2},bo.holm@firma.dk,Bo,Holm,bo.holm@firma.dk,false\n",
    )
    write(
        folder,
        "Account.csv",
        "Id,Name,Type,OwnerId,IsDeleted\n"
        f"{acc},Nordhavn A/S,Customer - Direct,{u1},false\n"
        f"0015g00000XyZaCAAV,Vejle ApS,Prospect,{u2},false\n",
    )
    write(
        folder,
        "Event.csv",
        "Id,Subject,StartDateTime,EndDateTime,AccountId,OwnerId,CreatedDate,IsDeleted\n"
        f"00U5g00000EvEnTAAA,Meeting,2017-03-01T14:30:00.000Z,2017-03-01T15:30:00.000Z,{acc},"
        f"{u1},2017-02-01T09:00:00.000Z,false\n",
    )
    write(
        folder,
        "Task.csv",
        "Id,Subject,Status,ActivityDate,AccountId,OwnerId,CreatedDate,CompletedDateTime,"
        "IsDeleted\n"
        f"00T5g00000TaSkAAAA,Call,Completed,2017-03-02,{acc},{u2},2017-02-01T09:00:00.000Z,"
        "2017-03-02T16:00:00.000Z,false\n"
        f"00T5g00000TaSkBAAA,Email,Not Started,,{acc},{u2},2017-02-01T09:00:00.000Z,,false\n",
    )
    write(
        folder,
        "Opportunity.csv",
        "Id,Name,AccountId,OwnerId,Amount,StageName,CloseDate,CreatedDate,IsDeleted\n"
        f"0065g00000OpPoAAAA,Big,{acc},{u1},4514.00,Closed Won,2017-03-01,"
        "2017-01-02T10:00:00.000Z,false\n"
        f"0065g00000OpPoBAAA,Small,{acc},{u2},588,Prospecting,2017-05-01,"
        "2017-01-03T10:00:00.000Z,false\n",
    )
    return folder


def hubspot_export(folder: Path) -> Path:
    write(
        folder,
        "owners.csv",
        "id,email,firstName,lastName,archived\n"
        "41629779,anna@firma.dk,Anna,Berg,false\n51629780,bo@firma.dk,Bo,Holm,true\n",
    )
    write(
        folder,
        "companies.csv",
        "hs_object_id,name,lifecyclestage,hubspot_owner_id,createdate\n"
        "5790939450,Nordhavn A/S,customer,41629779,2016-05-01T08:00:00.000Z\n"
        "5790939451,Vejle ApS,lead,,2016-05-02T08:00:00.000Z\n",
    )
    write(
        folder,
        "meetings.csv",
        "hs_object_id,hs_meeting_title,hs_meeting_start_time,hs_meeting_end_time,"
        "hs_meeting_outcome,hubspot_owner_id,hs_createdate\n"
        "1001,Intro,2017-03-01T14:30:00.000Z,2017-03-01T15:30:00.000Z,COMPLETED,41629779,"
        "2017-02-01T09:00:00.000Z\n"
        "1002,Demo,2017-04-01T09:00:00.000Z,,SCHEDULED,51629780,2017-02-02T09:00:00.000Z\n"
        "1003,Lunch,2017-03-05T11:00:00.000Z,,NO_SHOW,41629779,2017-02-03T09:00:00.000Z\n",
    )
    write(
        folder,
        "deals.csv",
        "hs_object_id,dealname,amount,dealstage,closedate,createdate,hubspot_owner_id,"
        "associatedcompanyid\n"
        "9001,Big,4514.5,closedwon,2017-03-01T10:00:00.000Z,2017-01-02T10:00:00.000Z,41629779,"
        "5790939450\n"
        "9002,Small,588,appointmentscheduled,2017-05-01T00:00:00.000Z,2017-01-03T10:00:00.000Z,"
        "51629780,\n",
    )
    return folder


def pipedrive_export(folder: Path) -> Path:
    write(
        folder,
        "users.csv",
        "id,name,email,active_flag\n1,Anna Berg,anna@firma.dk,true\n2,Bo Holm,bo@firma.dk,false\n",
    )
    write(
        folder,
        "organizations.csv",
        "id,name,owner_id,add_time\n11,Nordhavn A/S,1,2016-05-01 08:00:00\n",
    )
    write(
        folder,
        "activities.csv",
        "id,type,subject,done,due_date,due_time,org_id,user_id,add_time,marked_as_done_time\n"
        "101,meeting,Intro,1,2017-03-01,14:30,11,1,2017-02-01 09:00:00,2017-03-01 15:40:00\n"
        "102,call,Call back,0,2017-04-01,,11,2,2017-02-02 09:00:00,\n",
    )
    write(
        folder,
        "deals.csv",
        "id,title,value,currency,org_id,user_id,status,add_time,expected_close_date,close_time\n"
        "201,Big,4514.5,DKK,11,1,won,2017-01-02 10:00:00,2017-03-01,2017-03-01 10:00:00\n"
        "202,Small,588,DKK,11,2,open,2017-01-03 10:00:00,2017-05-01,\n"
        "203,Gone,10,DKK,11,2,deleted,2017-01-04 10:00:00,,\n",
    )
    return folder


def _import_twice(db: Database, preset: str, folder: Path) -> None:
    mapping = load_mapping(preset)
    first = import_crm(db, folder, mapping=mapping)
    assert all(item.inserted for item in first.files if item.rows), first.lines()
    before = snapshot(db)
    again = import_crm(db, folder, mapping=mapping)
    for item in again.files:
        assert (item.inserted, item.updated, item.removed) == (0, 0, 0), item.summary()
    assert snapshot(db) == before


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


ACTIVITIES = (
    "SELECT a.crm_key, a.type, a.status, a.start_at, c.crm_key, u.crm_key FROM activities a "
    "LEFT JOIN companies c ON c.id = a.company_id LEFT JOIN users u ON u.id = a.owner_id "
    "ORDER BY a.crm_key"
)
DEALS = "SELECT crm_key, stage, amount FROM opportunities ORDER BY crm_key"


def _deals(db: Database) -> list[tuple[object, ...]]:
    return [(key, stage, Decimal(str(amount))) for key, stage, amount in _rows(db, DEALS)]


def _minute(value: object) -> str:
    return str(value)[:16]


def test_the_four_presets_ship_and_load() -> None:
    assert {"suitecrm", "salesforce", "hubspot", "pipedrive"} <= set(presets())
    for name in presets():
        header = presets()[name].read_text(encoding="utf-8").splitlines()[:12]
        assert any(line.startswith("# Source:") for line in header), name
        load_mapping(name)


def test_suitecrm(db: Database, tmp_path: Path) -> None:
    _import_twice(db, "suitecrm", suitecrm_export(tmp_path / "suitecrm"))
    assert _rows(db, "SELECT crm_key, login, name, active, role FROM users ORDER BY login") == [
        (U2, "mberg", "Maria Berg", False, "user"),
        (U1, "sjensen", "Søren Jensen", True, "admin"),
    ]
    assert _rows(db, "SELECT crm_key, is_customer FROM companies") == [(ACC, True)]
    activities = _rows(db, ACTIVITIES)
    assert [(a[0], a[1], a[2], _minute(a[3]), a[4]) for a in activities] == [
        ("c-1", "Call", "cancelled", "2017-03-02 10:00", ACC),
        ("m-1", "Meeting", "done", "2017-03-01 14:30", ACC),
        ("m-2", "Meeting", "planned", "2017-04-01 09:00", None),  # parent is a contact
        ("t-1", "Task", "done", "2017-03-03 12:00", ACC),
    ]
    assert _rows(db, "SELECT count(*) FROM activity_participants") == [(4,)]
    assert _deals(db) == [("o-1", "won", Decimal("4514.50")), ("o-2", "open", Decimal("588"))]


def test_salesforce(db: Database, tmp_path: Path) -> None:
    _import_twice(db, "salesforce", salesforce_export(tmp_path / "salesforce"))
    assert _rows(db, "SELECT login, name, active FROM users ORDER BY login") == [
        ("anna.berg", "Anna Berg", True),
        ("bo.holm", "Bo Holm", False),
    ]
    activities = _rows(db, ACTIVITIES)
    assert [(a[1], a[2], _minute(a[3])) for a in activities] == [
        ("Task", "done", "2017-03-02 00:00"),  # 00T… sorts before 00U…
        ("Event", "done", "2017-03-01 14:30"),
    ]
    assert _deals(db) == [
        ("0065g00000OpPoAAAA", "won", Decimal("4514")),
        ("0065g00000OpPoBAAA", "open", Decimal("588")),
    ]


def test_hubspot(db: Database, tmp_path: Path) -> None:
    _import_twice(db, "hubspot", hubspot_export(tmp_path / "hubspot"))
    assert _rows(db, "SELECT crm_key, login, active FROM users ORDER BY crm_key") == [
        ("41629779", "anna", True),
        ("51629780", "bo", False),
    ]
    assert _rows(db, "SELECT crm_key, is_customer FROM companies ORDER BY crm_key") == [
        ("5790939450", True),
        ("5790939451", False),
    ]
    activities = _rows(db, ACTIVITIES)
    assert [(a[0], a[2], _minute(a[3])) for a in activities] == [
        ("1001", "done", "2017-03-01 14:30"),
        ("1002", "planned", "2017-04-01 09:00"),
        ("1003", "cancelled", "2017-03-05 11:00"),
    ]
    assert _deals(db) == [("9001", "won", Decimal("4514.5")), ("9002", "open", Decimal("588"))]


def test_pipedrive(db: Database, tmp_path: Path) -> None:
    folder = pipedrive_export(tmp_path / "pipedrive")
    _import_twice(db, "pipedrive", folder)
    activities = _rows(db, ACTIVITIES)
    assert [(a[0], a[1], a[2], _minute(a[3])) for a in activities] == [
        ("101", "meeting", "done", "2017-03-01 14:30"),
        ("102", "call", "planned", "2017-04-01 00:00"),
    ]
    assert _deals(db) == [("201", "won", Decimal("4514.5")), ("202", "open", Decimal("588"))]
    report = import_crm(db, folder, mapping=load_mapping("pipedrive"), check=True)
    assert report.file("opportunities.csv").left_out == {"status = 'deleted'": 1}
