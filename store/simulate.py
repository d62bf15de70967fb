"""The simulated orchestration run: a conductor walks a program's steps on the brain's context.

Pure: a `Program` and its `Context` (store.program) in, a `Run` out. For each step the
conductor gathers what it needs (the step's `needs`, its agent and the agent's needs, the
systems it uses and the seams between them) and judges each piece from coverage:

- covered and fresh: proceed;
- stale, partial, or partly in someone's head: proceed on an assumption, which costs confidence;
- a stub, or knowledge only in a head, Slack or email: escalate to its owner and wait for them;
- not written, no owner to ask, the owner away, or the system down: blocked, and so is
  everything after it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import NamedTuple

from store import words
from store.coverage import NoteCoverage
from store.program import Context, Program, Ref, Step

DECISIONS = tuple(words.DECISIONS)
LANES = {"b2b": "B2B", "b2c": "B2C", "shared": "Shared"}
TRAPPED_PLACES = words.TRAPPED_PLACES
# Confidence an assumption costs: a stale note may be out of date, a partial one misses slots.
STALE_COST = 0.05
PARTIAL_COST_PER_SLOT = 0.025
PARTIAL_COST_BASE = 0.05
PARTIAL_COST_MAX = 0.15
PARTLY_TRAPPED_COST = 0.05
# Chance a seam is broken on the day, when its note gives no `failure_rate::`.
SEAM_FAILURE_BY_STATE = {"covered": 0.03, "stale": 0.08, "partial": 0.1, "stub": 0.2}
RESPONSE_SPREAD = 0.5  # sigma of the lognormal around a person's `response_time` (Monte Carlo)
FIX_FIRST = 5


@dataclass(frozen=True)
class Scenario:
    """What-if: notes assumed fixed (by key: a path, or `unwritten:<name>`), people away, systems down."""

    assume_fixed: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    down: frozenset[str] = frozenset()

    def fixing(self, *keys: str) -> "Scenario":
        return replace(self, assume_fixed=self.assume_fixed | set(keys))


class Finding(NamedTuple):
    """One piece of context a step reads, and what the conductor made of it."""

    key: str
    title: str
    path: str | None
    role: str  # needs, agent, agent needs, uses, seam
    verdict: str  # one of DECISIONS
    reason: str
    gap: str | None  # what to fix: unwritten, stub, trapped, no owner, owner away, partial, stale, system down, agent scope
    cost: float = 0.0  # confidence an assumption costs
    wait_hours: float = 0.0
    ask: str | None = None  # who is asked (path), when escalated
    detail: str = ""  # for an agent's scope: the systems it is not set up to act in
    why: str = ""  # what stops the step, in a few words, when it escalates or blocks (`stop_words`)


class StepRun(NamedTuple):
    name: str
    lane: str
    agent: str | None
    decision: str
    start: float  # hours from the start of the run
    wait: float  # hours waiting for answers
    end: float | None  # None when it never finishes
    hours: float
    confidence: float
    findings: tuple[Finding, ...]
    blocked_by: tuple[str, ...]  # earlier steps it waits for that never finish

    @property
    def reasons(self) -> tuple[str, ...]:
        own = tuple(f.reason for f in self.findings if f.verdict != "proceed")
        return own + tuple(f"waits for '{name}', which never finishes" for name in self.blocked_by)

    @property
    def touched(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.findings if f.path)


class Event(NamedTuple):
    hours: float
    step: str
    kind: str  # start, escalate, assume, resume, finish, block
    text: str
    notes: tuple[str, ...] = ()
    why: str = ""  # a wait or a block in a few words, as a callout says it: `callout_words`


@dataclass(frozen=True)
class Run:
    program: Program
    scenario: Scenario
    steps: tuple[StepRun, ...]
    events: tuple[Event, ...]

    @property
    def finished(self) -> bool:
        return bool(self.steps) and all(s.end is not None for s in self.steps)

    @property
    def hours(self) -> float | None:
        """When the last step ends; None if some step never does."""
        return max(s.end for s in self.steps) if self.finished else None

    @property
    def reached(self) -> float:
        """When the last step that does finish ends."""
        return max((s.end for s in self.steps if s.end is not None), default=0.0)

    @property
    def confidence(self) -> float:
        """The mean step's confidence; a step that never finishes counts as zero."""
        return round(sum(s.confidence if s.end is not None else 0.0 for s in self.steps) / len(self.steps), 3) if self.steps else 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {d: sum(1 for s in self.steps if s.decision == d) for d in DECISIONS}

    @property
    def blocked(self) -> int:
        return sum(1 for s in self.steps if s.end is None)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


