"""The `substrate` command line: the engine's commands, runnable without Qt.

Errors a user can cause print one line and exit with status 2; `desktop/launcher.py` adds
the window commands to this group.
"""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from store import query, words
from store.brain import Brain
from store.coverage import report_json
from store.display import printable
from store.errors import IndexBusy, SubstrateError, still_indexing
from store.locations import check_index
from store.simulate import FIX_FIRST, Run, Scenario, format_hours, gap_effect_words, outcome_words, run_json

USER_ERROR = 2


class SubstrateGroup(click.Group):
    """Turns SubstrateError into one line on stderr and exit status 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SubstrateError as exc:
            click.echo(f"Error: {printable(str(exc))}", err=True)
            ctx.exit(USER_ERROR)
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
            ctx.exit(130)


@click.group(cls=SubstrateGroup)
@click.version_option(words.app_version(), prog_name="substrate")
def cli():
    """Substrate: the brain your orchestration needs, kept as markdown notes."""


vault_argument = click.argument("vault", type=click.Path(path_type=Path))
db_option = click.option(
    "--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
    help="Index file to use (default: one per vault in Substrate's data folder).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def shown(text) -> str:
    """A name, title or message from the vault as rich markup that prints harmlessly: no markup of its
    own, and no control character, terminal escape or bidi mark (see `store.display.printable`)."""
    return escape(printable(str(text)))


# JSON escapes C0 controls itself; DEL, C1 controls, bidi and zero-width marks and line separators it
# leaves raw. Escaped as \uXXXX they are the same JSON strings, harmless on a terminal.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def json_text(value, indent: int | None = 2) -> str:
    """`value` as JSON for a terminal: names exactly as they are, every character that could act on a screen escaped."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, indent=indent, ensure_ascii=False, default=_plain))


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _open(vault: Path, db_path: Path | None, show_progress: bool = False, may_read_only: bool = False) -> tuple[Brain, float]:
    """Open the vault's brain and bring its index up to date; return it with the seconds that took.

    When another process is the index's writer (the app, `substrate watch`), it keeps the index
    current: a command that only reads attaches read-only instead of failing."""
    started = time.perf_counter()
    err = _stderr()
    check_index(db_path, vault)
    try:
        brain = Brain(vault, db_path)
    except IndexBusy:
        if not may_read_only:
            raise
        brain = Brain(vault, db_path, read_only=True)
        if (building := brain.building()) is not None:
            err.print(f"[yellow]Notice:[/] {still_indexing(*building)}; results are partial.")
        else:
            err.print("[yellow]Notice:[/] another Substrate is keeping this index up to date; reading it as it is.")
        return brain, time.perf_counter() - started
    for notice in brain.notices:
        err.print(f"[yellow]Notice:[/] {shown(notice)}")
    if show_progress and err.is_terminal:
        with Progress(TextColumn("Indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True) as bar:
            task = bar.add_task("index", total=None)
            brain.refresh(progress=lambda done, total: bar.update(task, completed=done, total=total))
    else:
        brain.refresh()
    return brain, time.perf_counter() - started


def _print_json(value) -> None:
    """JSON on stdout; the engine's result dataclasses print as their fields."""
    click.echo(json_text(value))


def _plain(value):
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else str(value)


@cli.command()
@vault_argument
@db_option
def index(vault, db_path):
    """Index VAULT (only what changed since last time) and print a summary."""
    brain, seconds = _open(vault, db_path, show_progress=True)
    with brain:
        click.echo(_summary_line(brain, seconds))


def _summary_line(brain: Brain, seconds: float) -> str:
    s = brain.summary()
    skipped = f", {words.counted(s.skipped, 'file')} skipped" if s.skipped else ""
    counts = [words.counted(s.notes, "note"), words.counted(s.links, "link"), words.counted(s.unresolved, "unresolved link"),
              words.counted(s.problems + len(brain.blueprint_problems()), "problem")]
    return f"Indexed {printable(brain.vault.name)}: {', '.join(counts)}{skipped}, {seconds:.2f} s"


@cli.command()
@vault_argument
@click.argument("text")
@db_option
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="How many results at most.")
def search(vault, text, db_path, as_json, limit):
    """Search VAULT's notes for TEXT, best matches first."""
    brain, _ = _open(vault, db_path, may_read_only=True)
    with brain:
        hits = brain.search(text, limit=limit)
    if as_json:
        _print_json(hits)
        return
    out = _stdout()
    if not hits:
        out.print(f"No notes match '{shown(text)}'.")
        return
    for number, hit in enumerate(hits, start=1):
        out.print(f"[bold]{number}. {shown(hit.title)}[/]  [dim]{shown(hit.type)} · {shown(hit.path)}[/]")
        out.print(f"   {_highlighted(hit.snippet)}")


def _highlighted(snippet: str) -> str:
    start, end = query.HIGHLIGHT
    return shown(snippet).replace(start, "[reverse]").replace(end, "[/reverse]")


@cli.command()
@vault_argument
@click.argument("note")
@db_option
@json_option
def show(vault, note, db_path, as_json):
    """Show NOTE (a path, name, alias or title) with its fields and typed links."""
    brain, _ = _open(vault, db_path, may_read_only=True)
    with brain:
        detail = brain.note(note)
        blueprint = brain.blueprint()
    if as_json:
        data = dataclasses.asdict(detail)
        for link in data["links_in"]:
            link["inverse"] = blueprint.inverse(link["rel"]) or f"{link['rel']} (from)"
        _print_json(data)
        return
    _print_detail(_stdout(), detail, blueprint)


def _print_detail(out: Console, d: query.NoteDetail, blueprint) -> None:
    out.print(f"[bold]{shown(d.title)}[/]  [dim]{shown(d.path)}[/]")
    facts = [("type", d.type), ("owner", d.owner), ("status", d.status), ("reviewed", d.reviewed),
             ("lives in", ", ".join(d.lives_in)), ("motion", d.motion), ("confidence", d.confidence),
             ("aliases", ", ".join(d.aliases)), ("tags", ", ".join(f"#{t}" for t in d.tags))]
    for label, value in facts:
        if value:
            out.print(f"  {label + ':':<12} {shown(str(value))}")
    if d.fields:
        out.print("\n[bold]Fields[/]")
        for f in d.fields:
            where = f" [dim]({shown(f.section)})[/]" if f.section else ""
            out.print(f"  {shown(f.key)}: {shown(f.value)}{where}")
    _print_links(out, "Links out", d.links_out, lambda l: l.target_path or f"{l.target} (not written yet)",
                 lambda rel: words.relation_label(rel, blueprint))
    _print_links(out, "Links in", d.links_in, lambda l: l.source, lambda rel: words.reverse_label(rel, blueprint))
    if d.problems:
        out.print("\n[bold]Problems[/]")
        for p in d.problems:
            out.print(f"  line {p.line or '-'}: {shown(p.message)}")


def _print_links(out: Console, heading: str, links: list[query.LinkRow], describe, name) -> None:
    if not links:
        return
    out.print(f"\n[bold]{heading}[/]")
    grouped = defaultdict(list)
    for link in links:
        grouped[name(link.rel)].append(link)
    for label, rows in grouped.items():
        out.print(f"  {shown(label)}")
        for link in rows:
            out.print(f"    {shown(describe(link))}  [dim]line {link.line}[/]")


@cli.command()
@vault_argument
@db_option
@json_option
def problems(vault, db_path, as_json):
    """List every problem found in VAULT's notes."""
    brain, _ = _open(vault, db_path, may_read_only=True)
    with brain:
        rows = brain.problems()
    if as_json:
        _print_json(rows)
        return
    out = _stdout()
    for p in rows:
        where = f"{p.path}:{p.line}" if p.line else p.path
        out.print(f"{shown(where)}: {shown(p.message)}")
    out.print(f"{words.counted(len(rows), 'problem')}.")


@cli.command()
@vault_argument
@db_option
@json_option
def watch(vault, db_path, as_json):
    """Index VAULT, then keep the index live, printing one line per applied batch."""
    from store.watch import Watcher  # watchdog loads only for this command

    # Started as a background job (`substrate watch &`, some service managers), the shell leaves
    # SIGINT ignored and Ctrl+C or `kill -INT` would do nothing: take both stop signals back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    brain, seconds = _open(vault, db_path, show_progress=True)
    err = _stderr()
    err.print(shown(_summary_line(brain, seconds)))
    watcher = Watcher(
        brain,
        on_applied=lambda applied: _print_applied(applied, as_json),
        on_notice=lambda message: err.print(f"[yellow]Notice:[/] {shown(message)}"),
    )
    try:
        watcher.start()
        err.print(f"Watching {shown(str(brain.vault.root))} for changes. Press Ctrl+C to stop.")
        while True:
            time.sleep(3600)  # until a stop signal raises KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        brain.close()
    err.print("Stopped.")


def _print_applied(applied, as_json: bool) -> None:
    c = applied.changes
    if as_json:
        record = {
            "changed": list(c.changed), "added": list(c.added), "removed": list(c.removed),
            "renamed": [list(pair) for pair in c.renamed], "relinked": c.relinked,
            "rescan": applied.rescan, "milliseconds": round(applied.milliseconds, 1), "scan_problems": c.scan_problems,
        }
        click.echo(json_text(record, indent=None))
    else:
        names = [printable(name) for name in (*c.changed, *c.added, *c.removed, *(f"{old} -> {new}" for old, new in c.renamed))]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        if c.scan_problems:  # a folder became unreadable, a name that is not UTF-8 came or went
            shown += ("; " if shown else "") + "what could not be indexed changed (substrate problems lists it)"
        click.echo(
            f"{time.strftime('%H:%M:%S')}  {len(c.changed)} changed, {len(c.added)} added, {len(c.removed)} removed, "
            f"{len(c.renamed)} renamed in {applied.milliseconds:.0f} ms{': ' + shown if shown else ''}"
        )
    sys.stdout.flush()


area_option = click.option("--area", metavar="TYPE", help="Only this area (note type), e.g. seam.")
motion_option = click.option("--motion", type=click.Choice(["b2b", "b2c", "shared", "unset"]), help="Only this motion.")
today_option = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Judge freshness as of this day (YYYY-MM-DD).")


@cli.command()
@vault_argument
@db_option
@json_option
@area_option
@motion_option
@today_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Instead, show how coverage changed since this day.")
def coverage(vault, db_path, as_json, area, motion, today, since):
    """How much of what the blueprint asks for VAULT knows, and where that knowledge lives."""
    brain, _ = _open(vault, db_path, may_read_only=True)
    with brain:
        if since:
            _print_history(brain.history(since.date()), as_json)
            return
        _report_blueprint_problems(brain)
        report = brain.coverage(today.date() if today else None)
        if area and area not in brain.blueprint().types:
            raise click.BadParameter(f"'{printable(area)}' is not an area; the blueprint has {', '.join(brain.blueprint().types)}", param_hint="--area")
    if as_json:
        _print_json(report_json(report, area, motion))
        return
    _print_coverage(_stdout(), report, area, motion)


program_option = click.option("--program", "program", metavar="NAME", help="Rank by what blocks this program's run (name, alias or path).")
what_if_options = [
    click.option("--absent", multiple=True, metavar="PERSON", help="What if this person is away (repeatable)."),
    click.option("--assume-fixed", "assume_fixed", multiple=True, metavar="NOTE", help="What if this note were complete and fresh (repeatable)."),
    click.option("--down", multiple=True, metavar="SYSTEM", help="What if this system is down (repeatable)."),
]


def _what_if(command):
    for option in reversed(what_if_options):
        command = option(command)
    return command


@cli.command()
@vault_argument
@db_option
@json_option
@today_option
@program_option
@click.option("--limit", default=25, show_default=True, type=click.IntRange(1, 10_000), help="How many gaps at most.")
def gaps(vault, db_path, as_json, today, program, limit):
    """What to write or fix next in VAULT, most valuable first; with --program, by what blocks its run."""
    brain, _ = _open(vault, db_path, may_read_only=True)
    with brain:
        _report_blueprint_problems(brain)
        if program:
            impact = brain.simulation(program, today.date() if today else None).impact()
            found = impact.gaps[:limit]
        else:
            found = brain.gaps(today.date() if today else None)[:limit]
    if as_json:
        _print_json(found)
        return
    out = _stdout()
    for number, gap in enumerate(found, start=1):
        if program:
            out.print(f"{number:>3}. [bold]{shown(gap.action)}[/]  [dim]{shown(gap_effect_words(gap))}[/]")
            continue
        where = shown(gap.path) if gap.path else "not written yet"
        out.print(f"{number:>3}. [bold]{shown(gap.title)}[/] [dim]({shown(gap.type)} · {where})[/]  {shown(gap.what)}")
    if not found:
        out.print("No gaps: " + ("every step of the run has the context it needs." if program else
                                 "every note the blueprint asks for is written, complete and fresh."))


@cli.command()
@vault_argument
@db_option
@json_option
@today_option
@click.option("--program", "programs", multiple=True, metavar="NAME", help="The program to run (repeatable); every program when left out.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the Monte Carlo runs: the same seed gives the same figures.")
@click.option("--runs", default=1000, show_default=True, type=click.IntRange(0, 100_000), help="Monte Carlo runs (0: none).")
@_what_if
def simulate(vault, db_path, as_json, today, programs, seed, runs, absent, assume_fixed, down):
    """Run VAULT's programs on the brain's context: where each step proceeds, assumes, escalates or blocks."""
    brain, _ = _open(vault, db_path, may_read_only=True)
    day = today.date() if today else None
    results = []
    with brain:
        _report_blueprint_problems(brain)
        names = programs or [path for path, _title in brain.programs()]
        if not names:
            raise click.UsageError("VAULT has no programs yet: a program is a note with `type: program` and one heading per step (see README).")
        for name in names:
            simulation = brain.simulation(name, day)
            scenario = brain.scenario(simulation, assume_fixed, absent, down)
            baseline = simulation.run()
            run = simulation.run(scenario)
            impact = simulation.impact(scenario)
            chance = simulation.monte_carlo(runs, seed, scenario) if runs else None
            fixed_chance = simulation.monte_carlo(runs, seed, scenario.fixing(*impact.fix_first)) if runs and not run.finished else None
            what_if = (simulation.describe(scenario), baseline) if scenario != Scenario() else None
            results.append((run, impact, chance, fixed_chance, what_if))
    if as_json:
        _print_json({"format": "substrate.simulation/1", "runs": [run_json(r, i, c, baseline=w and w[1]) for r, i, c, _f, w in results]})
        return
    out = _stdout()
    for run, impact, chance, fixed_chance, what_if in results:
        _print_run(out, run, impact, chance, fixed_chance, what_if)


def _print_run(out: Console, run: Run, impact, chance, fixed_chance, what_if: tuple[str, Run] | None) -> None:
    program = run.program
    deadline = f" · deadline {format_hours(program.deadline_hours)}" if program.deadline_hours is not None else ""
    out.print(f"\n[bold]{shown(program.title)}[/] [dim]({program.motion} · {words.counted(len(program.steps), 'step')}{deadline})[/]")
    if what_if is not None:
        change, baseline = what_if
        out.print(f"[bold]What if[/] {shown(change)}: {_run_outcome(run, short=True)}.")
        out.print(f"[dim]As things stand: {_run_outcome(baseline, short=True)}.[/]")
    else:
        out.print(_run_outcome(run))
    for step in sorted(run.steps, key=lambda s: (s.start, s.lane)):
        style = words.colour_for(words.DECISIONS, step.decision)
        wait = f" [dim](waits {format_hours(step.wait)})[/]" if step.wait else ""
        start = "—" if step.blocked_by else format_hours(step.start)  # it never gets to start
        out.print(f"  {start:>5} → {format_hours(step.end):<5}  {step.lane:<6}  [{style}]{step.decision:<9}[/]  "
                  f"[bold]{shown(step.name)}[/] [dim]by {shown(step.agent or 'a person')}[/]{wait}")
        for reason in step.reasons:
            out.print(f"{'':>25}[dim]↳ {shown(reason)}[/]")
    if impact.gaps:
        out.print("\n[bold]Fix first[/]")
        for number, gap in enumerate(impact.gaps[:FIX_FIRST], start=1):
            out.print(f"  {number}. {shown(gap.action)}  [dim]{shown(gap_effect_words(gap))}[/]")
        fixed = impact.fixed_run
        out.print(f"  With these fixed: {_run_outcome(fixed, short=True)}.")
    if chance is not None:
        out.print(f"\n[bold]Monte Carlo[/] ({words.counted(chance.runs, 'run')}, seed {chance.seed}): {_chance_words(chance)}")
        if fixed_chance is not None and fixed_chance.finished:
            out.print(f"  Once the first {len(impact.fix_first)} are fixed: {_chance_words(fixed_chance)}")
    for problem in program.problems:
        out.print(f"[yellow]Problem:[/] {shown(problem)}")


def _run_outcome(run: Run, short: bool = False) -> str:
    text = outcome_words(run)
    if short:
        return text
    kinds = [(d, n) for d, n in run.counts.items() if n]
    counts = f" [dim]({', '.join(words.DECISIONS[d].count(n) for d, n in kinds)})[/]" if len(kinds) > 1 else ""
    return f"{text[0].upper()}{text[1:]}{counts}"


def _chance_words(chance) -> str:
    if not chance.finished:
        return "never finishes as things stand"
    text = (f"finishes in {chance.finished * 100 // chance.runs}% of runs; half by {format_hours(chance.percentile(0.5))}, "
            f"nine in ten by {format_hours(chance.percentile(0.9))}")
    if chance.on_time is not None:
        text += f"; on time (within {format_hours(chance.deadline_hours)}) in {chance.on_time * 100 // chance.runs}%"
    return text


def _report_blueprint_problems(brain: Brain) -> None:
    for problem in brain.blueprint_problems():  # the same words as `substrate problems` and the app's panel
        line = f" line {problem.line}" if problem.line else ""
        _stderr().print(f"[yellow]Blueprint:[/] {shown(problem.path)}{line}: {shown(problem.message)}")


def _percent(score: float) -> str:
    return f"{score * 100:.0f}%"


def _print_coverage(out: Console, report, area: str | None, motion: str | None) -> None:
    out.print(f"[bold]Coverage {_percent(report.overall)}[/] as of {report.today}: "
              + ", ".join(state.count(report.counts[key]) for key, state in words.STATES.items() if key in report.counts))
    table = Table(box=None, header_style="bold", pad_edge=False)
    states = list(reversed(words.STATES.values()))  # covered first
    for column in ("Area", "B2B", "B2C", "Shared", "All", *(state.many for state in states)):
        table.add_column(column, justify="left" if column == "Area" else "right")
    cells = {(a.type, a.motion): a for a in report.areas}
    for a in report.areas:
        if a.motion != "all" or (area and a.type != area):
            continue
        by_motion = [(_percent(c.score) if (c := cells.get((a.type, m))) else "-") for m in ("b2b", "b2c", "shared")]
        c = a.counts
        table.add_row(shown(a.label), *by_motion, _percent(a.score) if a.total else "-", *(str(c[state.key]) for state in states))
    out.print(table)
    keep = lambda n: (area is None or n.type == area) and (motion is None or n.motion == motion)  # noqa: E731
    _print_list(out, "Known unknowns (linked, never written)", [f"{shown(u.title)} [dim]({shown(u.type)}, {words.referred_to(u.referenced_by)})[/]" for u in report.known_unknowns if keep(u)])
    _print_list(out, "Trapped (in a head, Slack or email)", [f"{shown(n.title)} [dim]({shown(', '.join(n.lives_in))})[/]" for n in report.trapped if keep(n)])
    _print_list(out, "Stale", [f"{shown(n.title)} [dim]({shown(n.reviewed or 'never reviewed')})[/]" for n in report.stale if keep(n)])
    _print_list(out, "Incomplete", [shown(n.summary) for n in report.notes if keep(n) and n.state in ("partial", "stub")])
    _print_list(out, "Seams missing a side", [shown(n.title) for n in report.seams_missing_a_side if keep(n)])
    _print_list(out, "Orphans (no links in or out)", [shown(title) for title in report.orphans])
    _print_list(out, "Bus factor (what their absence would orphan)", [f"{shown(p.title)}: {words.counted(p.orphaned, 'note')}" for p in report.bus_factor[:5]])


def _print_list(out: Console, heading: str, items: list[str], most: int = 8) -> None:
    if not items:
        return
    out.print(f"\n[bold]{heading}[/] [dim]{len(items)}[/]")
    for item in items[:most]:
        out.print(f"  {item}")
    if len(items) > most:
        out.print(f"  [dim]and {len(items) - most} more (--json for all)[/]")


def _print_history(points, as_json: bool) -> None:
    if as_json:
        _print_json(points)
        return
    out = _stdout()
    for p in points:
        out.print(f"{p.taken_at}  {_percent(p.overall)}  {words.counted(p.notes, 'note')}")
    if not points:
        out.print("No coverage history in that period yet: it is recorded as the vault changes.")


from store import cli_bundles, cli_mcp  # noqa: E402,F401  (register export, import and mcp on `cli`)


def main(argv=None) -> None:
    cli.main(args=argv, prog_name="substrate")


if __name__ == "__main__":
    sys.exit(main())
