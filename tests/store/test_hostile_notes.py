"""RELIABILITY.md "Parsing": hostile and pathological notes are indexed as far as they can be,
their problems are listed, and the index goes on."""

from __future__ import annotations

import time

from store.note import parse
from tests.conftest import rows, write


def test_python_object_tag_is_a_problem_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    note = parse(f"---\ntitle: ok\nx: !!python/object/apply:os.system ['touch {marker}']\n---\nbody [[Link]]\n", "n.md")
    assert not marker.exists()
    assert note.title == "ok"
    assert [l.target for l in note.links] == ["Link"]
    assert "python/object/apply" in note.problems[0].message and note.problems[0].line == 3


def test_yaml_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    note = parse("---\n" + "\n".join(lines) + "\n---\nbody\n", "n.md")
    assert time.perf_counter() - started < 1
    assert note.fields == ()
    assert "alias bomb" in note.problems[0].message


def test_deeply_nested_yaml_is_caught_per_file():
    note = parse("---\nx: " + "[" * 10_000 + "\n---\nbody [[Ok]]\n", "n.md")
    assert [l.target for l in note.links] == ["Ok"]
    assert "Front matter" in note.problems[0].message


def test_yaml_coercions_keep_what_the_user_wrote():
    note = parse("---\nno: no\ntime: 12:30:00\nversion: 1.10\nempty:\n---\n", "n.md")
    assert [(f.key, f.value) for f in note.fields] == [("no", "no"), ("time", "12:30:00"), ("version", "1.10"), ("empty", "")]


def test_front_matter_that_is_not_a_mapping_is_a_problem():
    note = parse("---\n- just\n- a list\n---\n[[B]]\n", "n.md")
    assert [l.target for l in note.links] == ["B"]
    assert "key: value" in note.problems[0].message


def test_pathological_markdown_does_not_block_the_index(vault, brain):
    write(vault, "brackets.md", "---\ntype: system\n---\n" + "[" * 100_000 + "\n")
    write(vault, "stars.md", "*a" * 50_000 + "\n")
    write(vault, "fine.md", "[[brackets]]\n")
    started = time.perf_counter()
    brain.refresh()
    assert time.perf_counter() - started < 15
    assert rows(brain, "SELECT path, type FROM notes ORDER BY path") == [("brackets.md", "system"), ("fine.md", "note"), ("stars.md", "note")]
    assert rows(brain, "SELECT target_path FROM links") == [("brackets.md",)]


def test_a_broken_note_is_indexed_as_far_as_it_can_be_and_indexing_goes_on(vault, brain):
    write(vault, "broken.md", "---\ntitle: Broken\nowner: [oops\n---\n# Section\nfeeds:: [[CRM]]\n#tagged\n")
    write(vault, "healthy.md", "---\ntype: system\n---\n")
    brain.refresh()
    assert rows(brain, "SELECT path, title FROM notes ORDER BY path") == [("broken.md", "broken"), ("healthy.md", "healthy")]
    assert rows(brain, "SELECT rel, target FROM links") == [("feeds", "CRM")]
    assert rows(brain, "SELECT tag FROM tags") == [("tagged",)]
    assert [p.path for p in brain.read.problems()] == ["broken.md"]
