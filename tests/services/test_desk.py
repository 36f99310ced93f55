"""`KpiDesk(db, caller)`, the one "today" and the audit of CRM imports and settings, on a real
SQLite file and a real PostgreSQL database, entered the way users enter data (`kpidesk …`)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli.main import main
from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry
from kpidesk.services import kpi
from kpidesk.services.caller import Caller, PermissionDenied
from kpidesk.services.desk import KpiDesk
from kpidesk.services.imports import ImportFailed
from kpidesk.services.settings import SettingError
from tests.data.test_importer import base_export, snapshot, write

ADMIN = Caller(login="karen", role="admin")
SALES = Caller(login="mette", role="user")


def audit_rows(db_url: str) -> list[AuditEntry]:
    db = Database(db_url)
    try:
        with db.session() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        db.dispose()


def data_rows(folder: Path) -> dict[str, int]:
    """Records per CSV file, counted with the csv module (not by the import under test)."""
    counted = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            counted[path.name] = sum(1 for _ in csv.reader(handle)) - 1
    return counted


def test_import_crm_is_audited_with_its_caller_in_its_transaction(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = base_export(tmp_path / "export")
    assert main(["--db", db_url, "import-crm", str(folder)]) == 0
    [entry] = audit_rows(db_url)
    assert (entry.actor, entry.action, entry.entity) == ("cli", "import", "crm_data")
    assert entry.entity_key == str(folder)
    assert entry.details["rows"] == data_rows(folder)
    assert entry.details["rows"]["activity_participants.csv"] == 4
    assert entry.details["profiles_created"] == ["Salg", "Support"]
    assert entry.details["source"] == "csv" and entry.details["mapping"] == "kpidesk"

    # --check writes nothing, so there is nothing to audit.
    assert main(["--db", db_url, "import-crm", str(folder), "--check"]) == 0
    # A failed import leaves the data and the audit log exactly as they were.
    bad = tmp_path / "bad"
    write(bad, "activities.csv", "id,type,status,start_at,owner\n10,Opgave,later,x,nobody\n")
    db = Database(db_url)
    try:
        before = snapshot(db)
        assert main(["--db", db_url, "import-crm", str(bad)]) == 1
        assert snapshot(db) == before
    finally:
        db.dispose()
    capsys.readouterr()
    assert len(audit_rows(db_url)) == 1


def test_an_administrator_import_names_them_and_a_user_may_not_import(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    folder = base_export(tmp_path / "export")
    with pytest.raises(PermissionDenied):
        KpiDesk(db, SALES).imports.import_crm(folder)
    assert audit_rows(db_url) == []
    report = KpiDesk(db, ADMIN).imports.import_crm(folder)
    assert report.file("users.csv").inserted == 3
    [entry] = audit_rows(db_url)
    assert entry.actor == "karen" and entry.details["rows"] == data_rows(folder)
    with pytest.raises(ImportFailed):
        KpiDesk(db, ADMIN).imports.load_mapping("no-such-preset")


def test_demo_data_is_audited_like_an_import(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", db_url, "demo", "--users", "3", "--activities", "40", "--as-of", "2026-11-02"]
    assert main(args) == 0
    capsys.readouterr()
    [entry] = audit_rows(db_url)
    assert (entry.actor, entry.entity, entry.entity_key) == ("cli", "crm_data", "demo")
    assert entry.details["rows"]["users.csv"] == 3
    assert entry.details["rows"]["activities.csv"] == 40


def test_config_set_is_audited_and_an_invalid_value_is_not(
    db_url: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "config", "set", "currency", " eur "]) == 0
    assert capsys.readouterr().out == "currency=EUR\n"
    assert main(["--db", db_url, "config", "set", "currency", "euro"]) == 1
    assert "invalid currency 'EURO'" in capsys.readouterr().err
    [entry] = audit_rows(db_url)
    assert (entry.actor, entry.action, entry.entity, entry.entity_key) == (
        "cli", "update", "setting", "currency",
    )  # fmt: skip
    assert entry.details == {"old": "DKK", "new": "EUR"}
    # The same change through the façade names the administrator; a user is refused.
    assert KpiDesk(db, ADMIN).settings.set("nightly_run_time", "3:05") == "03:05"
    assert audit_rows(db_url)[-1].actor == "karen"
    with pytest.raises(PermissionDenied):
        KpiDesk(db, SALES).settings.set("currency", "SEK")
    with pytest.raises(SettingError):
        KpiDesk(db, ADMIN).settings.set("no_such_setting", "1")
    assert len(audit_rows(db_url)) == 2
    assert KpiDesk(db, ADMIN).settings.all()["currency"] == "EUR"


def test_today_is_the_installation_date_by_the_desks_clock(db: Database) -> None:
    # 23:30 UTC on 28 March 2026 is 00:30 on the 29th in Copenhagen, 19:30 on the 28th in
    # New York: "today" is the installation's date, never the PC's or UTC's.
    moment = dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)
    desk = KpiDesk(db, ADMIN, clock=lambda: moment)
    assert desk.today() == dt.date(2026, 3, 29)
    assert str(desk.timezone()) == "Europe/Copenhagen"
    # "Beregn nu" without a date calculates the desk's today.
    summary = desk.runs.run_now()
    assert summary.run_date == dt.date(2026, 3, 29) and summary.status == "success"
    desk.settings.set("timezone", "America/New_York")
    assert desk.today() == dt.date(2026, 3, 28)
    assert desk.runs.run_now().run_date == dt.date(2026, 3, 28)
    status = desk.kpi.run_status()
    assert status is not None and status.run_date == dt.date(2026, 3, 28)


def test_latest_success_is_a_frozen_data_object(db: Database) -> None:
    moment = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    desk = KpiDesk(db, ADMIN, clock=lambda: moment)
    desk.runs.run_now(dt.date(2026, 5, 30))
    desk.runs.run_now(dt.date(2026, 5, 31))
    with db.session() as session:
        latest = kpi.latest_success(session, dt.date(2026, 5, 30))
        assert kpi.latest_success(session, dt.date(2026, 5, 29)) is None
    assert isinstance(latest, kpi.SuccessfulRun)
    assert latest.run_date == dt.date(2026, 5, 30)
    assert latest.finished_at is not None and latest.started_at <= latest.finished_at
    assert latest.link.outcome is None  # "Beregn nu": no data source involved
    with pytest.raises(dataclasses.FrozenInstanceError):
        latest.run_date = dt.date(2026, 5, 31)  # type: ignore[misc]


def test_the_data_sources_import_is_audited_once_and_nothing_new_is_not(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    folder = base_export(tmp_path / "export")
    desk = KpiDesk(db, ADMIN)
    desk.source.set_folder(str(folder), "kpidesk", "", 0)
    result = desk.source.sync()
    assert result.status == "imported", result.message
    imports = [e for e in audit_rows(db_url) if e.entity == "crm_data"]
    assert len(imports) == 1
    entry = imports[0]
    assert (entry.actor, entry.action) == ("karen", "import")
    assert entry.details["import_id"] == result.import_id
    assert entry.details["rows"] == data_rows(folder)  # per file, as `crm_imports` has it
    assert desk.source.sync().status == "nothing_new"
    assert len([e for e in audit_rows(db_url) if e.entity == "crm_data"]) == 1
