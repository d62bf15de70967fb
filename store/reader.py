"""Every read of one brain, in one place: the command line, the MCP server and the app ask a
`BrainReader`, so the same question gets the same answer on every surface.

A reader holds what is costly to build and must not differ between surfaces: the vault's
blueprint (read again only when its file changes) and the one coverage report, kept current
(after a change only the notes it touched are judged again). It is safe from several threads:
each thread reads through a read-only connection of its own, opened on first use. The SQL lives
in the modules that read the index (`query`, `coverage_facts`, `program_facts`, …); this
module only puts their answers together.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from store import blueprint as blueprints
from store import audit, clock, graph, history, query, runs, words, workshop
from store.bundle import export_scope, scan_notes, scope_paths
from store.coverage import CoverageReport, Gap, NoteCoverage, gaps
from store.coverage_facts import CoverageKeeper, note_coverage
from store.errors import IndexDamaged, IndexStillBuilding, NoteNotFound, NotInRun
from store.index import building, connect, primary_code
from store.program_facts import list_programs, open_simulation
from store.render import make_resolver, render_body
from store.resolve import lookup_key
from store.simulate import Scenario, Simulation
from store.vault import IGNORE_FILE, Vault

UNWRITTEN = "unwritten:"  # the key of a note that is linked to but nobody wrote: "unwritten:<lookup key>"
SCOPE = "#scope"  # the key of what an agent may act in: "<agent path>#scope"


@dataclass(frozen=True)
class NotePage:
    """All a note's page shows: what it says (as safe HTML), what it is, how it links, how complete it is."""

    detail: query.NoteDetail
    body_html: str
    coverage: NoteCoverage | None
    blueprint: blueprints.Blueprint  # names the relations: "owner_of" reads "Owns", and so does a seam's "owner" seen from its owner


