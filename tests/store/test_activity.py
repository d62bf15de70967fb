"""The activity log: appended whole, read from where the last read stopped, a half-written line waits."""

from __future__ import annotations

from store import activity


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
