"""Importing a context bundle into a vault, without ever overwriting a note.

Everything is checked before anything is written (RELIABILITY.md, "Bundles"): the manifest
against its schema (bounded in size and depth), every entry's name (no traversal, absolute paths,
drive letters, symlinks, reserved or over-long names, case or Unicode twins), every size and hash,
with limits on the bytes actually read and on how far an entry unpacks, and every note must be text.
Then a plan: new, identical and conflicting notes, after a look at every folder on each note's way
(a file where a folder is needed, a symbolic link that leaves the vault or leads nowhere: refused,
in the dry run too).

The import itself is all-or-nothing: free space is checked first; the notes are staged in the
vault's `.substrate/` (same disk, so placing them is a link, never a copy over anything); each is
linked into place, never over a file; a fault midway (a full disk, a name that appeared since the
plan) removes what this import placed and leaves the vault as it was. Either way one line in the
activity log says what happened.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from store import activity
from store import clock
from store.bundle import check_manifest
from store.display import printable
from store.errors import BundleError, NotRecorded
from store.note import front_matter_names
from store.resolve import same_name_key
from store.safe_write import _sync_folder, write_new
from store.vault import decode, is_reserved_name

HEAD_BYTES = 16 * 1024  # of each vault note, for its title and aliases: front matter is at the top, and short

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_NOTE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ENTRIES = 250_000
MAX_RATIO = 100  # bytes out per byte packed: markdown packs 3 to 5 : 1, a bomb of NULs 1,000 : 1
RATIO_FLOOR = 1024 * 1024  # an entry or a bundle may always unpack to this much, however well it packs
SPACE_MARGIN = 1024 * 1024  # beyond the notes themselves: folders, the record, the log
STAGE_PREFIX, STAGE_LEFTOVER_AGE = "import-", 3600  # seconds: a staging folder this old belongs to an import cut off by a crash
DONE, ROLLED_BACK = activity.IMPORT_OUTCOMES  # the activity log's line for an import as a whole
EXTRAS = {"manifest.json", "context.md", "report.html"}


@dataclass
class Plan:
    bundle: Path
    manifest: dict
    new: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # a different note is at that path (or its case/Unicode twin)
    taken: list[tuple[str, str]] = field(default_factory=list)  # (incoming, the vault's note elsewhere with that name): never written
    contents: dict[str, bytes] = field(default_factory=dict, repr=False)

    def incoming(self, conflicts: str) -> list[str]:
        """The notes an import writes: the new ones, and the conflicting ones unless they are skipped."""
        return self.new + ([] if conflicts == "skip" else self.conflicts)


@dataclass
class Imported:
    written: list[str] = field(default_factory=list)
    beside: list[tuple[str, str]] = field(default_factory=list)  # (the vault's note, where the incoming one landed)
    skipped: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
    taken: list[tuple[str, str]] = field(default_factory=list)
    summary_path: Path | None = None


def _check_name(name: str) -> str:
    """The note path inside `notes/`, or BundleError for any name that could land outside the vault or clash."""
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        raise BundleError(f"The bundle holds an entry with an unsafe name ({name[:80]!r}): nothing was imported.")
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".", "") for part in parts) or name != "/".join(parts):
        raise BundleError(f"The bundle holds an entry that points outside its folder ({name[:80]!r}): nothing was imported.")
    for part in parts:
        if len(part.encode("utf-8")) > 255:
            raise BundleError(f"The bundle holds a name longer than 255 bytes ({part[:40]}…): nothing was imported.")
        if is_reserved_name(part):
            raise BundleError(f"The bundle holds a name Windows reserves ({part}): nothing was imported.")
        if part.startswith("."):
            raise BundleError(f"The bundle holds a hidden file ({name[:80]}): nothing was imported.")
    return name


def _twin_key(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def read_plan(bundle: Path, vault_root: Path) -> Plan:
    """Check the whole bundle and compare it with the vault; nothing is written."""
    bundle, vault_root = Path(bundle), Path(vault_root)
    try:
        archive = zipfile.ZipFile(bundle)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"{bundle.name} is not a bundle Substrate can read ({exc}).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BundleError(f"The bundle holds {len(infos):,} entries, more than a bundle can: nothing was imported.")
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise BundleError("The bundle holds the same entry twice: nothing was imported.")
        by_name = {}
        for info in infos:
            if stat.S_ISLNK(info.external_attr >> 16):
                raise BundleError(f"The bundle holds a symbolic link ({info.filename[:80]}): nothing was imported.")
            if info.is_dir():
                folder = info.filename.rstrip("/")
                if folder != "notes":
                    _check_name(folder.removeprefix("notes/"))
                continue
            by_name[info.filename] = info
        manifest = _read_manifest(archive, by_name.get("manifest.json"))
        check_manifest(manifest)
        listed = {note["path"]: note for note in manifest["notes"]}
        twins: dict[str, str] = {}
        for path in listed:
            _check_name(path)
            other = twins.setdefault(_twin_key(path), path)
            if other != path:
                raise BundleError(f"The bundle holds two notes that are one on Windows or macOS ({other} and {path}): nothing was imported.")
        present = {name.removeprefix("notes/") for name in by_name if name.startswith("notes/")}
        extra = sorted(set(by_name) - EXTRAS - {f"notes/{p}" for p in listed})
        if extra:
            raise BundleError(f"The bundle holds files its manifest does not list ({extra[0][:80]}{' …' if len(extra) > 1 else ''}): nothing was imported.")
        missing = sorted(set(listed) - present)
        if missing:
            raise BundleError(f"The bundle's manifest lists notes it does not hold ({missing[0][:80]}): nothing was imported.")
        contents, total = {}, 0
        most = min(MAX_TOTAL_BYTES, max(RATIO_FLOOR, MAX_RATIO * bundle.stat().st_size))
        for path, note in listed.items():
            data = _read_capped(archive, by_name[f"notes/{path}"], note["size"])
            total += len(data)
            if total > most:
                raise BundleError(f"The bundle unpacks to more than {MAX_RATIO} times its size, far more than notes do "
                                  "(a zip bomb?): nothing was imported.")
            if hashlib.sha256(data).hexdigest() != note["sha256"]:
                raise BundleError(f"{printable(path)} in the bundle is not what its manifest says (the hash differs): nothing was imported.")
            if decode(data)[0] is None:
                raise BundleError(f"{printable(path)} in the bundle is not text (binary bytes in a note): nothing was imported.")
            contents[path] = data
    return _compare(Plan(bundle, manifest, contents=contents), vault_root)


def _read_manifest(archive: zipfile.ZipFile, info) -> dict:
    if info is None:
        raise BundleError("The bundle has no manifest.json: it was not made by Substrate, or it is damaged.")
    data = _read_capped(archive, info, MAX_MANIFEST_BYTES, exact=False)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"The bundle's manifest.json is not valid JSON ({exc}).") from None
    except RecursionError:  # `[` ten thousand times: Python's parser gives up on the depth, not the syntax
        raise BundleError("The bundle's manifest.json is nested too deeply to be a Substrate manifest: nothing was imported.") from None


def _read_capped(archive: zipfile.ZipFile, info, size: int, exact: bool = True) -> bytes:
    """At most `size` bytes, counted as they come out, whatever the entry claims (zip bombs, forged sizes)."""
    limit = min(size, MAX_NOTE_BYTES) if exact else size
    if info.file_size > limit:
        raise BundleError(f"{info.filename[:80]} in the bundle is larger than its manifest allows: nothing was imported.")
    packed = max(RATIO_FLOOR, MAX_RATIO * info.compress_size)  # the reader takes no more than compress_size bytes in
    try:
        with archive.open(info) as entry:
            data = entry.read(min(limit, packed) + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise BundleError(f"{info.filename[:80]} in the bundle cannot be read ({exc}): nothing was imported.") from None
    if len(data) > packed:
        raise BundleError(f"{info.filename[:80]} in the bundle unpacks to more than {MAX_RATIO} times its packed size, far more "
                          "than a note does (a zip bomb?): nothing was imported.")
    if len(data) > limit or (exact and len(data) != size):
        raise BundleError(f"{info.filename[:80]} in the bundle is not the size its manifest says: nothing was imported.")
    if data[:4] == b"PK\x03\x04":
        raise BundleError(f"{info.filename[:80]} in the bundle is itself an archive: nothing was imported.")
    return data


def _compare(plan: Plan, vault_root: Path) -> Plan:
    existing, named = {}, {}
    inside = os.path.realpath(vault_root)
    if vault_root.is_dir():
        _check_records(vault_root, inside)
        for folder, dirs, files in os.walk(vault_root):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            for name in files:
                rel = Path(folder, name).relative_to(vault_root).as_posix()
                existing[_twin_key(rel)] = rel
                if name[-3:].lower() == ".md" and name[:1] != ".":
                    for other in _names(rel, _head(vault_root, rel)):
                        named.setdefault(same_name_key(other), rel)
    for path, data in sorted(plan.contents.items()):
        _check_folders(vault_root, inside, path)
        there, target = existing.get(_twin_key(path)), vault_root / path
        info = _look(vault_root, inside, target)
        if info is None and there is None:
            names = _names(path, decode(data)[0] or "")
            elsewhere = next((found for found in (named.get(same_name_key(name)) for name in names) if found and found != path), None)
            if elsewhere:  # a second note of one name makes every link to that name ambiguous
                plan.taken.append((path, elsewhere))
            else:
                plan.new.append(path)
                for name in names:  # the bundle's later notes may not take this one's names either
                    named.setdefault(same_name_key(name), path)
        elif there == path and info is not None and stat.S_ISREG(info.st_mode) and _bytes_or_none(target) == data:
            plan.identical.append(path)
        else:  # a different note, its twin, a folder: whatever it is, it stays
            plan.conflicts.append(path)
    return plan


def _names(path: str, text: str) -> list[str]:
    """The names a note answers to: its file name, its title and its aliases (from the front matter only)."""
    title, aliases = front_matter_names(text, path)
    names = [PurePosixPath(path).stem, title, *aliases]
    return [name for name in names if name and same_name_key(name)]


def _head(vault_root: Path, rel: str) -> str:
    """The first HEAD_BYTES of a vault note as text, read as the indexer reads notes: a regular file only,
    opened without blocking (a pipe named .md never stalls the plan); "" for anything else."""
    try:
        fd = os.open(vault_root / rel, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        raw = os.read(fd, HEAD_BYTES)
    except OSError:
        return ""
    finally:
        os.close(fd)
    return decode(raw)[0] or ""


def _bytes_or_none(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as note:
            return note.read(MAX_NOTE_BYTES + 1)
    except OSError:  # unreadable: a conflict, so the incoming version lands beside it
        return None


def _check_folders(vault_root: Path, inside: str, path: str) -> None:
    """BundleError unless every folder on the way to `path` is a folder inside the vault or not there yet."""
    here = vault_root
    for part in PurePosixPath(path).parts[:-1]:
        here = here / part
        if not _check_folder(vault_root, inside, here, path):
            return  # the import makes it, and everything below it


def _check_folder(vault_root: Path, inside: str, here: Path, path: str | None) -> bool:
    """Whether the folder `here` exists; BundleError if it is a file where a folder is needed (for the note
    `path`, or None: for the import's own records)."""
    info = _look(vault_root, inside, here, "folder ")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        needs = f"the bundle needs a folder (for {printable(path)})" if path else "Substrate keeps the vault's records (a folder)"
        raise BundleError(f"The vault has a file {printable(here.relative_to(vault_root).as_posix())} where {needs}: "
                          "nothing was imported. Rename that file, then import again.")
    return info is not None


def _check_records(vault_root: Path, inside: str) -> None:
    """BundleError if the vault's `.substrate/`, or the `imports/` folder in it, is a file or a link out of
    the vault: the plan says what the import itself would."""
    records = vault_root / ".substrate"
    if _check_folder(vault_root, inside, records, None):
        _check_folder(vault_root, inside, records / "imports", None)


def _look(vault_root: Path, inside: str, here: Path, what: str = "") -> os.stat_result | None:
    """What is at `here` (None: nothing), followed if it is a symbolic link; BundleError for a link that leaves
    the vault (an import writes only inside it) or leads nowhere."""
    shown = printable(here.relative_to(vault_root).as_posix())
    try:
        info = os.lstat(here)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BundleError(f"{shown} in the vault cannot be looked at ({exc.strerror}): nothing was imported.") from None
    if not stat.S_ISLNK(info.st_mode):
        return info
    real = os.path.realpath(here)
    if os.path.commonpath([inside, real]) != inside:
        raise BundleError(f"The vault's {what}{shown} is a symbolic link to {printable(real)}, outside the vault: nothing was "
                          "imported (an import writes only inside the vault). Replace the link, then import again.")
    try:
        return os.stat(real)
    except OSError:
        raise BundleError(f"The vault's {what}{shown} is a symbolic link that leads nowhere: nothing was imported. "
                          "Remove or mend the link, then import again.") from None


def apply(plan: Plan, vault_root: Path, conflicts: str = "beside") -> Imported:
    """Write the plan, all or nothing: new notes at their paths; conflicts beside their note ("beside") or
    not at all ("skip"); never over a file. BundleError, with the vault as it was, if anything fails."""
    if conflicts not in ("beside", "skip"):
        raise BundleError("Conflicts are either put beside the vault's note or skipped.")
    vault_root = Path(vault_root)
    done = Imported(identical=list(plan.identical), skipped=list(plan.conflicts) if conflicts == "skip" else [], taken=list(plan.taken))
    incoming, conflicting = plan.incoming(conflicts), set(plan.conflicts)
    placing = _Placing(vault_root)
    committed = False
    try:
        check_space(plan, vault_root, conflicts)
        staged = [placing.stage(plan.contents[path]) for path in incoming]
        for path, file in zip(incoming, staged):
            if path in conflicting:
                done.beside.append((path, placing.beside(path, plan.bundle.stem, file)))
                continue
            try:
                placing.place(path, file)
            except FileExistsError:
                raise BundleError(f"{printable(path)} appeared in the vault after the plan was made, and nothing is ever "
                                  "written over a file. Look at it, then import again.") from None
            done.written.append(path)
        placing.make_records()
        done.summary_path = _keep_summary(placing.records / "imports", plan, done)
        committed = True
    except (OSError, BundleError) as exc:
        placing.roll_back()
        reason = str(exc) if isinstance(exc, BundleError) else _fault_words(exc, plan.bundle.name)
        try:
            activity.record(vault_root, "import", ROLLED_BACK, plan.bundle.name, plan.bundle.stem, detail=reason)
            kept = "the activity log says so"
        except NotRecorded as record_failed:
            kept = f"not even the activity log could be written ({record_failed})"
        raise BundleError(f"{reason} Rolled back: the vault is as it was; {kept}.") from None
    finally:
        if not committed:  # also when interrupted: nothing of this import stays
            placing.roll_back()
        placing.clear_stage()
    for path in done.written + [landed for _, landed in done.beside]:
        activity.record(vault_root, "import", "imported", path, PurePosixPath(path).stem)
    activity.record(vault_root, "import", DONE, plan.bundle.name, plan.bundle.stem,
                    detail=f"{len(done.written)} new, {len(done.beside)} beside, {len(done.skipped)} skipped, {len(done.identical)} identical")
    return done


def _fault_words(exc: OSError, bundle: str) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"The disk refused the notes of {printable(bundle)} midway ({exc.strerror}). Free some space, then import again."
    return f"The notes of {printable(bundle)} could not be written ({exc.strerror or exc}: {printable(str(exc.filename or ''))})."


def check_space(plan: Plan, vault_root: Path, conflicts: str = "beside") -> None:
    """BundleError unless the vault's disk holds what the import would write, with room to spare (the dry run asks too)."""
    needed = sum(len(plan.contents[path]) for path in plan.incoming(conflicts))
    free = shutil.disk_usage(vault_root).free
    if free < needed + SPACE_MARGIN:
        raise BundleError(f"There is not enough space on the disk for this import: it needs {_mb(needed + SPACE_MARGIN)}, "
                          f"{_mb(free)} is free. Free some space, then import again.")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


class _Placing:
    """One import's writes: staged in the vault's `.substrate/`, linked into place, undone on a fault.
    It removes only what it made: a note it placed (the same inode still there) and a folder it created (if empty)."""

    def __init__(self, vault_root: Path):
        self.vault_root, self.inside = vault_root, os.path.realpath(vault_root)
        self.records = vault_root / ".substrate"
        try:
            if not _check_folder(vault_root, self.inside, self.records, None):  # .substrate/imports: when the record is made
                self.records.mkdir()
        except OSError as exc:
            raise BundleError(f"Nothing was imported: the vault's .substrate folder cannot be made ({exc.strerror}).") from None
        _sweep_stages(self.records)
        self.staged = 0
        self.stage_folder: Path | None = None
        self.placed: list[tuple[Path, int, int]] = []  # (where, device, inode)
        self.folders: list[Path] = []

    def stage(self, data: bytes) -> Path:
        if self.stage_folder is None:
            self.stage_folder = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.records))
        self.staged += 1
        file = self.stage_folder / f"{self.staged:06d}"
        write_new(file, data)
        return file

    def place(self, path: str, file: Path) -> None:
        """Link the staged `file` in at `path`; FileExistsError if anything is there (it is never replaced)."""
        target = self.vault_root / path
        self.make_folders(path)
        try:
            os.link(file, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links, or a folder on another disk: exclusive create instead
            with open(target, "xb") as out:
                info = os.fstat(out.fileno())
                self.placed.append((target, info.st_dev, info.st_ino))  # before the bytes: a disk that fills now leaves no half note
                out.write(file.read_bytes())
                out.flush()
                os.fsync(out.fileno())
        else:
            info = os.lstat(target)
            self.placed.append((target, info.st_dev, info.st_ino))
        _sync_folder(target.parent)

    def beside(self, path: str, label: str, file: Path) -> str:
        stem, suffix = path[: -len(".md")], ".md"
        for number in range(1, 1000):
            candidate = f"{stem} (from {label}{'' if number == 1 else f' {number}'}){suffix}"
            try:
                self.place(candidate, file)
                return candidate
            except FileExistsError:
                continue
        raise BundleError(f"There is no free name beside {printable(path)} for the bundle's version.")

    def make_folders(self, path: str) -> None:
        """Each folder on the way, checked again as it is reached (the vault may have changed since the plan)."""
        here = self.vault_root
        for part in PurePosixPath(path).parts[:-1]:
            here = here / part
            if not _check_folder(self.vault_root, self.inside, here, path):
                os.mkdir(here)
                self.folders.append(here)

    def make_records(self) -> None:
        """The `.substrate/imports/` folder for the import's record, checked again as it is reached."""
        if not _check_folder(self.vault_root, self.inside, self.records / "imports", None):
            os.mkdir(self.records / "imports")
            self.folders.append(self.records / "imports")

    def roll_back(self) -> None:
        for target, device, inode in reversed(self.placed):
            try:
                info = os.lstat(target)
                if (info.st_dev, info.st_ino) == (device, inode):
                    os.unlink(target)
            except OSError:
                continue
        for folder in reversed(self.folders):
            try:
                os.rmdir(folder)
            except OSError:  # someone else put something there meanwhile: theirs
                continue
        self.placed, self.folders = [], []

    def clear_stage(self) -> None:
        if self.stage_folder is not None:
            shutil.rmtree(self.stage_folder, ignore_errors=True)
            self.stage_folder = None


def _sweep_stages(records: Path) -> None:
    """Remove the staging folders of imports cut off by a crash (a running import touches its own as it stages)."""
    now = time.time()
    for folder in records.glob(f"{STAGE_PREFIX}*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and now - folder.stat().st_mtime > STAGE_LEFTOVER_AGE:
                shutil.rmtree(folder)
        except OSError:
            continue


def _keep_summary(folder: Path, plan: Plan, done: Imported) -> Path:
    """A record of the import in the vault's `.substrate/imports/` (a dot-folder: never indexed)."""
    stamp = clock.now_local().strftime("%Y-%m-%d %H%M%S")
    record = {"bundle": plan.bundle.name, "imported": clock.now_utc().isoformat(timespec="seconds"),
              "from_vault": plan.manifest["vault"], "scope": plan.manifest["scope"], "written": done.written,
              "beside": [{"note": a, "incoming": b} for a, b in done.beside], "skipped": done.skipped, "identical": done.identical,
              "name_taken": [{"incoming": a, "note": b} for a, b in done.taken]}
    data = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
    for number in range(1, 1000):
        target = folder / f"{stamp} {plan.bundle.stem[:80]}{'' if number == 1 else f' {number}'}.json"
        try:
            write_new(target, data)
            return target
        except FileExistsError:
            continue
    raise BundleError("There is no free name for the import's record in .substrate/imports.")
