"""Reads for the app and the command line. Each takes a sqlite-utils Database and returns plain data."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import NamedTuple

import sqlite_utils

from store import words
from store.errors import NoteNotFound
from store.render import plain_text
from store.resolve import choose, lookup_key

HIGHLIGHT = ("\u00ab", "\u00bb")  # « » : plain text that survives JSON and terminals alike


@dataclass(frozen=True)
class Summary:
    notes: int
    links: int
    unresolved: int
    problems: int
    skipped: int


@dataclass(frozen=True)
class Hit:
    path: str
    title: str
    type: str
    snippet: str
    score: float


@dataclass(frozen=True)
class LinkRow:
    rel: str
    target: str
    target_path: str | None
    source: str
    source_title: str
    line: int
    label: str
    context: str


@dataclass(frozen=True)
class FieldRow:
    key: str
    value: str
    section: str | None
    line: int


@dataclass(frozen=True)
class ProblemRow:
    path: str
    line: int | None
    message: str
    is_note: bool = True  # False: a file or folder that could not be read at all (nothing to open)


@dataclass(frozen=True)
class NoteDetail:
    path: str
    title: str
    type: str
    aliases: list[str]
    owner: str | None
    status: str | None
    reviewed: str | None
    lives_in: list[str]
    motion: str | None
    confidence: str | None
    tags: list[str]
    fields: list[FieldRow]
    links_out: list[LinkRow]
    links_in: list[LinkRow]
    problems: list[ProblemRow]


class NoteRow(NamedTuple):
    """One note as a list shows it. A tuple of strings, which the garbage collector stops
    tracking: the app holds 10,000 of them and replaces them on every change."""

    path: str
    title: str
    type: str | None
    folder: str  # "" for the vault's top folder
    motion: str | None
    reviewed: str | None
    owner: str | None
    problems: int


@dataclass(frozen=True)
class Group:
    kind: str  # "type" or "folder"
    key: str  # the type ("" for notes without one) or the folder ("" for the top folder)
    count: int


def note_list(db: sqlite_utils.Database) -> list[NoteRow]:
    """Every note, by title."""
    problems = dict(db.execute("SELECT path, COUNT(*) FROM problems GROUP BY path").fetchall())
    rows = db.execute("SELECT path, title, type, motion, reviewed, owner FROM notes ORDER BY title COLLATE NOCASE, path")
    return [
        NoteRow(path, title, type_, path.rpartition("/")[0], motion, reviewed, owner, problems.get(path, 0))
        for path, title, type_, motion, reviewed, owner in rows
    ]


def groups(db: sqlite_utils.Database) -> list[Group]:
    """Notes per type and per folder, for browsing."""
    types = [Group("type", type_ or "", n) for type_, n in db.execute("SELECT type, COUNT(*) FROM notes GROUP BY type ORDER BY type")]
    folders: dict[str, int] = {}
    for (path,) in db.execute("SELECT path FROM notes"):
        folder = path.rpartition("/")[0]
        folders[folder] = folders.get(folder, 0) + 1
    return types + [Group("folder", folder, n) for folder, n in sorted(folders.items())]


def summary(db: sqlite_utils.Database) -> Summary:
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return Summary(
        notes=one("SELECT COUNT(*) FROM notes"),
        links=one("SELECT COUNT(*) FROM links"),
        unresolved=one("SELECT COUNT(*) FROM links WHERE target_path IS NULL"),
        problems=one("SELECT COUNT(*) FROM problems"),
        skipped=one("SELECT COUNT(*) FROM files WHERE indexed = 0"),
    )


def fts_query(text: str) -> str | None:
    """What a person types, as an FTS5 query: every word must begin a word of the note."""
    words = list(dict.fromkeys(word.lower() for word in re.findall(r"\w+", text)))
    if not words:
        return None
    kept = [word for word in words if not any(other != word and other.startswith(word) for other in words)]
    return " ".join(f'"{word}"*' for word in kept)  # "lea lead" needs only "lead"*


def search(db: sqlite_utils.Database, text: str, limit: int = 20, highlight=HIGHLIGHT, label=words.label_of) -> list[Hit]:
    """The best matches for `text`, each with a snippet in plain words (relations read as `label` names them)."""
    query = fts_query(text)
    if query is None:
        return []
    # Ranking through FTS5's own `rank` lets it sort inside the module and make snippets for the
    # page of results only (a snippet re-reads and re-tokenises the note).
    rows = db.execute(
        """
        SELECT n.path, n.title, n.type, top.snippet, top.score FROM (
            SELECT rowid, rank AS score, snippet(notes_fts, -1, :start, :end, '\u2026', 14) AS snippet
            FROM notes_fts WHERE notes_fts MATCH :query AND rank MATCH 'bm25(10.0, 1.0)'
            ORDER BY rank LIMIT :limit
        ) AS top
        JOIN notes n ON n.rowid = top.rowid
        ORDER BY top.score, n.path
        """,
        {"query": query, "limit": limit, "start": highlight[0], "end": highlight[1]},
    )
    hits = [Hit(path, title, type_, plain_text(snippet, label, "".join(highlight)), score) for path, title, type_, snippet, score in rows]
    if not hits:
        _check_full_text(db)  # "no notes match" must never be a damaged full-text index talking
    return hits


def _check_full_text(db: sqlite_utils.Database) -> None:
    """sqlite3.DatabaseError (SQLITE_CORRUPT) unless the full-text index holds one row per note. Damage
    to its pages can leave it answering every search with nothing and no error; its own count, in the
    averages record (rowid 1), says so in microseconds (FTS5's integrity check takes seconds)."""
    row = db.execute("SELECT block FROM notes_fts_data WHERE id = 1").fetchone()
    indexed = _varint(row[0]) if row and row[0] else 0
    notes = db.execute("SELECT count(*) FROM notes").fetchone()[0]
    if indexed != notes:
        damage = sqlite3.DatabaseError(f"the full-text index holds {indexed:,} of {words.counted(notes, 'note')}")
        damage.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
        raise damage


def _varint(data: bytes) -> int:
    """SQLite's variable-length integer (big-endian, 7 bits a byte; a ninth byte gives all 8)."""
    value = 0
    for position, byte in enumerate(data[:9]):
        if position == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return value


def find_note(db: sqlite_utils.Database, name: str) -> str:
    """The path of the note a person means by `name`: a path, a file name, an alias or a title."""
    name = name.strip()
    for candidate in (name, f"{name}.md"):
        row = db.execute("SELECT path FROM notes WHERE path = ?", [candidate]).fetchone()
        if row:
            return row[0]
    matches = db.execute("SELECT path, kind FROM names WHERE key = ?", [lookup_key(name)]).fetchall()
    resolution = choose(matches, "")
    if resolution.target_path:
        return resolution.target_path
    row = db.execute("SELECT path FROM notes WHERE title = ? COLLATE NOCASE ORDER BY length(path) LIMIT 1", [name]).fetchone()
    if row:
        return row[0]
    raise NoteNotFound(name)


def note_detail(db: sqlite_utils.Database, path: str) -> NoteDetail:
    row = db.execute(
        "SELECT path, title, type, aliases, owner, status, reviewed, lives_in, motion, confidence FROM notes WHERE path = ?", [path]
    ).fetchone()
    if row is None:
        raise NoteNotFound(path)
    path, title, type_, aliases, owner, status, reviewed, lives_in, motion, confidence = row
    return NoteDetail(
        path=path, title=title, type=type_, aliases=json.loads(aliases or "[]"), owner=owner, status=status,
        reviewed=reviewed, lives_in=json.loads(lives_in or "[]"), motion=motion, confidence=confidence,
        tags=[t for (t,) in db.execute("SELECT DISTINCT tag FROM tags WHERE path = ? ORDER BY tag", [path])],
        fields=[FieldRow(*r) for r in db.execute("SELECT key, value, section, line FROM fields WHERE path = ? ORDER BY line", [path])],
        links_out=_links(db, "l.source = ?", path),
        links_in=_links(db, "l.target_path = ?", path),
        problems=problems(db, path),
    )


def note_body(db: sqlite_utils.Database, path: str) -> str:
    """The note's text below its front matter, as indexed."""
    row = db.execute("SELECT body FROM notes WHERE path = ?", [path]).fetchone()
    if row is None:
        raise NoteNotFound(path)
    return row[0] or ""


def _links(db, where: str, path: str) -> list[LinkRow]:
    rows = db.execute(
        f"""
        SELECT l.rel, l.target, l.target_path, l.source, COALESCE(n.title, l.source), l.line, l.label, l.context
        FROM links l LEFT JOIN notes n ON n.path = l.source
        WHERE {where} ORDER BY l.rel, l.source, l.line
        """,
        [path],
    )
    return [LinkRow(*r) for r in rows]


def problems(db: sqlite_utils.Database, path: str | None = None) -> list[ProblemRow]:
    where, params = ("WHERE p.path = ?", [path]) if path else ("", [])
    rows = db.execute(f"SELECT p.path, p.line, p.message, n.path IS NOT NULL FROM problems p LEFT JOIN notes n ON n.path = p.path "
                      f"{where} ORDER BY p.path, p.line IS NULL, p.line, p.id", params)
    return [ProblemRow(path, line, message, bool(is_note)) for path, line, message, is_note in rows]


def titles_of_types(db: sqlite_utils.Database, types: tuple[str, ...]) -> list[str]:
    """The titles of the notes of these types (people and teams, offered as owners)."""
    marks = ", ".join("?" * len(types))
    return [title for (title,) in db.execute(f"SELECT title FROM notes WHERE type IN ({marks})", list(types))]


def note_names(db: sqlite_utils.Database) -> list[str]:
    """Every title and alias in the vault, as `[[` completion offers them."""
    found = [title for (title,) in db.execute("SELECT title FROM notes")]
    for (aliases,) in db.execute("SELECT aliases FROM notes WHERE aliases IS NOT NULL AND aliases != '[]'"):
        found += json.loads(aliases)
    return found


def shared_programs(db: sqlite_utils.Database) -> set[str]:
    """The paths of programs that run B2B and B2C at once."""
    return {path for (path,) in db.execute("SELECT path FROM notes WHERE type = 'program' AND motion = 'shared'")}


def scope_choices(db: sqlite_utils.Database) -> dict[str, list[tuple[str, str]]]:
    """What each kind of bundle scope can be, as (value, label); programs are added by the caller."""
    column = lambda sql: [(v, v) for (v,) in db.execute(sql) if v]  # noqa: E731
    return {
        "type": column("SELECT DISTINCT type FROM notes ORDER BY type"),
        "motion": column("SELECT DISTINCT motion FROM notes ORDER BY motion"),
        "tag": column("SELECT DISTINCT tag FROM tags ORDER BY tag"),
        "note": [(path, title) for path, title in db.execute("SELECT path, title FROM notes ORDER BY title COLLATE NOCASE")],
    }


def has_note(db: sqlite_utils.Database, path: str) -> bool:
    return db.execute("SELECT 1 FROM notes WHERE path = ?", [path]).fetchone() is not None


def front_page(db: sqlite_utils.Database) -> str | None:
    """A vault's own front page, if it has one (`Start Here`, `Home`, `README`, `index`)."""
    for name in ("start here", "home", "readme", "index"):
        row = db.execute("SELECT path FROM names WHERE key = ? ORDER BY length(path) LIMIT 1", [name]).fetchone()
        if row:
            return row[0]
    return None


class NoteFacts(NamedTuple):
    """What an agent is told about a note beside its coverage."""

    title: str
    type: str | None
    owner: str | None
    reviewed: str | None
    lives_in: tuple[str, ...]
    motion: str | None


def note_facts(db: sqlite_utils.Database, paths: list[str]) -> dict[str, NoteFacts]:
    found = {}
    for start in range(0, len(paths), 500):  # SQLite takes a bounded number of parameters
        chunk = paths[start:start + 500]
        rows = db.execute(f"SELECT path, title, type, owner, reviewed, lives_in, motion FROM notes WHERE path IN ({','.join('?' * len(chunk))})", chunk)
        for path, title, type_, owner, reviewed, lives_in, motion in rows:
            found[path] = NoteFacts(title, type_, owner, reviewed, tuple(json.loads(lives_in or "[]")), motion)
    return found


class Neighbour(NamedTuple):
    path: str
    distance: int
    origin: str  # the note it was reached from
    rel: str
    direction: str  # "out": origin links to it; "in": it links to origin


def neighbours(db: sqlite_utils.Database, start: str, depth: int) -> list[Neighbour]:
    """The notes linked to or from `start`, nearest first, each reached once, to `depth` links."""
    seen, frontier, found = {start}, {start}, []
    for distance in range(1, depth + 1):
        marks = ",".join("?" * len(frontier))
        rows = db.execute(
            f"SELECT source, rel, target_path, 'out' FROM links WHERE source IN ({marks}) AND target_path IS NOT NULL "
            f"UNION ALL SELECT target_path, rel, source, 'in' FROM links WHERE target_path IN ({marks})", [*frontier, *frontier]
        ).fetchall()
        frontier = set()
        for origin, rel, reached, way in rows:
            if reached not in seen:
                seen.add(reached)
                frontier.add(reached)
                found.append(Neighbour(reached, distance, origin, rel, way))
        if not frontier:
            break
    return found


def is_unwritten(db: sqlite_utils.Database, key: str) -> bool:
    """Whether some note links to `key` (a lookup key) and no note answers to it."""
    return db.execute("SELECT 1 FROM links WHERE target_key = ? AND target_path IS NULL LIMIT 1", [key]).fetchone() is not None


def resources(db: sqlite_utils.Database) -> list[tuple[str, str, str | None, str | None, tuple[str, ...]]]:
    """(path, title, type, reviewed, lives_in) of every note, by path: what an agent's resource list shows."""
    return [(path, title, type_, reviewed, tuple(json.loads(lives_in or "[]")))
            for path, title, type_, reviewed, lives_in in db.execute("SELECT path, title, type, reviewed, lives_in FROM notes ORDER BY path")]
