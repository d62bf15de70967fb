"""Coverage: how much of what the blueprint asks for the vault knows, and where it lives.

`compute(facts, blueprint, today)` is pure: plain facts about notes in, a `CoverageReport`
out. `store.coverage_facts.read_facts(db)` reads those facts from the index.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from store.blueprint import Blueprint, Slot, TypeSpec

STATES = ("known_unknown", "stub", "partial", "stale", "covered")
RISK_ORDER = ("trapped", "narrow", "unstructured", "structured")
MOTIONS = ("b2b", "b2c", "shared", "unset")
STUB_CHARS = 120  # a body shorter than this, with most slots empty, is a stub


class LinkFact(NamedTuple):
    rel: str
    target_path: str | None
    target_type: str | None
    target: str  # as written
    inverse: bool = False  # read from the other note's side (its `owner_of` fills this one's `owner`)


class NoteFacts(NamedTuple):
    path: str
    title: str
    type: str
    motion: str | None
    reviewed: str | None
    lives_in: tuple[str, ...]
    body_chars: int
    fields: set[str]  # normalised keys that hold a value
    links: list[LinkFact] | tuple[LinkFact, ...]
    linked_from: int  # links in from other notes
    links_out: int


@dataclass(frozen=True)
class UnknownFacts:
    target: str
    sources: tuple[str, ...]
    rels: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    notes: tuple[NoteFacts, ...]
    unknowns: tuple[UnknownFacts, ...]


class NoteCoverage(NamedTuple):
    path: str | None  # None for a known unknown
    title: str
    type: str
    motion: str
    state: str
    score: float
    missing: tuple[str, ...]
    risk: str
    lives_in: tuple[str, ...]
    reviewed: str | None
    stale: bool
    owners: tuple[str, ...]  # paths of the people or teams that own it
    referenced_by: int

    @property
    def summary(self) -> str:
        return f"{self.title}: {', '.join(self.missing)}" if self.missing else self.title


@dataclass(frozen=True)
class AreaCoverage:
    type: str
    label: str
    motion: str  # one of MOTIONS, or "all"
    counts: dict[str, int]
    score: float
    total: int


@dataclass(frozen=True)
class PersonRisk:
    path: str
    title: str
    sole_owner_of: tuple[str, ...]
    held_in_head: tuple[str, ...]

    @property
    def orphaned(self) -> int:
        return len(set(self.sole_owner_of) | set(self.held_in_head))


@dataclass(frozen=True)
class CoverageReport:
    today: str
    overall: float
    counts: dict[str, int]
    areas: tuple[AreaCoverage, ...]
    notes: tuple[NoteCoverage, ...]
    known_unknowns: tuple[NoteCoverage, ...]
    trapped: tuple[NoteCoverage, ...]
    stale: tuple[NoteCoverage, ...]
    orphans: tuple[str, ...]
    seams_missing_a_side: tuple[NoteCoverage, ...]
    bus_factor: tuple[PersonRisk, ...]
    where_it_lives: dict[str, dict[str, int]]
    unclassified: tuple[str, ...] = ()
    blueprint_problems: tuple[str, ...] = field(default=())

    def note(self, path: str) -> NoteCoverage | None:
        return next((n for n in self.notes if n.path == path), None)


def compute(facts: Facts, blueprint: Blueprint, today: dt.date, reuse: dict | None = None) -> CoverageReport:
    """The report. `reuse` maps a path to (its NoteFacts, its NoteCoverage) from an earlier report
    on the same blueprint and day: a note whose facts are that very object is not judged again."""
    types_of = {n.path: n.type for n in facts.notes}
    classified = sorted((n for n in facts.notes if n.type in blueprint.types), key=lambda n: n.path)
    reuse = reuse or {}
    notes = tuple(
        earlier[1] if (earlier := reuse.get(n.path)) is not None and earlier[0] is n
        else _note_coverage(n, blueprint.types[n.type], blueprint, today)
        for n in classified
    )
    motion_of = {n.path: n.motion for n in facts.notes}
    unknowns = tuple(_unknown_coverage(u, blueprint, types_of, motion_of) for u in facts.unknowns)
    everything = notes + unknowns
    by_path = {n.path: n for n in notes}
    return CoverageReport(
        today=today.isoformat(),
        overall=_mean(c.score for c in everything),
        counts=dict(Counter(c.state for c in everything)),
        areas=_areas(everything, blueprint),
        notes=notes,
        known_unknowns=tuple(sorted(unknowns, key=lambda u: (-u.referenced_by, u.title.lower()))),
        trapped=tuple(n for n in notes if n.risk == "trapped"),
        stale=tuple(sorted((n for n in notes if n.stale), key=lambda n: n.reviewed or "")),
        orphans=tuple(n.path for n in classified if n.linked_from == 0 and n.links_out == 0),
        seams_missing_a_side=tuple(by_path[n.path] for n in classified if n.type == "seam" and not _has_both_sides(n)),
        bus_factor=_bus_factor(notes, facts, types_of),
        where_it_lives=_where_it_lives(notes, blueprint),
        unclassified=tuple(sorted(n.path for n in facts.notes if n.type not in blueprint.types)),
        blueprint_problems=tuple(map(str, blueprint.problems)),
    )


def _note_coverage(note: NoteFacts, spec: TypeSpec, blueprint: Blueprint, today: dt.date) -> NoteCoverage:
    """A pure function of the note's own facts: what makes reusing it safe."""
    missing = [reason for slot in spec.slots if (reason := _unfilled(slot, note)) is not None]
    filled = 1.0 - len(missing) / len(spec.slots) if spec.slots else 1.0
    stale = _is_stale(note.reviewed, spec.fresh_days, today)
    stub = note.body_chars < STUB_CHARS and filled < 0.5
    state = "stub" if stub else "partial" if missing else "stale" if stale else "covered"
    score = 0.8 * filled + (0.0 if stale else 0.2)
    if stub:
        score /= 2
    if stale:
        missing.append("never reviewed" if not note.reviewed else f"last reviewed {note.reviewed}")
    owners = tuple(sorted({l.target_path for l in note.links if l.rel == "owner" and l.target_path and l.target_type in ("person", "team")}))
    return NoteCoverage(
        path=note.path, title=note.title, type=note.type, motion=note.motion or "unset", state=state, score=round(score, 3),
        missing=tuple(missing), risk=_risk(note.lives_in, blueprint), lives_in=note.lives_in, reviewed=note.reviewed,
        stale=stale, owners=owners, referenced_by=note.linked_from,
    )


