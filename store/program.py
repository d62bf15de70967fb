"""Programs as notes: a `program` note's steps, read from the index, and the context they run on.

A step is a heading of the program note with any of `agent::`, `needs::`, `uses::`,
`after::` or `duration::` beneath it (README, "Writing programs and agents"). Whatever is
wrong with a program (an `after` naming no step, a cycle, no steps, a duration that is not
one) becomes a problem in words; the program still runs as far as it can.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

import sqlite_utils

from store.blueprint import Blueprint
from store.coverage import Judge, NoteCoverage
from store.coverage_facts import read_note_facts
from store.errors import NotAProgram, NoteNotFound
from store.note import normalise_relation
from store.query import find_note
from store.resolve import lookup_key

STEP_KEYS = ("agent", "needs", "uses", "after", "duration")
DEFAULT_STEP_HOURS = 24.0
DEFAULT_RESPONSE_HOURS = 48.0  # how long a person takes to answer when a note does not say
DEFAULT_RECOVERY_HOURS = 24.0  # how long a failed seam takes to come back when its note does not say
_DURATION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)?\s*$", re.IGNORECASE)
_HOURS_PER = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")
_STEP_LINK = re.compile(r"\[\[([^\[\]|]*?)(?:\|[^\[\]]*)?\]\]")


@dataclass(frozen=True)
class Ref:
    """A note a program names: `path` is None when it is linked but not written."""

    target: str  # as written
    path: str | None

    @property
    def key(self) -> str:
        return self.path or f"unwritten:{lookup_key(self.target)}"


@dataclass(frozen=True)
class Step:
    name: str
    line: int
    agent: Ref | None
    needs: tuple[Ref, ...]
    uses: tuple[Ref, ...]
    after: tuple[str, ...]  # names of earlier steps
    motion: str  # b2b, b2c or shared
    hours: float


@dataclass(frozen=True)
class Program:
    path: str
    title: str
    motion: str
    owner: str | None  # path
    steps: tuple[Step, ...]
    deadline_hours: float | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Agent:
    path: str
    needs: tuple[Ref, ...]
    acts_in: frozenset[str]  # system paths; empty when the agent does not say


@dataclass(frozen=True)
class Responder:
    """Someone a step can escalate to: a person or a team, how fast they answer, who stands in."""

    path: str
    title: str
    response_hours: float
    backup: str | None


@dataclass(frozen=True)
class Seam:
    path: str
    from_path: str | None
    to_path: str | None
    failure_rate: float | None  # chance a run meets it broken, from `failure_rate::`
    recovery_hours: float


@dataclass(frozen=True)
class Context:
    """All a program's run reads: the judged notes, agents, seams and the people to ask."""

    notes: dict[str, NoteCoverage]
    agents: dict[str, Agent]
    seams: dict[str, Seam]
    responders: dict[str, Responder]
    titles: dict[str, str]


def parse_hours(text: str, default_unit: str = "d") -> float | None:
    """`3d`, `4 hours`, `90m`, `2w`, `1.5` (days): hours, or None when it is not a duration."""
    match = _DURATION.match(text or "")
    if not match:
        return None
    unit = (match.group(2) or default_unit)[0].lower()
    return float(match.group(1).replace(",", ".")) * _HOURS_PER[unit]


def parse_rate(text: str) -> float | None:
    """`5%` or `0.05`: a probability, or None."""
    match = _RATE.match(text or "")
    if not match:
        return None
    value = float(match.group(1)) / (100 if match.group(2) or float(match.group(1)) > 1 else 1)
    return value if 0 <= value <= 1 else None


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
    sections = db.execute("SELECT title, line FROM sections WHERE path = ? ORDER BY line", [path]).fetchall()
    starts = [line for _title, line in sections]
    fields: dict[int, dict[str, str]] = {}
    top_fields: dict[str, str] = {}
    for key, value, line in db.execute("SELECT key, value, line FROM fields WHERE path = ? ORDER BY line", [path]):
        at = bisect.bisect_right(starts, line) - 1
        (fields.setdefault(at, {}) if at >= 0 else top_fields).setdefault(normalise_relation(key), value)
    links: dict[int, dict[str, list[Ref]]] = {}
    top_links: dict[str, list[Ref]] = {}
    for rel, target, target_path, fragment, line in db.execute(
        "SELECT rel, target, target_path, fragment, line FROM links WHERE source = ? ORDER BY line, id", [path]
    ):
        at = bisect.bisect_right(starts, line) - 1
        bucket = links.setdefault(at, {}) if at >= 0 else top_links
        if rel == "after" and target_path == path and fragment:  # `after:: [[This program#Step]]`
            fields.setdefault(at, {}).setdefault("after", f"[[#{fragment}]]")
        bucket.setdefault(rel, []).append(Ref(target, target_path))
    problems: list[str] = []
    step_at = {at for at in range(len(sections)) if any(k in fields.get(at, {}) or k in links.get(at, {}) for k in STEP_KEYS)}
    for at in sorted(set(fields) - step_at):  # fields under the title or a heading that is no step belong to the program
        for key, value in fields[at].items():
            top_fields.setdefault(key, value)
    for at in sorted(set(links) - step_at):
        for rel, refs in links[at].items():
            top_links.setdefault(rel, refs)
    steps = _steps(sections, fields, links, motion, problems)
    steps = _check_order(steps, problems)
    if not steps:
        problems.append(f"{title} has no steps: give each step a heading with `agent::`, `needs::`, `uses::`, `after::` or `duration::` beneath it")
    owner = next((r.path for r in top_links.get("owner", ()) if r.path), None)
    deadline = _deadline(top_fields.get("deadline"), today, title, problems)
    return Program(path, title, motion if motion in ("b2b", "b2c", "shared") else "shared", owner, tuple(steps), deadline, tuple(problems))


