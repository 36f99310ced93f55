""" "Today" in the windows is the installation's date by the context's clock: "Beregn nu"
calculates it and the activities list opens on it, whatever the PC's clock or zone say."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.crm_views import ActivitiesTab
from kpidesk.gui.setup import KpiSetupDialog
from kpidesk.services import setup
from kpidesk.services.desk import KpiDesk
from tests.services.test_setup_service import meetings_draft, seed_small

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

# 23:30 UTC on 28 March: the 29th in Copenhagen, still the 28th in New York.
MOMENT = dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Copenhagen", dt.date(2026, 3, 29)), ("America/New_York", dt.date(2026, 3, 28))],
)
def test_calculate_now_and_the_activities_use_the_installation_today(
    qtbot: QtBot, db: Database, zone: str, expected: dt.date
) -> None:
    seed = seed_small(db)
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    KpiDesk(db, seed.admin).settings.set("timezone", zone)
    ctx = AppContext(db=db, caller=seed.admin, clock=lambda: MOMENT)
    assert ctx.desk.today() == expected

    activities = ActivitiesTab(ctx)
    qtbot.addWidget(activities)
    assert activities.today == expected

    dialog = KpiSetupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.snapshot is not None, timeout=20_000)
    started: list[object] = []
    finished: list[object] = []
    ctx.events.runStarted.connect(started.append)
    ctx.events.runFinished.connect(finished.append)
    dialog.rulesPage.calcButton.click()
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    assert started == [expected]
    assert getattr(finished[0], "run_date", None) == expected
    status = ctx.desk.kpi.run_status()
    assert status is not None and status.run_date == expected and status.status == "success"
