"""Saving a note (RELIABILITY.md, "Saving a note"): exactly the old or the new bytes whatever happens,
the file's mode kept, no temporary files left, an external change caught by content even when its
size and mtime match."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from store.errors import ChangedOnDisk, OutsideVault, SaveFailed
from store.safe_write import digest, read_with_digest, replace, sweep_leftovers, write_new

OLD = b"---\ntype: seam\n---\n# Old\n" + b"o" * 3_000_000
NEW = b"---\ntype: seam\n---\n# New\n" + b"n" * 3_000_000

SAVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from store.safe_write import read_with_digest, replace
    target = Path(sys.argv[1])
    old, new = Path(sys.argv[2]).read_bytes(), Path(sys.argv[3]).read_bytes()
    print("ready", flush=True)
    while True:
        data, opened = read_with_digest(target)
        replace(target, new if data == old else old, opened, target.parent)
""")


def test_a_save_replaces_the_bytes_and_keeps_the_mode(tmp_path):
    note = tmp_path / "Seam.md"
    note.write_bytes(OLD)
    os.chmod(note, 0o640)
    _, opened = read_with_digest(note)
    assert replace(note, NEW, opened, tmp_path) == digest(NEW)
    assert note.read_bytes() == NEW and stat.S_IMODE(note.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["Seam.md"]


def test_killed_before_during_and_after_a_save_the_note_is_whole(tmp_path):
    note, old, new = tmp_path / "vault" / "Seam.md", tmp_path / "old", tmp_path / "new"
    note.parent.mkdir()
    note.write_bytes(OLD)
    os.chmod(note, 0o640)
    old.write_bytes(OLD)
    new.write_bytes(NEW)
    for kill_after in [0.0, 0.003, 0.011, 0.02, 0.037, 0.05, 0.08, 0.13, 0.21, 0.34] * 2:
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(note), str(old), str(new)], stdout=subprocess.PIPE,
                                 cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
        assert saver.stdout.readline() == b"ready\n"
        time.sleep(kill_after)
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        saver.stdout.close()
        assert note.read_bytes() in (OLD, NEW)
        assert stat.S_IMODE(note.stat().st_mode) == 0o640
    leftovers = [p for p in note.parent.iterdir() if p.name != "Seam.md"]
    for path in leftovers:  # a save cut off mid-write leaves its temporary dot-file: swept on the next open
        os.utime(path, (time.time() - 120, time.time() - 120))
    assert sorted(sweep_leftovers(note.parent.parent)) == sorted(leftovers)
    assert [p.name for p in note.parent.iterdir()] == ["Seam.md"]


