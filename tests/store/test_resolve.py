"""Link resolution, through a real index on real files."""

from __future__ import annotations

import unicodedata

from tests.conftest import rows, write


def target_of(brain, source, target):
    found = rows(brain, "SELECT target_path FROM links WHERE source = ? AND target = ?", [source, target])
    assert found, f"no link from {source} to {target}"
    return found[0][0]


def test_path_with_or_without_md_then_file_name_then_alias(vault, brain):
    write(vault, "systems/Salesforce.md", "---\naliases: [SFDC, the CRM]\n---\n")
    write(vault, "n.md", "[[systems/Salesforce]] [[systems/Salesforce.md]] [[Salesforce]] [[SFDC]] [[the crm]]\n")
    brain.refresh()
    found = rows(brain, "SELECT target, target_path FROM links WHERE source = 'n.md' ORDER BY id")
    assert [p for _t, p in found] == ["systems/Salesforce.md"] * 5


def test_matching_ignores_case_and_unicode_normal_form(vault, brain):
    write(vault, unicodedata.normalize("NFD", "Café Ops.md"), "")
    write(vault, "n.md", "[[" + unicodedata.normalize("NFC", "CAFÉ ops") + "]]\n")
    brain.refresh()
    assert target_of(brain, "n.md", "CAFÉ ops") is not None


def test_path_match_beats_file_name_match(vault, brain):
    write(vault, "Budget.md", "")
    write(vault, "finance/Budget.md", "")
    write(vault, "finance/n.md", "[[Budget.md]]\n")
    brain.refresh()
    assert target_of(brain, "finance/n.md", "Budget.md") == "Budget.md"


def test_ambiguous_link_prefers_same_folder_then_shortest_path_and_records_a_problem(vault, brain):
    write(vault, "ops/Playbook.md", "")
    write(vault, "sales/team/Playbook.md", "")
    write(vault, "ops/a.md", "[[Playbook]]\n")
    write(vault, "elsewhere/b.md", "\n[[Playbook]]\n")
    brain.refresh()
    assert target_of(brain, "ops/a.md", "Playbook") == "ops/Playbook.md"
    assert target_of(brain, "elsewhere/b.md", "Playbook") == "ops/Playbook.md"
    problems = rows(brain, "SELECT path, line, message FROM problems WHERE path = 'elsewhere/b.md'")
    assert len(problems) == 1
    assert problems[0][1] == 2
    assert "matches 2 notes" in problems[0][2] and "sales/team/Playbook.md" in problems[0][2]


def test_unresolved_link_is_a_known_unknown_with_no_target_path(vault, brain):
    write(vault, "n.md", 'owner:: [[Nobody Yet]]\n')
    brain.refresh()
    assert rows(brain, "SELECT rel, target, target_path FROM links") == [("owner", "Nobody Yet", None)]
    assert brain.read.summary().unresolved == 1
    assert rows(brain, "SELECT * FROM problems") == []


def test_markdown_link_resolves_relative_to_the_note_then_to_the_root(vault, brain):
    write(vault, "guides/Setup.md", "")
    write(vault, "Glossary.md", "")
    write(vault, "guides/n.md", "[a](Setup.md) [b](Glossary.md) [c](../Glossary.md) [d](Missing.md)\n")
    brain.refresh()
    found = dict(rows(brain, "SELECT target, target_path FROM links WHERE source = 'guides/n.md'"))
    assert found == {
        "Setup.md": "guides/Setup.md", "Glossary.md": "Glossary.md", "../Glossary.md": "Glossary.md", "Missing.md": None,
    }


def test_a_markdown_link_never_resolves_outside_the_vault(vault, brain):
    write(vault, "n.md", "[up](../../etc/passwd.md)\n")
    brain.refresh()
    assert rows(brain, "SELECT target_path FROM links") == [(None,)]
