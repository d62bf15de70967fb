"""The store/desktop boundary, enforced by import-linter rather than by review."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_store_never_imports_qt_or_desktop_and_the_desktop_never_the_database():
    lint = Path(sys.executable).with_name("lint-imports")
    command = [str(lint)] if lint.exists() else [shutil.which("lint-imports") or "lint-imports"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 broken" in out.stdout
    for contract in ("The engine (store) never imports Qt or the desktop KEPT", "The desktop never opens the database itself KEPT"):
        assert contract in out.stdout, out.stdout


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


def test_the_desktop_reads_the_brain_only_through_its_reader():
    """One blueprint, one coverage report, one answer: the desktop never loads a blueprint, keeps a
    coverage report of its own, opens the index or hands a connection to a store query."""
    root = Path(__file__).resolve().parents[1] / "desktop"
    own = re.compile(r"\bblueprints?\.load\(|\bCoverageKeeper\b|\.db\(\)|\bquery\.\w+\(|\bread_graph\(|\bopen_simulation\(|"
                     r"\bsnapshot\(db|\bsummarise\(|from store\.coverage_facts import|from store\.index import")
    found = [f"{path.relative_to(root.parent)}:{number}: {line.strip()}" for path in sorted(root.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if own.search(line)]
    assert found == [], "ask the session's BrainReader (store/reader.py) instead:\n" + "\n".join(found)
