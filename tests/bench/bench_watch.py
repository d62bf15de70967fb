"""Live-index benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_watch.py [N]        (default N = 10000)

Runs the real watcher over a synthetic vault of N notes and prints the latency from an
atomic save to the change being queryable from another connection (p50, p95, max over 60
saves), the time to absorb a burst of 2,000 changed files, and the idle CPU of
`substrate watch`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index import build_vault  # noqa: E402

from store.brain import Brain  # noqa: E402
from store.watch import Watcher  # noqa: E402

SAVES = 60
BURST = 2000
IDLE_SECONDS = 20


def atomic_save(path: Path, text: str) -> str:
    temp = path.with_name(f".{path.name}.swp-{os.getpid()}")
    data = text.encode("utf-8")
    temp.write_bytes(data)
    os.replace(temp, path)
    return hashlib.sha256(data).hexdigest()


def wait_for(reader, expected: dict[str, str], timeout: float = 30.0) -> float:
    """Poll the index from its own connection until every path has its expected hash."""
    started = time.perf_counter()
    remaining = dict(expected)
    while remaining and time.perf_counter() - started < timeout:
        marks = ",".join("?" * min(len(remaining), 500))
        rows = reader.execute(f"SELECT path, sha256 FROM files WHERE path IN ({marks})", list(remaining)[:500]).fetchall()
        for path, sha in rows:
            if remaining.get(path) == sha:
                del remaining[path]
        if remaining:
            time.sleep(0.002)
    if remaining:
        raise TimeoutError(f"{len(remaining)} changes never reached the index")
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(root: Path, db: Path) -> float:
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("substrate")), "watch", str(root), "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        for line in proc.stderr:
            if "Watching" in line:
                break
        time.sleep(2)  # let start-up settle
        before = cpu_seconds(proc.pid)
        time.sleep(IDLE_SECONDS)
        return (cpu_seconds(proc.pid) - before) / IDLE_SECONDS * 100
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        paths = build_vault(root, n)
        db = Path(tmp) / "index.sqlite"
        with Brain(root, db) as brain:
            brain.refresh()
            watcher = Watcher(brain, lambda applied: None)
            watcher.start()
            reader = brain.read.db()
            latencies = []
            for i in range(SAVES):
                path = paths[(i * 7919) % n]
                expected = atomic_save(path, path.read_text(encoding="utf-8") + f"\nSaved {i} [[Note {i}]]\n")
                latencies.append(wait_for(reader, {path.relative_to(root).as_posix(): expected}))
                time.sleep(0.05)  # people do not save 20 times a second
            started = time.perf_counter()
            expected = {}
            for i in range(BURST):
                path = paths[(i * 4999) % n]
                expected[path.relative_to(root).as_posix()] = atomic_save(path, f"# Checked out {i}\n[[Note {i + 1}]]\n")
            written = time.perf_counter() - started
            absorbed = wait_for(reader, expected, timeout=120)
            reader.close()
            watcher.stop()
        cpu = idle_cpu(root, db)
    latencies.sort()
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(f"\n== watching {n} notes")
    print(f"save to queryable    p50 {ms(latencies[len(latencies) // 2])}, p95 {ms(latencies[int(len(latencies) * 0.95)])}, "
          f"max {ms(latencies[-1])}   ({SAVES} atomic saves)")
    print(f"burst of {BURST}       {absorbed:.2f} s after the last write; {written + absorbed:.2f} s from the first (writing took {written:.2f} s)")
    print(f"idle CPU             {cpu:.2f} %   (substrate watch, over {IDLE_SECONDS} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
