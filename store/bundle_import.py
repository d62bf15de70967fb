"""Importing a context bundle into a vault, without ever overwriting a note.

Everything is checked before anything is written (RELIABILITY.md, "Bundles"): the manifest
against its schema, every entry's name (no traversal, absolute paths, drive letters, symlinks,
reserved or over-long names, case or Unicode twins), every size and hash, with limits on the
bytes actually read. Then a plan: new, identical and conflicting notes. New notes are written
atomically and never over a file; a conflict lands beside the note or is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from store import activity
from store import clock
from store.bundle import BundleError, check_manifest
from store.safe_write import write_new

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_NOTE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ENTRIES = 250_000
EXTRAS = {"manifest.json", "context.md", "report.html"}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@dataclass
class Plan:
    bundle: Path
    manifest: dict
    new: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # a different note is at that path (or its case/Unicode twin)
    contents: dict[str, bytes] = field(default_factory=dict, repr=False)


@dataclass
class Imported:
    written: list[str] = field(default_factory=list)
    beside: list[tuple[str, str]] = field(default_factory=list)  # (the vault's note, where the incoming one landed)
    skipped: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
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
        if part.split(".")[0].strip().lower() in _RESERVED:
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
        for path, note in listed.items():
            data = _read_capped(archive, by_name[f"notes/{path}"], note["size"])
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise BundleError("The bundle unpacks to more than 2 GB: nothing was imported.")
            if hashlib.sha256(data).hexdigest() != note["sha256"]:
                raise BundleError(f"{path} in the bundle is not what its manifest says (the hash differs): nothing was imported.")
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


def _read_capped(archive: zipfile.ZipFile, info, size: int, exact: bool = True) -> bytes:
    """At most `size` bytes, counted as they come out, whatever the entry claims (zip bombs, forged sizes)."""
    limit = min(size, MAX_NOTE_BYTES) if exact else size
    if info.file_size > limit:
        raise BundleError(f"{info.filename[:80]} in the bundle is larger than its manifest allows: nothing was imported.")
    try:
        with archive.open(info) as entry:
            data = entry.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise BundleError(f"{info.filename[:80]} in the bundle cannot be read ({exc}): nothing was imported.") from None
    if len(data) > limit or (exact and len(data) != size):
        raise BundleError(f"{info.filename[:80]} in the bundle is not the size its manifest says: nothing was imported.")
    if data[:4] == b"PK\x03\x04":
        raise BundleError(f"{info.filename[:80]} in the bundle is itself an archive: nothing was imported.")
    return data


def _compare(plan: Plan, vault_root: Path) -> Plan:
    existing = {}
    if vault_root.is_dir():
        for folder, _dirs, files in os.walk(vault_root):
            for name in files:
                rel = Path(folder, name).relative_to(vault_root).as_posix()
                existing[_twin_key(rel)] = rel
    for path, data in sorted(plan.contents.items()):
        there = existing.get(_twin_key(path))
        if there is None:
            plan.new.append(path)
        elif there == path and (vault_root / path).read_bytes() == data:
            plan.identical.append(path)
        else:
            plan.conflicts.append(path)
    return plan


def apply(plan: Plan, vault_root: Path, conflicts: str = "beside") -> Imported:
    """Write the plan: new notes atomically; conflicts beside their note ("beside") or not at all ("skip")."""
    if conflicts not in ("beside", "skip"):
        raise BundleError("Conflicts are either put beside the vault's note or skipped.")
    vault_root = Path(vault_root)
    done = Imported(identical=list(plan.identical))
    label = plan.bundle.stem
    for path in plan.new:
        write_new(vault_root / path, plan.contents[path])
        done.written.append(path)
    for path in plan.conflicts:
        if conflicts == "skip":
            done.skipped.append(path)
            continue
        landed = _write_beside(vault_root, path, label, plan.contents[path])
        done.beside.append((path, landed))
    done.summary_path = _keep_summary(vault_root, plan, done)
    for path in done.written + [landed for _, landed in done.beside]:
        activity.record(vault_root, "import", "imported", path, PurePosixPath(path).stem)
    return done


def _write_beside(vault_root: Path, path: str, label: str, data: bytes) -> str:
    stem, suffix = path[: -len(".md")], ".md"
    for number in range(1, 1000):
        extra = "" if number == 1 else f" {number}"
        candidate = f"{stem} (from {label}{extra}){suffix}"
        try:
            write_new(vault_root / candidate, data)
            return candidate
        except FileExistsError:
            continue
    raise BundleError(f"Could not find a free name beside {path}.")


def _keep_summary(vault_root: Path, plan: Plan, done: Imported) -> Path:
    """A record of the import in the vault's `.substrate/imports/` (a dot-folder: never indexed)."""
    folder = vault_root / ".substrate" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now_local().strftime("%Y-%m-%d %H%M%S")
    record = {"bundle": plan.bundle.name, "imported": clock.now_utc().isoformat(timespec="seconds"),
              "from_vault": plan.manifest["vault"], "scope": plan.manifest["scope"], "written": done.written,
              "beside": [{"note": a, "incoming": b} for a, b in done.beside], "skipped": done.skipped, "identical": done.identical}
    target = folder / f"{stamp} {plan.bundle.stem[:80]}.json"
    target.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return target
