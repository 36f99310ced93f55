"""The rule editor: a form generated from the template's typed parameters.

Spin boxes with the template's bounds, a checkable list of the activity types found in the
data, a period choice; the target typed in the unit people read (60 for 60 %). Invalid input
is refused in place, beside its field, and nothing is saved until everything is valid. The
guidance says, while editing, how many active rules the chosen profiles will have.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QLocale, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.names import name_key
from kpidesk.domain.templates import ParamError, ParamSpec, TemplateSpec, describe, validate_params
from kpidesk.gui.context import AppContext
from kpidesk.gui.formatting import from_display, level_colour, locale_for, to_display
from kpidesk.gui.geometry import open_at_size
from kpidesk.gui.loader import Failure, Loader
from kpidesk.services import people, setup
from kpidesk.services.people import ProfileInfo
from kpidesk.services.setup import RuleDraft, RuleInfo, ValidationError

# objectName of each parameter's widget: "param_" + the parameter key
PARAM_PREFIX = "param_"


class RuleEditorDialog(QDialog):
    """Create a rule (rule=None) or edit one; `saved_rule` holds what was saved on accept."""

    saved = Signal(object)  # RuleInfo

    def __init__(
        self,
        ctx: AppContext,
        specs: Sequence[TemplateSpec],
        profiles: Sequence[ProfileInfo],
        rules: Sequence[RuleInfo],
        activity_types: Sequence[str],
        rule: RuleInfo | None = None,
        currency: str = "DKK",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditorDialog")
        self.ctx = ctx
        self.language = ctx.language
        self.locale = locale_for(ctx.language)
        self.specs = {spec.key: spec for spec in specs}
        self.profiles = list(profiles)
        self.rules = list(rules)
        self.activity_types = list(activity_types)
        self.rule = rule
        self.currency = currency
        self.saved_rule: RuleInfo | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self._name_edited = rule is not None
        self._param_widgets: dict[str, QWidget] = {}
        self._param_errors: dict[str, QLabel] = {}
        self.saver = Loader(self)
        self.setWindowTitle(self.tr("Edit KPI rule") if rule else self.tr("New KPI rule"))
        self.setModal(True)
        self._build()
        self._load()

    # --- layout ----------------------------------------------------------------------------

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setVisible(False)
        colour = level_colour("red", self.palette()).name()
        label.setStyleSheet(f"color: {colour};")
        return label

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)

        self.templateCombo = QComboBox(self)
        self.templateCombo.setObjectName("templateCombo")
        for spec in self.specs.values():
            self.templateCombo.addItem(spec.title(self.language), spec.key)
        template_label = QLabel(self.tr("&Template"), self)
        template_label.setBuddy(self.templateCombo)
        form.addRow(template_label, self.templateCombo)

        self.descriptionLabel = QLabel(self)
        self.descriptionLabel.setObjectName("ruleEditorDescription")
        self.descriptionLabel.setWordWrap(True)
        self.descriptionLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.descriptionLabel)

        self.nameEdit = QLineEdit(self)
        self.nameEdit.setObjectName("nameEdit")
        self.nameEdit.setMaxLength(setup.NAME_MAX)
        self.nameError = self._error_label("nameError")
        name_label = QLabel(self.tr("&Name"), self)
        name_label.setBuddy(self.nameEdit)
        form.addRow(name_label, self._with_error(self.nameEdit, self.nameError))

        self.paramsHost = QWidget(self)
        self.paramsHost.setObjectName("paramsHost")
        self.paramsForm = QFormLayout(self.paramsHost)
        self.paramsForm.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.paramsHost)

        self.targetEdit = QLineEdit(self)
        self.targetEdit.setObjectName("targetEdit")
        self.targetUnit = QLabel(self)
        self.targetUnit.setObjectName("targetUnit")
        self.targetError = self._error_label("targetError")
        target_row = QWidget(self)
        row = QHBoxLayout(target_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.targetEdit, 1)
        row.addWidget(self.targetUnit)
        target_label = QLabel(self.tr("T&arget"), self)
        target_label.setBuddy(self.targetEdit)
        form.addRow(target_label, self._with_error(target_row, self.targetError))

        self.profilesList = QListWidget(self)
        self.profilesList.setObjectName("profilesList")
        self.profilesList.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.profilesList.setMaximumHeight(self.fontMetrics().height() * 7)
        for profile in self.profiles:
            item = QListWidgetItem(profile.name, self.profilesList)
            item.setData(Qt.ItemDataRole.UserRole, profile.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        profiles_label = QLabel(self.tr("&Profiles"), self)
        profiles_label.setBuddy(self.profilesList)
        form.addRow(profiles_label, self.profilesList)

        self.activeCheck = QCheckBox(self.tr("A&ctive (calculated every night)"), self)
        self.activeCheck.setObjectName("activeCheck")
        form.addRow("", self.activeCheck)

        self.guidanceLabel = QLabel(self)
        self.guidanceLabel.setObjectName("editorGuidance")
        self.guidanceLabel.setWordWrap(True)
        self.guidanceLabel.setTextFormat(Qt.TextFormat.RichText)
        form.addRow(self.tr("Advice"), self.guidanceLabel)

        self.formError = self._error_label("formError")
        outer.addWidget(self.formError)
        outer.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("editorButtons")
        self.okButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.okButton.setText(self.tr("Save"))
        self.okButton.setDefault(True)
        self.okButton.setAutoDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.try_accept)

        self.templateCombo.currentIndexChanged.connect(self._template_changed)
        self.nameEdit.textEdited.connect(self._name_typed)
        self.targetEdit.textEdited.connect(lambda _text: self._touch("target"))
        self.profilesList.itemChanged.connect(lambda _item: self._refresh())
        self.activeCheck.toggled.connect(lambda _on: self._refresh())
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)

    def _with_error(self, field: QWidget, error: QLabel) -> QWidget:
        host = QWidget(self)
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(error)
        return host

    # --- load ------------------------------------------------------------------------------

    def _load(self) -> None:
        rule = self.rule
        key = rule.template if rule is not None else next(iter(self.specs), "")
        index = self.templateCombo.findData(key)
        self.templateCombo.blockSignals(True)
        self.templateCombo.setCurrentIndex(max(index, 0))
        self.templateCombo.blockSignals(False)
        self._build_params(rule.params if rule is not None else None)
        if rule is not None:
            self.nameEdit.setText(rule.name)
            self.targetEdit.setText(self._target_text(rule.target))
            chosen = set(rule.profile_ids)
            self.activeCheck.setChecked(rule.active)
        else:
            self.nameEdit.setText(self._suggested_name())
            chosen = set()
            self.activeCheck.setChecked(True)
        self.profilesList.blockSignals(True)
        for row in range(self.profilesList.count()):
            item = self.profilesList.item(row)
            state = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        self.profilesList.blockSignals(False)
        self._update_unit()
        self._refresh()
        em = self.fontMetrics().horizontalAdvance("M")
        hint = self.sizeHint()  # the chosen template's fields; a smaller remembered size grows
        open_at_size(self, "ruleEditor", QSize(max(hint.width(), em * 46), hint.height()))
        self.nameEdit.setFocus()
        self.nameEdit.selectAll()

    def spec(self) -> TemplateSpec:
        return self.specs[str(self.templateCombo.currentData())]

    def _suggested_name(self) -> str:
        """A new rule is named after its template until the admin types a name."""
        base = self.spec().title(self.language) if self.specs else ""
        taken = {name_key(r.name) for r in self.rules}
        name, number = base, 2
        while name_key(name) in taken:
            name = f"{base} {number}"
            number += 1
        return name

    def _target_text(self, target: float) -> str:
        shown = to_display(target, self.spec().unit)
        if math.isclose(shown, round(shown), abs_tol=1e-9):
            return self.locale.toString(int(round(shown)))
        return self.locale.toString(shown, "f", 2).rstrip("0").rstrip(self.locale.decimalPoint())

    def _update_unit(self) -> None:
        unit = self.spec().unit
        text = {"percent": "%", "currency": "kr." if self.currency == "DKK" else self.currency}
        self.targetUnit.setText(text.get(unit, self.tr("count")))
        example = {"percent": "60", "currency": self.locale.toString(250000)}.get(unit, "10")
        self.targetEdit.setPlaceholderText(self.tr("e.g. %1").replace("%1", example))

    # --- parameters ------------------------------------------------------------------------

    def _build_params(self, params: dict[str, Any] | None) -> None:
        """One widget per parameter of the template, filled with the rule's (or the default)."""
        while self.paramsForm.rowCount():
            self.paramsForm.removeRow(0)
        self._param_widgets.clear()
        self._param_errors.clear()
        spec = self.spec()
        try:
            values = validate_params(spec, params or {})
        except ParamError:
            values = spec.defaults()
        for param in spec.params:
            widget = self._param_widget(param, values.get(param.key))
            widget.setObjectName(PARAM_PREFIX + param.key)
            error = self._error_label(f"error_{param.key}")
            self._param_widgets[param.key] = widget
            self._param_errors[param.key] = error
            label = QLabel(param.label(self.language), self.paramsHost)
            label.setBuddy(widget)
            self.paramsForm.addRow(label, self._with_error(widget, error))
        self._sync_period()

    def _param_widget(self, param: ParamSpec, value: Any) -> QWidget:
        if param.kind == "int":
            spin = QSpinBox(self.paramsHost)
            spin.setRange(param.minimum or 0, param.maximum or 1_000_000)
            spin.setValue(int(value if value is not None else param.default))
            spin.setSuffix(self.tr(" days") if param.key == "days" else "")
            spin.setAccelerated(True)
            spin.lineEdit().textEdited.connect(lambda _t, key=param.key: self._touch(key))
            spin.valueChanged.connect(lambda _v, key=param.key: self._touch(key))
            return spin
        if param.kind == "choice":
            combo = QComboBox(self.paramsHost)
            for choice in param.choices:
                combo.addItem(self.choice_text(choice), choice)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.currentIndexChanged.connect(lambda _i, key=param.key: self._touch(key))
            return combo
        checks = QListWidget(self.paramsHost)
        checks.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        checks.setMaximumHeight(self.fontMetrics().height() * 8)
        chosen = list(value or [])
        names = list(dict.fromkeys([*self.activity_types, *chosen]))
        for name in names:
            item = QListWidgetItem(name, checks)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            if name not in self.activity_types:
                item.setToolTip(self.tr("Not found in the data"))
        checks.setToolTip(self.tr("None checked: every activity type counts"))
        checks.itemChanged.connect(lambda _i, key=param.key: self._touch(key))
        return checks

    def choice_text(self, choice: str) -> str:
        return {
            "month": self.tr("This month to date"),
            "quarter": self.tr("This quarter to date"),
            "year": self.tr("This year to date"),
            "rolling": self.tr("Rolling: the last N days"),
        }.get(choice, choice)

    def _sync_period(self) -> None:
        """`days` only matters for a rolling period: disabled otherwise."""
        period = self._param_widgets.get("period")
        days = self._param_widgets.get("days")
        if isinstance(period, QComboBox) and days is not None:
            days.setEnabled(period.currentData() == "rolling")

    def params(self) -> dict[str, Any]:
        """The parameters as the widgets hold them (unvalidated)."""
        values: dict[str, Any] = {}
        for key, widget in self._param_widgets.items():
            if isinstance(widget, QSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            elif isinstance(widget, QListWidget):
                values[key] = [
                    widget.item(row).text()
                    for row in range(widget.count())
                    if widget.item(row).checkState() == Qt.CheckState.Checked
                ]
        return values

    def profile_ids(self) -> tuple[int, ...]:
        return tuple(
            int(self.profilesList.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.profilesList.count())
            if self.profilesList.item(row).checkState() == Qt.CheckState.Checked
        )

    # --- validation ------------------------------------------------------------------------

    def parse_target(self) -> float | None:
        """The typed target in machine units, or None when it is not a number."""
        text = self.targetEdit.text().strip()
        for junk in ("%", "kr.", "kr", self.currency):
            text = text.replace(junk, "")
        text = text.replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        number, ok = self.locale.toDouble(text)
        if not ok:
            number, ok = QLocale.c().toDouble(text)
        if not ok or not math.isfinite(number):
            return None
        return from_display(number, self.spec().unit)

    def check(self) -> dict[str, str]:
        """Every problem of the form, by field; empty when it can be saved."""
        problems: dict[str, str] = {}
        name = " ".join(self.nameEdit.text().split())
        if not name:
            problems["name"] = self.tr("Give the rule a name.")
        elif any(
            name_key(r.name) == name_key(name) and (self.rule is None or r.id != self.rule.id)
            for r in self.rules
        ):
            problems["name"] = self.tr("Another rule already has this name.")
        for key, widget in self._param_widgets.items():
            if isinstance(widget, QSpinBox) and not widget.hasAcceptableInput():
                problems[key] = (
                    self.tr("Use a whole number from %1 to %2.")
                    .replace("%1", self.locale.toString(widget.minimum()))
                    .replace("%2", self.locale.toString(widget.maximum()))
                )
        if not problems.keys() & self._param_widgets.keys():
            try:
                validate_params(self.spec(), self.params())
            except ParamError as exc:
                problems[setup.param_field(exc, self.spec())] = str(exc)
        target = self.parse_target()
        if not self.targetEdit.text().strip():
            problems["target"] = self.tr("Type the target.")
        elif target is None:
            problems["target"] = self.tr("The target must be a number.")
        elif target < 0:
            problems["target"] = self.tr("The target cannot be negative.")
        return problems

    def _touch(self, key: str) -> None:
        self._touched.add(key)
        if key == "period":
            self._sync_period()
        self._refresh()

    def _name_typed(self, _text: str) -> None:
        self._name_edited = True
        self._touch("name")

    def _template_changed(self, _index: int) -> None:
        old = self.params()
        self._build_params(
            {k: v for k, v in old.items() if k in {p.key for p in self.spec().params}}
        )
        if not self._name_edited:
            self.nameEdit.setText(self._suggested_name())
        self._update_unit()
        self._refresh()

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message beside its field (fields not touched yet stay quiet until OK)."""
        visible = {k: v for k, v in problems.items() if self._show_all or k in self._touched}
        labels = {"name": self.nameError, "target": self.targetError, **self._param_errors}
        for key, label in labels.items():
            message = visible.get(key, "")
            label.setText(message)
            label.setVisible(bool(message))
            field = (self.nameEdit if key == "name" else self.targetEdit if key == "target"
                     else self._param_widgets.get(key))  # fmt: skip
            if field is not None:
                field.setAccessibleDescription(message)
        others = [v for k, v in visible.items() if k not in labels]
        self.formError.setText("\n".join(others))
        self.formError.setVisible(bool(others))

    def _refresh(self) -> None:
        spec = self.spec()
        try:
            self.descriptionLabel.setText(describe(spec, self.params(), self.language))
        except (ParamError, KeyError, ValueError):
            self.descriptionLabel.setText(spec.description.text(self.language))
        self.show_problems(self.check())
        self._update_guidance()

    def _update_guidance(self) -> None:
        chosen = self.profile_ids()
        if not chosen:
            self.guidanceLabel.setText(self.tr("The rule applies to no profile yet."))
            return
        counts = people.projected_rule_counts(
            self.rules, chosen,
            editing_rule_id=self.rule.id if self.rule else None,
            active=self.activeCheck.isChecked(),
        )  # fmt: skip
        names = {p.id: p.name for p in self.profiles}
        lines = []
        for profile_id, count in sorted(counts.items(), key=lambda item: names.get(item[0], "")):
            guidance = people.rule_guidance(count)
            colour = level_colour(guidance.level, self.palette()).name()
            lines.append(
                f"<span style='color:{colour}'>●</span> <b>{_html(names.get(profile_id, ''))}"
                f"</b>: {_html(guidance.message(self.language))}"
            )
        self.guidanceLabel.setText("<br>".join(lines))

    # --- save ------------------------------------------------------------------------------

    def draft(self) -> RuleDraft:
        return RuleDraft(
            name=" ".join(self.nameEdit.text().split()),
            template=self.spec().key,
            params=self.params(),
            target=self.parse_target() or 0.0,
            profile_ids=self.profile_ids(),
            active=self.activeCheck.isChecked(),
        )

    def try_accept(self) -> None:
        """Enter / Save: refused in place while anything is invalid; otherwise saved off-thread."""
        if self.saver.busy:
            return
        self._show_all = True
        problems = self.check()
        self.show_problems(problems)
        if problems:
            first = next(iter(problems))
            widget = {"name": self.nameEdit, "target": self.targetEdit}.get(first)
            (widget or self._param_widgets.get(first) or self.nameEdit).setFocus()
            return
        draft = self.draft()
        rule_id = self.rule.id if self.rule is not None else None
        desk = self.ctx.desk
        self._set_saving(True)

        def save() -> RuleInfo:
            if rule_id is None:
                return desk.setup.create_rule(draft)
            return desk.setup.update_rule(rule_id, draft)

        self.saver.run(save, self._saved, self._save_failed)

    def _set_saving(self, saving: bool) -> None:
        self.okButton.setEnabled(not saving)
        self.okButton.setText(self.tr("Saving…") if saving else self.tr("Save"))

    def _saved(self, rule: RuleInfo) -> None:
        self._set_saving(False)
        self.saved_rule = rule
        self.saved.emit(rule)
        self.ctx.events.setupChanged.emit()
        self.accept()

    def _save_failed(self, failure: Failure) -> None:
        self._set_saving(False)
        if isinstance(failure.error, ValidationError):
            self._touched.update(failure.error.fields)
            self.show_problems(failure.error.fields)
        else:
            self.formError.setText(failure.text)
            self.formError.setVisible(True)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._sync_period()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
