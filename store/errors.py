"""Errors a user can cause, each with a message written for the person who has to fix it."""

from __future__ import annotations

import difflib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from store import words
from store.display import printable, shortened

if TYPE_CHECKING:
    from store.activity import Entry


class SubstrateError(Exception):
    """Base class: the message is shown as is, on one line, in the CLI and the app."""


class VaultNotFound(SubstrateError):
    """The vault folder does not exist."""

    def __init__(self, path):
        super().__init__(f"No vault at {path}: the folder does not exist. Check the path, or create the folder first.")
        self.path = path


class VaultIsAFile(SubstrateError):
    """The vault path names a file, not a folder."""

    def __init__(self, path):
        super().__init__(f"{path} is a file, not a folder. Point Substrate at the folder that holds your notes.")
        self.path = path


class IndexUnavailable(SubstrateError):
    """The index file cannot be created, opened or written."""

    def __init__(self, path, reason):
        super().__init__(f"Cannot use the index at {path}: {reason}. Choose another place with --db, or check the folder's permissions.")
        self.path = path
        self.reason = reason


class IndexInsideVault(SubstrateError):
    """The index's default place (under Substrate's data folder) falls inside the vault."""

    def __init__(self, path, vault, variable: str, db_option: bool = True):
        also = ", or use --db" if db_option else ""
        super().__init__(f"Substrate's index for {vault} would be inside the vault, at {path}, where only your notes belong: "
                         f"set {variable} to a folder outside it{also}.")
        self.path = path


class NoteNotFound(SubstrateError):
    """No note matches what the user asked for."""

    def __init__(self, name):
        super().__init__(f"No note named {name!r} in this vault. Try `substrate search` to find it.")
        self.name = name


class IndexBusy(SubstrateError):
    """Another process is already the writer of this index."""

    def __init__(self, path):
        super().__init__(
            f"Another Substrate (the app or `substrate watch`) is already keeping the index at {path} up to date. "
            "Close it first, or give this one its own index with --db."
        )
        self.path = path


class VaultUnavailable(SubstrateError):
    """The vault folder cannot be read right now; the index is kept as it was."""

    def __init__(self, path, reason):
        super().__init__(f"The vault at {path} {reason}. The index is kept as it was; Substrate picks up again when the folder is back.")
        self.path = path
        self.reason = reason


class OutputRefused(SubstrateError):
    """A file Substrate was asked to write (a bundle, an export) would land in the vault or over a file."""


class IndexDamaged(SubstrateError):
    """A read found the index damaged; the next open sets it aside and builds a fresh one."""

    def __init__(self, path, reason):
        super().__init__(
            f"The index at {path} is damaged ({reason}). Run the command again: Substrate sets the damaged index aside "
            "and builds a fresh one from your notes, which are untouched."
        )
        self.path = path
        self.reason = reason


def still_indexing(done: int, total: int, starts_sentence: bool = False) -> str:
    return f"{'A' if starts_sentence else 'a'}nother Substrate is still indexing this vault ({done:,} of {words.counted(total, 'note')})"


class IndexStillBuilding(SubstrateError):
    """Another process is part way through indexing: the index holds only part of the vault."""

    def __init__(self, done, total):
        super().__init__(f"{still_indexing(done, total, starts_sentence=True)}: an export now would leave notes out. Wait until it finishes, then run export again.")
        self.done, self.total = done, total


WHAT_IF_NAMES = {"absent": "People this run may ask", "down": "Systems this run uses", "assume_fixed": "Notes this run reads"}


class NotInRun(NoteNotFound):
    """A what-if names something that is not in the vault, so it could change nothing."""

    def __init__(self, name: str, kind: str, candidates: list[str]):
        close = difflib.get_close_matches(name[:200].casefold(), [c.casefold() for c in candidates], n=3, cutoff=0.6)
        candidates = sorted(candidates, key=lambda c: (c.casefold() not in close, close.index(c.casefold()) if c.casefold() in close else 0))
        shown = ", ".join(printable(c) for c in candidates[:12]) + (", …" if len(candidates) > 12 else "")
        SubstrateError.__init__(self, f"No note named '{shortened(printable(name))}' in this vault, so the what-if cannot use it. "
                                f"{WHAT_IF_NAMES[kind]} (closest first): {shown or 'none'}.")
        self.name, self.kind, self.candidates = name, kind, candidates


