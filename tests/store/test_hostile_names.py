"""RELIABILITY.md "Names, paths and outputs": a file or folder name may hold any bytes the filesystem
allows, and a folder may be unreadable. Such a name is listed as a problem (skipped, never indexed
under a name SQLite cannot store); everything else keeps working; whatever prints a name shows it
harmlessly."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from store.display import printable
from store.watch import Watcher
from tests.conftest import rows, write
from tests.store.test_cli import SCRIPT, run
from tests.store.test_watch import wait_until

BAD_FILE = b"bad\xffname.md"
BAD_FOLDER = b"bad\xfedir"
# What a terminal must never receive from a name: ESC (escape sequences), CR (rewrites the line),
# bidi overrides (show a name reversed), undecodable bytes as surrogates.
RAW = re.compile("[\x1b\r\u202e\u2066-\u2069\ud800-\udfff]")


def bad_vault(vault: Path) -> Path:
    """A vault with one good note, one note whose name is not UTF-8, and a note in a folder whose name is not."""
    write(vault, "good.md", "# Good note\n\nAbout lead routing.\n")
    with open(os.fsencode(vault) + b"/" + BAD_FILE, "w") as handle:
        handle.write("# x\n")
    os.mkdir(os.fsencode(vault) + b"/" + BAD_FOLDER)
    with open(os.fsencode(vault) + b"/" + BAD_FOLDER + b"/inside.md", "w") as handle:
        handle.write("# inside\n")
    return vault


def assert_clean(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


# --- case 1: undecodable names ---------------------------------------------------------------------


def test_an_undecodable_file_or_folder_name_is_a_problem_and_the_rest_indexes(vault, brain):
    bad_vault(vault)
    brain.refresh()
    assert rows(brain, "SELECT path FROM notes") == [("good.md",)]
    problems = {p.path: p.message for p in brain.read.problems()}
    assert set(problems) == {"bad\\xffname.md", "bad\\xfedir/"}
    assert "not valid UTF-8" in problems["bad\\xffname.md"] and "rename it" in problems["bad\\xffname.md"]
    assert "notes in it are not indexed" in problems["bad\\xfedir/"]
    brain.refresh()  # a second scan neither duplicates nor loses them
    assert len(brain.read.problems()) == 2
    os.rename(os.fsencode(vault) + b"/" + BAD_FILE, os.fsencode(vault) + b"/renamed.md")
    os.rename(os.fsencode(vault) + b"/" + BAD_FOLDER, os.fsencode(vault) + b"/fixed")
    brain.refresh()
    assert {p for (p,) in rows(brain, "SELECT path FROM notes")} == {"good.md", "renamed.md", "fixed/inside.md"}
    assert brain.read.problems() == []


def test_refreshing_an_undecodable_path_leaves_it_to_the_rescan(vault, brain):
    bad_vault(vault)
    brain.refresh_paths([os.fsdecode(BAD_FILE), "good.md"])  # what a watcher event names
    assert rows(brain, "SELECT path FROM notes") == [("good.md",)]


def test_every_command_works_on_a_vault_with_an_undecodable_name(vault, tmp_path):
    bad_vault(vault)
    data = tmp_path / "data"
    indexed = run("index", vault, env_dir=data)
    assert_clean(indexed)
    assert "1 note," in indexed.stdout and "2 problems" in indexed.stdout
    found = run("search", vault, "lead routing", env_dir=data)
    assert_clean(found)
    assert "Good note" in found.stdout
    listed = run("problems", vault, env_dir=data)
    assert_clean(listed)
    assert "bad\\xffname.md: " in listed.stdout and "bad\\xfedir/: " in listed.stdout
    as_json = json.loads(run("problems", vault, "--json", env_dir=data).stdout)
    assert {p["path"] for p in as_json} == {"bad\\xffname.md", "bad\\xfedir/"}
    assert_clean(run("coverage", vault, env_dir=data))
    exported = run("export", vault, "--out", tmp_path / "out.zip", env_dir=data)
    assert_clean(exported)
    assert "1 note (" in exported.stdout


def test_the_mcp_server_serves_a_vault_with_an_undecodable_name(vault, tmp_path):
    bad_vault(vault)
    params = StdioServerParameters(command=str(SCRIPT), args=["mcp", str(vault)],
                                   env={**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")})

    async def conversation():
        async with stdio_client(params, errlog=open(tmp_path / "mcp.err", "w")) as (read, send):
            async with ClientSession(read, send) as session:
                await session.initialize()
                found = await session.call_tool("search", {"text": "lead routing"})
                note = await session.call_tool("get_note", {"note": "good.md"})
                return found, note

    found, note = asyncio.run(asyncio.wait_for(conversation(), timeout=60))
    assert not found.isError and [h["path"] for h in found.structuredContent["results"]] == ["good.md"]
    assert not note.isError
    assert "Traceback" not in (tmp_path / "mcp.err").read_text()


def read_index(db: Path, sql: str, params=()) -> list[tuple]:
    """What `substrate watch` has written so far (nothing while it is still creating the file)."""
    if not db.exists():
        return []
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # the schema is not written yet
        return []
    finally:
        conn.close()


def index_paths(db: Path) -> set[str]:
    return {p for (p,) in read_index(db, "SELECT path FROM notes")}


def index_body(db: Path, path: str) -> str | None:
    found = read_index(db, "SELECT body FROM notes WHERE path = ?", [path])
    return found[0][0] if found else None


def test_substrate_watch_keeps_applying_changes_after_an_undecodable_name_comes_and_goes(vault, tmp_path):
    write(vault, "good.md", "first\n")
    db = tmp_path / "index.sqlite"
    env = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    watching = subprocess.Popen([str(SCRIPT), "watch", str(vault), "--db", str(db)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: index_body(db, "good.md") == "first\n", message="the first index")
        bad = os.fsencode(vault) + b"/" + BAD_FILE
        with open(bad, "w") as handle:
            handle.write("# x\n")
        write(vault, "good.md", "second\n")
        wait_until(lambda: index_body(db, "good.md") == "second\n", message="an edit after the bad name appeared")
        write(vault, "new.md", "# New\n")
        wait_until(lambda: "new.md" in index_paths(db), message="a new note after the bad name appeared")
        os.remove(bad)
        write(vault, "good.md", "third\n")
        wait_until(lambda: index_body(db, "good.md") == "third\n", message="an edit after the bad name went")
        assert watching.poll() is None
    finally:
        watching.send_signal(signal.SIGTERM)
        out, err = watching.communicate(timeout=30)
    assert "Traceback" not in err, err
    assert "what could not be indexed changed (substrate problems lists it)" in out, out


def test_the_watcher_lists_an_undecodable_name_as_a_problem_and_drops_it_when_deleted(vault, tmp_path):
    from store.brain import Brain

    write(vault, "good.md", "first\n")
    brain = Brain(vault, tmp_path / "index.sqlite")
    applied = []
    watcher = Watcher(brain, applied.append, quiet=0.05, max_delay=0.5)
    watcher.start()
    reader = brain.read.db()
    problems = lambda: [p for (p,) in reader.execute("SELECT path FROM problems").fetchall()]  # noqa: E731
    try:
        bad = os.fsencode(vault) + b"/" + BAD_FILE
        with open(bad, "w") as handle:
            handle.write("# x\n")
        wait_until(lambda: problems() == ["bad\\xffname.md"], message="the problem listed")
        os.remove(bad)
        wait_until(lambda: problems() == [], message="the problem gone with the file")
        write(vault, "good.md", "second\n")
        wait_until(lambda: reader.execute("SELECT body FROM notes").fetchone()[0] == "second\n", message="a later edit")
        assert watcher.error is None
    finally:
        watcher.stop()
        reader.close()
        brain.close()


# --- case 2: names that would act on a terminal ----------------------------------------------------

HOSTILE = ["red\x1b[31mname.md", "two\nlines.md", "back\rover.md", "rev\u202eerse.md"]


def test_names_with_escapes_newlines_and_bidi_marks_print_harmlessly(vault, tmp_path):
    for name in HOSTILE:
        write(vault, name, f"---\nowner: [oops\n---\n# T\x1bitle {name}\n\nlead routing {name}\n")
    data = tmp_path / "data"
    outputs = [run("index", vault, env_dir=data), run("problems", vault, env_dir=data),
               run("search", vault, "lead routing", env_dir=data), run("problems", vault, "--json", env_dir=data),
               run("search", vault, "lead routing", "--json", env_dir=data), run("coverage", vault, env_dir=data),
               run("show", vault, HOSTILE[0], env_dir=data)]
    for result in outputs:
        assert_clean(result)
        assert not RAW.search(result.stdout + result.stderr), (result.args, result.stdout)
    shown = outputs[1].stdout
    assert "red\\x1b[31mname.md" in shown and "rev\\u202eerse.md" in shown and "two\\x0alines.md" in shown
    assert {p["path"] for p in json.loads(outputs[3].stdout)} == set(HOSTILE)  # JSON keeps the exact names


def test_an_error_naming_a_hostile_path_prints_harmlessly(tmp_path):
    hostile = tmp_path / "gone\x1b[2J\u202eher"  # a vault path pasted from anywhere
    shown = run("index", hostile, env_dir=tmp_path / "data")
    assert shown.returncode == 2 and "Error: No vault at" in shown.stderr
    assert "gone\\x1b[2J\\u202eher" in shown.stderr and not RAW.search(shown.stderr)


# --- case 4: folders that cannot be read ---------------------------------------------------------


def test_a_folder_substrate_cannot_read_is_listed_as_a_problem():
    """chmod 000 does not bite for root: then the scan runs in a subprocess that imports Substrate as
    root (the interpreter lives in root's home) and drops to user `nobody` before it reads the vault."""
    import pwd

    drop = ""
    if os.geteuid() == 0:
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no user `nobody` to drop to: chmod 000 cannot bite")
        drop = f"os.setgroups([]); os.setgid({nobody.pw_gid}); os.setuid({nobody.pw_uid})\n"
    base = Path(tempfile.mkdtemp(prefix="substrate-unreadable-"))  # tmp_path is private to root
    try:
        base.chmod(0o777)
        vault = base / "vault"
        write(vault, "open.md", "# Open\n")
        write(vault, "locked/secret.md", "# Secret\n")
        write(vault, "closed.md", "# Closed\n")
        for folder in (vault, vault / "locked"):
            folder.chmod(0o755)
        (vault / "open.md").chmod(0o644)
        (vault / "closed.md").chmod(0o000)
        (vault / "locked").chmod(0o000)
        code = (
            "import os, sys\nfrom store.brain import Brain\n" + drop +
            "with Brain(sys.argv[1], sys.argv[2]) as b:\n"
            "    b.refresh(); print(repr(sorted(p for (p,) in b.index.db.execute('SELECT path FROM notes'))))\n"
            "    print(repr([(p.path, p.message) for p in b.read.problems()]))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(vault), str(base / "index.sqlite")], capture_output=True, text=True,
            timeout=60, cwd=Path(__file__).parents[2], env={**os.environ, "SUBSTRATE_DATA_DIR": str(base / "data")},
        )
        assert result.returncode == 0, result.stderr
        notes, problems = result.stdout.splitlines()
        assert eval(notes) == ["open.md"]
        problems = dict(eval(problems))
        assert set(problems) == {"locked/", "closed.md"}
        assert "cannot read this folder" in problems["locked/"] and "Permission denied" in problems["locked/"]
        assert all("fix its permissions" in message for message in problems.values()), problems
    finally:
        (base / "vault" / "locked").chmod(0o755)
        shutil.rmtree(base)
