"""The "Datakilde" tab of KPI opsætning, driven as an administrator would (SQLite and PostgreSQL).

The export is written as a CRM writes it; what the page says is compared with counts taken
from the written files, and what it stores with `kpidesk source show`'s service.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kpidesk.data.db import Database
from kpidesk.data.models import Activity, AuditEntry
from kpidesk.gui import runner as gui_runner
from kpidesk.gui.context import AppContext
from kpidesk.gui.setup import KpiSetupDialog
from kpidesk.gui.setup.datasource_form import ImportsModel
from kpidesk.gui.setup.datasource_page import DataSourcePage
from kpidesk.services import source
from kpidesk.services.caller import SYSTEM_CLI, Caller
from tests.data.suitecrm_db import CrmDatabase
from tests.data.test_sql_source import suitecrm
from tests.services.test_setup_service import Seed, seed_small

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

WAIT = 20_000
USERS = (
    "login,name,email,role\nsara,Sara Sælger,sara@firma.dk,user\nole,Ole Olsen,ole@firma.dk,user\n"
)
ACTIVITIES = "id,type,status,start_at,owner\n" + "".join(
    f"{900 + n},Salgsmøde,planned,2026-12-{10 + n % 10:02d} 10:00,{'sara' if n % 2 else 'ole'}\n"
    for n in range(1, 8)
)


def write_export(folder: Path, *, cut: bool = False, age: float = 3600) -> None:
    """kpidesk's own files, written `age` seconds ago (settled); `cut` leaves one half-written."""
    folder.mkdir(parents=True, exist_ok=True)
    activities = ACTIVITIES[:-12] if cut else ACTIVITIES
    stamp = dt.datetime.now(dt.UTC).timestamp() - age
    for name, text in (("users.csv", USERS), ("activities.csv", activities)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (stamp, stamp))


def data_lines(text: str) -> int:
    """The independent count: non-empty lines after the header."""
    return sum(1 for line in text.splitlines()[1:] if line.strip())


@pytest.fixture
def seed(db: Database, qtbot: QtBot) -> Iterator[Seed]:
    yield seed_small(db)
    # No worker may still read the database when the test's database goes away.
    qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT)


def open_page(qtbot: QtBot, db: Database, caller: Caller) -> DataSourcePage:
    """KPI opsætning opened on its Datakilde tab, as an administrator finds it."""
    dialog = KpiSetupDialog(AppContext(db=db, caller=caller))
    qtbot.addWidget(dialog)
    page = dialog.dataSourcePage
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        dialog.show()
    dialog.tabs.setCurrentWidget(page)
    return page


def label(page: QWidget, name: str) -> str:
    found = page.findChild(QLabel, name)
    assert found is not None, name
    return found.text() if found.isVisible() else ""


def test_the_tab_is_there_for_administrators_only(qtbot: QtBot, db: Database, seed: Seed) -> None:
    admin = KpiSetupDialog(AppContext(db=db, caller=seed.admin))
    qtbot.addWidget(admin)
    tabs = [admin.tabs.tabText(i) for i in range(admin.tabs.count())]
    assert tabs[-1] == "&Data source"
    assert isinstance(admin.dataSourcePage, DataSourcePage)
    other = KpiSetupDialog(AppContext(db=db, caller=seed.anna))
    qtbot.addWidget(other)
    assert other.dataSourcePage is None
    assert other.findChild(QWidget, "dataSourcePage") is None
    qtbot.waitUntil(lambda: not admin.loading and not other.loading, timeout=WAIT)


def test_defaults_and_keyboard(qtbot: QtBot, db: Database, seed: Seed) -> None:
    page = open_page(qtbot, db, seed.admin)
    assert page.kind.currentData() == "none"
    assert page.settle.value() == 60 and page.mapping.currentData() == "kpidesk"
    assert [page.kind.itemData(i) for i in range(page.kind.count())][:2] == ["none", "folder"]
    # Without a source only the kind shows; "Import now" has nothing to import from.
    assert not page.path.isVisibleTo(page) and not page.marker.isVisibleTo(page)
    assert not page.importButton.isEnabled()
    page.kind.setCurrentIndex(page.kind.findData("folder"))
    assert page.path.isVisibleTo(page) and page.marker.isVisibleTo(page)
    assert page.settle.isVisibleTo(page) and not page.url.isVisibleTo(page)
    # Every field has a label with a mnemonic that focuses it.
    for field in (page.kind, page.path, page.mapping, page.marker, page.settle):
        buddy_label = page.form.labelForField(field if field is not page.path else page.pathRow)
        assert isinstance(buddy_label, QLabel) and "&" in buddy_label.text()
        assert buddy_label.buddy() is field
    presets = [page.mapping.itemData(i) for i in range(page.mapping.count())]
    assert presets[0] == "kpidesk" and "suitecrm" in presets and presets[-1] == "\x00file"


