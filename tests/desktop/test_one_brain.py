"""One brain, one answer: every surface shows the same count of the same thing.

The app's status bar, map header and map lists (a real window), `substrate coverage --json` (a real
subprocess), MCP `coverage` (a real stdio client) and an exported bundle's report, on the sample
brain and on a generated 1,000-note vault.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
import shutil
import zipfile
from pathlib import Path

from store import clock
from store.locations import resources_dir
from tests.desktop.conftest import open_and_wait
from tests.store.test_cli import run
from tests.store.test_mcp import talk

# Every quantity that more than one surface shows (`CoverageReport.totals`).
SHARED = ("notes", "known_unknowns", "covered", "stale", "partial", "stub", "trapped", "partly_trapped", "orphans", "problems", "empty_areas", "overall")

KINDS = {  # type: (folder, slots it may fill with text, slots it may fill with a link to a person)
    "person": ("people", ["role"], []),
    "team": ("teams", [], ["owner"]),
    "system": ("systems", ["category"], ["owner"]),
    "process": ("processes", ["motion"], ["owner"]),
    "seam": ("seams", ["cadence", "failure_mode"], ["owner"]),
    "metric": ("metrics", ["definition"], ["owner"]),
    "decision": ("decisions", ["date"], ["owner"]),
    "source": ("sources", [], ["owner"]),
    "note": ("notes", [], []),  # a type the blueprint does not know: unclassified
}
PLACES = [["note"], ["head"], ["slack", "email"], ["note", "slack"], ["doc", "head"], ["system"], ["dashboard"], []]


def generate(root: Path, n: int = 1000, seed: int = 17) -> None:
    """`n` notes of several types with owners, review dates, places, links to notes and to names nobody
    wrote; a few unlinked notes (orphans) and a few with broken front matter (problems)."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    titles = [f"{kinds[i % len(kinds)].title()} {i}" for i in range(n)]
    people = [t for t in titles if t.startswith("Person")]
    today = clock.today()
    for i, title in enumerate(titles):
        kind = kinds[i % len(kinds)]
        folder, texts, owners = KINDS[kind]
        path = root / folder / f"{title}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if i >= n - 40 and kind == "source":  # nothing links here and it links nowhere: an orphan
            path.write_text(f"---\ntype: source\n---\nA source on its own, number {i}.\n", encoding="utf-8")
            continue
        if i % 97 == 0:  # invalid YAML: indexed from its body, with a problem
            path.write_text(f"---\ntype: {kind}\nowner: [oops\n---\nSee [[{rng.choice(titles[:900])}]].\n", encoding="utf-8")
            continue
        lines = ["---", f"type: {kind}"]
        for slot in texts:
            if rng.random() < 0.75:
                lines.append(f"{slot}: {'b2b' if slot == 'motion' else 'hourly' if slot == 'cadence' else 'some value'}")
        for slot in owners:
            roll = rng.random()
            if roll < 0.7:
                lines.append(f'{slot}: "[[{rng.choice(people)}]]"')
            elif roll < 0.85:
                lines.append(f'{slot}: "[[Ghost {rng.randrange(40)}]]"')  # a person nobody wrote
        if kind == "seam":
            lines += [f'from: "[[{titles[rng.randrange(0, 900, len(kinds)) + kinds.index("system")]}]]"', 'to: "[[Warehouse]]"']
        roll = rng.random()
        if roll < 0.6:
            lines.append(f"reviewed: {(today - dt.timedelta(days=rng.randrange(1, 60))).isoformat()}")
        elif roll < 0.9:
            lines.append(f"reviewed: {(today - dt.timedelta(days=rng.randrange(400, 900))).isoformat()}")
        places = rng.choice(PLACES)
        if places:
            lines.append(f"lives_in: [{', '.join(places)}]")
        lines.append(f"motion: {rng.choice(['b2b', 'b2c', 'shared'])}")
        lines.append("---")
        body = "Short." if rng.random() < 0.1 else (
            f"{title} is part of how the revenue engine runs; it is written here so an orchestrator can read it. "
            f"It works with [[{rng.choice(titles[:900])}]] and [[{rng.choice(titles[:900])}]].")
        if rng.random() < 0.3:
            body += f" Nobody has written up [[Unwritten {rng.randrange(60)}]] yet."
        path.write_text("\n".join(lines) + "\n" + body + "\n", encoding="utf-8")


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found.group(1).replace(",", ""))


