"""Audit prompts: the workshop's questions, area by area, from the blueprint and what the brain is
missing ("Which systems run the revenue engine?", "What is Territory Rules? 3 notes refer to it",
"Who owns the HubSpot to Salesforce sync?", "Where does Lead Routing live today?", "Is Lead Scoring
still true?"). Pure: a blueprint and a coverage report in, the questions out; the app asks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import words
from store.blueprint import Blueprint
from store.coverage import CoverageReport

PER_KIND = 3  # of each kind of question per area: enough to move the map, few enough for an hour


@dataclass(frozen=True)
class Prompt:
    kind: str  # "new", "write", "owner", "lives", "review"
    area: str  # the blueprint type
    question: str
    detail: str = ""
    title: str = ""
    path: str | None = None
    motion: str = ""
    places: tuple[str, ...] = ()  # where the note lives today, as it says: the answer starts from it
    owner: str = ""  # who owns it today, as the brain knows


@dataclass
class Area:
    type: str
    label: str
    prompts: list[Prompt]
    answered: int = 0
    skipped: int = 0

    @property
    def progress(self) -> str:
        """How far the room has got: "3 of 10 answered"."""
        return f"{self.answered:,} of {len(self.prompts):,} answered"

    @property
    def shown(self) -> str:
        """The area as the audit's list names it: "Seams · 3 of 10 answered"."""
        return f"{self.label} · {self.progress}"

    @property
    def widest(self) -> str:
        """The longest `shown` can become (every question answered): what the list makes room for."""
        return f"{self.label} · {len(self.prompts):,} of {len(self.prompts):,} answered"


def prompts_for(blueprint: Blueprint, report: CoverageReport) -> list[Area]:
    """The questions for each area, most useful first: what many notes refer to but nobody wrote,
    who owns what, where trapped knowledge lives, whether stale notes still hold."""
    areas = []
    untyped = sorted((u for u in report.known_unknowns if u.type not in blueprint.types), key=lambda u: -u.referenced_by)
    if untyped:  # linked to in prose or by a relation that says nothing of its type: the room says what it is
        areas.append(Area("", "Linked, never written", [
            Prompt("write", "", f"What is {u.title}?", f"{words.referred_to(u.referenced_by)}; "
                   "nobody has written it. Say what kind of note it is.", u.title, None, u.motion if u.motion in ("b2b", "b2c", "shared") else "")
            for u in untyped[:PER_KIND * 3]]))
    def owner(note) -> str:
        found = [report.note(path) for path in note.owners]
        return ", ".join(n.title if n else path.rsplit("/", 1)[-1].removesuffix(".md") for n, path in zip(found, note.owners))

    for type_, spec in blueprint.types.items():
        notes = sorted((n for n in report.notes if n.type == type_), key=lambda n: -n.referenced_by)
        prompts = [Prompt("new", type_, spec.question or f"What else should the brain know about {spec.label.lower()}?",
                          f"Capture one {words.label_of(type_).lower()} per answer.")]
        for unknown in sorted((u for u in report.known_unknowns if u.type == type_), key=lambda u: -u.referenced_by)[:PER_KIND]:
            prompts.append(Prompt("write", type_, f"What is {unknown.title}?",
                                  f"{words.referred_to(unknown.referenced_by)}; nobody has written it.",
                                  unknown.title, None, unknown.motion if unknown.motion in ("b2b", "b2c", "shared") else ""))
        for note in [n for n in notes if "no owner" in n.missing][:PER_KIND]:
            prompts.append(Prompt("owner", type_, f"Who owns {note.title}?", "Nobody is named as its owner.", note.title, note.path))
        for note in [n for n in notes if n.risk in ("trapped", "unknown")][:PER_KIND]:
            today = words.in_places(note.lives_in) if note.lives_in else "nobody has said"
            owned = f" Owner: {owner(note)}." if note.owners else ""
            prompts.append(Prompt("lives", type_, f"Where does {note.title} live today?", f"Today: {today}.{owned}", note.title, note.path,
                                  places=note.lives_in, owner=owner(note)))
        for note in [n for n in notes if n.stale][:PER_KIND]:
            when = f"last reviewed {note.reviewed}" if note.reviewed else "never reviewed"
            owned = f" Owner: {owner(note)}." if note.owners else ""
            prompts.append(Prompt("review", type_, f"Is {note.title} still true?", f"It was {when}.{owned}", note.title, note.path,
                                  places=note.lives_in, owner=owner(note)))
        areas.append(Area(type_, spec.label, prompts))
    return areas
