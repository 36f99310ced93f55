"""Mapping files (issue 10): a CRM's own export in, as it comes, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from kpidesk.cli.main import main
from kpidesk.data.crm_import import (
    ImportFailed,
    derive_login,
    import_crm,
    load_mapping,
)
from kpidesk.data.db import Database
from tests.data.test_importer import TABLES, snapshot, write

MAPPING = """
[mapping]
name = "Test CRM"
timezone = "UTC"
datetime_formats = ["%m/%d/%Y %H:%M", "%m/%d/%Y"]
date_formats = ["%m/%d/%Y"]
[mapping.number]
decimal = "."
thousands = ","
currency = ["$", "USD"]

[[users]]
file = "Users.csv"
[users.columns]
id = "Id"
login = { column = "Full Name", login = true }
name = "Full Name"
email = "Email"
active = { column = "Status", map = { Active = true, Inactive = false } }

[[companies]]
file = "Accounts.csv"
skip = [{ column = "Deleted", values = ["1"] }]
[companies.columns]
id = "ID"
name = "Name"
is_customer = { column = "Type", map = { Customer = true, "*" = false } }
key_account_manager = "Assigned User Id"

[[activities]]
file = "Meetings.csv"
[activities.columns]
id = "ID"
type = { value = "Meeting" }
status = { column = "Status", map = { Held = "done", Planned = "planned", "Not Held" = "cancelled"\
} }
start_at = "Start Date"
company_id = "Parent ID"
owner = "Assigned User Id"

[[activities]]
file = "Calls*.csv"
[activities.columns]
id = "ID"
type = { value = "Call" }
status = { column = "Status", map = { Held = "done", Planned = "planned", "Not Held" = "cancelled"\
} }
start_at = "Start Date"
company_id = "Parent ID"
owner = "Assigned User Id"

[[activity_participants]]
file = "Meetings.csv"
[activity_participants.columns]
activity_id = "ID"
login = "Assigned User Id"

