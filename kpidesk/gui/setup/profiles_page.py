"""Step 1 of "KPI opsætning": the profiles users can have, with each one's rule guidance."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui.setup.page import (
    ImmediatePage,
    PageMessage,
    SetupHost,
    SetupSnapshot,
    setup_table,
)
from kpidesk.gui.setup_models import ProfilesModel
from kpidesk.services import people
from kpidesk.services.people import ProfileInfo


class ProfilesPage(ImmediatePage):
    def __init__(self, host: SetupHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("profilesPage")
        self._select_after_load: str | None = None
        self.model = ProfilesModel(host.ctx.language, self)
        self.table = setup_table(self, "profilesTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ProfilesModel.COL_GUIDANCE, QHeaderView.ResizeMode.Stretch)

        self.nameEdit = QLineEdit(self)
        self.nameEdit.setObjectName("profileNameEdit")
        self.nameEdit.setPlaceholderText(self.tr("Profile name, e.g. Salg"))
        self.nameEdit.setMaxLength(people.PROFILE_NAME_MAX)
        self.createButton = QPushButton(self.tr("&New profile"), self)
        self.createButton.setObjectName("createProfileButton")
        self.renameButton = QPushButton(self.tr("&Rename"), self)
        self.renameButton.setObjectName("renameProfileButton")
        self.deleteButton = QPushButton(self.tr("&Delete"), self)
        self.deleteButton.setObjectName("deleteProfileButton")
        self.message = PageMessage("profilesMessage", self)

        row = QHBoxLayout()
        name_label = QLabel(self.tr("Na&me:"), self)
        name_label.setBuddy(self.nameEdit)
        row.addWidget(name_label)
        row.addWidget(self.nameEdit, 1)
        row.addWidget(self.createButton)
        row.addWidget(self.renameButton)
        row.addWidget(self.deleteButton)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Step 1: the profiles users can have. Each rule applies to one or more "
                    "profiles; 3–5 active rules per profile are clear and motivating."),
            self,
        )  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)

        self.createButton.clicked.connect(self.create)
        self.renameButton.clicked.connect(self.rename)
        self.deleteButton.clicked.connect(self.delete)
        self.nameEdit.returnPressed.connect(self._enter)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.delete,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        self.update_buttons()

    # --- data ------------------------------------------------------------------------------

    def show_snapshot(self, snapshot: SetupSnapshot) -> None:
        current = self.selected()
        self.model.set_rows(snapshot.profiles)
        if current is not None:
            row = self.model.row_of(current.id)
            if row >= 0:
                self.table.selectRow(row)
        if self._select_after_load:
            self.select(self._select_after_load)
            self._select_after_load = None

    def selected(self) -> ProfileInfo | None:
        item = self.selected_item(self.table)
        return item if isinstance(item, ProfileInfo) else None

    def select(self, name: str) -> None:
        for row, profile in enumerate(self.model.rows()):
            if profile.name == name:
                self.table.selectRow(row)
                return

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        profile = self.model.row_item(current.row()) if current.isValid() else None
        if profile is not None:
            self.nameEdit.setText(profile.name)
        self.update_buttons()

    def update_buttons(self) -> None:
        busy = self.state.saving
        has = self.selected() is not None
        self.createButton.setEnabled(not busy)
        self.renameButton.setEnabled(has and not busy)
        self.deleteButton.setEnabled(has and not busy)

    # --- actions ---------------------------------------------------------------------------

    def _enter(self) -> None:
        """Enter creates; renaming takes the button, so a typed name never renames by accident."""
        self.create()

    def _saved_as(self, name: str, text: str) -> str:
        """After the reload, the profile just saved is the selected one."""
        self._select_after_load = " ".join(name.split())
        return text

    def create(self) -> None:
        name = self.nameEdit.text()
        desk = self.host.ctx.desk
        self.host.change(
            lambda: desk.people.create_profile(name),
            self.message,
            lambda p: self._saved_as(name, self.tr("Profile %1 created.").replace("%1", p.name)),
        )

    def rename(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        name = self.nameEdit.text()
        desk = self.host.ctx.desk
        self.host.change(
            lambda: desk.people.rename_profile(profile.id, name),
            self.message,
            lambda _r: self._saved_as(name, self.tr("Profile renamed.")),
        )

    def delete(self) -> None:
        """Refused (with the names) while users or rules use it; otherwise asks first."""
        profile = self.selected()
        if profile is None or self.state.saving:
            return
        if not profile.users_count and not profile.rules_count:
            question = self.tr("Delete the profile %1?").replace("%1", profile.name)
            if not self.host.confirm(self.tr("Delete profile"), question):
                return
        desk = self.host.ctx.desk
        self.host.change(
            lambda: desk.people.delete_profile(profile.id),
            self.message,
            lambda _r: self.tr("Profile %1 deleted.").replace("%1", profile.name),
        )
