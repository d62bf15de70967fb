"""Polling-fallback benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_unwatched.py          (Linux 5.11+, unshare)

Runs the real watcher under a real inotify limit (set in a user namespace of its own, so the
machine's limit and other processes are untouched) that leaves half of a 40-folder vault
unwatched, and prints how long an edit takes to reach the index: in a folder the system refused
to watch (polled) and, for comparison, in a watched one (p50, p90, max over 20 edits each).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.brain import Brain  # noqa: E402
from store.watch import POLL_SECONDS, Watcher  # noqa: E402

FOLDERS, LIMIT, EDITS = 40, 21, 20


def main() -> None:
    if os.environ.get("BENCH_UNWATCHED_INSIDE") != "1":
        unshare = shutil.which("unshare") or sys.exit("needs unshare")
        os.environ["BENCH_UNWATCHED_INSIDE"] = "1"
        script = f'echo {LIMIT} > /proc/sys/user/max_inotify_watches && exec "$0" "$@"'
        os.execv(unshare, [unshare, "-U", "-r", "sh", "-c", script, sys.executable, *sys.argv])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        for i in range(FOLDERS):
            (root / f"f{i:02}").mkdir(parents=True)
            (root / f"f{i:02}" / "n.md").write_text("first", encoding="utf-8")
        os.environ["SUBSTRATE_DATA_DIR"] = str(Path(tmp) / "data")
        seen: dict[str, float] = {}
        with Brain(root, Path(tmp) / "index.sqlite") as brain:
            watcher = Watcher(brain, lambda a: seen.update(dict.fromkeys(a.changes.paths(), time.monotonic())), print)
            watcher.start()
            polled = [rel for rel in watcher.polled if rel]
            watched = [f"f{i:02}" for i in range(FOLDERS) if f"f{i:02}" not in polled]
            print(f"{len(watcher.polled)} of {FOLDERS + 1} folders polled (inotify limit {LIMIT}), poll interval {POLL_SECONDS:g} s")
            for name, rels in (("unwatched (polled)", polled), ("watched", watched)):
                figures = []
                for edit in range(EDITS):
                    rel = f"{rels[edit % len(rels)]}/n.md"
                    seen.pop(rel, None)
                    started = time.monotonic()
                    (root / rel).write_text(f"edit {edit} in {name}", encoding="utf-8")
                    while rel not in seen:
                        time.sleep(0.005)
                    figures.append(seen[rel] - started)
                    time.sleep(random.uniform(0.1, POLL_SECONDS))  # edits land anywhere in the poll cycle
                figures.sort()
                print(f"{name:20} edit -> index  p50 {statistics.median(figures) * 1000:6.0f} ms  "
                      f"p90 {figures[int(len(figures) * 0.9) - 1] * 1000:6.0f} ms  max {figures[-1] * 1000:6.0f} ms")
            watcher.stop()


if __name__ == "__main__":
    main()
