""" "Datakilde": where the nightly run gets fresh CRM data, on a tab of KPI opsætning.

Administrators only (the dialog adds the tab for them; the services check it again). The page
follows the setup pages' three verbs (`page.SetupPage`), the dialog owning the state: `load()`
shows the source and its recent imports from the dialog's snapshot (the form is refilled only
while it holds no edits), `check()` finds what is missing in an edited form before anything is
sent, `save()` stores it through the dialog's one way of saving a change; the services'
`SourceError` lines are shown one per line. "Save" and Ctrl+S check and save at once, "Undo
changes" shows the stored source again, and closing the dialog checks and saves an edited form
like any page's. "Importér nu" runs the nightly run's import step (`services.source.sync`) on
a worker thread with progress.

Each kind of source is a row of `datasource_form.KINDS` with the fields it shows and how it is
saved, so a new kind is a few lines there.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpidesk.gui import formatting
from kpidesk.gui.loader import Failure, Loader
from kpidesk.gui.setup.datasource_form import (
    DEFAULT_SETTLE,
    DEFAULT_TIMEOUT,
    KINDS,
    ImportsModel,
    Kind,
    SourceForm,
    SourceState,
)
from kpidesk.gui.setup.page import PageMessage, SetupHost, SetupState
from kpidesk.services import source

ERRORS_SHOWN = 8  # error lines under the form; the rest are counted
FILE_CHOICE = "\x00file"  # the mapping combo's "File…" entry


class _Relay(QObject):
    """Lives in the GUI thread; the import's worker emits, Qt queues it into the GUI thread."""

    progress = Signal(str, int, int)


