"""Showing names that came from the disk: a file name may hold any bytes the filesystem allows.

`printable(name)` is the one way a path or title reaches a terminal, a log or a window: control
characters (terminal escapes, newlines), bidirectional overrides and undecodable bytes (Python's
surrogate escapes) become visible escapes, so a name can neither rewrite the screen nor hide
what it is.
"""

from __future__ import annotations

import re

# C0/C1 controls, DEL, bidi embeddings/overrides/isolates and marks, zero-width and line/paragraph
# separators, and lone surrogates (undecodable bytes read with surrogateescape).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every character that could act on a screen shown as an escape (`\\x1b`, `\\u202e`, `\\xff`)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode gives it
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def shortened(text: str, most: int = 120) -> str:
    """A long name cut in the middle (its start and its end say most), so a line that shows it stays readable."""
    return text if len(text) <= most else f"{text[: most // 2 - 1]}…{text[-(most // 2):]}"


def is_decodable(name: str) -> bool:
    """Can this name (from os.scandir/os.listdir) be stored as UTF-8 text? False for undecodable bytes."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
