"""What-ifs name people, systems and notes as a person types them, on every surface alike."""

from __future__ import annotations

import shutil

import pytest

from store.brain import Brain
from store.errors import NotInRun
from store.locations import resources_dir
from tests.store.test_cli import run


@pytest.fixture
def sample(tmp_path):
    target = tmp_path / "Harbor"
    shutil.copytree(resources_dir() / "sample-brain", target)
    return target


def test_a_note_nobody_wrote_can_be_assumed_fixed_across_every_program(sample, tmp_path):
    """Territory Rules is linked to but unwritten, and only some programs read it: the what-if runs
    them all, changing the runs that read it and naming it as the person typed it."""
    out = run("simulate", sample, "--assume-fixed", "Territory Rules", "--runs", "0", env_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    assert "finishes in 16d, 2d late" in out.stdout  # the launch, blocked on it as things stand, now finishes, after its 14d deadline
    assert "territory rules" not in out.stdout  # never its lookup key


@pytest.mark.parametrize(("option", "typed", "closest"), [
    ("--absent", "Chris Parks", "Chris Park"), ("--down", "Salesforc", "Salesforce"), ("--assume-fixed", "Territory Rulez", "Territory Rules"),
])
def test_a_what_if_name_the_vault_does_not_know_is_refused_with_the_closest_names(sample, tmp_path, option, typed, closest):
    out = run("simulate", sample, "--program", "Harbor Teams 2.0 Launch", option, typed, "--runs", "0", env_dir=tmp_path / "data")
    assert out.returncode == 2 and out.stdout == ""
    message = out.stderr.strip()
    assert "\n" not in message and f"No note named '{typed}'" in message
    assert message.split("(closest first): ")[1].startswith(closest)


def test_the_reader_resolves_titles_aliases_paths_and_keys_to_the_same_scenario(sample, tmp_path):
    with Brain(sample, tmp_path / "index.db") as brain:
        brain.refresh()
        simulation = brain.read.simulation("Harbor Teams 2.0 Launch")
        by_title = brain.read.scenario(simulation, ["Territory Rules"], ["Chris Park"], ["Salesforce"])
        by_path = brain.read.scenario(simulation, ["unwritten:territory rules"], ["people/Chris Park.md"], ["systems/Salesforce.md"])
        assert by_title == by_path
        assert by_title.absent == {"people/Chris Park.md"} and by_title.assume_fixed == {"unwritten:territory rules"}
        with pytest.raises(NotInRun) as refused:
            brain.read.scenario(simulation, absent=["Nobody At All"])
        assert refused.value.candidates and "Chris Park" in refused.value.candidates


@pytest.mark.parametrize(("option", "typed"), [
    ("--absent", "people/Chris Park.md#scope"),  # a scope is an agent's, and only a fix assumes it
    ("--assume-fixed", "#scope"), ("--absent", ""), ("--down", "x" * 5000), ("--absent", "\x1b[31mred"),
])
def test_a_what_if_name_that_means_nothing_is_refused_in_one_short_harmless_line(sample, tmp_path, option, typed):
    out = run("simulate", sample, "--program", "Harbor Teams 2.0 Launch", option, typed, "--runs", "0", env_dir=tmp_path / "data")
    assert out.returncode == 2 and out.stdout == ""
    message = out.stderr.strip()
    assert "\n" not in message and "\x1b" not in message and len(message) < 600 and "No note named" in message


def test_an_agents_scope_can_be_assumed_fixed_by_its_name(sample, tmp_path):
    with Brain(sample, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        simulation = brain.read.simulation("Harbor Teams 2.0 Launch")
        agent = next(step.agent.path for step in simulation.program.steps if step.agent and step.agent.path)
        title = simulation.context.titles[agent]
        assert brain.read.scenario(simulation, [f"{title}#scope"]).assume_fixed == {f"{agent}#scope"}
