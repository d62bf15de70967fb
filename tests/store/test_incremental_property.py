"""For any sequence of creates, edits, renames and deletes, the incremental index equals a fresh one."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.brain import Brain
from tests.conftest import make_old

NAMES = ["Alpha", "alpha", "Beta", "Gamma", "x/Alpha", "y/Beta", "y/Delta", "x/y/Gamma"]
TARGETS = ["Alpha", "beta", "Gamma", "Delta", "x/Alpha", "Nobody", "CRM"]

link = st.sampled_from(TARGETS).map(lambda t: f"[[{t}]]")
body_line = st.one_of(
    link,
    st.tuples(st.sampled_from(["owner", "feeds", "depends-on"]), link).map(lambda p: f"{p[0]}:: {p[1]}"),
    st.tuples(st.sampled_from(["implements", "part_of"]), link).map(lambda p: f"- {p[0]} {p[1]} (why)"),
    st.sampled_from(["#ops", "#crm/sync", "cadence:: daily", "[md](Alpha.md)", "[up](../Gamma.md)", "plain words",
                     "owner_of:: [[Beta]]", "lives_in:: head", "reviewed:: 2026-11-01", "from:: [[Alpha]]", "to:: [[Gamma]]"]),
)
front = st.one_of(
    st.just(""),
    st.tuples(st.sampled_from(["", "CRM", "Beta, Delta"]), st.sampled_from(["system", "seam", "person", "team"])).map(
        lambda p: f"---\ntype: {p[1]}\naliases: [{p[0]}]\nowner: '[[Gamma]]'\n---\n"
    ),
    st.just("---\nbroken: [yaml\n---\n"),
)
content = st.tuples(front, st.lists(body_line, max_size=5)).map(lambda p: p[0] + "\n".join(p[1]) + "\n")
path = st.sampled_from(NAMES).map(lambda n: f"{n}.md")
operation = st.one_of(
    st.tuples(st.just("write"), path, content),
    st.tuples(st.just("rename"), path, path),
    st.tuples(st.just("delete"), path, st.just("")),
    st.tuples(st.just("age"), st.just(""), st.just("")),
    st.tuples(st.just("rescan"), st.just(""), st.just("")),
)

DUMP = {
    "notes": "SELECT path, title, type, aliases, owner, status, reviewed, lives_in, motion, confidence, body, body_chars, links_in, links_out FROM notes",
    "links": "SELECT source, rel, target, target_path, line, kind, fragment, label, context FROM links",
    "tags": "SELECT path, tag FROM tags",
    "fields": "SELECT path, section, key, value, line FROM fields",
    "sections": "SELECT path, title, level, line FROM sections",
    "problems": "SELECT path, line, message FROM problems",
    "names": "SELECT key, kind, path FROM names",
    "files": "SELECT path, sha256, indexed FROM files",
    "search": "SELECT n.path FROM notes_fts f JOIN notes n ON n.rowid = f.rowid WHERE notes_fts MATCH 'alpha OR gamma OR words'",
}


def dump(brain: Brain) -> dict:
    return {name: sorted(map(tuple, brain.index.db.execute(sql).fetchall()), key=repr) for name, sql in DUMP.items()}


def apply(root: Path, op: tuple[str, str, str], brain: Brain) -> None:
    kind, first, second = op
    source = root / first
    if kind == "write":
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(second, encoding="utf-8")
    elif kind == "rename" and source.exists() and first != second:
        (root / second).parent.mkdir(parents=True, exist_ok=True)
        source.replace(root / second)
    elif kind == "delete" and source.exists():
        source.unlink()
    elif kind == "age":
        for note in root.rglob("*.md"):
            make_old(note)
    elif kind == "rescan":
        brain.refresh()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=25))
def test_incremental_index_equals_a_fresh_full_index(operations):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        root.mkdir()
        with Brain(root, Path(tmp) / "live.sqlite") as live:
            live.refresh()
            for op in operations:
                apply(root, op, live)
            live.refresh()
            with Brain(root, Path(tmp) / "fresh.sqlite") as fresh:
                fresh.refresh()
                assert dump(live) == dump(fresh)
            assert live.index.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=10))
def test_coverage_kept_up_to_date_equals_coverage_computed_afresh(operations):
    today = __import__("datetime").date(2026, 11, 24)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        root.mkdir()
        with Brain(root, Path(tmp) / "live.sqlite") as live:
            live.refresh()
            live.read.coverage(today)
            for op in operations:
                apply(root, op, live)
                live.refresh()
                kept = live.read.coverage(today)
                with Brain(root, Path(tmp) / f"fresh-{len(op[1])}-{id(op)}.sqlite") as fresh:
                    fresh.refresh()
                    assert kept == fresh.read.coverage(today)
