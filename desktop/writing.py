"""The main window's writing side: quick capture, fill-the-gap edits, the in-app editor, the audit
prompts and workshop mode. A mixin of `MainWindow`, kept apart so the window's reading side (the
vault, the lists, the note, search) stays readable; it uses the window's `read`, `navigate`,
`message_bar`, `session_log`, `notes`, `map_and_run` and `vault`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from desktop.views.audit import AuditDialog, prompts_for
from desktop.views.capture import CaptureDialog
from desktop.views.editor import NoteEditor
from desktop.views.workshop import SummaryDialog
from store import blueprint as blueprints
from store import clock, note_edit, query
from store.coverage_facts import CoverageKeeper
from store.errors import NoteExists, SubstrateError
from store.new_note import MOTIONS, Draft, capture
from store.workshop import snapshot, summarise


class WritingMixin:
    def write_note(self, title: str, why: str = "") -> CaptureDialog | None:
        """A gap nobody has written (from the map or the run): capture it, starting from its title, the type
        the brain expects and why it is needed. A note of that name that exists is opened instead."""
        existing = next((row.path for row in self.notes.rows() if row.title.casefold() == title.casefold()), None)
        if existing:
            self._open_from_map(existing)
            return None
        report = self.map_and_run.map.report
        unknown = next((n for n in (report.known_unknowns if report else ()) if n.title.casefold() == title.casefold()), None)
        kind = unknown.type if unknown and unknown.type != "unknown" else None
        motion = unknown.motion if unknown and unknown.motion in MOTIONS else ""
        return self.capture_note(Draft(title=title, type=kind, motion=motion, text=why))

    def capture_note(self, draft: Draft | None = None) -> CaptureDialog | None:
        """Quick capture (Ctrl+N): the dialog stays beside the map while the room answers."""
        if self.vault is None:
            return None
        blueprint = blueprints.load(self.vault)
        if self.capture_dialog is None or self.capture_dialog.blueprint is not blueprint:
            if self.capture_dialog is not None:
                self.capture_dialog.deleteLater()
            self.capture_dialog = CaptureDialog(blueprint, self)
            self.capture_dialog.captured.connect(self.save_capture)
        dialog = self.capture_dialog
        dialog.prefill(draft or Draft(""))
        self.read(lambda db: query.titles_of_types(db, ("person", "team")), dialog.set_people)
        dialog.show()
        dialog.raise_()
        return dialog

    def save_capture(self, draft: Draft, keep_open: bool = False) -> None:
        """The capture dialog's answer: written, then the dialog cleared for the next or closed."""
        dialog = self.capture_dialog

        def written(path: str) -> None:
            dialog.done_capture(path, keep_open)
            if self.pages.currentWidget() is not self.map_and_run:  # in a workshop the map stays on screen
                self._open_when_indexed = path
                if self.notes.row_of(path) is not None:
                    self._open_when_indexed = None
                    self.navigate(path)

        self.write_capture(draft, written, dialog.show_problem)

    def write_capture(self, draft: Draft, on_written, on_problem) -> None:
        """Write a captured note off the UI thread (capture never waits for indexing); the watcher brings it
        to the map and the lists. A name another note answers to is refused with that note's path, and
        that note is opened, to be edited instead."""
        vault = self.vault

        def work(db):
            try:
                return capture(vault, db, blueprints.load(vault), draft), None, None
            except NoteExists as exc:
                return None, exc.path, str(exc)
            except SubstrateError as exc:
                return None, None, str(exc)

        def done(result) -> None:
            written, existing, problem = result
            if problem:
                on_problem(problem)
                if existing:
                    self._open_from_map(existing)
            else:
                self.message_bar.show_message(f"Captured {written}. Fill in the rest with File ▸ Edit Note (Ctrl+E).", "info")
                self.session_log.check()
                on_written(written)

        self.read(work, done)

    def audit(self) -> AuditDialog | None:
        """The workshop's questions, area by area (Ctrl+Shift+A); each answer is written as it is given."""
        report = self.map_and_run.map.report
        if self.vault is None or report is None:
            self.message_bar.show_message("The audit starts once the coverage map has been read: open the map first (Ctrl+Shift+M).", "notice")
            return None
        if self.audit_dialog is not None:
            self.audit_dialog.deleteLater()
        blueprint = blueprints.load(self.vault)
        dialog = self.audit_dialog = AuditDialog(prompts_for(blueprint, report), blueprint, self)
        dialog.answered.connect(self._audit_answered)
        dialog.set_people([row.title for row in self.notes.rows() if row.type in ("person", "team")])
        dialog.show()
        return dialog

    def _audit_answered(self, prompt, answer) -> None:
        vault, title = self.vault, prompt.title or prompt.question

        def said(words: str):
            return lambda _result: (self.message_bar.show_message(words, "info"), self.session_log.check())

        failed = lambda exc: self.show_error(exc, f"writing the answer about {title}")  # noqa: E731
        if isinstance(answer, Draft):
            self.write_capture(answer, lambda _path: None, lambda problem: self.message_bar.show_message(problem, "notice"))
        elif prompt.kind == "owner":
            self.read(lambda _db: note_edit.set_owner(vault, prompt.path, answer), said(f"{title} is owned by {answer} now."), failed)
        elif prompt.kind == "lives":
            value = answer[0] if len(answer) == 1 else f"[{', '.join(answer)}]"
            self.read(lambda _db: note_edit.edit_property(vault, prompt.path, "lives_in", value), said(f"{title} lives in {', '.join(answer)}."), failed)
        elif answer == "reviewed":
            self.fix_gap("reviewed", prompt.path)
        elif answer == "edit":
            self.edit_note(prompt.path)

    def toggle_workshop(self) -> None:
        if self.workshop.active:
            self.end_workshop()
        else:
            self.start_workshop()

    def start_workshop(self) -> None:
        """Full screen for the room; what the brain knows now is kept to compare with at the end."""
        if self.vault is None or self.workshop.active:
            return
        self.workshop_action.setChecked(True)
        self.workshop.snapshot = None
        self.workshop.enter()
        vault = self.vault

        def kept(start) -> None:
            self.workshop.snapshot = start
            self.workshop.tick()

        self.read(lambda db: snapshot(db, CoverageKeeper().report(db, blueprints.load(vault), clock.today())), kept)

    def end_workshop(self) -> None:
        """Back to the desktop, and the session's summary."""
        if not self.workshop.active:
            return
        self.workshop_action.setChecked(False)
        self.workshop.leave()
        start, vault = self.workshop.snapshot, self.vault
        if start is None or vault is None:
            return

        def summary(db):
            return summarise(start, db, CoverageKeeper().report(db, blueprints.load(vault), clock.today()), vault)

        self.read(summary, self.show_summary)

    def show_summary(self, summary) -> SummaryDialog:
        if self.summary_dialog is not None:
            self.summary_dialog.deleteLater()
        self.summary_dialog = SummaryDialog(summary, self.vault, self)
        self.summary_dialog.show()
        return self.summary_dialog

    def fix_gap(self, what: str, path: str | None) -> None:
        """Fill a gap in one action: edit the note, give it an owner, or confirm it is still true today."""
        if not path or self.vault is None:
            return
        if what == "edit":
            self.edit_note(path)
            return
        vault, title = self.vault, Path(path).stem
        if what == "owner":
            people = sorted((row.title for row in self.notes.rows() if row.type in ("person", "team")), key=str.casefold)
            owner, chosen = self.ask_owner(title, people)
            if not chosen or not owner.strip():
                return
            work, done_words = (lambda _db: note_edit.set_owner(vault, path, owner)), f"{title} is owned by {owner.strip()} now."
        else:
            work, done_words = (lambda _db: note_edit.mark_reviewed(vault, path)), f"{title} was reviewed today."
        self.read(work, lambda _digest: (self.message_bar.show_message(done_words, "info"), self.session_log.check()),
                  lambda exc: self.show_error(exc, f"changing {title}"))

    def ask_owner(self, title: str, people: list[str]) -> tuple[str, bool]:
        """Who owns it: a person or team the brain knows, or a new name (tests answer in place of the person)."""
        return QInputDialog.getItem(self, "Set Owner", f"Who owns {title}?", people, 0, True)

    def edit_note(self, path: str | None = None) -> NoteEditor | None:
        """The note in the in-app editor (one window per note: asking again brings it forward)."""
        path = path or self.current_path()
        if not path or self.vault is None:
            return None
        editor = self.editors.get(path)
        if editor is None:
            try:
                editor = NoteEditor(self.vault, path, self, dark=self.palette().window().color().lightness() < 128)
            except OSError as exc:
                self.show_error(exc, f"opening {path}")
                return None
            self.editors[path] = editor
            editor.destroyed.connect(lambda *_args, editor=editor: self._forget_editor(editor))
            editor.saved.connect(lambda saved, editor=editor: self._editor_saved(editor, saved))
            self._fill_completions(editor)
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def _editor_saved(self, editor: NoteEditor, path: str) -> None:
        self._forget_editor(editor)  # "keep both" moves an editor to a new note: keyed by where it is now
        self.editors[path] = editor
        self.session_log.check()

    def _forget_editor(self, editor: NoteEditor) -> None:
        for path in [path for path, open_editor in self.editors.items() if open_editor is editor]:
            del self.editors[path]

    def _fill_completions(self, editor: NoteEditor) -> None:
        vault = self.vault

        def names(db):
            found = query.note_names(db)
            blueprint = blueprints.load(vault)
            return found, [slot.name for spec in blueprint.types.values() for slot in spec.slots]

        def fill(result) -> None:
            if not any(open_editor is editor for open_editor in self.editors.values()):
                return  # closed before the names arrived
            titles, fields = result
            editor.text.set_names(titles)
            editor.text.set_fields(fields)

        self.read(names, fill)
