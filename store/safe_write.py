"""Writing notes so that a crash, a full disk or another program never costs the person a note.

Both ways go through a temporary file in the note's own folder, flushed to disk before it takes the
note's name: a reader (or a crash) sees exactly the old bytes or exactly the new ones.

- `write_new`: a note that must not exist yet; linked into place, so a file that appears meanwhile
  is never replaced.
- `replace`: saving an edit; the bytes on disk are first compared by content hash with the ones the
  editor opened (mtimes and sizes lie: an edit of the same size within the same second looks the same).
  A note reached through a symbolic link is saved where the link points (the link stays a link), and
  only inside the vault; the file keeps its mode, owner and extended attributes where the OS allows.
  A note with several names (hard links) is saved the same way, and then each of its other names
  inside the vault is pointed at the new file, one atomic rename each, so the names stay one note.
  Every name holds exactly the old or exactly the new bytes at every moment (writing into the file
  itself would not: a kill or a power cut part way through a large write() leaves a torn note). A
  crash between renames leaves a name with the whole old bytes, on its own; names outside the vault
  keep the old bytes (Substrate writes nothing there).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
import time
from pathlib import Path

from store import words
from store.display import printable
from store.errors import ChangedOnDisk, OutsideVault, SaveFailed


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: done once, before any thread writes
    os.umask(mask)
    return mask


UMASK = _read_umask()


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


def replace(target: Path, data: bytes, opened_digest: str | None, vault: Path) -> str:
    """Save `data` over `target` (a note in `vault`), which must still hold the bytes whose digest is
    `opened_digest` (None: the note must not exist). Returns the new digest. ChangedOnDisk if someone
    else wrote it; OutsideVault if it is a link out of the vault; SaveFailed (with the original
    untouched) if the disk refuses."""
    target = Path(target)
    real = Path(os.path.realpath(target))  # a link is saved where it points, so it stays a link
    root = Path(os.path.realpath(vault))
    if root not in real.parents:
        raise OutsideVault(target, str(real))
    try:
        current = real.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise SaveFailed(f"{printable(target.name)} could not be read before saving ({exc.strerror or exc}); nothing was written.") from exc
    if (None if current is None else digest(current)) != opened_digest:
        raise ChangedOnDisk(target, current)
    unsaved = f"{printable(target.name)} was not saved: {{}}. The note on disk is unchanged and your edit is kept."
    try:
        info = real.stat() if current is not None else None
        other_names = _other_names(root, real, info) if info is not None and info.st_nlink > 1 else []
        temporary = _temporary(real, data, stat.S_IMODE(info.st_mode) if info else 0o666 & ~UMASK)
    except OSError as exc:
        raise SaveFailed(unsaved.format(exc.strerror or exc)) from exc
    try:
        if info is not None:
            _keep_identity(temporary, real, info)
        os.replace(temporary, real)
    except OSError as exc:
        _remove(temporary)
        raise SaveFailed(unsaved.format(exc.strerror or exc)) from exc
    _relink(real, other_names)  # straight after the rename: a crash in between leaves the names apart (each whole)
    _sync_folder(real.parent)
    return digest(data)


def _other_names(root: Path, real: Path, info: os.stat_result) -> list[Path]:
    """The vault's other names (hard links) of the file `real`, found by its inode."""
    names = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            path = Path(folder) / name
            try:
                found = os.lstat(path)
            except OSError:
                continue
            if (found.st_dev, found.st_ino) == (info.st_dev, info.st_ino) and path != real:
                names.append(path)
    return names


def _relink(real: Path, names: list[Path]) -> None:
    """Point each name at the saved file: a link made beside it as a dot-file, renamed over it."""
    failed = []
    for name in names:
        temporary = name.parent / f".substrate-{os.urandom(6).hex()}.tmp"
        try:
            os.link(real, temporary)
            os.replace(temporary, name)
        except OSError as exc:
            _remove(str(temporary))
            failed.append(f"{printable(name.name)} ({exc.strerror or exc})")
            continue
        _sync_folder(name.parent)
    if failed:
        raise SaveFailed(f"{printable(real.name)} was saved, but its other {words.agreeing(len(failed), 'name')} {', '.join(failed)} "
                         f"still {words.agreeing(len(failed), 'shows', 'show')} the old text: save it again to link them.")


def _keep_identity(temporary: str, real: Path, info: os.stat_result) -> None:
    """The new file takes the note's owner, group and extended attributes (labels, tags, ACLs), as far
    as this process may give them; the mode is set after, as a change of owner can clear bits."""
    made = os.stat(temporary)
    if (made.st_uid, made.st_gid) != (info.st_uid, info.st_gid) and hasattr(os, "chown"):
        try:
            os.chown(temporary, info.st_uid, info.st_gid)
        except PermissionError:  # only root may give a file away: the note becomes the saver's, in its group if a member
            try:
                os.chown(temporary, -1, info.st_gid)
            except PermissionError:
                pass
    os.chmod(temporary, stat.S_IMODE(info.st_mode))
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(real)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise
    for name in names:
        try:
            os.setxattr(temporary, name, os.getxattr(real, name))
        except OSError as exc:  # e.g. security.* labels only root may set, a file system without them
            if exc.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM, errno.EACCES, errno.ENODATA):
                raise


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
