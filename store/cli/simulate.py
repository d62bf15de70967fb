"""`substrate simulate`: run the vault's programs on the brain's context, with what-ifs and Monte Carlo."""

from __future__ import annotations

import click
from rich.console import Console

from store import words
from store.cli.group import (
    db_option, json_option, open_brain, print_json, report_blueprint_problems, shown, stdout_console, today_option, vault_argument,
)
from store.simulate import FIX_FIRST, Run, Scenario, format_hours, gap_effect_words, outcome_words, run_json

what_if_options = [
    click.option("--absent", multiple=True, metavar="PERSON", help="What if this person is away (repeatable)."),
    click.option("--assume-fixed", "assume_fixed", multiple=True, metavar="NOTE", help="What if this note were complete and fresh (repeatable)."),
    click.option("--down", multiple=True, metavar="SYSTEM", help="What if this system is down (repeatable)."),
]


def _what_if(command):
    for option in reversed(what_if_options):
        command = option(command)
    return command


@click.command()
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
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    day = today.date() if today else None
    results = []
    with brain:
        report_blueprint_problems(brain)
        names = programs or [path for path, _title in brain.read.programs()]
        if not names:
            raise click.UsageError("VAULT has no programs yet: a program is a note with `type: program` and one heading per step (see README).")
        for name in names:
            simulation = brain.read.simulation(name, day)
            scenario = brain.read.scenario(simulation, assume_fixed, absent, down)
            baseline = simulation.run()
            run = simulation.run(scenario)
            impact = simulation.impact(scenario)
            chance = simulation.monte_carlo(runs, seed, scenario) if runs else None
            fixed_chance = simulation.monte_carlo(runs, seed, scenario.fixing(*impact.fix_first)) if runs and not run.finished else None
            what_if = (simulation.describe(scenario), baseline) if scenario != Scenario() else None
            results.append((run, impact, chance, fixed_chance, what_if))
    if as_json:
        print_json({"format": "substrate.simulation/1", "runs": [run_json(r, i, c, baseline=w and w[1]) for r, i, c, _f, w in results]})
        return
    out = stdout_console()
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
