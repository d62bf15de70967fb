"""Which files are notes, and reading them: NOTE-FORMAT "Files" and RELIABILITY "Parsing"."""

from __future__ import annotations

import os
import time

import pytest

from store.errors import VaultIsAFile, VaultNotFound
from store.vault import MAX_NOTE_BYTES, Vault, decode
from tests.conftest import rows, write


def test_notes_are_md_files_in_any_case_and_dot_folders_are_skipped(vault):
    write(vault, "a.md", "")
    write(vault, "B.MD", "")
    write(vault, "sub/c.Md", "")
    write(vault, "image.png", "")
    write(vault, "readme.txt", "")
    for hidden in (".git/x.md", ".obsidian/y.md", ".substrate/z.md", ".trash/old.md", "sub/.hidden/w.md"):
        write(vault, hidden, "")
    assert sorted(Vault(vault).scan()) == ["B.MD", "a.md", "sub/c.Md"]


def test_substrateignore_uses_gitignore_syntax(vault):
    write(vault, ".substrateignore", "# drafts are private\ndrafts/\n*.tmp.md\n!keep.tmp.md\narchive/**/old-*.md\n")
    for rel in ("drafts/x.md", "notes/y.tmp.md", "keep.tmp.md", "archive/2023/old-plan.md", "archive/2023/plan.md", "z.md"):
        write(vault, rel, "")
    assert sorted(Vault(vault).scan()) == ["archive/2023/plan.md", "keep.tmp.md", "z.md"]
    assert not Vault(vault).is_note_path("drafts/new.md")


def test_identity_is_the_relative_path_with_slashes(vault, brain):
    write(vault, "systems/crm/Salesforce.md", "")
    brain.refresh()
    assert rows(brain, "SELECT path FROM notes") == [("systems/crm/Salesforce.md",)]


def test_missing_vault_and_file_as_vault_are_clear_errors(tmp_path):
    with pytest.raises(VaultNotFound, match="does not exist"):
        Vault(tmp_path / "nowhere")
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(VaultIsAFile, match="is a file"):
        Vault(tmp_path / "file.md")


def test_symlinks_out_of_the_vault_loops_and_dangling_links_are_not_followed(vault, tmp_path):
    outside = tmp_path / "outside"
    write(outside, "secret.md", "do not index")
    write(vault, "inside.md", "")
    (vault / "out-dir").symlink_to(outside)
    (vault / "out-file.md").symlink_to(outside / "secret.md")
    (vault / "loop").symlink_to(vault)
    (vault / "sub").mkdir()
    (vault / "sub" / "up").symlink_to(vault / "sub")
    (vault / "dangling.md").symlink_to(tmp_path / "gone.md")
    started = time.perf_counter()
    found = Vault(vault).scan()
    assert time.perf_counter() - started < 5
    assert sorted(found) == ["inside.md"]


def test_bom_is_dropped_and_crlf_and_cr_read_as_lf_without_problems():
    text, problems = decode(b"\xef\xbb\xbf---\r\ntype: system\r\n---\rbody\r")
    assert text == "---\ntype: system\n---\nbody\n"
    assert problems == ()


def test_invalid_utf8_is_replaced_and_reported_with_its_line(vault, brain):
    write(vault, "n.md", b"ok line\nbad \xff\xfe byte [[Link]]\n")
    brain.refresh()
    assert rows(brain, "SELECT target FROM links") == [("Link",)]
    [(line, message)] = rows(brain, "SELECT line, message FROM problems")
    assert line == 2 and "not valid UTF-8" in message
    assert "\ufffd" in rows(brain, "SELECT body FROM notes")[0][0]


def test_utf16_is_decoded_and_reported(vault, brain):
    write(vault, "bom.md", "---\ntype: system\n---\n[[CRM]]\n".encode("utf-16"))
    write(vault, "nobom.md", "plain [[CRM]]\n".encode("utf-16-le"))
    brain.refresh()
    assert rows(brain, "SELECT path, type FROM notes ORDER BY path") == [("bom.md", "system"), ("nobom.md", "note")]
    assert rows(brain, "SELECT source FROM links ORDER BY source") == [("bom.md",), ("nobom.md",)]
    assert all("UTF-16" in m for (m,) in rows(brain, "SELECT message FROM problems"))


def test_nul_bytes_are_replaced_and_reported(vault, brain):
    write(vault, "n.md", b"before\x00after [[X]]\n")
    brain.refresh()
    assert rows(brain, "SELECT target FROM links") == [("X",)]
    assert "NUL" in rows(brain, "SELECT message FROM problems")[0][0]


def test_png_named_md_huge_file_and_fifo_are_skipped_with_a_problem(vault, brain):
    write(vault, "image.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with open(vault / "huge.md", "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB without writing them
    os.mkfifo(vault / "pipe.md")
    write(vault, "fine.md", "[[Still Indexed]]\n")
    started = time.perf_counter()
    brain.refresh()
    assert time.perf_counter() - started < 10
    assert rows(brain, "SELECT path FROM notes") == [("fine.md",)]
    problems = dict(rows(brain, "SELECT path, message FROM problems"))
    assert "not a text file" in problems["image.md"]
    assert f"{MAX_NOTE_BYTES // 1_048_576} MB limit" in problems["huge.md"]
    assert "Not a regular file" in problems["pipe.md"]
    assert brain.read.summary().skipped == 3
