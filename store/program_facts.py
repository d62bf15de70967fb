"""Reading programs from the index: which notes are programs, one program's steps, and the
context its run reads (the judged notes, agents, seams and people). The types and the rules
that make steps of a note's headings and fields are in store.program (pure)."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from store.blueprint import Blueprint
from store.coverage import Judge, NoteCoverage
from store.coverage_facts import read_note_facts
from store.errors import NotAProgram, NoteNotFound
from store.note import normalise_relation
from store.program import (
    DEFAULT_RECOVERY_HOURS, DEFAULT_RESPONSE_HOURS, Agent, Context, Program, Ref, Responder, Seam, unique_refs, build,
    parse_hours, parse_rate,
)
from store.query import find_note
from store.simulate import Simulation


def list_programs(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(path, title) of every program note, by title."""
    return [tuple(row) for row in db.execute("SELECT path, title FROM notes WHERE type = 'program' ORDER BY title COLLATE NOCASE, path")]


def find_program(db: sqlite_utils.Database, name: str) -> str:
    path = find_note(db, name)
    type_ = db.execute("SELECT type FROM notes WHERE path = ?", [path]).fetchone()[0]
    if type_ != "program":
        raise NotAProgram(name, type_)
    return path


def read_program(db: sqlite_utils.Database, path: str, today: dt.date) -> Program:
    row = db.execute("SELECT title, motion FROM notes WHERE path = ?", [path]).fetchone()
    if row is None:
        raise NoteNotFound(path)
    title, motion = row
    return build(
        path, title, motion,
        sections=db.execute("SELECT title, line FROM sections WHERE path = ? ORDER BY line", [path]).fetchall(),
        fields=db.execute("SELECT key, value, line FROM fields WHERE path = ? ORDER BY line", [path]).fetchall(),
        links=db.execute("SELECT rel, target, target_path, fragment, line FROM links WHERE source = ? ORDER BY line, id", [path]).fetchall(),
        today=today,
    )


def read_context(db: sqlite_utils.Database, blueprint: Blueprint, program: Program, today: dt.date) -> Context:
    """Judge every note the program's steps could touch, and read the agents, seams and people behind them."""
    agent_paths = {s.agent.path for s in program.steps if s.agent and s.agent.path}
    agents = _read_agents(db, agent_paths)
    systems = {ref.path for s in program.steps for ref in s.uses if ref.path}
    seams = _read_seams(db, systems)
    paths = (
        {ref.path for s in program.steps for ref in (*s.needs, *s.uses) if ref.path}
        | agent_paths | {ref.path for a in agents.values() for ref in a.needs if ref.path} | set(seams)
    )
    judge = Judge(blueprint, today)
    notes = {f.path: judge(f) if f.type in blueprint.types else _unclassified(judge, f) for f in read_note_facts(db, blueprint, sorted(paths))}
    owners = {owner for note in notes.values() for owner in note.owners} | ({program.owner} if program.owner else set())
    responders = _read_responders(db, owners)
    backups = {r.backup for r in responders.values() if r.backup and r.backup not in responders}
    responders.update(_read_responders(db, backups))
    titles = {path: note.title for path, note in notes.items()} | {path: r.title for path, r in responders.items()}
    return Context(notes, agents, seams, responders, titles)


def _unclassified(judge: Judge, facts) -> NoteCoverage:
    """A note of a type the blueprint does not know is judged by its freshness and where it lives only."""
    stale = judge.stale(facts.reviewed, judge.blueprint.fresh_days)
    return NoteCoverage(
        facts.path, facts.title, facts.type or "unknown", facts.motion or "unset", "stale" if stale else "covered", 0.8 if stale else 1.0,
        ("never reviewed" if not facts.reviewed else f"last reviewed {facts.reviewed}",) if stale else (),
        judge.risk(facts.lives_in), facts.lives_in, facts.reviewed, stale,
        tuple(sorted({l.target_path for l in facts.links if l.rel == "owner" and l.target_path})), facts.linked_from,
    )


