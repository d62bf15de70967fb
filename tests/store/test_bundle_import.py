"""Importing a bundle: never outside the vault, never over a file, all or nothing, and bombs refused.

Real files, real symbolic links, a real full disk (a small tmpfs when we may mount one; a file-size
limit the kernel enforces otherwise), real subprocesses for the command line."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from store import activity
from store.bundle_import import RATIO_FLOOR, _Placing, apply, read_plan
from store.errors import BundleError
from tests.conftest import write
from tests.store.test_bundles import _bundle
from tests.store.test_cli import run


def _tree(root: Path) -> dict[str, bytes | str]:
    """Everything under `root` but the activity log: files by bytes, links by target, folders by name."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if rel.startswith(".substrate/activity.jsonl"):
                continue
            found[rel] = os.readlink(path) if path.is_symlink() else "folder" if path.is_dir() else path.read_bytes()
    return found


def _text(size: int, seed: int = 1) -> bytes:
    """Note-like text that packs about as well as notes do (3 to 5 : 1)."""
    words = random.Random(seed).choices(["lead", "sync", "owner", "Salesforce", "HubSpot", "every", "15", "minutes", "seam", "\n"], k=size)
    return " ".join(words).encode()[:size]


def _rolled_back(vault: Path) -> list[activity.Entry]:
    return [e for e in activity.read(vault) if e.action == "import rolled back"]


# --- 6: nothing is written outside the vault through a symbolic link ------------------------------

def test_a_vault_folder_linked_outside_is_refused_by_the_dry_run_and_the_import(tmp_path):
    src, vault, outside = tmp_path / "src", tmp_path / "V", tmp_path / "out"
    write(src, "linked/e.md", "# e\n")
    vault.mkdir()
    outside.mkdir()
    data = tmp_path / "data"
    assert run("export", src, "--out", tmp_path / "b.zip", "--scope", "vault", env_dir=data).returncode == 0
    (vault / "linked").symlink_to(outside)
    for dry_run in (["--dry-run"], []):
        out = run("import", tmp_path / "b.zip", vault, *dry_run, env_dir=data)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert out.stderr.startswith("Error: The vault's folder linked is a symbolic link to") and "outside the vault" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "new" not in out.stdout
    assert list(outside.iterdir()) == [] and _tree(vault) == {"linked": str(outside)}


# --- 7: what the vault has in the way is a reason, not a traceback, and the dry run says it -------

def _in_the_way_folder_is_a_file(vault, outside):
    write(vault, "seams", "a file where the bundle needs a folder\n")


def _in_the_way_dangling_folder_link(vault, outside):
    (vault / "seams").symlink_to(vault / "gone")


def _in_the_way_dangling_note_link(vault, outside):
    (vault / "seams").mkdir()
    (vault / "seams/Lead Sync.md").symlink_to(vault / "gone.md")


def _in_the_way_note_linked_outside(vault, outside):
    (vault / "seams").mkdir()
    (vault / "seams/Lead Sync.md").symlink_to(outside / "x.md")


def _in_the_way_records_file(vault, outside):
    write(vault, ".substrate", "a file where Substrate's folder goes\n")


def _in_the_way_records_linked_outside(vault, outside):
    (vault / ".substrate").symlink_to(outside)


def _in_the_way_imports_file(vault, outside):
    write(vault, ".substrate/imports", "a file where the records of imports go\n")


IN_THE_WAY = {
    "a file where a folder is needed": (_in_the_way_folder_is_a_file, "has a file seams where the bundle needs a folder"),
    "a folder link that leads nowhere": (_in_the_way_dangling_folder_link, "folder seams is a symbolic link that leads nowhere"),
    "a note's name on a link that leads nowhere": (_in_the_way_dangling_note_link, "seams/Lead Sync.md is a symbolic link that leads nowhere"),
    "a note's name on a link outside": (_in_the_way_note_linked_outside, "seams/Lead Sync.md is a symbolic link to"),
    "a .substrate file": (_in_the_way_records_file, "The vault has a file .substrate where Substrate keeps the vault's records "
                                                    "(a folder): nothing was imported. Rename that file, then import again."),
    "a .substrate link outside": (_in_the_way_records_linked_outside, "The vault's folder .substrate is a symbolic link to"),
    "a .substrate/imports file": (_in_the_way_imports_file, "The vault has a file .substrate/imports where Substrate keeps"),
}


