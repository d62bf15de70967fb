"""Coverage against the blueprint, on small vaults whose expected coverage is worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store import blueprint as blueprints
from store import clock
from store.coverage import gaps
from tests.conftest import write
from tests.store.test_cli import run

TODAY = dt.date(2026, 11, 24)
FRESH = "2026-11-01"  # 23 days before TODAY: fresh for every type


def seam(*, owner="[[Dana]]", cadence="hourly", failure="drops leads", reviewed=FRESH, lives_in="note", body="Moves leads from one system to the other, every hour, with retries."):
    lines = ["---", "type: seam", "from: '[[HubSpot]]'", "to: '[[Salesforce]]'"]
    if owner:
        lines.append(f"owner: '{owner}'")
    if cadence:
        lines.append(f"cadence: {cadence}")
    if failure:
        lines.append(f"failure_mode: {failure}")
    if reviewed:
        lines.append(f"reviewed: {reviewed}")
    lines += [f"lives_in: [{lives_in}]", "motion: b2b", "---", body]
    return "\n".join(lines) + "\n"


def system(owner="[[Dana]]", reviewed=FRESH, extra=""):
    return f"---\ntype: system\ncategory: CRM\nowner: '{owner}'\nreviewed: {reviewed}\nlives_in: [system]\nmotion: b2b\n{extra}---\nThe system of record.\n"


def person(extra=""):
    return f"---\ntype: person\nrole: MOPs lead\nteam: '[[Ops]]'\nreviewed: {FRESH}\nlives_in: note\n{extra}---\nRuns marketing operations.\n"


@pytest.fixture
def covered(vault, brain):
    def report(**files):
        for rel, text in files.items():
            write(vault, rel.replace("__", "/") + ".md", text)
        brain.refresh()
        return brain.read.coverage(TODAY)

    return report


def test_each_state_with_its_score_and_plain_missing_list(covered):
    report = covered(
        HubSpot=system(), Salesforce=system(), Dana=person(),
        seams__Complete=seam(),
        seams__Stale=seam(reviewed="2026-05-08"),
        seams__Partial=seam(cadence=None, failure=None),
        seams__Stub=seam(owner=None, cadence=None, failure=None, body="TODO"),
    )
    by_title = {n.title: n for n in report.notes}
    complete, stale, partial, stub = (by_title[t] for t in ("Complete", "Stale", "Partial", "Stub"))
    assert (complete.state, complete.score, complete.missing) == ("covered", 1.0, ())
    assert (stale.state, stale.score, stale.missing) == ("stale", 0.8, ("last reviewed 2026-05-08",))
    assert (partial.state, partial.score, partial.missing) == ("partial", round(0.8 * 3 / 5 + 0.2, 3), ("no cadence", "no failure mode"))
    assert partial.summary == "Partial: no cadence, no failure mode"
    assert (stub.state, stub.score) == ("stub", round((0.8 * 2 / 5 + 0.2) / 2, 3))
    assert stub.missing == ("no owner", "no cadence", "no failure mode")


def test_a_known_unknown_takes_the_type_its_links_expect(covered):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(), A=seam(owner="[[Nobody Yet]]"), B=seam(owner="[[Nobody Yet]]"))
    unknown = report.known_unknowns[0]  # the most referred to: Ops and Dana are referred to once each
    assert {u.title: u.type for u in report.known_unknowns[1:]} == {"Ops": "team"}
    assert (unknown.title, unknown.type, unknown.state, unknown.score, unknown.referenced_by) == ("Nobody Yet", "person", "known_unknown", 0.0, 2)
    assert report.note("A.md").state == "covered", "naming an owner fills the slot even before their note exists"
    assert report.counts["known_unknown"] == 2


def test_a_known_unknown_takes_the_type_a_relation_read_the_other_way_expects(covered):
    """`subject_to:: [[Territory Rules]]` is `applies_to` read from Territory Rules: a slot only policies
    have, so it would be a policy. `owner_of` is `owner` read back, which many types have: no type."""
    process = "---\ntype: process\nowner: '[[Dana]]'\nmotion: b2b\n---\nRouting is [subject_to:: [[Territory Rules]]].\n"
    report = covered(Dana=person("owner_of: '[[Pricing Page]]'\n"), processes__Routing=process)
    types = {u.title: u.type for u in report.known_unknowns}
    assert types == {"Territory Rules": "policy", "Pricing Page": "unknown", "Ops": "team"}


@pytest.mark.parametrize(
    "lives_in, risk",
    [("head", "trapped"), ("slack", "trapped"), ("email", "trapped"), ("dashboard", "narrow"), ("doc", "unstructured"),
     ("note", "structured"), ("system", "structured"), ("note, head", "trapped"), ("doc, dashboard", "narrow")],
)
def test_risk_comes_from_where_the_knowledge_lives(covered, lives_in, risk):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(), S=seam(lives_in=lives_in))
    assert report.note("S.md").risk == risk
    assert (report.note("S.md") in report.trapped) == (risk == "trapped" and "note" not in lives_in)
    assert (report.note("S.md") in report.partly_trapped) == (lives_in == "note, head")


def test_trapped_is_every_place_a_trapped_one_and_partly_trapped_is_counted_apart(covered):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(),
                     All=seam(lives_in="head, slack"), Part=seam(lives_in="note, email"), Free=seam(lives_in="note, doc"))
    assert [n.title for n in report.trapped] == ["All"] and [n.title for n in report.partly_trapped] == ["Part"]
    totals = report.totals()
    assert (totals.trapped, totals.partly_trapped) == (1, 1)


def test_the_stale_list_holds_the_stale_state_only_and_a_partial_overdue_note_says_so(covered):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(),
                     Old=seam(reviewed="2026-05-08"), OldPartial=seam(cadence=None, reviewed="2026-05-08"))
    assert [n.title for n in report.stale] == ["Old"] == [n.title for n in report.notes if n.state == "stale"]
    partial = report.note("OldPartial.md")
    assert partial.state == "partial" and partial.stale and "last reviewed 2026-05-08" in partial.missing
    assert report.totals().stale == report.counts["stale"] == len(report.stale) == 1 and report.totals().partial == 1


def test_known_unknowns_count_names_not_links_and_untyped_ones_are_no_area(covered):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(),
                     A="See [[Mystery]] and [[Mystery]] again, and [[mystery]].\n", B="Also [[Mystery]] and [[Enigma]].\n")
    assert sorted(u.title.casefold() for u in report.known_unknowns) == ["enigma", "mystery", "ops"]  # Dana's team is Ops
    totals = report.totals()
    assert (totals.known_unknowns, totals.untyped_unknowns) == (3, 2) == (report.counts["known_unknown"], 2)
    assert all(a.type != "unknown" and a.label != "Unclassified" for a in report.areas)
    assert (totals.notes, totals.judged, totals.unclassified) == (5, 3, 2)


def test_an_area_with_no_notes_is_a_gap_and_counted(covered):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person())
    empty = {a.type for a in report.empty_areas}
    assert "data_object" in empty and "system" not in empty
    data_objects = next(a for a in report.areas if a.type == "data_object" and a.motion == "all")
    assert (data_objects.total, data_objects.score) == (0, 0.0)
    assert report.totals().empty_areas == len(empty)


def test_unsaid_place_is_an_unknown_risk(covered):
    report = covered(X="---\ntype: source\nowner: '[[Dana]]'\nreviewed: 2026-11-01\n---\nA dashboard.\n", Dana=person())
    assert report.note("X.md").risk == "unknown"
    assert report.where_it_lives["source"] == {"unsaid": 1}


def test_an_inverse_relation_fills_the_slot_from_the_other_side(covered):
    report = covered(
        Dana=person("owner_of: ['[[CRM]]']\n"),
        CRM="---\ntype: system\ncategory: CRM\nreviewed: 2026-11-01\nlives_in: system\n---\nNo owner written here.\n",
    )
    assert report.note("CRM.md").state == "covered"
    assert report.note("CRM.md").owners == ("Dana.md",)


def test_a_link_to_a_note_of_the_wrong_type_does_not_fill_a_slot(covered):
    report = covered(HubSpot=system(), Salesforce=system(), S=seam(owner="[[Salesforce]]"))
    assert report.note("S.md").missing == ("owner points at Salesforce (a system), not a person or team",)


def test_a_placeholder_value_is_an_empty_slot(covered):
    report = covered(HubSpot=system(), Salesforce=system(), S=seam(owner=None) + "owner:: unknown\n")
    assert report.note("S.md").missing == ("no owner",)


def test_bus_factor_names_what_each_person_would_orphan(covered):
    report = covered(
        Dana=person(), Priya=person(), Ops="---\ntype: team\nowner: '[[Priya]]'\n---\nThe team.\n",
        A=system(owner="[[Dana]]"),
        B=system(owner="[[Dana]]", extra="lives_in: [head]\n").replace("lives_in: [system]\n", ""),
        Shared=system(owner="[[Dana]]").replace("owner: '[[Dana]]'", "owner: ['[[Dana]]', '[[Ops]]']"),
    )
    dana = next(p for p in report.bus_factor if p.title == "Dana")
    assert set(dana.sole_owner_of) == {"A.md", "B.md"}
    assert dana.held_in_head == ("B.md",)
    assert dana.orphaned == 2
    assert report.bus_factor[0].title == "Dana"


def test_areas_by_motion_overall_orphans_and_seams_missing_a_side(covered):
    report = covered(
        HubSpot=system(), Salesforce=system(), Dana=person(),
        Whole=seam(),
        OneSided="---\ntype: seam\nfrom: '[[HubSpot]]'\nowner: '[[Dana]]'\ncadence: daily\nfailure_mode: x\nreviewed: 2026-11-01\nmotion: b2c\n---\nHalf a seam, described at enough length to not be a stub.\n",
        Alone="---\ntype: decision\nowner: Dana\ndate: 2026-01-01\nreviewed: 2026-11-01\n---\nNothing links here and it links nowhere.\n",
    )
    assert [n.title for n in report.seams_missing_a_side] == ["OneSided"]
    assert report.orphans == ("Alone.md",)
    seams = {a.motion: a for a in report.areas if a.type == "seam"}
    assert seams["b2b"].counts["covered"] == 1 and seams["b2c"].counts["partial"] == 1
    assert seams["all"].total == 2
    assert seams["all"].score == round((1.0 + (0.8 * 4 / 5 + 0.2)) / 2, 3)
    scores = [n.score for n in report.notes] + [u.score for u in report.known_unknowns]
    assert report.overall == round(sum(scores) / len(scores), 3)


def test_gaps_rank_what_many_notes_rely_on_first(covered):
    report = covered(
        HubSpot=system(), Salesforce=system(reviewed="2025-01-01"), Dana=person(),
        A=seam(owner="[[Ghost]]"), B=seam(owner="[[Ghost]]"), C=seam(owner="[[Ghost]]"),
    )
    ranked = gaps(report)
    assert (ranked[0].kind, ranked[0].title) == ("write", "Ghost")
    assert any(g.kind == "review" and g.title == "Salesforce" for g in ranked)


def test_gaps_list_each_note_once_with_every_fix_it_needs(covered):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(),
                     S=seam(owner=None, reviewed="2025-01-01", lives_in="head"))
    mine = [g for g in gaps(report) if g.path == "S.md"]
    assert len(mine) == 1
    assert mine[0].what == "Fill in: no owner; write it down: today it lives only in someone's head; review it: last reviewed 2025-01-01"
    assert mine[0].kind == "free" and mine[0].value == 0.7  # the most valuable of its fixes names and ranks it
    paths = [g.path for g in gaps(report) if g.path]
    assert len(paths) == len(set(paths))


def test_a_vault_blueprint_overrides_the_default(vault, covered):
    write(vault, ".substrate/blueprint.yaml", "types:\n  seam:\n    label: Integrations\n    fresh_days: 30\n    slots:\n      from: system\n      to: system\n  campaign:\n    slots:\n      channel: text\n")
    report = covered(HubSpot=system(), Salesforce=system(), S=seam(owner=None, cadence=None, failure=None), Launch="---\ntype: campaign\nreviewed: 2026-11-20\n---\nA campaign without its channel, written up at some length here.\n")
    assert report.note("S.md").state == "covered"
    assert report.note("Launch.md").missing == ("no channel",)
    assert any(a.label == "Integrations" for a in report.areas)
    assert report.blueprint_problems == ()


@pytest.mark.parametrize(
    "text, line, reason",
    [
        ("types:\n  seam:\n    slots: [oops\n", 4, "not valid YAML"),
        ("fresh_days: 90\ncolour: blue\n", 2, "unknown key 'colour'"),
        ("types:\n  seam:\n    slots:\n      owner: wizard\n", 4, "'wizard', which is not a type"),
        ("fresh_days: soon\n", 1, "whole number of days"),
        ("inverses:\n  owner: owner_of\n  boss: owner\n", 3, "cannot be the inverse of both"),
    ],
)
def test_a_broken_blueprint_is_reported_with_file_line_and_reason_and_the_default_is_used(vault, covered, text, line, reason):
    write(vault, ".substrate/blueprint.yaml", text)
    report = covered(HubSpot=system(), Salesforce=system(), S=seam(cadence=None))
    [problem] = report.blueprint_problems
    assert problem.startswith(f"{vault / '.substrate/blueprint.yaml'}:{line}: ")
    assert reason in problem
    assert report.note("S.md").missing == ("no cadence",), "the default blueprint still applies"


def test_the_shipped_blueprint_is_valid_and_names_every_area():
    shipped = blueprints.load()
    assert shipped.problems == ()
    assert {"goal", "program", "process", "system", "seam", "data_object", "metric", "audience", "person", "team",
            "source", "policy", "decision", "agent"} <= set(shipped.types)
    assert all(spec.question.endswith("?") for spec in shipped.types.values())
    assert shipped.inverse("owner") == "owner_of" and shipped.inverse("owner_of") == "owner"
    assert shipped.inverse("feeds") == "fed_by" and shipped.inverse("depends_on") == "dependency_of"


def test_history_is_recorded_when_the_index_changes_at_most_once_a_minute(vault, brain):
    write(vault, "a.md", "---\ntype: system\n---\n")
    brain.refresh()
    first = brain.read.history()
    assert len(first) == 1 and first[0].notes == 1
    write(vault, "b.md", "---\ntype: system\n---\n")
    brain.refresh()
    assert len(brain.read.history()) == 1, "a second change within the minute waits"
    brain._history_taken -= 61
    later = clock.now_utc() + dt.timedelta(minutes=1)  # snapshots are kept by the minute
    with clock.fixed_now(later):
        brain.record_history_if_due()
    day = clock.local_day(later)
    points = brain.read.history(since=day)
    assert points[-1].notes == 2
    assert brain.read.history(since=day + dt.timedelta(days=1)) == []


def test_coverage_and_gaps_on_the_command_line(vault, tmp_path):
    write(vault, "Salesforce.md", system(owner="[[Ghost]]"))
    write(vault, "S.md", seam(cadence=None))
    data = json.loads(run("coverage", vault, "--json", "--today", "2026-11-24", env_dir=tmp_path).stdout)
    assert data["format"] == "substrate.coverage/1"
    assert {"overall", "areas", "notes", "known_unknowns", "trapped", "stale", "orphans", "seams_missing_a_side",
            "bus_factor", "where_it_lives", "blueprint_problems"} <= set(data)
    assert {n["path"]: n["state"] for n in data["notes"]} == {"Salesforce.md": "covered", "S.md": "partial"}
    seams_only = json.loads(run("coverage", vault, "--json", "--area", "seam", env_dir=tmp_path).stdout)
    assert [n["path"] for n in seams_only["notes"]] == ["S.md"]
    assert "Coverage" in run("coverage", vault, env_dir=tmp_path).stdout
    ranked = json.loads(run("gaps", vault, "--json", env_dir=tmp_path).stdout)
    assert {g["title"] for g in ranked} >= {"Ghost", "HubSpot", "S"}
    bad = run("coverage", vault, "--area", "wizard", env_dir=tmp_path)
    assert bad.returncode == 2 and "not an area" in bad.stderr


LONG = "Moves leads from HubSpot to Salesforce when a lead is qualified, with the owner set from the territory table and retries on failure."
OLD = "2026-05-08"  # more than a seam's 90 days before TODAY


@pytest.mark.parametrize("note, state, stale, score, missing", [
    # a stub first: a short body with most slots empty, whether or not it is also out of date
    (dict(owner=None, cadence=None, failure=None, body="TODO"), "stub", False, round((0.8 * 2 / 5 + 0.2) / 2, 3), ("no owner", "no cadence", "no failure mode")),
    (dict(owner=None, cadence=None, failure=None, body="TODO", reviewed=OLD), "stub", True, round(0.8 * 2 / 5 / 2, 3),
     ("no owner", "no cadence", "no failure mode", f"last reviewed {OLD}")),
    # the same empty slots under a long body: partial, not a stub
    (dict(owner=None, cadence=None, failure=None, body=LONG), "partial", False, round(0.8 * 2 / 5 + 0.2, 3), ("no owner", "no cadence", "no failure mode")),
    # a short body with most slots filled: partial (or covered), not a stub
    (dict(failure=None), "partial", False, round(0.8 * 4 / 5 + 0.2, 3), ("no failure mode",)),
    # partial before stale: a note missing slots and out of date is partial, and still counts as not fresh
    (dict(cadence=None, failure=None, reviewed=OLD), "partial", True, round(0.8 * 3 / 5, 3), ("no cadence", "no failure mode", f"last reviewed {OLD}")),
    # stale before covered
    (dict(reviewed=OLD), "stale", True, 0.8, (f"last reviewed {OLD}",)),
    (dict(), "covered", False, 1.0, ()),
])
def test_a_note_takes_the_first_state_it_meets_stub_partial_stale_covered(covered, note, state, stale, score, missing):
    report = covered(HubSpot=system(), Salesforce=system(), Dana=person(), Sync=seam(**note))
    judged = report.note("Sync.md")
    assert (judged.state, judged.stale, judged.score, judged.missing) == (state, stale, score, missing)
    assert report.counts[state] == 1 + (state == "covered") * 3  # HubSpot, Salesforce and Dana are covered
