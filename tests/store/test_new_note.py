"""New notes (captures, gaps, agents' writes): from the type's template, atomic, never over an existing file."""

from __future__ import annotations

import datetime as dt
import stat

import pytest

from store import activity
from store import blueprint as blueprints
from store.brain import Brain
from store.errors import SubstrateError
from store.errors import BadTitle, NoteExists
from store.new_note import Draft, capture, create_note, file_name, note_text
from tests.conftest import write

TODAY = dt.date(2026, 11, 25)


def test_a_capture_fills_its_types_template_and_indexes_with_the_right_fields(tmp_path):
    (tmp_path / "seams").mkdir()
    (tmp_path / "seams/Old Seam.md").write_text("---\ntype: seam\n---\n# Old\n", encoding="utf-8")
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        brain.refresh()
        draft = Draft("HubSpot to Salesforce", "seam", ("head", "slack"), owner="Priya Shah", motion="b2b",
                      text="Needed by: Route launch leads to sales.")
        path = capture(tmp_path, brain.index.db, blueprints.load(tmp_path), draft, today=TODAY)
        assert path == "seams/HubSpot to Salesforce.md"  # where this vault keeps its seams
        written = (tmp_path / path).read_text(encoding="utf-8")
        assert written.startswith('---\ntype: seam\nfrom: \nto: \nowner: "[[Priya Shah]]"\nmotion: b2b\n')
        assert "reviewed: 2026-11-25\nlives_in: [head, slack]\n---\n# HubSpot to Salesforce\n" in written
        assert "> Who owns this sync" in written and "Needed by: Route launch leads to sales." in written
        brain.refresh()
        assert brain.read.problems() == []
        note = brain.index.db.execute("SELECT type, owner, motion, reviewed, lives_in FROM notes WHERE path = ?", [path]).fetchone()
        assert note == ("seam", "Priya Shah", "b2b", "2026-11-25", '["head", "slack"]')
        assert ("owner", "Priya Shah") in brain.index.db.execute("SELECT rel, target FROM links WHERE source = ?", [path]).fetchall()
        assert brain.read.coverage().note(path).state in ("stub", "partial")
    assert [(e.by, e.action, e.path) for e in activity.read(tmp_path)] == [("app", "created", path)]


def test_the_motion_chosen_is_kept_by_every_types_template_even_one_without_a_motion_line(tmp_path):
    blueprint = blueprints.load(tmp_path)
    for kind in blueprint.types:
        text = note_text(blueprint, Draft("Territory Rules", kind, motion="shared"), TODAY)
        front = text.split("\n---\n", 1)[0]
        assert front.count("motion:") == 1 and "\nmotion: shared" in front, (kind, text)
        assert "motion" not in note_text(blueprint, Draft("Territory Rules", kind), TODAY).replace("motion: \n", ""), kind
    vault_own = note_text(blueprint, Draft("X", motion="b2c"), TODAY, vault_root=write(tmp_path, ".substrate/templates/note.md", "# $title\n").parents[2])
    assert vault_own.startswith("---\nmotion: b2c\n---\n# X")


def test_a_type_the_vault_has_none_of_goes_to_its_labels_folder_and_the_vaults_own_template_wins(tmp_path):
    (tmp_path / ".substrate/templates").mkdir(parents=True)
    (tmp_path / ".substrate/templates/decision.md").write_text("---\ntype: decision\nowner: $owner\n---\n# $title\nOur way.\n", encoding="utf-8")
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        brain.refresh()
        blueprint = blueprints.load(tmp_path)
        assert capture(tmp_path, brain.index.db, blueprint, Draft("Why HubSpot", "decision", owner="Dana")) == "decisions/Why HubSpot.md"
        assert (tmp_path / "decisions/Why HubSpot.md").read_text(encoding="utf-8") == '---\ntype: decision\nowner: "[[Dana]]"\n---\n# Why HubSpot\nOur way.\n'
        assert capture(tmp_path, brain.index.db, blueprint, Draft("Data Objects Map", "data_object")) == "data objects/Data Objects Map.md"


