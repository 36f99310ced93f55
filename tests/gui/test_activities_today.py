"""The activities tab's "today" is the installation's date from an injectable clock, and
moves on after midnight while the window stays open."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.crm_views import ActivitiesTab
from tests.gui.test_crm_models import seed_crm


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_today_is_the_installations_date_and_moves_after_midnight(
    db: Database, qtbot: QtBot
) -> None:
    people = seed_crm(db)
    # 23:30 UTC on 28 March is already 00:30 on the 29th in Copenhagen (the default zone);
    # a PC clock in UTC would still say the 28th.
    clock = FakeClock(dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC))
    tab = ActivitiesTab(AppContext(db=db, caller=people.mette, clock=clock))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()
    day = dt.date(2026, 3, 29)
    assert tab.today == day
    assert tab.date_range() == (day - dt.timedelta(30), day + dt.timedelta(60))

    # The app stays open over the next midnight (local, summer time by now): the timer
    # notices, and the default range moves with the day.
    tab.day_timer.setInterval(20)
    clock.now = dt.datetime(2026, 3, 29, 22, 0, 1, tzinfo=dt.UTC)  # 30 March 00:00:01 CEST
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        qtbot.waitUntil(lambda: tab.today == dt.date(2026, 3, 30), timeout=5_000)
    assert tab.date_range() == (dt.date(2026, 2, 28), dt.date(2026, 5, 29))

    # A range the user chose stays as it is; only "today" moves.
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.set_date_range(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    clock.now = dt.datetime(2026, 3, 30, 22, 0, 1, tzinfo=dt.UTC)
    qtbot.waitUntil(lambda: tab.today == dt.date(2026, 3, 31), timeout=5_000)
    assert tab.date_range() == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def test_a_fixed_today_does_not_follow_the_clock(db: Database, qtbot: QtBot) -> None:
    people = seed_crm(db)
    clock = FakeClock(dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC))
    tab = ActivitiesTab(
        AppContext(db=db, caller=people.mette, clock=clock), today=dt.date(2026, 1, 5)
    )
    qtbot.addWidget(tab)
    clock.now += dt.timedelta(days=3)
    tab.check_day()
    assert tab.today == dt.date(2026, 1, 5)
    assert not tab.day_timer.isActive()
