"""The small API the app and the command line use: one vault, its index, and the reads on it."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from store import query
from store.errors import IndexBusy
from store.index import Changes, Index, connect
from store.locations import default_index_path
from store.rescan import Progress, Readers, reindex, rescan
from store.vault import Vault


class Brain:
    """A vault and the index that mirrors it. Call `refresh` to bring the index up to date."""

    def __init__(self, vault_path, db_path=None, read_only: bool = False):
        self.vault = Vault(vault_path)
        self.db_path = Path(db_path) if db_path else default_index_path(self.vault.real_root)
        self.index = Index(self.db_path, self.vault.real_root, read_only=read_only)
        self.readers = Readers()

    @property
    def read_only(self) -> bool:
        return self.index.read_only

    def reader(self) -> sqlite_utils.Database:
        """A read-only connection of its own, for another thread or process to query while this one writes."""
        return connect(self.db_path, read_only=True)

    @property
    def notices(self) -> list[str]:
        return self.index.notices

    def refresh(self, progress: Progress | None = None, workers: int | None = None) -> Changes:
        if self.read_only:
            raise IndexBusy(self.db_path)
        if workers is None:
            return rescan(self.index, self.vault, self.readers, progress=progress)
        readers = Readers(workers)
        try:
            return rescan(self.index, self.vault, readers, progress=progress)
        finally:
            readers.close()

    def refresh_paths(self, paths) -> Changes:
        """Re-read only these vault-relative paths: added, edited or gone."""
        if self.read_only:
            raise IndexBusy(self.db_path)
        return reindex(self.index, self.vault, paths, self.readers)

    def summary(self) -> query.Summary:
        return query.summary(self.index.db)

    def search(self, text: str, limit: int = 20) -> list[query.Hit]:
        return query.search(self.index.db, text, limit=limit)

    def note(self, name: str) -> query.NoteDetail:
        return query.note_detail(self.index.db, query.find_note(self.index.db, name))

    def problems(self) -> list[query.ProblemRow]:
        return query.problems(self.index.db)

    def close(self) -> None:
        self.readers.close()
        self.index.close()

    def __enter__(self) -> "Brain":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
