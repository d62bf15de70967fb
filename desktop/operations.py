"""The app's writes, as operations (after Anki's `CollectionOp`): each binds one action of the
person's to one writer method of the `Brain` (capture a note, name an owner, mark a note reviewed,
say where a note lives, import a bundle), runs it off the UI thread through the session's one write
path, and hands back what it wrote.

    operations.set_owner(path, "Dana Ruiz").success(said).failure(failed).run(session)

Nothing here refreshes a view: the watcher indexes what was written, and the session's
`indexUpdated(Changes)` reaches every view that subscribed to it; `wrote` tells those that follow
the writes themselves (the session log).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from store.brain import Brain
from store.bundle_import import Plan
from store.new_note import Draft


class Operation:
    def __init__(self, write: Callable[[Brain], object]):
        self._write = write
        self._on_done: Callable[[object], None] = lambda _result: None
        self._on_failed: Callable[[BaseException], None] | None = None

    def success(self, on_done: Callable[[object], None]) -> "Operation":
        """`on_done(what was written)`, on the UI thread."""
        self._on_done = on_done
        return self

    def failure(self, on_failed: Callable[[BaseException], None]) -> "Operation":
        """`on_failed(exc)`, on the UI thread: every operation says what went wrong, so one must be given."""
        self._on_failed = on_failed
        return self

    def run(self, session) -> None:
        if self._on_failed is None:
            raise TypeError("an operation needs .failure(...) before it runs")
        session.write(self._write, self._on_done, self._on_failed)


def capture(draft: Draft) -> Operation:
    """A new note from `draft`; the path written. `NoteExists` (naming the note) for a name the vault has."""
    return Operation(lambda brain: brain.capture(draft))


def set_owner(path: str, owner: str) -> Operation:
    return Operation(lambda brain: brain.set_owner(path, owner))


def mark_reviewed(path: str) -> Operation:
    return Operation(lambda brain: brain.mark_reviewed(path))


def set_lives_in(path: str, places: Iterable[str]) -> Operation:
    places = tuple(places)
    return Operation(lambda brain: brain.set_lives_in(path, places))


def import_bundle(plan: Plan, conflicts: str) -> Operation:
    """A checked bundle's notes, brought in all or nothing; the `Imported` record."""
    return Operation(lambda brain: brain.import_bundle(plan, conflicts))
