"""New notes for gaps: written from the blueprint, never over an existing file."""

from __future__ import annotations

import datetime as dt

import pytest

from store import blueprint as blueprints
from store.brain import Brain
from store.errors import SubstrateError
from store.new_note import NoteExists, create_note, file_name, note_text


def test_a_new_note_has_the_blueprints_slots_for_its_type_and_indexes_cleanly(tmp_path):
    blueprint = blueprints.load()
    text = note_text(blueprint, "seam", "HubSpot to Salesforce", dt.date(2026, 11, 25), "Needed by: Route launch leads to sales.")
    path = create_note(tmp_path, "seams", "HubSpot to Salesforce", text)
    assert path == tmp_path / "seams" / "HubSpot to Salesforce.md"
    written = path.read_text(encoding="utf-8")
    assert written.startswith("---\ntype: seam\nowner: \nlives_in: note\nreviewed: 2026-11-25\n---\n# HubSpot to Salesforce\n")
    assert "\nfrom:: \nto:: \n" in written and written.endswith("failure_mode:: \n") and "Needed by: Route launch leads" in written
    with Brain(tmp_path, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        assert brain.problems() == []
        assert brain.coverage().note("seams/HubSpot to Salesforce.md").state in ("stub", "partial")


def test_an_existing_note_is_never_written_over(tmp_path):
    (tmp_path / "Territory Rules.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(NoteExists, match="already exists"):
        create_note(tmp_path, "", "Territory Rules", "new\n")
    assert (tmp_path / "Territory Rules.md").read_text(encoding="utf-8") == "mine\n"


def test_names_are_made_safe_and_stay_inside_the_vault(tmp_path):
    assert file_name('Q3: "Plan" / v2?') == "Q3 Plan v2.md"
    with pytest.raises(SubstrateError):
        file_name(" ./ ")
    with pytest.raises(SubstrateError, match="outside the vault"):
        create_note(tmp_path / "vault", "../elsewhere", "X", "x\n")
    assert not (tmp_path / "elsewhere").exists()
