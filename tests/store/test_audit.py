"""Audit prompts: the workshop's questions, area by area, from the blueprint and the coverage report."""

from __future__ import annotations

from store.audit import PER_KIND, prompts_for
from tests.conftest import write


def _vault(vault):
    write(vault, "systems/Braze.md", "---\ntype: system\nlives_in: head\nreviewed: 2020-01-01\n---\nSends the emails.\n")
    write(vault, "systems/Segment.md", "---\ntype: system\nowner: \"[[Dana Ruiz]]\"\nlives_in: system\nreviewed: 2026-11-20\n---\n"
          "Collects events; routes by [[Territory Rules]].\n")
    write(vault, "people/Dana Ruiz.md", "---\ntype: person\nreviewed: 2026-11-20\n---\nRuns ops. See [[Territory Rules]] and [[Churn Model]].\n")


def test_the_questions_ask_first_what_is_linked_and_unwritten_then_each_areas_gaps(vault, brain):
    _vault(vault)
    brain.refresh()
    areas = prompts_for(brain.read.blueprint(), brain.read.coverage())
    assert areas[0].label == "Linked, never written" and not areas[0].type
    assert [(p.kind, p.title) for p in areas[0].prompts] == [("write", "Territory Rules"), ("write", "Churn Model")]  # most referred to first
    systems = next(a for a in areas if a.type == "system")
    asked = [(p.kind, p.path) for p in systems.prompts]
    assert asked[0] == ("new", None)  # one new note of the area's type, always
    assert ("owner", "systems/Braze.md") in asked and ("owner", "systems/Segment.md") not in asked  # Segment has an owner
    assert ("lives", "systems/Braze.md") in asked and ("lives", "systems/Segment.md") not in asked  # only what is trapped in a head
    assert ("review", "systems/Braze.md") in asked and ("review", "systems/Segment.md") not in asked  # only what is stale
    assert {a.type for a in areas[1:]} == set(brain.read.blueprint().types)  # every area of the blueprint, in its order
    assert [a.type for a in areas[1:]] == list(brain.read.blueprint().types)


def test_each_kind_of_question_stops_at_a_few_per_area(vault, brain):
    for n in range(PER_KIND + 2):
        write(vault, f"systems/Tool {n}.md", "---\ntype: system\nlives_in: head\n---\nNobody owns it.\n")
    brain.refresh()
    systems = next(a for a in prompts_for(brain.read.blueprint(), brain.read.coverage()) if a.type == "system")
    for kind in ("owner", "lives", "review"):
        assert len([p for p in systems.prompts if p.kind == kind]) == PER_KIND


def test_the_reader_asks_the_same_questions_as_the_report_it_keeps(vault, brain):
    _vault(vault)
    brain.refresh()
    assert brain.read.audit_prompts() == prompts_for(brain.read.blueprint(), brain.read.coverage())
    report = brain.read.coverage()
    write(vault, "systems/Braze.md", "---\ntype: system\nowner: \"[[Dana Ruiz]]\"\nlives_in: system\nreviewed: 2026-11-30\n---\nSends.\n")
    brain.refresh()
    assert brain.read.audit_prompts(report) == prompts_for(brain.read.blueprint(), report)  # the questions of the map on screen
    systems = next(a for a in brain.read.audit_prompts() if a.type == "system")
    assert [p.kind for p in systems.prompts] == ["new"]  # kept current: Braze has an owner, a home and a fresh review now
