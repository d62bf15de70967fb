"""One vault, its index and its one writer: the command line, the MCP server and the app open a `Brain`,
refresh or watch it, and read it through `brain.read` (a `BrainReader`), the one way to read the brain."""

from __future__ import annotations

import time
from pathlib import Path

from store import clock, history, note_edit
from store.bundle_import import Imported, Plan
from store.bundle_import import apply as apply_plan
from store.errors import IndexBusy
from store.index import Changes, Index
from store.locations import default_index_path
from store.new_note import Draft, capture
from store.reader import BrainReader
from store.rescan import Progress, Readers, reindex, rescan
from store.vault import Vault

HISTORY_EVERY_SECONDS = 60


class Brain:
    """A vault and the index that mirrors it. Call `refresh` to bring the index up to date."""

    def __init__(self, vault_path, db_path=None, read_only: bool = False):
        self.vault = Vault(vault_path)
        clock.follow_vault(self.vault.root)  # the sample brain stands at its tour's day; other vaults at today
        self.db_path = Path(db_path) if db_path else default_index_path(self.vault.real_root)
        self.index = Index(self.db_path, self.vault.real_root, read_only=read_only)
        self.readers = Readers()
        self._history_due = False
        self._history_taken = float("-inf")
        self.defer_history = False  # the watcher records history when idle, not in the middle of a burst
        # Every read goes through this one reader, which the writer here tells what each commit changed.
        self.read = BrainReader(self.vault, self.db_path, follows_writer=not read_only, on_damaged=self.index.mark_damaged)

    @property
    def read_only(self) -> bool:
        return self.index.read_only

    @property
    def notices(self) -> list[str]:
        return self.index.notices

    def refresh(self, progress: Progress | None = None, workers: int | None = None) -> Changes:
        if self.read_only:
            raise IndexBusy(self.db_path)
        if workers is None:
            return self._changed(rescan(self.index, self.vault, self.readers, progress=progress))
        readers = Readers(workers)
        try:
            return self._changed(rescan(self.index, self.vault, readers, progress=progress))
        finally:
            readers.close()

    def refresh_paths(self, paths) -> Changes:
        """Re-read only these vault-relative paths: added, edited or gone."""
        if self.read_only:
            raise IndexBusy(self.db_path)
        return self._changed(reindex(self.index, self.vault, paths, self.readers))

    def _changed(self, changes: Changes) -> Changes:
        self.read.changed(changes.paths())
        if changes:
            self._history_due = True
            if not self.defer_history:
                self.record_history_if_due()
        return changes

    def record_history_if_due(self) -> None:
        """Store a coverage snapshot if the vault changed and the last one is a minute old."""
        if self._history_due and not self.read_only and time.monotonic() - self._history_taken >= HISTORY_EVERY_SECONDS:
            history.record(self.index.db, self.read.coverage(), clock.now_utc())
            self._history_taken = time.monotonic()
            self._history_due = False

    # --- the writes: each writes notes on disk (safely, listed in the activity log) and returns the
    # paths it wrote; the watcher, or the next refresh, indexes them and says what changed.

    def capture(self, draft: Draft, by: str = "app") -> str:
        """Write a new note from `draft` (never over one: a name another note answers to is refused); the
        watcher, or the next refresh, indexes it. Returns its path."""
        return capture(self.vault.root, self.read.db(), self.read.blueprint(), draft, by=by)

    def set_owner(self, path: str, owner: str, by: str = "app") -> str:
        """Name the owner of the note at `path` (a person or team, linked); returns the path."""
        note_edit.set_owner(self.vault.root, path, owner, by=by)
        return path

    def mark_reviewed(self, path: str, by: str = "app") -> str:
        """Confirm the note at `path` is still true: its review date becomes today; returns the path."""
        note_edit.mark_reviewed(self.vault.root, path, clock.today(), by=by)
        return path

    def edit_property(self, path: str, key: str, value: str, by: str = "app") -> str:
        """Set one property of the note at `path` (`lives_in`, `status`…) as written; returns the path."""
        note_edit.edit_property(self.vault.root, path, key, value, by=by)
        return path

    def set_lives_in(self, path: str, places, by: str = "app") -> str:
        """Where the note's knowledge lives today (`note`, `slack`, `head`…); returns the path."""
        places = list(places)
        return self.edit_property(path, "lives_in", places[0] if len(places) == 1 else f"[{', '.join(places)}]", by=by)

    def import_bundle(self, plan: Plan, conflicts: str = "beside") -> Imported:
        """Bring a checked bundle's notes in, all or nothing, never over a note (`bundle_import.apply`)."""
        return apply_plan(plan, self.vault.root, conflicts)

    def close(self) -> None:
        self.read.close()
        self.readers.close()
        self.index.close()

    def __enter__(self) -> "Brain":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

