"""Three nights against a folder source that the "CRM" rewrites every night (both backends).

Night 1 exports, night 2's export is half-written (the import fails: the run calculates on
night 1's data, and the run log, the main window's status bar and "Dagens KPI" say so the
next morning, read from the real widgets), night 3 recovers with new data. Each night's
results are checked against a deliberately simple count over the rows of the export in effect.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kpidesk.data.db import Database
from kpidesk.data.models import CrmImport, KpiResult, KpiRule, KpiRun, Profile, User
from kpidesk.gui import runner as gui_runner
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import set_display_timezone
from kpidesk.gui.main_window import MainWindow
from kpidesk.gui.run_log import RunLogModel, RunLogWidget
from kpidesk.gui.today_dialog import TodayKpiDialog
from kpidesk.scheduler.nightly import NightlyRunner
from kpidesk.services.caller import SYSTEM_CLI, Caller
from kpidesk.services.maintenance import check_database
from kpidesk.services.runs import run_log
from kpidesk.services.source import set_folder
from tests.scheduler.seed import CPH, set_setting

N1, N2, N3 = dt.date(2026, 11, 10), dt.date(2026, 11, 11), dt.date(2026, 11, 12)
LOGINS = ("anna", "bo", "carl")
PLANNED = "Planlagte møder 14 dage"
DONE = "Gennemførte aktiviteter 30 dage"


@dataclass(frozen=True)
class Act:
    id: int
    type: str
    status: str
    start: dt.datetime  # local
    participants: tuple[str, ...]


def first_export() -> list[Act]:
    """User k: k+2 sales meetings 1, 7, 13, 19 days after night 1; k+1 tasks done before it."""
    acts: list[Act] = []
    for k, login in enumerate(LOGINS):
        for j in range(k + 2):
            start = dt.datetime.combine(N1 + dt.timedelta(days=1 + 6 * j), dt.time(10), CPH)
            acts.append(Act(len(acts) + 1, "Salgsmøde", "planned", start, (login,)))
        for j in range(k + 1):
            start = dt.datetime.combine(N1 - dt.timedelta(days=2 + 10 * j), dt.time(9), CPH)
            acts.append(Act(len(acts) + 1, "Opgave", "done", start, (login,)))
    shared = dt.datetime.combine(N1 + dt.timedelta(days=3), dt.time(13), CPH)
    acts.append(Act(len(acts) + 1, "Salgsmøde", "planned", shared, ("anna", "bo")))
    return acts


def third_export(acts: list[Act]) -> list[Act]:
    """Carl books two more meetings, anna's second meeting is held, bo finishes a task."""
    changed = [replace(a, status="done") if a.id == 2 else a for a in acts]
    new = [
        Act(101, "Salgsmøde", "planned", dt.datetime.combine(N3 + dt.timedelta(days=2),
            dt.time(9), CPH), ("carl",)),
        Act(102, "Salgsmøde", "planned", dt.datetime.combine(N3 + dt.timedelta(days=4),
            dt.time(15), CPH), ("carl", "anna")),
        Act(103, "Opgave", "done", dt.datetime.combine(N2, dt.time(11), CPH), ("bo",)),
    ]  # fmt: skip
    return changed + new


def expected(acts: list[Act], day: dt.date) -> dict[tuple[str, str], float]:
    """The simple evaluation: count rows by hand, by local start date."""
    out: dict[tuple[str, str], float] = {}
    for login in LOGINS:
        mine = [a for a in acts if login in a.participants]
        out[(login, PLANNED)] = sum(
            1
            for a in mine
            if a.type == "Salgsmøde"
            and a.status == "planned"
            and day <= a.start.date() < day + dt.timedelta(days=14)
        )
        out[(login, DONE)] = sum(
            1
            for a in mine
            if a.status == "done" and day - dt.timedelta(days=30) <= a.start.date() < day
        )
    return out


