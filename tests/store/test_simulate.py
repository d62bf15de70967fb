"""The simulated run, on hand-built vaults: each decision happens for the reason the test states."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store.errors import NoteNotFound
from store.errors import NotAProgram
from store.program import parse_hours, parse_rate
from store.simulate import Scenario, callout_words, late_words, outcome_words, planned
from tests.conftest import write
from tests.store.test_cli import run as run_cli

TODAY = dt.date(2026, 11, 24)
FRESH = "2026-11-01"
BODY = "What the orchestrator reads about this, written in enough words to be more than a stub of a note."


def process(owner="[[Dana]]", reviewed=FRESH, lives_in="note", body=BODY, motion="b2b"):
    owner_line = f"owner: '{owner}'\n" if owner else ""
    return f"---\ntype: process\n{owner_line}motion: {motion}\nreviewed: {reviewed}\nlives_in: [{lives_in}]\n---\n{body}\n"


def person(response="6h", backup=None):
    extra = f"response_time: {response}\n" + (f"backup: '[[{backup}]]'\n" if backup else "")
    return f"---\ntype: person\nrole: MOPs\nteam: '[[Ops]]'\nreviewed: {FRESH}\nlives_in: note\n{extra}---\nA person.\n"


def system(owner="[[Dana]]"):
    return f"---\ntype: system\ncategory: CRM\nowner: '{owner}'\nreviewed: {FRESH}\nlives_in: [system]\n---\n{BODY}\n"


def program(*steps: str, deadline: str | None = None) -> str:
    head = "---\ntype: program\nowner: '[[Dana]]'\ngoal: '[[Growth]]'\nmotion: shared\nreviewed: 2026-11-01\nlives_in: note\n"
    head += f"deadline: {deadline}\n" if deadline else ""
    return head + "---\n# The program\nWhat it is for.\n\n" + "\n\n".join(steps) + "\n"


def step(name: str, *lines: str) -> str:
    return f"## {name}\n" + "\n".join(lines)


@pytest.fixture
def simulate(vault, brain):
    """Write the people, then the files given (`folder__name` for folders); return the program's simulation."""

    def make(**files):
        write(vault, "Dana.md", person("6h"))
        write(vault, "Ops.md", f"---\ntype: team\nowner: '[[Dana]]'\nreviewed: {FRESH}\n---\nThe ops team.\n")
        for rel, text in files.items():
            write(vault, rel.replace("__", "/") + ".md", text)
        brain.refresh()
        return brain.read.simulation("Launch", TODAY)

    return make


def test_each_decision_for_its_reason(simulate):
    sim = simulate(
        Fresh=process(), Old=process(reviewed="2024-01-02"), InAHead=process(lives_in="head"), Orphaned=process(owner=None, lives_in="slack"),
        Launch=program(
            step("Covered", "needs:: [[Fresh]]", "duration:: 2d"),
            step("Stale", "needs:: [[Old]]", "after:: [[#Covered]]", "duration:: 1d"),
            step("Trapped", "needs:: [[InAHead]]", "after:: [[#Covered]]", "duration:: 1d"),
            step("Unwritten", "needs:: [[Nowhere]]", "after:: [[#Covered]]"),
            step("No owner", "needs:: [[Orphaned]]", "after:: [[#Covered]]"),
            step("Downstream", "needs:: [[Fresh]]", "after:: [[#Unwritten]]"),
        ),
    )
    run = sim.run()
    decisions = {s.name: s.decision for s in run.steps}
    assert decisions == {
        "Covered": "proceed", "Stale": "assumed", "Trapped": "escalated", "Unwritten": "blocked", "No owner": "blocked", "Downstream": "blocked",
    }
    covered, stale, trapped = run.step("Covered"), run.step("Stale"), run.step("Trapped")
    assert (covered.start, covered.end, covered.confidence) == (0.0, 48.0, 1.0)
    assert stale.reasons == ("Old may be out of date (last reviewed 2024-01-02)",)
    assert (stale.start, stale.end, stale.confidence) == (48.0, 72.0, 0.95)  # a stale note costs 5% confidence
    assert trapped.reasons == ("InAHead lives only in someone's head; Dana is asked",)
    assert (trapped.wait, trapped.end) == (6.0, 48.0 + 6.0 + 24.0)  # Dana's response_time, then the work
    assert run.step("Unwritten").reasons == ("Nowhere is linked but not written",)
    assert run.step("No owner").reasons == ("Orphaned lives only in Slack, and it has no owner to ask",)
    assert run.step("Downstream").blocked_by == ("Unwritten",)
    assert not run.finished and run.hours is None and run.blocked == 3
    assert [f.path for f in covered.findings] == ["Fresh.md"]