def test_save_refuses_with_one_line_per_problem_and_stores_nothing(
    qtbot: QtBot, db: Database, seed: Seed, tmp_path: Path
) -> None:
    page = open_page(qtbot, db, seed.admin)
    page.kind.setCurrentIndex(page.kind.findData("folder"))
    page.marker.setText("sub/done")
    page.marker.textEdited.emit("sub/done")
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.saveButton, Qt.MouseButton.LeftButton)
    assert label(page, "sourceErrors").splitlines() == [
        "Folder: required (where the CRM writes its export).",
        "Marker file: a file name in the folder, not a path (e.g. done).",
    ]
    # A mapping file that does not load: the service's lines, one each.
    bad = tmp_path / "bad.toml"
    bad.write_text("[mapping\n", encoding="utf-8")
    page.path.setText(str(tmp_path))
    page.marker.setText("done")
    page.choose_mapping_file(str(bad))
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        page.save_now()
    lines = label(page, "sourceErrors").splitlines()
    assert lines[0] == "Not saved:"
    assert len(lines) == 2 and lines[1].startswith("bad.toml: not a valid TOML file")
    assert source.show(db, SYSTEM_CLI).kind == "none"


@pytest.fixture
def english(qapp):  # type: ignore[no-untyped-def]
    """The app in English, as it starts on an English desktop: with its plural forms."""
    from kpidesk.gui import i18n

    assert "source_en.qm" in i18n.install_translations(qapp, "en")
    yield
    i18n.remove_translations(qapp)


@pytest.mark.usefixtures("english")
def test_save_then_import_now_then_a_failed_import(
    qtbot: QtBot, db: Database, seed: Seed, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    write_export(folder)
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(Activity)) or 0
    page = open_page(qtbot, db, seed.admin)
    page.kind.setCurrentIndex(page.kind.findData("folder"))
    page.path.setText(str(folder))
    page.path.textEdited.emit(str(folder))
    page.settle.setValue(0)
    assert page.saveButton.isEnabled() and not page.importButton.isEnabled()  # save first
    with qtbot.waitSignal(page.loaded, timeout=WAIT):  # saved, then read back
        qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    shown = source.show(db, SYSTEM_CLI)
    assert (shown.kind, shown.path, shown.mapping, shown.settle_seconds) == (
        "folder", str(folder.resolve()), "kpidesk", 0,
    )  # fmt: skip
    assert page.path.text() == str(folder.resolve()) and not page.dirty
    assert page.importButton.isEnabled()

    with qtbot.waitSignal(page.imported, timeout=WAIT) as done:
        qtbot.mouseClick(page.importButton, Qt.MouseButton.LeftButton)
    assert done.args[0].status == "imported"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
    users, activities = data_lines(USERS), data_lines(ACTIVITIES)
    assert label(page, "sourceMessage") == (
        f"Imported: users.csv {users}, activities.csv {activities}"
    )
    model = page.model
    assert model.index(0, ImportsModel.COL_STATUS).data() == "Imported"
    assert model.index(0, ImportsModel.COL_ROWS).data() == (
        f"users.csv {users}, activities.csv {activities}"
    )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == before + activities

    # The CRM writes a newer export, but one file ends midway: nothing is imported.
    write_export(folder, cut=True, age=60)
    with qtbot.waitSignal(page.imported, timeout=WAIT) as done:
        page.import_now()
    result = done.args[0]
    assert result.status == "failed"
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=WAIT)
    errors = label(page, "sourceErrors").splitlines()
    assert errors[0] == "The import failed; nothing was changed:"
    assert errors[1:] == result.errors[: len(errors) - 1]
    assert errors[1].startswith(f"activities.csv:{activities + 1}: ")
    assert model.index(0, ImportsModel.COL_STATUS).data() == "Failed"
    assert model.index(0, ImportsModel.COL_ERROR).data() == result.errors[0]
    assert model.index(1, ImportsModel.COL_STATUS).data() == "Imported"
    assert label(page, "importsStatus") == "2 imports, 1 failed"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == before + activities
        audited = session.scalars(
            select(AuditEntry.entity).where(AuditEntry.entity == "data_source")
        ).all()
    assert audited == ["data_source"]


