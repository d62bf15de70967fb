"""Fill-the-gap edits: one property changes, every other byte stays, a change elsewhere is never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest

from store import activity
from store.brain import Brain
from store.errors import SubstrateError
from store.note_edit import mark_reviewed, set_owner, set_property
from store.errors import ChangedOnDisk, OutsideVault


def test_an_existing_property_is_replaced_with_its_list_lines_and_nothing_else_moves():
    text = "---\ntype: seam\nowner:\n  - \"[[Old]]\"\n- \"[[Older]]\"\nreviewed: 2025-01-01  # keep me? no\ncadence: hourly\n---\n# Body\nowner: not front matter\n"
    assert set_property(text, "owner", '"[[Priya]]"') == "---\ntype: seam\nowner: \"[[Priya]]\"\nreviewed: 2025-01-01  # keep me? no\ncadence: hourly\n---\n# Body\nowner: not front matter\n"
    assert set_property(text, "reviewed", "2026-11-25").count("reviewed: 2026-11-25\ncadence: hourly") == 1


def test_a_missing_property_is_added_before_the_closing_line_and_a_missing_front_matter_made():
    assert set_property("---\ntype: seam\n---\nBody\n", "owner", '"[[P]]"') == "---\ntype: seam\nowner: \"[[P]]\"\n---\nBody\n"
    assert set_property("# Just text\n", "reviewed", "2026-11-25") == "---\nreviewed: 2026-11-25\n---\n# Just text\n"
    assert set_property("", "reviewed", "2026-11-25") == "---\nreviewed: 2026-11-25\n---\n"


def test_windows_line_endings_and_a_bom_are_kept():
    text = "\ufeff---\r\ntype: metric\r\nreviewed: 2020-01-01\r\n---\r\nBody\r\n"
    assert set_property(text, "reviewed", "2026-11-25") == "\ufeff---\r\ntype: metric\r\nreviewed: 2026-11-25\r\n---\r\nBody\r\n"


def test_front_matter_never_closed_is_left_for_the_editor():
    with pytest.raises(SubstrateError, match="never closed"):
        set_property("---\ntype: seam\nBody\n", "owner", "x")


def test_owner_and_review_fill_their_gaps_in_the_index_and_are_logged(tmp_path):
    (tmp_path / "seams").mkdir()
    note = tmp_path / "seams/Sync.md"
    note.write_text("---\ntype: seam\nfrom: \"[[A]]\"\nto: \"[[B]]\"\ncadence: hourly\nfailure_mode: drops\nreviewed: 2020-01-01\n---\n# Sync\n", encoding="utf-8")
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        brain.refresh()
        before = brain.read.coverage(today=dt.date(2026, 11, 25)).note("seams/Sync.md")
        assert "no owner" in before.missing and before.stale
        set_owner(tmp_path, "seams/Sync.md", "Priya Shah")
        mark_reviewed(tmp_path, "seams/Sync.md", dt.date(2026, 11, 25))
        brain.refresh()
        after = brain.read.coverage(today=dt.date(2026, 11, 25)).note("seams/Sync.md")
        assert after.state == "covered" and not after.stale
    assert [(e.action, e.path) for e in activity.read(tmp_path)] == [("edited", "seams/Sync.md"), ("reviewed", "seams/Sync.md")]


def test_a_note_changed_between_read_and_save_is_not_overwritten(tmp_path, monkeypatch):
    note = tmp_path / "Sync.md"
    note.write_text("---\ntype: seam\n---\n", encoding="utf-8")
    import store.note_edit as note_edit

    real = note_edit.set_property

    def meanwhile(text, key, value):  # another program saves while the edit is worked out
        note.write_text("---\ntype: seam\nowner: \"[[Someone Else]]\"\n---\n", encoding="utf-8")
        return real(text, key, value)

    monkeypatch.setattr(note_edit, "set_property", meanwhile)
    with pytest.raises(ChangedOnDisk):
        set_owner(tmp_path, "Sync.md", "Priya")
    assert "Someone Else" in note.read_text(encoding="utf-8")


def test_marking_a_linked_note_reviewed_writes_its_target_and_the_link_stays_a_link(tmp_path):
    (tmp_path / "systems").mkdir()
    note = tmp_path / "systems/Salesforce.md"
    note.write_text("---\ntype: system\nreviewed: 2020-01-01\n---\n", encoding="utf-8")
    (tmp_path / "CRM.md").symlink_to("systems/Salesforce.md")
    mark_reviewed(tmp_path, "CRM.md", dt.date(2026, 11, 25))
    assert (tmp_path / "CRM.md").is_symlink() and "reviewed: 2026-11-25" in note.read_text(encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text("---\nreviewed: 2020-01-01\n---\n", encoding="utf-8")
    (tmp_path / "Out.md").symlink_to(outside)
    with pytest.raises(OutsideVault):
        mark_reviewed(tmp_path, "Out.md", dt.date(2026, 11, 25))
    assert outside.read_text(encoding="utf-8") == "---\nreviewed: 2020-01-01\n---\n"
