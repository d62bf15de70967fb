"""Reading, from the index, the plain facts that `coverage.compute` needs: only the fields and
links that some slot of the blueprint asks about, so a 10,000-note vault reads in milliseconds."""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict

import sqlite_utils

from store.blueprint import Blueprint
from store.coverage import Facts, LinkFact, NoteFacts, UnknownFacts

# Keys kept as columns of `notes` that also fill a slot of the same name.
_META_SLOTS = ("owner", "status", "motion", "confidence")
# Values that say a slot is empty: `owner:: unknown` is a known gap, not an owner.
PLACEHOLDERS = ("", "unknown", "tbd", "todo", "?", "??", "n/a", "na", "none", "nobody", "-")


def read_facts(db: sqlite_utils.Database, blueprint: Blueprint) -> Facts:
    slots = {slot.name for spec in blueprint.types.values() for slot in spec.slots} | {"owner", "from", "to"}
    inverse_of = {blueprint.inverse(name): name for name in slots if blueprint.inverse(name)}
    fields = _fields(db, slots)
    links = _links(db, slots, inverse_of)
    linked_from = dict(db.execute(
        "SELECT target_path, COUNT(DISTINCT source) FROM links WHERE target_path IS NOT NULL AND target_path != source GROUP BY target_path"
    ).fetchall())
    links_out = dict(db.execute(
        "SELECT source, COUNT(*) FROM links WHERE target_path IS NULL OR target_path != source GROUP BY source"
    ).fetchall())
    notes = []
    rows = db.execute(f"SELECT path, title, type, motion, reviewed, lives_in, length(body), {', '.join(_META_SLOTS)} FROM notes")
    for path, title, type_, motion, reviewed, lives_in, body_chars, *meta in rows:
        present = fields.get(path, set()) | {name for name, value in zip(_META_SLOTS, meta) if not _placeholder(value)}
        notes.append(NoteFacts(
            path=path, title=title, type=type_, motion=motion, reviewed=reviewed,
            lives_in=tuple(json.loads(lives_in or "[]")), body_chars=body_chars or 0,
            fields=frozenset(present), links=tuple(links.get(path, ())),
            linked_from=linked_from.get(path, 0), links_out=links_out.get(path, 0),
        ))
    return Facts(tuple(notes), _unknowns(db))


def _placeholder(value) -> bool:
    return value is None or value.strip().lower() in PLACEHOLDERS


def _normalised_key():
    return "lower(replace(replace(trim(key), ' ', '_'), '-', '_'))"


def _fields(db, slots: set[str]) -> dict[str, set[str]]:
    marks = ",".join("?" * len(slots))
    found: dict[str, set[str]] = defaultdict(set)
    empty = ",".join("?" * len(PLACEHOLDERS))
    for path, key in db.execute(
        f"SELECT DISTINCT path, {_normalised_key()} AS k FROM fields WHERE lower(trim(value)) NOT IN ({empty}) AND k IN ({marks})",
        [*PLACEHOLDERS, *sorted(slots)],
    ):
        found[path].add(key)
    return found


def _links(db, slots: set[str], inverse_of: dict[str, str]) -> dict[str, list[LinkFact]]:
    found: dict[str, list[LinkFact]] = defaultdict(list)
    marks = ",".join("?" * len(slots))
    for source, rel, target_path, target_type, target in db.execute(
        f"""SELECT l.source, l.rel, l.target_path, n.type, l.target
            FROM links l LEFT JOIN notes n ON n.path = l.target_path WHERE l.rel IN ({marks})""",
        sorted(slots),
    ):
        found[source].append(LinkFact(rel, target_path, target_type, target))
    if inverse_of:
        marks = ",".join("?" * len(inverse_of))
        for target_path, rel, source, source_type, source_title in db.execute(
            f"""SELECT l.target_path, l.rel, l.source, n.type, n.title
                FROM links l JOIN notes n ON n.path = l.source
                WHERE l.rel IN ({marks}) AND l.target_path IS NOT NULL""",
            sorted(inverse_of),
        ):
            found[target_path].append(LinkFact(inverse_of[rel], source, source_type, source_title, inverse=True))
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