class NoteExists(SubstrateError):
    """Another note already answers to the new note's name; `path` is that note's vault path."""

    def __init__(self, path: str, name: str):
        super().__init__(f"“{printable(name)}” is already a note: {printable(path)}. Edit that note instead of writing a second one, "
                         "or give this one another name (two notes of one name leave every link to it unsure which it means).")
        self.path = path


class BadTitle(SubstrateError):
    """The title holds control characters, or nothing visible once invisible characters are left out."""

    def __init__(self, title: str, why: str):
        super().__init__(f"“{printable(title)}” cannot be a note's title: {why}.")
        self.title = title


class TemplateUnusable(SubstrateError):
    """A template of the vault's own (`.substrate/templates/TYPE.md`) is there but cannot be used."""

    def __init__(self, folder: str, name: str, reason: str):
        super().__init__(f"The vault's template {folder}/{printable(name)} cannot be used: {reason}. "
                         "Replace it with a plain text file, or remove it to use the shipped one.")


class NotAProgram(SubstrateError):
    """A note asked for as a program is a note of another type."""

    def __init__(self, name: str, type_: str | None):
        super().__init__(f"'{name}' is a {type_ or 'note without a type'}, not a program. Programs are notes with `type: program`.")


class ChangedOnDisk(SubstrateError):
    """The note on disk is not the one the editor opened; `current` holds what is there now (None: deleted)."""

    def __init__(self, path: Path, current: bytes | None):
        what = "was deleted" if current is None else "was changed by another program"
        super().__init__(f"{printable(path.name)} {what} since you opened it.")
        self.current = current


class SaveFailed(SubstrateError):
    """The disk refused the save, or it would write where a note may not be; nothing was written."""


class OutsideVault(SaveFailed):
    """The note's real file (after following its symbolic links) is not inside the vault."""

    def __init__(self, path: Path, real: str):
        super().__init__(f"{printable(path.name)} is a link to {printable(real)}, outside the vault: Substrate only writes "
                         "inside the vault, so nothing was saved. Edit that file where it lives, or copy it into the vault.")
        self.path = path


class NoteUnreadable(SubstrateError):
    """A note that was indexed cannot be read now: it became a pipe, a link out of the vault, or too large."""

    def __init__(self, rel: str, reason: str):
        super().__init__(f"{printable(rel)} cannot be read now: {reason}. Look at the file, or leave it out.")
        self.path = rel


class NotRecorded(SubstrateError):
    """The note is written, but its line in the activity log is not (a link out of the vault, a full disk)."""

    def __init__(self, entry: Entry, reason: str):
        super().__init__(f"{printable(entry.path)} is written, but the vault's activity log could not record it: {reason}.")
        self.entry = entry


class BundleError(SubstrateError):
    """A bundle cannot be made or brought in; the message says why, and what was left as it was."""


class BadDay(SubstrateError):
    """SUBSTRATE_TODAY is set to something that is not a day."""

    def __init__(self, variable: str, value: str):
        super().__init__(f"{variable}={printable(value)} is not a day: set it as YYYY-MM-DD (e.g. 2026-12-01), "
                         "or unset it to use the real date.")


class IndexUnreadable(SubstrateError):
    """A read of the index failed just now (a lock held too long, a file briefly unreadable)."""

    def __init__(self):
        super().__init__("The index could not be read just now; it is rebuilt from your notes if it stays that way. Your notes are untouched.")


def index_error(exc: BaseException) -> SubstrateError | None:
    """The index's own failures (SQLite's errors) as an error a person can read; None for anything else,
    so a window or a command need not know which database keeps the index."""
    return IndexUnreadable() if isinstance(exc, sqlite3.Error) else None
