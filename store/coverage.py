"""Coverage: how much of what the blueprint asks for the vault knows, and where it lives.

`CoverageState` is pure: plain facts about notes in (read from the index by
`store.coverage_facts`), a `CoverageReport` out. It keeps its sums note by note, so after a
change only the notes the change touched are judged again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, NamedTuple

from store import words
from store.blueprint import Blueprint, TypeSpec

STATES = tuple(words.STATES)  # least complete first
RISK_ORDER = tuple(words.RISKS)  # worst first
MOTIONS = ("b2b", "b2c", "shared", "unset")
STUB_CHARS = 120  # a body shorter than this, with most slots empty, is a stub
UNTYPED = "unknown"  # the type of a known unknown whose links say nothing of what it would be


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
    fields: set[str] | frozenset[str]  # normalised keys that hold a value
    links: list[LinkFact] | tuple[LinkFact, ...]
    linked_from: int  # links in from other notes
    links_out: int


class UnknownLink(NamedTuple):
    """A link that no note answers to: the stuff of known unknowns."""

    source: str
    key: str  # links with the same key name the same unwritten note
    target: str  # as written
    rel: str


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
    partly_trapped: tuple[NoteCoverage, ...] = ()
    problems: int = 0  # what the Problems panel lists: the notes' problems in the index and the blueprint's

    def note(self, path: str) -> NoteCoverage | None:
        return self._by_path.get(path)

    @cached_property
    def _by_path(self) -> dict[str, NoteCoverage]:
        """The judged notes by path, made once per report: a scan of 10,000 cost milliseconds per look-up."""
        return {n.path: n for n in self.notes}

    @property
    def empty_areas(self) -> tuple[AreaCoverage, ...]:
        """Areas the blueprint asks for with no note at all, written or linked to: a whole missing area."""
        return tuple(a for a in self.areas if a.motion == "all" and not a.total)

    def notes_by_place(self) -> dict[str, dict[str, int]]:
        """Per area of the blueprint (an empty one too), its notes, each counted once at the safest place it
        lives (`words.PLACES` runs from structured to trapped; a note that says nowhere is "unsaid"): an area's
        places add up to its notes, and its trapped places to its trapped notes."""
        safety = {key: rank for rank, key in enumerate(words.PLACES)}
        counts: dict[str, Counter] = {area: Counter() for area in self.where_it_lives}
        for note in self.notes:
            if note.type in counts:
                counts[note.type][min(note.lives_in, key=lambda k: safety.get(k, len(safety))) if note.lives_in else "unsaid"] += 1
        return {area: dict(places) for area, places in counts.items()}

    def totals(self) -> Totals:
        return Totals(
            notes=len(self.notes) + len(self.unclassified), judged=len(self.notes), unclassified=len(self.unclassified),
            known_unknowns=len(self.known_unknowns), untyped_unknowns=sum(1 for u in self.known_unknowns if u.type == UNTYPED),
            **{state: self.counts.get(state, 0) for state in STATES if state != "known_unknown"},
            trapped=len(self.trapped), partly_trapped=len(self.partly_trapped), orphans=len(self.orphans),
            problems=self.problems, empty_areas=len(self.empty_areas), overall=self.overall,
        )


@dataclass(frozen=True)
class Totals:
    """The brain's counts, each defined once here; the status bar, the map, the CLI, MCP, the bundle
    report and the workshop summary all show these numbers (README, "Coverage as JSON", `totals`)."""

    notes: int  # notes written in the vault, of any type
    judged: int  # of those, the notes of a type the blueprint knows (the others are `unclassified`)
    unclassified: int
    known_unknowns: int  # distinct names notes link to that nobody wrote (names, not links)
    untyped_unknowns: int  # of those, the ones whose links say nothing of their type
    stub: int  # the coverage states are exclusive: every judged note is in exactly one
    partial: int
    stale: int  # complete but not reviewed within the area's fresh days (a partial note overdue for review is partial)
    covered: int
    trapped: int  # lives only in heads, Slack or email (every place it lives is a trapped one)
    partly_trapped: int  # lives partly there, partly somewhere an orchestrator can read
    orphans: int  # no link in or out
    problems: int
    empty_areas: int  # areas of the blueprint with no note at all
    overall: float  # share 0-1: the mean score of the judged notes and known unknowns

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def compute(notes: Iterable[NoteFacts], unknown_links: Iterable[UnknownLink], blueprint: Blueprint, today: dt.date) -> CoverageReport:
    state = CoverageState(blueprint, today)
    notes = tuple(notes)
    state.update([n.path for n in notes], notes, unknown_links)
    return state.report()


class CoverageState:
    """The vault's coverage as running sums: each note adds its share, and a change takes the
    old share away before adding the new one, so an edit costs the notes it touched, not the vault."""

    def __init__(self, blueprint: Blueprint, today: dt.date):
        self.blueprint, self.today = blueprint, today
        self._judge = Judge(blueprint, today)
        self.facts: dict[str, NoteFacts] = {}
        self.judged: dict[str, NoteCoverage] = {}  # classified notes only
        self._order: list[str] | None = []  # paths of judged notes, sorted; None until sorted again
        self._cells: dict[tuple[str, str, str], int] = {}  # (type, motion, state) -> notes; state "milli": the sum of scores x 1000
        self._where: dict[str, Counter] = defaultdict(Counter)
        self._sets: dict[str, set[str]] = defaultdict(set)  # trapped, stale, orphans, one_sided, unclassified
        self._sole: dict[str, set[str]] = defaultdict(set)
        self._held: dict[str, set[str]] = defaultdict(set)
        self._unknown_links: dict[str, list[UnknownLink]] = {}  # by source
        self._unknown_groups: dict[str, dict[str, list[UnknownLink]]] = defaultdict(dict)  # key -> source -> links
        self._unknowns: dict[str, NoteCoverage] = {}  # by key

    def update(self, paths: Iterable[str], notes: Iterable[NoteFacts], unknown_links: Iterable[UnknownLink]) -> None:
        """Replace what is known of `paths` by `notes` (those still there) and the unresolved links from them."""
        paths = set(paths)
        keys = set()
        for path in paths:
            self._forget(path)
            for link in self._unknown_links.pop(path, ()):
                keys.add(link.key)
                self._unknown_groups[link.key].pop(path, None)
        for note in notes:
            self._learn(note)
        for link in unknown_links:
            self._unknown_links.setdefault(link.source, []).append(link)
            self._unknown_groups[link.key].setdefault(link.source, []).append(link)
            keys.add(link.key)
        for key in keys:  # an unknown depends on its sources' facts too: they were all in `paths`
            self._rejudge_unknown(key)

    def _forget(self, path: str) -> None:
        facts = self.facts.pop(path, None)
        if facts is None:
            return
        judged = self.judged.pop(path, None)
        if judged is None:
            self._sets["unclassified"].discard(path)
            return
        self._order = None
        self._tally(judged, -1)
        self._tally_note(facts, judged, set.discard, -1)

    def _learn(self, facts: NoteFacts) -> None:
        self.facts[facts.path] = facts
        if facts.type not in self.blueprint.types:
            self._sets["unclassified"].add(facts.path)
            return
        judged = self.judged[facts.path] = self._judge(facts)
        self._order = None
        self._tally(judged, 1)
        self._tally_note(facts, judged, set.add, 1)

    def _tally(self, item: NoteCoverage, sign: int) -> None:
        cells, kind, state = self._cells, item.type, item.state
        milli = round(item.score * 1000) * sign
        for cell in ((kind, item.motion, state), (kind, "all", state), ("", "", state)):
            cells[cell] = cells.get(cell, 0) + sign
        for cell in ((kind, item.motion, "milli"), (kind, "all", "milli"), ("", "", "milli")):
            cells[cell] = cells.get(cell, 0) + milli

    def _tally_note(self, facts: NoteFacts, judged: NoteCoverage, change, sign: int) -> None:
        """The note's share of the lists and tables; `change` is set.add or set.discard, `sign` 1 or -1."""
        path, sets = facts.path, self._sets
        row = self._where[judged.type]
        for kind in judged.lives_in or ("unsaid",):
            row[kind] += sign
        trapped = self._judge.trapped(judged.lives_in)
        if trapped:
            change(sets["trapped" if trapped == "all" else "partly_trapped"], path)
        if judged.state == "stale":  # the list named after a state holds that state's notes, no others
            change(sets["stale"], path)
        if facts.linked_from == 0 and facts.links_out == 0:
            change(sets["orphans"], path)
        if facts.type == "seam" and not _has_both_sides(facts):
            change(sets["one_sided"], path)
        if not judged.owners:
            return
        people = sorted({l.target_path for l in facts.links if l.rel == "owner" and l.target_path in judged.owners and l.target_type == "person"})
        if len(judged.owners) == 1 and people:
            change(self._sole[people[0]], path)
        if "head" in judged.lives_in:
            for person in people:
                change(self._held[person], path)

    def _rejudge_unknown(self, key: str) -> None:
        old = self._unknowns.pop(key, None)
        if old is not None:
            self._tally(old, -1)
        group = self._unknown_groups.get(key)
        if not group:
            self._unknown_groups.pop(key, None)
            return
        new = self._unknowns[key] = self._judge.unknown(group, self.facts)
        self._tally(new, 1)

    def report(self) -> CoverageReport:
        judged, sets, cells = self.judged, self._sets, self._cells
        if self._order is None:
            self._order = sorted(judged)
        total = sum(cells.get(("", "", state), 0) for state in STATES)
        return CoverageReport(
            today=self.today.isoformat(),
            overall=round(cells.get(("", "", "milli"), 0) / 1000 / total, 3) if total else 0.0,
            counts={state: n for state in STATES if (n := cells.get(("", "", state), 0))},
            areas=self._areas(),
            notes=tuple(judged[path] for path in self._order),
            known_unknowns=tuple(sorted(self._unknowns.values(), key=lambda u: (-u.referenced_by, u.title.lower(), u))),
            trapped=tuple(judged[path] for path in sorted(sets["trapped"])),
            stale=tuple(sorted((judged[path] for path in sets["stale"]), key=lambda n: (n.reviewed or "", n.path))),
            orphans=tuple(sorted(sets["orphans"])),
            seams_missing_a_side=tuple(judged[path] for path in sorted(sets["one_sided"])),
            bus_factor=self._bus_factor(),
            where_it_lives={name: {kind: n for kind, n in sorted(self._where[name].items()) if n} for name in self.blueprint.types},
            unclassified=tuple(sorted(sets["unclassified"])),
            blueprint_problems=tuple(map(str, self.blueprint.problems)),
            partly_trapped=tuple(judged[path] for path in sorted(sets["partly_trapped"])),
            problems=len(self.blueprint.problems),
        )

    def _areas(self) -> tuple[AreaCoverage, ...]:
        """One row per area of the blueprint, even one with no notes (a whole missing area). Known
        unknowns of no known type are no area: they are counted and listed as known unknowns."""
        areas, cells = [], self._cells
        for type_name, spec in self.blueprint.types.items():
            for motion in (*MOTIONS, "all"):
                counts = {state: cells.get((type_name, motion, state), 0) for state in STATES}
                total = sum(counts.values())
                if total or motion == "all":
                    mean = round(cells.get((type_name, motion, "milli"), 0) / 1000 / total, 3) if total else 0.0
                    areas.append(AreaCoverage(type_name, spec.label, motion, counts, mean, total))
        return tuple(areas)

    def _bus_factor(self) -> tuple[PersonRisk, ...]:
        risks = []
        for person in {p for p, paths in self._sole.items() if paths} | {p for p, paths in self._held.items() if paths}:
            facts = self.facts.get(person)
            risks.append(PersonRisk(
                person, facts.title if facts else person,
                tuple(sorted(self._sole.get(person, ()))), tuple(sorted(self._held.get(person, ()))),
            ))
        return tuple(sorted(risks, key=lambda r: (-r.orphaned, r.title, r.path)))


