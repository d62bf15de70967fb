"""A workshop's summary: what was captured and changed, coverage before and after per area (the
engine's own figures), the gaps that remain, who owns what was captured."""

from __future__ import annotations

import datetime as dt
import shutil
from html.parser import HTMLParser

from store import blueprint as blueprints
from store.brain import Brain
from store.locations import resources_dir
from store.new_note import Draft, capture
from store.note_edit import set_owner
from store.words import counted
from store.workshop import AreaChange, NoteLine, Summary, snapshot, summarise, summary_html

TODAY = dt.date(2026, 11, 25)


def test_the_summary_counts_every_note_and_its_figures_are_the_engines(tmp_path):
    vault = tmp_path / "Harbor"
    shutil.copytree(resources_dir() / "sample-brain", vault)
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        before = brain.read.coverage(TODAY)
        start = snapshot(brain.index.db, before)
        db, blueprint = brain.index.db, blueprints.load(vault)
        capture(vault, db, blueprint, Draft("Territory Rules", "process", ("head",), owner="Marcus Lee", motion="b2b",
                                            text="Round robin inside each territory."), today=TODAY)
        capture(vault, db, blueprint, Draft("Churn Model", "metric", ("doc",), owner="Sam Ortiz"), today=TODAY)
        set_owner(vault, "metrics/Customer Lifetime Value.md", "Sam Ortiz")
        (vault / "people/Dana Ruiz.md").write_text((vault / "people/Dana Ruiz.md").read_text(encoding="utf-8") + "\nSaved in Obsidian.\n", encoding="utf-8")
        brain.refresh()
        after = brain.read.coverage(TODAY)
        summary = summarise(start, brain.index.db, after, vault)

    assert [(n.path, n.owner, n.by) for n in summary.captured] == [
        ("metrics/Churn Model.md", "Sam Ortiz", "You"), ("processes/Territory Rules.md", "Marcus Lee", "You")]
    assert [(n.path, n.by) for n in summary.changed] == [("metrics/Customer Lifetime Value.md", "You"), ("people/Dana Ruiz.md", "")]
    assert summary.overall_before == before.overall and summary.overall_after == after.overall and after.overall > before.overall
    engine_before = {a.type: a.score for a in before.areas if a.motion == "all"}
    engine_after = {a.type: a.score for a in after.areas if a.motion == "all"}
    assert {a.type: a.before for a in summary.areas} == {t: engine_before.get(t, 0.0) for t in {a.type for a in summary.areas}}
    assert {a.type: a.after for a in summary.areas} == {t: engine_after.get(t, 0.0) for t in {a.type for a in summary.areas}}
    process = next(a for a in summary.areas if a.type == "process")
    assert process.notes_after == process.notes_before + 1 and process.after > process.before
    assert summary.owners == {"Marcus Lee": ("Territory Rules",), "Sam Ortiz": ("Churn Model",)}
    assert summary.gaps and all(g.title != "Territory Rules" or g.kind != "write" for g in summary.gaps)

    page = summary_html(summary)
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    Tags().feed(page)
    assert not {"script", "img", "link", "iframe"} & set(tags)
    assert f"{before.overall:.0%}" in page and f"{after.overall:.0%}" in page and "Territory Rules" in page and "Marcus Lee" in page
    t = after.totals()  # the counts every other surface shows, with the same words
    assert (f"Now: {t.notes} notes · {t.known_unknowns} known unknowns · {t.stale} stale · {t.trapped} trapped · "
            f"{t.partly_trapped} partly trapped · {t.orphans} orphans · {counted(t.problems, 'problem')}.") in page
    assert len([g.path for g in summary.gaps if g.path]) == len({g.path for g in summary.gaps if g.path})  # one gap per note


def test_a_summary_of_one_note_and_one_point_says_so_in_the_singular():
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
    one = NoteLine("processes/Territory Rules.md", "Territory Rules", "process", "Marcus Lee", "You")
    summary = Summary("Harbor", start, start + dt.timedelta(minutes=1), 0.50, 0.51, (one,), (), (),
                      (AreaChange("process", "Processes", 0.40, 0.41, 3, 4),), ())
    page = summary_html(summary)
    assert "(+1 point)." in page and "1 note captured" in page and "· 1 minute</p>" in page
    assert "<td>+1 point</td>" in page  # the area's change, not "+1 pts"
    assert "points" not in page and "pts" not in page and "1 notes" not in page


def _session(tmp_path, during):
    """A workshop on a copy of the sample brain: the snapshot, `during(vault, db, blueprint)`, the summary."""
    vault = tmp_path / "Harbor"
    shutil.copytree(resources_dir() / "sample-brain", vault)
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        start = snapshot(brain.index.db, brain.read.coverage(TODAY))
        during(vault, brain.index.db, blueprints.load(vault))
        brain.refresh()
        return summarise(start, brain.index.db, brain.read.coverage(TODAY), vault)


