""" "KPI opsætning" driven as an administrator would, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import AuditEntry, KpiResult, KpiRule, User
from kpidesk.gui.context import AppContext
from kpidesk.gui.setup import KpiSetupDialog
from kpidesk.gui.setup_models import LEVEL_ROLE, ProfilesModel, UsersModel
from kpidesk.services import setup
from tests.services.test_setup_service import Seed, meetings_draft, seed_small

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT = 20_000


@pytest.fixture
def seed(db: Database) -> Seed:
    return seed_small(db)


def open_setup(qtbot: QtBot, db: Database, seed: Seed) -> KpiSetupDialog:
    dialog = KpiSetupDialog(AppContext(db=db, caller=seed.admin))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.snapshot is not None, timeout=WAIT)
    return dialog


def answer_confirmation(yes: bool) -> None:
    """Answer the confirmation box as soon as it is shown (it runs its own event loop)."""

    def answer() -> None:
        boxes = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()]  # fmt: skip
        if not boxes:
            QTimer.singleShot(20, answer)
            return
        button = QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No
        boxes[0].button(button).click()

    QTimer.singleShot(20, answer)


def test_setup_dialog_has_the_three_steps_and_the_run_log(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    dialog = open_setup(qtbot, db, seed)
    assert dialog.objectName() == "kpiSetupDialog"
    assert dialog.tabs.count() == 5
    assert dialog.findChild(QWidget, "runLogWidget") is not None
    assert dialog.findChild(QWidget, "dataSourcePage") is dialog.dataSourcePage
    assert dialog.findChild(QWidget, "rulesTable") is dialog.rulesPage.table
    assert dialog.findChild(QWidget, "ruleDetail") is dialog.rulesPage.detail


def test_clicking_a_rule_shows_its_description_target_profiles_and_preview(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    dialog = open_setup(qtbot, db, seed)
    page = dialog.rulesPage
    assert page.model.rowCount() == 1
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = page.detail
    text = detail.text()
    assert "Planlagte salgsmøder" in text
    assert "Salgsmøder de næste 14 dage, hvor brugeren deltager" in detail.description.text()
    assert detail.target.text() == "10"
    assert detail.profiles.text() == "Salg"
    assert "1" in detail.guidance.text()
    qtbot.waitUntil(lambda: detail.previewModel.rowCount() == 2, timeout=WAIT)
    shown = {
        detail.previewModel.index(r, 0).data(): (
            detail.previewModel.index(r, 1).data(),
            detail.previewModel.index(r, 2).data(),
        )
        for r in range(2)
    }
    assert shown == {"Anna Andersen (anna)": ("6", "60 %"), "Bo Berg (bo)": ("1", "10 %")}
    assert detail.previewModel.index(0, 2).data(LEVEL_ROLE) in {"amber", "red"}


def test_new_rule_refused_while_invalid_then_saved_and_audited(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    dialog = open_setup(qtbot, db, seed)
    page = dialog.rulesPage
    page.newButton.click()
    editor = dialog.editor
    assert editor is not None and editor.isVisible()
    editor.nameEdit.clear()
    editor.okButton.click()
    assert editor.nameError.isVisible() and editor.targetError.isVisible()
    assert editor.isVisible()
    with db.session() as session:
        assert session.scalar(select(func.count(KpiRule.id))) == 0
    qtbot.keyClicks(editor.nameEdit, "Møder i kalenderen")
    qtbot.keyClicks(editor.targetEdit, "8")
    editor.profilesList.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        editor.okButton.click()
    assert [r.name for r in page.model.rows()] == ["Møder i kalenderen"]
    assert page.selected() is not None and page.selected().name == "Møder i kalenderen"
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "rule")).one()
        assert (entry.action, entry.actor, entry.entity_key) == (
            "create", "admin", "Møder i kalenderen",
        )  # fmt: skip


def test_duplicate_and_delete_with_confirmation(qtbot: QtBot, db: Database, seed: Seed) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    dialog = open_setup(qtbot, db, seed)
    page = dialog.rulesPage
    page.select("Planlagte salgsmøder")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.duplicateButton.click()
    assert [r.name for r in page.model.rows()] == [
        "Planlagte salgsmøder", "Planlagte salgsmøder (kopi)",
    ]  # fmt: skip
    assert page.selected() is not None and page.selected().name.endswith("(kopi)")
    assert not page.selected().active
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.activeButton.click()
    assert page.selected() is not None and page.selected().active

    # "No" keeps it
    answer_confirmation(False)
    page.deleteButton.click()
    qtbot.wait(50)
    assert page.model.rowCount() == 2
    # "Yes" deletes it
    answer_confirmation(True)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.deleteButton.click()
    assert [r.name for r in page.model.rows()] == ["Planlagte salgsmøder"]
    with db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "rule").order_by(AuditEntry.id)
        ).all()
    assert actions == ["create", "duplicate", "activate", "delete"]


def test_profile_delete_refused_while_used_and_created_profile_deleted(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    dialog = open_setup(qtbot, db, seed)
    page = dialog.profilesPage
    dialog.tabs.setCurrentWidget(page)
    page.select("Salg")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.deleteButton.click()
    assert page.message.isVisible()
    assert "anna" in page.message.text() and "bo" in page.message.text()
    assert "Salg" in [p.name for p in page.model.rows()]

    page.table.clearSelection()
    page.nameEdit.setText("Ledelse")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.createButton.click()
    assert page.selected() is not None and page.selected().name == "Ledelse"
    page.nameEdit.setText("Direktion")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.renameButton.click()
    assert page.selected() is not None and page.selected().name == "Direktion"
    answer_confirmation(True)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.deleteButton.click()
    assert [p.name for p in page.model.rows()] == ["Salg", "Support"]


def test_users_profile_changed_in_place_and_filter(qtbot: QtBot, db: Database, seed: Seed) -> None:
    dialog = open_setup(qtbot, db, seed)
    page = dialog.usersPage
    dialog.tabs.setCurrentWidget(page)
    page.filter.setCurrentIndex(page.filter.findData(seed.support))
    assert [u.login for u in page.model.rows()] == ["carl"]
    index = page.model.index(0, UsersModel.COL_PROFILE)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.table.findChild(QComboBox, "profileEditor")
    assert editor is not None
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        editor.setCurrentIndex(editor.findText("Salg"))
        editor.activated.emit(editor.currentIndex())
    with db.session() as session:
        assert session.scalar(select(User.profile_id).where(User.login == "carl")) == seed.salg
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "user")).one()
        assert entry.details == {"old": "Support", "new": "Salg"}
    assert page.model.rowCount() == 0  # carl left the Support filter
    page.filter.setCurrentIndex(page.filter.findData(seed.salg))
    assert [u.login for u in page.model.rows()] == ["anna", "bo", "carl"]


@pytest.mark.parametrize(("count", "level"), [(3, "green"), (10, "amber"), (20, "red")])
def test_guidance_colours(qtbot: QtBot, db: Database, seed: Seed, count: int, level: str) -> None:
    for number in range(count):
        setup.create_rule(db, seed.admin, meetings_draft(seed, name=f"Regel {number:02d}"))
    dialog = open_setup(qtbot, db, seed)
    model = dialog.profilesPage.model
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    salg = model.index(rows["Salg"], ProfilesModel.COL_GUIDANCE)
    assert salg.data(LEVEL_ROLE) == level
    assert model.index(rows["Salg"], ProfilesModel.COL_RULES).data() == str(count)
    dialog.rulesPage.select("Regel 00")
    assert str(count) in dialog.rulesPage.detail.guidance.text()


def test_calculate_now_runs_off_thread_and_results_appear(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    dialog = open_setup(qtbot, db, seed)
    page = dialog.rulesPage
    finished: list[object] = []
    dialog.ctx.events.runFinished.connect(finished.append)
    page.calcButton.click()
    # the button is off while it runs, and the GUI keeps answering
    assert not page.calcButton.isEnabled() and page.progress.isVisible()
    assert not page.newButton.isEnabled()
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    summary = finished[0]
    assert getattr(summary, "status", None) == "success"
    assert page.calcButton.isEnabled() and not page.progress.isVisible()
    assert "2" in page.message.text()
    with db.session() as session:
        values = dict(session.execute(select(KpiResult.user_id, KpiResult.value)).all())
    assert values == {seed.users["anna"]: 6.0, seed.users["bo"]: 1.0}


def test_a_user_cannot_load_the_setup(qtbot: QtBot, db: Database, seed: Seed) -> None:
    dialog = KpiSetupDialog(AppContext(db=db, caller=seed.anna))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=WAIT)
    assert dialog.snapshot is None
    assert "administrator" in dialog.status.text()
    assert dialog.rulesPage.model.rowCount() == 0


@pytest.fixture
def danish(qapp: QApplication) -> Iterator[None]:
    from kpidesk.gui.i18n import install_translations, remove_translations

    assert "kpi_da.qm" in install_translations(qapp, "da")
    try:
        yield
    finally:
        remove_translations(qapp)


@pytest.mark.usefixtures("danish")
def test_the_dialog_speaks_danish(qtbot: QtBot, db: Database, seed: Seed) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    dialog = open_setup(qtbot, db, seed)
    assert dialog.windowTitle() == "KPI opsætning"
    tabs = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert tabs == ["Profiler", "Brugere", "Regler", "Kørsler", "Datakilde"]
    page = dialog.rulesPage
    assert [b.text().replace("&", "") for b in (page.newButton, page.editButton,
            page.duplicateButton, page.deleteButton, page.calcButton)] == [
        "Ny…", "Rediger…", "Dupliker", "Slet…", "Beregn nu",
    ]  # fmt: skip
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Navn", "Skabelon", "Mål", "Profiler", "Aktiv"]
    page.select("Planlagte salgsmøder")
    assert page.detail.target.text() == "10"
    assert "Vejledning:" in [w.text() for w in page.detail.findChildren(QLabel)]


def test_models_pass_qt_model_tester(
    qtbot: QtBot, qtmodeltester: object, db: Database, seed: Seed
) -> None:
    from kpidesk.gui.setup_models import PreviewModel, TeamModel

    setup.create_rule(db, seed.admin, meetings_draft(seed))
    dialog = open_setup(qtbot, db, seed)
    dialog.rulesPage.select("Planlagte salgsmøder")
    detail = dialog.rulesPage.detail
    qtbot.waitUntil(lambda: detail.previewModel.rowCount() == 2, timeout=WAIT)
    for model in (dialog.profilesPage.model, dialog.usersPage.model, dialog.rulesPage.model,
                  detail.previewModel):  # fmt: skip
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert isinstance(detail.previewModel, PreviewModel)
    team = TeamModel(dialog.locale)
    qtmodeltester.check(team)  # type: ignore[attr-defined]


def test_keyboard_enter_creates_and_edits_escape_closes(
    qtbot: QtBot, db: Database, seed: Seed
) -> None:
    setup.create_rule(db, seed.admin, meetings_draft(seed))
    dialog = open_setup(qtbot, db, seed)
    page = dialog.profilesPage
    dialog.tabs.setCurrentWidget(page)
    page.nameEdit.setFocus()
    qtbot.keyClicks(page.nameEdit, "Ledelse")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        qtbot.keyClick(page.nameEdit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "Ledelse" in [p.name for p in page.model.rows()]

    rules = dialog.rulesPage
    dialog.tabs.setCurrentWidget(rules)
    rules.select("Planlagte salgsmøder")
    rules.table.setFocus()
    qtbot.keyClick(rules.table, Qt.Key.Key_Return)
    editor = dialog.editor
    assert editor is not None and editor.isVisible()
    assert editor.nameEdit.text() == "Planlagte salgsmøder"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert dialog.isVisible()
    qtbot.keyClick(rules.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_admin_sets_a_password_twice_typed(qtbot: QtBot, db: Database, seed: Seed) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    from kpidesk.services.auth import authenticate

    dialog = open_setup(qtbot, db, seed)
    page = dialog.usersPage
    dialog.tabs.setCurrentWidget(page)
    row = [u.login for u in page.model.rows()].index("bo")
    page.table.setCurrentIndex(page.model.index(row, 0))

    def type_into_dialogs(*passwords: str) -> None:
        """Type each password into the next "Set password" dialog and press OK."""
        waiting = list(passwords)

        def answer() -> None:
            asking = QApplication.activeModalWidget()
            if not isinstance(asking, QInputDialog) or not asking.isVisible():
                QTimer.singleShot(20, answer)
                return
            assert asking.objectName() == "setPasswordDialog"
            asking.setTextValue(waiting.pop(0))
            asking.accept()
            if waiting:
                QTimer.singleShot(20, answer)

        QTimer.singleShot(20, answer)

    type_into_dialogs("Kaffe-og-kage-42", "Kaffe-og-kage-43")
    page.passwordButton.click()
    assert "differ" in page.message.text()
    type_into_dialogs("Kaffe-og-kage-42", "Kaffe-og-kage-42")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        page.passwordButton.click()
    assert authenticate(db, "bo", "Kaffe-og-kage-42", sleep=lambda _s: None).login == "bo"
    assert "bo" in page.message.text()