def app_counts(qtbot, window, vault: Path, notes: int) -> dict:
    """What the window shows: the status bar, the map's header and its lists."""
    open_and_wait(qtbot, window, vault, notes=notes, timeout=60000)
    window.map_page_action.trigger()
    page = window.map_and_run.map
    qtbot.waitUntil(lambda: page.report is not None and page.map_model.rowCount() > 0, timeout=60000)
    qtbot.waitUntil(lambda: window.count_label.text().startswith(f"{notes:,} notes"), timeout=60000)
    status, header = window.count_label.text(), page.subline.text()
    bar = {"notes": number(r"([\d,]+) notes?\b", status), "problems": number(r"([\d,]+) problems?\b", status),
           "known_unknowns": number(r"([\d,]+) known unknowns?\b", status)}
    dock = {"problems": number(r"Problems \((\d+)\)", window.problem_dock.windowTitle())}
    head = {"notes": number(r"^([\d,]+) notes", header), "known_unknowns": number(r"([\d,]+) known unknowns?\b", header),
            "trapped": number(r"(?<!partly )\b([\d,]+) trapped", header), "partly_trapped": number(r"([\d,]+) partly trapped", header),
            "orphans": number(r"([\d,]+) orphans?\b", header), "problems": number(r"([\d,]+) problems?\b", header),
            "overall": number(r"knows (\d+)%", page.headline.text()),
            "empty_areas": number(r"(\d+) areas? with none written", header) if "none written" in header else 0}
    for state in ("covered", "stale", "partial", "stub"):
        head[state] = number(rf"(\d+) {state}s?\b", header) if re.search(rf"\d+ {state}s?\b", header) else 0
    tabs = {"known_unknowns": page.unknowns.rowCount(), "trapped": page.trapped.rowCount(),
            "partly_trapped": page.partly_trapped.rowCount(), "stale": page.stale.rowCount()}
    page.lists.setCurrentIndex([page.lists.tabText(i) for i in range(page.lists.count())].index("Where it lives"))
    caption = page.charts["Where it lives"].caption.text()
    chart = {"trapped": number(r"(\d+) notes are trapped", caption), "partly_trapped": number(r"(\d+) partly trapped", caption)}
    return {"status bar": bar, "problems panel": dock, "map header": head, "map lists": tabs, "where it lives": chart}


def as_shown(totals: dict) -> dict:
    """The totals as a surface shows them: overall as a whole percent."""
    return {key: int(f"{totals[key]:.0%}"[:-1]) if key == "overall" else totals[key] for key in SHARED}


def bundle_counts(vault: Path, tmp_path: Path) -> tuple[dict, dict]:
    out = tmp_path / "brain.zip"
    done = run("export", vault, "--out", out, "--allow-secrets", env_dir=tmp_path / "cli-data")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as bundle:
        page = bundle.read("report.html").decode("utf-8")
        manifest = json.loads(bundle.read("manifest.json"))
    shown = {key: int(n) for key, n in re.findall(r'<li data-count="(\w+)"><b>(\d+)</b>', page)}
    shown["overall"] = number(r"What the brain knows: (\d+)%", html.unescape(page))
    assert page.count("<br><small>none written</small>") == shown["empty_areas"]  # each area with no note is a gap on its map
    return shown, manifest["coverage"]["totals"]


def assert_one_answer(qtbot, window, vault: Path, tmp_path: Path) -> dict:
    cli = json.loads(run("coverage", vault, "--json", env_dir=tmp_path / "cli-data").stdout)["totals"]

    async def conversation(session):
        return (await session.call_tool("coverage", {})).structuredContent

    mcp = talk(vault, tmp_path / "mcp", conversation)["totals"]
    assert {k: mcp[k] for k in SHARED} == {k: cli[k] for k in SHARED}
    report, manifest = bundle_counts(vault, tmp_path)
    assert {k: manifest[k] for k in SHARED} == {k: cli[k] for k in SHARED}
    expected = as_shown(cli)
    shown = {"bundle report": report, **app_counts(qtbot, window, vault, cli["notes"])}
    for surface, counts in shown.items():
        for key, value in counts.items():
            assert value == expected[key], f"{surface} shows {value} {key}; the command line says {expected[key]}"
    return cli


def test_the_sample_brain_gives_one_answer_everywhere(qtbot, window, tmp_path):
    vault = tmp_path / "Sample"
    shutil.copytree(resources_dir() / "sample-brain", vault)
    totals = assert_one_answer(qtbot, window, vault, tmp_path)
    # the counts a new user first met, now each of one thing: names not links, the stale state only, only-trapped
    assert (totals["known_unknowns"], totals["stale"], totals["trapped"], totals["partly_trapped"]) == (18, 21, 8, 12)


def test_a_generated_thousand_note_vault_gives_one_answer_everywhere(qtbot, window, tmp_path):
    vault = tmp_path / "Generated"
    generate(vault)
    totals = assert_one_answer(qtbot, window, vault, tmp_path)
    # the vault holds every kind of count, so none of them agrees only by being zero
    assert all(totals[key] > 0 for key in SHARED if key != "overall"), str({k: totals[k] for k in SHARED})
    assert totals["notes"] == 1000 and totals["unclassified"] > 0 and totals["empty_areas"] > 0


def test_a_note_page_warns_only_about_what_its_coverage_counts(qtbot, window, tmp_path):
    vault = tmp_path / "Sample"
    shutil.copytree(resources_dir() / "sample-brain", vault)
    open_and_wait(qtbot, window, vault, notes=87)
    window.navigate("people/Dana Ruiz.md")  # a person: nothing of the type asks for an owner
    qtbot.waitUntil(lambda: window.note_view.path == "people/Dana Ruiz.md" and "Coverage:" in window.note_view.page_source, timeout=10000)
    dana = window.note_view.page_source
    assert "Coverage: covered (100%)" in dana and "no owner" not in dana and 'class="warn"' not in dana
    window.navigate("systems/Stripe.md")  # a system must have an owner and be reviewed; part of it lives in a head
    qtbot.waitUntil(lambda: window.note_view.path == "systems/Stripe.md" and "Coverage:" in window.note_view.page_source, timeout=10000)
    stripe = window.note_view.page_source
    assert "Coverage: partial" in stripe and "no owner, last reviewed 2025-04-02" in stripe  # partial, and overdue too
    assert '<span class="warn">no owner</span>' in stripe and '<span class="warn">reviewed 2025-04-02</span>' in stripe