def test_what_a_person_types_cannot_break_the_front_matter(tmp_path):
    blueprint = blueprints.load()
    text = note_text(blueprint, Draft('Q3: "Plan" ---', "goal", owner='Dana]] "x": [[Evil', text="---\nnot: front matter"), TODAY)
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        create_note(tmp_path, "", "Q3 Plan", text)
        brain.refresh()
        assert brain.read.problems() == []
        assert brain.index.db.execute("SELECT type, owner FROM notes").fetchone() == ("goal", "Dana x : Evil")
    for bad, reason in ((Draft("X", "spaceship"), "not a note type"), (Draft("X", "goal", ("cloud",)), "lives in one of"),
                        (Draft("X", "goal", motion="b3b"), "b2b, b2c or shared"), (Draft(" ./ "), "give it some letters")):
        with pytest.raises(SubstrateError, match=reason):
            note_text(blueprint, bad, TODAY)


def test_an_existing_note_is_never_written_over(tmp_path):
    (tmp_path / "Territory Rules.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(NoteExists, match="is already a note: Territory Rules.md. Edit that note instead"):
        create_note(tmp_path, "", "Territory Rules", "new\n")
    assert (tmp_path / "Territory Rules.md").read_text(encoding="utf-8") == "mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["Territory Rules.md"]  # no temporary file left behind


def test_a_new_note_has_the_mode_an_editor_would_give_it(tmp_path):
    path = create_note(tmp_path, "", "Plain", "x\n")
    assert stat.S_IMODE(path.stat().st_mode) & 0o644 == 0o644


def test_names_are_made_safe_and_stay_inside_the_vault(tmp_path):
    assert file_name('Q3: "Plan" / v2?') == "Q3 Plan v2.md"
    with pytest.raises(SubstrateError):
        file_name(" ./ ")
    with pytest.raises(SubstrateError, match="outside the vault"):
        create_note(tmp_path / "vault", "../elsewhere", "X", "x\n")
    assert not (tmp_path / "elsewhere").exists()


def test_a_capture_never_takes_a_name_another_note_answers_to(tmp_path):
    """By file name in another folder, by title, by alias, by case and Unicode form, and on disk before
    the index has read it: refused with the existing note's path, and nothing written."""
    (tmp_path / "systems").mkdir()
    (tmp_path / "systems/Salesforce.md").write_text("---\ntype: system\naliases: [SFDC]\n---\n", encoding="utf-8")
    (tmp_path / "crm.md").write_text("---\ntitle: Customer Records\n---\n", encoding="utf-8")
    (tmp_path / "Café Roadmap.md").write_text("# Roadmap\n", encoding="utf-8")
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        brain.refresh()
        (tmp_path / "people").mkdir()
        (tmp_path / "people/Priya Shah.md").write_text("---\ntype: person\n---\n", encoding="utf-8")  # not indexed yet
        blueprint = blueprints.load(tmp_path)
        before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if not p.name.startswith(".index"))
        for title, kind, existing in (("salesforce", "process", "systems/Salesforce.md"), ("sfdc", "team", "systems/Salesforce.md"),
                                      ("CUSTOMER RECORDS", "system", "crm.md"), ("Cafe\u0301 roadmap", "goal", "Café Roadmap.md"),
                                      ("Priya  Shah", "team", "people/Priya Shah.md")):
            with pytest.raises(NoteExists, match="is already a note") as refused:
                capture(tmp_path, brain.index.db, blueprint, Draft(title, kind), today=TODAY)
            assert refused.value.path == existing and f"is already a note: {existing}. Edit that note instead" in str(refused.value)
        after = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if not p.name.startswith(".index"))
        assert after == before
        assert capture(tmp_path, brain.index.db, blueprint, Draft("Salesforce Sync", "seam"), today=TODAY) == "seams/Salesforce Sync.md"
    assert [e.path for e in activity.read(tmp_path)] == ["seams/Salesforce Sync.md"]


