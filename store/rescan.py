"""Bringing the index in line with the vault: find what changed, read it (in worker processes
when there is a lot), and apply it in batches.

A file whose size and mtime match what the index saw is not read again, unless its mtime
was so close to the moment it was read that a later edit could hide behind it (the same
"racily clean" rule git uses).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context

from store import collector, worker_pool
from store.display import is_decodable
from store.index import Batch, Changes, Index, Loaded
from store.logseq import Graph
from store.note import parse
from store.program import checked as checked_as_program
from store.vault import Vault, read_note_file

BATCH_SIZE = 1000
PARALLEL_FROM = 300  # below this many files, worker start-up costs more than it saves
RACY_NS = 2_000_000_000  # FAT stores mtimes in 2 s steps

Progress = Callable[[int, int], None]  # (done, total)


def load(root: str, rel: str, known_sha: str | None = None, graph: Graph | None = None) -> Loaded:
    """Read and parse one file; skip the parse when its content is what the index already has.
    `graph`: the vault is a Logseq graph with these settings."""
    read_ns = time.time_ns()
    file = read_note_file(root, rel)
    if known_sha is not None and file.sha256 == known_sha and file.text is not None:
        return Loaded(file, None, unchanged=True, read_ns=read_ns)
    note = checked_as_program(parse(file.text, rel, graph=graph)) if file.text is not None and file.settled else None  # a file mid-write is read again
    return Loaded(file, note, read_ns=read_ns)


def _load_packed(args: tuple[str, str, str | None, Graph | None]) -> Loaded:
    return load(*args)


def plan(index: Index, vault: Vault, skipped: list[tuple[str, str]] | None = None) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(files to read with the hash the index has for them, paths the vault no longer has);
    what the scan could not look at is appended to `skipped` (see `Vault.scan`)."""
    vault.check_present()
    known = index.known_files()
    on_disk = vault.scan(skipped)
    vault.check_present(known_notes=len(known), found_notes=len(on_disk))
    to_read = []
    for path, stat in on_disk.items():
        seen = known.get(path)
        if seen is None:
            to_read.append((path, None))
            continue
        size, mtime_ns, sha, read_ns = seen
        clean = stat.size == size and stat.mtime_ns == mtime_ns and mtime_ns < read_ns - RACY_NS
        if not clean:
            to_read.append((path, sha))
    removed = [path for path in known if path not in on_disk]
    return to_read, removed


def rescan(index: Index, vault: Vault, readers: Readers, progress: Progress | None = None) -> Changes:
    """Make the index equal to a fresh index of the vault, reading only what changed."""
    skipped: list[tuple[str, str]] = []
    index.follow_reading(vault.reading)
    to_read, removed = plan(index, vault, skipped)
    changes = apply_files(index, vault, to_read, removed, readers, progress=progress)
    return replace(changes, scan_problems=True) if index.set_scan_problems(skipped) else changes


def reindex(index: Index, vault: Vault, paths: Iterable[str], readers: Readers) -> Changes:
    """Bring just these vault-relative paths up to date (the watcher knows which files moved)."""
    vault.check_present()
    # A name that is not UTF-8 cannot be a row of the index: only a rescan lists it (as a problem).
    paths = [path for path in dict.fromkeys(paths) if is_decodable(path)]
    known = index.known_files(paths)
    to_read, removed = [], []
    for rel in paths:
        if vault.holds_note(rel):
            seen = known.get(rel)
            to_read.append((rel, seen[2] if seen else None))
        elif rel in known:
            removed.append(rel)
    return apply_files(index, vault, to_read, removed, readers)


def apply_files(index: Index, vault: Vault, to_read, removed, readers: Readers, progress: Progress | None = None) -> Changes:
    """Read `to_read` ((path, known sha) pairs), drop `removed`, apply in batches; report renames."""
    total = len(to_read)
    if progress:
        progress(0, total)
    gone = {sha: path for path, (_size, _mtime, sha, _read) in index.known_files(removed).items()} if removed else {}
    is_new = {path for path, known_sha in to_read if known_sha is None}
    renames: list[tuple[str, str]] = []
    unsettled: list[str] = []
    changes = Changes()
    batch = Batch(removed=list(removed))
    pending = False  # a full batch was written with its link counts left to settle at the end
    if total > BATCH_SIZE:  # written in several transactions: readers in other processes may see part of it
        index.start_building(total)
    with collector.paused():  # parsed notes hold no cycles; collecting them froze the app's window
        for done, item in enumerate(readers.load_all(str(vault.root), to_read, vault.logseq), start=1):
            if not item.file.settled:  # keep what the index had until the writer is done
                unsettled.append(item.file.path)
                continue
            if item.file.path in is_new and item.file.sha256 in gone:
                renames.append((gone.pop(item.file.sha256), item.file.path))
            batch.loaded.append(item)
            if len(batch.loaded) >= BATCH_SIZE:
                changes = changes.merged(index.apply(batch, last=False, building=(done, total)))
                batch, pending = Batch(), True
                if progress:
                    progress(done, total)
        if batch.loaded or batch.removed:
            changes = changes.merged(index.apply(batch))
        elif pending:  # the last full batch left its link counts pending, and "building" said
            index.settle_counts()
    if progress:
        progress(total, total)
    return replace(_with_renames(changes, renames), unsettled=tuple(unsettled))


def _with_renames(changes: Changes, renames: list[tuple[str, str]]) -> Changes:
    """A removed file whose exact content reappears under a new path was renamed."""
    if not renames:
        return changes
    old = {o for o, _n in renames}
    new = {n for _o, n in renames}
    return replace(
        changes,
        added=tuple(p for p in changes.added if p not in new),
        removed=tuple(p for p in changes.removed if p not in old),
        renamed=tuple(renames),
    )


class Readers:
    """Worker processes that read and parse notes, started on first need and kept for the next
    big batch (a burst while watching should not wait for new processes to start)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        self._pool: ProcessPoolExecutor | None = None

    def load_all(self, root: str, to_read, graph: Graph | None = None) -> Iterator[Loaded]:
        jobs = [(root, path, sha, graph) for path, sha in to_read]
        if len(jobs) < PARALLEL_FROM or self.workers <= 1:
            return (load(*job) for job in jobs)
        if self._pool is None:
            self._pool = worker_pool.pool(self.workers, _process_context())
        return self._pool.map(_load_packed, jobs, chunksize=32)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _process_context():
    """fork is fast but unsafe once threads run (the app's Qt and watcher threads); spawn is always safe."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return get_context("fork")
    return get_context("spawn")
