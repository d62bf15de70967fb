"""Coverage benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_coverage.py [N]        (default N = 10000)

Prints the time to compute the full coverage of an N-note vault from its index, and the
time until the updated coverage is available after a one-note change.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index import build_vault  # noqa: E402

from store.brain import Brain  # noqa: E402


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        paths = build_vault(root, n)
        with Brain(root, Path(tmp) / "index.sqlite") as brain:
            brain.refresh()
            full = []
            for _ in range(5):
                started = time.perf_counter()
                report = brain.read.coverage(cached=False)
                full.append(time.perf_counter() - started)
            started = time.perf_counter()
            brain.read.coverage()
            cached = time.perf_counter() - started
            after_edit = []
            for i in range(5):
                with open(paths[i * 37], "a", encoding="utf-8") as handle:
                    handle.write(f"\nowner:: [[Note {i}]]\n")
                started = time.perf_counter()
                brain.refresh_paths([paths[i * 37].relative_to(root).as_posix()])
                brain.read.coverage()
                after_edit.append(time.perf_counter() - started)
    print(f"\n== coverage of {n} notes ({len(report.known_unknowns)} known unknowns, overall {report.overall:.2f})")
    print(f"full coverage        {statistics.median(full) * 1000:.0f} ms   (median of 5, from the index)")
    print(f"unchanged index      {cached * 1000:.1f} ms   (the report is kept until the index or blueprint changes)")
    print(f"after one edit       {statistics.median(after_edit) * 1000:.0f} ms   (median of 5: reindex the note; only the notes it touched are judged again)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
