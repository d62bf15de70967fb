"""Programs as notes: a `program` note's steps, and the context they run on (pure).

A step is a heading of the program note with any of `agent::`, `needs::`, `uses::`,
`after::` or `duration::` beneath it (README, "Writing programs and agents"). Whatever is
wrong with a program (an `after` naming no step, a cycle, no steps, a duration that is not
one) becomes a problem in words, with its line; the program still runs as far as it can.

The same `build` reads a note just parsed (`checked`, so the index lists a program's
problems with the note's others) and a note read back from the index (store.program_facts).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from store.coverage import NoteCoverage
from store.note import ParsedNote, Problem, normalise_relation
from store.resolve import lookup_key

STEP_KEYS = ("agent", "needs", "uses", "after", "duration")
DEFAULT_STEP_HOURS = 24.0
DEFAULT_RESPONSE_HOURS = 48.0  # how long a person takes to answer when a note does not say
DEFAULT_RECOVERY_HOURS = 24.0  # how long a failed seam takes to come back when its note does not say
_DURATION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)?\s*$", re.IGNORECASE)
_HOURS_PER = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")
_STEP_LINK = re.compile(r"\[\[([^\[\]|]*?)(?:\|[^\[\]]*)?\]\]")
_COMMA_OUTSIDE_LINKS = re.compile(r",(?![^\[]*\]\])")


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
    found: tuple[Problem, ...]  # what is wrong with it, each with its line where there is one

    @property
    def problems(self) -> tuple[str, ...]:
        """What is wrong with the program, in words."""
        return tuple(problem.message for problem in self.found)


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


def checked(note: ParsedNote) -> ParsedNote:
    """The note with what is wrong with it as a program among its problems (a note of another type as it is)."""
    if note.type != "program":
        return note
    program = build(
        note.path, note.title, note.motion,
        sections=[(s.title, s.line) for s in note.sections],
        fields=[(f.key, f.value, f.line) for f in note.fields],
        links=[(l.rel, l.target, None, l.fragment, l.line) for l in sorted(note.links, key=lambda l: l.line)],
        today=None,
    )
    return replace(note, problems=note.problems + program.found)


def build(
    path: str, title: str, motion: str | None, *,
    sections: Iterable[tuple[str, int]],
    fields: Iterable[tuple[str, str, int]],
    links: Iterable[tuple[str, str, str | None, str, int]],
    today: dt.date | None,
) -> Program:
    """A program from its note's headings (title, line), fields (key, value, line) and links
    (rel, target, target_path, fragment, line), each in line order. A date `deadline` counts
    from `today`; without one, only whether it is a date is checked."""
    sections = list(sections)
    starts = [line for _title, line in sections]
    values: dict[int, dict[str, tuple[str, int]]] = {}  # by section (-1: above every heading): key -> first (value, line)
    afters: dict[int, list[tuple[int, list[str]]]] = {}  # by section: every `after` as (line, step names)
    for key, value, line in fields:
        at = bisect.bisect_right(starts, line) - 1
        key = normalise_relation(key)
        values.setdefault(at, {}).setdefault(key, (value, line))
        if key == "after":
            afters.setdefault(at, []).append((line, after_names(value)))
    refs: dict[int, dict[str, list[tuple[Ref, int]]]] = {}
    for rel, target, target_path, fragment, line in links:
        at = bisect.bisect_right(starts, line) - 1
        refs.setdefault(at, {}).setdefault(rel, []).append((Ref(target, target_path), line))
        if rel == "after":  # `after:: [[This program#Step]]` or `after:: [[Step]]` are links; the step is the heading
            afters.setdefault(at, []).append((line, [(fragment or target).strip()]))
    step_at = {at for at in range(len(sections)) if any(k in values.get(at, {}) or k in refs.get(at, {}) for k in STEP_KEYS)}
    top_values: dict[str, tuple[str, int]] = {}
    top_refs: dict[str, list[tuple[Ref, int]]] = {}
    for at in sorted(set(values) - step_at):  # fields under the title or a heading that is no step belong to the program
        for key, value in values[at].items():
            top_values.setdefault(key, value)
    for at in sorted(set(refs) - step_at):
        for rel, found in refs[at].items():
            top_refs.setdefault(rel, found)
    problems: list[Problem] = []
    steps = [
        _step(heading, line, values.get(at, {}), refs.get(at, {}), sorted(afters.get(at, [])), motion, problems)
        for at, (heading, line) in enumerate(sections) if at in step_at
    ]
    steps = _check_order(_named_once(steps, problems), problems)
    if not steps:
        problems.append(Problem(None, f"{title} has no steps: give each step a heading with `agent::`, `needs::`, `uses::`, `after::` or `duration::` beneath it"))
    owner = next((ref.path for ref, _line in top_refs.get("owner", ()) if ref.path), None)
    deadline = _deadline(top_values.get("deadline"), today, title, problems)
    program_motion = motion if motion in ("b2b", "b2c", "shared") else "shared"
    return Program(path, title, program_motion, owner, tuple(steps), deadline, tuple(problems))


def _step(heading, line, values, refs, afters, program_motion, problems) -> tuple[Step, tuple[tuple[int, str], ...]]:
    """A step, and each `after` name it gives with the line it is on (checked once every step is known)."""
    name = heading.strip() or f"Step at line {line}"
    hours = DEFAULT_STEP_HOURS
    if "duration" in values:
        text, at = values["duration"]
        parsed = parse_hours(text)
        if parsed is None:
            problems.append(Problem(at, f"Step '{name}': duration '{text}' is not a duration like 3d, 4h or 1w; one day is assumed"))
        else:
            hours = parsed
    motion_text, motion_line = values.get("motion", (program_motion or "shared", line))
    motion = motion_text.strip().lower()
    if motion not in ("b2b", "b2c", "shared"):
        problems.append(Problem(motion_line, f"Step '{name}': motion '{motion}' is not b2b, b2c or shared; shared is assumed"))
        motion = "shared"
    agents = refs.get("agent", [])
    if len(agents) > 1:
        problems.append(Problem(agents[1][1], f"Step '{name}' names {len(agents)} agents; the first, {agents[0][0].target}, runs it"))
    after = tuple((at, name) for at, names in afters for name in names)
    step = Step(
        name=name, line=line, agent=agents[0][0] if agents else None,
        needs=tuple(unique_refs(ref for ref, _ in refs.get("needs", []))), uses=tuple(unique_refs(ref for ref, _ in refs.get("uses", []))),
        after=(), motion=motion, hours=hours,
    )
    return step, after


def after_names(value: str) -> list[str]:
    """The step names an `after::` value gives: `[[#Build the list]], [[#Send]]`, `Build the
    list, Send`, or both at once (`[[#Short]], Long`); `[[Program#Step]]` names `Step`."""
    names = []
    for piece in _COMMA_OUTSIDE_LINKS.split(value or ""):
        names += [name.split("#", 1)[1] if "#" in name else name for name in _STEP_LINK.findall(piece)]
        names.append(_STEP_LINK.sub("", piece))
    return [name.strip() for name in names if name.strip()]


def unique_refs(refs: Iterable[Ref]) -> list[Ref]:
    return list({ref.key: ref for ref in reversed(list(refs))}.values())[::-1]


def _named_once(drafts, problems: list[Problem]) -> list[tuple[Step, tuple[tuple[int, str], ...]]]:
    seen: set[str] = set()
    named = []
    for step, after in drafts:
        if step.name.casefold() in seen:
            problems.append(Problem(step.line, f"Two steps are named '{step.name}' (line {step.line}); `after` can only name one of them"))
            step = replace(step, name=f"{step.name} (line {step.line})")
        seen.add(step.name.casefold())
        named.append((step, after))
    return named


def _check_order(drafts, problems: list[Problem]) -> list[Step]:
    """Keep the `after` names that are steps; each that is not is a problem on its line. Report cycles."""
    by_name = {step.name.casefold(): step for step, _after in drafts}
    checked_steps = []
    for step, after in drafts:
        names = []
        for line, name in after:
            before = by_name.get(name.casefold())
            if before is not None and before.name != step.name:
                names.append(before.name)
            else:
                problems.append(Problem(line, (
                    f"Step '{step.name}' waits for '{name}', which is not another step of this program: "
                    "name a step's heading as [[#Heading]] or as written, or remove it"
                )))
        checked_steps.append(replace(step, after=tuple(dict.fromkeys(names))))
    lines = {step.name: step.line for step in checked_steps}
    for cycle in find_cycles(checked_steps):
        problems.append(Problem(lines[cycle[0]], "Steps wait for each other in a circle, so none of them can start: " + " → ".join([*cycle, cycle[0]])))
    return checked_steps


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


def _deadline(value: tuple[str, int] | None, today: dt.date | None, title: str, problems: list[Problem]) -> float | None:
    """`deadline::` as a duration from the start (`6w`) or a date (from today)."""
    if not value:
        return None
    text, line = value
    hours = parse_hours(text)
    if hours is not None:
        return hours
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        problems.append(Problem(line, f"{title}: deadline '{text}' is neither a duration like 6w nor a date like 2026-12-31"))
        return None
    return max((date - today).days, 0) * 24.0 if today else None