@pytest.mark.parametrize("case", sorted(IN_THE_WAY))
def test_what_the_vault_has_in_the_way_is_one_line_and_nothing_is_written(case, tmp_path):
    shape, message = IN_THE_WAY[case]
    bundle = _bundle(tmp_path, {"a.md": b"# a\n", "seams/Lead Sync.md": b"# Lead Sync\n"})
    vault, outside = tmp_path / "V", tmp_path / "out"
    vault.mkdir()
    outside.mkdir()
    shape(vault, outside)
    before = _tree(vault)
    for dry_run in (["--dry-run"], []):
        out = run("import", bundle, vault, *dry_run, env_dir=tmp_path / "data")
        assert out.returncode == 2 and out.stderr.startswith("Error: ") and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert message in out.stderr and "(for .substrate" not in out.stderr, (dry_run, out.stderr)
    assert _tree(vault) == before and list(outside.iterdir()) == []


def test_a_deeply_nested_manifest_is_one_line_not_a_traceback(tmp_path):
    bundle = tmp_path / "deep.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", "[" * 100_000)
    vault = tmp_path / "V"
    vault.mkdir()
    out = run("import", bundle, vault, "--dry-run", env_dir=tmp_path / "data")
    assert out.returncode == 2 and out.stderr.strip() == ("Error: The bundle's manifest.json is nested too deeply to be a "
                                                         "Substrate manifest: nothing was imported."), out.stderr
    assert list(vault.iterdir()) == []


def test_a_link_made_after_the_plan_is_still_refused_and_the_import_rolled_back(tmp_path):
    bundle = _bundle(tmp_path, {"a.md": b"# a\n", "linked/e.md": b"# e\n"})
    vault, outside = tmp_path / "V", tmp_path / "out"
    vault.mkdir()
    outside.mkdir()
    plan = read_plan(bundle, vault)
    assert plan.new == ["a.md", "linked/e.md"]
    (vault / "linked").symlink_to(outside)  # between the plan the person saw and the write
    with pytest.raises(BundleError, match="symbolic link to .* outside the vault.* Rolled back: the vault is as it was"):
        apply(plan, vault)
    assert list(outside.iterdir()) == [] and _tree(vault) == {"linked": str(outside), ".substrate": "folder"}
    assert [e.path for e in _rolled_back(vault)] == ["hostile.zip"]


# --- 8: all or nothing, with a record ---------------------------------------------------------------

def test_a_file_that_appears_after_the_plan_is_never_written_over_and_nothing_stays(tmp_path):
    bundle = _bundle(tmp_path, {"a.md": b"# a\n", "b/b.md": b"# b\n", "z/z.md": b"# z from the bundle\n"})
    vault = tmp_path / "V"
    vault.mkdir()
    plan = read_plan(bundle, vault)
    assert plan.new == ["a.md", "b/b.md", "z/z.md"]
    write(vault, "z/z.md", "# z, written by the person meanwhile\n")  # found late: the other two are already in place by then
    with pytest.raises(BundleError) as refused:
        apply(plan, vault)
    assert "z/z.md appeared in the vault after the plan was made" in str(refused.value)
    assert "Rolled back: the vault is as it was; the activity log says so." in str(refused.value)
    assert (vault / "z/z.md").read_text(encoding="utf-8") == "# z, written by the person meanwhile\n"
    assert _tree(vault) == {"z": "folder", "z/z.md": b"# z, written by the person meanwhile\n", ".substrate": "folder"}
    [record] = activity.read(vault)
    assert (record.action, record.path, record.by) == ("import rolled back", "hostile.zip", "import") and "z/z.md appeared" in record.detail
    done = apply(read_plan(bundle, vault), vault)  # the person looks, imports again: the clash lands beside
    assert done.written == ["a.md", "b/b.md"] and done.beside == [("z/z.md", "z/z (from hostile).md")]
    assert [e.action for e in activity.read(vault)][-1] == "import done"