[[opportunities]]
file = "Opportunities.csv"
skip = [{ column = "Close Date", empty = true }]
[opportunities.columns]
id = "Id"
name = "Opportunity Name"
company_id = "Account Id"
owner = "Assigned User Id"
amount = "Amount"
stage = { column = "Sales Stage", map = { "Closed Won" = "won", "Closed Lost" = "lost", "*" = \
"open" } }
created_at = { column = "Date Created", formats = ["%Y-%m-%d %H:%M:%S"] }
expected_close = "Close Date"
closed_at = { column = "Date Closed", formats = ["%Y-%m-%d %H:%M:%S"] }
"""

U1, U2 = "1b4c-aa01", "1b4c-aa02"


def crm_export(folder: Path) -> Path:
    write(
        folder,
        "Users.csv",
        f"Id,Full Name,Email,Status\n{U1},Søren Ågård,soren@x.dk,Active\n"
        f"{U2},Anna Berg,anna@x.dk,Inactive\n",
    )
    write(
        folder,
        "Accounts.csv",
        f"ID,Name,Type,Assigned User Id,Deleted\nacc-1,Nordhavn A/S,Customer,{U1},0\n"
        "acc-2,Vejle ApS,Prospect,,0\nacc-3,Gammel ApS,Customer,,1\n",
    )
    write(
        folder,
        "Meetings.csv",
        "ID,Subject,Status,Start Date,Parent ID,Assigned User Id\n"
        f"m-1,Intro,Held,03/01/2017 14:30,acc-1,{U1}\n"
        f"m-2,Demo,Planned,03/02/2017,acc-2,{U2}\n",
    )
    write(
        folder,
        "Calls_2017.csv",
        "ID,Subject,Status,Start Date,Parent ID,Assigned User Id\n"
        f"c-1,Call,Not Held,12/31/2016 23:00,acc-1,{U1}\n",
    )
    write(
        folder,
        "Opportunities.csv",
        "Id,Opportunity Name,Account Id,Assigned User Id,Amount,Sales Stage,Date Created,"
        "Close Date,Date Closed\n"
        f'o-1,Big,acc-1,{U1},"$4,514.00",Closed Won,2017-01-02 10:00:00,03/01/2017,'
        "2017-03-01 09:00:00\n"
        f"o-2,Small,acc-2,{U2},USD 588,Prospecting,2017-01-03 10:00:00,04/01/2017,\n"
        f'o-3,Lost,acc-1,{U1},"1,054",Closed Lost,2017-01-04 10:00:00,02/01/2017,'
        "2017-02-01 09:00:00\n"
        f"o-4,Undated,acc-1,{U1},10,Prospecting,2017-01-05 10:00:00,,\n",
    )
    return folder


def mapping_file(folder: Path, content: str = MAPPING) -> Path:
    path = folder / "crm.toml"
    path.write_text(content, encoding="utf-8")
    return path


def test_a_crm_export_imports_through_a_mapping(db: Database, tmp_path: Path) -> None:
    export = crm_export(tmp_path / "export")
    mapping = load_mapping(mapping_file(tmp_path))
    report = import_crm(db, export, mapping=mapping)
    assert report.file("activities.csv").sources == ["Meetings.csv", "Calls_2017.csv"]
    assert report.file("companies.csv").left_out == {"Deleted = '1'": 1}
    assert report.file("opportunities.csv").left_out == {"Close Date empty": 1}
    with db.connect() as conn:
        users = conn.execute(text("SELECT crm_key, login, active FROM users ORDER BY 1")).all()
        assert [tuple(u) for u in users] == [
            (U1, "soren.aagaard", True),
            (U2, "anna.berg", False),
        ]
        activities = conn.execute(
            text(
                "SELECT a.crm_key, a.type, a.status, a.start_at, c.crm_key FROM activities a "
                "JOIN companies c ON c.id = a.company_id ORDER BY a.crm_key"
            )
        ).all()
        # Naive times are UTC in this mapping; a plain date is midnight.
        assert [(r[0], r[1], r[2], r[4]) for r in activities] == [
            ("c-1", "Call", "cancelled", "acc-1"),
            ("m-1", "Meeting", "done", "acc-1"),
            ("m-2", "Meeting", "planned", "acc-2"),
        ]
        starts = {r[0]: str(r[3])[:16] for r in activities}
        assert starts == {
            "c-1": "2016-12-31 23:00",
            "m-1": "2017-03-01 14:30",
            "m-2": "2017-03-02 00:00",
        }
        companies = conn.execute(
            text("SELECT crm_key, is_customer FROM companies ORDER BY 1")
        ).all()
        assert [tuple(c) for c in companies] == [("acc-1", True), ("acc-2", False)]
    # The amounts against a plain reading of the file: the number format says ',' groups.
    with (export / "Opportunities.csv").open(encoding="utf-8", newline="") as handle:
        expected = {
            row["Id"]: Decimal(row["Amount"].replace("$", "").replace("USD", "").replace(",", ""))
            for row in csv.DictReader(handle)
            if row["Close Date"]
        }
    with db.connect() as conn:
        stored = dict(conn.execute(text("SELECT crm_key, amount FROM opportunities")).all())
    assert {key: Decimal(str(value)) for key, value in stored.items()} == expected
    before = snapshot(db)
    again = import_crm(db, export, mapping=mapping)
    for item in again.files:
        assert (item.inserted, item.updated, item.removed) == (0, 0, 0), item.summary()
    assert snapshot(db) == before


def test_unmapped_values_are_listed_with_counts_in_one_go(db: Database, tmp_path: Path) -> None:
    export = crm_export(tmp_path / "export")
    write(
        export,
        "Meetings.csv",
        "ID,Subject,Status,Start Date,Parent ID,Assigned User Id\n"
        + "".join(f"m-{k},S,Rescheduled,03/01/2017,acc-1,{U1}\n" for k in range(3))
        + f"m-9,S,Deferred,03/01/2017,acc-1,{U1}\n",
    )
    with pytest.raises(ImportFailed) as info:
        import_crm(db, export, mapping=load_mapping(mapping_file(tmp_path)))
    assert info.value.errors == [
        "Meetings.csv:2: status: 4 rows with values the mapping does not map: "
        "'Rescheduled' (3), 'Deferred' (1); add them to the map of status (or a \"*\" fallback)"
    ]
    assert snapshot(db) == {table: [] for table in TABLES}


def test_without_a_number_format_an_ambiguous_amount_is_refused(
    db: Database, tmp_path: Path
) -> None:
    export = crm_export(tmp_path / "export")
    content = MAPPING.replace('[mapping.number]\ndecimal = "."\nthousands = ","\n', "").replace(
        'currency = ["$", "USD"]\n', ""
    )
    with pytest.raises(ImportFailed) as info:
        import_crm(db, export, mapping=load_mapping(mapping_file(tmp_path, content)))
    assert info.value.errors == [
        "Opportunities.csv:2: amount: invalid amount '$4,514.00': use e.g. 125000,50 or 125000.50",
        "Opportunities.csv:3: amount: invalid amount 'USD 588': use e.g. 125000,50 or 125000.50",
        "Opportunities.csv:4: amount: amount '1,054' reads two ways: 1054 (',' between "
        "thousands) or 1.054 (',' as decimal point); set the number format (decimal, "
        "thousands) in the mapping",
    ]


def test_more_decimals_than_cents_is_an_error(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write(folder, "users.csv", "login,name,email\nanna,Anna,a@x.dk\n")
    write(
        folder,
        "opportunities.csv",
        "id,name,company_id,owner,amount,stage,created_at,expected_close\n"
        "1,A,,anna,12.3456,open,2026-01-05 09:00,\n2,B,,anna,1.5.0,open,2026-01-05 09:00,\n",
    )
    with pytest.raises(ImportFailed) as info:
        import_crm(db, folder)
    assert info.value.errors == [
        "opportunities.csv:2: amount: amount '12.3456' has more decimals than cents: nothing is "
        "rounded, correct the value or the number format",
        "opportunities.csv:3: amount: invalid amount '1.5.0'",
    ]


# Amounts as people and CRMs write them, with what they mean: read one way only.
READ_ONE_WAY = {
    "125000,50": "125000.50",
    "125000.50": "125000.50",
    "1.234.567,89 kr.": "1234567.89",
    "1 234 567,89": "1234567.89",
    "1,234,567.89": "1234567.89",
    "DKK 1.234,00": "1234.00",
    "588": "588.00",
    "4514.5": "4514.50",
    "0,07": "0.07",
}
# Amounts that read two ways (thousands or decimals?): refused with both readings.
TWO_WAYS = {"1,054": ("1054", "1.054"), "4.514": ("4514", "4.514"), "12.345": ("12345", "12.345")}
# More decimals than cents (`1054,505` cannot be thousands: 1054 is not a group of three).
TOO_PRECISE = ["1054,505", "12.3456", "1,234,567.891"]


def _amounts_export(folder: Path, amounts: list[str]) -> Path:
    write(folder, "users.csv", "login,name,email\nanna,Anna,a@x.dk\n")
    with (folder / "opportunities.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "company_id", "owner", "amount", "stage", "created_at",
                      "expected_close"])  # fmt: skip
        for n, amount in enumerate(amounts):
            out.writerow([f"o-{n}", "A", "", "anna", amount, "open", "2026-01-05 09:00", ""])
    return folder


def test_amounts_are_read_one_way_or_refused_naming_both_readings(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _amounts_export(tmp_path / "good", list(READ_ONE_WAY))
    assert main(["--db", db_url, "import-crm", str(good)]) == 0
    db = Database(db_url)
    try:
        with db.connect() as conn:
            stored = dict(conn.execute(text("SELECT crm_key, amount FROM opportunities")).all())
    finally:
        db.dispose()
    assert {key: Decimal(str(value)) for key, value in stored.items()} == {
        f"o-{n}": Decimal(meant) for n, meant in enumerate(READ_ONE_WAY.values())
    }
    capsys.readouterr()
    bad = _amounts_export(tmp_path / "bad", [*TWO_WAYS, *TOO_PRECISE])
    assert main(["--db", db_url, "import-crm", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    for line, (amount, (thousands, decimals)) in enumerate(TWO_WAYS.items(), 2):
        separator = amount[-4]
        assert (
            f"opportunities.csv:{line}: amount: amount '{amount}' reads two ways: {thousands} "
            f"('{separator}' between thousands) or {decimals} ('{separator}' as decimal point); "
            "set the number format (decimal, thousands) in the mapping"
        ) in err
    for line, amount in enumerate(TOO_PRECISE, 2 + len(TWO_WAYS)):
        assert (
            f"opportunities.csv:{line}: amount: amount '{amount}' has more decimals than cents: "
            "nothing is rounded, correct the value or the number format"
        ) in err
    assert err[-1] == "kpidesk: error: import aborted, nothing was changed: 6 errors"


def test_the_mapping_itself_is_validated_one_line_per_problem(tmp_path: Path) -> None:
    bad = """
