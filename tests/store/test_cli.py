"""The real `substrate` console script, run as a user would."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import write

SCRIPT = Path(sys.executable).with_name("substrate")
if not SCRIPT.exists():
    SCRIPT = Path(shutil.which("substrate") or "substrate")


def run(*args, env_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(env_dir), "COLUMNS": "200"}
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def small_vault(vault):
    write(vault, "systems/Salesforce.md", '---\ntype: system\naliases: [SFDC]\nowner: "[[Dana Ruiz]]"\n---\nThe CRM of record.\n')
    write(vault, "people/Dana Ruiz.md", "---\ntype: person\n---\nRuns marketing ops.\n")
    write(vault, "seams/HubSpot to Salesforce.md", "---\ntype: seam\nfrom: '[[HubSpot]]'\nto: '[[SFDC]]'\n---\nLead sync every 15 minutes.\n")
    write(vault, "broken.md", "---\nowner: [oops\n---\nbody\n")
    return vault


def test_index_prints_one_summary_line(small_vault, tmp_path):
    out = run("index", small_vault, env_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"Indexed vault: 4 notes, 3 links, 1 unresolved link, 1 problem, \d+\.\d\d s", lines[0])
    assert list((tmp_path / "data" / "indexes").glob("vault-*.sqlite"))


def test_second_index_is_incremental_and_uses_the_db_option(small_vault, tmp_path):
    db = tmp_path / "chosen.sqlite"
    assert run("index", small_vault, "--db", db, env_dir=tmp_path / "data").returncode == 0
    again = run("index", small_vault, "--db", db, env_dir=tmp_path / "data")
    assert again.returncode == 0 and "4 notes" in again.stdout
    assert db.exists() and not (tmp_path / "data").exists()


def test_search_json_ranks_and_snippets(small_vault, tmp_path):
    out = run("search", small_vault, "lead sync", "--json", env_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["path"] == "seams/HubSpot to Salesforce.md"
    assert "\u00abLead\u00bb" in hits[0]["snippet"]
    text = run("search", small_vault, "CRM", env_dir=tmp_path)
    assert "1. Salesforce" in text.stdout


def test_show_json_has_fields_and_links_both_ways(small_vault, tmp_path):
    out = run("show", small_vault, "SFDC", "--json", env_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    note = json.loads(out.stdout)
    assert note["path"] == "systems/Salesforce.md" and note["owner"] == "Dana Ruiz"
    assert [(l["rel"], l["target_path"]) for l in note["links_out"]] == [("owner", "people/Dana Ruiz.md")]
    assert [(l["rel"], l["source"]) for l in note["links_in"]] == [("to", "seams/HubSpot to Salesforce.md")]
    text = run("show", small_vault, "Dana Ruiz", env_dir=tmp_path).stdout
    assert "Links in\n  Owns\n    systems/Salesforce.md" in text  # Salesforce's `owner`, read from Dana's side


def test_problems_lists_path_line_and_message(small_vault, tmp_path):
    out = run("problems", small_vault, env_dir=tmp_path)
    assert out.returncode == 0
    assert re.search(r"^broken\.md:\d: Front matter is not valid YAML", out.stdout, re.M)
    assert out.stdout.strip().endswith("1 problem.")
    data = json.loads(run("problems", small_vault, "--json", env_dir=tmp_path).stdout)
    assert data[0]["path"] == "broken.md"


@pytest.mark.parametrize(
    "args, expected",
    [
        (("index", "{tmp}/missing"), "does not exist"),
        (("index", "{vault}/broken.md"), "is a file"),
        (("index", "{vault}", "--db", "{vault}/broken.md/x.sqlite"), "Cannot use the index"),
        (("search", "{vault}", "x", "--limit", "0"), "Invalid value"),
        (("show", "{vault}", "No Such Note"), "No note named"),
        (("frobnicate",), "No such command"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(small_vault, tmp_path, args, expected):
    args = [a.format(tmp=tmp_path, vault=small_vault) for a in args]
    out = run(*args, env_dir=tmp_path / "data")
    assert out.returncode == 2
    assert expected in out.stderr
    assert "Traceback" not in out.stderr
    if expected not in ("Invalid value", "No such command"):
        assert len(out.stderr.strip().splitlines()) == 1


def test_engine_commands_never_load_qt():
    probe = "import sys, desktop.launcher, store.cli; assert not [m for m in sys.modules if m.startswith('PySide6')]"
    assert subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


def test_index_shows_a_progress_bar_on_a_terminal(small_vault, tmp_path):
    import pty

    controller, terminal = pty.openpty()
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path), "COLUMNS": "100", "TERM": "xterm"}
    with subprocess.Popen([str(SCRIPT), "index", str(small_vault)], stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL, env=env, text=True) as proc:
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            shown += chunk
        summary = proc.stdout.read()
    os.close(controller)
    assert proc.returncode == 0
    assert b"Indexing" in shown
    assert summary.startswith("Indexed vault: 4 notes")


@pytest.mark.parametrize("stop_signal", ["SIGTERM", "SIGINT"])
def test_watch_prints_json_lines_per_batch_and_stops_cleanly(small_vault, tmp_path, stop_signal):
    import queue
    import signal
    import threading
    import time

    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([str(SCRIPT), "watch", str(small_vault), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, text=True)
    lines: queue.Queue = queue.Queue()
    errors: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("Watching" in e for e in errors):
            assert time.monotonic() < deadline and proc.poll() is None, errors
            time.sleep(0.05)
        temp = small_vault / ".tmp-save"
        temp.write_text("---\ntype: system\n---\nSaved from an editor [[HubSpot]]\n", encoding="utf-8")
        os.replace(temp, small_vault / "systems/Salesforce.md")
        record = json.loads(lines.get(timeout=30))
        assert record["changed"] == ["systems/Salesforce.md"]
        assert {"added", "removed", "renamed", "milliseconds"} <= set(record)
    finally:
        proc.send_signal(getattr(signal, stop_signal))  # SIGINT is what Ctrl+C sends
        proc.wait(timeout=30)
    reader.join(5)
    assert proc.returncode == 0
    assert "Stopped." in "".join(errors) and "Traceback" not in "".join(errors)


def test_export_stops_on_secrets_then_import_plans_and_writes(small_vault, tmp_path):
    write(small_vault, "people/Dana Ruiz.md", "---\ntype: person\n---\nRuns marketing ops. password: hunter2hunter2\n")
    bundle = tmp_path / "out.zip"
    stopped = run("export", small_vault, "--scope", "type:person", "--out", bundle, env_dir=tmp_path / "data")
    assert stopped.returncode == 2 and "password or secret" in stopped.stderr and "hunter2hunter2" not in stopped.stderr
    assert not bundle.exists()
    done = run("export", small_vault, "--scope", "note:Salesforce:1", "--out", bundle, "--exclude", "people/Dana Ruiz.md", env_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and "2 notes" in done.stdout
    team = tmp_path / "team"
    team.mkdir()
    plan = run("import", bundle, team, "--dry-run", "--json", env_dir=tmp_path / "data")
    assert json.loads(plan.stdout) == {"new": ["seams/HubSpot to Salesforce.md", "systems/Salesforce.md"], "identical": [], "conflicts": [], "name_taken": []}
    assert not (team / "systems").exists()
    imported = run("import", bundle, team, env_dir=tmp_path / "data")
    assert imported.returncode == 0 and "2 new notes" in imported.stdout
    assert (team / "systems/Salesforce.md").read_bytes() == (small_vault / "systems/Salesforce.md").read_bytes()
    refused = run("import", write(tmp_path, "fake.zip", b"no"), team, env_dir=tmp_path / "data")
    assert refused.returncode == 2 and "not a bundle" in refused.stderr


# --- nothing but a note write lands in the vault (RELIABILITY.md, "Names, paths and outputs")


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every name in `folder` with its bytes (or where a link points): what a person would see changed."""
    return {p.relative_to(folder).as_posix(): os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else "folder"
            for p in sorted(folder.rglob("*"))}


