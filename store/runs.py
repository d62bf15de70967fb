"""A program's run as the app shows it: the run of a what-if, the run as things stand beside it,
who it may ask and which systems it uses; then its chances. Pure: a `Simulation` in (the reader
opens it, `BrainReader.run`), plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import words
from store.simulate import Impact, MonteCarlo, Run, Scenario, Simulation


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