def test_a_fresh_temporary_file_is_left_alone(tmp_path):
    (tmp_path / ".substrate-abc.tmp").write_bytes(b"another save in progress")
    (tmp_path / ".substrate-old.tmp").write_bytes(b"cut off")
    os.utime(tmp_path / ".substrate-old.tmp", (time.time() - 120, time.time() - 120))
    (tmp_path / "Note.md").write_bytes(b"x")
    os.utime(tmp_path / "Note.md", (time.time() - 120, time.time() - 120))
    assert sweep_leftovers(tmp_path) == [tmp_path / ".substrate-old.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".substrate-abc.tmp", "Note.md"]


def test_a_change_on_disk_with_the_same_size_and_mtime_is_caught(tmp_path):
    note = tmp_path / "Seam.md"
    note.write_bytes(b"owner: Dana\n")
    _, opened = read_with_digest(note)
    before = note.stat()
    note.write_bytes(b"owner: Omar\n")  # same size
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime
    assert note.stat().st_size == before.st_size and note.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(ChangedOnDisk, match="changed by another program") as caught:
        replace(note, b"owner: Priya\n", opened, tmp_path)
    assert caught.value.current == b"owner: Omar\n" and note.read_bytes() == b"owner: Omar\n"
    note.unlink()
    with pytest.raises(ChangedOnDisk, match="was deleted"):
        replace(note, b"owner: Priya\n", opened, tmp_path)
    assert not note.exists()


def save_past_a_full_disk(note, vault) -> subprocess.CompletedProcess:
    """Save 100 KB over `note` in a process whose file-size limit makes the kernel refuse the write
    (EFBIG), as a full disk refuses with ENOSPC; it prints the SaveFailed message."""
    script = textwrap.dedent(f"""
        import resource, signal
        from pathlib import Path
        from store.errors import SaveFailed
        from store.safe_write import read_with_digest, replace
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        note = Path({str(note)!r})
        _, opened = read_with_digest(note)
        try:
            replace(note, b"x" * 100_000, opened, Path({str(vault)!r}))
        except SaveFailed as exc:
            print(exc)
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})


def test_a_full_disk_leaves_the_note_untouched_and_no_temporary_file(tmp_path):
    note = tmp_path / "Seam.md"
    note.write_bytes(b"small and safe\n")
    out = save_past_a_full_disk(note, note.parent)
    assert "was not saved" in out.stdout and "your edit is kept" in out.stdout, out.stderr
    assert note.read_bytes() == b"small and safe\n" and [p.name for p in tmp_path.iterdir()] == ["Seam.md"]


def test_a_new_note_never_replaces_a_file_that_appeared(tmp_path):
    (tmp_path / "Taken.md").write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        write_new(tmp_path / "Taken.md", b"ours")
    assert (tmp_path / "Taken.md").read_bytes() == b"theirs" and [p.name for p in tmp_path.iterdir()] == ["Taken.md"]
    with pytest.raises(SaveFailed):
        replace(tmp_path / "Missing" / "x.md", b"y", None, tmp_path)


# --- the note's identity (RELIABILITY.md, "Names, paths and outputs"): links, hard links, owner, attributes


def _vault_with(tmp_path, text=b"old\n"):
    vault = tmp_path / "vault"
    (vault / "systems").mkdir(parents=True)
    note = vault / "systems" / "Salesforce.md"
    note.write_bytes(text)
    return vault, note


def test_a_save_through_a_symbolic_link_writes_the_note_it_points_at(tmp_path):
    vault, note = _vault_with(tmp_path)
    link = vault / "CRM.md"
    link.symlink_to(Path("systems") / "Salesforce.md")
    _, opened = read_with_digest(link)
    replace(link, b"new\n", opened, vault)
    assert link.is_symlink() and os.readlink(link) == "systems/Salesforce.md"
    assert note.read_bytes() == b"new\n" and link.read_bytes() == b"new\n"
    assert sorted(p.name for p in note.parent.iterdir()) == ["Salesforce.md"] and sorted(p.name for p in vault.iterdir()) == ["CRM.md", "systems"]


def test_a_save_through_a_link_to_outside_the_vault_is_refused_and_writes_nothing(tmp_path):
    vault, _note = _vault_with(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"not a note\n")
    link = vault / "Escape.md"
    link.symlink_to(outside)
    folder_link = vault / "elsewhere"
    folder_link.symlink_to(tmp_path, target_is_directory=True)
    for target in (link, folder_link / "outside.md"):
        _, opened = read_with_digest(target)
        with pytest.raises(OutsideVault, match="outside the vault: Substrate only writes inside the vault, so nothing was saved"):
            replace(target, b"overwritten\n", opened, vault)
    assert outside.read_bytes() == b"not a note\n" and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside.md", "vault"]


def test_a_note_with_several_hard_links_keeps_them(tmp_path):
    vault, note = _vault_with(tmp_path)
    other = vault / "Salesforce (CRM).md"
    os.link(note, other)
    os.chmod(note, 0o640)
    _, opened = read_with_digest(note)
    replace(note, b"new and longer than before\n", opened, vault)
    assert note.read_bytes() == other.read_bytes() == b"new and longer than before\n"
    assert os.path.samefile(note, other) and note.stat().st_nlink == 2 and stat.S_IMODE(note.stat().st_mode) == 0o640
    _, opened = read_with_digest(other)
    replace(other, b"short\n", opened, vault)  # shorter: the old tail is cut off
    assert note.read_bytes() == b"short\n" and os.path.samefile(note, other)
    assert sorted(p.name for p in vault.rglob("*")) == ["Salesforce (CRM).md", "Salesforce.md", "systems"]  # no backup left


def test_a_full_disk_during_a_hard_linked_save_leaves_both_names_with_the_old_bytes(tmp_path):
    vault, note = _vault_with(tmp_path, b"small and safe\n")
    os.link(note, vault / "Also.md")
    out = save_past_a_full_disk(note, vault)
    assert "was not saved" in out.stdout and "your edit is kept" in out.stdout, out.stderr
    assert note.read_bytes() == (vault / "Also.md").read_bytes() == b"small and safe\n"
    assert sorted(p.name for p in vault.rglob("*")) == ["Also.md", "Salesforce.md", "systems"]


def test_a_save_keeps_the_notes_extended_attributes(tmp_path):
    vault, note = _vault_with(tmp_path)
    try:
        os.setxattr(note, "user.test", b"kept")
    except OSError as exc:
        pytest.skip(f"this file system keeps no user extended attributes ({exc.strerror})")
    _, opened = read_with_digest(note)
    replace(note, b"new\n", opened, vault)
    assert note.read_bytes() == b"new\n" and os.getxattr(note, "user.test") == b"kept"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner, which this test needs to set up")
def test_a_save_keeps_the_notes_owner_and_group(tmp_path):
    vault, note = _vault_with(tmp_path)
    os.chown(note, 65534, 65534)  # nobody:nogroup, not the saver
    _, opened = read_with_digest(note)
    replace(note, b"new\n", opened, vault)
    assert note.read_bytes() == b"new\n" and (note.stat().st_uid, note.stat().st_gid) == (65534, 65534)


@pytest.mark.skipif(os.geteuid() != 0, reason="setting up a note owned by root and a saver who is not needs root")
def test_a_saver_who_may_not_keep_the_owner_keeps_the_group_and_the_mode(tmp_path):
    """A shared vault: root's note, writable by the group `users` (100); `nobody`, a member, saves it.
    Only root may give a file away, so the note becomes nobody's, but it stays in its group, with its mode."""
    shared = Path(tempfile.mkdtemp(dir="/tmp"))  # pytest's own folder is closed to other users
    try:
        os.chmod(shared, 0o777)
        note = shared / "Seam.md"
        note.write_bytes(b"old\n")
        os.chown(note, 0, 100)
        os.chmod(note, 0o664)
        _, opened = read_with_digest(note)
        child = os.fork()  # the saver: this interpreter lives under /root, which nobody may enter to start another
        if child == 0:
            status = 1
            try:
                os.setgroups([100])
                os.setgid(65534)
                os.setuid(65534)
                replace(note, b"new\n", opened, shared)
                status = 0
            finally:
                os._exit(status)
        assert os.waitpid(child, 0)[1] == 0
        assert note.read_bytes() == b"new\n"
        assert (note.stat().st_uid, note.stat().st_gid, stat.S_IMODE(note.stat().st_mode)) == (65534, 100, 0o664)
    finally:
        shutil.rmtree(shared)


def test_killed_during_hard_linked_saves_every_name_is_whole(tmp_path):
    """Each name is renamed onto a whole file, never written into: a kill at any moment leaves every
    name with exactly the old or the new bytes (a kill part way through a large write() into the file
    tore it: seen in CI). A kill between the two renames leaves the names apart, each whole."""
    vault, note = _vault_with(tmp_path, OLD)
    also = vault / "Also.md"
    os.link(note, also)
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_bytes(OLD)
    new.write_bytes(NEW)
    for kill_after in [0.0, 0.003, 0.011, 0.02, 0.037, 0.05, 0.08, 0.13, 0.21, 0.34] * 2:
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(note), str(old), str(new)],
                                 stdout=subprocess.PIPE, cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
        assert saver.stdout.readline() == b"ready\n"
        time.sleep(kill_after)
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        saver.stdout.close()
        assert note.read_bytes() in (OLD, NEW) and also.read_bytes() in (OLD, NEW)
    for leftover in note.parent.glob(".substrate-*"):
        os.utime(leftover, (time.time() - 120, time.time() - 120))
    sweep_leftovers(vault)
    assert sorted(p.name for p in vault.rglob("*")) == ["Also.md", "Salesforce.md", "systems"]
