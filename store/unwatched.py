"""Folders the operating system refused to watch, and polling them instead.

On Linux watchdog asks inotify for one watch per folder. When the system's limit is reached part
way, it skips the remaining sub-folders without a word (only a failure on the vault itself is
raised): edits there would wait for the next full rescan. The kernel lists what each inotify
instance really watches in /proc/self/fdinfo; the vault's folders missing from that list are
polled. Elsewhere (macOS, Windows) one watch covers the whole tree and nothing is missing.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from store.vault import Vault

_WATCH_LINE = re.compile(r"^inotify wd:\S+ ino:([0-9a-f]+) sdev:([0-9a-f]+)", re.M)


def watched_folders() -> set[tuple[int, int]] | None:
    """(device, inode) of every folder this process's inotify instances watch; None where the
    system cannot say (not Linux)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return None
    found: set[tuple[int, int]] = set()
    for fd in os.listdir(fds):
        try:
            if os.readlink(fds / fd) != "anon_inode:inotify":
                continue
            text = Path(f"/proc/self/fdinfo/{fd}").read_text()
        except OSError:
            continue  # closed meanwhile
        for inode, sdev in _WATCH_LINE.findall(text):
            dev = int(sdev, 16)  # the kernel's own encoding: major in the top 12 bits, minor in the low 20
            found.add((os.makedev(dev >> 20, dev & 0xFFFFF), int(inode, 16)))
    return found


def folders(vault: Vault) -> dict[str, tuple[int, int]]:
    """Every folder that can hold notes ("" for the vault itself), with its (device, inode)."""
    found: dict[str, tuple[int, int]] = {}
    stack = [""]
    while stack:
        rel = stack.pop()
        path = os.path.join(vault.root, rel) if rel else str(vault.root)
        try:
            info = os.stat(path)
            entries = list(os.scandir(path))
        except OSError:
            continue  # unreadable or gone: nothing to watch there
        found[rel] = (info.st_dev, info.st_ino)
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir() or vault._ignored(child, is_dir=True):
                    continue
            except OSError:
                continue
            stack.append(child)
    return found


def unwatched(vault: Vault) -> tuple[list[str], int] | None:
    """(the vault's folders no inotify watch covers, how many folders it has); None where the
    system cannot say."""
    watched = watched_folders()
    if watched is None:
        return None
    every = folders(vault)
    return sorted(rel for rel, key in every.items() if key not in watched), len(every)


class Poller:
    """Lists a few folders now and then, and reports what changed in them as the observer would:
    the path of a note added, changed or removed, or None when a sub-folder came or went (its
    notes are unknown: rescan)."""

    def __init__(self, vault: Vault, rels: list[str]):
        self.vault = vault
        self.rels = list(rels)
        self._seen = {rel: self._list(rel) for rel in self.rels}

    def poll(self) -> list[str | None]:
        changes: list[str | None] = []
        for rel in self.rels:
            now, before = self._list(rel), self._seen[rel]
            self._seen[rel] = now
            for name in now.keys() | before.keys():
                if now.get(name) == before.get(name):
                    continue
                was_dir = before.get(name, (False,))[0]
                is_dir = now.get(name, (False,))[0]
                if is_dir or was_dir:
                    changes.append(None)
                elif name.lower().endswith(".md"):
                    changes.append(f"{rel}/{name}" if rel else name)
        return changes

    def _list(self, rel: str) -> dict[str, tuple[bool, int, int]]:
        path = os.path.join(self.vault.root, rel) if rel else str(self.vault.root)
        listed = {}
        try:
            entries = list(os.scandir(path))
        except OSError:
            return {"": (True, 0, 0)}  # the folder itself is gone or unreadable: a change of folders
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            directory = stat.S_ISDIR(info.st_mode)
            listed[entry.name] = (directory, 0 if directory else info.st_size, 0 if directory else info.st_mtime_ns)
        return listed
