"""Workshop benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_workshop.py [N] [CAPTURES]      (default 10000 notes, 10 captures; offscreen)

Capture to visible on the map: from pressing Capture in the quick-capture dialog to the coverage
map on screen counting the new note (written off the UI thread, picked up by the watcher, judged
again incrementally, repainted), in workshop mode.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(n: int, captures: int) -> None:
    from bench_index import build_vault, map_window, wait_until


    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["SUBSTRATE_DATA_DIR"] = str(tmp / "data")
        vault = tmp / "vault"
        build_vault(vault, n)
        app, window = map_window(vault, tmp)
        page = window.map_and_run.map

        def wait(condition, since: float) -> float:
            return wait_until(app, condition, since)

        opened = time.perf_counter()
        window.open_vault(vault)
        wait(lambda: window.session is not None and window.session.live and page.report is not None, opened)
        window.workshop.start()
        wait(lambda: window.workshop.snapshot is not None, time.perf_counter())
        took = []
        for k in range(captures):
            dialog = window.writing.capture_note()
            dialog.title.setText(f"Workshop Answer {k}")
            dialog.type.setCurrentIndex(dialog.type.findData("team"))
            dialog.places["head"].setChecked(True)
            dialog.owner.setText("Dana Ruiz")
            teams = next(a.total for a in page.report.areas if a.type == "team" and a.motion == "all")
            begun = time.perf_counter()
            dialog.capture_button.click()
            took.append(wait(lambda: next(a.total for a in page.report.areas if a.type == "team" and a.motion == "all") == teams + 1, begun))
            time.sleep(0.3)  # a room takes longer than this between answers
        window.workshop.end()
        window.close()
    print(f"\n== capture to visible on the map, {n} notes, {captures} captures in workshop mode")
    print(f"p50 {statistics.median(took):.0f} ms, worst {max(took):.0f} ms  ({', '.join(f'{t:.0f}' for t in took)})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000, int(sys.argv[2]) if len(sys.argv) > 2 else 10)
