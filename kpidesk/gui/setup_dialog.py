""" "KPI opsætning": the three steps of setting up KPIs (profiles, users, rules) in one dialog.

Every query and change runs off the GUI thread through `run_in_background`; the dialog loads
a snapshot of the setup, builds its tables from it, and reloads after each change (its own or
another window's, via `ctx.events.setupChanged`). Administrators only: the services check it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.templates import ParamError, TemplateSpec, describe
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import format_date, format_value, level_colour, locale_for
from kpidesk.gui.geometry import open_at_size
from kpidesk.gui.runner import run_in_background
from kpidesk.gui.setup_models import (
    PreviewModel,
    ProfilesModel,
    RulesModel,
    UsersModel,
)
from kpidesk.gui.widgets import heading
from kpidesk.services import setup
from kpidesk.services.setup import ProfileInfo, RuleInfo, UserInfo

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class SetupSnapshot:
    """Everything the dialog shows, read off the GUI thread in one go."""

    profiles: list[ProfileInfo]
    users: list[UserInfo]
    rules: list[RuleInfo]
    activity_types: list[str]
    specs: list[TemplateSpec]
    currency: str


def load_snapshot(ctx: AppContext) -> SetupSnapshot:
    db, caller = ctx.db, ctx.caller
    return SetupSnapshot(
        profiles=setup.list_profiles(db, caller),
        users=setup.list_users(db, caller),
        rules=setup.list_rules(db, caller),
        activity_types=setup.activity_types(db, caller),
        specs=setup.template_specs(),
        currency=setup.currency(db),
    )


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setHighlightSections(False)
    table.setTabKeyNavigation(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    return table


class _Message(QLabel):
    """A one-line message under a table: calm for information, red for a refusal."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setVisible(False)

    def info(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)
        self.setVisible(bool(text))

    def error(self, text: str) -> None:
        self.setStyleSheet(f"color: {level_colour('red', self.palette()).name()};")
        self.setText(text)
        self.setVisible(bool(text))


# --- profiles ------------------------------------------------------------------------------