def test_a_rollback_removes_only_what_the_import_made(tmp_path):
    bundle = _bundle(tmp_path, {"b/b.md": b"# b\n", "b/new/c.md": b"# c\n", "z.md": b"# z\n"})
    vault = tmp_path / "V"
    (vault / "b").mkdir(parents=True)  # the person's folder, empty: it stays
    plan = read_plan(bundle, vault)
    write(vault, "z.md", "# mine\n")
    with pytest.raises(BundleError, match="z.md appeared"):
        apply(plan, vault)
    assert _tree(vault) == {"b": "folder", "z.md": b"# mine\n", ".substrate": "folder"}


def test_a_fault_after_every_note_is_placed_takes_them_all_back(tmp_path):
    bundle = _bundle(tmp_path, {"a.md": b"# a\n", "new/b.md": b"# b\n", "mine.md": b"# theirs\n"})
    vault = tmp_path / "V"
    write(vault, "mine.md", "# mine\n")
    plan = read_plan(bundle, vault)
    assert plan.new == ["a.md", "new/b.md"] and plan.conflicts == ["mine.md"]
    write(vault, ".substrate/imports", "a file where the import keeps its records\n")  # the last step will fail
    with pytest.raises(BundleError, match="Rolled back: the vault is as it was"):
        apply(plan, vault)
    assert {rel for rel in _tree(vault) if not rel.startswith(".substrate")} == {"mine.md"}  # no new note, nothing beside
    assert (vault / "mine.md").read_bytes() == b"# mine\n"


def test_the_import_record_is_never_written_through_a_link_outside(tmp_path):
    bundle, vault, outside = _bundle(tmp_path, {"a.md": b"# a\n"}), tmp_path / "V", tmp_path / "out"
    (vault / ".substrate").mkdir(parents=True)
    outside.mkdir()
    (vault / ".substrate/imports").symlink_to(outside)
    with pytest.raises(BundleError, match="imports is a symbolic link to .* outside the vault"):
        apply(read_plan(bundle, vault), vault)
    assert list(outside.iterdir()) == [] and not (vault / "a.md").exists()


def test_a_rollback_never_removes_a_file_someone_put_in_place_of_a_placed_note(tmp_path):
    vault = tmp_path / "V"
    vault.mkdir()
    placing = _Placing(vault)
    placing.place("a.md", placing.stage(b"# a from the bundle\n"))
    write(vault, "person.tmp", "# the person's own a.md\n").replace(vault / "a.md")  # an editor saves over it meanwhile
    placing.roll_back()
    placing.clear_stage()
    assert _tree(vault) == {"a.md": b"# the person's own a.md\n", ".substrate": "folder"}


