"""The brain, served to AI agents over the Model Context Protocol (stdio), read-only unless
`--allow-capture` adds one tool that writes new notes (never edits or deletes one).

Every answer about a note carries its freshness (when it was last reviewed, and whether that is
within its type's horizon) and where its knowledge lives, so an agent can tell a fact from a
rumour. The index is kept live by a watcher while the server runs; tools read through a
read-only connection of their own and never hold the writer's lock.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import Resource

from store import words
from store.brain import Brain
from store.errors import IndexBusy, NoteExists, NoteUnreadable, SubstrateError, still_indexing
from store.new_note import Draft
from store.simulate import outcome_words, run_json
from store.vault import read_note_bytes

MAX_RESULTS = 100
INSTRUCTIONS = (
    "Substrate serves a marketing-operations team's brain: notes on goals, systems, the seams between them, metrics, "
    "audiences, programs, people and decisions, linked by typed relations. Every note comes with `reviewed`, `fresh` "
    "and `lives_in` (note, system, doc, dashboard, slack, email, head): trust fresh notes that live in notes or systems; "
    "treat stale ones and knowledge that lives in a head or Slack as a rumour to confirm with the note's owner."
)


class BrainService:
    """What the tools answer, read through the brain's one reader; the watcher keeps the index current."""

    def __init__(self, brain: Brain):
        self.brain = brain
        self.read = brain.read
        self.vault = brain.vault.root

    def partial(self, answer: dict[str, Any]) -> dict[str, Any]:
        """The answer, saying so when another process is still building the index (part of the vault is in it)."""
        if (progress := self.read.building()) is not None:
            answer["partial"] = f"{still_indexing(*progress, starts_sentence=True)}; this answer covers only the notes indexed so far."
        return answer

    def find(self, note: str) -> str:
        try:
            return self.read.note_path(note)
        except SubstrateError as exc:
            raise ToolError(str(exc)) from None

    def facts(self, paths: list[str]) -> list[dict[str, Any]]:
        """Who owns each note, how fresh it is, where it lives, how complete: for every note an answer names."""
        report = self.read.coverage()
        known = self.read.note_facts(paths)
        answers = []
        for path in paths:
            if (note := known.get(path)) is None:
                raise ToolError(f"No note at {path}.")
            judged = report.note(path)
            answers.append({
                "path": path, "uri": note_uri(path), "title": note.title, "type": note.type, "motion": note.motion,
                "owner": note.owner, "reviewed": note.reviewed, "fresh": bool(judged and not judged.stale),
                "lives_in": list(judged.lives_in) if judged else [],
                "coverage": {"state": judged.state, "score": judged.score, "missing": list(judged.missing)} if judged else None,
            })
        return answers


def note_uri(path: str) -> str:
    """A note's stable address: its vault path, percent-encoded into one segment."""
    return f"substrate://note/{quote(path, safe='')}"


class BrainServer(FastMCP):
    """FastMCP, with every note of the vault listed as a resource (read from the index on each listing)."""

    def __init__(self, service: BrainService, **options):
        super().__init__("substrate", instructions=INSTRUCTIONS, **options)
        self._mcp_server.version = words.app_version()  # else FastMCP names the mcp package's version
        self.service = service

    async def list_resources(self) -> list[Resource]:
        return [Resource(uri=note_uri(path), name=title, mimeType="text/markdown",
                         description=f"{type_ or 'note'} · reviewed {reviewed or 'never'} · lives in {', '.join(lives_in) or 'unknown'}")
                for path, title, type_, reviewed, lives_in in self.service.read.resources()]