def test_closing_the_dialog_checks_and_saves_the_edited_form(
    qtbot: QtBot, db: Database, seed: Seed, tmp_path: Path
) -> None:
    """The dialog's close covers Datakilde like every page: an incomplete form keeps it open on
    this tab with the problems said; a complete one is stored, then the dialog closes."""
    page = open_page(qtbot, db, seed.admin)
    dialog = page.window()
    assert isinstance(dialog, KpiSetupDialog)
    dialog.tabs.setCurrentWidget(dialog.rulesPage)
    page.kind.setCurrentIndex(page.kind.findData("folder"))  # no folder typed yet
    assert page.dirty
    dialog.reject()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is page
    assert label(page, "sourceErrors") == "Folder: required (where the CRM writes its export)."
    assert source.show(db, SYSTEM_CLI).kind == "none"

    folder = tmp_path / "export"
    write_export(folder)
    page.path.setText(str(folder))
    page.path.textEdited.emit(str(folder))
    with qtbot.waitSignal(dialog.finished, timeout=WAIT):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    shown = source.show(db, SYSTEM_CLI)
    assert (shown.kind, shown.path) == ("folder", str(folder.resolve()))
    assert not dialog.isVisible()


def test_undo_changes_shows_the_stored_source_again(
    qtbot: QtBot, db: Database, seed: Seed, tmp_path: Path
) -> None:
    source.set_folder(db, SYSTEM_CLI, str(tmp_path), "suitecrm", marker="done")
    page = open_page(qtbot, db, seed.admin)
    dialog = page.window()
    assert isinstance(dialog, KpiSetupDialog)
    page.marker.setText("ready")
    page.marker.textEdited.emit("ready")
    assert page.revertButton.isEnabled() and not page.importButton.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):  # another window changed the setup
        dialog.reload()
    assert page.marker.text() == "ready" and page.dirty  # the edits are kept
    qtbot.mouseClick(page.revertButton, Qt.MouseButton.LeftButton)
    assert page.marker.text() == "done" and not page.dirty
    assert page.importButton.isEnabled()
    # Nothing edited: closing saves nothing and closes at once.
    dialog.reject()
    assert not dialog.isVisible() and source.show(db, SYSTEM_CLI).marker == "done"


def test_credentials_are_never_shown_once_saved(qtbot: QtBot, db: Database, seed: Seed) -> None:
    source.set_folder(db, SYSTEM_CLI, "smb://crm:hemmelig-kode@fileserver/export", "kpidesk")
    page = open_page(qtbot, db, seed.admin)
    assert page.path.text() == "smb://crm:***@fileserver/export"
    texts = [edit.text() for edit in page.findChildren(QLineEdit)]
    texts += [lab.text() for lab in page.findChildren(QLabel)]
    assert not any("hemmelig" in text for text in texts)


def test_switching_back_to_none_keeps_the_folder(
    qtbot: QtBot, db: Database, seed: Seed, tmp_path: Path
) -> None:
    source.set_folder(db, SYSTEM_CLI, str(tmp_path), "suitecrm", marker="done")
    page = open_page(qtbot, db, seed.admin)
    assert page.mapping.currentData() == "suitecrm" and page.marker.text() == "done"
    page.kind.setCurrentIndex(page.kind.findData("none"))
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.save_now()
    assert source.show(db, SYSTEM_CLI).kind == "none"
    assert not page.importButton.isEnabled()
    page.kind.setCurrentIndex(page.kind.findData("folder"))
    assert page.path.text() == str(tmp_path.resolve())  # still there to switch back to


