"""Writing from the window: quick capture (Ctrl+N), writing a gap nobody wrote (from the map or the
run), fill-the-gap fixes (an owner, a fresh review) and the audit's answers. Each write is an
operation (`desktop.operations`) run through the session; what it wrote reaches the views through
the session's `indexUpdated`, which this side follows only to open a note it captured once it is
indexed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QPoint, QRect
from PySide6.QtWidgets import QInputDialog

from desktop import operations
from desktop.views.audit import AuditDialog
from desktop.views.capture import CaptureDialog
from store.coverage import UNTYPED
from store.errors import SubstrateError
from store.new_note import MOTIONS, Draft, NoteExists


class Writing(QObject):
    """The window's writing side; `window` gives the session, the note list, the map and the message bar."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.capture_dialog: CaptureDialog | None = None
        self.audit_dialog: AuditDialog | None = None
        self._open_when_indexed: str | None = None

    def follow(self, session) -> None:
        session.indexUpdated.connect(self._indexed)

    def _indexed(self, changes) -> None:
        if self._open_when_indexed in changes.paths():  # a note just captured, away from the map
            self.window.navigate(self._open_when_indexed)
            self._open_when_indexed = None

    def _people(self) -> list[str]:
        return sorted((row.title for row in self.window.notes.rows() if row.type in ("person", "team")), key=str.casefold)

    def _run(self, operation: operations.Operation) -> None:
        self.window.write(operation)

    # --- capture -------------------------------------------------------------------------------

    def write_note(self, title: str, why: str = "", kind: str = "") -> CaptureDialog | None:
        """A gap nobody has written (from the map or the run): capture it, starting from its title, the type
        the brain expects (`kind`, else the map's word for it) and why it is needed. A note of that name
        that exists is opened instead."""
        existing = next((row.path for row in self.window.notes.rows() if row.title.casefold() == title.casefold()), None)
        if existing:
            self.window.open_from_map(existing)
            return None
        report = self.window.map_and_run.map.report
        unknown = next((n for n in (report.known_unknowns if report else ()) if n.title.casefold() == title.casefold()), None)
        kind = kind or (unknown.type if unknown else "")
        motion = unknown.motion if unknown and unknown.motion in MOTIONS else ""
        return self.capture_note(Draft(title=title, type=kind if kind != UNTYPED else None, motion=motion, text=why))

    def capture_note(self, draft: Draft | None = None) -> CaptureDialog | None:
        """Quick capture (Ctrl+N): the dialog stays beside the map while the room answers."""
        reader = self.window.session.reader if self.window.session else None
        if reader is None:
            return None
        blueprint = reader.blueprint()  # kept by the reader: read again only when its file changes
        if self.capture_dialog is None or self.capture_dialog.blueprint is not blueprint:
            if self.capture_dialog is not None:
                self.capture_dialog.deleteLater()
            self.capture_dialog = CaptureDialog(blueprint, self.window)
            self.capture_dialog.captured.connect(self.save_capture)
        dialog = self.capture_dialog
        report = self.window.map_and_run.map.report
        dialog.set_known_unknowns({n.title.casefold(): (n.type, n.motion) for n in (report.known_unknowns if report else ())})
        dialog.prefill(draft or Draft(""))
        self.window.read(lambda reader: reader.people(), dialog.set_people)
        dialog.show()
        if self.window.workshop.active and self.window.pages.currentWidget() is self.window.map_and_run:
            self._over_fix_first(dialog)
        dialog.raise_()
        return dialog

    def _over_fix_first(self, dialog: CaptureDialog) -> None:
        """In a workshop the room watches the map and the run while someone captures: the dialog sits at
        the right edge over the Fix-first list (taller only if it must), never over the map or the timeline."""
        run = self.window.map_and_run.run
        frame = dialog.frameGeometry().size() - dialog.size()  # a window manager's title bar and borders, once known
        hint = dialog.minimumSizeHint() + frame
        run.make_room_below(hint.height())
        area = QRect(run.tabs.mapToGlobal(QPoint(0, 0)), run.tabs.size())
        screen = self.window.screen().availableGeometry()
        # on a small projector the large type may not fit beside the map: then it slides left, whole on the screen
        width = min(max(area.width(), hint.width()), screen.width())
        height = min(max(area.height(), hint.height()), screen.height())
        dialog.resize(width - frame.width(), height - frame.height())
        dialog.move(max(screen.left(), min(area.left(), screen.right() + 1 - width)),
                    max(screen.top(), min(area.bottom(), screen.bottom()) + 1 - height))

    def save_capture(self, draft: Draft, keep_open: bool = False) -> None:
        """The capture dialog's answer: written, then the dialog cleared for the next or closed."""
        dialog = self.capture_dialog

        def written(path: str) -> None:
            dialog.done_capture(path, keep_open)
            if self.window.pages.currentWidget() is not self.window.map_and_run:  # in a workshop the map stays on screen
                self._open_when_indexed = path
                if self.window.notes.row_of(path) is not None:
                    self._open_when_indexed = None
                    self.window.navigate(path)

        self.write_capture(draft, written, dialog.show_problem)

    def write_capture(self, draft: Draft, on_written, on_problem) -> None:
        """Write a captured note (capture never waits for indexing); the watcher brings it to the map and
        the lists. A name another note answers to is refused with that note's path, and that note is
        opened, to be edited instead."""

        def written(path: str) -> None:
            self.window.message_bar.show_message(f"Captured {path}. Fill in the rest with File ▸ Edit Note (Ctrl+E).", "info")
            on_written(path)

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, SubstrateError):
                self.window.show_error(exc, "reading the index")
                return
            on_problem(str(exc))
            if isinstance(exc, NoteExists):
                self.window.open_from_map(exc.path)

        self._run(operations.capture(draft).success(written).failure(refused))

    # --- fixing a gap --------------------------------------------------------------------------

    def fix_gap(self, what: str, path: str | None) -> None:
        """Fill a gap in one action: edit the note, give it an owner, or confirm it is still true today."""
        if not path or self.window.session is None:
            return
        if what == "edit":
            self.window.edit_note(path)
            return
        title = Path(path).stem
        if what == "owner":
            owner, chosen = self.ask_owner(title, self._people())
            if not chosen or not owner.strip():
                return
            operation, done_words = operations.set_owner(path, owner), f"{title} is owned by {owner.strip()} now."
        else:
            operation, done_words = operations.mark_reviewed(path), f"{title} was reviewed today."
        self._run(operation.success(lambda _path: self.window.message_bar.show_message(done_words, "info"))
                  .failure(lambda exc: self.window.show_error(exc, f"changing {title}")))

    def ask_owner(self, title: str, people: list[str]) -> tuple[str, bool]:
        """Who owns it: a person or team the brain knows, or a new name (tests answer in place of the person)."""
        return QInputDialog.getItem(self.window, "Set Owner", f"Who owns {title}?", people, 0, True)

    # --- the audit -----------------------------------------------------------------------------

    def audit(self) -> AuditDialog | None:
        """The workshop's questions, area by area (Ctrl+Shift+A); each answer is written as it is given."""
        session = self.window.session
        if session is None or session.reader is None or self.window.map_and_run.map.report is None:
            self.window.message_bar.show_message(
                "The audit starts once the coverage map has been read: open the map first (Ctrl+Shift+M).", "notice")
            return None
        if self.audit_dialog is not None:
            self.audit_dialog.deleteLater()
        reader = session.reader  # the questions of the map on screen: no read of the index here
        dialog = self.audit_dialog = AuditDialog(reader.audit_prompts(self.window.map_and_run.map.report), reader.blueprint(), self.window)
        dialog.answered.connect(self._audit_answered)
        dialog.set_people(self._people())
        dialog.show()
        return dialog

    def _audit_answered(self, prompt, answer) -> None:
        title = prompt.title or prompt.question

        def said(words: str):
            return lambda _result: self.window.message_bar.show_message(words, "info")

        failed = lambda exc: self.window.show_error(exc, f"writing the answer about {title}")  # noqa: E731
        if isinstance(answer, Draft):
            self.write_capture(answer, lambda _path: None, lambda problem: self.window.message_bar.show_message(problem, "notice"))
        elif prompt.kind == "owner":
            self._run(operations.set_owner(prompt.path, answer).success(said(f"{title} is owned by {answer} now.")).failure(failed))
        elif prompt.kind == "lives":
            self._run(operations.set_lives_in(prompt.path, answer).success(said(f"{title} lives in {', '.join(answer)}.")).failure(failed))
        elif answer == "reviewed":
            self.fix_gap("reviewed", prompt.path)
        elif answer == "edit":
            self.window.edit_note(prompt.path)
