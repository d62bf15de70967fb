"""RELIABILITY.md "The index": crashes, damaged files, a second writer, a full disk."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from store.brain import Brain
from store.errors import IndexBusy, IndexUnavailable
from tests.conftest import write
from tests.store.test_cli import SCRIPT
from tests.store.test_incremental_property import dump


def make_vault(root, count):
    for i in range(count):
        write(root, f"f{i % 9}/Note {i}.md", f"---\ntype: system\naliases: [N{i}]\nowner: '[[Note {(i * 3) % count}]]'\n---\n# Note {i}\n[[N{(i + 7) % count}]] #t{i % 4}\nfield:: {i}\n")


def integrity(db_path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def fresh_dump(vault, tmp_path):
    with Brain(vault, tmp_path / f"fresh-{time.monotonic_ns()}.sqlite") as fresh:
        fresh.refresh(workers=1)
        return dump(fresh)


def assert_converges(vault, db, tmp_path) -> None:
    """Once the vault is quiet, the index equals a fresh index built from scratch."""
    with Brain(vault, db) as brain:
        brain.refresh()
        assert dump(brain) == fresh_dump(vault, tmp_path)


def run_index(vault, db, env) -> subprocess.Popen:
    return subprocess.Popen([str(SCRIPT), "index", str(vault), "--db", str(db)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory):
    """4,000 notes, and how long a full index of them takes here, to kill at fractions of it."""
    root = tmp_path_factory.mktemp("big") / "vault"
    make_vault(root, 4000)
    started = time.monotonic()
    assert run_index(root, root.parent / "timing.sqlite", dict(os.environ)).wait() == 0
    return root, time.monotonic() - started


@pytest.mark.parametrize("fraction", [0.15, 0.35, 0.55, 0.75, 0.9])
def test_sigkill_during_indexing_then_restart_converges(big_vault, tmp_path, fraction):
    vault, full_seconds = big_vault
    db = tmp_path / "index.sqlite"
    proc = run_index(vault, db, {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")})
    time.sleep(full_seconds * fraction)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if db.exists():
        assert integrity(db) == "ok"
    with Brain(vault, db) as brain:
        brain.refresh()
        assert dump(brain) == fresh_dump(vault, tmp_path)
        assert brain.notices == []


def test_a_missing_wal_file_after_a_crash_still_converges(vault, tmp_path):
    make_vault(vault, 300)
    db = tmp_path / "index.sqlite"
    with Brain(vault, db) as brain:
        brain.refresh()
        write(vault, "late.md", "written after the last checkpoint")
        brain.refresh()
        wal = tmp_path / "index.sqlite-wal"
        assert wal.exists()
        os.unlink(wal)  # as if the crash lost it
    assert integrity(db) == "ok"
    assert_converges(vault, db, tmp_path)


def test_a_truncated_index_is_set_aside_and_rebuilt(vault, tmp_path):
    make_vault(vault, 200)
    db = tmp_path / "index.sqlite"
    with Brain(vault, db) as brain:
        brain.refresh()
        brain.index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size // 2)
    with Brain(vault, db) as brain:
        assert "set aside" in brain.notices[0]
        brain.refresh()
        assert brain.read.summary().notes == 200
    assert list(tmp_path.glob("index.sqlite.set-aside-*"))


def test_an_index_from_a_newer_substrate_is_set_aside(vault, tmp_path):
    write(vault, "n.md", "x")
    db = tmp_path / "index.sqlite"
    with Brain(vault, db) as brain:
        brain.refresh()
        brain.index.db.execute("PRAGMA user_version = 99")
    with Brain(vault, db) as brain:
        assert "newer Substrate" in brain.notices[0]
        brain.refresh()
        assert brain.read.summary().notes == 1


def test_one_writer_per_index_and_a_second_one_reads_only(vault, tmp_path):
    write(vault, "n.md", "hello [[World]]")
    db = tmp_path / "index.sqlite"
    with Brain(vault, db) as writer:
        writer.refresh()
        with pytest.raises(IndexBusy, match="already keeping the index"):
            Brain(vault, db)
        with Brain(vault, db, read_only=True) as reader:
            assert reader.read.search("hello")[0].path == "n.md"
            with pytest.raises(IndexBusy):
                reader.refresh()
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.index.db.execute("DELETE FROM notes")
    with Brain(vault, db) as again:  # the lock went with the writer
        assert again.read.summary().notes == 1


def test_a_second_process_gets_a_clear_message_or_reads_only(vault, tmp_path):
    write(vault, "n.md", "hello")
    db = tmp_path / "index.sqlite"
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    with Brain(vault, db) as writer:
        writer.refresh()
        index = subprocess.run([str(SCRIPT), "index", str(vault), "--db", str(db)], capture_output=True, text=True, env=env, timeout=60)
        assert index.returncode == 2
        assert "already keeping the index" in index.stderr and "Traceback" not in index.stderr
        search = subprocess.run([str(SCRIPT), "search", str(vault), "hello", "--db", str(db)], capture_output=True, text=True, env=env, timeout=60)
        assert search.returncode == 0
        assert "1. n" in search.stdout and "reading it as it is" in search.stderr


def test_a_full_disk_rolls_the_batch_back_and_says_why(vault, tmp_path):
    write(vault, "first.md", "small")
    db = tmp_path / "index.sqlite"
    with Brain(vault, db) as brain:
        brain.refresh()
        pages = brain.index.db.execute("PRAGMA page_count").fetchone()[0]
        brain.index.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk fills up here
        for i in range(50):
            write(vault, f"big{i}.md", "lorem ipsum [[first]] " * 2000)
        with pytest.raises(IndexUnavailable, match="full"):
            brain.refresh()
        assert brain.read.summary().notes == 1
        assert brain.index.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (vault / "first.md").read_text() == "small"


def _cli(*args, data):
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(data), "COLUMNS": "200"}
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)


SCHEMA_DAMAGE = {
    "a missing table": ["DROP TABLE links"],
    "a missing column": ["DROP INDEX idx_notes_facts", "ALTER TABLE notes DROP COLUMN body_chars"],
    "the full text's table gone": ["DROP TRIGGER notes_fts_delete", "DROP TABLE notes_fts"],
    "the trigger that keeps full text in step gone": ["DROP TRIGGER notes_fts_delete"],
}


@pytest.mark.parametrize("damage", SCHEMA_DAMAGE, ids=list(SCHEMA_DAMAGE))
def test_a_damaged_schema_is_set_aside_and_rebuilt(vault, tmp_path, damage):
    make_vault(vault, 60)
    db = tmp_path / "index.sqlite"
    assert _cli("index", vault, "--db", db, data=tmp_path / "data").returncode == 0
    conn = sqlite3.connect(db)
    for statement in SCHEMA_DAMAGE[damage]:
        conn.execute(statement)
    conn.commit()
    conn.close()
    first = _cli("search", vault, "Note", "--db", db, data=tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert "set aside" in first.stderr and "Traceback" not in first.stderr
    assert "1. Note" in first.stdout
    again = _cli("search", vault, "Note", "--db", db, data=tmp_path / "data")
    assert again.returncode == 0 and "set aside" not in again.stderr, again.stderr
    assert list(tmp_path.glob("index.sqlite.set-aside-*"))
    assert_converges(vault, db, tmp_path)


def _index_damage_and_search(vault, tmp_path, notes: int, damage: str):
    """Index a vault of `notes` notes, run `damage` on the index, then search it: (the index, the search)."""
    make_vault(vault, notes)
    db = tmp_path / "index.sqlite"
    assert _cli("index", vault, "--db", db, data=tmp_path / "data").returncode == 0
    conn = sqlite3.connect(db)
    conn.execute(damage)
    conn.commit()
    conn.close()
    return db, _cli("search", vault, "Note", "--db", db, data=tmp_path / "data")


def test_a_broken_full_text_index_is_reported_then_set_aside_and_rebuilt(vault, tmp_path):
    db, broken = _index_damage_and_search(vault, tmp_path, 300,  # every term page, not the structure
                                          "UPDATE notes_fts_data SET block = zeroblob(length(block)) WHERE id > 10")
    assert broken.returncode == 2 and "Traceback" not in broken.stderr, broken.stderr
    assert "is damaged" in broken.stderr and "Run the command again" in broken.stderr
    mended = _cli("search", vault, "Note", "--db", db, data=tmp_path / "data")
    assert mended.returncode == 0, mended.stderr
    assert "set aside" in mended.stderr and "1. Note" in mended.stdout
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def test_a_full_text_index_that_answers_nothing_without_an_error_is_found_damaged(vault, tmp_path):
    """Every page overwritten, the structure record too: FTS5 then reports an empty index, no error,
    and every search said "No notes match" for good."""
    db, broken = _index_damage_and_search(vault, tmp_path, 50, "UPDATE notes_fts_data SET block = x'00ff00ff'")
    assert broken.returncode == 2 and "No notes match" not in broken.stdout, broken.stdout
    assert "the full-text index holds 0 of 50 notes" in broken.stderr and "Run the command again" in broken.stderr
    mended = _cli("search", vault, "Note", "--db", db, data=tmp_path / "data")
    assert mended.returncode == 0 and "set aside" in mended.stderr and "1. Note" in mended.stdout
    assert "No notes match" in _cli("search", vault, "zzzunheardof", "--db", db, data=tmp_path / "data").stdout  # a real miss stays one


def test_a_busy_index_is_never_taken_for_a_damaged_one(vault, tmp_path):
    make_vault(vault, 20)
    db = tmp_path / "index.sqlite"
    with Brain(vault, db) as brain:
        brain.refresh()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the file: not damage
    try:
        with pytest.raises(IndexUnavailable, match="locked"):
            Brain(vault, db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(tmp_path.glob("index.sqlite.set-aside-*"))