LOOKALIKES = ("Salesforce\u200b", "Sales\u00adforce", "Salesforce\u202e", "\u200fSalesforce", "\uff33\uff21\uff2c\uff25\uff33\uff26\uff2f\uff32\uff23\uff25",
              "Sales\ufe0fforce", "Sales\u2060force", "\ufeffSalesforce", "Salesforce\u00a0", "S\u200dF\u200cD\u034fC")


def test_a_name_that_only_looks_different_is_the_same_name(tmp_path):
    """A zero-width space, a soft hyphen, a bidi mark, fullwidth letters, a variation selector, a byte order
    mark or a no-break space: each would write a file that looks just like Salesforce (or its alias SFDC)."""
    (tmp_path / "systems").mkdir()
    (tmp_path / "systems/Salesforce.md").write_text("---\ntype: system\naliases: [SFDC]\n---\n", encoding="utf-8")
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        brain.refresh()
        (tmp_path / "people").mkdir()
        (tmp_path / "people/Priya Shah.md").write_text("---\ntype: person\n---\n", encoding="utf-8")  # on disk, not indexed yet
        blueprint = blueprints.load(tmp_path)
        for title in (*LOOKALIKES, "Priya\u200b Shah", "\uff30riya\u3000Shah"):
            with pytest.raises(NoteExists) as refused:
                capture(tmp_path, brain.index.db, blueprint, Draft(title, "process"), today=TODAY)
            assert refused.value.path in ("systems/Salesforce.md", "people/Priya Shah.md"), title
            assert len(str(refused.value).splitlines()) == 1 and "\u200b" not in str(refused.value)
    assert sorted(p.name for p in tmp_path.rglob("*.md")) == ["Priya Shah.md", "Salesforce.md"]
    assert activity.read(tmp_path) == []


def test_a_title_of_invisible_or_control_characters_is_refused(tmp_path):
    with Brain(tmp_path, tmp_path / ".index.sqlite") as brain:
        brain.refresh()
        blueprint = blueprints.load(tmp_path)
        for title, reason in (("\u200b", "shows nothing"), ("\u00ad\u200b\u202e", "shows nothing"), ("\ufe0f \u2060", "shows nothing"),
                              ("Lead\x1b[31mRouting", "control characters"), ("Lead\x7fRouting", "control characters"),
                              ("Lead\tRouting", "control characters"), ("Lead\u0085Routing", "control characters")):
            with pytest.raises(BadTitle, match=reason) as refused:
                capture(tmp_path, brain.index.db, blueprint, Draft(title, "process"), today=TODAY)
            assert len(str(refused.value).splitlines()) == 1 and "\x1b" not in str(refused.value)
        assert capture(tmp_path, brain.index.db, blueprint, Draft("Lead\u200bRouting", "process"), today=TODAY).endswith(".md")
    assert len(list(tmp_path.rglob("*.md"))) == 1


@pytest.mark.parametrize("title, name", [("CON", "CON (note).md"), ("nul", "nul (note).md"), ("Lpt1.", "Lpt1 (note).md"),
                                         ("aux.txt", "aux (note).txt.md"), ("Console", "Console.md")])
def test_a_name_windows_reserves_is_never_a_notes_file_name_and_the_note_travels_in_a_bundle(tmp_path, title, name):
    from store.bundle import Scope
    from store.bundle_import import apply, read_plan

    vault = tmp_path / "vault"
    vault.mkdir()
    assert file_name(title) == name
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        path = capture(vault, brain.index.db, blueprints.load(vault), Draft(title, "system", ("head",)), today=TODAY)
        assert path == f"systems/{name}" and (vault / path).is_file()
        brain.refresh()
        assert brain.read.note_path(title) == path, "the note still answers to its title"
        exported = brain.read.export_bundle(Scope.parse("vault"), tmp_path / "b.zip", allow_secrets=True)
    assert exported.notes == 1
    other = tmp_path / "other"
    other.mkdir()
    apply(read_plan(tmp_path / "b.zip", other), other)  # import refuses names Windows reserves: this one is not
    assert (other / path).read_bytes() == (vault / path).read_bytes()
