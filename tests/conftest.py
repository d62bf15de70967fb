"""Shared fixtures: every test gets its own data folder, so nothing touches the developer's machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.brain import Brain


@pytest.fixture(autouse=True)
def _fresh_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SUBSTRATE_DATA_DIR", str(tmp_path / "substrate-data"))


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