def _steps(sections, fields, links, program_motion, problems) -> list[Step]:
    steps: list[Step] = []
    seen: set[str] = set()
    for at, (heading, line) in enumerate(sections):
        values, refs = fields.get(at, {}), links.get(at, {})
        if not any(key in values or key in refs for key in STEP_KEYS):
            continue
        name = heading.strip() or f"Step at line {line}"
        if name.casefold() in seen:
            problems.append(f"Two steps are named '{name}' (line {line}); `after` can only name one of them")
            name = f"{name} (line {line})"
        seen.add(name.casefold())
        hours = DEFAULT_STEP_HOURS
        if "duration" in values:
            parsed = parse_hours(values["duration"])
            if parsed is None:
                problems.append(f"Step '{name}': duration '{values['duration']}' is not a duration like 3d, 4h or 1w; one day is assumed")
            else:
                hours = parsed
        motion = (values.get("motion") or program_motion or "shared").strip().lower()
        if motion not in ("b2b", "b2c", "shared"):
            problems.append(f"Step '{name}': motion '{motion}' is not b2b, b2c or shared; shared is assumed")
            motion = "shared"
        agents = refs.get("agent", [])
        if len(agents) > 1:
            problems.append(f"Step '{name}' names {len(agents)} agents; the first, {agents[0].target}, runs it")
        steps.append(Step(
            name=name, line=line, agent=agents[0] if agents else None,
            needs=tuple(_unique(refs.get("needs", []))), uses=tuple(_unique(refs.get("uses", []))),
            after=tuple(_after_names(values.get("after", ""))), motion=motion, hours=hours,
        ))
    return steps


def _after_names(value: str) -> list[str]:
    """`[[#Build the list]], [[#Send]]` or `Build the list, Send`: the step names."""
    linked = _STEP_LINK.findall(value)
    names = [name.split("#", 1)[1] if "#" in name else name for name in linked] if linked else value.split(",")
    return [name.strip() for name in names if name.strip()]


def _unique(refs: list[Ref]) -> list[Ref]:
    return list({ref.key: ref for ref in reversed(refs)}.values())[::-1]


def _check_order(steps: list[Step], problems: list[str]) -> list[Step]:
    """Drop `after` names that are no step (with a problem), and report cycles."""
    by_name = {step.name.casefold(): step.name for step in steps}
    checked = []
    for step in steps:
        after = []
        for name in step.after:
            if name.casefold() in by_name and by_name[name.casefold()] != step.name:
                after.append(by_name[name.casefold()])
            else:
                problems.append(f"Step '{step.name}': after '{name}', which is not another step of this program")
        checked.append(Step(step.name, step.line, step.agent, step.needs, step.uses, tuple(dict.fromkeys(after)), step.motion, step.hours))
    for cycle in find_cycles(checked):
        problems.append("Steps wait for each other in a circle, so none of them can start: " + " → ".join([*cycle, cycle[0]]))
    return checked


def find_cycles(steps: list[Step]) -> list[list[str]]:
    """Each cycle of `after` once, as the names along it."""
    after = {step.name: step.after for step in steps}
    state: dict[str, int] = {}  # 1 on the path, 2 done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        path.append(name)
        for before in after.get(name, ()):
            if state.get(before) == 1:
                cycles.append(path[path.index(before):][::-1])
            elif before not in state:
                visit(before, path)
        path.pop()
        state[name] = 2

    for step in steps:
        if step.name not in state:
            visit(step.name, [])
    return cycles


def _deadline(value: str | None, today: dt.date, title: str, problems: list[str]) -> float | None:
    """`deadline::` as a duration from the start (`6w`) or a date (from today)."""
    if not value:
        return None
    hours = parse_hours(value)
    if hours is not None:
        return hours
    try:
        return max((dt.date.fromisoformat(value.strip()) - today).days, 0) * 24.0
    except ValueError:
        problems.append(f"{title}: deadline '{value}' is neither a duration like 6w nor a date like 2026-12-31")
        return None


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
    return {p: Agent(p, tuple(_unique(needs[p])), frozenset(acts[p])) for p in paths}


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
    marks, values = _in(found)
    params: dict[str, dict[str, str]] = {p: {} for p in found}
    for path, key, value in db.execute(f"SELECT path, key, value FROM fields WHERE path IN ({marks})", values):
        params[path].setdefault(normalise_relation(key), value)
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
    fields: dict[str, dict[str, str]] = {p: {} for p in paths}
    for path, key, value in db.execute(f"SELECT path, key, value FROM fields WHERE path IN ({marks})", values):
        fields[path].setdefault(normalise_relation(key), value)
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
