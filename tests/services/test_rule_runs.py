"""Rules and the runs that calculated them, on CRM data imported as users import it
(`kpidesk import-crm`), on SQLite and PostgreSQL: the rule list reads every rule's profiles in
one statement, and deleting a rule leaves the run log's counters saying what is kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from sqlalchemy import event

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.services import people, runs, setup
from kpidesk.services.caller import SYSTEM_CLI
from kpidesk.services.setup import RuleDraft
from tests.data.test_importer import write

USERS_CSV = """login,name,email,role,active,profile
anna,Anna Jensen,anna@firma.dk,user,true,Salg
bo,Bo Hansen,bo@firma.dk,user,true,Salg
cilje,Cilje Holm,,user,true,Salg
dan,Dan Berg,,user,false,Salg
eva,Eva Lund,,user,true,Support
finn,Finn Ryg,,user,true,Support
gry,Gry Dahl,,admin,true,
"""
COMPANIES_CSV = """id,name,is_customer,key_account_manager
1,Nordhavn Logistik A/S,yes,anna
2,Vejle VVS ApS,yes,eva
"""
ACTIVITIES_CSV = """id,type,status,start_at,end_at,company_id,owner
10,Salgsmøde,planned,2026-12-08 10:00,2026-12-08 11:00,1,anna
11,Support,done,2026-12-01 09:00,,2,eva
"""
PARTICIPANTS_CSV = """activity_id,login
10,anna
11,eva
"""
D1, D2 = dt.date(2026, 12, 3), dt.date(2026, 12, 4)


def import_export(db_url: str, folder: Path) -> None:
    write(folder, "users.csv", USERS_CSV)
    write(folder, "companies.csv", COMPANIES_CSV)
    write(folder, "activities.csv", ACTIVITIES_CSV)
    write(folder, "activity_participants.csv", PARTICIPANTS_CSV)
    assert main(["import-crm", str(folder), "--db", db_url]) == 0


def active_users_of(*profiles: str) -> set[str]:
    """Who a rule for these profiles is calculated for, read from the export itself."""
    rows = csv.DictReader(io.StringIO(USERS_CSV))
    return {row["login"] for row in rows if row["active"] == "true" and row["profile"] in profiles}


def profile_ids(db: Database) -> dict[str, int]:
    return {p.name: p.id for p in people.list_profiles(db, SYSTEM_CLI)}


def count_statements(db: Database, call: object) -> int:
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        call()  # type: ignore[operator]
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(seen)


def test_the_rule_list_reads_all_profiles_in_one_statement(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    import_export(db_url, tmp_path / "export")
    ids = profile_ids(db)
    both = (ids["Salg"], ids["Support"])
    expected = {"Regel 00": ("Salg", "Support")}
    setup.create_rule(db, SYSTEM_CLI, RuleDraft("Regel 00", "planned_meetings", {}, 5, both))
    few = count_statements(db, lambda: setup.list_rules(db, SYSTEM_CLI))
    for number in range(1, 12):
        chosen = both[: number % 2 + 1]
        draft = RuleDraft(f"Regel {number:02d}", "planned_meetings", {}, 5, chosen)
        setup.create_rule(db, SYSTEM_CLI, draft)
        expected[draft.name] = ("Salg", "Support")[: len(chosen)]
    rules = setup.list_rules(db, SYSTEM_CLI)
    assert {rule.name: rule.profile_names for rule in rules} == expected
    many = count_statements(db, lambda: setup.list_rules(db, SYSTEM_CLI))
    assert many == few <= 3  # the caller's check, the rules, their profiles


def test_deleting_a_rule_recounts_the_runs_that_calculated_it(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    import_export(db_url, tmp_path / "export")
    ids = profile_ids(db)
    salg, support = ids["Salg"], ids["Support"]
    meetings = setup.create_rule(
        db, SYSTEM_CLI, RuleDraft("Møder", "planned_meetings", {"days": 14}, 5, (salg,))
    )
    setup.create_rule(
        db, SYSTEM_CLI, RuleDraft("Sager", "completed_activities", {}, 10, (support,))
    )
    for day in (D1, D2):
        assert main(["recalc", "--date", day.isoformat(), "--db", db_url]) == 0
    everyone = active_users_of("Salg", "Support")
    before = runs.run_log(db, SYSTEM_CLI)
    assert [(r.date, r.users, r.rules, r.results) for r in before] == [
        (D2, len(everyone), 2, len(everyone)), (D1, len(everyone), 2, len(everyone)),
    ]  # fmt: skip

    setup.delete_rule(db, SYSTEM_CLI, meetings.id)
    kept = active_users_of("Support")
    after = runs.run_log(db, SYSTEM_CLI)
    assert [(r.id, r.users, r.rules, r.results) for r in after] == [
        (run.id, len(kept), 1, len(kept)) for run in before
    ]
