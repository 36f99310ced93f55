"""Qt table models of the KPI windows: profiles, users, rules, preview rows and team scores.

Each names its columns, replaces all rows in one reset, and holds plain service dataclasses,
so it can be tested without a window (pytest-qt's `qtmodeltester`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from kpidesk.domain.templates import TemplateSpec
from kpidesk.gui.formatting import (
    format_score,
    format_value,
    level_background,
    level_colour,
    score_level,
)
from kpidesk.services.people import ProfileInfo, UserInfo, rule_guidance
from kpidesk.services.setup import RuleInfo

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole  # the row's id (profile, user or rule)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's dataclass
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2  # "green" | "amber" | "red" | None
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # what a column sorts by (scores as numbers)
NO_INDEX = QModelIndex()


def _palette() -> QPalette:
    app = QApplication.instance()
    return app.palette() if isinstance(app, QApplication) else QPalette()


class SetupTableModel(QAbstractTableModel):
    """Rows of one dataclass, replaced in one reset; subclasses say what each cell shows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def headers(self) -> list[str]:
        raise AttributeError("subclasses name their columns")

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            if 0 <= section < len(headers):
                return headers[section]
        return None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_item(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def items(self) -> list[Any]:
        return list(self._rows)

    def row_of(self, item_id: int) -> int:
        for row, item in enumerate(self._rows):
            if getattr(item, "id", None) == item_id:
                return row
        return -1


# --- profiles ------------------------------------------------------------------------------


class ProfilesModel(SetupTableModel):
    COL_NAME, COL_USERS, COL_RULES, COL_GUIDANCE = range(4)

    def __init__(self, language: str = "da", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language

    def headers(self) -> list[str]:
        return [self.tr("Profile"), self.tr("Users"), self.tr("Active rules"), self.tr("Advice")]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        profile: ProfileInfo = self._rows[index.row()]
        column = index.column()
        guidance = rule_guidance(profile.active_rules_count)
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                profile.name,
                str(profile.users_count),
                str(profile.active_rules_count),
                guidance.message(self.language),
            ][column]
        if role == ID_ROLE:
            return profile.id
        if role == ITEM_ROLE:
            return profile
        if role == LEVEL_ROLE and column in (self.COL_RULES, self.COL_GUIDANCE):
            return guidance.level
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.COL_RULES,
                                                                 self.COL_GUIDANCE):  # fmt: skip
            return level_colour(guidance.level, _palette())
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.COL_USERS, self.COL_RULES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# --- users ---------------------------------------------------------------------------------


class UsersModel(SetupTableModel):
    """Users with their profile; the profile column is edited in place (a combo box)."""

    COL_LOGIN, COL_NAME, COL_ROLE, COL_PROFILE, COL_PASSWORD = range(5)
    # user id, new profile id (0 for none): the page saves it through the service
    profileChangeRequested = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._profiles: list[ProfileInfo] = []

    def headers(self) -> list[str]:
        return [self.tr("Login"), self.tr("Name"), self.tr("Role"), self.tr("Profile"),
                self.tr("Password")]  # fmt: skip

    def set_profiles(self, profiles: Sequence[ProfileInfo]) -> None:
        self._profiles = list(profiles)

    def profiles(self) -> list[ProfileInfo]:
        return list(self._profiles)

    def role_text(self, role: str) -> str:
        return self.tr("Administrator") if role == "admin" else self.tr("User")

    def no_profile_text(self) -> str:
        return self.tr("(no profile)")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        user: UserInfo = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                user.login,
                user.name,
                self.role_text(user.role),
                user.profile_name or self.no_profile_text(),
                self.tr("set") if user.has_password else self.tr("not set"),
            ][column]
        if role == Qt.ItemDataRole.EditRole and column == self.COL_PROFILE:
            return user.profile_id or 0
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_PROFILE:
            return self.tr("Double-click or press F2 to change the profile")
        if role == Qt.ItemDataRole.ForegroundRole and (
            (column == self.COL_PROFILE and user.profile_id is None)
            or (column == self.COL_PASSWORD and not user.has_password)
            or not user.active
        ):
            return QColor(_palette().color(QPalette.ColorRole.PlaceholderText))
        if role == ID_ROLE:
            return user.id
        if role == ITEM_ROLE:
            return user
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_PROFILE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Shows the new profile at once and asks the page to save it (reverted on failure)."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if index.column() != self.COL_PROFILE or not 0 <= index.row() < len(self._rows):
            return False
        user: UserInfo = self._rows[index.row()]
        profile_id = int(value) if value else None
        if profile_id == user.profile_id:
            return False
        names = {p.id: p.name for p in self._profiles}
        if profile_id is not None and profile_id not in names:
            return False
        self._rows[index.row()] = UserInfo(
            user.id, user.login, user.name, user.role, user.active, profile_id,
            names.get(profile_id) if profile_id is not None else None, user.has_password,
        )  # fmt: skip
        self.dataChanged.emit(index, index)
        self.profileChangeRequested.emit(user.id, profile_id or 0)
        return True


# --- rules ---------------------------------------------------------------------------------


