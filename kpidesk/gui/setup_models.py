"""Qt table models of the KPI windows: profiles, users, rules, preview rows and team scores.

Each is a `TableModel` with its columns declared once, holding plain service dataclasses, so it
can be tested without a window (pytest-qt's `qtmodeltester`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QLocale, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
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
from kpidesk.gui.table_model import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    ID_ROLE,
    LEVEL_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    TableModel,
    muted_colour,
)
from kpidesk.services.people import ProfileInfo, UserInfo, rule_guidance
from kpidesk.services.setup import RuleInfo

__all__ = ["ID_ROLE", "LEVEL_ROLE", "ROW_ROLE", "SORT_ROLE", "ProfilesModel", "UsersModel",
           "RulesModel", "PreviewModel", "TeamModel"]  # fmt: skip

Index = QModelIndex | QPersistentModelIndex
_EDIT = int(Qt.ItemDataRole.EditRole)


def _palette() -> QPalette:
    app = QApplication.instance()
    return app.palette() if isinstance(app, QApplication) else QPalette()


# --- profiles ------------------------------------------------------------------------------


class ProfilesModel(TableModel[ProfileInfo]):
    COL_NAME, COL_USERS, COL_RULES, COL_GUIDANCE = range(4)

    def __init__(self, language: str = "da", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language

        def level(profile: ProfileInfo) -> str | None:
            return rule_guidance(profile.active_rules_count).level

        def colour(profile: ProfileInfo) -> QColor | None:
            return level_colour(level(profile), _palette())

        self.set_columns([
            Column(self.tr("Profile"), lambda p: p.name),
            Column(self.tr("Users"), lambda p: str(p.users_count), sort=lambda p: p.users_count,
                   align=ALIGN_RIGHT),
            Column(self.tr("Active rules"), lambda p: str(p.active_rules_count),
                   sort=lambda p: p.active_rules_count, align=ALIGN_RIGHT, level=level,
                   foreground=colour),
            Column(self.tr("Advice"),
                   lambda p: rule_guidance(p.active_rules_count).message(self.language),
                   level=level, foreground=colour),
        ])  # fmt: skip


# --- users ---------------------------------------------------------------------------------


class UsersModel(TableModel[UserInfo]):
    """Users with their profile; the profile column is edited in place (a combo box)."""

    COL_LOGIN, COL_NAME, COL_ROLE, COL_PROFILE, COL_PASSWORD = range(5)
    # user id, new profile id (0 for none): the page saves it through the service
    profileChangeRequested = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._profiles: list[ProfileInfo] = []
        change_profile = self.tr("Double-click or press F2 to change the profile")
        self.set_columns([
            Column(self.tr("Login"), lambda u: u.login),
            Column(self.tr("Name"), lambda u: u.name),
            Column(self.tr("Role"), lambda u: self.role_text(u.role)),
            Column(self.tr("Profile"), lambda u: u.profile_name or self.no_profile_text(),
                   tooltip=lambda _u: change_profile,
                   foreground=lambda u: muted_colour() if u.profile_id is None else None),
            Column(self.tr("Password"),
                   lambda u: self.tr("set") if u.has_password else self.tr("not set"),
                   foreground=lambda u: None if u.has_password else muted_colour()),
        ])  # fmt: skip

    def set_profiles(self, profiles: Sequence[ProfileInfo]) -> None:
        self._profiles = list(profiles)

    def profiles(self) -> list[ProfileInfo]:
        return list(self._profiles)

    def role_text(self, role: str) -> str:
        return self.tr("Administrator") if role == "admin" else self.tr("User")

    def no_profile_text(self) -> str:
        return self.tr("(no profile)")

    def is_muted(self, row: UserInfo) -> bool:
        return not row.active

    def cell(self, row: UserInfo, column_number: int, role: int) -> Any:
        if role == _EDIT and column_number == self.COL_PROFILE:
            return row.profile_id or 0
        return super().cell(row, column_number, role)

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


class RulesModel(TableModel[RuleInfo]):
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
        self.set_columns([
            Column(self.tr("Name"), lambda r: r.name),
            Column(self.tr("Template"), lambda r: self.template_name(r.template)),
            Column(self.tr("Target"),
                   lambda r: format_value(r.target, self.unit(r), self.locale, self.currency),
                   sort=lambda r: r.target, align=ALIGN_RIGHT),
            Column(self.tr("Profiles"), lambda r: ", ".join(r.profile_names) or "–"),
            Column(self.tr("Active"), lambda r: self.tr("Yes") if r.active else self.tr("No"),
                   sort=lambda r: not r.active),
        ])  # fmt: skip

    def unit(self, rule: RuleInfo) -> str:
        spec = self.specs.get(rule.template)
        return spec.unit if spec is not None else "count"

    def template_name(self, template: str) -> str:
        spec = self.specs.get(template)
        return spec.title(self.language) if spec is not None else template

    def is_muted(self, row: RuleInfo) -> bool:
        return not row.active


# --- preview -------------------------------------------------------------------------------


class PreviewModel(TableModel[Any]):
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

        def user(row: Any) -> str:
            name = getattr(row, "name", "") or ""
            return f"{name} ({row.login})" if name else row.login

        def level(row: Any) -> str | None:
            return score_level(row.score)

        def background(row: Any) -> Any:
            found = level(row)
            return level_background(found, _palette()) if found else None

        self.set_columns([
            Column(self.tr("User"), user, level=level),
            Column(self.tr("Value today"),
                   lambda r: format_value(r.value, self.unit, self.locale, self.currency),
                   sort=lambda r: r.value, align=ALIGN_RIGHT, level=level),
            Column(self.tr("Score"), lambda r: format_score(r.score, self.locale),
                   sort=lambda r: r.score, align=ALIGN_RIGHT, level=level,
                   background=background),
        ])  # fmt: skip

    def row_id(self, row: Any) -> Any:
        return row.user_id

    def set_preview(self, rows: Sequence[Any], unit: str) -> None:
        self.unit = unit
        self.set_rows(rows)


# --- team ----------------------------------------------------------------------------------


class TeamModel(TableModel[Any]):
    """Users × rules of the team view: each cell the user's score, coloured, with the value.

    The columns are the scores' rules, so they are declared anew with every set of scores.
    """

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
        self._scores = scores
        columns: list[Column[Any]] = []
        if scores is not None:
            columns = [
                Column(self.tr("User"), lambda r: f"{r.name} ({r.login})" if r.name else r.login),
                Column(self.tr("Profile"), lambda r: r.profile or ""),
            ]
            columns += [self._rule_column(rule) for rule in scores.rules]
        self.set_rows(list(scores.rows) if scores is not None else [], columns)

    def _rule_column(self, rule: Any) -> Column[Any]:
        def score(row: Any) -> Any:
            return row.cells.get(rule.id)

        def level(row: Any) -> str | None:
            cell = score(row)
            return score_level(cell.score) if cell is not None else None

        def display(row: Any) -> str:
            cell = score(row)
            return format_score(cell.score, self.locale) if cell is not None else ""

        def tooltip(row: Any) -> str | None:
            cell = score(row)
            if cell is None:
                return None
            value = format_value(cell.value, rule.unit, self.locale, self.currency)
            target = format_value(cell.target, rule.unit, self.locale, self.currency)
            return self.tr("Value %1 of target %2").replace("%1", value).replace("%2", target)

        def background(row: Any) -> Any:
            found = level(row)
            return level_background(found, _palette()) if found is not None else None

        def sort(row: Any) -> float:  # no result or no score sorts below every score
            cell = score(row)
            return -1.0 if cell is None or cell.score is None else float(cell.score)

        target = format_value(rule.target, rule.unit, self.locale, self.currency)
        return Column(rule.name, display, sort=sort, align=ALIGN_CENTER, tooltip=tooltip,
                      background=background, level=level,
                      header_tooltip=self.tr("Target: %1").replace("%1", target))  # fmt: skip

    def scores(self) -> Any:
        return self._scores

    def row_id(self, row: Any) -> Any:
        return row.user_id