[mapping]
timezone = "Mars/Olympus"
colour = "blue"

[[activities]]
file = "Meetings.csv"
[activities.columns]
id = "ID"
kind = "Type"
status = { column = "Status", map = { Held = "finished" } }
start_at = { column = "Start", formats = ["%d.%m.%Y"], value = "x" }
"""
    with pytest.raises(ImportFailed) as info:
        load_mapping(mapping_file(tmp_path, bad))
    assert info.value.errors == [
        "crm.toml: [mapping]: unknown key 'colour' (known: date_formats, datetime_formats, name, "
        "number, source, timezone)",
        "crm.toml: timezone: unknown time zone 'Mars/Olympus'",
        "crm.toml: [[activities]] #1.columns: unknown kpidesk column 'kind' (known: id, type, "
        "status, start_at, end_at, company_id, owner, created_at, completed_at)",
        "crm.toml: [[activities]] #1.columns.status.map: 'Held' = 'finished': unknown value "
        "'finished': use one of planned, done, cancelled",
        "crm.toml: [[activities]] #1.columns.start_at: give exactly one of column, columns, "
        "value or same_as",
        "crm.toml: [[activities]] #1.columns: type is required: map it to a column or a value",
        "crm.toml: [[activities]] #1.columns: start_at is required: map it to a column or a value",
    ]


def test_columns_missing_from_the_file_are_named(db: Database, tmp_path: Path) -> None:
    export = crm_export(tmp_path / "export")
    write(export, "Accounts.csv", "ID,Name,Kind,Deleted\nacc-1,A,Customer,0\n")
    with pytest.raises(ImportFailed) as info:
        import_crm(db, export, mapping=load_mapping(mapping_file(tmp_path)))
    assert info.value.errors[:2] == [
        "Accounts.csv:1: is_customer: column 'Type' is not in the file (header: ID, Name, Kind, "
        "Deleted)",
        "Accounts.csv:1: key_account_manager: column 'Assigned User Id' is not in the file "
        "(header: ID, Name, Kind, Deleted)",
    ]


def test_check_writes_nothing_and_shows_rows_as_stored(db: Database, tmp_path: Path) -> None:
    export = crm_export(tmp_path / "export")
    report = import_crm(db, export, mapping=load_mapping(mapping_file(tmp_path)), check=True)
    assert snapshot(db) == {table: [] for table in TABLES}
    lines = report.check_lines()
    assert lines[0] == "mapping Test CRM: checked, nothing was written"
    assert "companies.csv from Accounts.csv: 2 of 3 rows map (1 left out)" in lines
    assert any(
        line.startswith("  line 2: id=m-1, type=Meeting, status=done, start_at=2017-03-01 14:30")
        for line in lines
    ), lines


def test_derived_logins_are_stable_lower_case_ascii() -> None:
    assert derive_login("Søren Ågård") == "soren.aagaard"
    assert derive_login("  Anna-Marie O'Brien ") == "anna.marie.o.brien"
    assert derive_login("Jens.Hansen@Firma.DK") == "jens.hansen"
    assert derive_login("Zoë Æbelø") == derive_login("Zoë Æbelø") == "zoe.aebelo"


def test_a_datetime_format_with_a_plain_date_is_midnight_local(
    db: Database, tmp_path: Path
) -> None:
    content = MAPPING.replace('timezone = "UTC"', 'timezone = "Europe/Copenhagen"')
    export = crm_export(tmp_path / "export")
    import_crm(db, export, mapping=load_mapping(mapping_file(tmp_path, content)))
    with db.connect() as conn:
        start = conn.execute(text("SELECT start_at FROM activities WHERE crm_key = 'm-2'")).scalar()
    # 2017-03-02 00:00 in Copenhagen (UTC+1 in March) is 23:00 UTC the day before.
    assert str(start)[:16] == str(dt.datetime(2017, 3, 1, 23, 0))[:16]


def test_the_readme_example_imports_the_example_export(db: Database, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A CRM's own export: mapping files", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    export = crm_export(tmp_path / "export")
    report = import_crm(db, export, mapping=load_mapping(mapping_file(tmp_path, example)))
    assert report.mapping == "Our CRM"
    assert [item.rows for item in report.files] == [2, 3, 3, 2, 4]