def test_parallel_steps_share_a_start_and_a_join_waits_for_the_later_one(simulate):
    sim = simulate(
        Fresh=process(),
        Launch=program(
            step("Plan", "needs:: [[Fresh]]", "duration:: 1d"),
            step("B2B side", "after:: Plan", "motion:: b2b", "duration:: 3d"),
            step("B2C side", "after:: [[#Plan]]", "motion:: b2c", "duration:: 5d"),
            step("Report", "after:: [[#B2B side]], [[#B2C side]]", "duration:: 12h"),
        ),
    )
    run = sim.run()
    assert [(s.name, s.lane, s.start, s.end) for s in run.steps] == [
        ("Plan", "Shared", 0.0, 24.0), ("B2B side", "B2B", 24.0, 96.0), ("B2C side", "B2C", 24.0, 144.0), ("Report", "Shared", 144.0, 156.0),
    ]
    assert run.finished and run.hours == 156.0 and run.confidence == 1.0
    kinds = [(e.hours, e.step, e.kind) for e in run.events if e.kind in ("start", "finish")]
    assert kinds[:3] == [(0.0, "Plan", "start"), (24.0, "Plan", "finish"), (24.0, "B2B side", "start")]


def test_a_step_reads_its_agent_the_agents_needs_its_systems_and_the_seam_between_them(simulate):
    sim = simulate(
        Policy=process(reviewed="2023-05-01"),
        HubSpot=system(), Salesforce=system(),
        seams__Sync=(
            "---\ntype: seam\nfrom: '[[HubSpot]]'\nto: '[[Salesforce]]'\nowner: '[[Dana]]'\ncadence: hourly\nmotion: b2b\n"
            f"reviewed: {FRESH}\nlives_in: [note]\n---\n{BODY}\n"
        ),
        Bot=f"---\ntype: agent\nowner: '[[Dana]]'\nreviewed: {FRESH}\nlives_in: note\n---\n{BODY}\nneeds:: [[Policy]]\nacts_in:: [[HubSpot]]\n",
        Launch=program(step("Sync leads", "agent:: [[Bot]]", "uses:: [[HubSpot]], [[Salesforce]]")),
    )
    only = sim.run().steps[0]
    by_role = {(f.role, f.title): f.verdict for f in only.findings if f.gap != "agent scope"}
    assert by_role == {
        ("agent", "Bot"): "proceed",
        ("agent needs", "Policy"): "assumed",  # reviewed 2023: stale
        ("uses", "HubSpot"): "proceed", ("uses", "Salesforce"): "proceed",
        ("seam", "Sync"): "assumed",  # no failure mode: partial
    }
    scope = [f for f in only.findings if f.gap == "agent scope"]
    assert [f.reason for f in scope] == ["Bot is not set up to act in Salesforce; Dana is asked"]
    assert only.decision == "escalated" and only.wait == 6.0