class _SlotCheck(NamedTuple):
    name: str
    link: bool
    types: tuple[str, ...]
    absent: str  # "no failure mode"
    words: str


class Judge:
    """Judges one note from its own facts: a pure function, which is what makes keeping judgements safe."""

    def __init__(self, blueprint: Blueprint, today: dt.date):
        self.blueprint, self.today = blueprint, today
        self._checks = {name: tuple(_checks(spec)) for name, spec in blueprint.types.items()}
        self._held_by = _held_by(blueprint)
        self._risks: dict[tuple[str, ...], str] = {}
        self._trapped: dict[tuple[str, ...], str | None] = {}
        self._stale: dict[tuple[str | None, int], bool] = {}  # a vault has few distinct review dates

    def __call__(self, note: NoteFacts) -> NoteCoverage:
        checks = self._checks[note.type]
        by_rel: dict[str, list[LinkFact]] = {}
        for link in note.links:
            by_rel.setdefault(link.rel, []).append(link)
        fields = note.fields
        missing = [reason for check in checks if (reason := _unfilled(check, fields, by_rel.get(check.name))) is not None]
        filled = 1.0 - len(missing) / len(checks) if checks else 1.0
        stale = self.stale(note.reviewed, self.blueprint.types[note.type].fresh_days)
        stub = note.body_chars < STUB_CHARS and filled < 0.5
        state = "stub" if stub else "partial" if missing else "stale" if stale else "covered"
        score = 0.8 * filled + (0.0 if stale else 0.2)
        if stub:
            score /= 2
        if stale:
            missing.append("never reviewed" if not note.reviewed else f"last reviewed {note.reviewed}")
        owner_links = by_rel.get("owner")
        owners = tuple(sorted({l.target_path for l in owner_links if l.target_path and l.target_type in ("person", "team")})) if owner_links else ()
        # positional: this runs for every note of the vault
        return NoteCoverage(
            note.path, note.title, note.type, note.motion or "unset", state, round(score, 3), tuple(missing),
            self.risk(note.lives_in), note.lives_in, note.reviewed, stale, owners, note.linked_from,
        )

    def stale(self, reviewed: str | None, fresh_days: int) -> bool:
        stale = self._stale.get((reviewed, fresh_days))
        if stale is None:
            stale = self._stale[(reviewed, fresh_days)] = is_stale(reviewed, fresh_days, self.today)
        return stale

    def trapped(self, lives_in: tuple[str, ...]) -> str | None:
        """"all" when every place the note lives is a trapped one (a head, Slack, email), "some" when
        only part of it is, else None."""
        if lives_in not in self._trapped:  # a vault has few distinct lists of places
            places = [self.blueprint.risks.get(kind) == "trapped" for kind in lives_in]
            self._trapped[lives_in] = "all" if places and all(places) else "some" if any(places) else None
        return self._trapped[lives_in]

    def risk(self, lives_in: tuple[str, ...]) -> str:
        risk = self._risks.get(lives_in)
        if risk is None:
            risks = {self.blueprint.risks[kind] for kind in lives_in if kind in self.blueprint.risks}
            risk = self._risks[lives_in] = next((r for r in RISK_ORDER if r in risks), "unknown")
        return risk

    def unknown(self, group: dict[str, list[UnknownLink]], facts: dict[str, NoteFacts]) -> NoteCoverage:
        """A note linked to and never written (`group`: the links to it, by source), judged from who links to it."""
        motions = Counter(facts[s].motion for s in group if s in facts and facts[s].motion)
        return NoteCoverage(
            path=None, title=_shown(min(link.target for links in group.values() for link in links)),
            type=self._expected_type(group, facts),
            motion=max(motions.items(), key=lambda m: (m[1], m[0]))[0] if motions else "unset",
            state="known_unknown", score=0.0, missing=(f"not written yet; {words.referred_to(len(group))}",),
            risk="unknown", lives_in=(), reviewed=None, stale=False, owners=(), referenced_by=len(group),
        )

    def _expected_type(self, group: dict[str, list[UnknownLink]], facts: dict[str, NoteFacts]) -> str:
        """What the unwritten note would be, from the slots that point at it (a seam's `owner` is a person),
        or from a relation read the other way: `subject_to:: [[Territory Rules]]` is `applies_to` from
        Territory Rules, a slot only policies have, so Territory Rules would be a policy."""
        votes: Counter = Counter()
        for source, links in group.items():
            rels = {link.rel for link in links}
            for check in self._checks.get(facts[source].type, ()) if source in facts else ():
                if check.name in rels and check.types:
                    votes[check.types[0]] += 1  # the first type a slot lists is the one it usually means
            for rel in rels:
                holder = self._held_by.get(self.blueprint.inverse(rel) or "")
                if holder:
                    votes[holder] += 1
        return max(votes.items(), key=lambda v: (v[1], v[0]))[0] if votes else UNTYPED


