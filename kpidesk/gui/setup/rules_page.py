"""Step 3 of "KPI opsætning": the rules, the selected one in words with today's preview, and
"Beregn nu"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kpidesk.domain.templates import ParamError, describe
from kpidesk.gui.formatting import format_date, format_value, level_colour
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.setup.page import (
    ImmediatePage,
    PageMessage,
    SetupHost,
    SetupSnapshot,
    first_line,
    html_text,
    setup_table,
)
from kpidesk.gui.setup_models import PreviewModel, RulesModel
from kpidesk.gui.widgets import heading
from kpidesk.services import people
from kpidesk.services.setup import RuleInfo

if TYPE_CHECKING:
    from kpidesk.services.setup import PreviewRow


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
        self.previewModel = PreviewModel(page.host.locale, parent=self)
        self.preview = setup_table(self, "rulePreview")
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
        host, state = self.page.host, self.page.state
        visible = rule is not None
        for widget in (self.template, self.description, self.target, self.profiles,
                       self.guidance, self.preview):  # fmt: skip
            widget.setVisible(visible)
        if rule is None:
            self.title.setText(self.tr("Choose a rule to see what it counts."))
            self.previewStatus.setText("")
            self.previewModel.set_rows([])
            return
        spec = state.specs.get(rule.template)
        active = self.tr("active") if rule.active else self.tr("inactive")
        self.title.setText(f"{rule.name} ({active})")
        unit = spec.unit if spec is not None else "count"
        if spec is not None:
            self.template.setText(self.tr("Template: %1").replace("%1", spec.title(host.language)))
            try:
                self.description.setText(describe(spec, rule.params, host.language))
            except (ParamError, KeyError, ValueError) as exc:
                self.description.setText(first_line(exc))
        else:
            self.template.setText(self.tr("Unknown template %1").replace("%1", rule.template))
            self.description.setText("")
        target = format_value(rule.target, unit, host.locale, state.currency)
        if spec is not None and spec.direction == "lower":
            target = self.tr("at most %1 (lower is better)").replace("%1", target)
        self.target.setText(target)
        self.profiles.setText(", ".join(rule.profile_names) or self.tr("none yet"))
        counts = {p.id: p for p in state.snapshot.profiles} if state.snapshot else {}
        lines = []
        for profile_id in rule.profile_ids:
            profile = counts.get(profile_id)
            if profile is None:
                continue
            guidance = people.rule_guidance(profile.active_rules_count)
            colour = level_colour(guidance.level, self.palette()).name()
            lines.append(
                f"<span style='color:{colour}'>●</span> <b>{html_text(profile.name)}</b>: "
                f"{html_text(guidance.message(host.language))}"
            )
        self.guidance.setText("<br>".join(lines) or self.tr("The rule applies to no profile yet."))
        self.previewModel.set_preview([], unit)

    def text(self) -> str:
        """Everything the panel says, as plain text (for tests and screen readers)."""
        labels = (self.title, self.template, self.description, self.target, self.profiles,
                  self.guidance, self.previewStatus)  # fmt: skip
        return "\n".join(label.text() for label in labels if label.isVisibleTo(self))


class RulesPage(ImmediatePage):
    def __init__(self, host: SetupHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("rulesPage")
        self._select_after_load: int | None = None
        self.previewLoader = Loader(self)
        self.model = RulesModel({}, host.locale, host.ctx.language, parent=self)
        self.table = setup_table(self, "rulesTable")
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
        # Shown while "Beregn nu" waits or runs; Alt+P or Tab reach it, a question confirms.
        self.stopButton = button(self.tr("Sto&p calculation…"), "stopCalculationButton")
        self.stopButton.setVisible(False)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("runProgress")
        self.progress.setVisible(False)
        self.progress.setTextVisible(True)
        self.message = PageMessage("rulesMessage", self)

        buttons = QHBoxLayout()
        for widget in (self.newButton, self.editButton, self.duplicateButton,
                       self.deleteButton, self.activeButton):  # fmt: skip
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.calcButton)
        buttons.addWidget(self.stopButton)
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
        self.stopButton.clicked.connect(self.host.stop_calculation)
        self.table.doubleClicked.connect(lambda _i: self.edit_rule())
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            QShortcut(QKeySequence(key), self.table, activated=self.edit_rule,
                      context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.delete_rule,
                  context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
        self.update_buttons()

    # --- data ------------------------------------------------------------------------------

    def show_snapshot(self, snapshot: SetupSnapshot) -> None:
        """The rule editor saves each rule; the buttons save at once."""
        current = self.selected()
        wanted = self._select_after_load or (current.id if current else None)
        self._select_after_load = None
        self.model.specs = self.state.specs
        self.model.currency = self.state.currency
        self.detail.previewModel.currency = self.state.currency
        self.model.set_rows(snapshot.rules)
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.detail.show_rule(None)

    def selected(self) -> RuleInfo | None:
        item = self.selected_item(self.table)
        return item if isinstance(item, RuleInfo) else None

    def select(self, name: str) -> None:
        for row, rule in enumerate(self.model.rows()):
            if rule.name == name:
                self.table.selectRow(row)
                self.table.setCurrentIndex(self.model.index(row, 0))
                return

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rule = self.model.row_item(current.row()) if current.isValid() else None
        self.detail.show_rule(rule)
        self.update_buttons()
        if rule is not None:
            self.load_preview(rule)

    def load_preview(self, rule: RuleInfo) -> None:
        """What the rule gives today per user, computed by the engine off the GUI thread."""
        if not rule.profile_ids:
            self.previewLoader.cancel()  # an earlier rule's preview must not arrive now
            self.detail.previewStatus.setText(self.tr("No profile: the rule applies to nobody."))
            return
        self.detail.previewStatus.setText(self.tr("Calculating the preview…"))
        desk = self.host.ctx.desk
        spec = self.state.specs.get(rule.template)
        unit = spec.unit if spec is not None else "count"

        def done(rows: list[PreviewRow]) -> None:
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

        def failed(failure: Failure) -> None:
            self.detail.previewStatus.setText(self.tr("No preview: %1").replace("%1", failure.text))

        self.previewLoader.run(
            lambda: desk.setup.preview(rule.template, rule.params, rule.target,
                                       list(rule.profile_ids)),
            done, failed,
        )  # fmt: skip

    def _busy(self) -> bool:
        return self.state.saving or self.state.calculating

    def update_buttons(self) -> None:
        # While "Beregn nu" runs, the rules stay as the run read them.
        self.progress.setVisible(self.state.calculating)
        busy = self._busy()
        rule = self.selected()
        ready = self.state.snapshot is not None
        self.newButton.setEnabled(ready and not busy)
        for widget in (self.editButton, self.duplicateButton, self.deleteButton,
                       self.activeButton):  # fmt: skip
            widget.setEnabled(rule is not None and not busy)
        self.activeButton.setText(
            self.tr("Deac&tivate") if rule is None or rule.active else self.tr("Ac&tivate")
        )
        self.calcButton.setEnabled(not busy)
        self.stopButton.setVisible(self.state.calculating)

    # --- actions ---------------------------------------------------------------------------

    def _saved(self, rule: RuleInfo) -> None:
        self._select_after_load = rule.id
        self.message.info(self.tr("Rule %1 saved.").replace("%1", rule.name))

    def new_rule(self) -> None:
        if not self._busy():
            self.host.edit_rule(None, self._saved)

    def edit_rule(self) -> None:
        rule = self.selected()
        if rule is not None and not self._busy():
            self.host.edit_rule(rule, self._saved)

    def duplicate_rule(self) -> None:
        rule = self.selected()
        if rule is None or self._busy():
            return
        desk = self.host.ctx.desk

        def done(copy: RuleInfo) -> str:
            self._select_after_load = copy.id
            return self.tr("Copied as %1 (inactive until you activate it).").replace(
                "%1", copy.name
            )

        self.host.change(lambda: desk.setup.duplicate_rule(rule.id), self.message, done)

    def delete_rule(self) -> None:
        rule = self.selected()
        if rule is None or self._busy():
            return
        question = self.tr(
            "Delete the rule %1? Its history of results is deleted with it."
        ).replace("%1", rule.name)
        if not self.host.confirm(self.tr("Delete rule"), question):
            return
        desk = self.host.ctx.desk
        self.host.change(
            lambda: desk.setup.delete_rule(rule.id),
            self.message,
            lambda _r: self.tr("Rule %1 deleted.").replace("%1", rule.name),
        )

    def toggle_active(self) -> None:
        rule = self.selected()
        if rule is None or self._busy():
            return
        desk = self.host.ctx.desk
        self._select_after_load = rule.id
        self.host.change(
            lambda: desk.setup.set_rule_active(rule.id, not rule.active),
            self.message,
            lambda r: (self.tr("Rule %1 activated.") if r.active
                       else self.tr("Rule %1 deactivated.")).replace("%1", r.name),
        )  # fmt: skip

    def calculate_now(self) -> None:
        """ "Beregn nu": today's run in the background, with progress; never blocks."""
        if self._busy():
            return
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Calculating…"))
        self.message.info(self.tr("Calculating all KPIs for today…"))
        self.host.calculate(
            self._progress, self._calculated, self._calculation_failed, self._waiting
        )

    def _waiting(self, state: str) -> None:
        """Where "Beregn nu" is in the queue, in the progress bar (busy until it runs)."""
        if state == "running":
            self.progress.setFormat(self.tr("Calculating…"))
            return
        if state not in ("queued", "waiting"):
            return
        self.progress.setRange(0, 0)
        if state == "queued":
            text = self.tr("Waiting for the calculation in progress here…")
        else:
            text = self.tr("Waiting for a calculation on another computer…")
        self.progress.setFormat(text)
        self.message.info(text)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if done < total:
            self.progress.setFormat(self.tr("%v of %m rules"))
        else:  # the results are in; the forecast verdicts follow them before it is done
            self.progress.setFormat(self.tr("%v of %m rules – updating the forecasts…"))

    def _calculated(self, summary: Any) -> None:
        locale = self.host.locale
        if getattr(summary, "status", "") == "success":
            self.message.info(
                self.tr("Calculated for %1: %2 users, %3 rules, %4 results in %5 s.")
                .replace("%1", format_date(summary.run_date, locale))
                .replace("%2", locale.toString(summary.users))
                .replace("%3", locale.toString(summary.rules))
                .replace("%4", locale.toString(summary.results))
                .replace("%5", locale.toString(float(summary.seconds), "f", 1))
            )
        elif getattr(summary, "status", "") == "cancelled":
            self.message.info(
                self.tr("Calculation stopped; the figures for %1 are as they were.").replace(
                    "%1", format_date(summary.run_date, locale)
                )
            )
        else:
            reason = getattr(summary, "reason", "") or getattr(summary, "status", "")
            self.message.error(self.tr("Not calculated: %1").replace("%1", str(reason)))
        rule = self.selected()
        if rule is not None:
            self.load_preview(rule)

    def _calculation_failed(self, exc: BaseException) -> None:
        self.message.error(self.tr("The calculation failed: %1").replace("%1", first_line(exc)))
