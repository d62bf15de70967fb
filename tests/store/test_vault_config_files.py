"""The vault's own small files (its blueprint, ignore rules, templates, activity log, as-of day) are read
by one bounded reader: a pipe or a link to a device in their place never hangs a command or fills memory."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from store import activity, clock
from store import blueprint as blueprints
from store.errors import TemplateUnusable
from store.new_note import Draft, note_text
from store.vault import ConfigUnreadable, read_config_file
from tests.conftest import write
from tests.store.test_cli import run, small_vault  # noqa: F401 - the fixture

SPECIALS = {"a link to /dev/zero": lambda path: os.symlink("/dev/zero", path), "a FIFO": os.mkfifo}


def _place(vault, rel: str, kind: str):
    path = vault / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    SPECIALS[kind](path)
    return path


def _problems_with(vault, tmp_path, rel: str, kind: str):
    """`substrate problems` on `vault` with a special file of `kind` at `rel`; it must still succeed."""
    _place(vault, rel, kind)
    done = run("problems", vault, "--db", tmp_path / "i.sqlite", env_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_device_or_pipe_as_the_blueprint_falls_back_to_the_default_with_a_problem(small_vault, tmp_path, kind):  # noqa: F811
    done = _problems_with(small_vault, tmp_path, ".substrate/blueprint.yaml", kind)
    assert ".substrate/blueprint.yaml: cannot be used: it is not a regular file" in done.stdout, done.stdout
    assert "uses its default blueprint until you fix or remove this file" in done.stdout
    assert re.search(r"^broken\.md:\d: Front matter is not valid YAML", done.stdout, re.M), "the notes are still indexed and judged"
    loaded = blueprints.load(small_vault)
    assert loaded.types == blueprints.load().types and len(loaded.problems) == 1


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_device_or_pipe_as_the_ignore_rules_is_a_problem_and_every_command_still_runs(small_vault, tmp_path, kind):  # noqa: F811
    done = _problems_with(small_vault, tmp_path, ".substrateignore", kind)
    assert ".substrateignore: Substrate cannot read the vault's ignore rules: it is not a regular file" in done.stdout, done.stdout
    assert re.search(r"^broken\.md:\d: Front matter is not valid YAML", done.stdout, re.M)
    searched = run("search", small_vault, "lead", "--db", tmp_path / "i.sqlite", env_dir=tmp_path / "data")
    assert searched.returncode == 0 and "HubSpot to Salesforce" in searched.stdout, searched.stderr[-2000:]


def test_ignore_rules_larger_than_any_ignore_file_are_a_problem_not_a_slow_read(small_vault, tmp_path):  # noqa: F811
    write(small_vault, ".substrateignore", "# pasted\n" * 200_000)
    done = run("problems", small_vault, "--db", tmp_path / "i.sqlite", env_dir=tmp_path / "data")
    assert done.returncode == 0 and ".substrateignore: Substrate cannot read the vault's ignore rules: it is larger than 1 MB" in done.stdout, done.stdout


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_device_or_pipe_as_a_vault_template_is_refused_in_one_line(tmp_path, kind):
    _place(tmp_path, ".substrate/templates/seam.md", kind)
    with pytest.raises(TemplateUnusable, match=r"^The vault's template \.substrate/templates/seam\.md cannot be used: it is not a regular file"):
        note_text(blueprints.load(tmp_path), Draft("Lead Sync", "seam", ("head",)), dt.date(2026, 11, 25), tmp_path)


@pytest.mark.parametrize("kind", SPECIALS)
def test_a_device_or_pipe_as_the_activity_log_or_the_as_of_day_reads_as_none(tmp_path, kind):
    _place(tmp_path, activity.LOG_PATH, kind)
    _place(tmp_path, clock.AS_OF_PATH, kind)
    assert activity.read_from(tmp_path, 0) == ([], 0)
    assert activity.read(tmp_path) == []
    assert clock.vault_day(tmp_path) is None


def test_a_long_activity_log_is_read_a_piece_at_a_time_and_a_line_past_any_entry_is_passed_over(tmp_path, monkeypatch):
    monkeypatch.setattr(activity, "READ_AT_ONCE", 4096)
    for i in range(100):
        activity.record(tmp_path, "app", "created", f"n{i}.md", f"Note {i}")
    log = tmp_path / activity.LOG_PATH
    with open(log, "ab") as out:
        out.write(b"x" * 10_000 + b"\n")
    activity.record(tmp_path, "app", "created", "last.md", "Last")
    entries, end = activity.read_from(tmp_path, 0)
    assert 0 < len(entries) < 100 and end <= 4096, "one piece at a time"
    assert [e.path for e in activity.read(tmp_path)] == [f"n{i}.md" for i in range(100)] + ["last.md"]


def test_the_reader_reads_at_most_one_byte_past_its_limit(tmp_path):
    path = write(tmp_path, "x", "a" * 10)
    assert read_config_file(path, 10) == b"a" * 10
    with pytest.raises(ConfigUnreadable, match="larger than"):
        read_config_file(path, 9)
    assert read_config_file(path, 4, offset=2, cut=True) == b"aaaa"
    with pytest.raises(FileNotFoundError):
        read_config_file(tmp_path / "nothing", 10)