def test_export_never_writes_into_the_vault_even_with_force(small_vault, tmp_path):
    before = snapshot(small_vault)
    (tmp_path / "shortcut.zip").symlink_to(small_vault / "people/Dana Ruiz.md")  # a way in from outside
    for out in ("systems/Salesforce.md", "bundle.zip", "../shortcut.zip"):
        for force in ((), ("--force",)):
            refused = run("export", small_vault, "--out", small_vault / out, *force, env_dir=tmp_path / "data")
            assert refused.returncode == 2 and "is inside the vault" in refused.stderr and "Choose a place outside" in refused.stderr
            assert "Traceback" not in refused.stderr
    assert snapshot(small_vault) == before


def test_export_keeps_an_existing_file_unless_forced(small_vault, tmp_path):
    kept = write(tmp_path, "Quarterly plan.zip", b"someone's own archive")
    refused = run("export", small_vault, "--out", kept, env_dir=tmp_path / "data")
    assert refused.returncode == 2 and "already exists and was left as it is" in refused.stderr and "--force" in refused.stderr
    assert kept.read_bytes() == b"someone's own archive"
    forced = run("export", small_vault, "--out", kept, "--force", "--allow-secrets", env_dir=tmp_path / "data")
    assert forced.returncode == 0, forced.stderr
    assert kept.read_bytes()[:2] == b"PK"


