"""The SQLite index: schema, opening safely, and applying a batch of read notes in one transaction.

The index is derived from the vault and can always be rebuilt, so a damaged, foreign or
newer-format index file is set aside (renamed, never deleted) and a fresh one is built.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from filelock import FileLock, Timeout
from sqlite_utils import Migrations

from store import clock
from store.errors import IndexBusy, IndexUnavailable
from store.note import ParsedNote
from store.resolve import MEMORY_KINDS, ambiguity_message, choose, lookup_key, markdown_link_keys, note_keys
from store.vault import NoteFile

SCHEMA_VERSION = 7
_IN_CHUNK = 500
DAMAGED_SUFFIX = ".damaged"  # beside the index: a read found it damaged; set it aside on the next open

migrations = Migrations("substrate")


@migrations()
def m001_schema(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["files"].create({"path": str, "size": int, "mtime_ns": int, "sha256": str, "read_ns": int, "indexed": int}, pk="path")
    db["notes"].create(
        {
            "path": str, "title": str, "type": str, "aliases": str, "owner": str, "status": str,
            "reviewed": str, "lives_in": str, "motion": str, "confidence": str, "body": str,
        },
        pk="path",
    )
    db["notes"].create_index(["type"])
    # External-content full text over notes. Rows are added to it by `_insert_notes` in bulk
    # (a per-row insert trigger costs three times as much); deletes follow by trigger.
    db["notes"].enable_fts(["title", "body"], tokenize="porter unicode61 remove_diacritics 2")
    db.execute(_FTS_DELETE_TRIGGER)
    db["names"].create({"key": str, "kind": str, "path": str})
    db["names"].create_index(["key"])
    db["names"].create_index(["path"])
    db["links"].create(
        {
            "id": int, "source": str, "rel": str, "target": str, "target_path": str, "line": int,
            "kind": str, "fragment": str, "label": str, "context": str, "target_key": str, "alt_key": str,
        },
        pk="id",
    )
    for column in ("source", "target_path", "target_key"):
        db["links"].create_index([column])
    db.execute("CREATE INDEX idx_links_alt_key ON links (alt_key) WHERE alt_key IS NOT NULL")
    db["tags"].create({"path": str, "tag": str})
    db["tags"].create_index(["path"])
    db["tags"].create_index(["tag"])
    db["fields"].create({"path": str, "section": str, "key": str, "value": str, "line": int})
    db["fields"].create_index(["path"])
    db["sections"].create({"path": str, "title": str, "level": int, "line": int})
    db["sections"].create_index(["path"])
    db["problems"].create({"id": int, "path": str, "line": int, "message": str, "link_id": int}, pk="id")
    db["problems"].create_index(["path"])
    db["problems"].create_index(["link_id"])


@migrations()
def m002_coverage_history(db: sqlite_utils.Database) -> None:
    """One row a minute at most, while the vault changes: how the substrate compounds."""
    db["coverage_history"].create({"taken_at": str, "overall": float, "notes": int, "counts": str, "areas": str}, pk="taken_at")


@migrations()
def m003_sizes_and_covering_indexes(db: sqlite_utils.Database) -> None:
    """Coverage reads every note's size and every link's ends: keep both cheap to read."""
    db.execute("ALTER TABLE notes ADD COLUMN body_chars INTEGER")
    db.execute("UPDATE notes SET body_chars = length(body)")
    db.execute("DROP INDEX IF EXISTS idx_links_target_path")
    db.execute("DROP INDEX IF EXISTS idx_links_source")
    db.execute("CREATE INDEX idx_links_target_path_source ON links (target_path, source)")
    db.execute("CREATE INDEX idx_links_source_target_path ON links (source, target_path)")
    db.execute("CREATE INDEX idx_links_rel ON links (rel)")
    # Everything coverage reads of a note, so it never pages through the bodies.
    db.execute("CREATE INDEX idx_notes_facts ON notes (path, title, type, motion, reviewed, lives_in, body_chars, owner, status, confidence)")


_DEGREES = (
    "links_in = (SELECT COUNT(DISTINCT source) FROM links WHERE target_path = notes.path AND source != notes.path), "
    "links_out = (SELECT COUNT(*) FROM links WHERE source = notes.path AND (target_path IS NULL OR target_path != notes.path))"
)


@migrations()
def m004_link_counts(db: sqlite_utils.Database) -> None:
    """Each note's links in (from other notes) and out, kept as the links change: coverage reads
    them for every note, and counting 140,000 links each time costs more than the rest.
    `pending_counts` lists notes to count again once a run of batches is written (see `apply`)."""
    db["pending_counts"].create({"path": str}, pk="path")
    db.execute("ALTER TABLE notes ADD COLUMN links_in INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE notes ADD COLUMN links_out INTEGER NOT NULL DEFAULT 0")
    db.execute(f"UPDATE notes SET {_DEGREES}")
    db.execute("DROP INDEX IF EXISTS idx_notes_facts")
    db.execute(
        "CREATE INDEX idx_notes_facts ON notes "
        "(path, title, type, motion, reviewed, lives_in, body_chars, owner, status, confidence, links_in, links_out)"
    )
    # Coverage reads the links of a few relations whole: the index holds all it reads of them.
    db.execute("DROP INDEX IF EXISTS idx_links_rel")
    db.execute("CREATE INDEX idx_links_rel_ends ON links (rel, source, target_path, target)")


@migrations()
def m005_search_as_you_type(db: sqlite_utils.Database) -> None:
    """Full text without stemming, with prefix indexes for one and two letters. Search matches
    the start of words as a person types: a stemmed index finds nothing for "routi" ("routing"
    is stored as "rout"), and a one-letter prefix merged thousands of terms on every keystroke."""
    db.execute("DROP TRIGGER IF EXISTS notes_fts_delete")
    db["notes_fts"].drop()
    db.execute(
        "CREATE VIRTUAL TABLE notes_fts USING fts5 (title, body, content=notes, "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2')"
    )
    db.execute(_FTS_DELETE_TRIGGER)
    db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')")


@migrations()
def m006_program_problems(db: sqlite_utils.Database) -> None:
    """What is wrong with a program (an `after` naming no step, a cycle) is now among its note's
    problems: read every program note again at the next scan, whether it changed or not."""
    db.execute("UPDATE files SET sha256 = '', read_ns = 0 WHERE path IN (SELECT path FROM notes WHERE type = 'program')")


@migrations()
def m007_other_tools_names(db: sqlite_utils.Database) -> None:
    """Notes are read as the tool that wrote them reads them (Logseq page names, basic-memory permalinks,
    Dataview's keys, tags and relation names): read every note again at the next scan."""
    db.execute("UPDATE files SET sha256 = '', read_ns = 0")


_FTS_DELETE_TRIGGER = (
    "CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN "
    "INSERT INTO notes_fts (notes_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body); END"
)


@dataclass(frozen=True)
class Loaded:
    """One file as read from disk: parsed, skipped (note None, file.text None) or unchanged."""

    file: NoteFile
    note: ParsedNote | None
    unchanged: bool = False
    read_ns: int = 0  # wall clock just before reading; an mtime this recent may hide a later edit


@dataclass
class Batch:
    loaded: list[Loaded] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    """What one call changed, so each view can decide what to refresh."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    relinked: int = 0  # links whose resolution changed without their note being read
    unsettled: tuple[str, ...] = ()  # files still being written: left as they were, to read again
    touched: tuple[str, ...] = ()  # other notes whose links in or out changed (re-resolved, or pointed at by the changed)
    scan_problems: bool = False  # the folders and names a scan could not index are not what they were

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.renamed or self.relinked or self.scan_problems)

    def paths(self) -> set[str]:
        """Every note this change may show differently: written, gone, renamed, or with links that moved."""
        paths = {*self.added, *self.changed, *self.removed, *self.touched}
        paths.update(path for pair in self.renamed for path in pair)
        return paths

    def merged(self, other: "Changes") -> "Changes":
        return Changes(
            self.added + other.added, self.changed + other.changed, self.removed + other.removed,
            self.renamed + other.renamed, self.relinked + other.relinked, self.unsettled + other.unsettled,
            self.touched + other.touched, self.scan_problems or other.scan_problems,
        )


def connect(db_path: Path, read_only: bool = False) -> sqlite_utils.Database:
    """A connection of its own; with read_only, one that can never write (for readers beside the writer)."""
    target = f"{Path(db_path).absolute().as_uri()}?mode=ro" if read_only else str(db_path)
    conn = sqlite3.connect(target, uri=read_only, isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.execute("PRAGMA busy_timeout = 5000")
    return sqlite_utils.Database(conn)


class Index:
    """An index file and its one writer. A second writer on the same file is refused
    (`IndexBusy`); with read_only=True it attaches as a reader instead."""

    def __init__(self, db_path, vault_root: Path, read_only: bool = False):
        self.path = Path(db_path)
        self.vault_root = str(vault_root)
        self.read_only = read_only
        self.notices: list[str] = []
        self._lock = None if read_only else self._take_writer_lock()
        try:
            self.db = self._open_reader() if read_only else self._open()
        except BaseException:
            self._release_lock()
            raise

    def close(self) -> None:
        self.db.close()
        self._release_lock()

    def _take_writer_lock(self) -> FileLock:
        self._make_folder()
        lock = FileLock(f"{self.path}.lock", thread_local=False)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            raise IndexBusy(self.path) from None
        except OSError as exc:
            raise IndexUnavailable(self.path, f"its lock file cannot be written ({exc.strerror})") from exc
        return lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _open_reader(self) -> sqlite_utils.Database:
        if not self.path.exists():
            raise IndexUnavailable(self.path, "it has not been built yet")
        try:
            db = connect(self.path, read_only=True)
            db.execute("SELECT 1 FROM notes LIMIT 1")
            return db
        except sqlite3.DatabaseError as exc:
            raise IndexUnavailable(self.path, str(exc)) from exc

    def _make_folder(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            blocking = next((p for p in self.path.parents if p.exists()), None)
            if blocking is not None and not blocking.is_dir():
                raise IndexUnavailable(self.path, f"{blocking} is a file, not a folder") from exc
            raise IndexUnavailable(self.path, f"its folder cannot be created ({exc.strerror})") from exc

    def _open(self) -> sqlite_utils.Database:
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise IndexUnavailable(self.path, "the file is read-only")
        if self.path.is_dir():
            raise IndexUnavailable(self.path, "that is a folder, not a file")
        try:
            db = connect(self.path)
            reason = self._reason_to_set_aside(db)
            if not reason:
                try:
                    self._prepare(db)
                    reason = schema_damage(db)
                except sqlite3.DatabaseError as exc:
                    if not _is_damage(exc):
                        raise
                    reason = f"it is damaged ({exc})"
            if reason:
                db.close()
                self._set_aside(reason)
                db = connect(self.path)
                self._prepare(db)
            return db
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(self.path, str(exc)) from exc

    def _prepare(self, db: sqlite_utils.Database) -> None:
        db.conn.execute("PRAGMA journal_mode = WAL")
        db.conn.execute("PRAGMA synchronous = NORMAL")
        db.conn.execute("PRAGMA cache_size = -65536")  # 64 MB: index B-trees stay in memory while a vault is built
        migrations.apply(db)
        db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db["meta"].upsert_all(
            [{"key": "vault", "value": self.vault_root}, {"key": "schema_version", "value": str(SCHEMA_VERSION)}], pk="key"
        )
        with db.atomic():  # counts an interrupted run of batches left pending
            _settle_counts(db)

    def mark_damaged(self, exc: sqlite3.DatabaseError) -> None:
        """A read found damage the checks on opening cannot afford to look for (a broken full-text
        index: checking it costs seconds): the next open sets the index aside."""
        try:
            Path(f"{self.path}{DAMAGED_SUFFIX}").write_text(str(exc), encoding="utf-8")
        except OSError:
            pass  # the damage is still reported; the index is then set aside by hand

    def _reason_to_set_aside(self, db: sqlite_utils.Database) -> str | None:
        marker = Path(f"{self.path}{DAMAGED_SUFFIX}")
        if marker.exists():
            found = marker.read_text(encoding="utf-8", errors="replace").strip()
            marker.unlink()
            return f"a read found it damaged ({found})"
        try:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                return f"it failed SQLite's integrity check ({check})"
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                return f"it was written by a newer Substrate (schema {version}, this one reads {SCHEMA_VERSION})"
            if "meta" in db.table_names():
                row = db.execute("SELECT value FROM meta WHERE key = 'vault'").fetchone()
                if row and row[0] != self.vault_root:
                    return f"it belongs to another vault ({row[0]})"
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            return f"it is damaged ({exc})"
        return None

    def _set_aside(self, reason: str) -> None:
        stamp = clock.now_local().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.set-aside-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(f"{aside}{suffix}")
        self.notices.append(f"The index at {self.path} was set aside as {aside.name} because {reason}; a fresh index is being built. Your notes are untouched.")

    # --- reading what is there -------------------------------------------------------------

    def follow_reading(self, reading: str) -> bool:
        """Record how the vault's notes are read (`Vault.reading`); when that changed since the last
        scan (the folder became a Logseq graph, its file name format changed), every note is to be
        read again. Returns whether it changed."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'reading'").fetchone()
        if row is not None and row[0] == reading:
            return False
        with self.db.atomic():
            if row is not None or reading != "plain":  # a new index of a plain vault reads everything anyway
                self.db.execute("UPDATE files SET sha256 = '', read_ns = 0")
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('reading', ?)", [reading])
        return True

    def known_files(self, paths=None) -> dict[str, tuple[int, int, str, int]]:
        """path -> (size, mtime_ns, sha256, read_ns) for the given paths, or every file the index has seen."""
        sql = "SELECT path, size, mtime_ns, sha256, read_ns FROM files"
        rows = self.db.execute(sql).fetchall() if paths is None else self._select_in(sql + " WHERE path IN ({})", paths)
        return {path: (size, mtime, sha, read_ns) for path, size, mtime, sha, read_ns in rows}

    # --- writing a batch ------------------------------------------------------------------

    def set_scan_problems(self, found: list[tuple[str, str]]) -> bool:
        """Replace what the last full scan could not index (unreadable folders, names that are not
        UTF-8): problem rows of no file of their own. Returns whether the list changed."""
        sql = "FROM problems WHERE link_id IS NULL AND path NOT IN (SELECT path FROM files)"
        new = sorted(set(found))
        if [tuple(row) for row in self.db.execute(f"SELECT path, message {sql} ORDER BY path, message")] == new:
            return False
        try:
            with self.db.atomic():
                self.db.execute(f"DELETE {sql}")
                self._insert("problems", ("path", "message"), new)
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(self.path, f"writing failed and was rolled back ({exc})") from exc
        return True

    def apply(self, batch: Batch, last: bool = True, building: tuple[int, int] | None = None) -> Changes:
        """Write one batch in one transaction and re-resolve every link it affects. In a run of
        batches, pass last=False but for the final one: link counts are settled once, at the end
        (every batch of a first index touches most notes' counts), and `building` (notes read,
        notes to read) tells readers in other processes how far the run has got."""
        try:
            with self.db.atomic():
                changes = self._apply(batch)
                if building is not None:
                    self._record_building(*building)
                if last:
                    _settle_counts(self.db)
                return changes
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(self.path, f"writing failed and was rolled back ({exc})") from exc

    def settle_counts(self) -> None:
        with self.db.atomic():
            _settle_counts(self.db)

    def start_building(self, total: int) -> None:
        """A run of batches begins: until it ends, readers know the index holds part of the vault."""
        with self.db.atomic():
            self._record_building(0, total)

    def _record_building(self, done: int, total: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('building', ?)", [f"{done}/{total}"])

    def building(self) -> tuple[int, int] | None:
        return building(self.db)

    def _apply(self, batch: Batch) -> Changes:
        restamped = [item for item in batch.loaded if item.unchanged]
        fresh = [item for item in batch.loaded if not item.unchanged]
        fresh_paths = [item.file.path for item in fresh]
        existing = set(self._existing(fresh_paths + batch.removed))
        old_keys = self._keys_of(existing)
        touched = {row[0] for row in self._select_in(
            "SELECT DISTINCT target_path FROM links WHERE target_path IS NOT NULL AND source IN ({})", existing)}
        self._delete(list(existing))
        self._update_stats(restamped)
        notes = [item.note for item in fresh if item.note is not None]
        self._insert_files(fresh)
        self._insert_notes(notes)
        new_keys = {(key, kind, note.path) for note in notes for key, kind in note_keys(note.path, note.aliases, note.names, note.permalink)}
        self._insert("names", ("key", "kind", "path"), new_keys)
        touched |= self._insert_links(notes)
        affected = {key for key, _kind, _path in old_keys ^ new_keys}
        relinked, moved_ends = self._reresolve(affected, skip_sources={n.path for n in notes}) if affected else (0, set())
        touched |= moved_ends
        touched |= {row[0] for row in self._select_in("SELECT DISTINCT source FROM links WHERE target_path IN ({})", fresh_paths)}
        touched.discard(None)
        self.db.conn.executemany("INSERT OR IGNORE INTO pending_counts (path) VALUES (?)", ((p,) for p in touched | {n.path for n in notes}))
        return Changes(
            added=tuple(p for p in fresh_paths if p not in existing),
            changed=tuple(p for p in fresh_paths if p in existing),
            removed=tuple(batch.removed),
            relinked=relinked,
            touched=tuple(touched - set(fresh_paths) - set(batch.removed)),
        )

    def _existing(self, paths: list[str]) -> list[str]:
        return [row[0] for row in self._select_in("SELECT path FROM files WHERE path IN ({})", paths)]

    def _keys_of(self, paths) -> set[tuple[str, str, str]]:
        return {tuple(row) for row in self._select_in("SELECT key, kind, path FROM names WHERE path IN ({})", paths)}

    def _select_in(self, sql: str, values: list) -> list:
        rows = []
        values = list(values)
        for start in range(0, len(values), _IN_CHUNK):
            chunk = values[start : start + _IN_CHUNK]
            rows.extend(self.db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
        return rows

    def _delete(self, paths: list[str]) -> None:
        for start in range(0, len(paths), _IN_CHUNK):
            chunk = paths[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM problems WHERE link_id IN (SELECT id FROM links WHERE source IN ({marks}))", chunk)
            for table, column in (("problems", "path"), ("links", "source"), ("tags", "path"), ("fields", "path"),
                                  ("sections", "path"), ("names", "path"), ("notes", "path"), ("files", "path")):
                self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)

    def _insert(self, table: str, columns: tuple[str, ...], rows) -> None:
        """Bulk insert with one prepared statement: sqlite-utils' insert_all costs more than the write itself here."""
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.db.conn.executemany(sql, rows)

    def _update_stats(self, touched: list[Loaded]) -> None:
        self.db.conn.executemany(
            "UPDATE files SET size = ?, mtime_ns = ?, read_ns = ? WHERE path = ?",
            [(t.file.size, t.file.mtime_ns, t.read_ns, t.file.path) for t in touched],
        )

    def _insert_files(self, fresh: list[Loaded]) -> None:
        self._insert("files", ("path", "size", "mtime_ns", "sha256", "read_ns", "indexed"), (
            (i.file.path, i.file.size, i.file.mtime_ns, i.file.sha256, i.read_ns, int(i.note is not None)) for i in fresh
        ))
        self._insert("problems", ("path", "line", "message"), (
            (i.file.path, line, message) for i in fresh for line, message in i.file.problems
        ))

    def _insert_notes(self, notes: list[ParsedNote]) -> None:
        first = self.db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM notes").fetchone()[0]
        self._insert("notes", ("rowid", "path", "title", "type", "aliases", "owner", "status", "reviewed", "lives_in", "motion", "confidence", "body", "body_chars"), (
            (rowid, n.path, n.title, n.type, json.dumps(list(n.aliases)), n.owner, n.status, n.reviewed,
             json.dumps(list(n.lives_in)), n.motion, n.confidence, n.body, len(n.body))
            for rowid, n in enumerate(notes, start=first)
        ))
        self._insert("notes_fts", ("rowid", "title", "body"), ((rowid, n.title, n.body) for rowid, n in enumerate(notes, start=first)))
        self._insert("tags", ("path", "tag"), ((n.path, t) for n in notes for t in n.tags))
        self._insert("fields", ("path", "section", "key", "value", "line"), (
            (n.path, f.section, f.key, f.value, f.line) for n in notes for f in n.fields
        ))
        self._insert("sections", ("path", "title", "level", "line"), ((n.path, s.title, s.level, s.line) for n in notes for s in n.sections))
        self._insert("problems", ("path", "line", "message"), ((n.path, p.line, p.message) for n in notes for p in n.problems))

    def _insert_links(self, notes: list[ParsedNote]) -> set[str]:
        """Insert the notes' links, resolved; return the notes they point at."""
        pending = []
        for note in notes:
            for link in note.links:
                if link.kind == "markdown":
                    key, alt = markdown_link_keys(link.target, note.path)
                else:
                    key, alt = lookup_key(link.target), None
                pending.append((note.path, link, key, alt))
        matches = self._matches({k for _s, _l, key, alt in pending for k in (key, alt) if k})
        next_id = (self.db.execute("SELECT COALESCE(MAX(id), 0) FROM links").fetchone()[0]) + 1
        rows, problems = [], []
        for link_id, (source, link, key, alt) in enumerate(pending, start=next_id):
            resolution = _resolve(link.kind, key, alt, source, matches)
            rows.append((link_id, source, link.rel, link.target, resolution.target_path, link.line, link.kind,
                         link.fragment, link.label, link.context, key, alt))
            if resolution.ambiguous:
                problems.append((source, link.line, ambiguity_message(link.target, resolution), link_id))
        self._insert("links", ("id", "source", "rel", "target", "target_path", "line", "kind", "fragment", "label", "context", "target_key", "alt_key"), rows)
        self._insert("problems", ("path", "line", "message", "link_id"), problems)
        return {row[4] for row in rows if row[4]}

    def _matches(self, keys: set[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for key, kind, path in self._select_in("SELECT key, kind, path FROM names WHERE key IN ({})", list(keys)):
            found.setdefault(key, []).append((path, kind))
        return found

    def _reresolve(self, affected: set[str], skip_sources: set[str]) -> tuple[int, set[str]]:
        """Links whose target names one of `affected` are resolved again, without reading their notes.
        Returns how many now point elsewhere, and the notes at either end of those."""
        keys = list(affected)
        rows = self._select_in("SELECT id, source, target, kind, target_key, alt_key, target_path, line FROM links WHERE target_key IN ({})", keys)
        rows += self._select_in("SELECT id, source, target, kind, target_key, alt_key, target_path, line FROM links WHERE alt_key IS NOT NULL AND alt_key IN ({})", keys)
        rows = [row for row in {row[0]: row for row in rows}.values() if row[1] not in skip_sources]
        if not rows:
            return 0, set()
        matches = self._matches({k for row in rows for k in (row[4], row[5]) if k})
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            self.db.execute(f"DELETE FROM problems WHERE link_id IN ({','.join('?' * len(chunk))})", chunk)
        moved, problems, ends = [], [], set()
        for link_id, source, target, kind, key, alt, old_path, line in rows:
            resolution = _resolve(kind, key, alt, source, matches)
            if resolution.target_path != old_path:
                moved.append((resolution.target_path, link_id))
                ends.update((source, old_path, resolution.target_path))
            if resolution.ambiguous:
                problems.append((source, line, ambiguity_message(target, resolution), link_id))
        self.db.conn.executemany("UPDATE links SET target_path = ? WHERE id = ?", moved)
        self._insert("problems", ("path", "line", "message", "link_id"), problems)
        return len(moved), ends


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Damage to the file (corrupt pages, a table or column gone), not a passing state of the
    disk or of another process (busy, locked, full, read-only, cannot open)."""
    return primary_code(exc) in _DAMAGE


def primary_code(exc: sqlite3.DatabaseError) -> int:
    """SQLite's primary result code (SQLITE_CORRUPT for SQLITE_CORRUPT_VTAB, a damaged full-text index)."""
    return getattr(exc, "sqlite_errorcode", -1) & 0xFF


_DAMAGE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_ERROR, sqlite3.SQLITE_SCHEMA, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE}


@functools.cache
def expected_schema() -> dict[str, frozenset[str]]:
    """Every table, index and trigger a current index holds; tables with their columns."""
    db = sqlite_utils.Database(memory=True)
    migrations.apply(db)
    schema = _schema_of(db)
    db.close()
    return schema


def _schema_of(db: sqlite_utils.Database) -> dict[str, frozenset[str]]:
    schema = {}
    for kind, name in db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
        columns = () if kind != "table" else (row[1] for row in db.execute(f"PRAGMA table_info([{name}])"))
        schema[f"{kind} {name}"] = frozenset(columns)
    return schema


def schema_damage(db: sqlite_utils.Database) -> str | None:
    """What a current index must hold and this one lacks: a table, a column, an index, the trigger
    that keeps full text in step. A millisecond; run on every open."""
    have = _schema_of(db)
    for name, columns in expected_schema().items():
        if name not in have:
            return f"its schema is damaged ({name} is missing)"
        if missing := sorted(columns - have[name]):
            return f"its schema is damaged ({name.split()[1]} lacks {', '.join(missing)})"
    return None


def building(db) -> tuple[int, int] | None:
    """(notes read, notes to read) while a writer is part way through a run of batches, else None."""
    row = db.execute("SELECT value FROM meta WHERE key = 'building'").fetchone()
    if row is None:
        return None
    done, _, total = row[0].partition("/")
    return int(done), int(total)


def _settle_counts(db: sqlite_utils.Database) -> None:
    """The end of a run of batches (or of one interrupted, on opening): count links, stop saying "building"."""
    db.execute(f"UPDATE notes SET {_DEGREES} WHERE path IN (SELECT path FROM pending_counts)")
    db.execute("DELETE FROM pending_counts")
    db.execute("DELETE FROM meta WHERE key = 'building'")


def _resolve(kind: str, key: str | None, alt: str | None, source: str, matches: dict):
    if kind == "markdown":
        for candidate in (key, alt):
            if candidate and any(k == "path" for _p, k in matches.get(candidate, ())):
                return choose(matches[candidate], source, kinds=("path",))
        return choose((), source)
    if kind == "memory":
        return choose(matches.get(key, ()), source, kinds=MEMORY_KINDS)
    return choose(matches.get(key, ()), source)
