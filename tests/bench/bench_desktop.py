"""Desktop benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_desktop.py [N]      (default N = 10000; runs offscreen)

1. Event-loop stalls while the app indexes an N-note vault for the first time, and while a
   2,000-file burst arrives (a 5 ms timer records how late each tick is).
2. Cold start: a new process, to a window listing all N notes of the already indexed vault.
3. Search as you type: each keystroke to its results on screen.
4. Peak memory with the vault open.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

STARTUP = r'''
import time; started = time.perf_counter()
import os, sys; sys.path.insert(0, {root!r}); os.environ["QT_QPA_PLATFORM"] = "offscreen"; os.environ["SUBSTRATE_DATA_DIR"] = {data!r}
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from desktop.main_window import MainWindow
app = QApplication([])
window = MainWindow(QSettings({settings!r}, QSettings.Format.IniFormat), db_path=Path({db!r}))
window.show()
from desktop.app import settle_memory; settle_memory()
window.open_vault(Path({vault!r}))
def check():
    if window.notes.rowCount() >= {n}:
        print(f"{{(time.perf_counter() - started) * 1000:.0f}}", flush=True)
        window.close(); app.quit()
    else:
        QTimer.singleShot(5, check)
check()
app.exec()
'''


BURST = r'''
from pathlib import Path
folder = Path({folder!r}); folder.mkdir()
for i in range(2000):
    (folder / f"Burst {{i}}.md").write_text(f"---\\ntype: process\\n---\\n# Burst {{i}}\\nLinks to [[Note {{i}}]].\\n", encoding="utf-8")
'''


class StallMeter:
    """A 5 ms timer: how late each tick comes is how long the UI thread was busy."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.late: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer(interval=5, timeout=self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.append((now - self._last) * 1000 - 5)
        self._last = now

    def start(self) -> None:
        self.late.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        self.timer.stop()
        ordered = sorted(self.late)
        return ordered[-1], ordered[int(len(ordered) * 0.99)]


def children_rss_mb() -> float:
    """Resident memory of this process's children now (the index's parse workers), from /proc."""
    total = 0
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                total += int(Path(f"/proc/{child}/statm").read_text().split()[1]) * resource.getpagesize()
            except (OSError, IndexError):
                pass
    return total / 1024 / 1024


def main(n: int) -> None:
    from bench_index import scratch_vault
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.app import settle_memory
    from desktop.main_window import MainWindow

    with scratch_vault(n) as (tmp, vault):
        app = QApplication([])
        window = MainWindow(QSettings(str(tmp / "bench.ini"), QSettings.Format.IniFormat), db_path=tmp / "index.sqlite")
        window.resize(1280, 800)
        window.show()
        settle_memory()  # as the app does before it opens a vault
        meter = StallMeter()

        workers_peak = 0.0

        def wait_until(condition, timeout: float) -> float:
            nonlocal workers_peak
            started = time.perf_counter()
            while not condition():
                app.processEvents()
                time.sleep(0.002)
                if int((time.perf_counter() - started) * 1000) % 500 < 3:
                    workers_peak = max(workers_peak, children_rss_mb())
                if time.perf_counter() - started > timeout:
                    raise TimeoutError
            return time.perf_counter() - started

        meter.start()
        window.open_vault(vault)
        first_index = wait_until(lambda: window.session.live and window.notes.rowCount() == n, 600)
        index_stall = meter.stop()

        # Another program writes the burst (an editor, git, a sync client): the app's UI thread only watches.
        meter.start()
        started = time.perf_counter()
        writer = subprocess.Popen([sys.executable, "-c", BURST.format(folder=str(vault / "burst"))])
        burst = wait_until(lambda: window.notes.rowCount() == n + 2000, 120)
        writer.wait()
        burst_stall = meter.stop()

        keystrokes = []
        for word in ("note", "routing", "alpha", "pipeline"):
            window.search_box.clear()
            app.processEvents()
            for end in range(1, len(word) + 1):
                typed = word[:end]
                started = time.perf_counter()
                window.search_box.setText(typed)
                wait_until(lambda: window.search_results.query == typed, 10)
                app.processEvents()
                keystrokes.append((time.perf_counter() - started) * 1000)
        peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        window.close()

        cold = []
        for _ in range(3):
            script = STARTUP.format(root=str(Path(__file__).resolve().parents[2]), data=str(tmp / "data"), settings=str(tmp / "cold.ini"),
                                    db=str(tmp / "index.sqlite"), vault=str(vault), n=n + 2000)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
            cold.append(((time.perf_counter() - started) * 1000, done.stdout.strip()))

    print(f"\n== the desktop app on {n} notes")
    print(f"first index in the app    {first_index:.1f} s; UI thread stalls: worst {index_stall[0]:.0f} ms, p99 {index_stall[1]:.0f} ms")
    print(f"2,000-file burst           listed {burst:.1f} s after the first write; UI stalls: worst {burst_stall[0]:.0f} ms, p99 {burst_stall[1]:.0f} ms")
    print(f"search per keystroke      p50 {statistics.median(keystrokes):.0f} ms, p95 {sorted(keystrokes)[int(len(keystrokes) * 0.95)]:.0f} ms, "
          f"worst {max(keystrokes):.0f} ms ({len(keystrokes)} keystrokes, to results in the list)")
    print("cold start to a full list  " + ", ".join(f"{wall:.0f} ms (in-process {inner} ms)" for wall, inner in cold)
          + f"   ({n + 2000} notes, already indexed; wall time includes Python's own start)")
    print(f"peak memory               {peak_main:.0f} MB app process; parse workers while indexing {workers_peak:.0f} MB in all")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