@dataclass(frozen=True)
class GapImpact:
    key: str
    title: str
    path: str | None
    gap: str  # the worst reason this piece held the run back
    action: str  # what to do, in words
    steps: tuple[str, ...]  # steps it blocks or degrades
    unblocks: int  # steps that finish once it is fixed (alone, or after the ones above it in the list)
    hours_saved: float
    confidence_gain: float


@dataclass(frozen=True)
class Impact:
    gaps: tuple[GapImpact, ...]
    fix_first: tuple[str, ...]  # keys of the first few gaps
    fixed_run: Run  # the run once those are fixed


@dataclass(frozen=True)
class MonteCarlo:
    runs: int
    seed: int
    finished: int
    on_time: int | None  # None without a deadline
    deadline_hours: float | None
    hours: tuple[float, ...]  # completion time of each finished run, sorted

    def percentile(self, share: float) -> float | None:
        if not self.hours:
            return None
        return self.hours[min(len(self.hours) - 1, max(0, math.ceil(share * len(self.hours)) - 1))]

    def histogram(self, bins: int = 20) -> list[tuple[float, float, int]]:
        if not self.hours:
            return []
        low, high = self.hours[0], self.hours[-1]
        width = (high - low) / bins or 1.0
        counts = [0] * bins
        for value in self.hours:
            counts[min(bins - 1, int((value - low) / width))] += 1
        return [(low + i * width, low + (i + 1) * width, n) for i, n in enumerate(counts)]


