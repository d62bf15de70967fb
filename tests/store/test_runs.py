"""A program's run as the app shows it (`BrainReader.run`), and its chances, on the sample brain."""

from __future__ import annotations

import shutil

import pytest

from store.brain import Brain
from store.locations import resources_dir
from store.runs import chances, compared_words, plan_words, stopped_words, was_words
from store.simulate import Scenario

LAUNCH = "programs/Harbor Teams 2.0 Launch.md"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    vault = tmp_path_factory.mktemp("runs") / "Sample"
    shutil.copytree(resources_dir() / "sample-brain", vault)
    with Brain(vault, vault.parent / "index.sqlite") as opened:
        opened.refresh()
        yield opened


def test_a_run_as_things_stand_has_no_baseline_and_names_whom_it_asks_and_what_it_uses(sample):
    result = sample.read.run(LAUNCH, Scenario())
    simulation = sample.read.simulation(LAUNCH)
    assert result.program == LAUNCH and result.baseline is None
    assert result.run.events == simulation.run().events  # the engine's own run, nothing added
    titles = simulation.context.titles
    assert [path for path, _title in result.people] == sorted(simulation.context.responders, key=lambda p: titles.get(p, p).casefold())
    assert all(title == titles.get(path, path) for path, title in result.people) and result.people
    used = {ref.path for step in simulation.program.steps for ref in step.uses if ref.path}
    assert {path for path, _title in result.systems} == used and [t.casefold() for _p, t in result.systems] == sorted(
        t.casefold() for _p, t in result.systems)


def test_a_what_if_is_run_beside_the_run_as_things_stand(sample):
    plain = sample.read.run(LAUNCH)
    away = plain.people[0][0]
    result = sample.read.run(LAUNCH, Scenario(absent=frozenset({away})))
    assert result.scenario.absent == {away}
    assert result.baseline is not None and result.baseline.events == plain.run.events
    assert result.run.events == sample.read.simulation(LAUNCH).run(Scenario(absent=frozenset({away}))).events


def test_chances_of_a_run_that_never_finishes_are_those_of_the_first_fixes_made(sample):
    result = sample.read.run(LAUNCH)
    assert not result.run.finished  # the sample brain's launch waits on unwritten Territory Rules
    impact = result.simulation.impact(result.scenario)
    found, label = chances(result, impact, runs=200)
    assert label == f"Once the first {len(impact.fix_first)} fixes are made"
    fixed = result.simulation.monte_carlo(200, seed=0, scenario=Scenario().fixing(*impact.fix_first))
    assert found == fixed and found.finished > 0
    assert result.simulation.monte_carlo(200, seed=0).finished == 0  # as shown, it never finishes: the chart would say nothing


def test_chances_of_a_run_that_finishes_are_its_own(sample):
    result = sample.read.run(LAUNCH)
    impact = result.simulation.impact(result.scenario)
    fixed = sample.read.run(LAUNCH, Scenario().fixing(*impact.fix_first))
    found, label = chances(fixed, fixed.simulation.impact(fixed.scenario), runs=200)
    assert label == "As shown" and found == fixed.simulation.monte_carlo(200, seed=0, scenario=fixed.scenario)


def test_the_header_words_say_the_plan_the_end_what_stopped_it_and_the_end_before(sample):
    simulation = sample.read.simulation(LAUNCH)
    keys = {simulation.name_of(key): key for key in simulation.keys}
    stands = simulation.run()
    territory = simulation.run(Scenario().fixing(keys["Territory Rules"]))
    both = simulation.run(Scenario().fixing(keys["Territory Rules"], keys["Expansion-Ready Accounts"]))
    assert plan_words(stands) == "Plan: done in 11d if every step proceeds, on time for the 14d deadline"
    assert stopped_words(stands) == "Stopped at 11d by Route launch leads to sales: blocked — Territory Rules was never written"
    assert stopped_words(territory) == ""  # it finishes
    assert compared_words(territory, stands) == "finishes in 16d, 2d late (was: never finishes)"
    assert compared_words(both, territory) == "finishes in 13d, on time (was 16d, 2d late)"
    assert compared_words(stands, both) == "never finishes: 2 of 5 steps blocked (was 13d, on time)"
    assert compared_words(both, both) == compared_words(both, None) == "finishes in 13d, on time"  # no change, nothing to compare
    assert was_words(territory) == "was 16d, 2d late"
