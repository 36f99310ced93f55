"""Window sizes (issue 14, part 6): on the demo installation, each window opens at a size that
fits a 1366×768 screen and shows its content uncut (whole rule names, every rule of the team
view, several records under a chart), and remembers the size people give it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMargins, QSettings, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QTableView
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.geometry import SETTINGS_GROUP, SMALL_SCREEN, default_size, fits, inside
from kpidesk.gui.kpi_chart import KpiChartDialog
from kpidesk.gui.login import ChangePasswordDialog, FirstAdminDialog, LoginDialog
from kpidesk.gui.setup import KpiSetupDialog
from kpidesk.gui.team_view import TeamViewDialog
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


def visible_rows(table: QTableView) -> int:
    """Whole rows the table shows without scrolling."""
    return table.viewport().height() // max(table.rowHeight(0), 1)


def test_the_team_view_shows_every_rule_without_scrolling_sideways(
    qtbot: QtBot, demo: Database
) -> None:
    """The demo's nine rules, one column each, on a 1366×768 screen; long rule names take two
    header lines; sorting by a rule keeps it so."""
    dialog = TeamViewDialog(AppContext(db=demo, caller=login(demo, "admin")))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.show()
    dialog.resize(SMALL_INSIDE)  # the test screen is 800×800; what a 1366×768 screen gives
    qtbot.wait(50)
    header = dialog.table.horizontalHeader()
    titles = [dialog.proxy.headerData(c, header.orientation()) for c in range(header.count())]
    assert titles[2:] == demo_rule_names()  # one column per active rule, in the demo's order
    assert dialog.table.horizontalScrollBar().maximum() == 0
    assert_no_column_cut(dialog.table)
    line = header.fontMetrics().lineSpacing()
    assert header.height() >= 2 * line  # "Afsluttede supportaktiviteter" on two lines
    dialog.table.sortByColumn(titles.index("KAM-dækning"), Qt.SortOrder.DescendingOrder)
    qtbot.wait(50)
    assert dialog.table.horizontalScrollBar().maximum() == 0
    assert_no_column_cut(dialog.table)


def test_the_chart_shows_several_records_at_its_default_size(qtbot: QtBot, demo: Database) -> None:
    today = TodayKpiDialog(AppContext(db=demo, caller=login(demo, "mette")))
    qtbot.addWidget(today)
    with qtbot.waitSignal(today.loaded, timeout=WAIT):
        today.show()
    qtbot.waitUntil(lambda: bool(today.cards), timeout=WAIT)
    coverage = next(kpi for kpi in today.today.kpis if kpi.rule == "KAM-dækning")
    today.open_chart(coverage)
    chart = today.chart
    assert isinstance(chart, KpiChartDialog)
    assert fits(default_size(chart), SMALL_INSIDE), default_size(chart)
    chart.resize(default_size(chart))
    qtbot.waitUntil(lambda: chart.explanation is not None, timeout=WAIT)
    qtbot.wait(50)
    assert chart.rowsModel.rowCount() > 8 and chart.gapModel.rowCount() > 8
    assert visible_rows(chart.rowsTable) >= 8
    assert visible_rows(chart.gapTable) >= 8


def test_editor_and_password_dialogs_remember_their_size(
    qtbot: QtBot, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = login(demo, "admin")
    ctx = AppContext(db=demo, caller=admin)
    setup = KpiSetupDialog(ctx)
    qtbot.addWidget(setup)
    qtbot.waitUntil(lambda: setup.snapshot is not None, timeout=WAIT)
    rule = setup.snapshot.rules[0]  # type: ignore[union-attr]

    def editor() -> QDialog:
        setup.edit_rule(rule, lambda _saved: None)
        assert setup.editor is not None
        return setup.editor

    makers: dict[str, Callable[[], QDialog]] = {
        "ruleEditor": editor,
        "login": lambda: LoginDialog(demo),
        "firstAdmin": lambda: FirstAdminDialog(demo),
        "changePassword": lambda: ChangePasswordDialog(demo, admin),
    }
    for key, make in makers.items():
        first = make()
        if first.parent() is None:  # the editor is the setup dialog's and deletes itself
            qtbot.addWidget(first)
        default = first.size()
        assert fits(default, SMALL_INSIDE), (key, default)
        first.show()
        qtbot.waitExposed(first)
        chosen = default.grownBy(QMargins(0, 0, 57, 31))
        first.resize(chosen)
        first.close()
        again = make()
        if again.parent() is None:
            qtbot.addWidget(again)
        assert again.size() == chosen, key
        again.close()

    # The administrator's "Set password" asks in a dialog that keeps its size too.
    page = setup.usersPage
    setup.tabs.setCurrentWidget(page)
    page.table.setCurrentIndex(page.model.index(0, 0))
    sizes: list[QSize] = []

    def answer(size: QSize | None) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, lambda: answer(size))
            return
        sizes.append(dialog.size())
        if size is not None:
            dialog.resize(size)
        dialog.reject()

    QTimer.singleShot(20, lambda: answer(QSize(520, 90)))  # its height is its content's
    page.passwordButton.click()
    QTimer.singleShot(20, lambda: answer(None))
    page.passwordButton.click()
    assert fits(sizes[0], SMALL_INSIDE) and sizes[1].width() == 520