def test_what_if_fixed_absent_and_down_change_exactly_what_they_should(simulate, brain):
    sim = simulate(
        Priya=person("2d"),
        Sam=person("1d", backup="Priya"),
        Fresh=process(), SamsHead=process(owner="[[Sam]]", lives_in="head"), DanasHead=process(lives_in="head"),
        CRM=system(),
        Launch=program(
            step("Write", "needs:: [[Nowhere]]", "duration:: 1d"),
            step("Ask Sam", "needs:: [[SamsHead]]", "duration:: 1d"),
            step("Ask Dana", "needs:: [[DanasHead]]", "duration:: 1d"),
            step("In the CRM", "uses:: [[CRM]]", "needs:: [[Fresh]]", "duration:: 1d"),
        ),
    )
    base = sim.run()
    assert [s.decision for s in base.steps] == ["blocked", "escalated", "escalated", "proceed"]

    fixed = sim.run(brain.read.scenario(sim, assume_fixed=["Nowhere"]))
    assert [s.decision for s in fixed.steps] == ["proceed", "escalated", "escalated", "proceed"]
    assert fixed.finished and fixed.hours == 24.0 + 24.0  # Sam's 1d answer, then a day's work

    away = sim.run(brain.read.scenario(sim, absent=["Sam", "Dana"]))
    ask_sam, ask_dana = away.step("Ask Sam"), away.step("Ask Dana")
    assert ask_sam.decision == "escalated" and ask_sam.wait == 48.0  # Priya stands in, at her pace
    assert ask_sam.reasons == ("SamsHead lives only in someone's head; Priya (standing in for Sam) is asked",)
    assert ask_dana.decision == "blocked" and ask_dana.reasons == ("DanasHead lives only in someone's head, and its owner (Dana) is away",)
    assert away.step("In the CRM").decision == "proceed" and away.step("Write").decision == "blocked"

    down = sim.run(brain.read.scenario(sim, down=["CRM"]))
    assert [s.decision for s in down.steps] == ["blocked", "escalated", "escalated", "blocked"]
    assert down.step("In the CRM").reasons == ("CRM is down",)

    with pytest.raises(NoteNotFound):
        brain.read.scenario(sim, absent=["Nobody We Know"])


def test_gap_impact_ranks_what_unblocks_most_first_and_fixing_the_top_finishes_the_run(simulate):
    sim = simulate(
        Fresh=process(), Old=process(reviewed="2024-01-02"), InAHead=process(lives_in="head"),
        Launch=program(
            step("First", "needs:: [[Rules]]", "duration:: 1d"),
            step("Second", "needs:: [[Old]], [[InAHead]]", "after:: [[#First]]", "duration:: 1d"),
            step("Third", "needs:: [[Playbook]]", "after:: [[#Second]]", "duration:: 1d"),
            step("Side", "needs:: [[Playbook]]", "duration:: 1d"),
        ),
    )
    impact = sim.impact()
    ranked = [(g.title, g.gap, g.unblocks) for g in impact.gaps]
    # Rules alone lets two steps finish (First, Second); Playbook then lets Third and Side finish
    assert ranked[0] == ("Rules", "unwritten", 2)
    assert ranked[1] == ("Playbook", "unwritten", 2)
    assert ranked[2][:2] == ("InAHead", "trapped") and impact.gaps[2].hours_saved == 6.0
    assert ranked[3][:2] == ("Old", "stale") and impact.gaps[3].confidence_gain > 0
    assert impact.gaps[1].steps == ("Third", "Side")
    assert impact.gaps[0].action == "Write Rules"
    assert impact.fixed_run.finished and impact.fixed_run.confidence == 1.0


