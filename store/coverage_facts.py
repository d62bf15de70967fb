"""Reading, from the index, the plain facts that `coverage.compute` needs: only the fields and
links that some slot of the blueprint asks about, so a 10,000-note vault reads in milliseconds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils

from store.blueprint import Blueprint
from store import collector
from store.coverage import CoverageReport, CoverageState, Judge, LinkFact, NoteCoverage, NoteFacts, UnknownLink
from store.note import normalise_relation

# Keys kept as columns of `notes` that also fill a slot of the same name.
_META_SLOTS = ("owner", "status", "motion", "confidence")
# Values that say a slot is empty: `owner:: unknown` is a known gap, not an owner.
PLACEHOLDERS = ("", "unknown", "tbd", "todo", "?", "??", "n/a", "na", "none", "nobody", "-")
_PLACEHOLDER_LIST = ", ".join(f"'{p}'" for p in PLACEHOLDERS)


def _holds_value(column: str) -> str:
    """SQL that is 1 when `column` holds a real value (the filter runs in SQLite: it is read for every note)."""
    return f"({column} IS NOT NULL AND lower(trim({column}, ' \t\r\n')) NOT IN ({_PLACEHOLDER_LIST}))"


# One number per note says which of its `_META_SLOTS` columns hold a value.
_META_MASK = " | ".join(f"({_holds_value(name)} << {bit})" for bit, name in enumerate(_META_SLOTS))


def read_note_facts(db: sqlite_utils.Database, blueprint: Blueprint, paths=None) -> tuple[NoteFacts, ...]:
    """Facts for every note, or only for `paths` (after a change, only the notes it touched)."""
    slots = {slot.name for spec in blueprint.types.values() for slot in spec.slots} | {"owner", "from", "to"}
    inverse_of = {blueprint.inverse(name): name for name in slots if blueprint.inverse(name)}
    only = None if paths is None else list(paths)
    rows = _where(db, f"SELECT path, title, type, motion, reviewed, lives_in, body_chars, {_META_MASK}, links_in, links_out FROM notes WHERE {{}}", "path", only)
    fields = _fields(db, slots, only)
    links = _links(db, slots, inverse_of, only, {row[0]: (row[2], row[1]) for row in rows})
    no_links: tuple = ()
    places: dict[str | None, tuple[str, ...]] = {}  # the same few lives_in lists recur across a vault
    held = {mask: frozenset(name for bit, name in enumerate(_META_SLOTS) if mask >> bit & 1) for mask in range(1 << len(_META_SLOTS))}
    notes = []
    for path, title, type_, motion, reviewed, lives_in, body_chars, mask, links_in, links_out in rows:
        present = fields.get(path)
        present = held[mask] if present is None else present | held[mask]
        where = places.get(lives_in)
        if where is None:
            where = places[lives_in] = _places(lives_in)
        notes.append(NoteFacts(
            path, title, type_, motion, reviewed, where, body_chars or 0, present,
            links.get(path, no_links), links_in, links_out,
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


def _fields(db, slots: set[str], paths: list[str] | None) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}  # key as written -> its slot name; a vault uses few distinct keys
    for path, key in _where(db, f"SELECT path, key FROM fields WHERE {_holds_value('value')} AND {{}}", "path", paths):
        name = names.get(key)
        if name is None:
            name = names[key] = normalise_relation(key)
        if name in slots:
            found[path].add(name)
    return {path: frozenset(names) for path, names in found.items()}


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


def read_unknown_links(db, sources=None) -> list[UnknownLink]:
    """The links no note answers to (from `sources` only, if given): what known unknowns are made of."""
    sql = "SELECT source, COALESCE(target_key, target), target, rel FROM links WHERE target_path IS NULL AND {}"
    return [UnknownLink(*row) for row in _where(db, sql, "source", None if sources is None else list(sources))]


def note_coverage(db, blueprint: Blueprint, path: str, today) -> NoteCoverage | None:
    """One note's coverage, judged from the index as it is (None for a type the blueprint does not know)."""
    facts = read_note_facts(db, blueprint, [path])
    if not facts or facts[0].type not in blueprint.types:
        return None
    return Judge(blueprint, today)(facts[0])


class CoverageKeeper:
    """A coverage report kept current: after a change only the notes it touched are read and
    judged again (`changed`); a new blueprint, a new day or a new `version` means a full pass.
    Safe to use from several threads, each passing its own connection."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._state: CoverageState | None = None
        self._report: CoverageReport | None = None
        self._dirty: set[str] = set()

    def changed(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._dirty.update(paths)

    def report(self, db: sqlite_utils.Database, blueprint: Blueprint, day: dt.date, version: object = None,
               vault_problems: int = 0) -> CoverageReport:
        """`vault_problems`: problems of the vault's own files besides the blueprint (its ignore rules),
        which the Problems panel lists and the count takes in."""
        with self._lock:
            key = (blueprint, day, version)
            if self._state is not None and self._key == key:
                if not self._dirty:
                    self._report = self._with_problems(db, self._report, blueprint, vault_problems)
                    return self._report
                dirty = sorted(self._dirty)
                self._state.update(dirty, read_note_facts(db, blueprint, dirty), read_unknown_links(db, dirty))
            else:
                with collector.paused():  # 100,000 small objects that stay alive and hold no cycles
                    state = CoverageState(blueprint, day)
                    notes = read_note_facts(db, blueprint)
                    state.update([n.path for n in notes], notes, read_unknown_links(db))
                self._state, self._key = state, key
            self._dirty = set()
            self._report = self._with_problems(db, self._state.report(), blueprint, vault_problems)
            return self._report

    def _with_problems(self, db, report: CoverageReport, blueprint: Blueprint, vault_problems: int) -> CoverageReport:
        """The report with today's count of problems (a scan can add some without a note changing)."""
        count = problem_count(db, blueprint) + vault_problems
        return report if report.problems == count else dataclasses.replace(report, problems=count)


def problem_count(db, blueprint: Blueprint) -> int:
    """What the Problems panel lists: the notes' problems in the index, then the blueprint's own."""
    return db.execute("SELECT COUNT(*) FROM problems").fetchone()[0] + len(blueprint.problems)