class RulesModel(SetupTableModel):
    COL_NAME, COL_TEMPLATE, COL_TARGET, COL_PROFILES, COL_ACTIVE = range(5)

    def __init__(
        self,
        specs: Mapping[str, TemplateSpec],
        locale: QLocale,
        language: str = "da",
        currency: str = "DKK",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.specs = dict(specs)
        self.locale = locale
        self.language = language
        self.currency = currency

    def headers(self) -> list[str]:
        return [self.tr("Name"), self.tr("Template"), self.tr("Target"), self.tr("Profiles"),
                self.tr("Active")]  # fmt: skip

    def unit(self, rule: RuleInfo) -> str:
        spec = self.specs.get(rule.template)
        return spec.unit if spec is not None else "count"

    def template_name(self, template: str) -> str:
        spec = self.specs.get(template)
        return spec.title(self.language) if spec is not None else template

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        rule: RuleInfo = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                rule.name,
                self.template_name(rule.template),
                format_value(rule.target, self.unit(rule), self.locale, self.currency),
                ", ".join(rule.profile_names) or "–",
                self.tr("Yes") if rule.active else self.tr("No"),
            ][column]
        if role == Qt.ItemDataRole.ForegroundRole and not rule.active:
            return QColor(_palette().color(QPalette.ColorRole.PlaceholderText))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_TARGET:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return rule.id
        if role == ITEM_ROLE:
            return rule
        return None


# --- preview -------------------------------------------------------------------------------


class PreviewModel(SetupTableModel):
    """What a rule gives today per user (the engine's preview rows)."""

    COL_USER, COL_VALUE, COL_SCORE = range(3)

    def __init__(
        self, locale: QLocale, unit: str = "count", currency: str = "DKK",
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.locale = locale
        self.unit = unit
        self.currency = currency

    def headers(self) -> list[str]:
        return [self.tr("User"), self.tr("Value today"), self.tr("Score")]

    def set_preview(self, rows: Sequence[Any], unit: str) -> None:
        self.unit = unit
        self.set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        level = score_level(row.score)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_USER:
                name = getattr(row, "name", "") or ""
                return f"{name} ({row.login})" if name else row.login
            if column == self.COL_VALUE:
                return format_value(row.value, self.unit, self.locale, self.currency)
            return format_score(row.score, self.locale)
        if role == Qt.ItemDataRole.BackgroundRole and column == self.COL_SCORE and level:
            return level_background(level, _palette())
        if role == LEVEL_ROLE:
            return level
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.COL_USER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.user_id
        if role == ITEM_ROLE:
            return row
        return None


# --- team ----------------------------------------------------------------------------------


class TeamModel(QAbstractTableModel):
    """Users × rules of the team view: each cell the user's score, coloured, with the value."""

    FIXED_COLUMNS = 2  # name, profile

    def __init__(
        self, locale: QLocale, language: str = "da", currency: str = "DKK",
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.locale = locale
        self.language = language
        self.currency = currency
        self._scores: Any = None

    def set_scores(self, scores: Any) -> None:
        self.beginResetModel()
        self._scores = scores
        self.endResetModel()

    def scores(self) -> Any:
        return self._scores

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        if parent.isValid() or self._scores is None:
            return 0
        return len(self._scores.rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        if parent.isValid() or self._scores is None:
            return 0
        return self.FIXED_COLUMNS + len(self._scores.rules)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or self._scores is None:
            return None
        if section < 0 or section >= self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return self.tr("User")
            if section == 1:
                return self.tr("Profile")
            return self._scores.rules[section - self.FIXED_COLUMNS].name
        if role == Qt.ItemDataRole.ToolTipRole and section >= self.FIXED_COLUMNS:
            rule = self._scores.rules[section - self.FIXED_COLUMNS]
            target = format_value(rule.target, rule.unit, self.locale, self.currency)
            return self.tr("Target: %1").replace("%1", target)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._scores is None or not index.isValid():
            return None
        if not 0 <= index.row() < len(self._scores.rows):
            return None
        row = self._scores.rows[index.row()]
        column = index.column()
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return f"{row.name} ({row.login})" if row.name else row.login
            if role == ID_ROLE:
                return row.user_id
            return None
        if column == 1:
            return row.profile if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE) else None
        if column - self.FIXED_COLUMNS >= len(self._scores.rules):
            return None
        rule = self._scores.rules[column - self.FIXED_COLUMNS]
        cell = row.cells.get(rule.id)
        level = score_level(cell.score) if cell is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            if cell is None:
                return ""
            return format_score(cell.score, self.locale)
        if role == Qt.ItemDataRole.ToolTipRole and cell is not None:
            value = format_value(cell.value, rule.unit, self.locale, self.currency)
            target = format_value(cell.target, rule.unit, self.locale, self.currency)
            return self.tr("Value %1 of target %2").replace("%1", value).replace("%2", target)
        if role == Qt.ItemDataRole.BackgroundRole and level is not None:
            return level_background(level, _palette())
        if role == LEVEL_ROLE:
            return level
        if role == SORT_ROLE:  # no result or no score sorts below every score
            return -1.0 if cell is None or cell.score is None else float(cell.score)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
