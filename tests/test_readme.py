"""The README's command-line examples are true: each `$ substrate …` line in its console blocks is run on
the sample brain, and what it prints is what the README shows (a timing may differ; a line ending in
"…" is the start of what is printed; a line that is only "…" stands for the rest)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.store.test_cli import SCRIPT

ROOT = Path(__file__).resolve().parents[1]
TIMING = re.compile(r"\d+(\.\d+)? (s|ms)\b")


def console_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, the lines the README says it prints) for each `$ ` line of each console block."""
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            elif examples:
                examples[-1][1].append(line)
    return examples


def agrees(printed: list[str], shown: list[str]) -> bool:
    for at, line in enumerate(shown):
        if line.strip() == "…":
            return True
        if at >= len(printed):
            return False
        said = TIMING.sub("T", printed[at].rstrip())
        line = TIMING.sub("T", line.rstrip())
        if not (said == line or (line.endswith("…") and said.startswith(line[:-1]))):
            return False
    return len(printed) == len(shown)


EXAMPLES = console_examples((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_command_line_examples():
    assert [command.split()[:2] for command, _shown in EXAMPLES][:2] == [["substrate", "index"], ["substrate", "search"]]


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[command for command, _shown in EXAMPLES])
def test_each_readme_example_prints_what_the_readme_shows(command, shown, tmp_path):
    shutil.copytree(ROOT / "resources" / "sample-brain", tmp_path / "resources" / "sample-brain")
    args = shlex.split(command)
    assert args[0] == "substrate"
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "100"}
    done = subprocess.run([str(SCRIPT), *args[1:]], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert agrees(printed, shown), "\n".join(["README:", *shown, "printed:", *printed])