def _unfilled(slot: Slot, note: NoteFacts) -> str | None:
    """None when the note fills the slot, else what is missing, in plain words."""
    words = slot.name.replace("_", " ")
    if slot.kind == "text":
        filled = slot.name in note.fields or any(l.rel == slot.name and not l.inverse for l in note.links)
        return None if filled else f"no {words}"
    links = [l for l in note.links if l.rel == slot.name]
    if not links:
        return None if slot.name in note.fields else f"no {words}"
    if any(l.target_path is None or not slot.types or l.target_type in slot.types for l in links):
        return None
    wrong = min(links, key=lambda link: link.target.casefold())  # the same message whichever order links were read in
    return f"{words} points at {wrong.target} (a {wrong.target_type}), not a {' or '.join(slot.types)}"


def _is_stale(reviewed: str | None, fresh_days: int, today: dt.date) -> bool:
    if not reviewed:
        return True
    try:
        return (today - dt.date.fromisoformat(reviewed)).days > fresh_days
    except ValueError:
        return True


def _risk(lives_in: tuple[str, ...], blueprint: Blueprint) -> str:
    risks = {blueprint.risks[kind] for kind in lives_in if kind in blueprint.risks}
    return next((risk for risk in RISK_ORDER if risk in risks), "unknown")


def _unknown_coverage(unknown: UnknownFacts, blueprint: Blueprint, types_of: dict, motion_of: dict) -> NoteCoverage:
    expected = _expected_type(unknown, blueprint, types_of)
    motions = Counter(motion_of[s] for s in unknown.sources if motion_of.get(s))
    return NoteCoverage(
        path=None, title=unknown.target, type=expected, motion=motions.most_common(1)[0][0] if motions else "unset",
        state="known_unknown", score=0.0, missing=(f"not written yet; {len(unknown.sources)} notes refer to it",),
        risk="unknown", lives_in=(), reviewed=None, stale=False, owners=(), referenced_by=len(unknown.sources),
    )


def _expected_type(unknown: UnknownFacts, blueprint: Blueprint, types_of: dict) -> str:
    """What the unwritten note would be, from the slots that point at it (a seam's `owner` is a person)."""
    votes: Counter = Counter()
    for source in unknown.sources:
        spec = blueprint.types.get(types_of.get(source, ""))
        for slot in spec.slots if spec else ():
            if slot.name in unknown.rels and slot.types:
                votes[slot.types[0]] += 1  # the first type a slot lists is the one it usually means
    return votes.most_common(1)[0][0] if votes else "unknown"


def _has_both_sides(note: NoteFacts) -> bool:
    ends = {l.rel for l in note.links if l.rel in ("from", "to") and not l.inverse and l.target_type in ("system", None)}
    return ends == {"from", "to"}


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 3) if values else 0.0


def _areas(items: tuple[NoteCoverage, ...], blueprint: Blueprint) -> tuple[AreaCoverage, ...]:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    scores: dict[tuple[str, str], float] = defaultdict(float)
    for item in items:
        for cell in ((item.type, item.motion), (item.type, "all")):
            counts[cell][item.state] += 1
            scores[cell] += item.score
    areas = []
    for type_name in [*blueprint.types, "unknown"]:
        label = blueprint.types[type_name].label if type_name in blueprint.types else "Unclassified"
        for motion in (*MOTIONS, "all"):
            cell = counts.get((type_name, motion), Counter())
            total = sum(cell.values())
            if total or (motion == "all" and type_name in blueprint.types):
                mean = round(scores[(type_name, motion)] / total, 3) if total else 0.0
                areas.append(AreaCoverage(type_name, label, motion, {state: cell[state] for state in STATES}, mean, total))
    return tuple(areas)


