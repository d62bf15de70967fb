"""Coverage map and run benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_map.py [N] [STEPS]      (default 10000 notes, a 50-step program; offscreen)

1. Ready: from opening an already indexed N-note vault on the map page to the heat map and the
   run's timeline on screen (and, later, the fix-first list).
2. One step of the run: the click to the map, timeline and event log repainted.
3. The brain graph: read and laid out in the background, then the paint time of one frame while
   panning, with every note in view and zoomed in.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(n: int, steps: int) -> None:
    from bench_index import build_vault, map_window
    from bench_index import wait_until as wait_for
    from bench_simulate import agent_text, program_text


    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["SUBSTRATE_DATA_DIR"] = str(tmp / "data")
        vault = tmp / "vault"
        build_vault(vault, n)
        (vault / "programs" / "Big Program.md").write_text(program_text(n, steps, rng), encoding="utf-8")
        (vault / "agents").mkdir(exist_ok=True)
        for k in range(5):
            (vault / "agents" / f"Agent {k}.md").write_text(agent_text(k, n, rng), encoding="utf-8")
        app, window = map_window(vault, tmp)
        panel, model = window.map_and_run.run, window.map_and_run.map.map_model

        def wait_until(condition) -> float:
            return wait_for(app, condition, started)

        started = time.perf_counter()
        window.open_vault(vault)
        index_open = wait_until(lambda: window.session is not None and window.session.brain is not None)
        map_ready = wait_until(lambda: model.rowCount() > 0)
        run_ready = wait_until(lambda: panel.result is not None)
        app.processEvents()
        painted = (time.perf_counter() - started) * 1000
        fix_first = wait_until(lambda: panel.impact is not None)

        step_ms = []
        for _ in range(len(panel.result.run.events)):
            begun = time.perf_counter()
            panel.step()
            app.processEvents()  # the map, timeline and log repaint
            step_ms.append((time.perf_counter() - begun) * 1000)
        run = panel.result.run

        started = time.perf_counter()
        window.map_and_run.left.setCurrentIndex(1)
        graph_ready = wait_until(lambda: window.map_and_run.graph is not None and window.map_and_run.graph.graph is not None)
        view = window.map_and_run.graph
        frames = {}
        for zoom in ("every note", "zoomed in"):
            box = view.plot.getViewBox()
            if zoom == "zoomed in":
                box.scaleBy((0.08, 0.08))
            app.processEvents()
            took = []
            for k in range(40):
                box.translateBy(x=(box.viewRange()[0][1] - box.viewRange()[0][0]) * 0.01 * (1 if k % 20 < 10 else -1))
                begun = time.perf_counter()
                view.plot.viewport().repaint()
                took.append((time.perf_counter() - begun) * 1000)
            frames[zoom] = sorted(took)
        nodes, links = len(view.graph.keys), len(view.graph.edges)
        window.close_session()

    ordered = sorted(step_ms)
    print(f"\n== coverage map and run on {n} notes, a {steps}-step program ({len(run.events)} events)")
    print(f"map on screen            {map_ready:.0f} ms after asking to open the indexed vault "
          f"({map_ready - index_open:.0f} ms after its index was open, at {index_open:.0f} ms)")
    print(f"run on screen            {run_ready:.0f} ms (painted {painted:.0f} ms); fix-first list {fix_first:.0f} ms")
    print(f"one step of the run      p50 {statistics.median(step_ms):.1f} ms, p95 {ordered[int(len(ordered) * 0.95)]:.1f} ms, "
          f"worst {ordered[-1]:.1f} ms (click to map, timeline and log repainted)")
    print(f"brain graph              {nodes:,} notes and ghosts, {links:,} links: read and laid out in the background in {graph_ready / 1000:.1f} s")
    for zoom, took in frames.items():
        print(f"  one frame while panning, {zoom:10}  p50 {statistics.median(took):.1f} ms, p95 {took[int(len(took) * 0.95)]:.1f} ms"
              f"  (~{1000 / max(0.1, statistics.median(took)):.0f} frames/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000, int(sys.argv[2]) if len(sys.argv) > 2 else 50)
