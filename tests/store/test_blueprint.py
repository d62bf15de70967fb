"""store/blueprint.py: what a complete brain knows, per note type. The shipped blueprint serves B2B and B2C
alike; a vault's `.substrate/blueprint.yaml` adds to it; a broken one is named with its line, and the
default carries on meanwhile."""

from __future__ import annotations

import pytest

from store import blueprint as blueprints
from tests.conftest import write

OVERRIDE = ".substrate/blueprint.yaml"


def test_the_default_blueprint_loads_whole_with_no_problems():
    loaded = blueprints.load()
    assert loaded.problems == ()
    assert loaded.fresh_days == 180
    assert {"goal", "program", "process", "system", "seam", "person", "team", "agent"} <= set(loaded.types)
    assert loaded.types["program"].label == "Programs" and loaded.types["program"].fresh_days == 90
    assert loaded.risks["head"] == "trapped" and loaded.risks["note"] == "structured"


def test_the_default_blueprint_asks_each_goal_program_and_process_for_its_motion():
    """B2B and B2C are judged by one blueprint: what differs is the `motion` each note gives."""
    loaded = blueprints.load()
    for name in ("goal", "program", "process", "audience"):
        slots = {slot.name: slot for slot in loaded.types[name].slots}
        assert slots["motion"].kind == "text", name
    owner = {slot.name: slot for slot in loaded.types["program"].slots}["owner"]
    assert (owner.kind, owner.types) == ("link", ("person", "team"))


def test_inverses_read_both_ways():
    loaded = blueprints.load()
    assert loaded.inverse("owner") == "owner_of" and loaded.inverse("owner_of") == "owner"
    assert loaded.inverse("depends_on") == "dependency_of" and loaded.inverse("dependency_of") == "depends_on"
    assert loaded.inverse("no_such_relation") is None


def test_an_override_adds_types_places_and_inverses_and_keeps_the_rest(vault):
    write(vault, OVERRIDE, "fresh_days: 30\n"
                           "where_it_lives:\n  notion: unstructured\n"
                           "inverses:\n  sponsors: sponsored_by\n"
                           "types:\n"
                           "  partner:\n    label: Partners\n    slots:\n      owner: person\n      tier: text\n      Deal Desk: any\n"
                           "  seam:\n    fresh_days: 14\n    slots:\n      from: system\n      to: [system, partner]\n")
    loaded = blueprints.load(vault)
    default = blueprints.load()
    assert loaded.problems == ()
    assert loaded.sources == (default.sources[0], str(vault / OVERRIDE))
    partner = loaded.types["partner"]
    assert partner.label == "Partners" and partner.fresh_days == 30  # the override's fresh_days is the new default
    assert [(s.name, s.kind, s.types) for s in partner.slots] == [
        ("owner", "link", ("person",)), ("tier", "text", ()), ("deal_desk", "link", ())]
    seam = loaded.types["seam"]  # a type given in the override replaces the default's
    assert seam.fresh_days == 14 and [s.name for s in seam.slots] == ["from", "to"]
    assert seam.label == "Seam" and seam.question == ""
    assert loaded.types["program"] == default.types["program"]  # the rest of the default stays
    assert loaded.risks["notion"] == "unstructured" and loaded.risks["head"] == "trapped"
    assert loaded.inverse("sponsored_by") == "sponsors" and loaded.inverse("owner") == "owner_of"


@pytest.mark.parametrize("text, line, reason", [
    ("types:\n  seam:\n    slots: [from, to\n", 4, "not valid YAML"),
    ("fresh_days: 90\ncolour: blue\n", 2, "unknown key 'colour'; the blueprint knows"),
    ("types:\n  seam:\n    fresh_days: soon\n", 3, "seam.fresh_days must be a whole number of days, such as 90 (found 'soon')"),
    ("where_it_lives:\n  notion: shaky\n", 2, "'shaky' is not a risk; use structured, unstructured, narrow, trapped"),
    ("types:\n  partner:\n    slots:\n      owner: vendor\n", 4, "partner.owner points at 'vendor', which is not a type here"),
    ("types:\n  seam:\n    colour: red\n", 3, "unknown key 'colour' in type 'seam'"),
])
def test_a_broken_override_is_a_problem_with_its_line_and_the_default_is_used(vault, text, line, reason):
    write(vault, OVERRIDE, text)
    loaded = blueprints.load(vault)
    [problem] = loaded.problems
    assert (problem.file, problem.line) == (str(vault / OVERRIDE), line)
    assert reason in problem.reason
    assert str(problem).startswith(f"{vault / OVERRIDE}:{line}: ")
    default = blueprints.load()
    assert loaded.types == default.types and loaded.risks == default.risks and loaded.inverses == default.inverses


def test_an_override_that_is_not_text_is_a_problem_without_a_line(vault):
    write(vault, OVERRIDE, b"types:\n  seam: \xff\xfe\n")
    [problem] = blueprints.load(vault).problems
    assert problem.line is None and "cannot be read" in problem.reason
    assert str(problem) == f"{vault / OVERRIDE}: {problem.reason}"


def test_an_edited_override_is_read_again(vault):
    write(vault, OVERRIDE, "fresh_days: 30\n")
    assert blueprints.load(vault).fresh_days == 30
    write(vault, OVERRIDE, "fresh_days: 45\n")
    assert blueprints.load(vault).fresh_days == 45
    (vault / OVERRIDE).unlink()
    assert blueprints.load(vault).fresh_days == 180
