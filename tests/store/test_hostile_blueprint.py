"""A vault's own blueprint, however broken or hostile, never stops a command: the default is used and the problem said."""

from __future__ import annotations

import pytest

from store import blueprint as blueprints
from tests.conftest import write
from tests.store.test_bundles import sample  # noqa: F401 - the fixture: a copy of the sample brain
from tests.store.test_cli import run

HOSTILE = {
    "deeply nested": "types: " + "[" * 10000,
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    + "types:\n  seam:\n    slots: *i\n",
    "recursive alias": "types: &t\n  seam:\n    slots:\n      loop: *t\n",
    "too large": "# a pasted export\n" * 100_000 + "fresh_days: 90\n",
    "nested past the limit but within libyaml's": "types:\n" + "".join("  " * i + "a:\n" for i in range(1, 60)),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_blueprint_falls_back_to_the_default_with_a_problem(vault, text):
    write(vault, ".substrate/blueprint.yaml", text)
    loaded = blueprints.load(vault)
    assert loaded.types == blueprints.load().types, "the default blueprint is used"
    [problem] = loaded.problems
    assert problem.file == str(vault / ".substrate/blueprint.yaml")


@pytest.mark.parametrize("text", [HOSTILE["deeply nested"], HOSTILE["alias bomb"]], ids=["deeply nested", "alias bomb"])
def test_every_command_works_on_a_vault_with_a_hostile_blueprint(sample, tmp_path, text):  # noqa: F811
    write(sample, ".substrate/blueprint.yaml", text)
    data, db = tmp_path / "data", tmp_path / "i.sqlite"
    for args in (["index"], ["coverage"], ["gaps"], ["simulate"], ["problems"],
                 ["export", "--scope", "type:system", "--out", tmp_path / "out.zip"]):
        done = run(*args, sample, "--db", db, env_dir=data)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
        if args[0] in ("coverage", "gaps", "simulate", "problems"):
            assert ".substrate/blueprint.yaml" in done.stdout + done.stderr, args
        if args[0] == "index":  # the sample brain's one problem, and the blueprint's: one count everywhere
            assert " 2 problems" in done.stdout, done.stdout
    assert (tmp_path / "out.zip").is_file()


@pytest.mark.parametrize("front", ["a: " + "[" * 500 + "]" * 500, "a: &x " + "[" * 500 + "]" * 500 + "\nb: *x"], ids=["nested", "nested alias"])
def test_a_note_whose_front_matter_nests_hundreds_deep_is_indexed_with_a_problem(vault, brain, front):
    # libyaml composes up to 1,000 levels, more than Python's recursion limit lets a walk of them go
    write(vault, "Deep.md", f"---\ntype: system\n{front}\n---\nThe body is still read.\n")
    write(vault, "Plain.md", "---\ntype: system\n---\nA neighbour.\n")
    brain.refresh()
    assert {p for (p,) in brain.index.db.execute("SELECT path FROM notes")} == {"Deep.md", "Plain.md"}
    [problem] = [p for p in brain.read.problems() if p.path == "Deep.md"]
    assert "nested more than" in problem.message


def test_nesting_past_the_limit_is_named_with_its_line(vault):
    write(vault, ".substrate/blueprint.yaml", "types:\n" + "".join("  " * i + "a:\n" for i in range(1, 60)))
    [problem] = blueprints.load(vault).problems
    assert problem.line == blueprints.MAX_NESTING + 1 and f"nested more than {blueprints.MAX_NESTING} levels deep" in problem.reason