class DataSourcePage(QWidget):
    """The data source's form, "Importér nu" and the recent imports."""

    loaded = Signal()  # the source and its imports are shown
    saved = Signal()  # a save finished (successfully or not), or the check refused it
    imported = Signal(object)  # "Importér nu" finished: the SyncResult, or None if it raised

    def __init__(self, host: SetupHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataSourcePage")
        self.host = host
        self.ctx = host.ctx
        self.locale = formatting.locale_for(self.ctx.language)
        self.state = SetupState()
        self.shown: SourceState | None = None  # what the form and the table show
        self.importer = Loader(self)
        self.dirty = False  # the form holds edits not saved yet
        self._filling = False

        # -- the form -----------------------------------------------------------------------
        self.kind = QComboBox(self)
        self.kind.setObjectName("sourceKind")
        names = {
            "none": self.tr("None"),
            "folder": self.tr("Folder"),
            "sql": self.tr("SQL database"),
        }
        for kind in KINDS:
            self.kind.addItem(names.get(kind.key, kind.key), kind.key)
        self.path = QLineEdit(self)
        self.path.setObjectName("sourcePath")
        self.path.setPlaceholderText(self.tr("The folder the CRM's export is written to"))
        self.browse = QPushButton(self.tr("&Browse…"), self)
        self.browse.setObjectName("sourceBrowse")
        self.browse.clicked.connect(self.choose_folder)
        path_row = QHBoxLayout()
        path_row.setContentsMargins(0, 0, 0, 0)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        self.pathRow = QWidget(self)
        self.pathRow.setLayout(path_row)
        self.url = QLineEdit(self)
        self.url.setObjectName("sourceUrl")
        self.url.setPlaceholderText("mysql+pymysql://kpi_reader@crm-db/suitecrm")
        self.password = QLineEdit(self)
        self.password.setObjectName("sourcePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("none"))
        self.mapping = QComboBox(self)
        self.mapping.setObjectName("sourceMapping")
        self.mapping.activated.connect(self._mapping_chosen)
        self.marker = QLineEdit(self)
        self.marker.setObjectName("sourceMarker")
        self.marker.setPlaceholderText(self.tr("none (e.g. done)"))
        self.settle = QSpinBox(self)
        self.settle.setObjectName("sourceSettle")
        self.settle.setRange(0, 3600)
        self.settle.setValue(DEFAULT_SETTLE)
        self.settle.setSuffix(self.tr(" s"))
        self.timeout = QSpinBox(self)
        self.timeout.setObjectName("sourceTimeout")
        self.timeout.setRange(1, 3600)
        self.timeout.setValue(DEFAULT_TIMEOUT)
        self.timeout.setSuffix(self.tr(" s"))

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(self.tr("&Kind:"), self.kind)
        self.form.addRow(self.tr("F&older:"), self.pathRow)
        self.form.addRow(self.tr("Database U&RL:"), self.url)
        self.form.addRow(self.tr("Pass&word:"), self.password)
        self.form.addRow(self.tr("&Mapping:"), self.mapping)
        self.form.addRow(self.tr("Marker &file:"), self.marker)
        self.form.addRow(self.tr("S&ettle time:"), self.settle)
        self.form.addRow(self.tr("&Query time-out:"), self.timeout)
        # The folder row's label points at the line edit, not at the row's container.
        folder_label = self.form.labelForField(self.pathRow)
        if isinstance(folder_label, QLabel):
            folder_label.setBuddy(self.path)
        self._rows: dict[str, QWidget] = {
            "path": self.pathRow, "url": self.url, "password": self.password,
            "mapping": self.mapping,
            "marker": self.marker, "settle": self.settle, "timeout": self.timeout,
        }  # fmt: skip
        self.hint = QLabel(self)
        self.hint.setObjectName("sourceHint")
        self.hint.setWordWrap(True)
        self.form.addRow("", self.hint)

        self.errors = QLabel(self)
        self.errors.setObjectName("sourceErrors")
        self.errors.setWordWrap(True)
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.setVisible(False)
        self.message = PageMessage("sourceMessage", self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.saveButton = QPushButton(self.tr("&Save"), self)
        self.saveButton.setObjectName("sourceSave")
        self.saveButton.clicked.connect(self.save_now)
        self.revertButton = QPushButton(self.tr("Undo chan&ges"), self)
        self.revertButton.setObjectName("sourceRevert")
        self.revertButton.clicked.connect(self.revert)
        self.importButton = QPushButton(self.tr("&Import now"), self)
        self.importButton.setObjectName("sourceImportNow")
        self.importButton.clicked.connect(self.import_now)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("sourceProgress")
        self.progress.setVisible(False)
        self.progress.setTextVisible(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saveButton)
        buttons.addWidget(self.revertButton)
        buttons.addStretch(1)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.importButton)

        box = QGroupBox(self.tr("Data source for the nightly run"), self)
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(self.form)
        box_layout.addWidget(self.errors)
        box_layout.addWidget(self.message)
        box_layout.addLayout(buttons)

        # -- recent imports -----------------------------------------------------------------
        self.model = ImportsModel(self.ctx.language, self)
        self.table = QTableView(self)
        self.table.setObjectName("importsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        # The header and three imports stay visible even with errors above.
        self.table.setMinimumHeight((self.fontMetrics().height() + 10) * 4 + 2)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ImportsModel.COL_ROWS, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ImportsModel.COL_ERROR, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(ImportsModel.COL_ROWS, self.fontMetrics().horizontalAdvance("M") * 24)
        self.table.setAccessibleName(self.tr("Recent imports"))
        self.importsLabel = QLabel(self.tr("&Latest imports"), self)
        self.importsLabel.setBuddy(self.table)
        self.importsStatus = QLabel(self)
        self.importsStatus.setObjectName("importsStatus")

        layout = QVBoxLayout(self)
        layout.addWidget(box)
        top = QHBoxLayout()
        top.addWidget(self.importsLabel)
        top.addStretch(1)
        top.addWidget(self.importsStatus)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.presets: dict[str, list[str]] = {"folder": [source.BUILTIN_MAPPING]}
        for edit in (self.path, self.url, self.password, self.marker):
            edit.textEdited.connect(self._changed)
        for spin in (self.settle, self.timeout):
            spin.valueChanged.connect(self._changed)
        self.mapping.currentIndexChanged.connect(self._changed)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_now)
        self._fill_mappings("folder", source.BUILTIN_MAPPING)
        self._show_kind("none")
        self._update_buttons()

    # --- the page protocol: load, check, save ---------------------------------------------

    @property
    def view(self) -> source.SourceView | None:
        """The stored source as last read (credentials masked)."""
        return self.shown.view if self.shown is not None else None

    def load(self, state: SetupState) -> None:
        """Show the dialog's state: a newly read source refills the form unless it holds edits
        (they are kept; "Undo changes" shows the stored source), and the imports always."""
        self.state = state
        snapshot = state.snapshot
        if snapshot is not None and snapshot.source is not None:
            if snapshot.source is not self.shown:
                self.shown = snapshot.source
                self._show_source(snapshot.source, keep_edits=True)
                self.loaded.emit()
        self._update_buttons()

    def check(self) -> bool:
        """An edited form must be complete before it is saved (closing the dialog waits)."""
        if not self.dirty:
            return True
        problems = self.problems()
        self._set_errors(problems)
        return not problems

    def save(self) -> None:
        """Store the edited form through the dialog, off the GUI thread."""
        if not self.dirty or self._busy():
            return
        form, kind, ctx = self.values(), self.current_kind(), self.ctx
        self._set_errors([])
        # The job holds the context and the form only, never the page: a widget whose last
        # reference a worker thread dropped would be destroyed on that thread.
        self.host.change(lambda: kind.save(ctx, form), self.message, self._saved,
                         self._save_failed)  # fmt: skip

    @Slot()
    def save_now(self) -> None:
        """ "Save" and Ctrl+S: check, then save."""
        if self._busy():
            return
        if not self.check():
            self.saved.emit()
            return
        self.save()

    @Slot()
    def revert(self) -> None:
        """Back to what is stored (the form's changes and messages dropped)."""
        self._set_errors([])
        self.message.info("")
        self.dirty = False
        if self.shown is not None:
            self._show_source(self.shown, keep_edits=False)
        self._update_buttons()

    def _show_source(self, shown: SourceState, *, keep_edits: bool) -> None:
        if shown.error:
            self._set_errors([self.tr("Could not read the data source: %1").replace(
                "%1", shown.error)])  # fmt: skip
            self.importsStatus.setText("")
            return
        self.presets = shown.presets or self.presets
        self.set_imports(list(shown.imports))
        view = shown.view
        if view is None or (keep_edits and self.dirty):
            return
        self._filling = True
        try:
            index = self.kind.findData(view.kind)
            self.kind.setCurrentIndex(max(index, 0))
            self.path.setText(view.path if view.kind == "folder" else self.path.text())
            self.url.setText(view.path if view.kind == "sql" else "")
            self._fill_mappings(view.kind if view.kind in self.presets else "folder", view.mapping)
            self.marker.setText(view.marker)
            self.settle.setValue(view.settle_seconds)
            self.timeout.setValue(view.timeout_seconds)
            self.password.clear()
            self.password.setPlaceholderText(self.password_text(view.password))
            self._show_kind(view.kind)
        finally:
            self._filling = False
        self.dirty = False

    def set_imports(self, imports: list[Any]) -> None:
        self.model.set_rows(imports)
        if not imports:
            self.importsStatus.setText(self.tr("No imports yet."))
            return
        failed = sum(1 for item in imports if item.status == "failed")
        self.importsStatus.setText(
            self.tr("%n import(s)", "", len(imports))
            + (self.tr(", %n failed", "", failed) if failed else "")
        )

    def password_text(self, origin: str) -> str:
        """Where the sql source's password comes from, as the empty password field says it."""
        return {
            "database": self.tr("stored (not shown); type a new one to replace it"),
            "environment": self.tr("from the environment (KPIDESK_SOURCE_PASSWORD)"),
        }.get(origin, self.tr("none"))

    def _fill_mappings(self, kind: str, current: str) -> None:
        """The kind's presets (a folder's start with kpidesk's own files), the stored file (if
        one) and "File…"; `current` selected, else the first."""
        self.mapping.blockSignals(True)
        self.mapping.clear()
        for name in self.presets.get(kind, []):
            text = (
                self.tr("kpidesk's own five files") if name == source.BUILTIN_MAPPING
                else self.tr("Preset: %1").replace("%1", name)
            )  # fmt: skip
            self.mapping.addItem(text, name)
        if current and self.mapping.findData(current) < 0 and current != source.BUILTIN_MAPPING:
            self.mapping.addItem(current, current)  # a mapping file
        self.mapping.addItem(self.tr("File…"), FILE_CHOICE)
        self.mapping.setCurrentIndex(max(self.mapping.findData(current), 0))
        self.mapping.blockSignals(False)

    # --- the form --------------------------------------------------------------------------

    def current_kind(self) -> Kind:
        key = self.kind.currentData()
        return next((kind for kind in KINDS if kind.key == key), KINDS[0])

    def _kind_changed(self, _index: int) -> None:
        key = self.current_kind().key
        if not self._filling:  # the other kind's presets; the mapping kept if it fits
            current = self.mapping.currentData()
            self._fill_mappings(key, "" if current in (None, FILE_CHOICE) else str(current))
        self._show_kind(key)
        self._changed()

    def _show_kind(self, key: str) -> None:
        kind = next((k for k in KINDS if k.key == key), KINDS[0])
        for name, widget in self._rows.items():
            self.form.setRowVisible(widget, name in kind.fields)
        self.hint.setText(
            {
                "none": self.tr(
                    "No data source: the nightly run calculates on the CRM data imported by hand."
                ),
                "folder": self.tr(
                    "Every night the newest complete export is imported first: CSV files written "
                    "since the last import, none changing during the settle time, and the marker "
                    "file there if one is named (the CRM writes it last)."
                ),
                "sql": self.tr(
                    "Every night the CRM's database is read first (read-only, one SELECT per kind "
                    "of record from the mapping). The password is never shown again once saved."
                ),
            }.get(key, "")
        )

    def _changed(self, *_args: object) -> None:
        if self._filling:
            return
        self.dirty = True
        self._update_buttons()

    def _mapping_chosen(self, index: int) -> None:
        if self.mapping.itemData(index) != FILE_CHOICE:
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a mapping file"), "", self.tr("Mapping files (*.toml)")
        )
        self.choose_mapping_file(chosen)

    def choose_mapping_file(self, path: str) -> None:
        """Select a mapping file (added to the list); empty: back to the built-in format."""
        if not path:
            self.mapping.setCurrentIndex(0)
            return
        found = self.mapping.findData(path)
        if found < 0:
            found = self.mapping.count() - 1  # before "File…"
            self.mapping.insertItem(found, path, path)
        self.mapping.setCurrentIndex(found)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the export folder"),
                                                  self.path.text())  # fmt: skip
        if chosen:
            self.path.setText(chosen)
            self._changed()

    def values(self) -> SourceForm:
        mapping = self.mapping.currentData()
        return SourceForm(
            kind=self.current_kind().key,
            path=self.path.text().strip(),
            url=self.url.text().strip(),
            password=self.password.text(),
            mapping="" if mapping in (None, FILE_CHOICE) else str(mapping),
            marker=self.marker.text().strip(),
            settle_seconds=self.settle.value(),
            timeout_seconds=self.timeout.value(),
        )

    def problems(self) -> list[str]:
        """What is missing or wrong in the form, one line each (the services check it again)."""
        form = self.values()
        problems = []
        if form.kind == "folder" and not form.path:
            problems.append(self.tr("Folder: required (where the CRM writes its export)."))
        if form.kind == "folder" and ("/" in form.marker or "\\" in form.marker):
            problems.append(
                self.tr("Marker file: a file name in the folder, not a path (e.g. done).")
            )
        if form.kind == "sql" and not form.url:
            problems.append(self.tr("Database URL: required."))
        if form.kind == "sql" and not form.mapping:
            problems.append(
                self.tr("Mapping: required (a preset or a mapping file with a query per table).")
            )
        return problems

    def _saved(self, warnings: list[str]) -> str:
        """What the message says once stored; the dialog then reads the setup again."""
        self.dirty = False
        self._update_buttons()
        QTimer.singleShot(0, self, self.saved.emit)  # after the dialog has said so
        return self.tr("Saved.") + "".join(f"\n{line}" for line in warnings or [])

    def _save_failed(self, failure: Failure) -> None:
        self.message.info("")
        self._set_errors(list(failure.lines), self.tr("Not saved:"))
        self._update_buttons()
        self.saved.emit()

    # --- "Importér nu" ---------------------------------------------------------------------

    @Slot()
    def import_now(self) -> None:
        """The nightly run's import step now, on a worker thread, with progress."""
        if self._busy() or self.dirty:
            return
        self._set_errors([])
        self.message.info(self.tr("Importing from the data source…"))
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Waiting for a complete export…"))
        self.progress.setVisible(True)
        relay = _Relay(self)
        relay.progress.connect(self._progress)
        desk = self.ctx.desk

        def work() -> source.SyncResult:
            return desk.source.sync(progress=relay.progress.emit)

        self.importer.run(work, self._imported, self._import_failed)
        self._update_buttons()

    @Slot(str, int, int)
    def _progress(self, stage: str, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        stages = {"checking": self.tr("Checking…"), "writing": self.tr("Writing…")}
        self.progress.setFormat(stages.get(stage, f"{stage}: %p%"))

    def _imported(self, result: Any) -> None:
        self._finish_import()
        status = getattr(result, "status", "")
        message = getattr(result, "message", "")
        if status == "imported":
            self.message.info(self.tr("Imported: %1").replace("%1", message))
        elif status == "nothing_new":
            self.message.info(self.tr("Nothing new to import: %1").replace("%1", message))
        elif status == "no_source":
            self.message.info(self.tr("No data source is set up: choose a kind and save first."))
        else:
            errors = list(getattr(result, "errors", []) or [message])
            self._set_errors(errors, self.tr("The import failed; nothing was changed:"))
            self.message.info("")
        self.imported.emit(result)
        self.host.reload()  # the new import in the table

    def _import_failed(self, failure: Failure) -> None:
        self._finish_import()
        self._set_errors(list(failure.lines), self.tr("The import failed; nothing was changed:"))
        self.imported.emit(None)
        self.host.reload()

    def _finish_import(self) -> None:
        self.progress.setVisible(False)
        self._update_buttons()

    # --- messages and buttons ---------------------------------------------------------------

    def _set_errors(self, lines: list[str], title: str = "") -> None:
        """Errors one per line (the first ERRORS_SHOWN; the rest counted), in red."""
        shown = lines[:ERRORS_SHOWN]
        if len(lines) > ERRORS_SHOWN:
            shown.append(self.tr("… and %n more", "", len(lines) - ERRORS_SHOWN))
        if title and shown:
            shown.insert(0, title)
        colour = formatting.level_colour("red", self.palette()).name()
        self.errors.setStyleSheet(f"color: {colour};")
        self.errors.setText("\n".join(shown))
        self.errors.setVisible(bool(shown))

    def _busy(self) -> bool:
        """Saving (the dialog, one change at a time) or importing."""
        return self.state.saving or self.importer.busy

    def _update_buttons(self) -> None:
        idle = not self._busy() and self.shown is not None
        self.saveButton.setEnabled(idle and self.dirty)
        self.revertButton.setEnabled(idle and self.dirty)
        configured = self.view is not None and self.view.kind != "none"
        self.importButton.setEnabled(idle and not self.dirty and configured)
        self.importButton.setToolTip(
            self.tr("Save the changes first") if self.dirty
            else "" if configured else self.tr("No data source is set up")
        )  # fmt: skip
        self.browse.setEnabled(not self._busy())
