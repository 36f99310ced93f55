"""Window sizes (issue 14, part 6): on the demo installation, each window opens at a size that
fits a 1366×768 screen and shows its content uncut, and remembers the size people give it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.geometry import SETTINGS_GROUP, SMALL_SCREEN, default_size, fits, inside
from kpidesk.gui.setup import KpiSetupDialog
from kpidesk.gui.today_dialog import TodayKpiDialog
from kpidesk.services import auth
from kpidesk.services.caller import Caller
from kpidesk.services.demo import DEMO_PASSWORD, build_demo, demo_setup_file

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT = 30_000
SMALL_INSIDE = inside(SMALL_SCREEN)  # what a window may take of a 1366×768 screen


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The real demo installation (CRM data, the demo's rules, passwords, a night of results)."""
    path: Path = tmp_path_factory.mktemp("sizes") / "demo.sqlite3"
    db = Database(f"sqlite:///{path.as_posix()}")
    build_demo(db, history_days=1)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def no_saved_sizes(qapp: object) -> Iterator[None]:
    QSettings().remove(SETTINGS_GROUP)
    yield
    QSettings().remove(SETTINGS_GROUP)


def login(db: Database, name: str) -> Caller:
    return auth.authenticate(db, name, DEMO_PASSWORD)


def demo_rule_names() -> list[str]:
    """The rule names as the demo's setup file has them (read independently of the GUI)."""
    import json

    data = json.loads(demo_setup_file().read_text(encoding="utf-8"))
    return [rule["name"] for rule in data["rules"]]


def assert_no_column_cut(table: QTableView) -> None:
    """Every column at least as wide as its widest cell and its header want."""
    header = table.horizontalHeader()
    for column in range(table.model().columnCount()):
        wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
        assert table.columnWidth(column) >= wanted, (
            table.model().headerData(column, header.orientation()),
            table.columnWidth(column),
            wanted,
        )


def test_kpi_setup_fits_the_small_screen_and_shows_whole_rule_names(
    qtbot: QtBot, demo: Database
) -> None:
    dialog = KpiSetupDialog(AppContext(db=demo, caller=login(demo, "admin")))
    qtbot.addWidget(dialog)
    size = default_size(dialog)
    assert fits(size, SMALL_INSIDE), size
    dialog.resize(size)  # the test screen is 800×800; the size users get on 1366×768
    dialog.show()
    qtbot.waitExposed(dialog)
    page = dialog.rulesPage
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT)
    names = [rule.name for rule in page.model.rows()]
    longest = max(demo_rule_names(), key=len)
    assert longest in names
    dialog.tabs.setCurrentWidget(page)
    qtbot.wait(50)
    assert_no_column_cut(page.table)


def test_dagens_kpi_shows_every_card_without_scrolling(qtbot: QtBot, demo: Database) -> None:
    dialog = TodayKpiDialog(AppContext(db=demo, caller=login(demo, "mette")))
    qtbot.addWidget(dialog)
    assert fits(default_size(dialog), SMALL_INSIDE)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.cards), timeout=WAIT)
    qtbot.wait(50)
    assert len(dialog.cards) >= 5
    assert fits(dialog.size(), SMALL_INSIDE), dialog.size()
    assert dialog.scroll.verticalScrollBar().maximum() == 0
    viewport = dialog.scroll.viewport()
    for card in dialog.cards:
        top_left = card.mapTo(viewport, card.rect().topLeft())
        bottom_right = card.mapTo(viewport, card.rect().bottomRight())
        assert viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)


def test_a_size_given_is_remembered_and_used_only_where_it_fits(
    qtbot: QtBot, demo: Database
) -> None:
    ctx = AppContext(db=demo, caller=login(demo, "admin"))
    first = KpiSetupDialog(ctx)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(700, 500)
    first.close()  # closing saves the size
    second = KpiSetupDialog(ctx)
    qtbot.addWidget(second)
    assert second.size() == QSize(700, 500)

    # Saved on a larger screen than this one (the tests' 800×800): the default is used.
    QSettings().setValue(f"{SETTINGS_GROUP}/kpiSetup/size", "1900x1100")
    third = KpiSetupDialog(ctx)
    qtbot.addWidget(third)
    assert third.size() == default_size(third).boundedTo(
        inside(third.screen().availableGeometry().size())
    )
    assert third.size() != QSize(1900, 1100)
