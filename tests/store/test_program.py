"""Programs read from notes: steps, their roles, what they wait for, durations and deadlines,
and what is wrong with a program, said on the program note like any other problem."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from store import program as programs
from store import query
from store.errors import NotAProgram
from store.note import Problem, parse
from store.program import Ref, after_names, build, checked
from store.program_facts import find_program, list_programs, read_program
from tests.conftest import write
from tests.store.test_cli import run as run_cli

TODAY = dt.date(2026, 11, 24)
HEAD = "---\ntype: program\nowner: '[[Dana]]'\nmotion: shared\n{extra}---\n# Launch\nWhat it is for.\n\n"


def note(*steps: str, extra: str = "") -> str:
    return HEAD.format(extra=extra) + "\n\n".join(steps) + "\n"


def step(name: str, *lines: str) -> str:
    return f"## {name}\n" + "\n".join(lines)


def indexed(vault, brain, text: str):
    """Write Launch.md, index the vault and read the program back from the index."""
    write(vault, "Launch.md", text)
    brain.refresh()
    return read_program(brain.index.db, "Launch.md", TODAY)


def waits(program) -> dict[str, tuple[str, ...]]:
    return {s.name: s.after for s in program.steps}


# --- after:: in every documented form -------------------------------------------------------

def test_a_step_waits_for_linked_and_plain_names_written_together(vault, brain):
    program = indexed(vault, brain, note(
        step("Short", "duration:: 1d"), step("Long", "duration:: 3d"),
        step("Both", "after:: [[#Short]], Long", "duration:: 1d"),
    ))
    assert waits(program)["Both"] == ("Short", "Long")
    assert program.problems == ()
    run = brain.read.simulation("Launch", TODAY).run()
    assert (run.step("Both").start, run.step("Both").end) == (72.0, 96.0)  # after Long's three days, not Short's one


@pytest.mark.parametrize("after, expected", [
    ("[[#A]]", ("A",)),
    ("A", ("A",)),
    ("A, B", ("A", "B")),
    ("[[#A]], [[#B]]", ("A", "B")),
    ("[[#A]], B", ("A", "B")),
    ("B, [[#A]]", ("B", "A")),
    ("[[#A|the first step]], b", ("A", "B")),  # a shown text, and names match without case
    ("[[#A]] [[#B]]", ("A", "B")),
    ("[[Launch#A]]", ("A",)),  # a link to this program's heading, as Obsidian writes it from elsewhere
    ("[[A]]", ("A",)),
    ("A,, B ,", ("A", "B")),
])
def test_every_documented_form_of_after_names_the_steps_through_the_index(vault, brain, after, expected):
    program = indexed(vault, brain, note(step("A", "duration:: 1d"), step("B", "duration:: 1d"), step("C", f"after:: {after}")))
    assert waits(program)["C"] == expected
    assert program.problems == ()


def test_after_on_several_lines_adds_up(vault, brain):
    program = indexed(vault, brain, note(
        step("A", "duration:: 1d"), step("B", "duration:: 1d"), step("C", "after:: [[#A]]", "after:: B"),
    ))
    assert waits(program)["C"] == ("A", "B")


def test_an_after_naming_no_step_is_a_problem_on_the_program_with_its_line(vault, brain, tmp_path):
    text = note(step("Short", "duration:: 1d"), step("Both", "after:: [[#Short]], Lnog", "duration:: 1d"))
    program = indexed(vault, brain, text)
    line = text.splitlines().index("after:: [[#Short]], Lnog") + 1
    message = ("Step 'Both' waits for 'Lnog', which is not another step of this program: "
               "name a step's heading as [[#Heading]] or as written, or remove it")
    assert program.found == (Problem(line, message),)
    # the same row the command line and the app's problems panel list, counted in the summary
    assert [(p.path, p.line, p.message) for p in query.problems(brain.index.db, "Launch.md")] == [("Launch.md", line, message)]
    assert query.summary(brain.index.db).problems == 1
    listed = run_cli("problems", vault, "--db", tmp_path / "index.sqlite", env_dir=tmp_path / "data")
    assert listed.returncode == 0, listed.stderr
    assert f"Launch.md:{line}: {message}" in listed.stdout and "1 problem." in listed.stdout

    write(vault, "Launch.md", text.replace("Lnog", "Short"))  # the fix takes the problem away
    brain.refresh()
    assert query.problems(brain.index.db, "Launch.md") == []


def test_simulate_command_shows_the_step_waiting_for_a_plainly_named_step(vault, tmp_path):
    write(vault, "Launch.md", note(
        step("Short", "duration:: 1d"), step("Long", "duration:: 3d"), step("Both", "after:: [[#Short]], Long", "duration:: 1d"),
    ))
    out = run_cli("simulate", vault, "--db", tmp_path / "cli.sqlite", "--json", "--runs", "0", env_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    (one,) = json.loads(out.stdout)["runs"]
    both = next(s for s in one["steps"] if s["name"] == "Both")
    assert (both["start_hours"], both["end_hours"]) == (72.0, 96.0)
    assert one["hours"] == 96.0 and one["problems"] == []


# --- parsing a program, pure ------------------------------------------------------------------

def parsed(text: str, path: str = "Launch.md"):
    return checked(parse(text, path))


def test_steps_are_the_headings_with_step_fields_and_read_their_roles():
    note_ = parse(note(
        "## Background\nWhy we run it.\ngoal:: growth",
        step("Build the list", "agent:: [[Builder]]", "needs:: [[ICP]], [[Policy]]", "uses:: [[CRM]]", "motion:: B2B", "duration:: 4h"),
        step("Send", "after:: [[#Build the list]]", "needs:: [[Policy]]", "needs:: [[Policy]]"),
        extra="deadline: 2w\n",
    ), "Launch.md")
    program = build(
        note_.path, note_.title, note_.motion, sections=[(s.title, s.line) for s in note_.sections],
        fields=[(f.key, f.value, f.line) for f in note_.fields], links=[(l.rel, l.target, None, l.fragment, l.line) for l in note_.links],
        today=TODAY,
    )
    assert [s.name for s in program.steps] == ["Build the list", "Send"]  # "Background" has no step field
    first, send = program.steps
    assert first.agent == Ref("Builder", None) and first.needs == (Ref("ICP", None), Ref("Policy", None)) and first.uses == (Ref("CRM", None),)
    assert (first.motion, first.hours, first.after) == ("b2b", 4.0, ())
    assert (send.motion, send.hours, send.after, send.needs) == ("shared", 24.0, ("Build the list",), (Ref("Policy", None),))
    assert (program.motion, program.deadline_hours, program.problems) == ("shared", 336.0, ())
    assert send.needs[0].key == "unwritten:policy"


def test_what_is_wrong_with_a_program_is_said_with_its_line():
    text = note(
        step("A", "after:: [[#C]]", "duration:: soon", "motion:: sideways"),
        step("B", "after:: [[#A]]", "agent:: [[One]]", "agent:: [[Two]]"),
        step("C", "after:: [[#B]]"),
        step("a", "after:: a", "duration:: 1d"),  # waits for A: names match without case
        step("Self", "after:: self"),
        extra="deadline: someday\n",
    )
    lines = text.splitlines()
    at = lambda text_: lines.index(text_) + 1  # noqa: E731
    found = set(parsed(text).problems)
    assert found == {
        Problem(at("duration:: soon"), "Step 'A': duration 'soon' is not a duration like 3d, 4h or 1w; one day is assumed"),
        Problem(at("motion:: sideways"), "Step 'A': motion 'sideways' is not b2b, b2c or shared; shared is assumed"),
        Problem(at("agent:: [[Two]]"), "Step 'B' names 2 agents; the first, One, runs it"),
        Problem(at("## a"), f"Two steps are named 'a' (line {at('## a')}); `after` can only name one of them"),
        Problem(at("after:: self"), "Step 'Self' waits for 'self', which is not another step of this program: "
                                 "name a step's heading as [[#Heading]] or as written, or remove it"),
        Problem(at("## B"), "Steps wait for each other in a circle, so none of them can start: B → C → A → B"),
        Problem(at("deadline: someday"), "Launch: deadline 'someday' is neither a duration like 6w nor a date like 2026-12-31"),
    }


def test_a_program_without_steps_and_a_note_of_another_type():
    assert parsed("---\ntype: program\n---\n# Empty\nNothing yet.\n", "Empty.md").problems == (
        Problem(None, "Empty has no steps: give each step a heading with `agent::`, `needs::`, `uses::`, `after::` or `duration::` beneath it"),
    )
    plain = parse("# Notes\nafter:: [[#Nowhere]]\n", "Notes.md")
    assert checked(plain) is plain


@pytest.mark.parametrize("deadline, hours", [("6w", 1008.0), ("3d", 72.0), ("2026-12-01", 7 * 24.0), ("2026-01-01", 0.0), ("soon", None)])
def test_a_deadline_is_a_duration_from_the_start_or_a_date_from_today(vault, brain, deadline, hours):
    program = indexed(vault, brain, note(step("Only", "duration:: 1d"), extra=f"deadline: {deadline}\n"))
    assert program.deadline_hours == hours
    assert bool(program.problems) == (hours is None)


def test_after_names_without_the_index():
    assert after_names("[[#Short]], Long") == ["Short", "Long"]
    assert after_names("[[Launch#Step, with a comma]], Other") == ["Step, with a comma", "Other"]
    assert after_names("") == []


def test_programs_are_found_by_name_and_listed(vault, brain):
    write(vault, "programs/Launch.md", note(step("Only", "duration:: 1d")))
    write(vault, "Dana.md", "---\ntype: person\n---\nA person.\n")
    brain.refresh()
    assert list_programs(brain.index.db) == [("programs/Launch.md", "Launch")]
    assert find_program(brain.index.db, "launch") == "programs/Launch.md"
    with pytest.raises(NotAProgram):
        find_program(brain.index.db, "Dana")


def test_program_module_reads_no_database():
    """store/program.py is pure: its SQL readers live in store/program_facts.py."""
    tree = ast.parse(Path(programs.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"sqlite3", "sqlite_utils", "store.query", "store.index", "store.coverage_facts", "store.program_facts"}


def test_an_index_from_before_program_problems_lists_them_after_the_upgrade(vault, tmp_path):
    import sqlite3

    from store.brain import Brain

    write(vault, "Launch.md", note(step("Only", "after:: Nope")))
    db_path = tmp_path / "old.sqlite"
    with Brain(vault, db_path) as brain:
        brain.refresh()
    db = sqlite3.connect(db_path)  # what schema 5 held: a program's problems were not the note's
    db.executescript("DELETE FROM problems; DELETE FROM _sqlite_migrations WHERE name = 'm006_program_problems'; PRAGMA user_version = 5;")
    db.close()
    with Brain(vault, db_path) as brain:
        brain.refresh()
        assert brain.index.notices == []
        assert [p.message.split(",")[0] for p in brain.read.problems()] == ["Step 'Only' waits for 'Nope'"]