def build(brain: Brain, allow_capture: bool = False) -> FastMCP:
    service = BrainService(brain)
    server = BrainServer(service)

    @server.tool(structured_output=True)
    def search(text: str, type: str | None = None, motion: str | None = None, limit: int = 10) -> dict[str, Any]:
        """Full-text search over the notes; every word must begin a word of the note. Filter by note type
        (system, seam, metric, …) or motion (b2b, b2c, shared). Best matches first."""
        limit = _limit(limit)
        hits = service.read.search(text, limit=MAX_RESULTS if type or motion else limit)
        results = []
        for hit, facts in zip(hits, service.facts([hit.path for hit in hits])):
            if (type and facts["type"] != type) or (motion and facts["motion"] != motion):
                continue
            results.append({**facts, "snippet": hit.snippet})
            if len(results) >= limit:
                break
        return service.partial({"query": text, "results": results})

    @server.tool(structured_output=True)
    def get_note(note: str) -> dict[str, Any]:
        """One note by path, title or alias: its text, fields, typed links out and in, owner, freshness,
        where its knowledge lives and its coverage (what is missing)."""
        path = service.find(note)
        detail = service.read.note(path)
        return {
            **service.facts([path])[0],
            "text": service.read.note_text(path),
            "fields": [{"key": f.key, "value": f.value, "section": f.section} for f in detail.fields],
            "links_out": [{"rel": link.rel, "target": link.target, "path": link.target_path} for link in detail.links_out],
            "links_in": [{"rel": link.rel, "source": link.source, "title": link.source_title} for link in detail.links_in],
            "problems": [p.message for p in detail.problems],
        }

    @server.tool(structured_output=True)
    def neighbors(note: str, depth: int = 1, limit: int = 50) -> dict[str, Any]:
        """The notes linked to or from a note, to a depth of 1 to 3, each with the relation that reached it."""
        if not 1 <= depth <= 3:
            raise ToolError("depth is 1, 2 or 3 links.")
        start, limit = service.find(note), _limit(limit)
        found = service.read.neighbours(start, depth)
        facts = service.facts([n.path for n in found[:limit]])
        return {"note": start, "more": max(0, len(found) - limit), "neighbors": [
            {**fact, "distance": n.distance, "from": n.origin, "rel": n.rel, "direction": n.direction} for n, fact in zip(found, facts)]}

    @server.tool(structured_output=True)
    def coverage(area: str | None = None) -> dict[str, Any]:
        """How much of what an orchestration brain needs is known: overall, per area (note type) and motion,
        and where each area's knowledge lives. Name an area for its notes and what each is missing."""
        report = service.read.coverage()
        areas = [{"type": a.type, "label": a.label, "motion": a.motion, "score": a.score, "notes": a.total, "states": a.counts}
                 for a in report.areas if (a.total or a.motion == "all") and (area is None or a.type == area)]  # an empty area is a gap
        if area is not None and not areas:
            raise ToolError(f"{area!r} is not an area; areas: {', '.join(sorted({a.type for a in report.areas}))}.")
        answer = {"overall": report.overall, "states": report.counts, "totals": report.totals().as_dict(),
                  "areas": areas, "where_it_lives": report.where_it_lives}
        if area is not None:
            answer["notes"] = service.facts([n.path for n in report.notes if n.type == area][:MAX_RESULTS])
        return service.partial(answer)

    @server.tool(structured_output=True)
    def gaps(limit: int = 10) -> dict[str, Any]:
        """What to write or fix next in the brain, most valuable first, each with the reason in words."""
        limit = _limit(limit)
        ranked = service.read.gaps()[:limit]
        return service.partial({"gaps": [{"kind": g.kind, "title": g.title, "path": g.path, "type": g.type, "what": g.what, "value": g.value} for g in ranked]})

    @server.tool(structured_output=True)
    def simulate(program: str, assume_fixed: list[str] | None = None, absent: list[str] | None = None,
                 down: list[str] | None = None) -> dict[str, Any]:
        """Run a program on the brain's context: each step proceeds, proceeds on assumptions, escalates to a
        person or blocks, with reasons. What if notes were fixed, people away or systems down? Name each by
        title, alias, file name or path (or a note nobody wrote yet by its name); a name the vault does not
        know is refused with the names this run can take."""
        try:
            simulation = service.read.simulation(program)
            scenario = service.read.scenario(simulation, assume_fixed or (), absent or (), down or ())
        except SubstrateError as exc:
            raise ToolError(str(exc)) from None
        run = simulation.run(scenario)
        return run_json(run) | {"outcome": outcome_words(run)}

    if allow_capture:
        _add_capture(server, service)

    @server.resource("substrate://note/{path}", mime_type="text/markdown")
    def note_resource(path: str) -> str:
        """A note's markdown, exactly as on disk."""
        clean = posixpath.normpath(unquote(path))
        if clean.startswith("..") or clean.startswith("/"):
            raise ToolError("That path is outside the vault.")
        if not service.read.has_note(clean):
            raise ToolError(f"No note at {clean}.")
        try:
            return read_note_bytes(service.vault, clean).decode("utf-8", errors="replace")
        except NoteUnreadable as exc:
            raise ToolError(str(exc)) from None

    return server


def _add_capture(server: FastMCP, service: BrainService) -> None:
    """The one write tool, only with --allow-capture: a new note, never an edit or a deletion."""

    @server.tool(structured_output=True)
    def capture(title: str, type: str, text: str = "", lives_in: str = "note", owner: str | None = None) -> dict[str, Any]:
        """Write a NEW note (never edits or deletes one) from the blueprint's template for its type, in the
        folder where notes of that type live. Say where the knowledge lives today (note, doc, dashboard,
        slack, email, head, system) and who owns it (a person's name). A title that another note already
        answers to (title, alias or file name, in any case) is refused with that note's path."""
        draft = Draft(title=title, type=type, lives_in=(lives_in,), owner=owner or "", text=text)
        if len(text) > 20_000:
            raise ToolError("A captured note is at most 20,000 characters of text.")
        try:
            path = service.brain.capture(draft, by="mcp")
        except NoteExists as exc:
            raise ToolError(f"{exc} Capture never changes an existing note.") from None
        except SubstrateError as exc:
            raise ToolError(str(exc)) from None
        return {"path": path, "uri": note_uri(path), "written": True}


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_RESULTS:
        raise ToolError(f"limit is 1 to {MAX_RESULTS}.")
    return limit


def serve(vault: Path, db_path: Path | None = None, allow_capture: bool = False) -> None:
    """Run the server over stdio until the client goes; the index stays live meanwhile."""
    from store.watch import Watcher

    try:
        brain = Brain(vault, db_path)
    except IndexBusy:  # the app or `substrate watch` keeps it live: read what they write
        brain = Brain(vault, db_path, read_only=True)
    watcher = None
    with brain:
        if not brain.read_only:
            brain.refresh()
            watcher = Watcher(brain, lambda applied: None, lambda notice: None)
            watcher.start()
        try:
            build(brain, allow_capture).run("stdio")
        finally:
            if watcher is not None:
                watcher.stop()
