"""Export a scope of the brain as a context bundle, and import one, from the app. The reads run off
the UI thread through `read(work, on_done)` (`work(reader)`), the import as an operation through
`write(operation)`; the dialogs only show and ask."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QListView,
    QProgressBar, QPushButton, QRadioButton, QSpinBox, QVBoxLayout,
)

from desktop import operations
from desktop.errors import describe
from store import clock, words
from store.bundle import Scope
from store.bundle_import import read_plan
from store.display import printable
from store.errors import OutputRefused
from store.locations import check_output, documents_dir

KINDS = (("vault", "The whole vault"), ("program", "A program's context"), ("type", "Notes of a type"),
         ("motion", "Notes of a motion"), ("tag", "Notes with a tag"), ("note", "A note and its neighbours"))


class ExportDialog(QDialog):
    """Scope, a preview of its notes, what the secret scan found, then the bundle."""

    def __init__(self, read: Callable, vault: Path, parent=None, preset: Scope | None = None):
        super().__init__(parent, windowTitle="Export a context bundle")
        self.read, self.vault = read, vault
        self.preset = preset  # the scope on screen (the program the run shows), chosen once the choices are read
        self.paths: list[str] = []
        self.findings: list = []
        self.choices: dict[str, list[tuple[str, str]]] = {}  # read in the background
        self.result = None
        self._serial = itertools.count(1)
        self._latest = 0
        self._build()
        self.read(lambda reader: reader.scope_choices(), self._choices_read)

    def _build(self) -> None:
        self.kind_box = QComboBox(objectName="bundle-kind")
        for kind, label in KINDS:
            self.kind_box.addItem(label, kind)
        self.value_box = QComboBox(objectName="bundle-value")
        self.depth_box = QSpinBox(objectName="bundle-depth", minimum=0, maximum=3, value=1, suffix=" links out")
        self.kind_box.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.value_box.currentIndexChanged.connect(lambda _i: self.preview())
        self.depth_box.valueChanged.connect(lambda v: self.depth_box.setSuffix(" " + words.agreeing(v, "link out", "links out")))
        self.depth_box.valueChanged.connect(lambda _v: self.preview())
        self.depth_box.setSuffix(" link out")
        form = QFormLayout()
        form.addRow("Scope", self.kind_box)
        form.addRow("Which", self.value_box)
        form.addRow("Reach", self.depth_box)
        self.count_label = QLabel(objectName="bundle-count")
        self.notes_model = QStringListModel(self)
        notes = QListView(objectName="bundle-notes")
        notes.setModel(self.notes_model)
        self.scan_label = QLabel(objectName="bundle-scan", wordWrap=True)
        self.findings_model = QStringListModel(self)
        self.findings_view = QListView(objectName="bundle-findings")
        self.findings_view.setModel(self.findings_model)
        self.leave_out = QCheckBox("Leave the notes with findings out of the bundle", checked=True)
        self.anyway = QCheckBox("Export them anyway: I have checked, nothing here must stay private")
        self.anyway.toggled.connect(lambda on: self.leave_out.setEnabled(not on))
        self.progress = QProgressBar(objectName="bundle-progress", textVisible=False)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel(objectName="bundle-status", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("Export…", default=True)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(lambda: self.export_to(None))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.count_label, notes, self.scan_label, self.findings_view, self.leave_out, self.anyway, self.progress,
                       self.status, self.buttons):
            layout.addWidget(widget)
        self.resize(640, 620)
        self._kind_changed()

    def _choices_read(self, choices) -> None:
        self.choices = choices
        preset, self.preset = self.preset, None
        if preset is not None and any(value == preset.value for value, _label in choices.get(preset.kind, [])):
            self.kind_box.blockSignals(True)
            self.kind_box.setCurrentIndex(self.kind_box.findData(preset.kind))
            self.kind_box.blockSignals(False)
            self._kind_changed(preset.value)
            return
        self._kind_changed()

    def _kind_changed(self, value: str | None = None) -> None:
        kind = self.kind_box.currentData()
        self.value_box.blockSignals(True)
        self.value_box.clear()
        for choice, label in self.choices.get(kind, []):
            self.value_box.addItem(label, choice)
        if value is not None:
            self.value_box.setCurrentIndex(max(0, self.value_box.findData(value)))
        self.value_box.blockSignals(False)
        self.value_box.setEnabled(kind != "vault")
        self.depth_box.setEnabled(kind in ("program", "note"))
        self.preview()

    def scope(self) -> Scope | None:
        kind = self.kind_box.currentData()
        if kind == "vault":
            return Scope("vault", "", 0)
        value = self.value_box.currentData()
        if not value:
            return None
        return Scope(kind, value, self.depth_box.value() if kind in ("program", "note") else 0)

    def preview(self) -> None:
        """The notes the scope takes in and what the scan finds in them, read in the background."""
        scope = self.scope()
        self.export_button.setEnabled(False)
        if scope is None:
            self.count_label.setText("Choose what to export.")
            return
        serial = self._latest = next(self._serial)

        def shown(result) -> None:
            if serial != self._latest:
                return
            self.paths, self.findings = result
            self.notes_model.setStringList(self.paths)
            self.count_label.setText(f"{words.counted(len(self.paths), 'note')}: {scope.words()}")
            self.findings_model.setStringList([str(f) for f in self.findings])
            noted = len({f.path for f in self.findings})
            self.scan_label.setText(
                "No secrets or personal data found." if not self.findings else
                f"Found {words.counted(len(self.findings), 'possible secret')} or personal data in "
                f"{words.counted(noted, 'note')} (shown redacted). "
                "Leave those notes out, or export them anyway.")
            for widget in (self.findings_view, self.leave_out, self.anyway):
                widget.setVisible(bool(self.findings))
            self.export_button.setEnabled(bool(self.paths))

        self.count_label.setText("Reading…")
        self.read(lambda reader: reader.bundle_preview(scope), shown)

    def export_to(self, out: Path | None) -> None:
        scope = self.scope()
        if scope is None:
            return
        if out is None:
            name = f"{self.vault.name} {scope.words()} {clock.today()}.zip".replace("/", "-").replace(":", "-")
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the bundle", str(documents_dir() / name), "Context bundle (*.zip)")
            if not chosen:
                return
            out = Path(chosen)
        try:
            check_output(out, self.vault, what="the bundle")  # the save dialog has already asked before replacing a file
        except OutputRefused as exc:
            self.status.setText(str(exc))
            return
        anyway = self.anyway.isChecked()
        exclude = {f.path for f in self.findings} if self.findings and not anyway and self.leave_out.isChecked() else set()
        self.progress.show()
        self.export_button.setEnabled(False)
        self.status.setText("Writing the bundle…")
        self.read(lambda reader: reader.export_bundle(scope, out, anyway, exclude), self._exported, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.status.setText(describe(exc, "writing the bundle"))

    def _exported(self, result) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.result = result
        if result.findings and not result.notes:
            self.status.setText("Not exported: secrets or personal data remain. Leave those notes out or export them anyway.")
            return
        self.status.setText(f"Saved {result.path.name} in {result.path.parent}: {words.counted(result.notes, 'note')}, {result.size / 1024:,.0f} KB. "
                            "Open report.html inside it in any browser.")


class ImportDialog(QDialog):
    """The plan (new, identical, conflicting notes), the choice for conflicts, then the import."""

    def __init__(self, read: Callable, write: Callable, bundle: Path, vault: Path, parent=None):
        super().__init__(parent, windowTitle=f"Import {bundle.name}")
        self.read, self.write, self.bundle, self.vault = read, write, Path(bundle), Path(vault)
        self.plan = None
        self.done = None
        self.summary = QLabel("Checking the bundle…", objectName="import-summary", wordWrap=True)
        self.conflicts_model = QStringListModel(self)
        conflicts = QListView(objectName="import-conflicts")
        conflicts.setModel(self.conflicts_model)
        self.beside = QRadioButton("Put each incoming version beside the vault's note, as “NOTE (from BUNDLE).md”", checked=True)
        self.skip = QRadioButton("Skip them: keep only the vault's notes")
        group = QButtonGroup(self)
        group.addButton(self.beside)
        group.addButton(self.skip)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = QPushButton("Import", default=True, enabled=False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, conflicts, self.beside, self.skip, self.buttons):
            layout.addWidget(widget)
        self.resize(620, 420)
        bundle, vault = self.bundle, self.vault
        self.read(lambda _reader: read_plan(bundle, vault), self._planned, self._refused)

    def _planned(self, plan) -> None:
        self.plan = plan
        whose = {note: "the bundle's" if note in plan.new else "your" for _, note in plan.taken}
        self.conflicts_model.setStringList([printable(path) for path in plan.conflicts]
                                           + [f"{printable(path)} — not imported: {whose[note]} {printable(note)} has that name"
                                              for path, note in plan.taken])
        source = printable(plan.manifest["vault"])
        taken = f" {len(plan.taken)} not imported, because a note of that name is already in the vault or the bundle." if plan.taken else ""
        self.summary.setText(f"From {source}: {words.counted(len(plan.new), 'new note')}, {len(plan.identical)} already here and identical, "
                             f"{len(plan.conflicts)} that differ from the vault's (listed below; yours are never overwritten).{taken}")
        self.import_button.setEnabled(bool(plan.new or plan.conflicts))

    def _refused(self, exc) -> None:
        """The bundle or the vault refused (the plan), or the import rolled back: said in the dialog, one line."""
        self.summary.setText(describe(exc, "importing a bundle"))
        self.import_button.setEnabled(False)

    def apply(self) -> None:
        if self.plan is None:
            return
        how = "beside" if self.beside.isChecked() else "skip"
        self.import_button.setEnabled(False)
        self.write(operations.import_bundle(self.plan, how).success(self._applied).failure(self._refused))

    def _applied(self, done) -> None:
        self.done = done
        self.summary.setText(f"Imported: {words.counted(len(done.written), 'new note')}, {len(done.beside)} beside a different note, "
                             f"{len(done.skipped) + len(done.taken)} skipped. A record is kept in {printable(str(done.summary_path.parent))}.")
        self.import_button.setText("Done")
