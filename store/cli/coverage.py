"""`substrate coverage` and `substrate gaps`: what the blueprint asks for, what the vault knows, what to write next."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from store import words
from store.cli.group import (
    db_option, json_option, open_brain, print_json, report_blueprint_problems, shown, stdout_console, today_option, vault_argument,
)
from store.coverage import UNTYPED, report_json
from store.display import printable
from store.simulate import gap_effect_words

area_option = click.option("--area", metavar="TYPE", help="Only this area (note type), e.g. seam.")
motion_option = click.option("--motion", type=click.Choice(["b2b", "b2c", "shared", "unset"]), help="Only this motion.")
program_option = click.option("--program", "program", metavar="NAME", help="Rank by what blocks this program's run (name, alias or path).")


@click.command()
@vault_argument
@db_option
@json_option
@area_option
@motion_option
@today_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Instead, show how coverage changed since this day.")
def coverage(vault, db_path, as_json, area, motion, today, since):
    """How much of what the blueprint asks for VAULT knows, and where that knowledge lives."""
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    with brain:
        if since:
            _print_history(brain.read.history(since.date()), as_json)
            return
        report_blueprint_problems(brain)
        report = brain.read.coverage(today.date() if today else None)
        if area and area not in brain.read.blueprint().types:
            raise click.BadParameter(f"'{printable(area)}' is not an area; the blueprint has {', '.join(brain.read.blueprint().types)}", param_hint="--area")
    if as_json:
        print_json(report_json(report, area, motion))
        return
    _print_coverage(stdout_console(), report, area, motion)


@click.command()
@vault_argument
@db_option
@json_option
@today_option
@program_option
@click.option("--limit", default=25, show_default=True, type=click.IntRange(1, 10_000), help="How many gaps at most.")
def gaps(vault, db_path, as_json, today, program, limit):
    """What to write or fix next in VAULT, most valuable first; with --program, by what blocks its run."""
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    with brain:
        report_blueprint_problems(brain)
        if program:
            impact = brain.read.simulation(program, today.date() if today else None).impact()
            found = impact.gaps[:limit]
        else:
            found = brain.read.gaps(today.date() if today else None)[:limit]
    if as_json:
        print_json(found)
        return
    out = stdout_console()
    for number, gap in enumerate(found, start=1):
        if program:
            out.print(f"{number:>3}. [bold]{shown(gap.action)}[/]  [dim]{shown(gap_effect_words(gap))}[/]")
            continue
        where = shown(gap.path) if gap.path else "not written yet"
        kind = "type not known" if gap.type == UNTYPED else shown(gap.type)
        out.print(f"{number:>3}. [bold]{shown(gap.title)}[/] [dim]({kind} · {where})[/]  {shown(gap.what)}")
    if not found:
        out.print("No gaps: " + ("every step of the run has the context it needs." if program else
                                 "every note the blueprint asks for is written, complete and fresh."))


def _percent(score: float) -> str:
    return f"{score * 100:.0f}%"


def _print_coverage(out: Console, report, area: str | None, motion: str | None) -> None:
    t = report.totals()  # the counts the app's status bar and map, agents and bundle reports show too
    out.print(f"[bold]Coverage {_percent(t.overall)}[/] as of {report.today}: "
              + ", ".join(state.count(report.counts[key]) for key, state in words.STATES.items() if key in report.counts))
    out.print(f"{words.counted(t.notes, 'note')} ({t.judged} judged against the blueprint) · {words.counted(t.known_unknowns, 'known unknown')} · "
              f"{t.trapped} trapped · {t.partly_trapped} partly trapped · {words.counted(t.orphans, 'orphan')} · {words.counted(t.problems, 'problem')}"
              + (f" · {words.counted(t.empty_areas, 'area')} with none written ({', '.join(shown(a.label) for a in report.empty_areas)})" if t.empty_areas else ""))
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
        whole = _percent(a.score) if a.total else "[red]0%[/]"  # a whole area missing is a gap, not nothing
        table.add_row(shown(a.label), *by_motion, whole, *(str(c[state.key]) for state in states))
    out.print(table)
    keep = lambda n: (area is None or n.type == area) and (motion is None or n.motion == motion)  # noqa: E731
    _print_list(out, "Known unknowns (linked, never written)", [
        f"{shown(u.title)} [dim]({'type not known' if u.type == UNTYPED else shown(u.type)}, {words.referred_to(u.referenced_by)})[/]"
        for u in report.known_unknowns if keep(u)])
    _print_list(out, "Trapped (only in a head, Slack or email)", [f"{shown(n.title)} [dim]({shown(', '.join(n.lives_in))})[/]" for n in report.trapped if keep(n)])
    _print_list(out, "Partly trapped (partly in a head, Slack or email)", [f"{shown(n.title)} [dim]({shown(', '.join(n.lives_in))})[/]" for n in report.partly_trapped if keep(n)])
    _print_list(out, "Stale", [f"{shown(n.title)} [dim]({shown(n.reviewed or 'never reviewed')})[/]" for n in report.stale if keep(n)])
    _print_list(out, f"{words.STATES['partial'].many.capitalize()} and {words.STATES['stub'].many}",
                [shown(n.summary) for n in report.notes if keep(n) and n.state in ("partial", "stub")])
    _print_list(out, "Seams missing a side", [shown(n.title) for n in report.seams_missing_a_side if keep(n)])
    _print_list(out, "Orphans (no links in or out)", [shown(title) for title in report.orphans])
    _print_list(out, "Bus factor (what their absence would orphan)", [f"{shown(p.title)}: {words.counted(p.orphaned, 'note')}" for p in report.bus_factor], most=5)


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
        print_json(points)
        return
    out = stdout_console()
    for p in points:
        out.print(f"{p.taken_at}  {_percent(p.overall)}  {words.counted(p.notes, 'note')}")
    if not points:
        out.print("No coverage history in that period yet: it is recorded as the vault changes.")