def test_monte_carlo_is_deterministic_for_a_seed_and_uses_the_notes_fields(simulate):
    sim = simulate(
        InAHead=process(lives_in="head"), CRM=system(), MAP=system(),
        seams__Flaky=(
            "---\ntype: seam\nfrom: '[[MAP]]'\nto: '[[CRM]]'\nowner: '[[Dana]]'\ncadence: hourly\nfailure_mode: drops\n"
            f"failure_rate: 50%\nrecovery_time: 2d\nreviewed: {FRESH}\nlives_in: [note]\n---\n{BODY}\n"
        ),
        Launch=program(step("Sync", "uses:: [[MAP]], [[CRM]]", "needs:: [[InAHead]]", "duration:: 1d"), deadline="2d"),
    )
    first, again, other = sim.monte_carlo(400, seed=7), sim.monte_carlo(400, seed=7), sim.monte_carlo(400, seed=8)
    assert first == again and first.hours != other.hours
    assert first.finished == 400  # the seam has an owner: a failure delays, never blocks
    delayed = sum(1 for h in first.hours if h > 24 + 6 * 4)  # 2d recovery dwarfs any wait for Dana
    assert 150 < delayed < 250  # failure_rate 50%
    assert first.on_time == sum(1 for h in first.hours if h <= 48)
    quick = sorted(h - 24 for h in first.hours if h <= 48)  # runs where the seam held: only the wait for Dana
    assert 4 < quick[len(quick) // 2] < 9  # her response_time, 6h, is the median
    assert sum(n for _a, _b, n in first.histogram()) == 400


def test_programs_with_mistakes_get_problems_not_crashes(simulate, brain, vault):
    sim = simulate(
        Launch=program(
            step("A", "after:: [[#C]]", "duration:: soon"),
            step("B", "after:: [[#A]]"),
            step("C", "after:: [[#B]]"),
            step("D", "after:: [[#Nope]]", "duration:: 2h"),
            step("E", "after:: [[#A]]"),
        ),
    )
    problems = sim.program.problems
    assert "Step 'A': duration 'soon' is not a duration like 3d, 4h or 1w; one day is assumed" in problems
    assert ("Step 'D' waits for 'Nope', which is not another step of this program: "
            "name a step's heading as [[#Heading]] or as written, or remove it") in problems
    assert any(p.startswith("Steps wait for each other in a circle") and "A" in p and "B" in p and "C" in p for p in problems)
    run = sim.run()
    assert {s.name: s.decision for s in run.steps} == {"A": "blocked", "B": "blocked", "C": "blocked", "D": "proceed", "E": "blocked"}
    assert run.step("D").end == 2.0 and run.step("E").blocked_by == ("A",)
    assert sim.monte_carlo(50).finished == 0

    write(vault, "Empty.md", "---\ntype: program\n---\n# Empty\nNothing yet.\n")
    write(vault, "Person.md", person())
    brain.refresh()
    empty = brain.read.simulation("Empty", TODAY)
    assert empty.program.problems == ("Empty has no steps: give each step a heading with `agent::`, `needs::`, `uses::`, `after::` or `duration::` beneath it",)
    assert empty.run().steps == () and not empty.run().finished and empty.impact().gaps == ()
    with pytest.raises(NotAProgram):
        brain.read.simulation("Person", TODAY)


def test_durations_and_rates_as_people_write_them():
    assert [parse_hours(t) for t in ("3d", "4 hours", "90m", "2w", "1.5", "1,5d", "soon", "")] == [72, 4, 1.5, 336, 36, 36, None, None]
    assert [parse_rate(t) for t in ("5%", "0.05", "50 %", "150%", "x")] == [0.05, 0.05, 0.5, None, None]


def test_an_edit_on_disk_changes_the_next_run(simulate, vault, brain):
    sim = simulate(Launch=program(step("Only", "needs:: [[Rules]]")))
    assert sim.run().steps[0].decision == "blocked"
    write(vault, "Rules.md", process())
    brain.refresh()
    assert brain.read.simulation("Launch", TODAY).run().steps[0].decision == "proceed"


def test_simulate_command_prints_a_timeline_and_documented_json(vault, tmp_path):
    run_here = lambda *args: run_cli(*args, env_dir=tmp_path / "data")  # noqa: E731
    write(vault, "Dana.md", person("6h"))
    write(vault, "Fresh.md", process())
    write(vault, "Launch.md", program(step("Plan", "needs:: [[Fresh]]"), step("Go", "after:: [[#Plan]]", "needs:: [[Rules]]")))
    db = str(tmp_path / "cli.sqlite")
    text = run_here("simulate", str(vault), "--db", db, "--today", "2026-11-24", "--runs", "100")
    assert text.returncode == 0, text.stderr
    assert "Never finishes: 1 of 2 steps blocked" in text.stdout and "Rules is linked but not written" in text.stdout
    assert "1. Write Rules  unblocks 1 step" in text.stdout
    data = json.loads(run_here("simulate", str(vault), "--db", db, "--today", "2026-11-24", "--json", "--runs", "50", "--seed", "3").stdout)
    assert data["format"] == "substrate.simulation/1"
    (one,) = data["runs"]
    assert one["program"]["title"] == "Launch" and one["finished"] is False and one["counts"]["blocked"] == 1
    assert [s["decision"] for s in one["steps"]] == ["proceed", "blocked"]
    assert one["steps"][1]["context"][0] == {
        "key": "unwritten:rules", "title": "Rules", "path": None, "role": "needs", "verdict": "blocked",
        "reason": "Rules is linked but not written", "gap": "unwritten", "confidence_cost": 0.0, "wait_hours": 0.0, "ask": None,
    }
    assert one["gaps"][0]["action"] == "Write Rules" and one["monte_carlo"]["runs"] == 50 and one["monte_carlo"]["finished"] == 0
    fixed = json.loads(run_here("simulate", str(vault), "--db", db, "--json", "--runs", "0", "--assume-fixed", "Rules").stdout)["runs"][0]
    assert fixed["finished"] is True and fixed["baseline"]["finished"] is False
    assert fixed["baseline"]["changed_steps"][0]["name"] == "Go" and "monte_carlo" not in fixed
    gaps = run_here("gaps", str(vault), "--db", db, "--program", "Launch")
    assert gaps.stdout.startswith("  1. Write Rules")
    wrong = run_here("simulate", str(vault), "--db", db, "--program", "Dana")
    assert wrong.returncode == 2 and "'Dana' is a person, not a program" in wrong.stderr


def test_the_sample_brains_programs_tell_what_to_write_first(tmp_path):
    from store.brain import Brain
    from store.locations import resources_dir

    with Brain(resources_dir() / "sample-brain", tmp_path / "sample.sqlite") as brain:
        brain.refresh()
        assert {title for _p, title in brain.read.programs()} >= {"Harbor Teams 2.0 Launch", "B2C Win-Back"}
        launch = brain.read.simulation("Harbor Teams 2.0 Launch", TODAY)
        lanes = {s.lane for s in launch.run().steps}
        assert lanes == {"B2B", "B2C", "Shared"}
        assert launch.impact().gaps[0].action == "Write Territory Rules"
        assert launch.run(Scenario()).step("Route launch leads to sales").decision == "blocked"
        assert launch.impact().fixed_run.finished


# --- the conductor's rules, each pinned: removing one turns its test red ----------------------

def audience(owner="[[Dana]]", body="To be written."):
    """An audience with its owner and nothing else, in a line: a stub (a short body, most slots empty)."""
    owner_line = f"owner: '{owner}'\n" if owner else ""
    return f"---\ntype: audience\n{owner_line}reviewed: {FRESH}\nlives_in: [note]\n---\n{body}\n"


def test_a_stub_is_asked_of_its_owner_and_waited_for_and_blocks_without_one(simulate, brain):
    sim = simulate(
        Thin=audience(), Ownerless=audience(owner=None),
        Launch=program(step("Read thin", "needs:: [[Thin]]", "duration:: 1d"), step("Read ownerless", "needs:: [[Ownerless]]")),
    )
    assert sim.context.notes["Thin.md"].state == "stub" and sim.context.notes["Ownerless.md"].state == "stub"
    run = sim.run()
    thin = run.step("Read thin")
    (finding,) = thin.findings
    assert (finding.verdict, finding.gap, finding.ask, finding.wait_hours) == ("escalated", "stub", "Dana.md", 6.0)
    assert thin.reasons == ("Thin is almost empty; Dana is asked",)
    assert (thin.decision, thin.wait, thin.end, thin.confidence) == ("escalated", 6.0, 6.0 + 24.0, 1.0)
    assert run.step("Read ownerless").reasons == ("Ownerless is almost empty, and it has no owner to ask",)
    away = sim.run(brain.read.scenario(sim, absent=["Dana"]))
    assert away.step("Read thin").reasons == ("Thin is almost empty, and its owner (Dana) is away",)


@pytest.mark.parametrize("lives_in, decision, reason, cost, wait", [
    # only in heads, Slack or email: ask the owner and wait
    ("head", "escalated", "Doc lives only in someone's head; Dana is asked", 0.0, 6.0),
    ("slack, email", "escalated", "Doc lives only in Slack and email; Dana is asked", 0.0, 6.0),
    # partly written down: go on, on an assumption that costs 5% confidence, and ask nobody
    ("note, slack", "assumed", "part of Doc lives in Slack", 0.05, 0.0),
    ("note, head, email", "assumed", "part of Doc lives in someone's head and email", 0.05, 0.0),
    # written down only, or not said where: nothing trapped
    ("note", "proceed", "Doc is covered and fresh", 0.0, 0.0),
    ("", "proceed", "Doc is covered and fresh", 0.0, 0.0),
])
def test_where_the_knowledge_lives_decides_between_asking_assuming_and_proceeding(simulate, lives_in, decision, reason, cost, wait):
    sim = simulate(Doc=process(lives_in=lives_in), Launch=program(step("Read", "needs:: [[Doc]]", "duration:: 1d")))
    assert sim.context.notes["Doc.md"].state == "covered"
    read = sim.run().step("Read")
    (finding,) = read.findings
    assert (finding.verdict, finding.reason, finding.cost, finding.wait_hours) == (decision, reason, cost, wait)
    assert finding.gap == ("trapped" if decision != "proceed" else None)
    assert (read.decision, read.wait, read.confidence) == (decision, wait, round(1 - cost, 3))


def test_knowledge_only_in_a_head_is_asked_for_even_when_stale_and_partly_written_knowledge_never_waits(simulate, brain):
    sim = simulate(
        OldHead=process(lives_in="head", reviewed="2024-01-02"), PartlySlack=process(lives_in="note, slack"),
        Launch=program(step("Old", "needs:: [[OldHead]]", "duration:: 1d"), step("Partly", "needs:: [[PartlySlack]]", "duration:: 1d")),
    )
    assert sim.context.notes["OldHead.md"].stale
    away = sim.run(brain.read.scenario(sim, absent=["Dana"]))
    assert away.step("Old").decision == "blocked"  # only in Dana's head, and she is away
    assert away.step("Partly").decision == "assumed" and away.step("Partly").end == 24.0  # nobody to wait for


def test_fixing_an_agents_scope_fixes_only_the_scope_and_fixing_the_agent_fixes_both(simulate):
    sim = simulate(
        HubSpot=system(), Salesforce=system(),
        Bot=(f"---\ntype: agent\nowner: '[[Dana]]'\nreviewed: 2024-01-02\nlives_in: note\n---\n{BODY}\nacts_in:: [[HubSpot]]\n"),
        Launch=program(step("Sync", "agent:: [[Bot]]", "uses:: [[HubSpot]], [[Salesforce]]", "duration:: 1d")),
    )
    verdicts = lambda run: {(f.key, f.gap): f.verdict for f in run.step("Sync").findings if f.verdict != "proceed"}  # noqa: E731
    base = sim.run()
    assert verdicts(base) == {("Bot.md", "partial"): "assumed", ("Bot.md#scope", "agent scope"): "escalated"}
    assert "Bot.md#scope" in {g.key for g in sim.impact().gaps}  # the key the app fixes when a gap is ticked

    scope_fixed = sim.run(Scenario(assume_fixed=frozenset({"Bot.md#scope"})))
    assert verdicts(scope_fixed) == {("Bot.md", "partial"): "assumed"}  # the agent's own note is still judged
    assert scope_fixed.step("Sync").decision == "assumed" and scope_fixed.step("Sync").wait == 0.0

    agent_fixed = sim.run(Scenario(assume_fixed=frozenset({"Bot.md"})))
    assert verdicts(agent_fixed) == {}
    assert agent_fixed.step("Sync").decision == "proceed" and agent_fixed.hours == 24.0


def test_monte_carlo_json_gives_counts_of_runs_and_the_shares_the_text_says(vault, tmp_path):
    write(vault, "Dana.md", person("6h"))
    write(vault, "Fresh.md", process())
    write(vault, "Launch.md", program(step("Plan", "needs:: [[Fresh]]"), deadline="2w"))
    args = ("simulate", str(vault), "--db", str(tmp_path / "cli.sqlite"), "--today", "2026-11-24", "--runs", "40")
    text = run_cli(*args, env_dir=tmp_path / "data").stdout
    mc = json.loads(run_cli(*args, "--json", env_dir=tmp_path / "data").stdout)["runs"][0]["monte_carlo"]
    assert (mc["runs"], mc["finished"], mc["on_time"]) == (40, 40, 40)  # counts of runs
    assert (mc["finished_share"], mc["on_time_share"]) == (1.0, 1.0)  # shares from 0 to 1
    assert f"finishes in {round(mc['finished_share'] * 100)}% of runs" in text and "in 100%" in text


def test_the_plan_is_each_steps_duration_after_the_ones_it_follows_with_no_waits_or_blocks(simulate):
    """What the timeline outlines before Play: the run if every step proceeded; a step in a cycle has no plan."""
    sim = simulate(
        Fresh=process(), Thin=process(lives_in="head"),
        Launch=program(
            step("Plan", "needs:: [[Thin]]", "duration:: 1d"),  # waits for Dana in the run, not in the plan
            step("Build", "after:: [[#Plan]]", "needs:: [[Nowhere]]", "duration:: 3d"),  # blocked in the run
            step("Report", "after:: [[#Build]]", "duration:: 12h"),
            step("Loop A", "after:: [[#Loop B]]"), step("Loop B", "after:: [[#Loop A]]"),
        ),
    )
    run = sim.run()
    assert run.step("Plan").wait == 6.0 and run.step("Build").end is None
    assert planned(sim.program) == {"Plan": (0.0, 24.0), "Build": (24.0, 96.0), "Report": (96.0, 108.0)}


@pytest.mark.parametrize(("deadline", "words"), [("4d", "finishes in 3d, on time"), ("3d", "finishes in 3d, on time"),
                                                 ("2d", "finishes in 3d, 1d late"), (None, "finishes in 3d, confidence")])
def test_a_run_says_whether_it_ends_late_against_its_deadline(simulate, deadline, words):
    sim = simulate(Fresh=process(), Launch=program(step("Only", "needs:: [[Fresh]]", "duration:: 3d"), deadline=deadline))
    run = sim.run()
    assert outcome_words(run).startswith(words)
    assert late_words(run.hours, run.program.deadline_hours) == {"4d": "on time", "3d": "on time", "2d": "1d late", None: ""}[deadline]


def test_a_wait_and_a_block_are_said_in_a_few_words_once_for_every_surface(simulate):
    sim = simulate(
        Fresh=process(), Thin=process(lives_in="head, slack"),
        Launch=program(step("Ask", "needs:: [[Thin]]"), step("Stuck", "needs:: [[Rules]]"), step("After", "after:: [[#Stuck]]")),
    )
    said = {(e.step, e.kind): callout_words(e) for e in sim.run().events}
    assert said[("Ask", "escalate")] == "asks Dana — Thin lives only in someone's head and Slack"
    assert said[("Stuck", "block")] == "blocked — Rules was never written"
    assert said[("After", "block")] == "blocked — waits for 'Stuck', which is blocked"
    assert said[("Ask", "start")] is None
