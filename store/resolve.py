"""Link resolution: which note a link's target text names. Pure functions over plain data.

Every note is reachable under lookup keys of four kinds, tried in order: its path (without
`.md`), its name (its file name without `.md`, or a Logseq page's own name), each of its aliases,
and its basic-memory permalink. Keys ignore case and Unicode
normal form, so `[[café]]` typed on Windows finds `Café.md` saved on a Mac.
"""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from store import words

KIND_ORDER = ("path", "name", "alias", "permalink")
MEMORY_KINDS = ("permalink", "path")  # what `memory://…` names: a permalink, else a path


@dataclass(frozen=True)
class Resolution:
    target_path: str | None
    candidates: tuple[str, ...]  # every note that matched at the winning kind, best first

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


UNRESOLVED = Resolution(None, ())


@lru_cache(maxsize=65536)  # the same few thousand names are looked up again and again
def lookup_key(text: str) -> str:
    """The form in which names are compared: NFC, case-folded, trimmed, without `.md`."""
    key = unicodedata.normalize("NFC", text).strip().casefold()
    if key.endswith(".md"):
        key = key[:-3]
    return key


# Default-ignorable code points that are not of category Cf (those are all removed): combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors.
_INVISIBLE_RANGES = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
                     (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0000, 0xE0FFF))


def invisible(char: str) -> bool:
    """Whether `char` shows nothing where it stands: a format or control character (soft hyphen, zero-width
    space and joiners, bidi marks and overrides, byte order mark), a variation selector or another
    default-ignorable code point."""
    if unicodedata.category(char) in ("Cf", "Cc"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


@lru_cache(maxsize=65536)
def same_name_key(text: str) -> str:
    """The form in which two notes' names are compared when a new note is written (capture, import): names
    that look alike on screen get one key. Invisible characters removed, NFKC (fullwidth ＳＡＬＥＳ is SALES),
    case-folded, whitespace runs made one space and trimmed, without `.md`. Links keep `lookup_key`:
    a note's name is refused if it merely looks like another, but what a link means does not change."""
    if text.isascii():
        kept = text if text.isprintable() else "".join(char for char in text if not invisible(char) or char.isspace())
    else:
        kept = "".join(char for char in text if not invisible(char) or char.isspace())
    key = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", kept).casefold())
    key = " ".join(key.split())
    if key.endswith(".md"):
        key = key[:-3].rstrip()
    return key


def note_keys(path: str, aliases, names=(), permalink: str | None = None) -> set[tuple[str, str]]:
    """(key, kind) pairs under which the note at `path` can be found. `names` replace the file name
    (a Logseq page is found by its page name, not by `A___B`)."""
    keys = {(lookup_key(path), "path")}
    keys.update((lookup_key(name), "name") for name in (names or (posixpath.basename(path),)) if name.strip())
    keys.update((lookup_key(alias), "alias") for alias in aliases if alias.strip())
    if permalink and permalink.strip():
        keys.add((lookup_key(permalink), "permalink"))
    return keys


def markdown_link_keys(target: str, source_path: str) -> tuple[str | None, str | None]:
    """Keys for a markdown link: relative to the linking note's folder, else to the vault root."""
    folder = posixpath.dirname(source_path)
    relative = _inside_vault(posixpath.join(folder, target)) if not target.startswith("/") else None
    from_root = _inside_vault(target.lstrip("/"))
    primary = lookup_key(relative) if relative else None
    fallback = lookup_key(from_root) if from_root else None
    if fallback == primary:
        fallback = None
    return primary, fallback


def _inside_vault(path: str) -> str | None:
    normal = posixpath.normpath(path)
    if normal.startswith("../") or normal == ".." or normal == ".":
        return None
    return normal


def choose(matches, source_path: str, kinds=KIND_ORDER) -> Resolution:
    """Pick the note a link names from `matches`, a sequence of (path, kind) pairs.

    The first kind with any match wins; within it, a note in the linking note's folder beats
    the others, then the shortest path (then alphabetical, so the choice is stable).
    """
    if not matches:
        return UNRESOLVED
    if len(matches) == 1:  # the common case: one note answers to this name
        path, kind = matches[0]
        return Resolution(path, (path,)) if kind in kinds else UNRESOLVED
    by_kind: dict[str, set[str]] = {}
    for path, kind in matches:
        by_kind.setdefault(kind, set()).add(path)
    folder = posixpath.dirname(source_path)
    for kind in kinds:
        paths = by_kind.get(kind)
        if paths:
            ranked = sorted(paths, key=lambda p: (posixpath.dirname(p) != folder, len(p), p))
            return Resolution(ranked[0], tuple(ranked))
    return UNRESOLVED


def ambiguity_message(target: str, resolution: Resolution) -> str:
    others = ", ".join(resolution.candidates[1:])
    return (
        f"The link to \u201c{target}\u201d matches {words.counted(len(resolution.candidates), 'note')} and goes to "
        f"{resolution.target_path} (also matches {others}). Write the folder too, e.g. [[{resolution.target_path[:-3]}]], to choose."
    )
