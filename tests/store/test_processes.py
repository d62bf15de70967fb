"""RELIABILITY.md: worker processes die with their parent, whatever killed it; `substrate watch`
stops on Ctrl+C however it was started. Real `substrate` processes, real signals."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.store.test_cli import SCRIPT
from tests.store.test_index_faults import make_vault
from tests.store.test_mcp import talk


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


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_watch_stopped_as_it_starts_stops_even_as_a_background_job(vault, tmp_path, started, stop_signal):
    (vault / "a.md").write_text("a note", encoding="utf-8")
    watch = started("watch", vault, "--db", tmp_path / "index.sqlite", preexec_fn=_ignore_sigint)
    time.sleep(0.15)  # Python is up, the engine's imports are not done: a signal now used to be lost
    watch.proc.send_signal(stop_signal)
    try:
        watch.proc.wait(30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`substrate watch` lost a {stop_signal.name} sent as it started, and kept running")
    assert not watch.said("Traceback")


def _building(db: Path):
    """The build progress a writer recorded in the index, as another process reads it."""
    if not db.exists():
        return None
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'building'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return None
    finally:
        conn.close()
    return tuple(map(int, row[0].split("/"))) if row else None


def _cli(*args, data: Path):
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(data), "COLUMNS": "300"}
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)


def test_reading_an_index_another_process_is_still_building_says_so_and_export_waits(workers_vault, tmp_path, started):
    db, bundle = tmp_path / "index.sqlite", tmp_path / "all.zip"
    index = started("index", workers_vault, "--db", db)
    wait_for(lambda: (_building(db) or (0,))[0] > 0, 120, "the build to commit its first batch")
    os.kill(index.proc.pid, signal.SIGSTOP)  # part way through, holding the writer's lock: as a slow machine would be
    try:
        done, total = _building(db)
        assert total == 3000 and 0 < done < total
        search = _cli("search", workers_vault, "Note", "--db", db, data=tmp_path / "data")
        assert search.returncode == 0, search.stderr
        assert f"another Substrate is still indexing this vault ({done:,} of 3,000 notes); results are partial." in search.stderr
        export = _cli("export", workers_vault, "--out", bundle, "--db", db, data=tmp_path / "data")
        assert export.returncode == 2 and "Traceback" not in export.stderr, export.stderr
        assert "Wait until it finishes, then run export again." in export.stderr
        assert not bundle.exists()
        agent = talk(workers_vault, tmp_path, lambda session: session.call_tool("search", {"text": "Note"}), "--db", str(db))
        assert agent.structuredContent["partial"].startswith(f"Another Substrate is still indexing this vault ({done:,} of 3,000 notes)")
    finally:
        os.kill(index.proc.pid, signal.SIGCONT)
    assert index.proc.wait(300) == 0
    assert _building(db) is None
    export = _cli("export", workers_vault, "--out", bundle, "--db", db, data=tmp_path / "data")
    assert export.returncode == 0 and "3,000 notes" in export.stdout, export.stderr


def _under_a_watch_limit(limit: int) -> list[str]:
    """A command prefix that runs under a real inotify limit of `limit` watches, set in a user
    namespace of its own: the kernel refuses the rest as it would on a full system, and nothing
    outside (other processes, the machine's own limit) is touched."""
    unshare = shutil.which("unshare")
    if unshare is None or not Path("/proc/sys/user/max_inotify_watches").exists():
        pytest.skip("needs unshare and per-namespace inotify limits (Linux 5.11+)")
    probe = subprocess.run([unshare, "-U", "-r", "sh", "-c", "echo 1 > /proc/sys/user/max_inotify_watches"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not allowed here: {probe.stderr.decode(errors='replace').strip()}")
    return [unshare, "-U", "-r", "sh", "-c", f'echo {limit} > /proc/sys/user/max_inotify_watches && exec "$0" "$@"']


def test_folders_the_system_refuses_to_watch_are_said_once_and_polled(vault, tmp_path):
    for i in range(19):
        (vault / f"f{i:02}").mkdir()
        (vault / f"f{i:02}" / "old.md").write_text("before", encoding="utf-8")
    db = tmp_path / "index.sqlite"
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "400"}
    proc = subprocess.Popen([*_under_a_watch_limit(10), str(SCRIPT), "watch", str(vault), "--db", str(db)], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err: list[str] = []
    threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True).start()
    try:
        wait_for(lambda: any("Watching" in line for line in err), 60, "the watcher to start")
        for i in range(19):  # some in watched folders, some in folders the kernel refused
            (vault / f"f{i:02}" / "new.md").write_text(f"written while watching {i}", encoding="utf-8")
        wait_for(lambda: _count(db, "SELECT COUNT(*) FROM files WHERE path LIKE '%/new.md'") == 19, 30, "every new note indexed")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    said = [line for line in err if "limit on watched folders" in line]
    assert len(said) == 1, err
    assert "10 of the vault's 20 folders are not watched" in said[0] and "sudo sysctl fs.inotify.max_user_watches" in said[0]


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


POLLED_ONLY_UNWATCHED = """
import sys, time
from store.brain import Brain
from store.unwatched import folders, watched_folders
from store.watch import Watcher
brain = Brain(sys.argv[1], sys.argv[2])
notices = []
watcher = Watcher(brain, lambda applied: None, notices.append)
watcher.start()
watched = watched_folders()
print(sorted(watcher.polled) == sorted(rel for rel, key in folders(brain.vault).items() if key not in watched), len(watcher.polled), len(notices))
watcher.stop()
brain.close()
"""


def test_only_the_folders_the_system_refused_are_polled(vault, tmp_path):
    for i in range(19):
        (vault / f"f{i:02}" / "deeper").mkdir(parents=True)
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([*_under_a_watch_limit(25), sys.executable, "-c", POLLED_ONLY_UNWATCHED, str(vault), str(tmp_path / "i.sqlite")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["True", str(39 - 25), "1"], out.stderr