class Simulation:
    """A program and its context: runs, what-ifs, gap impact and Monte Carlo on them."""

    def __init__(self, program: Program, context: Context):
        self.program, self.context = program, context
        ordered = _in_order(program.steps)
        # steps caught in a cycle, or waiting on one, come last: they are blocked
        self.order = ordered + [s for s in program.steps if s not in ordered]
        self._pieces = {step.name: self._pieces_of(step) for step in program.steps}

    @property
    def keys(self) -> set[str]:
        """Every piece of context some step reads, by key."""
        return {key for pieces in self._pieces.values() for key, _t, _p, _r in pieces}

    def name_of(self, key: str) -> str:
        """A piece of context's name as a person reads it (a title, or an unwritten note's name as linked)."""
        titles = {k: title for pieces in self._pieces.values() for k, title, _p, _r in pieces}
        return self.context.titles.get(key) or titles.get(key) or key.removeprefix("unwritten:")

    def describe(self, scenario: Scenario) -> str:
        """The what-if in words: "Dana Ruiz away, Salesforce down, Territory Rules assumed fixed"."""
        name = self.name_of
        parts = [f"{name(k)} away" for k in sorted(scenario.absent)] + [f"{name(k)} down" for k in sorted(scenario.down)]
        parts += [f"{name(k)} assumed fixed" for k in sorted(scenario.assume_fixed)]
        return ", ".join(parts) or "as things stand"

    # --- one run --------------------------------------------------------------------------

    def run(self, scenario: Scenario = Scenario()) -> Run:
        runs, events = {}, []
        for step in self.order:
            runs[step.name] = self._run_step(step, scenario, runs, events)
        steps = tuple(runs[s.name] for s in self.program.steps)
        return Run(self.program, scenario, steps, tuple(sorted(events, key=lambda e: (e.hours, _EVENT_ORDER[e.kind], e.step))))

    def _run_step(self, step: Step, scenario: Scenario, runs: dict[str, StepRun], events: list[Event]) -> StepRun:
        findings = tuple(self._judge(key, title, path, role, scenario) for key, title, path, role in self._pieces[step.name])
        findings += self._scope_findings(step, scenario)
        blocked_by = tuple(name for name in step.after if name not in runs or runs[name].end is None)
        start = max((runs[name].end for name in step.after if name in runs and runs[name].end is not None), default=0.0)
        decision = max((f.verdict for f in findings), key=DECISIONS.index, default="proceed")
        confidence = math.prod(1 - f.cost for f in findings if f.verdict == "assumed")
        wait = max((f.wait_hours for f in findings if f.verdict == "escalated"), default=0.0)
        agent = step.agent.target if step.agent else None
        if blocked_by or decision == "blocked":
            run = StepRun(step.name, LANES[step.motion], agent, "blocked", start, 0.0, None, step.hours, 0.0, findings, blocked_by)
            events.append(Event(start, step.name, "block", "; ".join(run.reasons) or "blocked", _blocking_notes(findings),
                                blocked_words(findings, blocked_by)))
            return run
        end = start + wait + step.hours
        events.append(Event(start, step.name, "start", f"{agent or 'A person'} starts '{step.name}'", tuple(f.path for f in findings if f.path)))
        for f in findings:
            if f.verdict == "assumed":
                events.append(Event(start, step.name, "assume", f"assumes: {f.reason} (confidence -{round(f.cost * 100)}%)", _notes(f)))
            elif f.verdict == "escalated":
                who = self.context.titles.get(f.ask, f.ask)
                events.append(Event(start, step.name, "escalate", f"asks {who}: {f.reason}", _notes(f), f"asks {who} — {f.why}"))
        if wait:
            events.append(Event(start + wait, step.name, "resume", f"has its answers after {format_hours(wait)}"))
        events.append(Event(end, step.name, "finish", f"'{step.name}' done"))
        return StepRun(step.name, LANES[step.motion], agent, decision, start, wait, end, step.hours, round(confidence, 3), findings, ())

    def _pieces_of(self, step: Step) -> list[tuple[str, str, str | None, str]]:
        """(key, title, path, role) of every piece of context the step reads, each once."""
        pieces: dict[str, tuple[str, str, str | None, str]] = {}

        def add(ref: Ref, role: str) -> None:
            if ref.key not in pieces:
                pieces[ref.key] = (ref.key, self.context.titles.get(ref.path, ref.target) if ref.path else ref.target, ref.path, role)

        if step.agent:
            add(step.agent, "agent")
        for ref in step.needs:
            add(ref, "needs")
        agent = self.context.agents.get(step.agent.path) if step.agent and step.agent.path else None
        for ref in agent.needs if agent else ():
            add(ref, "agent needs")
        for ref in step.uses:
            add(ref, "uses")
        for seam in self._seams_of(step):
            add(Ref(self.context.titles.get(seam, seam), seam), "seam")
        return list(pieces.values())

    def _seams_of(self, step: Step) -> list[str]:
        """Seams between systems the step uses, and from the systems of the steps before it into its own."""
        mine = {ref.path for ref in step.uses if ref.path}
        before = {ref.path for s in self.program.steps if s.name in step.after for ref in s.uses if ref.path}
        return sorted(
            path for path, seam in self.context.seams.items()
            if seam.to_path in mine and (seam.from_path in mine or seam.from_path in before) and seam.from_path != seam.to_path
        )

    def _judge(self, key: str, title: str, path: str | None, role: str, scenario: Scenario) -> Finding:
        if key in scenario.assume_fixed:
            return Finding(key, title, path, role, "proceed", f"{title} is assumed fixed", None)
        if path is None:
            return Finding(key, title, None, role, "blocked", f"{title} is linked but not written", "unwritten")
        if path in scenario.down:
            return Finding(key, title, path, role, "blocked", f"{title} is down", "system down")
        note = self.context.notes.get(path)
        if note is None:
            return Finding(key, title, path, role, "proceed", f"{title} is read as it is", None)
        places = set(note.lives_in)
        only_trapped = bool(places) and places <= set(TRAPPED_PLACES)
        if note.state == "stub" or only_trapped:
            why = f"{title} is almost empty" if note.state == "stub" else f"{title} lives only in {_places(note)}"
            return self._escalate(key, title, path, role, note, why, "stub" if note.state == "stub" else "trapped", scenario)
        if note.state == "partial":
            slots = [m for m in note.missing if not m.startswith(("last reviewed", "never reviewed"))]
            cost = min(PARTIAL_COST_MAX, PARTIAL_COST_BASE + PARTIAL_COST_PER_SLOT * len(slots))
            return Finding(key, title, path, role, "assumed", f"{title}: {', '.join(slots)}", "partial", cost)
        if note.stale:
            when = f"last reviewed {note.reviewed}" if note.reviewed else "never reviewed"
            return Finding(key, title, path, role, "assumed", f"{title} may be out of date ({when})", "stale", STALE_COST)
        if places & set(TRAPPED_PLACES):
            return Finding(key, title, path, role, "assumed", f"part of {title} lives in {_places(note)}", "trapped", PARTLY_TRAPPED_COST)
        return Finding(key, title, path, role, "proceed", f"{title} is covered and fresh", None)

    def _escalate(self, key, title, path, role, note: NoteCoverage, why: str, gap: str, scenario: Scenario) -> Finding:
        if not note.owners:
            return Finding(key, title, path, role, "blocked", f"{why}, and it has no owner to ask", "no owner")
        for owner in note.owners:
            asked = self._available(owner, scenario)
            if asked is not None:
                responder = self.context.responders.get(asked)
                hours = responder.response_hours if responder else 48.0
                who = self.context.titles.get(asked, asked)
                stand_in = "" if asked == owner else f" (standing in for {self.context.titles.get(owner, owner)})"
                return Finding(key, title, path, role, "escalated", f"{why}; {who}{stand_in} is asked", gap, 0.0, hours, asked, why=why)
        names = ", ".join(self.context.titles.get(o, o) for o in note.owners)
        return Finding(key, title, path, role, "blocked", f"{why}, and its owner ({names}) is away", "owner away")

    def _available(self, person: str, scenario: Scenario) -> str | None:
        """The person, or their backup when they are away; None when neither can answer."""
        if person not in scenario.absent:
            return person
        responder = self.context.responders.get(person)
        backup = responder.backup if responder else None
        return backup if backup and backup not in scenario.absent else None

    def _scope_findings(self, step: Step, scenario: Scenario) -> tuple[Finding, ...]:
        """An agent that does not say it acts in a system the step uses must ask its owner first."""
        if not step.agent or not step.agent.path:
            return ()
        agent = self.context.agents.get(step.agent.path)
        if agent is None or not agent.acts_in:
            return ()
        key = f"{step.agent.path}#scope"
        if key in scenario.assume_fixed or step.agent.path in scenario.assume_fixed:
            return ()
        outside = [ref for ref in step.uses if ref.path and ref.path not in agent.acts_in]
        if not outside:
            return ()
        title = self.context.titles.get(agent.path, step.agent.target)
        names = ", ".join(self.context.titles.get(ref.path, ref.target) for ref in outside)
        note = self.context.notes.get(agent.path)
        why = f"{title} is not set up to act in {names}"
        if note is None:
            return (Finding(key, title, agent.path, "agent", "blocked", why, "agent scope", detail=names),)
        finding = self._escalate(key, title, agent.path, "agent", note, why, "agent scope", scenario)
        return (finding._replace(gap="agent scope", detail=names),)

    # --- what the run teaches -------------------------------------------------------------

    def impact(self, scenario: Scenario = Scenario(), greedy: int = 10) -> Impact:
        """Each weak piece with the steps it holds back and what fixing it is worth; the first
        `greedy` are chosen one by one, each given the ones before it are fixed."""
        base = self.run(scenario)
        weak: dict[str, list[Finding]] = defaultdict(list)
        steps_of: dict[str, list[str]] = defaultdict(list)
        for step in base.steps:
            for f in step.findings:
                if f.verdict != "proceed" and f.gap not in ("system down",):
                    weak[f.key].append(f)
                    if step.name not in steps_of[f.key]:
                        steps_of[f.key].append(step.name)
        chosen: list[GapImpact] = []
        current, remaining, current_run = scenario, set(weak), base
        while remaining and len(chosen) < greedy:  # blockers and delays first, each given the ones before are fixed
            gain, key = max(((self._gain(current_run, self.run(current.fixing(k))), k) for k in remaining),
                            key=lambda item: (item[0], _sort_key(weak[item[1]], steps_of[item[1]])))
            if not gain[0] and not gain[1]:
                break
            chosen.append(self._gap(key, weak[key], steps_of[key], gain))
            current = current.fixing(key)
            current_run = self.run(current)
            remaining.discard(key)
        # the rest by what each adds once those are fixed
        rest = sorted(((self._gain(current_run, self.run(current.fixing(k))), k) for k in remaining),
                      key=lambda item: (item[0], _sort_key(weak[item[1]], steps_of[item[1]])), reverse=True)
        gaps = tuple(chosen + [self._gap(key, weak[key], steps_of[key], gain) for gain, key in rest])
        fix_first = tuple(g.key for g in gaps[:FIX_FIRST])
        return Impact(gaps, fix_first, self.run(scenario.fixing(*fix_first)))

    @staticmethod
    def _gain(before: Run, after: Run) -> tuple[int, float, float]:
        """(steps it lets finish, hours it saves, confidence it adds)."""
        if before.finished and after.finished:
            hours = before.hours - after.hours
        elif before.blocked == after.blocked:
            hours = before.reached - after.reached
        else:
            hours = 0.0  # more of the run now happens: the end moves later, and that is good
        return (before.blocked - after.blocked, round(max(hours, 0.0), 3), round(after.confidence - before.confidence, 4))

    def _gap(self, key: str, findings: list[Finding], steps: list[str], gain: tuple[int, float, float]) -> GapImpact:
        worst = max(findings, key=lambda f: (DECISIONS.index(f.verdict), _GAP_ORDER.index(f.gap) if f.gap in _GAP_ORDER else 0))
        return GapImpact(key, worst.title, worst.path, worst.gap or "", _action(worst, self.context), tuple(steps), gain[0], gain[1], gain[2])

    def monte_carlo(self, runs: int = 1000, seed: int = 0, scenario: Scenario = Scenario()) -> MonteCarlo:
        """`runs` runs where seams fail at their `failure_rate` and people answer in a time drawn
        around their `response_time`; deterministic for a given seed."""
        base = self.run(scenario)
        rng = random.Random(seed)
        plans = [(step, base.step(step.name), self._seam_risks(base.step(step.name))) for step in self.order]
        finished: list[float] = []
        for _ in range(runs):
            ends: dict[str, float | None] = {}
            for step, planned, seams in plans:
                if planned.decision == "blocked" or any(ends.get(name) is None for name in step.after):
                    ends[step.name] = None
                    continue
                start = max((ends[name] for name in step.after), default=0.0)
                wait = max((self._draw_wait(f, rng) for f in planned.findings if f.verdict == "escalated"), default=0.0)
                delay, broken = 0.0, False
                for rate, recovery, owner in seams:
                    if rng.random() < rate:
                        if owner is None:
                            broken = True
                        delay = max(delay, recovery)
                ends[step.name] = None if broken else start + wait + delay + step.hours
            if all(end is not None for end in ends.values()) and ends:
                finished.append(max(ends.values()))
        deadline = self.program.deadline_hours
        on_time = sum(1 for h in finished if h <= deadline) if deadline is not None else None
        return MonteCarlo(runs, seed, len(finished), on_time, deadline, tuple(sorted(round(h, 3) for h in finished)))

    def _draw_wait(self, finding: Finding, rng: random.Random) -> float:
        return finding.wait_hours * math.exp(rng.gauss(0.0, RESPONSE_SPREAD))  # the median stays the note's response_time

    def _seam_risks(self, step: StepRun) -> list[tuple[float, float, str | None]]:
        """(chance it fails, hours to recover, owner) for each seam the step reads."""
        risks = []
        for f in step.findings:
            seam = self.context.seams.get(f.path) if f.path else None
            note = self.context.notes.get(f.path) if f.path else None
            if seam is None or note is None:
                continue
            rate = seam.failure_rate if seam.failure_rate is not None else SEAM_FAILURE_BY_STATE.get(note.state, 0.1)
            risks.append((rate, seam.recovery_hours, note.owners[0] if note.owners else None))
        return risks


