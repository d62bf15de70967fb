"""Where Substrate keeps its own files: outside the vault, because synced folders (Dropbox,
iCloud, OneDrive) corrupt live SQLite files and WAL does not work over network drives."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

import platformdirs

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
