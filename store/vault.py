"""The vault on disk: which files are notes, and reading them safely.

Nothing here writes to the vault. A file that cannot be a note (a FIFO, a PNG named `.md`,
a 200 MB dump) is reported as skipped with a reason; it never stops or hangs a scan.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

import pathspec

from store import logseq
from store.display import is_decodable, printable
from store.errors import NoteUnreadable, VaultIsAFile, VaultNotFound, VaultUnavailable

MAX_NOTE_BYTES = 5 * 1024 * 1024
IGNORE_FILE = ".substrateignore"
EMPTY_VAULT_GUARD = 10  # an index of more notes than this is never emptied by one scan that finds none
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BM", b"\x00\x00\x01\x00", b"RIFF", b"\x7fELF", b"SQLite format 3")
_TEXT_BYTES = bytes([9, 10, 12, 13, 27, *range(32, 256)])  # what text is made of; the rest are control bytes


WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def is_reserved_name(name: str) -> bool:
    """Is this a name Windows will not give a file or folder (`CON`, `nul.md`, `LPT1.txt`), whatever its suffix?"""
    return name.split(".")[0].strip().lower() in WINDOWS_RESERVED


class FileStat(NamedTuple):
    size: int
    mtime_ns: int
    regular: bool = True


@dataclass(frozen=True)
class NoteFile:
    """What reading one file gave: its text, or why it has none."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    text: str | None  # None: skipped, see problems
    problems: tuple[tuple[int | None, str], ...] = ()
    settled: bool = True  # False: the file changed while it was read (an editor still writing it)


class Vault:
    def __init__(self, root):
        root = Path(root).expanduser()
        if not root.exists():
            raise VaultNotFound(root)
        if not root.is_dir():
            raise VaultIsAFile(root)
        self.root = root.absolute()
        self.real_root = Path(os.path.realpath(self.root))
        self._ignore, self.ignore_problem = _load_ignore(self.root / IGNORE_FILE)
        # A Logseq graph names its pages its own way (see store/logseq.py); None for any other vault.
        self.logseq = logseq.detect(self.root, read_config_file)

    @property
    def reading(self) -> str:
        """How this vault's notes are read: when it changes (a folder becomes a Logseq graph, its
        name format changes), every note is read again."""
        return self.logseq.signature if self.logseq else "plain"

    @property
    def name(self) -> str:
        return self.real_root.name

    def is_note_path(self, rel: str) -> bool:
        """Would a file at this relative path be a note (by name alone)?"""
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts) or not parts[-1].lower().endswith(".md"):
            return False
        return not self._ignored(rel, is_dir=False)

    def holds_note(self, rel: str) -> bool:
        """Is there a note at this relative path now, by the same rules as `scan`?"""
        if not self.is_note_path(rel):
            return False
        path = self.root / rel
        real = os.path.realpath(path)
        if not (_within(real, str(self.real_root)) and os.path.lexists(path) and os.path.exists(real) and not os.path.isdir(real)):
            return False
        return _exact_case(path)

    def check_present(self, known_notes: int = 0, found_notes: int | None = None) -> None:
        """Refuse to treat an unmounted or vanished vault as one whose notes were all deleted."""
        if not self.root.is_dir():
            raise VaultUnavailable(self.root, "is gone (unmounted, moved or deleted)")
        if found_notes == 0 and known_notes > EMPTY_VAULT_GUARD:
            raise VaultUnavailable(self.root, f"holds no notes now but held {known_notes}; if you emptied it on purpose, delete its index")

    def _ignored(self, rel: str, is_dir: bool) -> bool:
        if self.logseq is not None and logseq.is_graph_folder(rel):
            return True
        if self._ignore is None:
            return False
        return self._ignore.match_file(rel + "/" if is_dir else rel)

    def scan(self, problems: list[tuple[str, str]] | None = None) -> dict[str, FileStat]:
        """Every note file below the root, with its size and mtime; symlinks out of the vault and loops are not followed.

        What the scan had to leave out is appended to `problems` as (name, message): a folder it
        cannot read, and a note or folder whose name is not valid UTF-8 (the index stores names as
        text). The name is shown with `printable`; a folder's ends with "/"."""
        found: dict[str, FileStat] = {}
        skipped = problems if problems is not None else []
        seen_dirs = {str(self.real_root)}
        stack = [("", str(self.root))]
        while stack:
            rel_dir, abs_dir = stack.pop()
            try:
                entries = list(os.scandir(abs_dir))
            except FileNotFoundError:
                continue  # gone since its parent was listed: the next scan sees what replaced it
            except OSError as exc:  # the rest of the vault still indexes; the hole is listed
                skipped.append(_unreadable(rel_dir or "./", exc))
                continue
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                rel = rel_dir + name
                try:
                    if not is_decodable(name):
                        self._undecodable(entry, rel, skipped)
                    elif self._ignore is None and self.logseq is None and name[-3:].lower() == ".md" and not entry.is_symlink() and not entry.is_dir():
                        info = entry.stat()  # the common case, kept lean: a plain note in a vault without ignore rules
                        found[rel] = FileStat(info.st_size, info.st_mtime_ns, stat.S_ISREG(info.st_mode))
                    else:
                        self._scan_entry(entry, rel, found, seen_dirs, stack)
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    skipped.append(_unreadable(rel + ("/" if _is_dir(entry) else ""), exc))
        return found

    def _undecodable(self, entry, rel: str, skipped: list[tuple[str, str]]) -> None:
        """A name the index cannot store: listed (if it would be a note or a folder of notes), never read."""
        if _is_dir(entry):
            if not self._ignored(rel, is_dir=True):
                skipped.append((printable(rel) + "/", "This folder's name is not valid UTF-8, so the notes in it are not indexed; rename it."))
        elif rel.lower().endswith(".md") and not self._ignored(rel, is_dir=False):
            skipped.append((printable(rel), "This file's name is not valid UTF-8, so it is not indexed; rename it."))

    def _scan_entry(self, entry, rel, found, seen_dirs, stack):
        if entry.is_symlink():
            real = os.path.realpath(entry.path)
            if not _within(real, str(self.real_root)) or not os.path.exists(real):
                return
        if entry.is_dir(follow_symlinks=True):
            real = os.path.realpath(entry.path)
            if real in seen_dirs or self._ignored(rel, is_dir=True):
                return
            seen_dirs.add(real)
            stack.append((rel + "/", entry.path))
        elif entry.name.lower().endswith(".md") and not self._ignored(rel, is_dir=False):
            info = entry.stat(follow_symlinks=True)
            found[rel] = FileStat(info.st_size, info.st_mtime_ns, stat.S_ISREG(info.st_mode))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _unreadable(name: str, exc: OSError) -> tuple[str, str]:
    what = "folder, so the notes in it are" if name.endswith("/") else "file, so it is"
    return printable(name), f"Substrate cannot read this {what} not indexed ({exc.strerror}){_hint(exc)}."