class ProfilesPage(QWidget):
    def __init__(self, dialog: KpiSetupDialog) -> None:
        super().__init__(dialog)
        self.setObjectName("profilesPage")
        self.dialog = dialog
        self.model = ProfilesModel(dialog.ctx.language, self)
        self.table = _table(self, "profilesTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ProfilesModel.COL_GUIDANCE, QHeaderView.ResizeMode.Stretch)

        self.nameEdit = QLineEdit(self)
        self.nameEdit.setObjectName("profileNameEdit")
        self.nameEdit.setPlaceholderText(self.tr("Profile name, e.g. Salg"))
        self.nameEdit.setMaxLength(setup.PROFILE_NAME_MAX)
        self.createButton = QPushButton(self.tr("&New profile"), self)
        self.createButton.setObjectName("createProfileButton")
        self.renameButton = QPushButton(self.tr("&Rename"), self)
        self.renameButton.setObjectName("renameProfileButton")
        self.deleteButton = QPushButton(self.tr("&Delete"), self)
        self.deleteButton.setObjectName("deleteProfileButton")
        self.message = _Message("profilesMessage", self)

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
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.delete,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        self._update_buttons()

    def set_profiles(self, profiles: list[ProfileInfo]) -> None:
        current = self.selected()
        self.model.set_rows(profiles)
        if current is not None:
            row = self.model.row_of(current.id)
            if row >= 0:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> ProfileInfo | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        item = self.model.row_item(index.row())
        return item if isinstance(item, ProfileInfo) else None

    def select(self, name: str) -> None:
        for row, profile in enumerate(self.model.items()):
            if profile.name == name:
                self.table.selectRow(row)
                return

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        profile = self.model.row_item(current.row()) if current.isValid() else None
        if profile is not None:
            self.nameEdit.setText(profile.name)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.dialog.busy
        has = self.selected() is not None
        self.createButton.setEnabled(not busy)
        self.renameButton.setEnabled(has and not busy)
        self.deleteButton.setEnabled(has and not busy)

    def _enter(self) -> None:
        """Enter creates; renaming takes the button, so a typed name never renames by accident."""
        self.create()

    def create(self) -> None:
        name = self.nameEdit.text()
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        self.dialog.change(
            lambda: setup.create_profile(db, caller, name),
            self.message,
            lambda p: self.tr("Profile %1 created.").replace("%1", p.name),
            select_profile=" ".join(name.split()),
        )

    def rename(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        name = self.nameEdit.text()
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        self.dialog.change(
            lambda: setup.rename_profile(db, caller, profile.id, name),
            self.message,
            lambda _r: self.tr("Profile renamed."),
            select_profile=" ".join(name.split()),
        )

    def delete(self) -> None:
        """Refused (with the names) while users or rules use it; otherwise asks first."""
        profile = self.selected()
        if profile is None or self.dialog.busy:
            return
        if not profile.users_count and not profile.rules_count:
            question = self.tr("Delete the profile %1?").replace("%1", profile.name)
            if not self.dialog.confirm(self.tr("Delete profile"), question):
                return
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        self.dialog.change(
            lambda: setup.delete_profile(db, caller, profile.id),
            self.message,
            lambda _r: self.tr("Profile %1 deleted.").replace("%1", profile.name),
        )


# --- users ---------------------------------------------------------------------------------


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


class UsersPage(QWidget):
    ALL = -1
    NONE = 0

    def __init__(self, dialog: KpiSetupDialog) -> None:
        super().__init__(dialog)
        self.setObjectName("usersPage")
        self.dialog = dialog
        self._all: list[UserInfo] = []
        self.model = UsersModel(self)
        self.table = _table(self, "usersTable")
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
        self.message = _Message("usersMessage", self)

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
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    def set_data(self, users: list[UserInfo], profiles: list[ProfileInfo]) -> None:
        self._all = list(users)
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

    def filter_by(self, profile_id: int) -> None:
        self.filter.setCurrentIndex(max(self.filter.findData(profile_id), 0))

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
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        index = self.table.currentIndex()
        item = self.model.row_item(index.row()) if index.isValid() else None
        return item if isinstance(item, UserInfo) else None

    def _update_buttons(self) -> None:
        self.passwordButton.setEnabled(self.selected() is not None and not self.dialog.busy)

    def _change_profile(self, user_id: int, profile_id: int) -> None:
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        new = profile_id or None
        login = next((u.login for u in self._all if u.id == user_id), str(user_id))
        self.dialog.change(
            lambda: setup.set_user_profile(db, caller, user_id, new),
            self.message,
            lambda _r: self.tr("Profile of %1 changed.").replace("%1", login),
        )

    def set_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password, ok = QInputDialog.getText(
            self, self.tr("Set password"),
            self.tr("New password for %1:").replace("%1", user.login),
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        if not ok or not password:
            return
        again, ok = QInputDialog.getText(
            self, self.tr("Set password"), self.tr("The same password again:"),
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        if not ok:
            return
        if again != password:
            self.message.error(self.tr("The two passwords differ; nothing was changed."))
            return
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        self.dialog.change(
            lambda: setup.set_user_password(db, caller, user.id, password),
            self.message,
            lambda _r: self.tr("Password of %1 set.").replace("%1", user.login),
        )


# --- rules ---------------------------------------------------------------------------------


class _ProgressRelay(QObject):
    """Lives in the GUI thread; the run's worker emits, Qt queues it into the GUI thread."""

    progress = Signal(int, int)


class RuleDetail(QFrame):
    """The selected rule in words, its target and profiles, guidance and today's preview."""

    def __init__(self, page: RulesPage) -> None:
        super().__init__(page)
        self.setObjectName("ruleDetail")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.page = page
        self.title = heading("", self, scale=1.25, name="ruleTitle")
        self.template = QLabel(self)
        self.template.setObjectName("ruleTemplate")
        self.description = QLabel(self)
        self.description.setObjectName("ruleDescription")
        self.description.setWordWrap(True)
        self.target = QLabel(self)
        self.target.setObjectName("ruleTarget")
        self.profiles = QLabel(self)
        self.profiles.setObjectName("ruleProfiles")
        self.profiles.setWordWrap(True)
        self.guidance = QLabel(self)
        self.guidance.setObjectName("ruleGuidance")
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.previewStatus = QLabel(self)
        self.previewStatus.setObjectName("previewStatus")
        self.previewStatus.setWordWrap(True)
        self.previewModel = PreviewModel(page.dialog.locale, parent=self)
        self.preview = _table(self, "rulePreview")
        self.preview.setModel(self.previewModel)
        preview_header = self.preview.horizontalHeader()
        preview_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        preview_header.setSectionResizeMode(PreviewModel.COL_USER, QHeaderView.ResizeMode.Stretch)
        for label in (self.title, self.template, self.description, self.target, self.profiles):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Target:"), self.target)
        form.addRow(self.tr("Profiles:"), self.profiles)
        form.addRow(self.tr("Advice:"), self.guidance)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.template)
        layout.addWidget(self.description)
        layout.addLayout(form)
        preview_title = QLabel(self.tr("<b>Preview: what the rule gives today</b>"), self)
        layout.addWidget(preview_title)
        layout.addWidget(self.previewStatus)
        layout.addWidget(self.preview, 1)
        self.show_rule(None)

    def show_rule(self, rule: RuleInfo | None) -> None:
        dialog = self.page.dialog
        visible = rule is not None
        for widget in (self.template, self.description, self.target, self.profiles,
                       self.guidance, self.preview):  # fmt: skip
            widget.setVisible(visible)
        if rule is None:
            self.title.setText(self.tr("Choose a rule to see what it counts."))
            self.previewStatus.setText("")
            self.previewModel.set_rows([])
            return
        spec = dialog.specs.get(rule.template)
        state = self.tr("active") if rule.active else self.tr("inactive")
        self.title.setText(f"{rule.name} ({state})")
        unit = spec.unit if spec is not None else "count"
        if spec is not None:
            self.template.setText(self.tr("Template: %1").replace("%1", spec.name(dialog.language)))
            try:
                self.description.setText(describe(spec, rule.params, dialog.language))
            except (ParamError, KeyError, ValueError) as exc:
                self.description.setText(first_line(exc))
        else:
            self.template.setText(self.tr("Unknown template %1").replace("%1", rule.template))
            self.description.setText("")
        target = format_value(rule.target, unit, dialog.locale, dialog.currency)
        if spec is not None and spec.direction == "lower":
            target = self.tr("at most %1 (lower is better)").replace("%1", target)
        self.target.setText(target)
        self.profiles.setText(", ".join(rule.profile_names) or self.tr("none yet"))
        counts = {p.id: p for p in dialog.snapshot.profiles} if dialog.snapshot else {}
        lines = []
        for profile_id in rule.profile_ids:
            profile = counts.get(profile_id)
            if profile is None:
                continue
            guidance = setup.rule_guidance(profile.active_rules_count)
            colour = level_colour(guidance.level, self.palette()).name()
            lines.append(
                f"<span style='color:{colour}'>●</span> <b>{_html(profile.name)}</b>: "
                f"{_html(guidance.message(dialog.language))}"
            )
        self.guidance.setText("<br>".join(lines) or self.tr("The rule applies to no profile yet."))
        self.previewModel.set_preview([], unit)

    def text(self) -> str:
        """Everything the panel says, as plain text (for tests and screen readers)."""
        labels = (self.title, self.template, self.description, self.target, self.profiles,
                  self.guidance, self.previewStatus)  # fmt: skip
        return "\n".join(label.text() for label in labels if label.isVisibleTo(self))


class RulesPage(QWidget):
    def __init__(self, dialog: KpiSetupDialog) -> None:
        super().__init__(dialog)
        self.setObjectName("rulesPage")
        self.dialog = dialog
        self._preview_generation = 0
        self.model = RulesModel({}, dialog.locale, dialog.ctx.language, parent=self)
        self.table = _table(self, "rulesTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RulesModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.detail = RuleDetail(self)

        def button(text: str, name: str, shortcut: str | None = None) -> QPushButton:
            widget = QPushButton(text, self)
            widget.setObjectName(name)
            if shortcut:
                widget.setShortcut(QKeySequence(shortcut))
                widget.setToolTip(QKeySequence(shortcut).toString(
                    QKeySequence.SequenceFormat.NativeText))  # fmt: skip
            return widget

        self.newButton = button(self.tr("&New…"), "newRuleButton", "Ctrl+N")
        self.editButton = button(self.tr("&Edit…"), "editRuleButton")
        self.duplicateButton = button(self.tr("D&uplicate"), "duplicateRuleButton", "Ctrl+D")
        self.deleteButton = button(self.tr("&Delete…"), "deleteRuleButton")
        self.activeButton = button(self.tr("Deac&tivate"), "toggleActiveButton")
        self.calcButton = button(self.tr("&Calculate now"), "calculateNowButton", "Ctrl+R")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("runProgress")
        self.progress.setVisible(False)
        self.progress.setTextVisible(True)
        self.message = _Message("rulesMessage", self)

        buttons = QHBoxLayout()
        for widget in (self.newButton, self.editButton, self.duplicateButton,
                       self.deleteButton, self.activeButton):  # fmt: skip
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.calcButton)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            self.tr("Step 3: the rules. Each is a template with parameters and a target, "
                    "calculated every night for the users of its profiles."),
            left,
        )  # fmt: skip
        intro.setWordWrap(True)
        left_layout.addWidget(intro)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("M")
        self.splitter.setSizes([em * 50, em * 34])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self.newButton.clicked.connect(self.new_rule)
        self.editButton.clicked.connect(self.edit_rule)
        self.duplicateButton.clicked.connect(self.duplicate_rule)
        self.deleteButton.clicked.connect(self.delete_rule)
        self.activeButton.clicked.connect(self.toggle_active)
        self.calcButton.clicked.connect(self.calculate_now)
        self.table.doubleClicked.connect(lambda _i: self.edit_rule())
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            QShortcut(QKeySequence(key), self.table, activated=self.edit_rule,
                      context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.delete_rule,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        self._update_buttons()

    # --- data ------------------------------------------------------------------------------

    def set_rules(self, rules: list[RuleInfo], specs: dict[str, TemplateSpec]) -> None:
        current = self.selected()
        wanted = self.dialog.pending_rule_id or (current.id if current else None)
        self.dialog.pending_rule_id = None
        self.model.specs = specs
        self.model.currency = self.dialog.currency
        self.detail.previewModel.currency = self.dialog.currency
        self.model.set_rows(rules)
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.detail.show_rule(None)
        self._update_buttons()

    def selected(self) -> RuleInfo | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        item = self.model.row_item(index.row())
        return item if isinstance(item, RuleInfo) else None

    def select(self, name: str) -> None:
        for row, rule in enumerate(self.model.items()):
            if rule.name == name:
                self.table.selectRow(row)
                self.table.setCurrentIndex(self.model.index(row, 0))
                return

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rule = self.model.row_item(current.row()) if current.isValid() else None
        self.detail.show_rule(rule)
        self._update_buttons()
        if rule is not None:
            self.load_preview(rule)

    def load_preview(self, rule: RuleInfo) -> None:
        """What the rule gives today per user, computed by the engine off the GUI thread."""
        self._preview_generation += 1
        generation = self._preview_generation
        if not rule.profile_ids:
            self.detail.previewStatus.setText(self.tr("No profile: the rule applies to nobody."))
            return
        self.detail.previewStatus.setText(self.tr("Calculating the preview…"))
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        spec = self.dialog.specs.get(rule.template)
        unit = spec.unit if spec is not None else "count"

        def done(rows: list[Any]) -> None:
            if generation != self._preview_generation:
                return
            self.detail.previewModel.set_preview(rows, unit)
            if rows:
                text = (
                    self.tr("1 user as of today (not saved; the nightly run saves).")
                    if len(rows) == 1
                    else self.tr("%1 users as of today (not saved; the nightly run saves).")
                )
                self.detail.previewStatus.setText(text.replace("%1", str(len(rows))))
            else:
                self.detail.previewStatus.setText(self.tr("No active users in these profiles."))

        def failed(exc: BaseException) -> None:
            if generation == self._preview_generation:
                self.detail.previewStatus.setText(
                    self.tr("No preview: %1").replace("%1", first_line(exc))
                )

        run_in_background(
            self,
            lambda: setup.preview(db, caller, rule.template, rule.params, rule.target,
                                  list(rule.profile_ids)),
            done, failed,
        )  # fmt: skip

    def _update_buttons(self) -> None:
        # While "Beregn nu" runs, the rules stay as the run read them.
        busy = self.dialog.busy or self.dialog.running
        rule = self.selected()
        ready = self.dialog.snapshot is not None
        self.newButton.setEnabled(ready and not busy)
        for widget in (self.editButton, self.duplicateButton, self.deleteButton,
                       self.activeButton):  # fmt: skip
            widget.setEnabled(rule is not None and not busy)
        self.activeButton.setText(
            self.tr("Deac&tivate") if rule is None or rule.active else self.tr("Ac&tivate")
        )
        self.calcButton.setEnabled(not busy and not self.dialog.running)

    # --- actions ---------------------------------------------------------------------------

    def open_editor(self, rule: RuleInfo | None) -> None:
        from kpidesk.gui.rule_editor import RuleEditorDialog

        snapshot = self.dialog.snapshot
        if snapshot is None or self.dialog.busy or self.dialog.running:
            return
        editor = RuleEditorDialog(
            self.dialog.ctx, snapshot.specs, snapshot.profiles, snapshot.rules,
            snapshot.activity_types, rule=rule, currency=snapshot.currency, parent=self,
        )  # fmt: skip
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._saved)
        self.dialog.editor = editor
        editor.finished.connect(lambda _r: setattr(self.dialog, "editor", None))
        editor.open()

    def _saved(self, rule: RuleInfo) -> None:
        self.dialog.pending_rule_id = rule.id
        self.message.info(self.tr("Rule %1 saved.").replace("%1", rule.name))

    def new_rule(self) -> None:
        self.open_editor(None)

    def edit_rule(self) -> None:
        rule = self.selected()
        if rule is not None:
            self.open_editor(rule)

    def duplicate_rule(self) -> None:
        rule = self.selected()
        if rule is None or self.dialog.busy or self.dialog.running:
            return
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller

        def done(copy: RuleInfo) -> str:
            self.dialog.pending_rule_id = copy.id
            return self.tr("Copied as %1 (inactive until you activate it).").replace(
                "%1", copy.name
            )

        self.dialog.change(lambda: setup.duplicate_rule(db, caller, rule.id), self.message, done)

    def delete_rule(self) -> None:
        rule = self.selected()
        if rule is None or self.dialog.busy or self.dialog.running:
            return
        question = self.tr(
            "Delete the rule %1? Its history of results is deleted with it."
        ).replace("%1", rule.name)
        if not self.dialog.confirm(self.tr("Delete rule"), question):
            return
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        self.dialog.change(
            lambda: setup.delete_rule(db, caller, rule.id),
            self.message,
            lambda _r: self.tr("Rule %1 deleted.").replace("%1", rule.name),
        )

    def toggle_active(self) -> None:
        rule = self.selected()
        if rule is None or self.dialog.busy or self.dialog.running:
            return
        db, caller = self.dialog.ctx.db, self.dialog.ctx.caller
        self.dialog.pending_rule_id = rule.id
        self.dialog.change(
            lambda: setup.set_rule_active(db, caller, rule.id, not rule.active),
            self.message,
            lambda r: (self.tr("Rule %1 activated.") if r.active
                       else self.tr("Rule %1 deactivated.")).replace("%1", r.name),
        )  # fmt: skip

    def calculate_now(self) -> None:
        """ "Beregn nu": today's run in the background, with progress; never blocks."""
        if self.dialog.running or self.dialog.busy:
            return
        from kpidesk.services.runs import run_now

        self.dialog.running = True
        self._update_buttons()
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Calculating…"))
        self.progress.setVisible(True)
        self.message.info(self.tr("Calculating all KPIs for today…"))
        relay = _ProgressRelay(self)
        relay.progress.connect(self._progress)
        db, caller, events = self.dialog.ctx.db, self.dialog.ctx.caller, self.dialog.ctx.events

        def start(run_date: dt.date) -> None:
            events.runStarted.emit(run_date)
            run_in_background(
                self,
                lambda: run_now(db, caller, run_date, progress=relay.progress.emit),
                self._calculated, self._calculation_failed,
            )  # fmt: skip

        run_in_background(self, lambda: setup.today(db), start, self._calculation_failed)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(self.tr("%v of %m rules"))
        self.dialog.ctx.events.runProgress.emit(done, total)

    def _calculated(self, summary: Any) -> None:
        self._finish_run()
        locale = self.dialog.locale
        if getattr(summary, "status", "") == "success":
            self.message.info(
                self.tr("Calculated for %1: %2 users, %3 rules, %4 results in %5 s.")
                .replace("%1", format_date(summary.run_date, locale))
                .replace("%2", locale.toString(summary.users))
                .replace("%3", locale.toString(summary.rules))
                .replace("%4", locale.toString(summary.results))
                .replace("%5", locale.toString(float(summary.seconds), "f", 1))
            )
        else:
            reason = getattr(summary, "reason", "") or getattr(summary, "status", "")
            self.message.error(self.tr("Not calculated: %1").replace("%1", str(reason)))
        self.dialog.ctx.events.runFinished.emit(summary)
        rule = self.selected()
        if rule is not None:
            self.load_preview(rule)

    def _calculation_failed(self, exc: BaseException) -> None:
        self._finish_run()
        self.message.error(self.tr("The calculation failed: %1").replace("%1", first_line(exc)))
        self.dialog.ctx.events.runFinished.emit(None)

    def _finish_run(self) -> None:
        self.dialog.running = False
        self.progress.setVisible(False)
        self._update_buttons()


# --- the dialog ----------------------------------------------------------------------------


class KpiSetupDialog(QDialog):
    """Profiler / Brugere / Regler (+ Kørsler): the KPI setup, for administrators."""

    loaded = Signal()  # a snapshot arrived and the tables show it
    changed = Signal()  # a change of this dialog was saved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiSetupDialog")
        self.setWindowTitle(self.tr("KPI setup"))
        self.ctx = ctx
        self.language = ctx.language
        self.locale = locale_for(ctx.language)
        self.snapshot: SetupSnapshot | None = None
        self.specs: dict[str, TemplateSpec] = {}
        self.currency = "DKK"
        self.busy = False  # a change is being saved
        self.running = False  # "Beregn nu" is calculating
        self.loading = False
        self._reload_again = False
        self.pending_rule_id: int | None = None
        self._pending_profile: str | None = None
        self.editor: QDialog | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("setupTabs")
        self.profilesPage = ProfilesPage(self)
        self.usersPage = UsersPage(self)
        self.rulesPage = RulesPage(self)
        self.tabs.addTab(self.profilesPage, self.tr("&Profiles"))
        self.tabs.addTab(self.usersPage, self.tr("&Users"))
        self.tabs.addTab(self.rulesPage, self.tr("R&ules"))
        self.runLog = self._run_log()
        if self.runLog is not None:
            self.tabs.addTab(self.runLog, self.tr("Ru&ns"))
        self.dataSourcePage: QWidget | None = None
        if ctx.caller.is_admin:  # the data source is for administrators only
            from kpidesk.gui.datasource_page import DataSourcePage

            self.dataSourcePage = DataSourcePage(ctx, self)
            self.tabs.addTab(self.dataSourcePage, self.tr("&Data source"))
        self.tabs.setCurrentWidget(self.rulesPage)

        self.status = QLabel(self.tr("Loading the KPI setup…"), self)
        self.status.setObjectName("setupStatus")
        self.teamButton = QPushButton(self.tr("&Team view…"), self)
        self.teamButton.setObjectName("teamViewButton")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.teamButton)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.teamButton.clicked.connect(self.open_team_view)
        for number in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{number + 1}"), self,
                      activated=lambda n=number: self.tabs.setCurrentIndex(n))  # fmt: skip

        # Enter belongs to the focused field or table (create, edit, open), never to "Close".
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        ctx.events.setupChanged.connect(self.reload)
        metrics = self.fontMetrics()
        # Wide enough for the rule table's names beside the rule's detail (1366×768: fits).
        em = metrics.horizontalAdvance("M")
        open_at_size(self, "kpiSetup", QSize(em * 120, metrics.height() * 46))
        self.reload()

    def _run_log(self) -> QWidget | None:
        try:
            from kpidesk.gui.run_log import RunLogWidget
        except ImportError:
            return None
        return RunLogWidget(self.ctx, self)

    # --- loading ---------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Read the setup again, off the GUI thread; one reload at a time."""
        if self.loading:
            self._reload_again = True
            return
        self.loading = True
        ctx = self.ctx  # the job must not hold the dialog (it would die on the worker thread)
        run_in_background(self, lambda: load_snapshot(ctx), self._loaded, self._load_failed)

    def _loaded(self, snapshot: SetupSnapshot) -> None:
        self.loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        self.snapshot = snapshot
        self.specs = {spec.key: spec for spec in snapshot.specs}
        self.currency = snapshot.currency
        self.profilesPage.set_profiles(snapshot.profiles)
        if self._pending_profile:
            self.profilesPage.select(self._pending_profile)
            self._pending_profile = None
        self.usersPage.set_data(snapshot.users, snapshot.profiles)
        self.rulesPage.set_rules(snapshot.rules, self.specs)
        active = sum(1 for rule in snapshot.rules if rule.active)
        self.status.setText(
            self.tr("%1 profiles, %2 users, %3 rules (%4 active)")
            .replace("%1", str(len(snapshot.profiles)))
            .replace("%2", str(len(snapshot.users)))
            .replace("%3", str(len(snapshot.rules)))
            .replace("%4", str(active))
        )
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self._reload_again = False
        self.status.setText(self.tr("Could not load the setup: %1").replace("%1", first_line(exc)))

    # --- changes ---------------------------------------------------------------------------

    def change(
        self,
        action: Callable[[], Any],
        message: _Message,
        success: Callable[[Any], str],
        *,
        select_profile: str | None = None,
    ) -> None:
        """Save one change off-thread, then say so, reload and tell the other windows."""
        if self.busy:
            return
        self._set_busy(True)
        message.info(self.tr("Saving…"))

        def done(result: Any) -> None:
            self._set_busy(False)
            message.info(success(result))
            self._pending_profile = select_profile
            self.changed.emit()
            self.ctx.events.setupChanged.emit()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            message.error(first_line(exc))
            self.reload()

        run_in_background(self, action, done, failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.profilesPage._update_buttons()
        self.usersPage._update_buttons()
        self.rulesPage._update_buttons()

    def confirm(self, title: str, question: str) -> bool:
        """Ask before something that cannot be undone; No is the default answer."""
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, title, question, buttons, self)
        box.setObjectName("confirmBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def open_team_view(self) -> None:
        from kpidesk.gui.team_view import TeamViewDialog

        view = TeamViewDialog(self.ctx, self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