_EVENT_ORDER = {"finish": 0, "block": 1, "start": 2, "assume": 3, "escalate": 4, "resume": 5}
_GAP_ORDER = ("stale", "partial", "trapped", "agent scope", "stub", "owner away", "no owner", "unwritten", "system down")


def _sort_key(findings: list[Finding], steps: list[str]) -> tuple:
    worst = max(DECISIONS.index(f.verdict) for f in findings)
    return (worst, len(steps), findings[0].title.casefold())


def _in_order(steps: tuple[Step, ...]) -> list[Step]:
    """Steps in an order where each comes after the ones it waits for (as written, where free);
    steps caught in a cycle, or after one, are left out."""
    by_name = {s.name: s for s in steps}
    done: set[str] = set()
    order: list[Step] = []
    progress = True
    while progress:
        progress = False
        for step in steps:
            if step.name not in done and all(name in done or name not in by_name for name in step.after):
                order.append(step)
                done.add(step.name)
                progress = True
    return order


def _places(note: NoteCoverage) -> str:
    return words.in_places([p for p in note.lives_in if p in TRAPPED_PLACES] or ["head"])


def _notes(finding: Finding) -> tuple[str, ...]:
    return (finding.path,) if finding.path else ()


def _blocking_notes(findings: tuple[Finding, ...]) -> tuple[str, ...]:
    return tuple(f.path or f.title for f in findings if f.verdict == "blocked")