def test_an_index_is_never_put_in_the_vault_and_never_moves_a_note(small_vault, tmp_path):
    before = snapshot(small_vault)
    for db in ("systems/Salesforce.md", ".index.sqlite", "people/new/index.sqlite"):
        for command in ("index", "search"):
            args = ("search", small_vault, "x") if command == "search" else (command, small_vault)
            refused = run(*args, "--db", small_vault / db, env_dir=tmp_path / "data")
            assert refused.returncode == 2 and "is inside the vault" in refused.stderr, refused.stderr
            assert "untouched" not in refused.stderr and "set aside" not in refused.stderr
    assert snapshot(small_vault) == before


def test_an_index_never_takes_the_place_of_a_file_that_is_not_one(small_vault, tmp_path):
    import sqlite3

    document = write(tmp_path, "Budget.md", "# Budget\n")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE expenses (amount)")
    db.close()
    others = other.read_bytes()
    for path, words in ((document, "not a Substrate index"), (other, "another program's database")):
        refused = run("index", small_vault, "--db", path, env_dir=tmp_path / "data")
        assert refused.returncode == 2 and words in refused.stderr and "left as it is" in refused.stderr, refused.stderr
    assert document.read_text() == "# Budget\n" and other.read_bytes() == others
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Budget.md", "other.sqlite", "vault"]
    served = run("mcp", small_vault, "--db", document, env_dir=tmp_path / "data")
    assert served.returncode == 2 and "not a Substrate index" in served.stderr


def test_a_damaged_index_of_ours_at_db_is_still_set_aside_and_rebuilt(small_vault, tmp_path):
    db = tmp_path / "chosen.sqlite"
    assert run("index", small_vault, "--db", db, env_dir=tmp_path / "data").returncode == 0
    with open(db, "r+b") as handle:  # its header stays: recognisably a Substrate index, damaged
        handle.seek(100)
        handle.write(b"\xff" * 4096)
    again = run("index", small_vault, "--db", db, env_dir=tmp_path / "data")
    assert again.returncode == 0 and "set aside" in again.stderr and "4 notes" in again.stdout, again.stderr


def test_an_index_of_ours_that_lost_its_meta_table_at_db_is_rebuilt_not_refused(small_vault, tmp_path):
    db = tmp_path / "chosen.sqlite"
    assert run("index", small_vault, "--db", db, env_dir=tmp_path / "data").returncode == 0
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TABLE meta")
    again = run("search", small_vault, "CRM", "--db", db, env_dir=tmp_path / "data")
    assert again.returncode == 0 and "another program's database" not in again.stderr, again.stderr
    assert "Salesforce" in again.stdout  # mended or set aside and rebuilt: either way, answered