def _in(paths) -> tuple[str, list]:
    paths = sorted(paths)
    return ",".join("?" * len(paths)), paths


def _read_agents(db, paths: set[str]) -> dict[str, Agent]:
    needs: dict[str, list[Ref]] = {p: [] for p in paths}
    acts: dict[str, set[str]] = {p: set() for p in paths}
    marks, values = _in(paths)
    for source, rel, target, target_path in db.execute(
        f"SELECT source, rel, target, target_path FROM links WHERE source IN ({marks}) AND rel IN ('needs', 'acts_in') ORDER BY line, id", values
    ):
        if rel == "needs":
            needs[source].append(Ref(target, target_path))
        elif target_path:
            acts[source].add(target_path)
    for target_path, source in db.execute(f"SELECT target_path, source FROM links WHERE target_path IN ({marks}) AND rel = 'acted_in_by'", values):
        acts[target_path].add(source)
    return {p: Agent(p, tuple(unique_refs(needs[p])), frozenset(acts[p])) for p in paths}


def _read_seams(db, systems: set[str]) -> dict[str, Seam]:
    """The seams whose two ends are among `systems`, read from either side (`from::` or `source_of::`)."""
    if not systems:
        return {}
    marks, values = _in(systems)
    ends: dict[str, dict[str, str]] = {}
    rows = db.execute(
        f"""SELECT l.source, l.rel, l.target_path FROM links l JOIN notes n ON n.path = l.source
            WHERE n.type = 'seam' AND l.rel IN ('from', 'to') AND l.target_path IN ({marks})
            UNION ALL
            SELECT l.target_path, CASE l.rel WHEN 'source_of' THEN 'from' ELSE 'to' END, l.source FROM links l JOIN notes n ON n.path = l.target_path
            WHERE n.type = 'seam' AND l.rel IN ('source_of', 'destination_of') AND l.source IN ({marks})""",
        values + values,
    )
    for seam, end, system in rows:
        ends.setdefault(seam, {}).setdefault(end, system)
    found = {path: end for path, end in ends.items() if "from" in end and "to" in end}
    if not found:
        return {}
    params = _fields_of(db, set(found))
    return {
        path: Seam(
            path, end["from"], end["to"], parse_rate(params[path].get("failure_rate", "")),
            parse_hours(params[path].get("recovery_time", "")) or DEFAULT_RECOVERY_HOURS,
        )
        for path, end in found.items()
    }


def _read_responders(db, paths: set[str]) -> dict[str, Responder]:
    if not paths:
        return {}
    marks, values = _in(paths)
    fields = _fields_of(db, paths)
    backups: dict[str, str] = {}
    for person, backup in db.execute(
        f"""SELECT source, target_path FROM links WHERE source IN ({marks}) AND rel IN ('backup', 'deputy') AND target_path IS NOT NULL
            UNION ALL SELECT target_path, source FROM links WHERE target_path IN ({marks}) AND rel = 'backup_for'""", values + values
    ):
        backups.setdefault(person, backup)
    return {
        path: Responder(path, title, parse_hours(fields[path].get("response_time", "")) or DEFAULT_RESPONSE_HOURS, backups.get(path))
        for path, title in db.execute(f"SELECT path, title FROM notes WHERE path IN ({marks})", values)
    }


def _fields_of(db, paths: set[str]) -> dict[str, dict[str, str]]:
    """Each note's fields by normalised key (the first where a key comes twice)."""
    marks, values = _in(paths)
    fields: dict[str, dict[str, str]] = {p: {} for p in paths}
    for path, key, value in db.execute(f"SELECT path, key, value FROM fields WHERE path IN ({marks})", values):
        fields[path].setdefault(normalise_relation(key), value)
    return fields


def open_simulation(db: sqlite_utils.Database, blueprint: Blueprint, program: str, today: dt.date) -> Simulation:
    """A program (by path, name, alias or title) and the context it runs on, read through `db`."""
    parsed = read_program(db, find_program(db, program), today)
    return Simulation(parsed, read_context(db, blueprint, parsed, today))