def _action(finding: Finding, context: Context) -> str:
    title = finding.title
    return {
        "unwritten": f"Write {title}",
        "stub": f"Fill in {title}",
        "trapped": f"Write down what {_holders(finding, context)} {'know' if ' and ' in _holders(finding, context) else 'knows'} about {title}",
        "no owner": f"Name an owner for {title}",
        "owner away": f"Name a backup for the owner of {title}",
        "partial": f"Fill in {title}: " + ", ".join(m.removeprefix("no ") for m in finding.reason.split(": ", 1)[-1].split(", ")),
        "stale": f"Review {title}",
        "agent scope": f"Let {title} act in {finding.detail} (add it to its acts_in), or give the step to a person",
    }.get(finding.gap or "", f"Check {title}")


def _holders(finding: Finding, context: Context) -> str:
    note = context.notes.get(finding.path) if finding.path else None
    names = [context.titles.get(o, o) for o in (note.owners if note else ())]
    return " and ".join(names) if names else "the people who hold it"


def format_hours(hours: float | None) -> str:
    if hours is None:
        return "never"
    if hours < 24:
        return f"{hours:.0f}h" if hours == int(hours) else f"{hours:.1f}h"
    days = hours / 24
    return f"{days:.0f}d" if abs(days - round(days)) < 0.05 else f"{days:.1f}d"