def _hint(exc: OSError) -> str:
    return "; fix its permissions" if isinstance(exc, PermissionError) else ""


class ConfigUnreadable(OSError):
    """A small file of the vault's own (its blueprint, ignore rules, templates, logs) that Substrate will not
    read: not a regular file (a pipe or a device would hang or never end), or larger than it may be."""


def read_config_file(path: Path | str, limit: int, offset: int = 0, cut: bool = False) -> bytes:
    """The bytes of one of the vault's own small files, from `offset` on, reading at most `limit` + 1 bytes.

    Opened without blocking and read only if it is a regular file: a FIFO or a link to /dev/zero in
    its place never hangs or fills memory. FileNotFoundError (and other OSErrors) pass through;
    ConfigUnreadable says why a file that is there was not read. A file longer than `limit` is
    refused, or with `cut` its first `limit` bytes are returned (a log read a piece at a time)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ConfigUnreadable("it is not a regular file (a pipe, a device or a folder in its place); replace it with a plain text file")
        if offset:
            os.lseek(fd, offset, os.SEEK_SET)
        want = limit if cut else limit + 1
        chunks, size = [], 0
        while size < want:
            chunk = os.read(fd, want - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise ConfigUnreadable(f"it is larger than {_amount(limit)}, more than such a file ever needs")
    return b"".join(chunks)


def read_note_bytes(root: Path | str, rel: str) -> bytes:
    """The bytes of the note at `rel`, as an export or an agent takes them: only a regular file inside the
    vault, at most MAX_NOTE_BYTES (the index saw it so, but it may have been swapped since). NoteUnreadable if not."""
    path = os.path.join(root, rel)
    if not _within(os.path.realpath(path), os.path.realpath(root)):
        raise NoteUnreadable(rel, "it is now a link that leads out of the vault")
    try:
        return read_config_file(path, MAX_NOTE_BYTES)
    except ConfigUnreadable as exc:
        raise NoteUnreadable(rel, str(exc).split(";")[0]) from None
    except OSError as exc:
        raise NoteUnreadable(rel, exc.strerror or str(exc)) from None


def _amount(size: int) -> str:
    return f"{size // 1_000_000} MB" if size >= 1_000_000 else f"{size // 1000} KB"


def read_note_file(root: str, rel: str) -> NoteFile:
    """Module-level so worker processes can call it with plain arguments."""
    path = os.path.join(root, rel)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return NoteFile(rel, 0, 0, "", None, ((None, f"Could not open the file ({exc.strerror}), so it is not indexed{_hint(exc)}."),))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return NoteFile(rel, info.st_size, info.st_mtime_ns, "", None, ((None, "Not a regular file (a pipe, socket or device named .md), so it is skipped; rename it so its name does not end in .md."),))
        if info.st_size > MAX_NOTE_BYTES:
            mb = info.st_size / 1_048_576
            return NoteFile(rel, info.st_size, info.st_mtime_ns, "", None, ((None, f"The file is {mb:.0f} MB, over the {MAX_NOTE_BYTES // 1_048_576} MB limit for a note, so it is skipped; split it into smaller notes or move it out of the vault."),))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_NOTE_BYTES + 1)
        after = os.fstat(fd)
    except OSError as exc:
        return NoteFile(rel, 0, 0, "", None, ((None, f"Could not read the file ({exc.strerror}), so it is not indexed{_hint(exc)}."),))
    finally:
        os.close(fd)
    settled = (after.st_size, after.st_mtime_ns) == (info.st_size, info.st_mtime_ns) == (len(raw), info.st_mtime_ns)
    digest = hashlib.sha256(raw).hexdigest()
    text, problems = decode(raw)
    return NoteFile(rel, len(raw), info.st_mtime_ns, digest, text, problems, settled)


def decode(raw: bytes) -> tuple[str | None, tuple[tuple[int | None, str], ...]]:
    """Bytes to text as NOTE-FORMAT says; (None, reason) for a file that is not text at all."""
    problems: list[tuple[int | None, str]] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else _utf16_order(raw), errors="replace")
        problems.append((None, "The file is saved as UTF-16; it was read, but save it as UTF-8 so every tool can read it."))
        return _normalise(text.lstrip("\ufeff")), tuple(problems)
    if raw.startswith(_BINARY_MAGIC) or _mostly_binary(raw):
        return None, ((None, "This is not a text file (an image or other binary saved with .md), so it is skipped; rename it so its name does not end in .md."),)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        problems.append((raw[: raw.index(b"\x00")].count(b"\n") + 1, "The file contains NUL bytes; they were replaced with \ufffd."))
        raw = raw.replace(b"\x00", "\ufffd".encode())
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append((line, "The file is not valid UTF-8; unreadable bytes were replaced with \ufffd. Save it as UTF-8 to fix."))
        text = raw.decode("utf-8", errors="replace")
    return _normalise(text), tuple(problems)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return max(even, odd) > 0.4 * half and min(even, odd) < 0.05 * half


def _utf16_order(raw: bytes) -> str:
    sample = raw[:4096]
    return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"


def _mostly_binary(raw: bytes) -> bool:
    sample = raw[:4096]
    if not sample:
        return False
    controls = len(sample.translate(None, _TEXT_BYTES))
    return controls > 0.1 * len(sample)


def _exact_case(path: Path) -> bool:
    """On case-insensitive disks `Note.md` exists even after a rename to `note.md`: ask the folder."""
    try:
        return path.name in os.listdir(path.parent)
    except OSError:
        return False


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


MAX_IGNORE_BYTES = 1_000_000  # ignore rules are a few lines


def _load_ignore(path: Path) -> tuple[pathspec.GitIgnoreSpec | None, str | None]:
    """The vault's ignore rules, and why they could not be read (None: read, or there are none)."""
    try:
        raw = read_config_file(path, MAX_IGNORE_BYTES)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"Substrate cannot read the vault's ignore rules: {_reason(exc)}. Until then no file is ignored."
    return pathspec.GitIgnoreSpec.from_lines(raw.decode("utf-8", errors="replace").splitlines()), None


def _reason(exc: OSError) -> str:
    return str(exc) if isinstance(exc, ConfigUnreadable) else f"it cannot be read ({exc.strerror or exc})"
