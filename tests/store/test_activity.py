"""The activity log: appended whole, read from where the last read stopped, a half-written line waits."""

from __future__ import annotations

import os
import subprocess

import pytest

from store import activity
from store.errors import NotRecorded


def test_reading_on_from_an_offset_sees_only_new_whole_entries(tmp_path):
    activity.record(tmp_path, "app", "created", "a.md", "A")
    start = activity.end_of_log(tmp_path)
    activity.record(tmp_path, "mcp", "created", "b.md", "B")
    log = tmp_path / activity.LOG_PATH
    whole = log.read_bytes()
    log.write_bytes(whole + b'{"at": "2026-11-25T07:00:00+00:00", "by": "app", "act')  # another writer mid-line
    entries, offset = activity.read_from(tmp_path, start)
    assert [(e.by, e.path) for e in entries] == [("mcp", "b.md")] and offset == len(whole)
    log.write_bytes(whole + b'{"at": "2026-11-25T07:00:00+00:00", "by": "app", "action": "edited", "path": "c.md", "title": "C"}\nnot json\n')
    entries, offset = activity.read_from(tmp_path, offset)
    assert [(e.action, e.path) for e in entries] == [("edited", "c.md")] and offset == log.stat().st_size
    assert [e.path for e in activity.read(tmp_path)] == ["a.md", "b.md", "c.md"]
    assert activity.read_from(tmp_path / "nowhere", 0) == ([], 0)


def test_the_log_is_never_written_through_a_link_out_of_the_vault(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    (vault / ".substrate").mkdir(parents=True)
    outside.mkdir()
    (outside / "activity.jsonl").write_text("theirs\n", encoding="utf-8")
    (vault / activity.LOG_PATH).symlink_to(outside / "activity.jsonl")
    with pytest.raises(NotRecorded, match=r"^a\.md is written, but .* leads out of the vault .*; remove that link\.$"):
        activity.record(vault, "app", "created", "a.md", "A")
    (vault / activity.LOG_PATH).unlink()
    (vault / ".substrate").rmdir()
    (vault / ".substrate").symlink_to(outside, target_is_directory=True)  # the whole folder linked out: not even its lock
    with pytest.raises(NotRecorded, match="leads out of the vault"):
        activity.record(vault, "app", "created", "a.md", "A")
    assert sorted(p.name for p in outside.iterdir()) == ["activity.jsonl"]
    assert (outside / "activity.jsonl").read_text(encoding="utf-8") == "theirs\n"


def test_a_log_that_cannot_be_written_says_the_note_is_safe_in_one_line(tmp_path):
    (tmp_path / ".substrate").write_text("a file where the folder goes", encoding="utf-8")
    with pytest.raises(NotRecorded) as caught:
        activity.record(tmp_path, "app", "created", "notes/a.md", "A")
    assert str(caught.value).startswith("notes/a.md is written, but the vault's activity log could not record it:")
    assert "\n" not in str(caught.value)


def test_a_capture_whose_log_leads_outside_keeps_the_note_and_writes_nothing_there(tmp_path):
    from store import blueprint as blueprints
    from store.brain import Brain
    from store.new_note import Draft, capture

    vault, outside = tmp_path / "vault", tmp_path / "outside.jsonl"
    (vault / ".substrate").mkdir(parents=True)
    outside.write_bytes(b"")
    (vault / activity.LOG_PATH).symlink_to(outside)
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        with pytest.raises(NotRecorded):
            capture(vault, brain.index.db, blueprints.load(vault), Draft("Territory Rules", "process", ("head",)))
    assert [p.name for p in vault.rglob("*.md")] == ["Territory Rules.md"]  # the note is kept
    assert outside.read_bytes() == b""


def test_a_file_named_substrate_gets_the_advice_to_rename_it(tmp_path):
    (tmp_path / ".substrate").write_text("a file where the folder goes", encoding="utf-8")
    with pytest.raises(NotRecorded) as caught:
        activity.record(tmp_path, "app", "created", "notes/a.md", "A")
    assert str(caught.value).endswith("a file named .substrate is where Substrate keeps its records folder; rename that file.")
    assert "free some space" not in str(caught.value) and "permissions" not in str(caught.value)


def test_a_full_disk_gets_the_advice_to_free_some_space(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (a real full disk) needs root")
    vault = tmp_path / "V"
    vault.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(vault)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (vault / ".substrate").mkdir()
        filler = os.open(vault / "filler", os.O_WRONLY | os.O_CREAT)
        with pytest.raises(OSError, match="No space"):
            while True:
                os.write(filler, b"x" * 4096)
        os.close(filler)
        with pytest.raises(NotRecorded) as caught:
            activity.record(vault, "app", "created", "a.md", "A")
        assert "free some space on the vault's disk" in str(caught.value) and "permissions" not in str(caught.value)
    finally:
        subprocess.run(["umount", str(vault)], check=False)