def _mount_tmpfs(folder: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (a real full disk) needs root")
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")


def test_a_disk_too_small_for_the_bundle_is_found_before_anything_is_written(tmp_path):
    notes = {f"n{i}.md": _text(400_000, seed=i) for i in range(6)}  # 2.4 MB of notes for a 2 MB disk
    bundle = _bundle(tmp_path, notes)
    vault = tmp_path / "V"
    _mount_tmpfs(vault, "2m")
    try:
        write(vault, "mine.md", "# mine\n")
        for dry_run in (["--dry-run"], []):
            out = run("import", bundle, vault, *dry_run, env_dir=tmp_path / "data")
            assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
            assert out.stderr.startswith("Error: There is not enough space on the disk for this import: it needs 3.3 MB")
        assert _tree(vault) == {"mine.md": b"# mine\n", ".substrate": "folder"}
        [record] = activity.read(vault)  # the import's, not the dry run's: a dry run writes nothing
        assert record.action == "import rolled back" and "not enough space" in record.detail
    finally:
        subprocess.run(["umount", str(vault)], check=False)


def test_a_vault_folder_on_a_disk_that_fills_midway_is_rolled_back(tmp_path):
    """A vault folder on its own small disk: the note is copied there (no link across disks) and the disk fills
    (ENOSPC) halfway through it; the note placed before it and the half-written one are both removed."""
    bundle = _bundle(tmp_path, {"a.md": b"# a\n", "small/big.md": _text(400_000)})
    vault = tmp_path / "V"
    vault.mkdir()
    _mount_tmpfs(vault / "small", "128k")
    try:
        plan = read_plan(bundle, vault)
        assert plan.new == ["a.md", "small/big.md"]
        with pytest.raises(BundleError) as refused:
            apply(plan, vault)
        assert str(refused.value).startswith("The disk refused the notes of hostile.zip midway (No space left on device).")
        assert _tree(vault) == {"small": "folder", ".substrate": "folder"}
        assert "midway" in _rolled_back(vault)[0].detail
    finally:
        subprocess.run(["umount", str(vault / "small")], check=False)


def test_a_disk_that_refuses_midway_leaves_the_vault_as_it_was(tmp_path):
    """The kernel refuses a write midway (a file-size limit: EFBIG, as a full disk refuses with ENOSPC)."""
    notes = {"a.md": b"# a\n", "b.md": _text(200_000), "c.md": b"# c\n"}
    bundle, vault = _bundle(tmp_path, notes), tmp_path / "V"
    write(vault, "mine.md", "# mine\n")
    script = textwrap.dedent(f"""
        import resource, signal
        from store.errors import BundleError
        from store.bundle_import import apply, read_plan
        plan = read_plan({str(bundle)!r}, {str(vault)!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        try:
            apply(plan, {str(vault)!r})
        except BundleError as exc:
            print(exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.startswith("The disk refused the notes of hostile.zip midway (File too large)."), out.stderr
    assert "Rolled back: the vault is as it was" in out.stdout
    assert _tree(vault) == {"mine.md": b"# mine\n", ".substrate": "folder"}  # no note, no staging folder, no temporary file
    assert "midway" in _rolled_back(vault)[0].detail


def test_an_import_is_recorded_and_leaves_no_staging_behind(tmp_path):
    bundle, vault = _bundle(tmp_path, {"a.md": b"# a\n", "deep/er/b.md": b"# b\n"}), tmp_path / "V"
    vault.mkdir()
    done = apply(read_plan(bundle, vault), vault)
    assert done.written == ["a.md", "deep/er/b.md"] and (vault / "deep/er/b.md").read_bytes() == b"# b\n"
    assert sorted(p.name for p in (vault / ".substrate").iterdir()) == ["activity.jsonl", "activity.jsonl.lock", "imports"]
    entries = activity.read(vault)
    assert [(e.action, e.path) for e in entries] == [("imported", "a.md"), ("imported", "deep/er/b.md"), ("import done", "hostile.zip")]
    assert entries[-1].detail == "2 new, 0 beside, 0 skipped, 0 identical" and [e.is_note for e in entries] == [True, True, False]


def test_the_staging_of_an_import_cut_off_by_a_crash_is_cleared_by_the_next(tmp_path):
    bundle, vault = _bundle(tmp_path, {"a.md": b"# a\n"}), tmp_path / "V"
    stale, running = write(vault, ".substrate/import-killed/000001", b"# staged\n").parent, vault / ".substrate/import-running"
    running.mkdir()
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    apply(read_plan(bundle, vault), vault)
    assert not stale.exists() and running.is_dir() and (vault / "a.md").exists()


# --- 9: bombs ------------------------------------------------------------------------------------

def test_a_small_bundle_of_nul_bytes_is_refused_by_the_bytes_it_unpacks(tmp_path):
    notes = {f"n{i}.md": b"\0" * (10 * 1024 * 1024) for i in range(3)}  # 30 MB of NULs, as many as the manifest allows
    bundle = _bundle(tmp_path, notes)
    assert bundle.stat().st_size < 100 * 1024
    vault = tmp_path / "V"
    vault.mkdir()
    out = run("import", bundle, vault, "--dry-run", env_dir=tmp_path / "data")
    assert out.returncode == 2 and "unpacks to more than 100 times its packed size" in out.stderr, out.stderr
    assert list(vault.iterdir()) == []


def test_a_note_that_packs_far_better_than_notes_do_is_refused(tmp_path):
    bundle = _bundle(tmp_path, {"a.md": b"| --- " * 800_000})  # 4.8 MB of text that packs 1,000 : 1
    with pytest.raises(BundleError, match="notes/a.md in the bundle unpacks to more than 100 times its packed size"):
        read_plan(bundle, tmp_path)
    small = _bundle(tmp_path, {"a.md": b"| --- " * (RATIO_FLOOR // 6)})  # as well packed, but no bigger than the floor
    assert read_plan(small, tmp_path).new == ["a.md"]


def test_many_entries_each_under_the_floor_are_refused_by_the_total(tmp_path):
    notes = {f"n{i:02}.md": b"| --- " * (RATIO_FLOOR // 6) for i in range(30)}  # 30 MB from a bundle of about 100 KB
    bundle = _bundle(tmp_path, notes)
    with pytest.raises(BundleError, match="The bundle unpacks to more than 100 times its size"):
        read_plan(bundle, tmp_path)


def test_ordinary_notes_are_far_from_the_limits(tmp_path):
    notes = {f"n{i}.md": _text(3_000_000, seed=i) for i in range(2)}  # 3 MB notes of prose
    manifest_hash = {p: hashlib.sha256(d).hexdigest() for p, d in notes.items()}
    plan = read_plan(_bundle(tmp_path, notes), tmp_path / "empty")
    assert plan.new == sorted(notes) and {p: hashlib.sha256(d).hexdigest() for p, d in plan.contents.items()} == manifest_hash
    assert json.loads(zipfile.ZipFile(tmp_path / "hostile.zip").read("manifest.json"))["notes"][0]["size"] == 3_000_000


def test_a_manifest_padded_to_tens_of_megabytes_is_refused_before_it_is_parsed(tmp_path):
    bundle = _bundle(tmp_path, {"a.md": b"# a\n"})
    with zipfile.ZipFile(bundle) as archive:
        manifest = archive.read("manifest.json")
    padded = tmp_path / "padded.zip"
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest + b" " * (30 * 1024 * 1024))  # valid JSON, 30 MB from 30 KB
        archive.writestr("notes/a.md", b"# a\n")
    with pytest.raises(BundleError, match="manifest.json in the bundle unpacks to more than 100 times its packed size"):
        read_plan(padded, tmp_path)


def test_entries_that_overlap_in_the_archive_are_refused(tmp_path):
    """Two names over the same packed bytes (the overlapping-entries zip bomb): the zip reader refuses, in words."""
    bundle = _bundle(tmp_path, {"a.md": b"# same\n", "b.md": b"# same\n"})
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as archive:
        offsets = {info.filename: info.header_offset for info in archive.infolist()}
    central = data.index(b"PK\x01\x02")  # the first record of the central directory
    while True:  # point notes/b.md's central record at notes/a.md's bytes
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        extra, comment = (int.from_bytes(data[central + at : central + at + 2], "little") for at in (30, 32))
        if data[central + 46 : central + 46 + name_length] == b"notes/b.md":
            data[central + 42 : central + 46] = offsets["notes/a.md"].to_bytes(4, "little")
            break
        central += 46 + name_length + extra + comment
    bundle.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="notes/b.md in the bundle cannot be read"):
        read_plan(bundle, tmp_path)


# --- one name, one note: an import never makes a second note of a name the vault has ----------------

def _dry_run_then_import(bundle: Path, vault: Path, data: Path) -> tuple[str, dict]:
    """What the dry run prints (having written nothing), and what the import then says it did (--json)."""
    before = _tree(vault)
    dry = run("import", bundle, vault, "--dry-run", env_dir=data)
    assert dry.returncode == 0, dry.stderr
    assert _tree(vault) == before
    done = run("import", bundle, vault, "--json", env_dir=data)
    assert done.returncode == 0, done.stderr
    return dry.stdout, json.loads(done.stdout)


def test_a_note_whose_name_the_vault_already_has_elsewhere_is_not_imported(tmp_path):
    vault, data = tmp_path / "V", tmp_path / "data"
    write(vault, "systems/salesforce.md", "---\ntype: system\n---\nOur CRM.\n")
    write(vault, "people/Priya Shah.md", "# Priya\n")
    bundle = _bundle(tmp_path, {"crm/Salesforce.md": b"# the bundle's CRM\n",  # the same file name in another folder
                                "team/PS.md": b"---\ntitle: PRIYA SHAH\n---\nhi\n",  # a title that is a note's name
                                "team/Ops.md": b"---\naliases: [Salesforce]\n---\nops\n",  # an alias that is one
                                "new/Hightouch.md": b"# Hightouch\n"})
    before = _tree(vault)
    dry, answer = _dry_run_then_import(bundle, vault, data)
    assert "1 new, 0 identical, 0 conflicting" in dry
    assert "not imported: crm/Salesforce.md — your systems/salesforce.md already has that name" in dry
    assert "not imported: team/PS.md — your people/Priya Shah.md already has that name" in dry
    assert "not imported: team/Ops.md — your systems/salesforce.md" in dry
    assert answer["written"] == ["new/Hightouch.md"]
    assert {t["incoming"]: t["note"] for t in answer["name_taken"]} == {
        "crm/Salesforce.md": "systems/salesforce.md", "team/PS.md": "people/Priya Shah.md", "team/Ops.md": "systems/salesforce.md"}
    assert not (vault / "crm").exists() and not (vault / "team").exists()
    assert (vault / "systems/salesforce.md").read_bytes() == before["systems/salesforce.md"]


def test_an_incoming_note_may_not_take_a_title_or_alias_the_vault_already_has(tmp_path):
    """SFDC is Salesforce's alias and Customer Records is crm.md's title: a bundle's sfdc.md or Customer Records.md
    would make `show` and every link open the newcomer. Looks-alike names count too."""
    vault, data = tmp_path / "V", tmp_path / "data"
    write(vault, "systems/Salesforce.md", "---\ntype: system\naliases: [SFDC, Sales Cloud]\n---\nOur CRM.\n")
    write(vault, "crm.md", "---\ntitle: Customer Records\n---\nthe list\n")
    bundle = _bundle(tmp_path, {"y/sfdc.md": b"# not the CRM\n", "y/Customer Records.md": b"x\n",
                                "y/Ops.md": b"---\naliases: [\"Sales\\u200b\\u00a0Cloud\"]\n---\nops\n",
                                "y/\uff33\uff26\uff24\uff23.md": b"fullwidth\n",
                                "y/Hightouch.md": b"# Hightouch\n"})
    before = _tree(vault)
    dry, answer = _dry_run_then_import(bundle, vault, data)
    for incoming, note in (("y/sfdc.md", "systems/Salesforce.md"), ("y/Customer Records.md", "crm.md")):
        assert f"not imported: {incoming} — your {note} already has that name" in dry
    assert "1 new, 0 identical, 0 conflicting" in dry and answer["written"] == ["y/Hightouch.md"]
    assert {t["incoming"] for t in answer["name_taken"]} == {"y/sfdc.md", "y/Customer Records.md", "y/Ops.md", "y/\uff33\uff26\uff24\uff23.md"}
    assert {k: v for k, v in _tree(vault).items() if not k.startswith(".substrate")} == {**before, "y": "folder", "y/Hightouch.md": b"# Hightouch\n"}
    shown = run("show", vault, "sfdc", env_dir=data)
    assert shown.returncode == 0 and "systems/Salesforce.md" in shown.stdout, shown.stdout + shown.stderr


def test_two_notes_of_one_bundle_may_not_share_a_name_either(tmp_path):
    vault, data = tmp_path / "V", tmp_path / "data"
    vault.mkdir()
    bundle = _bundle(tmp_path, {"a/Dup.md": b"first\n", "b/dup.md": b"second\n", "c/Other.md": b"---\ntitle: DUP\n---\n",
                                "d/Solo.md": b"---\naliases: [Only]\n---\n", "e/Only.md": b"alias taken\n"})
    dry, answer = _dry_run_then_import(bundle, vault, data)
    assert "2 new" in dry and "not imported: b/dup.md — the bundle's a/Dup.md has that name too, and only one note may" in dry
    assert answer["written"] == ["a/Dup.md", "d/Solo.md"]
    assert {t["incoming"]: t["note"] for t in answer["name_taken"]} == {"b/dup.md": "a/Dup.md", "c/Other.md": "a/Dup.md", "e/Only.md": "d/Solo.md"}
    assert not (vault / "b").exists() and not (vault / "c").exists() and not (vault / "e").exists()


def test_the_titles_of_the_vault_are_read_from_regular_files_only_and_never_block(tmp_path):
    """A pipe named .md would stall a plain read forever; a huge note is read only at its top."""
    vault, data = tmp_path / "V", tmp_path / "data"
    vault.mkdir()
    os.mkfifo(vault / "pipe.md")
    write(vault, "big.md", "---\ntitle: Enormous\n---\n" + "words " * 2_000_000)
    bundle = _bundle(tmp_path, {"x/Enormous.md": b"taken\n", "x/Fresh.md": b"new\n"})
    out = run("import", bundle, vault, "--dry-run", env_dir=data)
    assert out.returncode == 0, out.stderr
    assert "1 new" in out.stdout and "not imported: x/Enormous.md — your big.md already has that name" in out.stdout

