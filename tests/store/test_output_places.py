"""Where Substrate writes what it makes (a bundle, an image, a summary, its index): a place that cannot
take it is refused in one line that says why and what to do, never a traceback."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.store.test_cli import run, small_vault  # noqa: F401 - the fixture

NO_FOLDER = "the folder does not exist. Create it or choose another place."


def test_a_bundle_for_a_folder_that_does_not_exist_is_refused_before_any_work(small_vault, tmp_path):  # noqa: F811
    out = tmp_path / "nodir" / "o.zip"
    done = run("export", small_vault, "--out", out, "--allow-secrets", env_dir=tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip() == f"Error: Cannot write the bundle to {out}: {NO_FOLDER}"
    assert not (tmp_path / "data").exists(), "refused before the vault was indexed"
    assert not (tmp_path / "nodir").exists()


def test_a_bundle_inside_a_file_as_if_it_were_a_folder_is_refused(small_vault, tmp_path):  # noqa: F811
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    out = tmp_path / "afile" / "o.zip"
    done = run("export", small_vault, "--out", out, "--allow-secrets", env_dir=tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip() == f"Error: Cannot write the bundle to {out}: {tmp_path / 'afile'} is a file, not a folder. Choose another place."
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"


@pytest.fixture
def unwritable(tmp_path):
    """A folder nobody may write in, root included: the immutable attribute (root ignores chmod)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", folder], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (not root, or a file system without the immutable attribute)")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", folder], check=True)


def test_a_bundle_for_a_folder_that_refuses_writing_says_so_in_one_line(small_vault, tmp_path, unwritable):  # noqa: F811
    out = unwritable / "o.zip"
    done = run("export", small_vault, "--out", out, "--allow-secrets", env_dir=tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip() == (f"Error: Cannot write the bundle to {out}: you may not write in {unwritable}. "
                                   "Choose another place, or ask for write access to it.")
    assert list(unwritable.iterdir()) == []


@pytest.fixture
def full_folder(tmp_path):
    """A folder on a small file system that is already full (a real tmpfs, mounted for the test)."""
    folder = tmp_path / "full"
    folder.mkdir()
    if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root in a namespace that allows mounts)")
    try:
        with open(folder / "filler", "wb") as filler:
            try:
                filler.write(b"\0" * 1024 * 1024)
            except OSError:
                pass
        yield folder
    finally:
        subprocess.run(["umount", folder], check=True)


def test_a_bundle_on_a_full_disk_says_so_and_leaves_no_partial_file(small_vault, tmp_path, full_folder):  # noqa: F811
    out = full_folder / "o.zip"
    done = run("export", small_vault, "--out", out, "--allow-secrets", env_dir=tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip() == f"Error: Cannot write the bundle to {out}: the disk is full. Free some space or choose another place."
    assert sorted(p.name for p in full_folder.iterdir()) == ["filler"]


def _files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_an_index_whose_default_place_is_inside_the_vault_is_refused(small_vault, tmp_path):  # noqa: F811
    before = _files(small_vault)
    for args in (("search", small_vault, "lead"), ("index", small_vault), ("problems", small_vault), ("mcp", small_vault)):
        done = run(*args, env_dir=small_vault / "data")  # SUBSTRATE_DATA_DIR inside the vault
        assert done.returncode == 2 and "Traceback" not in done.stderr, (args, done.stderr[-2000:])
        assert done.stderr.startswith(f"Error: Substrate's index for {small_vault} would be inside the vault, at {small_vault / 'data' / 'indexes'}")
        assert done.stderr.strip().endswith("set SUBSTRATE_DATA_DIR to a folder outside it, or use --db.")
    assert _files(small_vault) == before, "nothing was written in the vault"
    chosen = run("search", small_vault, "lead", "--db", tmp_path / "i.sqlite", env_dir=small_vault / "data")
    assert chosen.returncode == 0 and "HubSpot to Salesforce" in chosen.stdout, chosen.stderr[-2000:]


def test_a_home_folder_opened_as_a_vault_keeps_its_index_out_of_it(tmp_path):
    import os

    from tests.store.test_cli import SCRIPT

    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "a.md").write_text("# A\nlead routing\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("SUBSTRATE_DATA_DIR", "XDG_DATA_HOME")} | {"HOME": str(home)}
    done = subprocess.run([str(SCRIPT), "index", str(home)], capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "would be inside the vault" in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert _files(home) == ["notes", "notes/a.md"]


def test_a_note_too_deep_for_a_bundle_is_named_with_what_to_do(small_vault, tmp_path):  # noqa: F811
    deep = "/".join(["a"] * 600) + "/Deep Note.md"
    (small_vault / deep).parent.mkdir(parents=True)
    (small_vault / deep).write_text("# Deep Note\nfar down\n", encoding="utf-8")
    out = tmp_path / "o.zip"
    done = run("export", small_vault, "--out", out, "--allow-secrets", env_dir=tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: The note a/a/a/") and len(line) < 400 and "…" in line and "/a/Deep Note.md cannot go in a bundle" in line, line
    assert line.endswith("its path is longer than the 1,000 characters a bundle allows. Leave it out with --exclude, or move it to a shorter path.")
    assert not out.exists()
    left_out = run("export", small_vault, "--out", out, "--allow-secrets", "--exclude", deep, env_dir=tmp_path / "data")
    assert left_out.returncode == 0 and ": 4 notes" in left_out.stdout, left_out.stderr[-2000:]


@pytest.mark.parametrize("swap", ["a pipe", "a link out of the vault", "too large"])
def test_a_note_swapped_since_it_was_indexed_is_named_not_read_into_a_bundle(small_vault, tmp_path, swap):  # noqa: F811
    import os

    from store.brain import Brain
    from store.bundle import Scope
    from store.errors import NoteUnreadable
    from store.vault import MAX_NOTE_BYTES

    outside = tmp_path / "outside.txt"
    outside.write_text("not the vault's to give away\n", encoding="utf-8")
    with Brain(small_vault, tmp_path / "i.sqlite") as brain:
        brain.refresh()
        note = small_vault / "systems/Salesforce.md"  # indexed as a note; now something else is there
        note.unlink()
        if swap == "a pipe":
            os.mkfifo(note)
        elif swap == "a link out of the vault":
            note.symlink_to(outside)
        else:
            note.write_bytes(b"x" * (MAX_NOTE_BYTES + 1))
        with pytest.raises(NoteUnreadable) as refused:  # and no hang on the pipe
            brain.read.export_bundle(Scope("vault"), tmp_path / "b.zip")
    assert str(refused.value).startswith("systems/Salesforce.md cannot be read now: ") and "\n" not in str(refused.value)
    assert not (tmp_path / "b.zip").exists()
