"""A program's run as the app shows it: the run of a what-if, the run as things stand beside it,
who it may ask and which systems it uses; then its chances. Pure: a `Simulation` in (the reader
opens it, `BrainReader.run`), plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import words
from store.simulate import Impact, MonteCarlo, Run, Scenario, Simulation, callout_words, finish_words, format_hours, late_words, planned


@dataclass(frozen=True)
class RunResult:
    program: str  # path
    scenario: Scenario
    simulation: Simulation
    run: Run
    baseline: Run | None  # the run as things stand, when `scenario` asks "what if"
    people: tuple[tuple[str, str], ...]  # (path, title) of everyone the run may ask
    systems: tuple[tuple[str, str], ...]


def load_run(simulation: Simulation, program: str, scenario: Scenario) -> RunResult:
    """The run of one program and what-if, as the app shows it. What to fix first comes after
    (`RunResult.simulation.impact`): it runs the program once per gap and takes far longer."""
    run = simulation.run(scenario)
    baseline = simulation.run() if scenario != Scenario() else None
    titles = simulation.context.titles
    people = tuple(sorted(((p, titles.get(p, p)) for p in simulation.context.responders), key=lambda pair: pair[1].casefold()))
    systems = {ref.path: ref.target for step in simulation.program.steps for ref in step.uses if ref.path}
    return RunResult(program, scenario, simulation, run, baseline, people, tuple(sorted(systems.items(), key=lambda pair: pair[1].casefold())))


def chances(result: RunResult, impact: Impact, runs: int = 1000) -> tuple[MonteCarlo, str]:
    """The Monte Carlo of the run as shown; when it never finishes, of the run with the first
    fixes made, so the chart says what those fixes buy."""
    found = result.simulation.monte_carlo(runs, seed=0, scenario=result.scenario)
    if found.finished or not impact.fix_first:
        return found, "As shown"
    fixed = result.scenario.fixing(*impact.fix_first)
    return result.simulation.monte_carlo(runs, seed=0, scenario=fixed), f"Once the first {words.counted(len(impact.fix_first), 'fix is made', 'fixes are made')}"


# --- the run's header: the plan before Play, the outcome at the end -------------------------------


def plan_words(run: Run) -> str:
    """What the run is measured against, as the header says it before Play: "Plan: done in 11d if every
    step proceeds, on time for the 14d deadline"."""
    plan = planned(run.program)
    if not plan:
        return "Plan: no step can start"
    end = max(end for _start, end in plan.values())
    deadline = run.program.deadline_hours
    said = f"Plan: done in {format_hours(end)} if every step proceeds"
    if deadline is not None:
        said += f", {late_words(end, deadline)} for the {format_hours(deadline)} deadline"
    return said


def same_outcome(run: Run, was: Run | None) -> bool:
    """Whether two runs end alike (both never finish, or both finish at the same hour)."""
    return was is not None and (run.finished, run.hours) == (was.finished, was.hours)


def compared_words(run: Run, was: Run | None) -> str:
    """The run's end beside the end it had before a change, when that differs:
    "finishes in 13d, on time (was 16d, 2d late)", "finishes in 16d, 2d late (was: never finishes)"."""
    said = finish_words(run)
    return said if was is None or same_outcome(run, was) else f"{said} ({was_words(was)})"


def was_words(was: Run) -> str:
    """How a run ended before a change, as its faint marker says it: "was 16d, 2d late", "was: never finishes"."""
    if not was.finished:
        return "was: never finishes"
    late = late_words(was.hours, was.program.deadline_hours)
    return f"was {format_hours(was.hours)}{', ' + late if late else ''}"


def stopped_words(run: Run) -> str:
    """What stopped a run that never finishes: "Stopped at 11d by Route launch leads to sales: blocked —
    Territory Rules was never written"; "" for a run that finishes."""
    blocks = [e for e in run.events if e.kind == "block"]
    own = [e for e in blocks if any(f.verdict == "blocked" for f in run.step(e.step).findings)]  # not just waiting on another
    block = (own or blocks or [None])[0]
    if run.finished or block is None:
        return ""
    return f"Stopped at {format_hours(block.hours)} by {block.step}: {callout_words(block)}"
