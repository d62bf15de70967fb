"""Shared fixtures: every test gets its own data folder, so nothing touches the developer's machine."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from store import clock
from store.brain import Brain

# The day every test runs on: the day the README's tour was taken (the sample brain covers 76%,
# 0.761, as of it). Pinned through the variable, so CLI and MCP subprocesses inherit it, and the
# figures the tests assert never drift as the sample brain's reviews age on the real calendar.
TEST_DAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _fresh_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SUBSTRATE_DATA_DIR", str(tmp_path / "substrate-data"))


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch):
    monkeypatch.setenv(clock.TODAY_VARIABLE, TEST_DAY.isoformat())
    monkeypatch.setattr(clock, "_vault_day", None)  # a vault opened by one test does not set the next one's day


@pytest.fixture
def vault(tmp_path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    return root


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def make_old(path: Path, seconds: int = 60) -> None:
    """Give a file an mtime well in the past, as files are when a user comes back to a vault."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 1_000_000_000))


@pytest.fixture
def brain(vault, tmp_path):
    """Open a Brain on `vault` with an index in tmp_path; call `.refresh()` after writing notes."""
    opened = Brain(vault, tmp_path / "index.sqlite")
    yield opened
    opened.close()


def rows(brain: Brain, sql: str, params=()) -> list[tuple]:
    return [tuple(r) for r in brain.index.db.execute(sql, list(params)).fetchall()]


@contextlib.contextmanager
def virtual_screen(size: str = "1920x1080"):
    """A virtual X screen (Xvfb) of `size` (WIDTHxHEIGHT) for the real xcb platform; its DISPLAY name."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    for number in range(90, 130):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("Xvfb did not start")
        time.sleep(0.1)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def x_display(tmp_path):
    """A virtual X screen (Xvfb) of 1920x1080 for the real xcb platform; its DISPLAY name."""
    with virtual_screen() as display:
        yield display
