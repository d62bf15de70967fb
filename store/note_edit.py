"""Small, exact edits to a note's properties for "fill the gap": add the missing owner, mark it
reviewed today. Only the one property's lines change; every other byte of the note stays as the
person wrote it (line endings, a BOM, comments, key order). Saved through `safe_write.replace`,
so a note changed elsewhere since it was read is never overwritten, and listed in the activity log.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from store import activity
from store import clock
from store.errors import SubstrateError
from store.new_note import owner_link
from store.safe_write import digest, replace

_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_TOP_KEY = re.compile(r"^([^\s#\-][^:]*?)[ \t]*:(?:[ \t]|$)")


def set_property(text: str, key: str, value: str) -> str:
    """`text` with the front-matter property `key` set to the YAML `value` (added if absent; the
    front matter made if there is none)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.split(newline)
    line = f"{key}: {value}"
    if not lines or lines[0].rstrip() != "---":
        return bom + newline.join(["---", line, "---", *lines])
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise SubstrateError("Its properties (front matter) are never closed with a `---` line: fix that in the editor first.")
    start = next((i for i in range(1, end) if (m := _TOP_KEY.match(lines[i])) and m.group(1).strip() == key), None)
    if start is None:
        return bom + newline.join([*lines[:end], line, *lines[end:]])
    stop = start + 1
    while stop < end and (lines[stop][:1] in (" ", "\t", "-") or not lines[stop].strip()):
        stop += 1  # the value's own lines: indented, or a list written at the key's level
    return bom + newline.join([*lines[:start], line, *lines[stop:]])


def edit_property(vault: Path, path: str, key: str, value: str, action: str = "edited", by: str = "app") -> str:
    """Set one property of the note at `path` on disk and save it safely; the new content's digest."""
    target = Path(vault) / path
    data = target.read_bytes()
    text = data.decode("utf-8")  # a note that is not UTF-8 is for the editor, not for a one-click fix
    saved = replace(target, set_property(text, key, value).encode("utf-8"), digest(data), vault)
    activity.record(vault, by, action, path, Path(path).stem)
    return saved


def mark_reviewed(vault: Path, path: str, today: dt.date | None = None, by: str = "app") -> str:
    return edit_property(vault, path, "reviewed", (today or clock.today()).isoformat(), "reviewed", by)


def set_owner(vault: Path, path: str, owner: str, by: str = "app") -> str:
    link = owner_link(owner)
    if not link:
        raise SubstrateError("Give the owner's name.")
    return edit_property(vault, path, "owner", link, "edited", by)
