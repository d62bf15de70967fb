"""Writing notes so that a crash, a full disk or another program never costs the person a note.

Both ways go through a temporary file in the note's own folder, flushed to disk before it takes the
note's name: a reader (or a crash) sees exactly the old bytes or exactly the new ones.

- `write_new`: a note that must not exist yet; linked into place, so a file that appears meanwhile
  is never replaced.
- `replace`: saving an edit; the bytes on disk are first compared by content hash with the ones the
  editor opened (mtimes and sizes lie: an edit of the same size within the same second looks the same),
  and the file keeps its mode.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import time
from pathlib import Path

from store.errors import SubstrateError


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: done once, before any thread writes
    os.umask(mask)
    return mask


UMASK = _read_umask()


class ChangedOnDisk(SubstrateError):
    """The note on disk is not the one the editor opened; `current` holds what is there now (None: deleted)."""

    def __init__(self, path: Path, current: bytes | None):
        what = "was deleted" if current is None else "was changed by another program"
        super().__init__(f"{path.name} {what} since you opened it.")
        self.current = current


class SaveFailed(SubstrateError):
    pass


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_with_digest(path: Path) -> tuple[bytes, str]:
    data = Path(path).read_bytes()
    return data, digest(data)


def write_new(target: Path, data: bytes) -> None:
    """Create `target` with `data`; FileExistsError if anything is there, and then nothing is written."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(target, data, 0o666 & ~UMASK)  # as the person's editor would make it, not mkstemp's 0600
    try:
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create instead
            with open(target, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
    finally:
        _remove(temporary)
    _sync_folder(target.parent)


def replace(target: Path, data: bytes, opened_digest: str | None) -> str:
    """Save `data` over `target`, which must still hold the bytes whose digest is `opened_digest`
    (None: the note must not exist). Returns the new digest. ChangedOnDisk if someone else wrote it;
    SaveFailed (with the original untouched) if the disk refuses."""
    target = Path(target)
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise SaveFailed(f"{target.name} could not be read before saving ({exc.strerror or exc}); nothing was written.") from exc
    if (None if current is None else digest(current)) != opened_digest:
        raise ChangedOnDisk(target, current)
    mode = stat.S_IMODE(target.stat().st_mode) if current is not None else 0o666 & ~UMASK
    try:
        temporary = _temporary(target, data, mode)
    except OSError as exc:
        raise SaveFailed(f"{target.name} was not saved: {exc.strerror or exc}. The note on disk is unchanged and your edit is kept.") from exc
    try:
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise SaveFailed(f"{target.name} was not saved: {exc.strerror or exc}. The note on disk is unchanged and your edit is kept.") from exc
    _sync_folder(target.parent)
    return digest(data)


def _temporary(target: Path, data: bytes, mode: int) -> str:
    """A flushed, fsynced file with `data` beside `target` (a dot-file, which the indexer skips)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".substrate-", suffix=".tmp")
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


LEFTOVER_AGE = 60  # seconds: a temporary file this old belongs to a save that was cut off


def sweep_leftovers(vault_root: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of saves cut off by a crash (never a note; only our own dot-files)."""
    now = time.time() if now is None else now
    removed = []
    for folder, folders, files in os.walk(vault_root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name.startswith(".substrate-") and name.endswith(".tmp"):
                path = Path(folder) / name
                try:
                    if now - path.stat().st_mtime > LEFTOVER_AGE:
                        path.unlink()
                        removed.append(path)
                except OSError:
                    continue
    return removed
