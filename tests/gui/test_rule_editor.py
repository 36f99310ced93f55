"""The rule editor driven as an admin would: invalid input refused in place, valid input saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry, KpiRule
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import level_colour
from kpidesk.gui.rule_editor import RuleEditorDialog
from kpidesk.services import people, setup
from tests.services.test_setup_service import Seed, meetings_draft, seed_small

# The offscreen platform says this whenever a window is resized; it is not our warning.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def seed(db: Database) -> Seed:
    return seed_small(db)


def make_editor(
    qtbot: QtBot, db: Database, seed: Seed, rule: setup.RuleInfo | None = None
) -> tuple[RuleEditorDialog, AppContext]:
    ctx = AppContext(db=db, caller=seed.admin)
    editor = RuleEditorDialog(
        ctx,
        setup.template_specs(),
        people.list_profiles(db, seed.admin),
        setup.list_rules(db, seed.admin),
        setup.activity_types(db, seed.admin),
        rule=rule,
    )
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor, ctx


def check_profile(editor: RuleEditorDialog, name: str) -> None:
    for row in range(editor.profilesList.count()):
        item = editor.profilesList.item(row)
        if item.text() == name:
            item.setCheckState(Qt.CheckState.Checked)


def rule_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(KpiRule.id))) or 0)


def test_invalid_values_are_refused_in_place_then_a_valid_rule_is_saved(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    editor, ctx = make_editor(qtbot, db, seed)
    assert editor.spec().key == "planned_meetings"
    days = editor.findChild(QSpinBox, "param_days")
    types = editor.findChild(QListWidget, "param_activity_types")
    assert days is not None and types is not None
    assert (days.minimum(), days.maximum(), days.value()) == (1, 730, 14)
    assert [types.item(r).text() for r in range(types.count())] == [
        "Opgave", "Salgsmøde", "Support", "Telefonopkald",
    ]  # fmt: skip

    # empty name, days typed as 0, no target: Enter refuses, each message beside its field
    editor.nameEdit.clear()
    qtbot.keyClicks(editor.nameEdit, " ")
    days.lineEdit().selectAll()
    qtbot.keyClicks(days.lineEdit(), "0")
    qtbot.keyClick(editor.nameEdit, Qt.Key.Key_Return)
    error_days = editor.findChild(QLabel, "error_days")
    assert editor.nameError.isVisible() and "name" in editor.nameError.text()
    assert error_days is not None and error_days.isVisible() and "730" in error_days.text()
    assert editor.targetError.isVisible()
    assert editor.isVisible() and editor.result() == 0
    qtbot.wait(50)
    assert rule_count(db) == 0

    # valid values: saved off-thread, the dialog closes, setupChanged is emitted
    editor.nameEdit.clear()
    qtbot.keyClicks(editor.nameEdit, "Planlagte salgsmøder")
    days.lineEdit().selectAll()
    qtbot.keyClicks(days.lineEdit(), "14")
    qtbot.keyClicks(editor.targetEdit, "10")
    types.item(1).setCheckState(Qt.CheckState.Checked)
    check_profile(editor, "Salg")
    assert not editor.nameError.isVisible() and not error_days.isVisible()
    assert "Salgsmøder de næste 14 dage" in editor.descriptionLabel.text()
    with qtbot.waitSignal(ctx.events.setupChanged, timeout=10_000):
        qtbot.keyClick(editor.targetEdit, Qt.Key.Key_Return)
    assert editor.result() == 1 and editor.saved_rule is not None
    with db.session() as session:
        rule = session.scalars(select(KpiRule)).one()
        assert (rule.name, rule.template, rule.target) == ("Planlagte salgsmøder",
                                                           "planned_meetings", 10.0)  # fmt: skip
        assert rule.params == {"activity_types": ["Salgsmøde"], "days": 14}
        assert [p.name for p in rule.profiles] == ["Salg"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "rule")).one()
        assert (entry.action, entry.actor) == ("create", "admin")


def test_percent_target_typed_as_percent_stored_as_fraction(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    editor, ctx = make_editor(qtbot, db, seed)
    editor.templateCombo.setCurrentIndex(editor.templateCombo.findData("kam_coverage"))
    assert editor.targetUnit.text() == "%"
    assert editor.nameEdit.text() == setup.template_specs()[1].title("da")
    qtbot.keyClicks(editor.targetEdit, "62,5")
    check_profile(editor, "Salg")
    with qtbot.waitSignal(ctx.events.setupChanged, timeout=10_000):
        editor.okButton.click()
    assert editor.saved_rule is not None
    assert editor.saved_rule.target == pytest.approx(0.625)


def test_period_choice_and_days_only_for_rolling(qtbot: QtBot, db: Database, seed: Seed) -> None:
    editor, _ctx = make_editor(qtbot, db, seed)
    editor.templateCombo.setCurrentIndex(editor.templateCombo.findData("won_revenue"))
    period = editor.findChild(QComboBox, "param_period")
    days = editor.findChild(QSpinBox, "param_days")
    assert period is not None and days is not None
    assert period.currentData() == "month" and not days.isEnabled()
    period.setCurrentIndex(period.findData("rolling"))
    assert days.isEnabled()
    assert editor.params()["period"] == "rolling"


def test_editing_shows_the_rule_and_guidance_for_its_profiles(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    for number in range(9):
        setup.create_rule(db, seed.admin, meetings_draft(seed, name=f"Regel {number}"))
    rule = setup.create_rule(db, seed.admin, meetings_draft(seed, name="Tiende", target=4))
    editor, ctx = make_editor(qtbot, db, seed, rule)
    assert editor.nameEdit.text() == "Tiende" and editor.targetEdit.text() == "4"
    amber = f"color:{level_colour('amber', editor.palette()).name()}'>●</span> <b>Salg</b>"
    assert amber in editor.guidanceLabel.text() and "10" in editor.guidanceLabel.text()
    editor.activeCheck.setChecked(False)
    assert amber in editor.guidanceLabel.text()  # 9 left
    assert "9" in editor.guidanceLabel.text() and "10" not in editor.guidanceLabel.text()
    # the name of another rule is refused in place
    editor.nameEdit.clear()
    qtbot.keyClicks(editor.nameEdit, "regel 3")
    assert editor.nameError.isVisible() and editor.nameError.text()
    # Escape cancels and nothing changes
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.result() == 0
    assert [r.name for r in setup.list_rules(db, seed.admin) if r.id == rule.id] == ["Tiende"]
