"""Where Substrate keeps its own files: outside the vault, because synced folders (Dropbox,
iCloud, OneDrive) corrupt live SQLite files and WAL does not work over network drives."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import platformdirs

from store.display import printable
from store.errors import IndexInsideVault, IndexUnavailable, OutputRefused

APP_NAME = "Substrate"
DATA_DIR_VARIABLE = "SUBSTRATE_DATA_DIR"  # tests and portable installs point this elsewhere


def resources_dir() -> Path:
    """The blueprint, templates and sample brain that ship with Substrate (read only)."""
    bundled = getattr(sys, "_MEIPASS", None)  # inside a PyInstaller build
    return Path(bundled) / "resources" if bundled else Path(__file__).resolve().parents[1] / "resources"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_VARIABLE)
    return Path(override) if override else platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_index_path(vault_real_path: Path) -> Path:
    """One index per vault, named so a person browsing the folder can tell which is which."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", vault_real_path.name).strip("-")[:40] or "vault"
    digest = hashlib.sha256(str(vault_real_path).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return data_dir() / "indexes" / f"{slug}-{digest}.sqlite"


def within(path: Path, vault_root: Path) -> bool:
    """Is `path`, once every symbolic link on the way is followed, the vault or inside it?"""
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(vault_root))
    return real == root or root in real.parents


def check_output(path: Path, vault_root: Path | None, replace_existing: bool = True, what: str = "the file") -> None:
    """Refuse to write a file Substrate makes (a bundle, an export) into the vault, where only notes
    are written, over an existing file unless the person said so (`replace_existing`), or into a
    folder that is not there (`what` names the file in the message: "the bundle")."""
    folder = Path(path).absolute().parent
    if not os.path.isdir(folder):
        raise cannot_write(path, FileExistsError() if os.path.exists(folder) else FileNotFoundError(), what)
    if vault_root is not None and within(path, vault_root):
        raise OutputRefused(f"{printable(str(path))} is inside the vault {printable(str(vault_root))}: Substrate writes nothing there "
                            "but your notes. Choose a place outside the vault.")
    if not replace_existing and os.path.lexists(path):
        raise OutputRefused(f"{printable(str(path))} already exists and was left as it is: choose another name, or add --force to replace it.")


def cannot_write(path: Path, exc: OSError, what: str = "the file") -> OutputRefused:
    """The one line that says why `what` could not be written at `path`, and what to do."""
    folder = printable(str(Path(path).absolute().parent))
    if isinstance(exc, FileNotFoundError):
        why = "the folder does not exist. Create it or choose another place."
    elif isinstance(exc, (NotADirectoryError, FileExistsError)):
        why = f"{folder} is a file, not a folder. Choose another place."
    elif isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        why = f"you may not write in {folder}. Choose another place, or ask for write access to it."
    elif exc.errno == errno.ENOSPC:
        why = "the disk is full. Free some space or choose another place."
    else:
        why = f"{exc.strerror or exc}. Choose another place."
    return OutputRefused(f"Cannot write {what} to {printable(str(path))}: {why}")


SQLITE_HEADER = b"SQLite format 3\x00"


OUR_TABLES = {"files", "notes", "links", "names", "notes_fts"}  # what only a Substrate index holds together


def check_index_place(db_path: Path, vault_root: Path) -> None:
    """An index chosen by the person (--db) lives outside the vault, and never takes the place of a
    file that is not one of our indexes: a damaged index of ours is set aside and rebuilt, but
    anything else there (a note, a document, another program's database) is left alone."""
    if within(db_path, vault_root):
        raise IndexUnavailable(printable(str(db_path)), f"it is inside the vault {printable(str(vault_root))}, where only your notes "
                               "belong (the index is rebuilt from them and must live elsewhere)")
    reason = _not_an_index(Path(db_path))
    if reason:
        raise IndexUnavailable(printable(str(db_path)), f"{reason}, so it was left as it is")


def check_index(db_path: Path | None, vault_root: Path, db_option: bool = True) -> None:
    """The index, chosen (--db) or in its default place under the data folder, lives outside the vault:
    a data folder set inside the vault, or a vault that holds it (a home folder opened as a vault), is refused."""
    if db_path is not None:
        check_index_place(db_path, vault_root)
        return
    place = default_index_path(Path(os.path.realpath(vault_root)))
    if within(place, vault_root):
        raise IndexInsideVault(printable(str(place)), printable(str(vault_root)), DATA_DIR_VARIABLE, db_option)


def _not_an_index(path: Path) -> str | None:
    """Why the file at `path` is not a Substrate index (None: it is one, or nothing is there yet)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return None  # said by the index itself: "that is a folder, not a file"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if not header:
        return None  # an empty file: an index whose making was cut off
    if header != SQLITE_HEADER:
        return "that file is not a Substrate index"
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            ours = ("meta" in tables and db.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone()) \
                or OUR_TABLES <= tables  # an index of ours that lost its meta table is damaged, still ours
    except sqlite3.DatabaseError:
        return None  # a damaged database: ours to set aside and rebuild
    if tables and not ours:
        return "that file is another program's database, not a Substrate index"
    return None


DOCUMENTS_DIR_VARIABLE = "SUBSTRATE_DOCUMENTS_DIR"  # tests point the sample brain's copy elsewhere
SAMPLE_FOLDER = "Substrate Sample Brain"


def documents_dir() -> Path:
    override = os.environ.get(DOCUMENTS_DIR_VARIABLE)
    return Path(override) if override else Path(platformdirs.user_documents_dir())


def place_sample_brain() -> tuple[Path, bool]:
    """A copy of the sample brain in the user's documents, made on first use (never inside the
    installed program, which may be read-only and is replaced on update). Returns (where, newly made);
    an existing copy is kept as it is: it may hold the person's own edits."""
    target = documents_dir() / SAMPLE_FOLDER
    if target.is_dir():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{SAMPLE_FOLDER}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(resources_dir() / "sample-brain", partial)
    os.replace(partial, target)  # a half-made copy is never mistaken for the sample
    return target, True
