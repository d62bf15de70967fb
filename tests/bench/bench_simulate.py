"""Simulation benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_simulate.py [N] [STEPS]     (default N = 10000 notes, STEPS = 50)

Prints the time of one run of a STEPS-step program on an N-note vault (reading the program
and its context from the index, judging it, running it), of the gap-impact ranking, and of
1,000 Monte Carlo runs.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index import build_vault  # noqa: E402

from store.brain import Brain  # noqa: E402
from store.simulate import Scenario, format_hours  # noqa: E402


def program_text(n: int, steps: int, rng: random.Random) -> str:
    """A program whose steps need notes across the vault, use its systems (Note 0, 10, 20...), and wait on earlier steps."""
    lines = ["---", "type: program", "owner: '[[Note 6]]'", "motion: shared", "deadline: 8w", "reviewed: 2026-11-01", "---", "# Big Program"]
    for k in range(steps):
        needs = ", ".join(f"[[Note {rng.randrange(n)}]]" for _ in range(3))
        uses = ", ".join(f"[[Note {rng.randrange(n // 10) * 10}]]" for _ in range(2))
        after = ", ".join(f"[[#Step {j}]]" for j in sorted(rng.sample(range(k), min(k, rng.choice((1, 1, 2)))))) if k else ""
        lines += ["", f"## Step {k}", f"agent:: [[Agent {k % 5}]]", f"needs:: {needs}, [[Unwritten {k % 7}]]" if k % 9 == 0 else f"needs:: {needs}",
                  f"uses:: {uses}", f"motion:: {('b2b', 'b2c', 'shared')[k % 3]}", f"duration:: {1 + k % 4}d"]
        if after:
            lines.append(f"after:: {after}")
    return "\n".join(lines) + "\n"


def agent_text(k: int, n: int, rng: random.Random) -> str:
    needs = ", ".join(f"[[Note {rng.randrange(n)}]]" for _ in range(2))
    acts = ", ".join(f"[[Note {rng.randrange(n // 10) * 10}]]" for _ in range(3))
    return f"---\ntype: agent\nowner: '[[Note {16 + k * 10}]]'\nreviewed: 2026-10-01\nlives_in: note\n---\n# Agent {k}\nneeds:: {needs}\nacts_in:: {acts}\n"


def timed(action, times: int = 5) -> tuple[float, object]:
    took, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = action()
        took.append(time.perf_counter() - started)
    return statistics.median(took), result


def main(n: int, steps: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        build_vault(root, n)
        (root / "programs" / "Big Program.md").write_text(program_text(n, steps, rng), encoding="utf-8")
        for k in range(5):
            (root / "agents").mkdir(exist_ok=True)
            (root / "agents" / f"Agent {k}.md").write_text(agent_text(k, n, rng), encoding="utf-8")
        with Brain(root, Path(tmp) / "index.sqlite") as brain:
            brain.refresh()
            one_run, run = timed(lambda: brain.read.simulation("Big Program").run())
            simulation = brain.read.simulation("Big Program")
            impact_time, impact = timed(simulation.impact, times=1)
            # Monte Carlo on the run with its blockers fixed, so every run walks all the steps
            blockers = {f.key for step in run.steps for f in step.findings if f.verdict == "blocked"}
            unblocked = simulation.run(Scenario().fixing(*blockers))
            monte_time, chance = timed(lambda: simulation.monte_carlo(1000, seed=1, scenario=Scenario().fixing(*blockers)), times=1)
    pieces = sum(len(s.findings) for s in run.steps)
    print(f"\n== a {steps}-step program on {n} notes ({pieces} pieces of context; {run.blocked} steps blocked; {len(impact.gaps)} gaps)")
    print(f"one run                {one_run * 1000:.0f} ms   (median of 5: read the program and its context, judge, run)")
    print(f"gap impact             {impact_time * 1000:.0f} ms   (greedy ranking: one run per candidate per pick)")
    print(f"1,000 Monte Carlo runs {monte_time * 1000:.0f} ms   ({len(blockers)} blockers assumed fixed: {unblocked.counts}; "
          f"{chance.finished} finished, median {format_hours(chance.percentile(0.5))})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000, int(sys.argv[2]) if len(sys.argv) > 2 else 50)