class BrainReader:
    """The reads of one vault's index. `changed(paths)` is told by the one writer in this process
    (the `Brain`) what each commit touched; a reader with no writer beside it (another process keeps
    the index) notices other processes' commits itself."""

    def __init__(self, vault: Vault, db_path: Path, follows_writer: bool, on_damaged: Callable[[Exception], None] | None = None):
        self.vault = vault
        self.db_path = Path(db_path)
        self._follows_writer = follows_writer
        self._on_damaged = on_damaged
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite_utils.Database] = []
        self._watch: sqlite_utils.Database | None = None  # sees other processes' commits, when there is no writer here
        self._coverage = CoverageKeeper()
        self._blueprint: tuple[object, blueprints.Blueprint] | None = None

    # --- connections and what is kept ------------------------------------------------------

    def db(self) -> sqlite_utils.Database:
        """This thread's read-only connection (for the modules that read the index; views never use it)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.db_path, read_only=True)
            with self._lock:
                self._connections.append(db)
        return db

    def changed(self, paths: Iterable[str]) -> None:
        """The writer committed changes to these notes: judge them again on the next read."""
        self._coverage.changed(paths)

    def close(self) -> None:
        with self._lock:
            for db in self._connections + ([self._watch] if self._watch else []):
                db.close()
            self._connections.clear()
            self._watch = None

    def _version(self) -> object:
        """What says the index changed under us: nothing when our own writer tells us (`changed`);
        otherwise the data version of a connection kept for that, which other processes' commits move."""
        if self._follows_writer:
            return None
        with self._lock:
            if self._watch is None:
                self._watch = connect(self.db_path, read_only=True)
            return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def blueprint(self) -> blueprints.Blueprint:
        """The vault's blueprint, read again only when its override file changes."""
        override = self.vault.root / blueprints.OVERRIDE_PATH
        try:
            info = override.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if self._blueprint is None or self._blueprint[0] != stamp:
                self._blueprint = (stamp, blueprints.load(self.vault.root))
            return self._blueprint[1]

    # --- coverage ----------------------------------------------------------------------------

    def coverage(self, today: dt.date | None = None, cached: bool = True) -> CoverageReport:
        """The coverage report, kept until the index changes (`cached=False`: judged afresh from the
        index, keeping nothing: what a benchmark of the full pass measures)."""
        if not cached:
            return CoverageKeeper().report(self.db(), self.blueprint(), today or clock.today(), None, int(bool(self.vault.ignore_problem)))
        return self._coverage.report(self.db(), self.blueprint(), today or clock.today(), self._version(), int(bool(self.vault.ignore_problem)))

    def gaps(self, today: dt.date | None = None) -> tuple[Gap, ...]:
        """What to write or fix next, most valuable first."""
        return gaps(self.coverage(today))

    def note_coverage(self, path: str, today: dt.date | None = None) -> NoteCoverage | None:
        return note_coverage(self.db(), self.blueprint(), path, today or clock.today())

    def history(self, since: dt.date | None = None) -> list[history.HistoryPoint]:
        return history.read(self.db(), since)

    def building(self) -> tuple[int, int] | None:
        """(notes read, notes to read) while a writer (here or in another process) is part way through
        indexing: the index then holds only part of the vault."""
        return building(self.db())

    # --- notes -------------------------------------------------------------------------------

    def summary(self) -> query.Summary:
        return query.summary(self.db())

    def note_list(self) -> list[query.NoteRow]:
        return query.note_list(self.db())

    def groups(self) -> list[query.Group]:
        return query.groups(self.db())

    def note_path(self, name: str) -> str:
        """The path of the note `name` means (a path, a file name, an alias or a title); NoteNotFound if none."""
        return query.find_note(self.db(), name)

    def has_note(self, path: str) -> bool:
        return query.has_note(self.db(), path)

    def note(self, name: str) -> query.NoteDetail:
        return query.note_detail(self.db(), self.note_path(name))

    def note_text(self, path: str) -> str:
        """The note's text below its front matter, as indexed."""
        return query.note_body(self.db(), path)

    def note_page(self, path: str) -> NotePage:
        """Everything a note's page shows."""
        db, blueprint = self.db(), self.blueprint()
        detail = query.note_detail(db, path)
        resolver = make_resolver(path, [(link.target, link.target_path) for link in detail.links_out])
        body = render_body(query.note_body(db, path), resolver, detail.title, labels=blueprint.relation_labels)
        return NotePage(detail, body, self.note_coverage(path), blueprint)

    def note_facts(self, paths: Iterable[str]) -> dict[str, query.NoteFacts]:
        """What an agent is told about each note: who owns it, when it was reviewed, where it lives, its motion."""
        return query.note_facts(self.db(), list(paths))

    def resources(self) -> list[tuple[str, str, str | None, str | None, tuple[str, ...]]]:
        """(path, title, type, reviewed, lives_in) of every note, by path."""
        return query.resources(self.db())

    def neighbours(self, start: str, depth: int) -> list[query.Neighbour]:
        """The notes linked to or from `start` (a path), nearest first, to `depth` links."""
        return query.neighbours(self.db(), start, depth)

    def front_page(self, last: str | None = None) -> str | None:
        """The note to show first: the last one read, if it is still there, else the vault's own front page."""
        db = self.db()
        return last if last and query.has_note(db, last) else query.front_page(db)

    def note_names(self) -> list[str]:
        """Every title and alias, as `[[` completion offers them."""
        return query.note_names(self.db())

    def people(self) -> list[str]:
        """The titles of people and teams, offered as owners."""
        return query.titles_of_types(self.db(), ("person", "team"))

    def search(self, text: str, limit: int = 20, highlight=query.HIGHLIGHT) -> list[query.Hit]:
        try:
            blueprint = self.blueprint()
            return query.search(self.db(), text, limit=limit, highlight=highlight,
                                label=lambda rel: words.relation_label(rel, blueprint))
        except sqlite3.DatabaseError as exc:
            if primary_code(exc) != sqlite3.SQLITE_CORRUPT:
                raise
            if self._on_damaged is not None:
                self._on_damaged(exc)  # too costly to look for on every open: found here, mended on the next
            raise IndexDamaged(self.db_path, str(exc)) from exc

    # --- problems ----------------------------------------------------------------------------

    def problems(self) -> list[query.ProblemRow]:
        """The vault's own files' problems first (nothing to open), then the notes'."""
        return self.config_problems() + query.problems(self.db())

    def config_problems(self) -> list[query.ProblemRow]:
        """What is wrong with the vault's own files (its ignore rules, its blueprint)."""
        ignore = [query.ProblemRow(IGNORE_FILE, None, self.vault.ignore_problem, is_note=False)] if self.vault.ignore_problem else []
        return ignore + self.blueprint_problems()

    def blueprint_problems(self) -> list[query.ProblemRow]:
        """What is wrong with the vault's own blueprint (`.substrate/blueprint.yaml`); not a note, so nothing to open."""
        return [query.ProblemRow(blueprints.OVERRIDE_PATH, p.line, f"{p.reason}. Substrate uses its default blueprint until you fix or remove this file.", is_note=False)
                for p in self.blueprint().problems]

    # --- programs and the run ----------------------------------------------------------------

    def programs(self) -> list[tuple[str, str]]:
        """(path, title) of every program note."""
        return list_programs(self.db())

    def shared_programs(self) -> set[str]:
        """The paths of programs that run B2B and B2C at once."""
        return query.shared_programs(self.db())

    def simulation(self, program: str, today: dt.date | None = None) -> Simulation:
        """A program (by path, name, alias or title) and the context it runs on, ready to run."""
        return open_simulation(self.db(), self.blueprint(), program, today or clock.today())

    def run(self, program: str, scenario: Scenario = Scenario(), today: dt.date | None = None) -> runs.RunResult:
        """A program's run of one what-if as the app shows it: with the run as things stand beside it, the
        people it may ask and the systems it uses. What to fix first is `result.simulation.impact(scenario)`."""
        return runs.load_run(self.simulation(program, today), program, scenario)

    def scenario(self, simulation: Simulation, assume_fixed=(), absent=(), down=()) -> Scenario:
        """A what-if from names as a person or an agent gives them: paths, file names, titles, aliases, or a
        note nobody wrote yet. A name that means nothing in this vault is refused, with the names it could take."""
        return Scenario(*(frozenset(self._run_key(simulation, name, kind) for name in names)
                          for kind, names in (("assume_fixed", assume_fixed), ("absent", absent), ("down", down))))

    def _run_key(self, simulation: Simulation, name: str, kind: str) -> str:
        if name in simulation.keys:  # an index key, as the JSON gives it
            return name
        if kind == "assume_fixed" and name.endswith(SCOPE) and name != SCOPE:  # an agent's scope, as a fix's key names it
            try:
                return self._run_key(simulation, name.removesuffix(SCOPE), kind) + SCOPE
            except NotInRun:
                raise NotInRun(name, kind, run_candidates(simulation, kind)) from None
        if not name.startswith(UNWRITTEN):
            try:
                return self.note_path(name)
            except NoteNotFound:
                pass
        key = lookup_key(name.removeprefix(UNWRITTEN))
        if f"{UNWRITTEN}{key}" in simulation.keys:
            return f"{UNWRITTEN}{key}"  # linked to, and nobody wrote it yet
        if query.is_unwritten(self.db(), key):  # linked to elsewhere, not by this program: named as given
            simulation.context.titles.setdefault(f"{UNWRITTEN}{key}", name.removeprefix(UNWRITTEN))
            return f"{UNWRITTEN}{key}"
        raise NotInRun(name, kind, run_candidates(simulation, kind))

    # --- bundles, workshops, the graph ---------------------------------------------------------

    def scope_choices(self) -> dict[str, list[tuple[str, str]]]:
        """What each kind of bundle scope can be, as (value, label)."""
        db = self.db()
        return {"program": [(title, title) for _path, title in list_programs(db)], **query.scope_choices(db)}

    def bundle_paths(self, scope, today: dt.date | None = None) -> list[str]:
        return scope_paths(self.db(), self.blueprint(), scope, today or clock.today())

    def bundle_preview(self, scope, today: dt.date | None = None) -> tuple[list[str], list]:
        """The notes a bundle of `scope` takes in, and what the secret scan finds in them."""
        paths = self.bundle_paths(scope, today)
        return paths, scan_notes(self.vault.root, paths)

    def export_bundle(self, scope, out: Path, allow_secrets: bool = False, exclude=frozenset(), progress=None):
        """Write a context bundle of `scope` to `out` (outside the vault); stops (returns the findings) on
        secrets unless allowed. Refused while the index is still being built: part of the vault is not
        "the whole vault"."""
        if (part := self.building()) is not None:
            raise IndexStillBuilding(*part)
        day = clock.today()
        return export_scope(self.db(), self.vault.root, self.blueprint(), self.coverage(day), scope, Path(out),
                            day, allow_secrets, set(exclude), progress)

    def audit_prompts(self, report: CoverageReport | None = None) -> list[audit.Area]:
        """The workshop's questions, area by area, from the blueprint and what the brain is missing
        (`report`: the coverage a view shows, so the questions match it; else the current one)."""
        return audit.prompts_for(self.blueprint(), report or self.coverage())

    def workshop_start(self) -> workshop.Snapshot:
        """Where the brain stands as a workshop starts."""
        return workshop.snapshot(self.db(), self.coverage())

    def workshop_summary(self, start: workshop.Snapshot) -> workshop.Summary:
        """What a workshop did, from its start to now."""
        return workshop.summarise(start, self.db(), self.coverage(), self.vault.root)

    def graph(self) -> graph.BrainGraph:
        """The notes and their typed links, coloured by coverage."""
        return graph.read_graph(self.db(), self.coverage(), self.blueprint())


def run_candidates(simulation: Simulation, kind: str) -> list[str]:
    """The names a what-if of this kind can take in this run: the people it may ask, the systems it
    uses, or the notes it reads (for assume-fixed)."""
    context = simulation.context
    if kind == "absent":
        paths = list(context.responders)
    elif kind == "down":
        paths = sorted({ref.path for step in simulation.program.steps for ref in step.uses if ref.path})
    else:
        return sorted({simulation.name_of(key) for key in simulation.keys}, key=str.casefold)
    return sorted({context.titles.get(path, path) for path in paths}, key=str.casefold)
