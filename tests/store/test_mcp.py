"""The MCP server as an agent sees it: started as a subprocess, spoken to with the SDK's own client."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from store import activity
from store.locations import resources_dir
from tests.store.test_cli import run as run_cli

SCRIPT = Path(sys.executable).with_name("substrate")


@pytest.fixture
def sample(tmp_path) -> Path:
    target = tmp_path / "Harbor"
    shutil.copytree(resources_dir() / "sample-brain", target)
    return target


def talk(vault: Path, tmp_path: Path, conversation, *flags: str):
    """Start `substrate mcp VAULT`, run `conversation(session)`, return what it returns."""
    params = StdioServerParameters(command=str(SCRIPT), args=["mcp", str(vault), *flags],
                                   env={**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")})

    async def run():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await conversation(session)

    return asyncio.run(asyncio.wait_for(run(), timeout=60))


def test_an_agent_explores_the_sample_brain(sample, tmp_path):
    async def conversation(session):
        tools = {t.name for t in (await session.list_tools()).tools}
        found = await session.call_tool("search", {"text": "lead routing", "limit": 3})
        note = await session.call_tool("get_note", {"note": "Marketo to Salesforce Lead Sync"})
        around = await session.call_tool("neighbors", {"note": "Marketo to Salesforce Lead Sync", "depth": 1})
        cover = await session.call_tool("coverage", {"area": "seam"})
        ranked = await session.call_tool("gaps", {"limit": 5})
        run = await session.call_tool("simulate", {"program": "Harbor Teams 2.0 Launch"})
        assert not note.isError, note.content[0].text
        seam_uri = note.structuredContent["uri"]
        what_if = await session.call_tool("simulate", {"program": "Harbor Teams 2.0 Launch", "absent": ["people/Chris Park.md"]})
        text = await session.read_resource(seam_uri)
        return tools, found, note, around, cover, ranked, run, what_if, text

    tools, found, note, around, cover, ranked, run, what_if, text = talk(sample, tmp_path, conversation)
    assert tools == {"search", "get_note", "neighbors", "coverage", "gaps", "simulate"}  # read-only: no write tool
    hits = found.structuredContent["results"]
    assert hits and {"path", "fresh", "lives_in", "reviewed", "owner", "snippet"} <= set(hits[0])
    seam = note.structuredContent
    assert seam["path"] == "seams/Marketo to Salesforce Lead Sync.md" and seam["owner"] and seam["lives_in"] == ["note", "dashboard"]
    assert {"rel": "owner", "target": "Priya Shah", "path": "people/Priya Shah.md"} in seam["links_out"] and seam["coverage"]["state"] == "covered"
    assert {n["path"] for n in around.structuredContent["neighbors"]} >= {"systems/Marketo.md", "systems/Salesforce.md", "people/Priya Shah.md"}
    assert cover.structuredContent["overall"] == pytest.approx(0.761) and len(cover.structuredContent["notes"]) == 10
    assert len(ranked.structuredContent["gaps"]) == 5
    assert run.structuredContent["outcome"].startswith("never finishes") and len(run.structuredContent["steps"]) == 5
    assert what_if.structuredContent["scenario"]["absent"] == ["people/Chris Park.md"]
    assert text.contents[0].text == (sample / "seams/Marketo to Salesforce Lead Sync.md").read_text(encoding="utf-8")


def test_gaps_name_each_note_once_as_the_command_line_does(sample, tmp_path):
    from tests.store.test_cli import run

    async def conversation(session):
        return (await session.call_tool("gaps", {"limit": 100})).structuredContent["gaps"]

    ranked = talk(sample, tmp_path, conversation)
    cli = json.loads(run("gaps", sample, "--json", "--limit", "100", env_dir=tmp_path / "cli").stdout)
    names = [(g["path"], g["title"]) for g in ranked]
    assert len(names) == len(set(names)) and [(g["path"], g["title"]) for g in cli] == names
    stripe = [g for g in ranked if g["title"] == "Stripe"]
    assert len(stripe) == 1 and stripe[0]["what"].startswith("Fill in: no owner; write it down") and "review it" in stripe[0]["what"]


def test_bad_requests_get_clear_errors(sample, tmp_path):
    async def conversation(session):
        answers = []
        for tool, args in (("get_note", {"note": "Nothing Like This"}), ("neighbors", {"note": "Salesforce", "depth": 9}),
                           ("simulate", {"program": "No Such Program"}), ("search", {"text": "lead", "limit": 100000}),
                           ("coverage", {"area": "spaceship"})):
            answers.append(await session.call_tool(tool, args))
        try:
            await session.read_resource("substrate://note/..%2F..%2Fetc%2Fpasswd")
            escaped = True
        except Exception:
            escaped = False
        return answers, escaped

    answers, escaped = talk(sample, tmp_path, conversation)
    assert all(a.isError for a in answers)
    words = [a.content[0].text for a in answers]
    assert "Nothing Like This" in words[0] and "depth" in words[1] and "No Such Program" in words[2] and "limit" in words[3]
    assert "spaceship" in words[4] and not escaped


def test_an_edit_on_disk_is_seen_by_the_next_call(sample, tmp_path):
    async def conversation(session):
        before = await session.call_tool("search", {"text": "zebracorn"})
        (sample / "systems/Salesforce.md").write_text(
            (sample / "systems/Salesforce.md").read_text(encoding="utf-8") + "\nThe zebracorn field is new.\n", encoding="utf-8")
        for _ in range(50):
            await asyncio.sleep(0.1)
            after = await session.call_tool("search", {"text": "zebracorn"})
            if after.structuredContent["results"]:
                break
        return before, after

    before, after = talk(sample, tmp_path, conversation)
    assert before.structuredContent["results"] == []
    assert [r["path"] for r in after.structuredContent["results"]] == ["systems/Salesforce.md"]


def test_every_note_is_listed_as_a_resource(sample, tmp_path):
    async def conversation(session):
        return (await session.list_resources()).resources

    resources = talk(sample, tmp_path, conversation)
    assert len(resources) == 87
    seam = next(r for r in resources if r.name == "Marketo to Salesforce Lead Sync")
    assert str(seam.uri) == "substrate://note/seams%2FMarketo%20to%20Salesforce%20Lead%20Sync.md"
    assert "reviewed 2026-09-30" in seam.description and "lives in note, dashboard" in seam.description


def test_capture_is_off_by_default_and_on_with_the_flag_writes_only_new_notes(sample, tmp_path):
    async def without(session):
        return {t.name for t in (await session.list_tools()).tools}, await session.call_tool("capture", {"title": "X", "type": "seam"})

    tools, refused = talk(sample, tmp_path, without)
    assert "capture" not in tools and refused.isError

    async def with_flag(session):
        made = await session.call_tool("capture", {"title": "Territory Rules", "type": "process", "text": "Round robin inside each territory.",
                                                    "lives_in": "head", "owner": "Marcus Lee"})
        again = await session.call_tool("capture", {"title": "Lead Routing", "type": "process"})
        wrong = await session.call_tool("capture", {"title": "Y", "type": "spaceship"})
        clashes = [await session.call_tool("capture", {"title": title, "type": kind})
                   for title, kind in (("salesforce", "process"), ("PRIYA SHAH", "team"), ("revops", "system"), ("Territory rules", "decision"))]
        return made, again, wrong, clashes

    before = (sample / "processes/Lead Routing.md").read_bytes()
    made, again, wrong, clashes = talk(sample, tmp_path, with_flag, "--allow-capture")
    assert not made.isError and made.structuredContent["path"] == "processes/Territory Rules.md"
    text = (sample / "processes/Territory Rules.md").read_text(encoding="utf-8")
    assert 'owner: "[[Marcus Lee]]"' in text and "lives_in: head" in text and "Round robin inside each territory." in text
    assert again.isError and "already a note: processes/Lead Routing.md" in again.content[0].text
    assert (sample / "processes/Lead Routing.md").read_bytes() == before
    # another type, another case, an alias, a note written a moment ago: the existing note is named, nothing is written
    assert [(c.isError, re.search(r"is already a note: (.*?)\.md\. ", c.content[0].text).group(1)) for c in clashes] == [
        (True, "systems/Salesforce"), (True, "people/Priya Shah"), (True, "teams/Revenue Operations"), (True, "processes/Territory Rules")]
    assert "Edit that note instead" in clashes[0].content[0].text
    assert not (sample / "processes/salesforce.md").exists() and not (sample / "teams/PRIYA SHAH.md").exists()
    assert wrong.isError and "spaceship" in wrong.content[0].text
    assert [(e.by, e.action, e.path) for e in activity.read(sample)] == [("mcp", "created", "processes/Territory Rules.md")]


def test_an_agent_cannot_capture_a_name_that_only_looks_new(sample, tmp_path):
    """Zero-width space, soft hyphen, a right-to-left override, fullwidth letters: each looks like Salesforce."""
    hostile = ("Salesforce\u200b", "Sales\u00adforce", "Salesforce\u202e", "\uff33\uff21\uff2c\uff25\uff33\uff26\uff2f\uff32\uff23\uff25")

    async def conversation(session):
        clashes = [await session.call_tool("capture", {"title": title, "type": "process"}) for title in hostile]
        blank = await session.call_tool("capture", {"title": "\u200b\u00ad", "type": "process"})
        control = await session.call_tool("capture", {"title": "Lead\x1b[2JRouting", "type": "process"})
        return clashes, blank, control

    before = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.md"))
    clashes, blank, control = talk(sample, tmp_path, conversation, "--allow-capture")
    for clash in clashes:
        assert clash.isError and "is already a note: systems/Salesforce.md. Edit that note instead" in clash.content[0].text
        assert len(clash.content[0].text.splitlines()) == 1
    assert blank.isError and "shows nothing" in blank.content[0].text
    assert control.isError and "control characters" in control.content[0].text and "\x1b" not in control.content[0].text
    assert sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.md")) == before
    assert activity.read(sample) == []


def test_simulate_takes_what_if_names_as_the_command_line_does_and_refuses_unknown_ones(sample, tmp_path):
    """An agent names people, systems and unwritten notes as a person would; a name that means
    nothing is refused with the names the run can take, never accepted to change nothing."""
    program = "Harbor Teams 2.0 Launch"

    async def conversation(session):
        asked = {}
        for label, args in (("as things stand", {}),
                            ("by title", {"assume_fixed": ["Territory Rules"], "absent": ["Chris Park"]}),
                            ("by key", {"assume_fixed": ["unwritten:territory rules"], "absent": ["people/Chris Park.md"]}),
                            ("unknown person", {"absent": ["Chris Parks"]}),
                            ("unknown note", {"assume_fixed": ["Territory Rulez"]}),
                            ("unknown system", {"down": ["Zendesk"]})):
            asked[label] = await session.call_tool("simulate", {"program": program, **args})
        return asked

    asked = talk(sample, tmp_path, conversation)
    as_is, by_title, by_key = (asked[k].structuredContent for k in ("as things stand", "by title", "by key"))
    assert by_title["scenario"] == by_key["scenario"] == {"assume_fixed": ["unwritten:territory rules"], "absent": ["people/Chris Park.md"], "down": []}
    assert by_title["steps"] == by_key["steps"] and by_title["steps"] != as_is["steps"]

    cli = run_cli("simulate", sample, "--program", program, "--runs", "0", "--json",
                  "--assume-fixed", "Territory Rules", "--absent", "Chris Park", env_dir=tmp_path / "data")
    assert json.loads(cli.stdout)["runs"][0]["steps"] == by_title["steps"]  # the command line and an agent agree

    for label, candidate in (("unknown person", "Chris Park"), ("unknown note", "Territory Rules"), ("unknown system", "Salesforce")):
        refused = asked[label]
        assert refused.isError, label
        words = refused.content[0].text
        assert "No note named" in words and candidate in words, words
