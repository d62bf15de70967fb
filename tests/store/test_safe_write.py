"""Saving a note (RELIABILITY.md, "Saving a note"): exactly the old or the new bytes whatever happens,
the file's mode kept, no temporary files left, an external change caught by content even when its
size and mtime match."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from store.safe_write import ChangedOnDisk, SaveFailed, digest, read_with_digest, replace, sweep_leftovers, write_new

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
        replace(target, new if data == old else old, opened)
""")


def test_a_save_replaces_the_bytes_and_keeps_the_mode(tmp_path):
    note = tmp_path / "Seam.md"
    note.write_bytes(OLD)
    os.chmod(note, 0o640)
    _, opened = read_with_digest(note)
    assert replace(note, NEW, opened) == digest(NEW)
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
        replace(note, b"owner: Priya\n", opened)
    assert caught.value.current == b"owner: Omar\n" and note.read_bytes() == b"owner: Omar\n"
    note.unlink()
    with pytest.raises(ChangedOnDisk, match="was deleted"):
        replace(note, b"owner: Priya\n", opened)
    assert not note.exists()


def test_a_full_disk_leaves_the_note_untouched_and_no_temporary_file(tmp_path):
    note = tmp_path / "Seam.md"
    note.write_bytes(b"small and safe\n")
    # A file-size limit makes the kernel refuse the write (EFBIG), as a full disk refuses with ENOSPC.
    script = textwrap.dedent(f"""
        import resource, signal
        from pathlib import Path
        from store.safe_write import SaveFailed, read_with_digest, replace
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        note = Path({str(note)!r})
        _, opened = read_with_digest(note)
        try:
            replace(note, b"x" * 100_000, opened)
        except SaveFailed as exc:
            print(exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert "was not saved" in out.stdout and "your edit is kept" in out.stdout, out.stderr
    assert note.read_bytes() == b"small and safe\n" and [p.name for p in tmp_path.iterdir()] == ["Seam.md"]


def test_a_new_note_never_replaces_a_file_that_appeared(tmp_path):
    (tmp_path / "Taken.md").write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        write_new(tmp_path / "Taken.md", b"ours")
    assert (tmp_path / "Taken.md").read_bytes() == b"theirs" and [p.name for p in tmp_path.iterdir()] == ["Taken.md"]
    with pytest.raises(SaveFailed):
        replace(tmp_path / "Missing" / "x.md", b"y", None)