def test_stubs_written_for_known_unknowns_are_progress_and_a_lower_mean_is_explained_not_called_worse(tmp_path):
    """The room writes three names the brain linked to and nobody wrote, with a line each: Customer Success
    and Growth Team (teams the blueprint expected) and Territory Rules (linked in prose, no type yet). Teams
    gain; Processes' mean falls, because a 4-note-referenced name that counted nowhere is now a half-filled
    process among complete ones: the summary says so, in words."""
    def during(vault, db, blueprint):
        for title, kind in (("Customer Success", "team"), ("Growth Team", "team"), ("Territory Rules", "process")):
            capture(vault, db, blueprint, Draft(title, kind, ("head",)), today=TODAY)

    summary = _session(tmp_path, during)
    teams = next(a for a in summary.areas if a.type == "team")
    process = next(a for a in summary.areas if a.type == "process")
    assert teams.after > teams.before and not teams.down and teams.explained() == ""
    assert sorted(teams.progress.written) == sorted(teams.progress.closed) == ["Customer Success", "Growth Team"]
    assert teams.progress.said() == "2 notes written, to be filled in · 2 gaps closed"
    assert (teams.notes_before, teams.notes_after) == (4, 6)  # notes written, as the map counts them
    assert process.down and process.progress.closed == ("Territory Rules",)
    assert process.explained() == f"Processes {process.before:.0%} → {process.after:.0%}: 1 note written, to be filled in (Territory Rules)"
    assert summary.progress.said() == "3 notes written, to be filled in · 3 gaps closed"
    assert not summary.down and summary.overall_after > summary.overall_before
    assert summary.explained() == (process.explained(),)  # every score that moved down, and only those

    page = summary_html(summary)
    assert "worse" not in page.lower()
    assert "What the room did: 3 notes written, to be filled in · 3 gaps closed." in page and "<td>2 notes written, to be filled in · 2 gaps closed</td>" in page
    assert "<h2>Why some scores are lower</h2>" in page and f"<li>{process.explained()}</li>" in page


def test_a_real_drop_is_explained_by_what_the_note_lost_and_reviews_and_owners_are_counted(tmp_path):
    """An owner deleted in an editor lowers Teams; the summary names the note and what it lost. An owner
    named and a review done elsewhere are counted beside the scores."""
    def during(vault, db, blueprint):
        team = vault / "teams/Lifecycle Team.md"
        team.write_text(team.read_text(encoding="utf-8").replace('owner: "[[Tom Becker]]"\n', ""), encoding="utf-8")
        set_owner(vault, "metrics/Customer Lifetime Value.md", "Sam Ortiz")
        policy = vault / "policies/Data Retention Policy.md"
        policy.write_text(policy.read_text(encoding="utf-8").replace("reviewed: 2024-06-30", f"reviewed: {TODAY}"), encoding="utf-8")
        capture(vault, db, blueprint, Draft("Brand Studio", "team", ("note",), owner="Jamie Fox", text="Makes every creative."), today=TODAY)
        (vault / "teams/Demand Generation.md").write_text(  # written under another name, the linked one kept as an alias
            "---\ntype: team\naliases: [Demand Gen Team]\nlives_in: note\n---\nRuns paid and events.\n", encoding="utf-8")

    summary = _session(tmp_path, during)
    teams = next(a for a in summary.areas if a.type == "team")
    assert teams.down and teams.progress.slipped == (("Lifecycle Team", "no owner"),)
    assert teams.explained() == f"Teams {teams.before:.0%} → {teams.after:.0%}: Lifecycle Team now has no owner"
    assert teams.progress.closed == ("Demand Generation",) and teams.progress.said() == "2 notes written (1 to be filled in) · 1 gap closed"
    people = next(a for a in summary.areas if a.type == "person")  # Brand Studio's owner is a name nobody has written
    assert people.down and people.explained() == f"People {people.before:.0%} → {people.after:.0%}: 1 name linked, not written yet (Jamie Fox)"
    metrics = next(a for a in summary.areas if a.type == "metric")
    assert metrics.progress.owners == ("Customer Lifetime Value",) and metrics.progress.said() == "1 owner named"
    policies = next(a for a in summary.areas if a.type == "policy")
    assert policies.progress.said() == "1 review done" and policies.after > policies.before
    assert summary.progress.said() == "2 notes written (1 to be filled in) · 1 gap closed · 1 owner named · 1 review done"
    page = summary_html(summary)
    assert f"<li>{teams.explained()}</li>" in page and "<td>1 owner named</td>" in page and "<td>1 review done</td>" in page


def test_a_score_is_lower_only_when_the_percentages_shown_say_so():
    """85.1% → 84.9% both read 85%: nothing moved down, nothing to explain. 84.6% → 83.6% reads 85% → 84%: −1 point."""
    level = AreaChange("team", "Teams", 0.851, 0.849, 4, 4)
    assert not level.down and level.points == 0 and level.explained() == ""
    lower = AreaChange("team", "Teams", 0.846, 0.836, 4, 4)
    assert lower.down and lower.points == -1
    assert lower.explained() == "Teams 85% → 84%: notes judged again as the days pass"  # nothing the session did: the calendar moved


def test_new_stubs_that_lower_the_whole_brain_are_named_and_a_name_it_already_counted_is_not(tmp_path):
    """Three teams nobody linked to, written as titles only, pull the whole brain's average down; Territory
    Rules, linked from 4 notes, was counted (as 0) already: writing it is no reason for any drop of the whole."""
    def during(vault, db, blueprint):
        for title, kind in (("Brand Studio", "team"), ("Field Marketing", "team"), ("Partner Marketing", "team"), ("Territory Rules", "process")):
            capture(vault, db, blueprint, Draft(title, kind, ("head",)), today=TODAY)

    summary = _session(tmp_path, during)
    assert summary.down and summary.explained()[0] == (
        f"The whole brain {summary.overall_before:.0%} → {summary.overall_after:.0%}: "
        "3 stubs written, to be filled in (Brand Studio, Field Marketing, Partner Marketing)")
    assert f"<li>{summary.explained()[0]}</li>" in summary_html(summary)
