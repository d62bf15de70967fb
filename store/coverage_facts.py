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
    return Facts(read_note_facts(db, blueprint), read_unknowns(db))


def read_note_facts(db: sqlite_utils.Database, blueprint: Blueprint, paths=None) -> tuple[NoteFacts, ...]:
    """Facts for every note, or only for `paths` (after a change, only the notes it touched)."""
    slots = {slot.name for spec in blueprint.types.values() for slot in spec.slots} | {"owner", "from", "to"}
    inverse_of = {blueprint.inverse(name): name for name in slots if blueprint.inverse(name)}
    only = None if paths is None else list(paths)
    rows = _where(db, f"SELECT path, title, type, motion, reviewed, lives_in, body_chars, {', '.join(_META_SLOTS)} FROM notes WHERE {{}}", "path", only)
    fields = _fields(db, slots, only)
    links = _links(db, slots, inverse_of, only, {row[0]: (row[2], row[1]) for row in rows})
    linked_from = dict(_where(
        db, "SELECT target_path, COUNT(DISTINCT source) FROM links WHERE target_path IS NOT NULL AND target_path != source AND {} GROUP BY target_path",
        "target_path", only,
    ))
    links_out = dict(_where(
        db, "SELECT source, COUNT(*) FROM links WHERE (target_path IS NULL OR target_path != source) AND {} GROUP BY source", "source", only,
    ))
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
    return tuple(notes)


def _where(db, sql: str, column: str, paths: list[str] | None, params=()) -> list:
    """Run `sql` with `{}` replaced by a filter on `column`: none for every note, else IN `paths`, in chunks."""
    if paths is None:
        return db.execute(sql.format("1"), list(params)).fetchall()
    rows = []
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        rows += db.execute(sql.format(f"{column} IN ({','.join('?' * len(chunk))})"), [*params, *chunk]).fetchall()
    return rows


def _places(lives_in: str | None) -> tuple[str, ...]:
    return tuple(json.loads(lives_in)) if lives_in and lives_in != "[]" else ()


def _placeholder(value) -> bool:
    return value is None or value.strip().lower() in PLACEHOLDERS


def _fields(db, slots: set[str], paths: list[str] | None) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}  # key as written -> its slot name; a vault uses few distinct keys
    for path, key, value in _where(db, "SELECT path, key, value FROM fields WHERE {}", "path", paths):
        name = names.get(key)
        if name is None:
            name = names[key] = normalise_relation(key)
        if name in slots and not _placeholder(value):
            found[path].add(name)
    return found


def _links(db, slots: set[str], inverse_of: dict[str, str], paths: list[str] | None, known: dict) -> dict[str, list[LinkFact]]:
    """Links that fill a slot, seen from both ends: `owner` from its source, `owner_of` from its target.
    `known` maps paths already read to (type, title); others are looked up."""
    found: dict[str, list[LinkFact]] = defaultdict(list)
    wanted = sorted(slots | set(inverse_of))
    rels = f"rel IN ({','.join('?' * len(wanted))})"
    if paths is None:
        rows = db.execute(f"SELECT source, rel, target_path, target FROM links WHERE {rels}", wanted).fetchall()
    else:  # the notes' own links, and the inverse links that point at them
        chosen = set(paths)
        rows = _where(db, f"SELECT source, rel, target_path, target FROM links WHERE {rels} AND {{}}", "source", paths, wanted)
        rows += [r for r in _where(db, f"SELECT source, rel, target_path, target FROM links WHERE {rels} AND {{}}", "target_path", paths, wanted)
                 if r[1] in inverse_of and r[0] not in chosen]
    missing = list({end for source, _rel, target_path, _t in rows for end in (source, target_path) if end and end not in known})
    if missing:
        known = {**known, **{path: (type_, title) for path, type_, title in _where(db, "SELECT path, type, title FROM notes WHERE {}", "path", missing)}}
    wanted_here = None if paths is None else set(paths)
    for source, rel, target_path, target in rows:
        if rel in slots and (wanted_here is None or source in wanted_here):
            found[source].append(LinkFact(rel, target_path, known.get(target_path, (None, None))[0], target))
        if rel in inverse_of and target_path is not None and (wanted_here is None or target_path in wanted_here):
            source_type, source_title = known.get(source, (None, source))
            found[target_path].append(LinkFact(inverse_of[rel], source, source_type, source_title, True))
    return found


def read_unknowns(db) -> tuple[UnknownFacts, ...]:
    """Every target that links name and no note answers to, with who names it and how."""
    rows = db.execute(
        """SELECT MIN(target), json_group_array(DISTINCT source), json_group_array(DISTINCT rel)
           FROM links WHERE target_path IS NULL GROUP BY COALESCE(target_key, target) ORDER BY MIN(id)"""
    )
    return tuple(UnknownFacts(_shown(target), tuple(sorted(json.loads(sources))), tuple(sorted(json.loads(rels)))) for target, sources, rels in rows)


def _shown(target: str) -> str:
    """`../sources/Campaign QA Checklist.md` reads as `Campaign QA Checklist`."""
    name = posixpath.basename(target) if target.lower().endswith(".md") else target
    return name[:-3] if name.lower().endswith(".md") else name
