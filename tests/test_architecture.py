"""The store/desktop boundary, enforced by import-linter rather than by review."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    """The engine never imports Qt; agents, the app and the command line read through one reader;
    the engine's modules import one another without cycles (pyproject.toml lists each contract)."""
    lint = Path(sys.executable).with_name("lint-imports")
    command = [str(lint)] if lint.exists() else [shutil.which("lint-imports") or "lint-imports"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    contracts = (ROOT / "pyproject.toml").read_text(encoding="utf-8").count("[[tool.importlinter.contracts]]")
    assert f"Contracts: {contracts} kept, 0 broken" in out.stdout, out.stdout


def test_only_the_clock_asks_what_day_it_is():
    """Every "what day / what time is it" goes through store/clock.py, so tests and the sample
    brain can fix the day and every day is counted in one time zone rule."""
    asking = re.compile(r"\b(date|datetime)\s*\.\s*(today|now|utcnow)\s*\(")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for folder in ("store", "desktop") for path in sorted((ROOT / folder).rglob("*.py"))
             if path != ROOT / "store" / "clock.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if asking.search(line)]
    assert found == [], "ask store.clock (today(), now_utc(), now_local()) instead:\n" + "\n".join(found)


def test_the_desktop_reads_the_brain_through_the_store_not_with_sql_of_its_own():
    root = Path(__file__).resolve().parents[1] / "desktop"
    sql = re.compile(r"\.execute\(|\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b")
    found = [f"{path.relative_to(root.parent)}:{number}" for path in sorted(root.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if sql.search(line)]
    assert found == [], "SQL in desktop/: give store/query.py a function and call it"


def _modules(folder: str):
    import ast

    for path in sorted((ROOT / folder).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_the_commands_share_only_public_names():
    """A command module takes what it shares from store/cli/group.py by public name, so a helper can be
    renamed in one file without breaking another's commands."""
    import ast

    found = [f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name} from {node.module}"
             for path, tree in _modules("store/cli") for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("store")
             for alias in node.names if alias.name.startswith("_")]
    assert found == [], "make it public in the module it comes from:\n" + "\n".join(found)


def test_every_error_a_user_can_cause_is_defined_in_store_errors():
    """One file lists what can go wrong for a user, each with its message: an error class defined
    elsewhere in store/ on top of SubstrateError (or one of its kind) belongs in store/errors.py."""
    import ast

    from store import errors

    ours = {name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, errors.SubstrateError)}
    found = [f"{path.relative_to(ROOT)}:{node.lineno}: class {node.name}"
             for path, tree in _modules("store") if path.name != "errors.py" for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef)
             and any((base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")) in ours for base in node.bases)]
    assert found == [], "move these to store/errors.py:\n" + "\n".join(found)


def test_the_desktop_reads_the_brain_only_through_its_reader():
    """One blueprint, one coverage report, one answer: the desktop never loads a blueprint, keeps a
    coverage report of its own, opens the index or hands a connection to a store query."""
    root = Path(__file__).resolve().parents[1] / "desktop"
    own = re.compile(r"\bblueprints?\.load\(|\bCoverageKeeper\b|\.db\(\)|\bquery\.\w+\(|\bread_graph\(|\bopen_simulation\(|"
                     r"\bsnapshot\(db|\bsummarise\(|from store\.coverage_facts import|from store\.index import")
    found = [f"{path.relative_to(root.parent)}:{number}: {line.strip()}" for path in sorted(root.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if own.search(line)]
    assert found == [], "ask the session's BrainReader (store/reader.py) instead:\n" + "\n".join(found)


# A word made plural by hand: `note{'s' if n != 1 else ''}`, `{word}s`, `'' if n == 1 else 's'`, or a count
# written straight before a plural noun (`{n} notes`): each says "1 notes" one day.
HAND_MADE_PLURAL = re.compile(
    r"""(['"])s\1\s+if\b|\belse\s+(['"])s\2|\{[^{}]*\}s\b|\bdef\s+plural|\bplural\s*=\s*lambda"""
    r"""|\{(len\([^()]*\)|[\w.]+)(:,)?\}\s+(notes|problems|links|steps|refs|points(?! at)|pts|snapshots|orphans|runs|fixes|events|people|known unknowns)\b"""
)
# A table of words or colours for the states, places, risks or decisions, the score's colour scale or the
# app's version written out, anywhere but store/words.py.
VOCABULARY_TABLE = re.compile(
    r"""^\s*_?[A-Z_]*(STATE|PLACE|RISK|DECISION)S?_(WORDS|COLOU?RS|ORDER|STYLE|LABELS)\s*=\s*[{(\[]|^\s*(STATES|PLACES|RISKS|DECISIONS|RISK_ORDER|LIVES_IN)\s*=\s*[{(]"""
    r"""|["'](covered|known_unknown|trapped|proceed|head)["']\s*:\s*["']#[0-9a-fA-F]{6}"""
    r"""|^\s*def\s+score_hex\b|^\s*VERSION\s*=\s*["']\d"""
)


def _lines_outside_words(pattern: re.Pattern) -> list[str]:
    words = ROOT / "store" / "words.py"
    return [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for folder in ("store", "desktop") for path in sorted((ROOT / folder).rglob("*.py")) if path != words
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line) and not line.lstrip().startswith("#")]


def test_counted_phrases_are_made_in_one_place():
    found = _lines_outside_words(HAND_MADE_PLURAL)
    assert found == [], "say a count with store.words.counted(n, word) (or agreeing):\n" + "\n".join(found)


def test_state_place_risk_and_decision_words_and_colours_are_defined_once():
    found = _lines_outside_words(VOCABULARY_TABLE)
    assert found == [], "read them from store.words (STATES, PLACES, RISKS, DECISIONS, score_hex, app_version):\n" + "\n".join(found)
