"""Reading, from the index, the plain facts that `coverage.compute` needs: only the fields and
links that some slot of the blueprint asks about, so a 10,000-note vault reads in milliseconds."""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict

import sqlite_utils

from store.blueprint import Blueprint
from store.coverage import Facts, LinkFact, NoteFacts, UnknownFacts
from store.note import normalise_relation

# Keys kept as columns of `notes` that also fill a slot of the same name.
_META_SLOTS = ("owner", "status", "motion", "confidence")
# Values that say a slot is empty: `owner:: unknown` is a known gap, not an owner.
PLACEHOLDERS = ("", "unknown", "tbd", "todo", "?", "??", "n/a", "na", "none", "nobody", "-")


def read_facts(db: sqlite_utils.Database, blueprint: Blueprint) -> Facts:
    slots = {slot.name for spec in blueprint.types.values() for slot in spec.slots} | {"owner", "from", "to"}
    inverse_of = {blueprint.inverse(name): name for name in slots if blueprint.inverse(name)}
    rows = db.execute(f"SELECT path, title, type, motion, reviewed, lives_in, body_chars, {', '.join(_META_SLOTS)} FROM notes").fetchall()
    types = {row[0]: row[2] for row in rows}
    titles = {row[0]: row[1] for row in rows}
    fields = _fields(db, slots)
    links = _links(db, slots, inverse_of, types, titles)
    linked_from = dict(db.execute(
        "SELECT target_path, COUNT(DISTINCT source) FROM links WHERE target_path IS NOT NULL AND target_path != source GROUP BY target_path"
    ).fetchall())
    links_out = dict(db.execute(
        "SELECT source, COUNT(*) FROM links WHERE target_path IS NULL OR target_path != source GROUP BY source"
    ).fetchall())
    no_links: tuple = ()
    places: dict[str | None, tuple[str, ...]] = {}  # the same few lives_in lists recur across a vault
    notes = []
    for path, title, type_, motion, reviewed, lives_in, body_chars, owner, status, _motion, confidence in rows:
        present = fields.get(path) or set()
        for name, value in (("owner", owner), ("status", status), ("motion", motion), ("confidence", confidence)):
            if value and value.strip().lower() not in PLACEHOLDERS:
                present.add(name)
        where = places.get(lives_in)
        if where is None:
            where = places[lives_in] = _places(lives_in)
        notes.append(NoteFacts(
            path, title, type_, motion, reviewed, where, body_chars or 0, present,
            links.get(path, no_links), linked_from.get(path, 0), links_out.get(path, 0),
        ))
    return Facts(tuple(notes), _unknowns(db))


def _places(lives_in: str | None) -> tuple[str, ...]:
    return tuple(json.loads(lives_in)) if lives_in and lives_in != "[]" else ()


def _placeholder(value) -> bool:
    return value is None or value.strip().lower() in PLACEHOLDERS


def _fields(db, slots: set[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}  # key as written -> its slot name; a vault uses few distinct keys
    for path, key, value in db.execute("SELECT path, key, value FROM fields"):
        name = names.get(key)
        if name is None:
            name = names[key] = normalise_relation(key)
        if name in slots and not _placeholder(value):
            found[path].add(name)
    return found


def _links(db, slots: set[str], inverse_of: dict[str, str], types: dict, titles: dict) -> dict[str, list[LinkFact]]:
    """Links that fill a slot, seen from both ends: `owner` from its source, `owner_of` from its target."""
    found: dict[str, list[LinkFact]] = defaultdict(list)
    wanted = sorted(slots | set(inverse_of))
    for source, rel, target_path, target in db.execute(
        f"SELECT source, rel, target_path, target FROM links WHERE rel IN ({','.join('?' * len(wanted))})", wanted
    ):
        if rel in slots:
            found[source].append(LinkFact(rel, target_path, types.get(target_path), target))
        if rel in inverse_of and target_path is not None:
            found[target_path].append(LinkFact(inverse_of[rel], source, types.get(source), titles.get(source, source), True))
    return found


def _unknowns(db) -> tuple[UnknownFacts, ...]:
    grouped: dict[str, dict] = {}
    for key, target, source, rel in db.execute(
        "SELECT COALESCE(target_key, target), target, source, rel FROM links WHERE target_path IS NULL ORDER BY id"
    ):
        entry = grouped.setdefault(key, {"target": _shown(target), "sources": {}, "rels": {}})
        entry["sources"][source] = None
        entry["rels"][rel] = None
    return tuple(UnknownFacts(e["target"], tuple(e["sources"]), tuple(e["rels"])) for e in grouped.values())


def _shown(target: str) -> str:
    """`../sources/Campaign QA Checklist.md` reads as `Campaign QA Checklist`."""
    name = posixpath.basename(target) if target.lower().endswith(".md") else target
    return name[:-3] if name.lower().endswith(".md") else name