def write_export(folder: Path, acts: list[Act], written: dt.datetime, *, cut: bool = False) -> None:
    """The CRM's export: kpidesk's own five files, all with the modification time `written`.

    `cut`: activities.csv ends in the middle of a row, as a copy interrupted midway leaves it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    users = "login,name,email,role,profile\n" + "".join(
        f"{login},{login.title()} Hansen,{login}@firma.dk,user,Salg\n" for login in LOGINS
    )
    companies = "id,name,is_customer\n1,Kunde A/S,yes\n"
    activities = "id,type,status,start_at,company_id,owner\n" + "".join(
        f"{a.id},{a.type},{a.status},{a.start.isoformat()},1,{a.participants[0]}\n" for a in acts
    )
    if cut:
        activities = activities[: activities.rindex(",", 0, len(activities) - 20)]
    participants = "activity_id,login\n" + "".join(
        f"{a.id},{login}\n" for a in acts for login in a.participants
    )
    files = {
        "users.csv": users,
        "companies.csv": companies,
        "activities.csv": activities,
        "activity_participants.csv": participants,
        "done": "",
    }
    stamp = written.timestamp()
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (stamp, stamp))


def results(db: Database, day: dt.date) -> dict[tuple[str, str], float]:
    with db.session() as session:
        rows = session.execute(
            select(User.login, KpiRule.name, KpiResult.value)
            .join(User, User.id == KpiResult.user_id)
            .join(KpiRule, KpiRule.id == KpiResult.rule_id)
            .where(KpiResult.run_date == day)
        ).all()
    return {(login, rule): value for login, rule, value in rows}


def setup_rules(db: Database) -> None:
    with db.session(write=True) as session:
        salg = Profile(name="Salg")
        session.add(salg)
        session.add_all(
            [
                KpiRule(
                    name=PLANNED,
                    template="planned_meetings",
                    params={"days": 14},
                    target=5,
                    profiles=[salg],
                ),  # fmt: skip
                KpiRule(
                    name=DONE,
                    template="completed_activities",
                    params={"days": 30},
                    target=5,
                    profiles=[salg],
                ),  # fmt: skip
            ]
        )


def night(db: Database, day: dt.date) -> NightlyRunner:
    """The nightly job as it fires at 02:00 on `day`."""
    moment = dt.datetime.combine(day, dt.time(2), CPH)
    return NightlyRunner(db, clock=lambda: moment)


def stamp_night(db: Database, day: dt.date) -> None:
    """Move the times the night's import and run recorded to that night.

    The runner's clock decides the dates; the engine and the import stamp their rows with the
    real clock. The windows below read those stamps "the morning after", so the test puts
    them where a real night would: the import at 02:00, the run finished at 02:01.
    """
    start = dt.datetime.combine(day, dt.time(2), CPH)
    with db.session(write=True) as session:
        for run in session.scalars(select(KpiRun).where(KpiRun.run_date == day)):
            run.started_at, run.finished_at = start, start + dt.timedelta(minutes=1)
        latest = session.scalars(select(CrmImport).order_by(CrmImport.id.desc()).limit(1)).first()
        if latest is not None and latest.started_at > start + dt.timedelta(days=1):
            latest.started_at = latest.finished_at = start


WAIT_MS = 20_000


@dataclass(frozen=True)
class Seen:
    """What an administrator and a sales person read on the morning after a night."""

    run_log_data: str  # the run log table's "CRM data" cell of that night's run
    status_data: str  # the main window's status bar line about the data
    status_warning: bool
    status_tooltip: str
    today_subheader: str  # Dagens KPI: calculated at …, on CRM data from …
    today_data: str  # Dagens KPI's warning line ("" when hidden)


def morning_after(qtbot: QtBot, db: Database, day: dt.date, login: str) -> Seen:
    """Open the real windows at 08:00 after the night of `day` (offscreen) and read them."""
    clock = dt.datetime.combine(day, dt.time(8), CPH)
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.login == login))
    set_display_timezone(CPH)  # as the app does at start: moments in the installation's zone
    admin = AppContext(db=db, caller=SYSTEM_CLI, clock=lambda: clock)
    seller = AppContext(db=db, caller=Caller(login, "user", user_id), clock=lambda: clock)

    log_widget = RunLogWidget(admin)
    qtbot.addWidget(log_widget)
    qtbot.waitUntil(lambda: not log_widget.loading, timeout=WAIT_MS)
    model = log_widget.table.model()
    rows = {log_widget.model.row_at(r).date: r for r in range(model.rowCount())}
    run_log_data = model.index(rows[day], RunLogModel.COL_DATA).data()

    window = MainWindow(seller, start_scheduler=False, today=day)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.statusRefreshed, timeout=WAIT_MS):
        window.show()
    label = window.findChild(QLabel, "dataStatusLabel")
    assert label is not None and label.isVisible()

    dialog = TodayKpiDialog(seller, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT_MS):
        dialog.show()
    assert dialog.today.run_date == day
    data_line = dialog.findChild(QLabel, "todayData")
    subheader = dialog.findChild(QLabel, "todaySubheader")
    assert data_line is not None and subheader is not None
    seen = Seen(
        run_log_data=run_log_data,
        status_data=label.accessibleName(),
        status_warning=bool(label.property("warning")),
        status_tooltip=label.toolTip(),
        today_subheader=subheader.text(),
        today_data=data_line.text() if data_line.isVisible() else "",
    )
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT_MS)
    dialog.close()
    window.close()
    set_display_timezone(None)
    return seen


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
def test_three_nights_against_a_changing_folder(db: Database, tmp_path: Path, qtbot: QtBot) -> None:
    setup_rules(db)
    folder = tmp_path / "crm-export"
    folder.mkdir()
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk", marker="done")
    set_setting(db, "source_settle_seconds", "1")
    e1 = first_export()
    booked = dt.datetime.combine(N2 + dt.timedelta(days=3), dt.time(10), CPH)
    e2 = [*e1, Act(50, "Salgsmøde", "planned", booked, ("bo",))]
    e3 = third_export(e1)

    # Night 1: a complete export.
    write_export(folder, e1, dt.datetime.combine(N1, dt.time(1, 30), CPH))
    first = night(db, N1).run_pass("nightly")
    stamp_night(db, N1)
    assert [s.status for s in first.summaries] == ["success"]
    assert results(db, N1) == expected(e1, N1)
    seen1 = morning_after(qtbot, db, N1, "bo")
    rows1 = f"users.csv 3, companies.csv 1, activities.csv {len(e1)}, activity_participants.csv"
    assert seen1.status_data.startswith(f"CRM-data fra i dag 01:30 — importeret i nat: {rows1}")
    assert not seen1.status_warning
    assert seen1.today_subheader == (
        "Calculated 10. nov. 2026 02:01 on CRM data from 10. nov. 2026 01:30. "
        "The figures stay fixed until the next nightly run."
    )
    assert seen1.today_data == ""  # nothing to warn about

    # Night 2: half-written; the import fails and the run uses night 1's data.
    write_export(folder, e2, dt.datetime.combine(N2, dt.time(1, 30), CPH), cut=True)
    second = night(db, N2).run_pass("nightly")
    stamp_night(db, N2)
    assert [s.status for s in second.summaries] == ["success"]
    assert expected(e1, N2) != expected(e2, N2)  # the check below can tell the two apart
    assert results(db, N2) == expected(e1, N2)
    assert results(db, N1) == expected(e1, N1)  # night 1's results stay as they were
    seen2 = morning_after(qtbot, db, N2, "bo")
    cut_line = len(e2) + 1  # the header is line 1
    failed = f"importen i nat fejlede: activities.csv:{cut_line}: (row): "
    assert seen2.run_log_data.startswith(f"CRM-data fra i går 01:30 — {failed}")
    assert seen2.status_data.startswith(f"⚠ CRM-data fra i går 01:30 — {failed}")
    assert seen2.status_warning
    assert seen2.status_tooltip.startswith(f"CRM-data fra i går 01:30 — {failed}")
    assert seen2.today_subheader.startswith(
        "Calculated 11. nov. 2026 02:01 on CRM data from 10. nov. 2026 01:30."
    )
    assert seen2.today_data.startswith(f"⚠ CRM-data fra i går 01:30 — {failed}")
    english = RunLogModel("en")  # the same facts, in the reader's language
    english.set_rows(run_log(db, SYSTEM_CLI), CPH)
    row = next(r for r in range(english.rowCount()) if english.row_at(r).date == N2)
    english_line = english.index(row, RunLogModel.COL_DATA).data()
    assert english_line.startswith(
        f"CRM data from yesterday 01:30 — the import last night failed: activities.csv:{cut_line}"
    )

    # Night 3: a complete export again, with new and changed activities.
    write_export(folder, e3, dt.datetime.combine(N3, dt.time(1, 30), CPH))
    third = night(db, N3).run_pass("nightly")
    stamp_night(db, N3)
    assert [s.status for s in third.summaries] == ["success"]
    assert expected(e3, N3) != expected(e1, N3)
    assert results(db, N3) == expected(e3, N3)
    seen3 = morning_after(qtbot, db, N3, "bo")
    assert seen3.run_log_data.startswith("CRM-data fra i dag 01:30 — importeret i nat: ")
    assert seen3.status_data.startswith("CRM-data fra i dag 01:30 — importeret i nat: ")
    assert not seen3.status_warning
    assert seen3.today_subheader.startswith(
        "Calculated 12. nov. 2026 02:01 on CRM data from 12. nov. 2026 01:30."
    )
    assert seen3.today_data == ""

    with db.session() as session:
        imports = session.execute(
            select(CrmImport.id, CrmImport.status, CrmImport.rows, CrmImport.error).order_by(
                CrmImport.id
            )
        ).all()
    assert [status for _, status, _, _ in imports] == ["success", "failed", "success"]
    good1, bad, good3 = imports
    assert good1.rows == {
        "users.csv": 3,
        "companies.csv": 1,
        "activities.csv": len(e1),
        "activity_participants.csv": sum(len(a.participants) for a in e1),
    }
    assert good3.rows["activities.csv"] == len(e3)
    assert bad.error is not None and bad.error.startswith(f"activities.csv:{cut_line}: (row): ")

    log = {row.date: row for row in run_log(db, SYSTEM_CLI)}
    assert [log[d].status for d in (N1, N2, N3)] == ["success"] * 3
    assert [log[d].import_id for d in (N1, N2, N3)] == [good1.id, good1.id, good3.id]
    assert log[N1].data == (
        f"CRM-data fra i dag 01:30 — importeret i nat: users.csv 3, companies.csv 1, "
        f"activities.csv {len(e1)}, activity_participants.csv {len(e1) + 1}"
    )
    assert log[N2].data is not None
    assert log[N2].data.startswith(
        f"CRM-data fra i går 01:30 — importen i nat fejlede: activities.csv:{cut_line}: (row): "
    )
    assert "\n" not in log[N2].data
    assert log[N3].data is not None
    assert log[N3].data.startswith("CRM-data fra i dag 01:30 — importeret i nat: ")
    # Every timestamp the imports and runs wrote is in its one stored form.
    report = check_database(db)
    assert report.ok, report.problems
    if db.is_sqlite:
        with db.connect() as conn:
            ddl = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'crm_imports'"
            ).scalar_one()
        for column in ("started_at", "finished_at", "export_at"):
            assert f"ck_crm_imports_{column}_canonical" in ddl


def test_no_new_export_calculates_on_the_last_import_and_says_so(
    db: Database, tmp_path: Path
) -> None:
    setup_rules(db)
    folder = tmp_path / "crm-export"
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk")
    acts = first_export()
    write_export(folder, acts, dt.datetime.combine(N1, dt.time(1, 30), CPH))
    night(db, N1).run_pass("nightly")
    night(db, N2).run_pass("nightly")  # the CRM did not export
    assert results(db, N2) == expected(acts, N2)
    log = {row.date: row for row in run_log(db, SYSTEM_CLI)}
    assert log[N2].data == "CRM-data fra i går 01:30 — ingen ny eksport i nat"
    assert log[N2].import_id == log[N1].import_id is not None
    with db.session() as session:
        assert len(session.scalars(select(CrmImport)).all()) == 1


def test_without_a_source_the_nightly_run_is_as_before(db: Database) -> None:
    setup_rules(db)
    summary = night(db, N1).run_pass("nightly")
    assert [s.status for s in summary.summaries] == ["success"]
    assert [(row.data, row.import_id) for row in run_log(db, SYSTEM_CLI)] == [(None, None)]


def test_catch_up_imports_once_then_calculates_every_missed_date(
    db: Database, tmp_path: Path
) -> None:
    setup_rules(db)
    folder = tmp_path / "crm-export"
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk")
    e1 = first_export()
    write_export(folder, e1, dt.datetime.combine(N1, dt.time(1, 30), CPH))
    night(db, N1).run_pass("nightly")
    # The machine was off on night 2; on night 3 the export holds night 3's data.
    e3 = third_export(e1)
    write_export(folder, e3, dt.datetime.combine(N3, dt.time(1, 30), CPH))
    passed = night(db, N3).run_pass("catchup")
    assert [(s.run_date, s.status) for s in passed.summaries] == [
        (N2, "success"), (N3, "success"),
    ]  # fmt: skip
    assert results(db, N2) == expected(e3, N2)  # the missed date, on the data there is now
    assert results(db, N3) == expected(e3, N3)
    with db.session() as session:
        assert [s for s in session.scalars(select(CrmImport.status))] == ["success"] * 2
    log = {row.date: row for row in run_log(db, SYSTEM_CLI)}
    assert log[N2].import_id == log[N3].import_id != log[N1].import_id


def test_a_manual_run_says_which_data_it_used(db: Database, tmp_path: Path) -> None:
    """ "Beregn nu" makes no import of its own: the newest good import, and a failed one since."""
    from kpidesk.services.kpi import last_run_status
    from kpidesk.services.runs import run_now
    from kpidesk.services.source import sync

    setup_rules(db)
    folder = tmp_path / "crm-export"
    set_folder(db, SYSTEM_CLI, str(folder), "kpidesk")
    set_setting(db, "source_settle_seconds", "0")
    acts = first_export()
    written = dt.datetime.combine(N1, dt.time(1, 30), CPH)
    write_export(folder, acts, written)
    assert sync(db, SYSTEM_CLI).status == "imported"
    run_now(db, SYSTEM_CLI, N1)
    status = last_run_status(db)
    assert status is not None and status.data is not None
    assert (status.data.outcome, status.data.data_at) == ("", written)
    write_export(folder, acts, written + dt.timedelta(days=1), cut=True)
    failed = sync(db, SYSTEM_CLI)
    assert failed.status == "failed"
    run_now(db, SYSTEM_CLI, N2)
    status = last_run_status(db)
    assert status is not None and status.data is not None
    assert (status.data.outcome, status.data.data_at) == ("failed", written)
    assert status.data.detail == failed.errors[0]