def lanes_of(run: Run) -> list[str]:
    """The lanes a run's steps are in, as they are shown: B2B, B2C, then shared work."""
    order = list(LANES.values())
    return sorted({s.lane for s in run.steps}, key=lambda lane: order.index(lane) if lane in order else len(order))


def planned(program: Program) -> dict[str, tuple[float, float]]:
    """The plan a run is measured against: when each step would start and end if every step proceeded,
    its own `duration` after the steps it comes after, with no waits and no blocks. A step caught in a
    cycle, or after one, has no plan (it can never start)."""
    plan: dict[str, tuple[float, float]] = {}
    for step in _in_order(program.steps):
        start = max((plan[name][1] for name in step.after if name in plan), default=0.0)
        plan[step.name] = (start, start + step.hours)
    return plan


def late_words(hours: float | None, deadline: float | None) -> str:
    """An end against the deadline: "2d late", "on time"; "" without a deadline or an end."""
    if hours is None or deadline is None:
        return ""
    return f"{format_hours(hours - deadline)} late" if hours > deadline else "on time"


def blocked_words(findings: tuple[Finding, ...], blocked_by: tuple[str, ...] = ()) -> str:
    """Why a step is blocked, in a few words: "blocked — Territory Rules was never written"."""
    said = [stop_words(f) for f in findings if f.verdict == "blocked"]
    said += [f"waits for '{name}', which is blocked" for name in blocked_by]
    return "blocked — " + ("; ".join(said) or "it cannot start")


def stop_words(finding: Finding) -> str:
    """What a piece of context that stops a step says, in a few words."""
    if finding.gap == "unwritten":
        return f"{finding.title} was never written"
    return finding.why or finding.reason


def callout_words(event: Event) -> str | None:
    """A wait or a block in a few words, as the timeline's callout and the run's clock line say it:
    "asks Chris Park — Expansion-Ready Accounts lives only in someone's head and Slack"; None for other events."""
    return (event.why or event.text) if event.kind in ("escalate", "block") else None


def finish_words(run: Run) -> str:
    """How the run ends, without its confidence: "finishes in 16d, 2d late", "never finishes: 2 of 5 steps blocked"."""
    if run.finished:
        late = late_words(run.hours, run.program.deadline_hours)
        return f"finishes in {format_hours(run.hours)}{', ' + late if late else ''}"
    if not run.steps:
        return "nothing to run"
    return f"never finishes: {run.blocked} of {words.counted(len(run.steps), 'step')} blocked"


