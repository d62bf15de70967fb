"""Errors a user can cause, each with a message written for the person who has to fix it."""

from store import words


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