def _bus_factor(notes: tuple[NoteCoverage, ...], facts: Facts, types_of: dict) -> tuple[PersonRisk, ...]:
    sole: dict[str, list[str]] = defaultdict(list)
    held: dict[str, list[str]] = defaultdict(list)
    for note in notes:
        if not note.owners:
            continue
        people = [p for p in note.owners if types_of.get(p) == "person"]
        if len(note.owners) == 1 and people:
            sole[people[0]].append(note.path)
        if "head" in note.lives_in:
            for person in people:
                held[person].append(note.path)
    titles = {n.path: n.title for n in facts.notes}
    risks = [
        PersonRisk(person, titles.get(person, person), tuple(sole.get(person, ())), tuple(held.get(person, ())))
        for person in set(sole) | set(held)
    ]
    return tuple(sorted(risks, key=lambda r: (-r.orphaned, r.title)))


def _where_it_lives(notes: tuple[NoteCoverage, ...], blueprint: Blueprint) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {name: {} for name in blueprint.types}
    for note in notes:
        row = table[note.type]
        for kind in note.lives_in or ("unsaid",):
            row[kind] = row.get(kind, 0) + 1
    return table


@dataclass(frozen=True)
class Gap:
    """One thing to write or fix, with how much it is worth doing."""

    kind: str  # "write", "fill", "free" (trapped knowledge), "review"
    title: str
    path: str | None
    type: str
    what: str
    value: float


GAP_WEIGHTS = {"write": 1.0, "fill": 0.8, "free": 0.7, "review": 0.3}


def gaps(report: CoverageReport) -> tuple[Gap, ...]:
    """What to write or fix next, most valuable first: what many notes rely on, and what is at risk."""
    found = []
    for unknown in report.known_unknowns:
        found.append(Gap("write", unknown.title, None, unknown.type,
                         f"Write it: {unknown.referenced_by} note{'s' if unknown.referenced_by != 1 else ''} refer to it",
                         GAP_WEIGHTS["write"] * (1 + unknown.referenced_by)))
    for note in report.notes:
        weight = 1 + note.referenced_by
        slots = [m for m in note.missing if not m.startswith(("last reviewed", "never reviewed"))]
        if slots:
            found.append(Gap("fill", note.title, note.path, note.type, "Fill in: " + ", ".join(slots),
                             GAP_WEIGHTS["fill"] * weight * (0.5 + 0.5 * min(len(slots), 4) / 4)))
        if note.risk == "trapped":
            places = ", ".join(kind for kind in note.lives_in if kind in ("head", "slack", "email"))
            found.append(Gap("free", note.title, note.path, note.type, f"Write it down: today it lives in {places}", GAP_WEIGHTS["free"] * weight))
        if note.stale:
            when = f"last reviewed {note.reviewed}" if note.reviewed else "never reviewed"
            found.append(Gap("review", note.title, note.path, note.type, f"Review it: {when}", GAP_WEIGHTS["review"] * weight))
    return tuple(sorted(found, key=lambda g: (-g.value, g.kind, g.title.lower())))


def report_json(report: CoverageReport, area: str | None = None, motion: str | None = None) -> dict:
    """The documented JSON form (README, "Coverage as JSON"); lists of notes name them by path."""

    def keep(item) -> bool:
        return (area is None or item.type == area) and (motion is None or item.motion == motion)

    def note(item: NoteCoverage) -> dict:
        return {
            "path": item.path, "title": item.title, "type": item.type, "motion": item.motion, "state": item.state,
            "score": item.score, "missing": list(item.missing), "risk": item.risk, "lives_in": list(item.lives_in),
            "reviewed": item.reviewed, "stale": item.stale, "owners": list(item.owners), "referenced_by": item.referenced_by,
        }

    notes = [n for n in report.notes if keep(n)]
    unknowns = [u for u in report.known_unknowns if keep(u)]
    return {
        "format": "substrate.coverage/1",
        "today": report.today,
        "overall": report.overall if area is None and motion is None else _mean(n.score for n in [*notes, *unknowns]),
        "counts": report.counts,
        "areas": [
            {"type": a.type, "label": a.label, "motion": a.motion, "total": a.total, "score": a.score, "counts": a.counts}
            for a in report.areas if (area is None or a.type == area) and (motion is None or a.motion in (motion, "all"))
        ],
        "notes": [note(n) for n in notes],
        "known_unknowns": [note(u) for u in unknowns],
        "trapped": [n.path for n in report.trapped if keep(n)],
        "stale": [n.path for n in report.stale if keep(n)],
        "orphans": [p for p in report.orphans if area is None or report.note(p) and report.note(p).type == area],
        "seams_missing_a_side": [n.path for n in report.seams_missing_a_side if keep(n)],
        "bus_factor": [
            {"person": p.path, "title": p.title, "orphaned": p.orphaned, "sole_owner_of": list(p.sole_owner_of), "held_in_head": list(p.held_in_head)}
            for p in report.bus_factor
        ],
        "where_it_lives": {t: row for t, row in report.where_it_lives.items() if area is None or t == area},
        "unclassified": list(report.unclassified),
        "blueprint_problems": list(report.blueprint_problems),
    }
