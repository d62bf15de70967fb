"""The small API the app and the command line use: one vault, its index, and the reads on it."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from store import blueprint as blueprints
from store import clock, history, query
from store.bundle import ExportResult, Scope, export_scope, scope_paths
from store.coverage import CoverageReport, Gap, gaps
from store.coverage_facts import CoverageKeeper
from store.errors import IndexBusy, IndexDamaged, IndexStillBuilding, NoteNotFound
from store.index import Changes, Index, connect, primary_code
from store.locations import default_index_path
from store.program_facts import find_program, list_programs, read_context, read_program
from store.resolve import lookup_key
from store.rescan import Progress, Readers, reindex, rescan
from store.simulate import Scenario, Simulation
from store.vault import IGNORE_FILE, Vault

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
        self._coverage = CoverageKeeper()
        self._blueprint: tuple[object, blueprints.Blueprint] | None = None

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
        self._coverage.changed(changes.paths())
        if changes:
            self._history_due = True
            if not self.defer_history:
                self.record_history_if_due()
        return changes

    def record_history_if_due(self) -> None:
        """Store a coverage snapshot if the vault changed and the last one is a minute old."""
        if self._history_due and not self.read_only and time.monotonic() - self._history_taken >= HISTORY_EVERY_SECONDS:
            history.record(self.index.db, self.coverage(), clock.now_utc())
            self._history_taken = time.monotonic()
            self._history_due = False

    def blueprint(self) -> blueprints.Blueprint:
        """The vault's blueprint, read again only when its override file changes."""
        override = self.vault.root / blueprints.OVERRIDE_PATH
        try:
            info = override.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        if self._blueprint is None or self._blueprint[0] != stamp:
            self._blueprint = (stamp, blueprints.load(self.vault.root))
        return self._blueprint[1]

    def coverage(self, today: dt.date | None = None, cached: bool = True) -> CoverageReport:
        """The coverage report. Kept until the index changes; after a change only the notes it
        touched are read and judged again (another process's writes mean a full recompute)."""
        version = self.index.db.execute("PRAGMA data_version").fetchone()[0] if cached else object()
        return self._coverage.report(self.index.db, self.blueprint(), today or clock.today(), version)

    def gaps(self, today: dt.date | None = None) -> tuple[Gap, ...]:
        return gaps(self.coverage(today))

    def programs(self) -> list[tuple[str, str]]:
        """(path, title) of every program note."""
        return list_programs(self.index.db)

    def simulation(self, program: str, today: dt.date | None = None) -> Simulation:
        """A program (by path, name, alias or title) and the context it runs on, ready to run."""
        return open_simulation(self.index.db, self.blueprint(), program, today or clock.today())

    def scenario(self, simulation: Simulation, assume_fixed=(), absent=(), down=()) -> Scenario:
        """A what-if from names as a person types them: notes, people, systems."""

        def key(name: str) -> str:
            try:
                return query.find_note(self.index.db, name)
            except NoteNotFound:
                unwritten = f"unwritten:{lookup_key(name)}"
                if unwritten in simulation.keys:  # a note the program needs that nobody wrote yet
                    return unwritten
                raise

        return Scenario(frozenset(map(key, assume_fixed)), frozenset(map(key, absent)), frozenset(map(key, down)))

    def history(self, since: dt.date | None = None) -> list[history.HistoryPoint]:
        return history.read(self.index.db, since)

    def summary(self) -> query.Summary:
        return query.summary(self.index.db)

    def search(self, text: str, limit: int = 20) -> list[query.Hit]:
        try:
            return query.search(self.index.db, text, limit=limit)
        except sqlite3.DatabaseError as exc:
            if primary_code(exc) != sqlite3.SQLITE_CORRUPT:
                raise
            self.index.mark_damaged(exc)  # too costly to look for on every open: found here, mended on the next
            raise IndexDamaged(self.db_path, str(exc)) from exc

    def note(self, name: str) -> query.NoteDetail:
        return query.note_detail(self.index.db, query.find_note(self.index.db, name))

    def note_path(self, name: str) -> str:
        """The path of the note `name` means (a path, a file name, an alias or a title); NoteNotFound if none."""
        return query.find_note(self.index.db, name)

    def problems(self) -> list[query.ProblemRow]:
        """The notes' problems, after those of the vault's own blueprint (named by its path in the vault)."""
        return self.config_problems() + query.problems(self.index.db)

    def config_problems(self) -> list[query.ProblemRow]:
        """What is wrong with the vault's own files (its ignore rules, its blueprint): listed first, nothing to open."""
        ignore = [query.ProblemRow(IGNORE_FILE, None, self.vault.ignore_problem, is_note=False)] if self.vault.ignore_problem else []
        return ignore + self.blueprint_problems()

    def blueprint_problems(self) -> list[query.ProblemRow]:
        """What is wrong with the vault's own blueprint (`.substrate/blueprint.yaml`); not a note, so nothing to open."""
        return [query.ProblemRow(blueprints.OVERRIDE_PATH, p.line, f"{p.reason}. Substrate uses its default blueprint until you fix or remove this file.", is_note=False)
                for p in self.blueprint().problems]

    def bundle_paths(self, scope: Scope, today: dt.date | None = None) -> list[str]:
        return scope_paths(self.index.db, self.blueprint(), scope, today or clock.today())

    def building(self) -> tuple[int, int] | None:
        """(notes read, notes to read) while a writer (this one, or another process) is part way
        through indexing: the index then holds only part of the vault."""
        return self.index.building()

    def export_bundle(self, scope: Scope, out: Path, allow_secrets: bool = False, exclude=frozenset(), progress=None) -> ExportResult:
        """Write a context bundle of `scope` to `out`; stops (returns the findings) on secrets unless allowed.
        Refused while the index is still being built: part of the vault is not "the whole vault"."""
        if (building := self.building()) is not None:
            raise IndexStillBuilding(*building)
        day = clock.today()
        return export_scope(self.index.db, self.vault.root, self.blueprint(), self.coverage(day), scope, Path(out),
                            day, allow_secrets, set(exclude), progress)

    def close(self) -> None:
        self.readers.close()
        self.index.close()

    def __enter__(self) -> "Brain":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_simulation(db: sqlite_utils.Database, blueprint: blueprints.Blueprint, program: str, today: dt.date) -> Simulation:
    """A program (by path, name, alias or title) and the context it runs on, read through `db`."""
    parsed = read_program(db, find_program(db, program), today)
    return Simulation(parsed, read_context(db, blueprint, parsed, today))
