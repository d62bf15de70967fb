"""The in-app editor windows of one vault, one per note (asking again brings it forward). They follow
the session: a note changed on disk is offered to its editor again, and completion offers the
vault's titles and the blueprint's fields, read through the reader."""

from __future__ import annotations

from collections.abc import Callable

from desktop.views.editor import NoteEditor


class Editors(dict):
    """Open editor windows by the path of the note each edits now."""

    def __init__(self, window, on_saved: Callable[[str], None]):
        super().__init__()
        self.window = window
        self.on_saved = on_saved

    def follow(self, session) -> None:
        self.clear()  # editors of the last vault stay open, on their own
        session.indexUpdated.connect(self._indexed)

    def _indexed(self, changes) -> None:
        paths = changes.paths()
        for path, editor in list(self.items()):
            if path in paths or path in changes.removed:
                editor.disk_changed()

    def open(self, path: str) -> NoteEditor | None:
        window = self.window
        editor = self.get(path)
        if editor is None:
            try:
                editor = NoteEditor(window.vault, path, window, dark=window.palette().window().color().lightness() < 128)
            except OSError as exc:
                window.show_error(exc, f"opening {path}")
                return None
            self[path] = editor
            editor.destroyed.connect(lambda *_args, editor=editor: self._forget(editor))
            editor.saved.connect(lambda saved, editor=editor: self._saved(editor, saved))
            self._fill_completions(editor)
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def close_all(self) -> bool:
        """Each asks about unsaved changes; False when one was kept open (the person said Cancel)."""
        return all(editor.close() for editor in list(self.values()))

    def _saved(self, editor: NoteEditor, path: str) -> None:
        self._forget(editor)  # "keep both" moves an editor to a new note: keyed by where it is now
        self[path] = editor
        self.on_saved(path)

    def _forget(self, editor: NoteEditor) -> None:
        for path in [path for path, open_editor in self.items() if open_editor is editor]:
            del self[path]

    def _fill_completions(self, editor: NoteEditor) -> None:
        def names(reader):
            return reader.note_names(), [slot.name for spec in reader.blueprint().types.values() for slot in spec.slots]

        def fill(result) -> None:
            if not any(open_editor is editor for open_editor in self.values()):
                return  # closed before the names arrived
            titles, fields = result
            editor.text.set_names(titles)
            editor.text.set_fields(fields)

        self.window.read(names, fill)
