"""Writing a new note for a gap the brain has: a file that did not exist, from the blueprint's
slots for its type, so the person fills in blanks instead of facing an empty page. An existing
file is never touched."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from store.blueprint import Blueprint
from store.errors import SubstrateError

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_META = {"owner", "motion", "status", "confidence"}  # front-matter keys; other slots are inline fields


class NoteExists(SubstrateError):
    pass


def file_name(title: str) -> str:
    """A file name that works on Windows, macOS and Linux for `title`."""
    name = _UNSAFE.sub(" ", title).strip().strip(".")
    if not name:
        raise SubstrateError(f"“{title}” cannot be a note's name: give it some letters.")
    return f"{' '.join(name.split())[:120]}.md"


def note_text(blueprint: Blueprint, type_: str | None, title: str, today: dt.date, why: str = "") -> str:
    """Front matter with the type, an empty owner and today's date; a blank line per slot the
    blueprint asks for; the audit question as a prompt."""
    spec = blueprint.types.get(type_ or "")
    front = ["---"] + ([f"type: {type_}"] if type_ else []) + ["owner: ", "lives_in: note", f"reviewed: {today.isoformat()}", "---"]
    body = [f"# {title}", ""]
    if spec and spec.question:
        body += [f"> {spec.question}", ""]
    if why:
        body += [why, ""]
    slots = [slot for slot in (spec.slots if spec else ()) if slot.name not in _META]
    body += [f"{slot.name}:: " for slot in slots]  # a link slot takes [[Its Note]]
    return "\n".join(front + body) + "\n"


def create_note(vault_root: Path, folder: str, title: str, text: str) -> Path:
    """Write `text` as a new note in `folder` (relative to the vault); NoteExists if it is there."""
    root = Path(vault_root).resolve()
    target = (root / folder / file_name(title)).resolve()
    if root not in target.parents:
        raise SubstrateError(f"“{folder}” is outside the vault.")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise NoteExists(f"{target.relative_to(root).as_posix()} already exists: it is opened instead of written over.") from None
    return target
