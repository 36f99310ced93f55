"""The team view: users × rules with coloured scores, filter by profile, CSV export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kpidesk.data.db import Database
from kpidesk.gui.context import AppContext
from kpidesk.gui.setup_models import LEVEL_ROLE
from kpidesk.gui.team_view import TeamViewDialog
from kpidesk.services import setup
from kpidesk.services.runs import run_now
from kpidesk.services.setup import RuleDraft
from tests.services.test_setup_service import Seed, meetings_draft, seed_small

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT = 20_000


@pytest.fixture
def seed(db: Database) -> Seed:
    seed = seed_small(db)
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    setup.create_rule(
        db, seed.admin,
        RuleDraft("Færdige supportsager", "completed_activities",
                  {"activity_types": ["Support"], "days": 30}, 2, (seed.support,)),
    )  # fmt: skip
    assert run_now(db, seed.admin, seed.today).status == "success"
    return seed


def open_team(qtbot: QtBot, db: Database, seed: Seed) -> TeamViewDialog:
    view = TeamViewDialog(AppContext(db=db, caller=seed.admin))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.show()
    qtbot.waitUntil(lambda: view.filter.count() == 3, timeout=WAIT)
    return view


def cell(view: TeamViewDialog, row_text: str, column_text: str) -> tuple[str, object]:
    model = view.model
    columns = {
        model.headerData(c, Qt.Orientation.Horizontal): c for c in range(model.columnCount())
    }
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == row_text:
            index = model.index(row, columns[column_text])
            return index.data(), index.data(LEVEL_ROLE)
    raise AssertionError(f"no row {row_text!r}")


def test_team_scores_coloured_and_filtered_by_profile(
    qtbot: QtBot, qtmodeltester: object, db: Database, seed: Seed
) -> None:
    view = open_team(qtbot, db, seed)
    model = view.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 3  # anna, bo, carl (the admin has no profile)
    assert model.columnCount() == 4  # user, profile, two rules
    assert cell(view, "Anna Andersen (anna)", "Planlagte salgsmøder") == ("60 %", "amber")
    assert cell(view, "Bo Berg (bo)", "Planlagte salgsmøder") == ("10 %", "red")
    assert cell(view, "Carl Clausen (carl)", "Færdige supportsager") == ("50 %", "amber")
    assert cell(view, "Carl Clausen (carl)", "Planlagte salgsmøder") == ("", None)  # not his
    assert "2026" in view.header.text() or str(seed.today.year) in view.header.text()

    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.filter.setCurrentIndex(view.filter.findText("Salg"))
    assert model.rowCount() == 2 and model.columnCount() == 3
    assert [model.index(r, 0).data() for r in range(2)] == ["Anna Andersen (anna)",
                                                             "Bo Berg (bo)"]  # fmt: skip


def test_export_csv_writes_what_is_shown(
    qtbot: QtBot, db: Database, seed: Seed, tmp_path: Path
) -> None:
    view = open_team(qtbot, db, seed)
    target = tmp_path / "team"
    with qtbot.waitSignal(view.exported, timeout=WAIT) as signal:
        view.export_to(str(target))
    path = Path(signal.args[0])
    assert path.name == "team.csv" and path.exists()
    text = path.read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Login;Navn;Profil;Planlagte salgsmøder")
    anna = next(line for line in lines if line.startswith("anna;"))
    assert anna.split(";")[3:5] == ["6", "60"]
    assert "Exported" in view.message.text()


def test_a_user_is_refused(qtbot: QtBot, db: Database, seed: Seed) -> None:
    view = TeamViewDialog(AppContext(db=db, caller=seed.anna))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.show()
    assert view.model.rowCount() == 0
    assert "administrator" in view.header.text()
    assert not view.exportButton.isEnabled()


def test_sorting_by_a_rule_puts_the_best_score_first(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    view = open_team(qtbot, db, seed)
    column = [view.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(view.model.columnCount())].index("Planlagte salgsmøder")  # fmt: skip
    view.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())]
    assert shown == ["Anna Andersen (anna)", "Bo Berg (bo)", "Carl Clausen (carl)"]
    view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert view.proxy.index(0, 0).data() == "Carl Clausen (carl)"  # no score sorts lowest