def _held_by(blueprint: Blueprint) -> dict[str, str]:
    """Each link slot that only one type of the blueprint has, and that type."""
    holders: dict[str, set[str]] = {}
    for name, spec in blueprint.types.items():
        for slot in spec.slots:
            if slot.kind != "text":
                holders.setdefault(slot.name, set()).add(name)
    return {slot: next(iter(types)) for slot, types in holders.items() if len(types) == 1}


def _checks(spec: TypeSpec) -> Iterable[_SlotCheck]:
    for slot in spec.slots:
        said = words.label_of(slot.name).lower()
        yield _SlotCheck(slot.name, slot.kind != "text", slot.types, f"no {said}", said)


def _unfilled(check: _SlotCheck, fields, links: list[LinkFact] | None) -> str | None:
    """None when the note fills the slot, else what is missing, in plain words."""
    if not check.link:
        return None if check.name in fields or (links and any(not l.inverse for l in links)) else check.absent
    if not links:
        return None if check.name in fields else check.absent
    if any(l.target_path is None or not check.types or l.target_type in check.types for l in links):
        return None
    wrong = min(links, key=lambda link: (link.target.casefold(), link.target))  # the same message whichever order links were read in
    return f"{check.words} points at {wrong.target} (a {wrong.target_type}), not a {' or '.join(check.types)}"


