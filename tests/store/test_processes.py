"""RELIABILITY.md: worker processes die with their parent, whatever killed it; `substrate watch`
stops on Ctrl+C however it was started. Real `substrate` processes, real signals."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.store.test_cli import SCRIPT
from tests.store.test_index_faults import make_vault


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    """Running, sleeping or stopped: anything but gone or a zombie (which holds no memory)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "zombie" not in state


def wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {message}")


class Started:
    """A `substrate` process, its stderr lines as they come."""

    def __init__(self, args, tmp_path: Path, **popen):
        env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
        self.proc = subprocess.Popen([str(SCRIPT), *map(str, args)], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)
        self.lines: queue.Queue = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.err)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)


@pytest.fixture
def started(tmp_path):
    running: list[Started] = []

    def start(*args, **popen):
        running.append(Started(args, tmp_path, **popen))
        return running[-1]

    yield start
    for item in running:
        item.kill()


@pytest.fixture(scope="module")
def workers_vault(tmp_path_factory):
    """Enough notes that reading them starts the worker processes."""
    root = tmp_path_factory.mktemp("workers") / "vault"
    make_vault(root, 3000)
    return root


def _kill_and_expect_workers_gone(proc: subprocess.Popen, workers: set[int]) -> None:
    assert workers and all(alive(pid) for pid in workers)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    try:
        wait_for(lambda: not any(alive(pid) for pid in workers), 15, f"the workers {sorted(workers)} to exit after their parent was killed")
    finally:  # never leave this test's orphans behind when it fails
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_workers_die_when_index_is_killed_mid_index(workers_vault, tmp_path, started):
    index = started("index", workers_vault, "--db", tmp_path / "index.sqlite")
    workers = wait_for(lambda: children(index.proc.pid), 60, "the worker processes")
    _kill_and_expect_workers_gone(index.proc, workers)


def test_workers_die_when_watch_is_killed(workers_vault, tmp_path, started):
    watch = started("watch", workers_vault, "--db", tmp_path / "index.sqlite")
    wait_for(lambda: watch.said("Watching"), 120, "the watcher to start")
    workers = children(watch.proc.pid)  # kept for the next burst while watching
    _kill_and_expect_workers_gone(watch.proc, workers)


def _ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # what a shell does for `substrate watch &`


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_watch_started_as_a_background_job_still_stops_on_ctrl_c(vault, tmp_path, started, stop_signal):
    (vault / "a.md").write_text("a note", encoding="utf-8")
    watch = started("watch", vault, "--db", tmp_path / "index.sqlite", preexec_fn=_ignore_sigint)
    wait_for(lambda: watch.said("Watching"), 60, "the watcher to start")
    watch.proc.send_signal(stop_signal)
    try:
        code = watch.proc.wait(30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`substrate watch` ignored {stop_signal.name} and kept running")
    wait_for(lambda: watch.said("Stopped."), 5, "the goodbye")
    assert code == 0 and not watch.said("Traceback")
