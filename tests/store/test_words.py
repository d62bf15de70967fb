"""One vocabulary: counted phrases, relation labels, the version, and the words the command line,
the reports and the MCP server say with them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import zipfile
from importlib.metadata import version

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from store import blueprint as blueprints
from store import words
from store.coverage import RISK_ORDER, STATES
from store.note import LIVES_IN
from store.simulate import DECISIONS
from tests.conftest import write
from tests.store.test_cli import SCRIPT, run


@pytest.mark.parametrize(("n", "word", "plural", "expected"), [
    (0, "note", None, "0 notes"), (1, "note", None, "1 note"), (2, "note", None, "2 notes"), (1204, "note", None, "1,204 notes"),
    (1, "problem", None, "1 problem"), (2, "problem", None, "2 problems"),
    (1, "person", None, "1 person"), (2, "person", None, "2 people"), (0, "person", None, "0 people"),
    (1, "known unknown", None, "1 known unknown"), (18, "known unknown", None, "18 known unknowns"),
    (1, "unwritten link", None, "1 unwritten link"), (34, "unwritten link", None, "34 unwritten links"),
    (2, "entry", None, "2 entries"), (3, "fix", None, "3 fixes"), (2, "day", None, "2 days"),
    (1, "note refers to it", "notes refer to it", "1 note refers to it"), (4, "note refers to it", "notes refer to it", "4 notes refer to it"),
])
def test_a_count_and_its_word_agree(n, word, plural, expected):
    assert words.counted(n, word, plural) == expected


def test_a_signed_count_says_which_way_it_moved():
    assert words.counted(1, "point", signed=True) == "+1 point"
    assert words.counted(3, "point", signed=True) == "+3 points"
    assert words.counted(-1, "point", signed=True) == "−1 point"
    assert words.counted(-12, "point", signed=True) == "−12 points"
    assert words.counted(0, "point", signed=True) == "+0 points"


def test_state_and_decision_counts_read_as_sentences():
    assert words.STATES["known_unknown"].count(1) == "1 known unknown" and words.STATES["known_unknown"].count(18) == "18 known unknowns"
    assert words.STATES["stub"].count(3) == "3 stubs" and words.STATES["stale"].count(21) == "21 stale"
    assert words.DECISIONS["escalated"].count(1) == "1 waits for a person" and words.DECISIONS["proceed"].count(3) == "3 proceed"
    assert words.referred_to(1) == "1 note refers to it" and words.referred_to(2) == "2 notes refer to it"


def test_every_key_the_engine_uses_has_its_words_and_colour_here():
    assert STATES == ("known_unknown", "stub", "partial", "stale", "covered")  # least complete first
    assert RISK_ORDER == ("trapped", "narrow", "unstructured", "structured")  # worst first
    assert DECISIONS == tuple(words.DECISIONS) and set(LIVES_IN) == set(words.PLACES)
    shipped = blueprints.load()
    assert set(shipped.risks) == set(words.PLACES) and set(shipped.risks.values()) <= set(words.RISKS)
    for terms in (words.STATES, words.RISKS, words.PLACES, words.DECISIONS):
        assert all(t.colour.startswith("#") and len(t.colour) == 7 and t.one and t.many for t in terms.values())
    # the colours the screenshots compare: kept exactly
    assert {k: t.colour for k, t in words.STATES.items()} == {
        "covered": "#4caf6e", "stale": "#c9b458", "partial": "#e8a33d", "stub": "#d64f4f", "known_unknown": "#9aa0a6"}
    assert (words.score_hex(0.0), words.score_hex(0.6), words.score_hex(1.0)) == ("#d64f4f", "#e8a33d", "#4caf6e")


def test_a_relation_is_named_by_the_blueprint_or_by_one_rule():
    shipped = blueprints.load()
    assert words.relation_label("owner_of", shipped) == "Owns"
    assert words.relation_label("owner", shipped) == "Owner"
    assert words.relation_label("depends_on", shipped) == "Depends on"
    assert words.relation_label("reports_to") == "Reports to"  # no blueprint: the one rule
    assert words.reverse_label("owner", shipped) == "Owns"  # a seam's owner, seen from the person
    assert words.reverse_label("owner_of", shipped) == "Owner"
    assert words.reverse_label("depends_on", shipped) == "Depended on by"
    assert words.reverse_label("rings", shipped) == "Links here as “Rings”"  # no inverse: said which way it points


def test_a_vault_names_its_own_relations(vault):
    write(vault, ".substrate/blueprint.yaml", "relation_labels:\n  owner_of: Looks after\n  rings: Calls\n")
    mine = blueprints.load(vault)
    assert mine.problems == ()
    assert words.relation_label("owner_of", mine) == "Looks after" and words.reverse_label("owner", mine) == "Looks after"
    assert words.relation_label("rings", mine) == "Calls"
    assert words.relation_label("depends_on", mine) == "Depends on"  # the default's other labels stay


def test_a_blueprint_label_that_is_not_text_is_reported(vault):
    write(vault, ".substrate/blueprint.yaml", "relation_labels:\n  owner_of: [a, b]\n")
    [problem] = blueprints.load(vault).problems
    assert problem.line == 2 and "label" in problem.reason.lower()


UPGRADED = "9.9.1"


@pytest.fixture
def upgraded(tmp_path) -> dict[str, str]:
    """The environment of an install whose package metadata says another version than the source tree's
    pyproject: a dist-info ahead on the path, found by importlib.metadata as any install is."""
    site = tmp_path / "site"
    (site / f"substrate-{UPGRADED}.dist-info").mkdir(parents=True)
    (site / f"substrate-{UPGRADED}.dist-info" / "METADATA").write_text(f"Metadata-Version: 2.1\nName: substrate\nVersion: {UPGRADED}\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
            "SUBSTRATE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}


def test_the_version_is_the_installed_package_everywhere(tmp_path, vault, upgraded):
    assert words.app_version() == version("substrate") and words.app_name() == f"Substrate {version('substrate')}"
    said = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, env=upgraded, timeout=120)
    assert said.returncode == 0 and said.stdout.strip() == f"substrate, version {UPGRADED}"
    write(vault, "a.md", "---\ntype: system\n---\nA.\n")
    export = subprocess.run([str(SCRIPT), "export", str(vault), "--out", str(tmp_path / "b.zip")], capture_output=True, text=True,
                            env=upgraded, timeout=120)
    assert export.returncode == 0, export.stderr
    with zipfile.ZipFile(tmp_path / "b.zip") as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["generator"] == f"Substrate {UPGRADED}"


def test_the_mcp_server_names_substrate_and_its_version(vault, upgraded):
    write(vault, "a.md", "---\ntype: system\n---\nA.\n")
    params = StdioServerParameters(command=str(SCRIPT), args=["mcp", str(vault)], env=upgraded)

    async def hello():
        async with stdio_client(params) as (read, send):
            async with ClientSession(read, send) as session:
                return await session.initialize()

    info = asyncio.run(asyncio.wait_for(hello(), timeout=60)).serverInfo
    assert (info.name, info.version) == ("substrate", UPGRADED)  # not the mcp package's own version


@pytest.fixture
def owned(vault):
    """A person who owns one note (from her side) and is named owner by another (from its side)."""
    write(vault, "people/Dana.md", "---\ntype: person\nowner_of: '[[CRM]]'\n---\nRuns marketing ops.\n")
    write(vault, "systems/CRM.md", "---\ntype: system\n---\nThe CRM.\n")
    write(vault, "systems/Ads.md", "---\ntype: system\nowner: '[[Dana]]'\n---\nBuys ads. See [[Churn Model]].\n")
    return vault


def test_show_names_relations_as_a_person_reads_them(owned, tmp_path):
    out = run("show", owned, "Dana", env_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Links out\n  Owns\n    systems/CRM.md" in out.stdout
    assert "Links in\n  Owns\n    systems/Ads.md" in out.stdout
    assert "owner_of" not in out.stdout and "owner of" not in out.stdout
    data = json.loads(run("show", owned, "Dana", "--json", env_dir=tmp_path).stdout)
    assert [l["rel"] for l in data["links_out"]] == ["owner_of"]  # JSON keeps the keys


def test_counts_of_one_are_singular_on_the_command_line(owned, tmp_path):
    coverage = run("coverage", owned, env_dir=tmp_path)
    assert coverage.returncode == 0, coverage.stderr
    assert "Churn Model" in coverage.stdout and "1 note refers to it" in coverage.stdout
    assert "1 known unknown" in coverage.stdout and "refs)" not in coverage.stdout
    write(owned, "bad.md", "---\nreviewed: soon\n---\nWhen?\n")
    problems = run("problems", owned, env_dir=tmp_path)
    assert problems.stdout.strip().endswith("\n1 problem.")