def is_stale(reviewed: str | None, fresh_days: int, today: dt.date) -> bool:
    if not reviewed:
        return True
    try:
        return (today - dt.date.fromisoformat(reviewed)).days > fresh_days
    except ValueError:
        return True


def _shown(target: str) -> str:
    """`../sources/Campaign QA Checklist.md` reads as `Campaign QA Checklist`."""
    name = target.rsplit("/", 1)[-1] if target.lower().endswith(".md") else target
    return name[:-3] if name.lower().endswith(".md") else name


def _has_both_sides(note: NoteFacts) -> bool:
    ends = {l.rel for l in note.links if l.rel in ("from", "to") and not l.inverse and l.target_type in ("system", None)}
    return ends == {"from", "to"}


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 3) if values else 0.0


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
    """What to write or fix next, most valuable first: what many notes rely on, and what is at risk.
    One gap per note: its most valuable fix names it and ranks it, and the line says every fix it needs."""
    found, partly = [], {n.path for n in report.partly_trapped}
    for unknown in report.known_unknowns:
        found.append(Gap("write", unknown.title, None, unknown.type,
                         f"Write it: {words.referred_to(unknown.referenced_by)}",
                         GAP_WEIGHTS["write"] * (1 + unknown.referenced_by)))
    for note in report.notes:
        weight = 1 + note.referenced_by
        fixes = []
        slots = [m for m in note.missing if not m.startswith(("last reviewed", "never reviewed"))]
        if slots:
            fixes.append(("fill", "Fill in: " + ", ".join(slots), GAP_WEIGHTS["fill"] * weight * (0.5 + 0.5 * min(len(slots), 4) / 4)))
        if note.risk == "trapped":
            places = words.in_places(kind for kind in note.lives_in if kind in words.TRAPPED_PLACES)
            where = "part of it lives in" if note.path in partly else "it lives only in"
            fixes.append(("free", f"Write it down: today {where} {places}", GAP_WEIGHTS["free"] * weight))
        if note.stale:
            when = f"last reviewed {note.reviewed}" if note.reviewed else "never reviewed"
            fixes.append(("review", f"Review it: {when}", GAP_WEIGHTS["review"] * weight))
        if fixes:
            kind, _what, value = max(fixes, key=lambda f: f[2])
            what = "; ".join(text if i == 0 else text[0].lower() + text[1:] for i, (_k, text, _v) in enumerate(fixes))
            found.append(Gap(kind, note.title, note.path, note.type, what, value))
    return tuple(sorted(found, key=lambda g: (-g.value, g.kind, g.title.lower(), g.path or "")))


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
        "totals": report.totals().as_dict(),
        "trapped": [n.path for n in report.trapped if keep(n)],
        "partly_trapped": [n.path for n in report.partly_trapped if keep(n)],
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