def test_danish_translation_is_complete(qtbot: QtBot, db: Database, seed: Seed, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTranslator

    from kpidesk import paths

    translator = QTranslator()
    assert translator.load(str(paths.resource_path("i18n", "source_da.qm")))
    qapp.installTranslator(translator)
    try:
        page = open_page(qtbot, db, seed.admin)
        model = page.model
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
        assert headers == ["Tidspunkt", "Status", "Rækker pr. fil", "Fejl"]
        assert [page.kind.itemText(i) for i in range(3)] == ["Ingen", "Mappe", "SQL-database"]
        assert page.importButton.text() == "&Importér nu"
        assert label(page, "importsStatus") == "Ingen importer endnu."
        page.kind.setCurrentIndex(page.kind.findData("folder"))
        labels = [page.form.labelForField(f) for f in (page.kind, page.pathRow, page.mapping,
                                                        page.marker, page.settle)]  # fmt: skip
        assert [lab.text() for lab in labels if isinstance(lab, QLabel)] == [
            "T&ype:", "&Mappe:", "Map&ning:", "Markør&fil:", "&Ventetid:",
        ]  # fmt: skip
        assert page.hint.text().startswith("Hver nat importeres den nyeste komplette eksport først")
    finally:
        qapp.removeTranslator(translator)
        QApplication.processEvents()


def test_an_sql_source_with_its_password_typed_apart(
    qtbot: QtBot, db: Database, crm_mariadb: CrmDatabase
) -> None:
    """SuiteCRM's own database (a real MariaDB server that checks the reader's password)."""
    crm_mariadb.write(suitecrm())
    page = open_page(qtbot, db, SYSTEM_CLI)
    try:
        page.kind.setCurrentIndex(page.kind.findData("sql"))
        assert page.url.isVisibleTo(page) and page.password.isVisibleTo(page)
        assert page.timeout.isVisibleTo(page) and not page.path.isVisibleTo(page)
        presets = [page.mapping.itemData(i) for i in range(page.mapping.count())]
        assert presets == ["suitecrm-sql", "\x00file"]  # only mappings with queries
        page.url.setText(crm_mariadb.reader_url)
        page.password.setText(crm_mariadb.password)
        page.password.textEdited.emit(crm_mariadb.password)
        page.timeout.setValue(30)
        with qtbot.waitSignal(page.loaded, timeout=WAIT):
            page.save_now()
        shown = source.show(db, SYSTEM_CLI)
        assert (shown.kind, shown.mapping, shown.timeout_seconds, shown.password) == (
            "sql", "suitecrm-sql", 30, "database",
        )  # fmt: skip
        assert page.url.text() == shown.path and ":***@" in shown.path
        assert page.password.text() == ""
        assert page.password.placeholderText().startswith("stored (not shown)")
        texts = [edit.text() for edit in page.findChildren(QLineEdit)]
        texts += [lab.text() for lab in page.findChildren(QLabel)]
        assert not any(crm_mariadb.password in text for text in texts)

        with qtbot.waitSignal(page.imported, timeout=WAIT) as done:
            page.import_now()
        assert done.args[0].status == "imported", done.args[0].errors
        qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT)
        # The counts a person finds in that SuiteCRM by hand (tests/data/test_sql_source.py).
        counted = "users 4, companies 3, activities 5, activity_participants 5, opportunities 3"
        assert page.model.index(0, ImportsModel.COL_ROWS).data() == counted
        assert label(page, "sourceMessage") == f"Imported: {counted}"

        # A wrong password typed in: saved (the CRM may be down), the import says why, once.
        page.password.setText("forkert")
        page.password.textEdited.emit("forkert")
        with qtbot.waitSignal(page.loaded, timeout=WAIT):
            page.save_now()
        with qtbot.waitSignal(page.imported, timeout=WAIT) as done:
            page.import_now()
        assert done.args[0].status == "failed"
        errors = label(page, "sourceErrors").splitlines()
        assert errors == ["The import failed; nothing was changed:", done.args[0].errors[0]]
        assert "forkert" not in "\n".join(errors)
    finally:
        qtbot.waitUntil(lambda: not gui_runner.busy(), timeout=WAIT)
