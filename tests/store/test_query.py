"""store/query.py: the reads the app, the command line and agents share. Each test builds a small vault,
indexes it for real, and asks the index as a person would: by a name, by words, for a note's page."""

from __future__ import annotations

import pytest

from store import query
from store.errors import NoteNotFound
from tests.conftest import write


@pytest.fixture
def named(vault, brain):
    """Notes answering to every kind of name: a path in a folder, a file name, an alias, a title of its own."""
    write(vault, "processes/Lead Routing.md", "---\ntype: process\naliases: [Routing Rules]\n---\n# Lead Routing\nHow leads reach reps.\n")
    write(vault, "systems/CRM.md", "---\ntype: system\n---\n# CRM\n")
    write(vault, "systems/Salesforce.md", "---\ntype: system\naliases: [CRM]\n---\n# Salesforce\n")
    write(vault, "people/cp.md", "---\ntitle: Chris Park\ntype: person\n---\nRuns customer success.\n")
    brain.refresh()
    return brain.index.db


@pytest.mark.parametrize("asked", [
    "processes/Lead Routing.md",  # the path
    "processes/Lead Routing",  # the path without .md
    "Lead Routing",  # the file name, from any folder
    "lead routing",  # in any case
    "  Lead Routing  ",  # with the spaces a paste brings
    "Routing Rules",  # an alias
    "ROUTING RULES",
])
def test_find_note_answers_to_the_path_the_file_name_an_alias_in_any_case(named, asked):
    assert query.find_note(named, asked) == "processes/Lead Routing.md"


def test_find_note_answers_to_a_title_the_file_name_does_not_carry(named):
    assert query.find_note(named, "Chris Park") == "people/cp.md"
    assert query.find_note(named, "chris park") == "people/cp.md"
    assert query.find_note(named, "  Chris Park\n") == "people/cp.md"


def test_a_file_name_wins_over_another_notes_alias(named):
    """`CRM` is systems/CRM.md, not Salesforce, which lists CRM among its aliases: the same choice links make."""
    assert query.find_note(named, "CRM") == "systems/CRM.md"
    assert query.find_note(named, "Salesforce") == "systems/Salesforce.md"


def test_no_such_note_says_so_and_what_to_do(named):
    with pytest.raises(NoteNotFound) as missing:
        query.find_note(named, "Lead Scoring")
    assert str(missing.value) == "No note named 'Lead Scoring' in this vault. Try `substrate search` to find it."
    assert missing.value.name == "Lead Scoring"
    with pytest.raises(NoteNotFound):
        query.note_detail(named, "processes/Lead Scoring.md")


@pytest.fixture
def searchable(vault, brain):
    write(vault, "Lead Routing.md", "How leads reach reps.\n")
    write(vault, "Territories.md", "The territory rules decide lead routing for every region: lead routing, lead routing.\n")
    write(vault, "Campaigns.md", "Nurture campaigns for trial users.\n")
    brain.refresh()
    return brain.index.db


def test_search_ranks_a_title_match_above_a_mention_in_the_text(searchable):
    assert [h.path for h in query.search(searchable, "lead routing")] == ["Lead Routing.md", "Territories.md"]


def test_search_needs_every_word_and_marks_them_in_the_snippet(searchable):
    hits = query.search(searchable, "routing region")
    assert [h.path for h in hits] == ["Territories.md"]
    assert "\u00abrouting\u00bb" in hits[0].snippet and "\u00abregion\u00bb" in hits[0].snippet
    assert query.search(searchable, "routing nurture") == []


def test_search_matches_the_beginning_of_words_only(searchable):
    """Typing finds a note at every letter; the middle or a longer form of a word finds nothing."""
    assert [h.path for h in query.search(searchable, "camp")] == ["Campaigns.md"]
    assert [h.path for h in query.search(searchable, "TERRIT")] == ["Territories.md"]
    assert query.search(searchable, "ampaign") == []
    assert query.search(searchable, "campaignsx") == []


def test_search_takes_any_typing_without_an_error(searchable):
    for typed in ("", "   ", '"', '"unbalanced (quote', "NEAR(", "* OR -", "^lead"):
        assert isinstance(query.search(searchable, typed), list), typed
    assert query.search(searchable, "") == [] and query.search(searchable, "()") == []
    assert [h.path for h in query.search(searchable, "^lead")][:1] == ["Lead Routing.md"]


def test_a_word_that_begins_another_typed_word_is_left_out():
    assert query.fts_query("lea lead") == '"lead"*'
    assert query.fts_query("Lead lead routing") == '"lead"* "routing"*'
    assert query.fts_query(" ?! ") is None


def test_search_limit_keeps_the_best(searchable):
    assert [h.path for h in query.search(searchable, "lead", limit=1)] == ["Lead Routing.md"]


def test_note_detail_lists_links_out_and_in_with_their_relations(vault, brain):
    write(vault, "Lead Routing.md", "---\ntype: process\nowner: \"[[Chris Park]]\"\nreviewed: 2026-11-01\ntags: [ops]\n---\n"
                                    "# Lead Routing\nRuns in [[CRM]].\n\n- depends_on [[Territory Rules]]\n\nsla:: 4h\n")
    write(vault, "Chris Park.md", "---\ntype: person\n---\n# Chris Park\n")
    write(vault, "CRM.md", "# CRM\n")
    write(vault, "Playbook.md", "# Playbook\nSee [[Lead Routing]].\n")
    brain.refresh()
    db = brain.index.db
    detail = query.note_detail(db, "Lead Routing.md")
    assert (detail.title, detail.type, detail.reviewed, detail.tags) == ("Lead Routing", "process", "2026-11-01", ["ops"])
    out = {(link.rel, link.target, link.target_path) for link in detail.links_out}
    assert ("owner", "Chris Park", "Chris Park.md") in out
    assert ("depends_on", "Territory Rules", None) in out  # not written yet: no path, still listed
    assert any(link.target == "CRM" and link.target_path == "CRM.md" for link in detail.links_out)
    assert [(link.source, link.source_title) for link in detail.links_in] == [("Playbook.md", "Playbook")]
    assert ("sla", "4h") in {(f.key, f.value) for f in detail.fields}
    owner_in = query.note_detail(db, "Chris Park.md").links_in
    assert [(link.rel, link.source) for link in owner_in] == [("owner", "Lead Routing.md")]


def test_problems_are_listed_per_note_and_for_the_vault_in_order(vault, brain):
    write(vault, "b.md", "---\nreviewed: last week\nmotion: b2x\n---\n# b\n")
    write(vault, "a.md", "---\nreviewed: soon\n---\n# a\n")
    write(vault, "fine.md", "# fine\n")
    brain.refresh()
    db = brain.index.db
    everything = query.problems(db)
    assert [(p.path, p.line) for p in everything] == [("a.md", 2), ("b.md", 2), ("b.md", 3)]
    assert "reviewed: 'soon' is not a date; write it as YYYY-MM-DD" in everything[0].message
    assert "motion: 'b2x' is not a motion; use b2b, b2c or shared." == everything[2].message
    assert all(p.is_note for p in everything)
    assert [p.path for p in query.problems(db, "b.md")] == ["b.md", "b.md"]
    assert query.problems(db, "fine.md") == []
    assert [p.message for p in query.note_detail(db, "a.md").problems] == [everything[0].message]
