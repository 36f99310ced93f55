"""The "Kørsler" tab: the run log loads off the GUI thread, reads right, and follows new runs."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.data.models import KpiRun, KpiRunData
from kpidesk.gui.context import AppContext
from kpidesk.gui.run_log import RunLogModel, RunLogWidget, format_duration
from kpidesk.services import runs
from kpidesk.services.caller import Caller, PermissionDenied

ADMIN = Caller(login="admin", role="admin", user_id=None)
SELLER = Caller(login="sara", role="user", user_id=None)
T0 = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)


def add_run(db: Database, day: dt.date, status: str, **fields: object) -> None:
    started = fields.pop("started_at", T0 + dt.timedelta(days=(day - dt.date(2026, 11, 20)).days))
    assert isinstance(started, dt.datetime)
    finished = None if status == "running" else started + dt.timedelta(seconds=75)
    with db.session(write=True) as session:
        session.add(
            KpiRun(
                run_date=day, started_at=started, finished_at=finished, status=status,
                trigger=fields.pop("trigger", "nightly"), host=fields.pop("host", "server-1"),
                users_count=fields.pop("users", 12), rules_count=fields.pop("rules", 4),
                results_count=fields.pop("results", 48), error=fields.pop("error", None),
            )
        )  # fmt: skip
        note = fields.pop("data", None)
        if note is not None:
            session.flush()
            run_id = max(r.id for r in session.query(KpiRun).all())
            session.add(KpiRunData(run_id=run_id, import_id=None, note=note))


def cell(model: RunLogModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
    return model.data(model.index(row, column), role)


def wait_loaded(qtbot: QtBot, widget: RunLogWidget, rows: int) -> None:
    qtbot.waitUntil(lambda: not widget.loading and widget.model.rowCount() == rows, timeout=10_000)


def test_format_duration() -> None:
    assert format_duration(None) == ""
    assert format_duration(dt.timedelta(seconds=42.4)) == "0:42"
    assert format_duration(dt.timedelta(minutes=12, seconds=5)) == "12:05"
    assert format_duration(dt.timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"


def test_run_log_service_is_for_administrators_only(db: Database) -> None:
    add_run(db, dt.date(2026, 11, 20), "success")
    with pytest.raises(PermissionDenied):
        runs.run_log(db, SELLER)
    with pytest.raises(PermissionDenied):
        runs.run_now(db, SELLER, dt.date(2026, 11, 20))
    rows = runs.run_log(db, ADMIN)
    assert [(r.date, r.status, r.users, r.rules, r.results) for r in rows] == [
        (dt.date(2026, 11, 20), "success", 12, 4, 48)
    ]
    assert rows[0].duration == dt.timedelta(seconds=75)
    assert rows[0].started == T0


def test_run_log_is_newest_first_and_limited(db: Database) -> None:
    for n in range(5):
        add_run(db, dt.date(2026, 11, 16) + dt.timedelta(days=n), "success")
    rows = runs.run_log(db, ADMIN, limit=3)
    assert [r.date.day for r in rows] == [20, 19, 18]


@pytest.fixture
def english(qapp):  # type: ignore[no-untyped-def]
    """The app in English, as it starts on an English desktop: with its plural forms."""
    from kpidesk.gui import i18n

    assert "sched_en.qm" in i18n.install_translations(qapp, "en")
    yield
    i18n.remove_translations(qapp)


@pytest.mark.usefixtures("english")
def test_widget_shows_the_log_in_english(db: Database, qtbot: QtBot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    note = "CRM-data fra i går 01:30 — importen i nat fejlede: activities.csv:41: (row): …"
    add_run(db, dt.date(2026, 11, 19), "success", trigger="catchup", data=note)
    add_run(db, dt.date(2026, 11, 20), "failed", error="ZeroDivisionError: division by zero\nat x",
            results=0, trigger="retry")  # fmt: skip
    add_run(db, dt.date(2026, 11, 21), "running", host="laptop-7")
    ctx = AppContext(db=db, caller=ADMIN, language="en")
    widget = RunLogWidget(ctx)
    qtbot.addWidget(widget)
    assert widget.objectName() == "runLogWidget"
    wait_loaded(qtbot, widget, 3)
    model = widget.model
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Date", "Started", "Duration", "Users", "Rules", "Results", "Status",
                       "Error", "CRM data", "Trigger", "Host"]  # fmt: skip
    # Newest first: the running one, the failed one, the success.
    assert [cell(model, r, RunLogModel.COL_STATUS) for r in range(3)] == [
        "Running", "Failed", "Succeeded",
    ]  # fmt: skip
    assert cell(model, 0, RunLogModel.COL_DURATION) == ""
    assert cell(model, 0, RunLogModel.COL_HOST) == "laptop-7"
    assert cell(model, 1, RunLogModel.COL_DATE) == "20 Nov 2026"
    assert cell(model, 1, RunLogModel.COL_ERROR) == "ZeroDivisionError: division by zero"
    assert cell(model, 1, RunLogModel.COL_ERROR, Qt.ItemDataRole.ToolTipRole).endswith("at x")
    assert cell(model, 1, RunLogModel.COL_TRIGGER) == "Retry"
    assert cell(model, 2, RunLogModel.COL_DURATION) == "1:15"
    assert cell(model, 2, RunLogModel.COL_RESULTS) == "48"
    assert cell(model, 2, RunLogModel.COL_TRIGGER) == "Catch-up"
    assert cell(model, 2, RunLogModel.COL_DATA) == note  # which data it used, as stored
    assert cell(model, 2, RunLogModel.COL_DATA, Qt.ItemDataRole.ToolTipRole) == note
    assert cell(model, 1, RunLogModel.COL_DATA) == ""
    red = cell(model, 1, RunLogModel.COL_STATUS, Qt.ItemDataRole.ForegroundRole)
    green = cell(model, 2, RunLogModel.COL_STATUS, Qt.ItemDataRole.ForegroundRole)
    assert red != green
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
    assert widget.status.text() == "3 runs, 1 failed"


def test_widget_reads_danish_dates_and_numbers(db: Database, qtbot: QtBot) -> None:
    add_run(db, dt.date(2026, 11, 20), "success", users=1800, results=18000)
    widget = RunLogWidget(AppContext(db=db, caller=ADMIN, language="da"))
    qtbot.addWidget(widget)
    wait_loaded(qtbot, widget, 1)
    assert cell(widget.model, 0, RunLogModel.COL_DATE) == "20. nov. 2026"
    assert cell(widget.model, 0, RunLogModel.COL_USERS) == "1.800"
    assert cell(widget.model, 0, RunLogModel.COL_RESULTS) == "18.000"


def test_widget_refreshes_when_a_run_finishes(db: Database, qtbot: QtBot) -> None:
    ctx = AppContext(db=db, caller=ADMIN, language="en")
    widget = RunLogWidget(ctx)
    qtbot.addWidget(widget)
    wait_loaded(qtbot, widget, 0)
    assert widget.status.text() == "No KPI runs yet. The first runs tonight, or now."
    add_run(db, dt.date(2026, 11, 20), "success")
    ctx.events.runFinished.emit(object())
    wait_loaded(qtbot, widget, 1)
    # Two finishes in a row while loading: the second reload follows the first, none is lost.
    add_run(db, dt.date(2026, 11, 21), "success")
    ctx.events.runFinished.emit(object())
    add_run(db, dt.date(2026, 11, 22), "failed", error="boom")
    ctx.events.runFinished.emit(object())
    wait_loaded(qtbot, widget, 3)


def test_widget_for_a_user_says_why_it_is_empty(db: Database, qtbot: QtBot) -> None:
    add_run(db, dt.date(2026, 11, 20), "success")
    widget = RunLogWidget(AppContext(db=db, caller=SELLER, language="en"))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.loading, timeout=10_000)
    assert widget.model.rowCount() == 0
    assert widget.status.text() == ("Could not load the run log: only an administrator may do this")


def test_danish_translation_is_complete(db: Database, qtbot: QtBot, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTranslator

    from kpidesk import paths

    translator = QTranslator()
    assert translator.load(str(paths.resource_path("i18n", "sched_da.qm")))
    qapp.installTranslator(translator)
    try:
        add_run(db, dt.date(2026, 11, 19), "success")
        add_run(db, dt.date(2026, 11, 20), "failed", error="boom", trigger="retry")
        widget = RunLogWidget(AppContext(db=db, caller=ADMIN, language="da"))
        qtbot.addWidget(widget)
        wait_loaded(qtbot, widget, 2)
        model = widget.model
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(11)]
        assert headers == ["Dato", "Startet", "Varighed", "Brugere", "Regler", "Resultater",
                           "Status", "Fejl", "CRM-data", "Udløst af", "Maskine"]  # fmt: skip
        assert cell(model, 0, RunLogModel.COL_STATUS) == "Fejlet"
        assert cell(model, 0, RunLogModel.COL_TRIGGER) == "Nyt forsøg"
        assert cell(model, 1, RunLogModel.COL_STATUS) == "Gennemført"
        assert widget.status.text() == "2 kørsler, 1 fejlet"
        assert widget.reload_button.text() == "&Genindlæs"
    finally:
        qapp.removeTranslator(translator)