def outcome_words(run: Run) -> str:
    """How the run ends, in a few words: "finishes in 16d, 2d late, confidence 93%"."""
    return f"{finish_words(run)}, confidence {run.confidence * 100:.0f}%" if run.steps else finish_words(run)


def gap_effect_words(gap: GapImpact) -> str:
    """What fixing a gap does to the run: "unblocks 2 steps; saves 3d: Route launch leads to sales"."""
    parts = []
    if gap.unblocks:
        parts.append(f"unblocks {words.counted(gap.unblocks, 'step')}")
    if gap.hours_saved:
        parts.append(f"saves {format_hours(gap.hours_saved)}")
    if gap.confidence_gain > 0:
        parts.append(f"+{gap.confidence_gain * 100:.0f}% confidence")
    return f"{'; '.join(parts) or 'held back'}: {', '.join(gap.steps)}"


def run_json(run: Run, impact: Impact | None = None, monte_carlo: MonteCarlo | None = None, baseline: Run | None = None) -> dict:
    """The documented JSON form of a run (README, "Simulation as JSON")."""
    program = run.program
    data = {
        "program": {"path": program.path, "title": program.title, "motion": program.motion, "deadline_hours": program.deadline_hours},
        "scenario": {key: sorted(getattr(run.scenario, key)) for key in ("assume_fixed", "absent", "down")},
        "finished": run.finished,
        "hours": run.hours,
        "confidence": run.confidence,
        "counts": run.counts,
        "steps": [_step_json(step) for step in run.steps],
        "events": [
            {"hours": round(e.hours, 3), "step": e.step, "kind": e.kind, "text": e.text, "notes": list(e.notes)} for e in run.events
        ],
        "problems": list(program.problems),
    }
    if baseline is not None:
        data["baseline"] = {
            "finished": baseline.finished, "hours": baseline.hours, "confidence": baseline.confidence, "counts": baseline.counts,
            "changed_steps": [
                {"name": new.name, "was": old.decision, "now": new.decision, "end_was": old.end, "end_now": new.end}
                for old, new in zip(baseline.steps, run.steps) if (old.decision, old.end) != (new.decision, new.end)
            ],
        }
    if impact is not None:
        data["gaps"] = [
            {"key": g.key, "title": g.title, "path": g.path, "gap": g.gap, "action": g.action, "steps": list(g.steps),
             "unblocks": g.unblocks, "hours_saved": g.hours_saved, "confidence_gain": g.confidence_gain}
            for g in impact.gaps
        ]
        fixed = impact.fixed_run
        data["fix_first"] = {"keys": list(impact.fix_first), "finished": fixed.finished, "hours": fixed.hours,
                             "confidence": fixed.confidence, "blocked": fixed.blocked}
    if monte_carlo is not None:
        mc = monte_carlo
        data["monte_carlo"] = {
            "runs": mc.runs, "seed": mc.seed, "finished": mc.finished, "on_time": mc.on_time,  # counts of runs (documented)
            "finished_share": _share(mc.finished, mc.runs), "on_time_share": None if mc.on_time is None else _share(mc.on_time, mc.runs),
            "deadline_hours": mc.deadline_hours,
            "p10_hours": mc.percentile(0.1), "p50_hours": mc.percentile(0.5), "p90_hours": mc.percentile(0.9),
            "histogram": [{"from_hours": round(a, 3), "to_hours": round(b, 3), "runs": n} for a, b, n in mc.histogram()],
        }
    return data


def _share(part: int, whole: int) -> float:
    """A share from 0 to 1, as the JSON's other shares are (confidence, overall)."""
    return round(part / whole, 3) if whole else 0.0


def _step_json(step: StepRun) -> dict:
    return {
        "name": step.name, "lane": step.lane, "agent": step.agent, "decision": step.decision,
        "start_hours": round(step.start, 3), "wait_hours": round(step.wait, 3), "end_hours": None if step.end is None else round(step.end, 3),
        "work_hours": step.hours, "confidence": step.confidence, "reasons": list(step.reasons), "blocked_by": list(step.blocked_by),
        "context": [
            {"key": f.key, "title": f.title, "path": f.path, "role": f.role, "verdict": f.verdict, "reason": f.reason, "gap": f.gap,
             "confidence_cost": f.cost, "wait_hours": f.wait_hours, "ask": f.ask}
            for f in step.findings
        ],
    }
