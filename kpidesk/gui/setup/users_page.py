"""Step 2 of "KPI opsætning": each user's profile, changed in place, and their password."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui.geometry import open_at_size
from kpidesk.gui.setup.page import (
    ImmediatePage,
    PageMessage,
    SetupHost,
    SetupSnapshot,
    setup_table,
)
from kpidesk.gui.setup_models import UsersModel
from kpidesk.services.people import UserInfo

Index = QModelIndex | QPersistentModelIndex


class ProfileDelegate(QStyledItemDelegate):
    """The profile column edited in place with a combo box of the profiles."""

    def __init__(self, model: UsersModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.users = model

    def createEditor(  # noqa: N802 - Qt API
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("profileEditor")
        combo.addItem(self.users.no_profile_text(), 0)
        for profile in self.users.profiles():
            combo.addItem(profile.name, profile.id)
        combo.activated.connect(lambda _i: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        """A choice in the list saves it at once and closes the editor."""
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 - Qt API
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole) or 0
            editor.setCurrentIndex(max(editor.findData(value), 0))

    def setModelData(  # noqa: N802 - Qt API
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class UsersPage(ImmediatePage):
    ALL = -1
    NONE = 0

    def __init__(self, host: SetupHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("usersPage")
        self._all: list[UserInfo] = []
        self.model = UsersModel(self)
        self.table = setup_table(self, "usersTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.delegate = ProfileDelegate(self.model, self)
        self.table.setItemDelegateForColumn(UsersModel.COL_PROFILE, self.delegate)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(UsersModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(UsersModel.COL_PROFILE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(UsersModel.COL_PROFILE, self.fontMetrics().horizontalAdvance("M") * 14)

        self.filter = QComboBox(self)
        self.filter.setObjectName("usersProfileFilter")
        self.passwordButton = QPushButton(self.tr("Set &password…"), self)
        self.passwordButton.setObjectName("setPasswordButton")
        self.message = PageMessage("usersMessage", self)

        row = QHBoxLayout()
        filter_label = QLabel(self.tr("&Show:"), self)
        filter_label.setBuddy(self.filter)
        row.addWidget(filter_label)
        row.addWidget(self.filter)
        row.addStretch(1)
        row.addWidget(self.passwordButton)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Step 2: each user's profile decides which rules they get. Double-click "
                    "a profile (or press F2) to change it."),
            self,
        )  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self.filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.model.profileChangeRequested.connect(self._change_profile)
        self.passwordButton.clicked.connect(self.set_password)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_buttons())
        self.update_buttons()

    # --- data ------------------------------------------------------------------------------

    def show_snapshot(self, snapshot: SetupSnapshot) -> None:
        """A profile is saved when it is chosen, a password when it is typed twice."""
        profiles = snapshot.profiles
        self._all = list(snapshot.users)
        self.model.set_profiles(profiles)
        wanted = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(self.tr("All users"), self.ALL)
        for profile in profiles:
            self.filter.addItem(profile.name, profile.id)
        self.filter.addItem(self.tr("Users without a profile"), self.NONE)
        self.filter.setCurrentIndex(max(self.filter.findData(wanted), 0))
        self.filter.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        wanted = self.filter.currentData()
        if wanted is None or wanted == self.ALL:
            rows = self._all
        elif wanted == self.NONE:
            rows = [u for u in self._all if u.profile_id is None]
        else:
            rows = [u for u in self._all if u.profile_id == wanted]
        current = self.selected()
        self.model.set_rows(rows)
        if current is not None and (row := self.model.row_of(current.id)) >= 0:
            self.table.selectRow(row)
        self.update_buttons()

    def selected(self) -> UserInfo | None:
        index = self.table.currentIndex()
        item = self.model.row_item(index.row()) if index.isValid() else None
        return item if isinstance(item, UserInfo) else None

    def update_buttons(self) -> None:
        self.passwordButton.setEnabled(self.selected() is not None and not self.state.saving)

    # --- actions ---------------------------------------------------------------------------

    def _change_profile(self, user_id: int, profile_id: int) -> None:
        desk = self.host.ctx.desk
        new = profile_id or None
        login = next((u.login for u in self._all if u.id == user_id), str(user_id))
        self.host.change(
            lambda: desk.people.set_user_profile(user_id, new),
            self.message,
            lambda _r: self.tr("Profile of %1 changed.").replace("%1", login),
        )

    def set_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password = self._ask_password(self.tr("New password for %1:").replace("%1", user.login))
        if not password:
            return
        again = self._ask_password(self.tr("The same password again:"))
        if again is None:
            return
        if again != password:
            self.message.error(self.tr("The two passwords differ; nothing was changed."))
            return
        desk = self.host.ctx.desk
        self.host.change(
            lambda: desk.people.set_user_password(user.id, password),
            self.message,
            lambda _r: self.tr("Password of %1 set.").replace("%1", user.login),
        )

    def _ask_password(self, label: str) -> str | None:
        """One password typed (None: cancelled), in a dialog that keeps the size it is given."""
        dialog = QInputDialog(self)
        dialog.setObjectName("setPasswordDialog")
        dialog.setWindowTitle(self.tr("Set password"))
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        hint, em = dialog.sizeHint(), dialog.fontMetrics().horizontalAdvance("M")
        open_at_size(dialog, "setPassword", QSize(max(hint.width(), em * 32), hint.height()))
        accepted = dialog.exec() == QInputDialog.DialogCode.Accepted
        password = dialog.textValue()
        dialog.deleteLater()
        return password if accepted else None
