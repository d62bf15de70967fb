"""Writing new notes: a captured answer in a workshop, a gap the brain links to but nobody wrote,
an agent's capture over MCP. Each is a file that did not exist, made from its type's template
(`resources/templates/TYPE.md`, or the vault's own in `.substrate/templates/TYPE.md`) so the person
fills in blanks instead of facing an empty page; written atomically, never over an existing file,
and listed in the vault's activity log. A new note never takes a name (title, alias or file name,
compared without case or Unicode form, as links are) that another note in the vault already answers
to: every link to that name would stop knowing which note it means. Names are compared as they look
(`resolve.same_name_key`): a zero-width space, a soft hyphen or fullwidth letters make no new name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from store import activity
from store import clock
from store.blueprint import Blueprint
from store.display import printable
from store.errors import BadTitle, NoteExists, SubstrateError, TemplateUnusable
from store.locations import resources_dir
from store.resolve import same_name_key
from store.safe_write import write_new
from store.vault import ConfigUnreadable, is_reserved_name, read_config_file

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
NOT_IN_A_LINK = re.compile(r'[\[\]|#^"\x00-\x1f]')
MOTIONS = ("b2b", "b2c", "shared")
VAULT_TEMPLATES = ".substrate/templates"
MAX_TEMPLATE_BYTES = 100_000  # a template is a page of blanks


@dataclass(frozen=True)
class Draft:
    """What a person (or an agent) says about a new note."""

    title: str
    type: str | None = None
    lives_in: tuple[str, ...] = ("note",)
    owner: str = ""  # a person's or team's name: written as a typed link
    motion: str = ""
    text: str = ""


def file_name(title: str) -> str:
    """A file name that works on Windows, macOS and Linux for `title`: never one Windows reserves
    (`CON`, `nul.txt`), which becomes `CON (note).md` (the note keeps its title in its front matter)."""
    name = _clean_name(title)
    if is_reserved_name(name):
        stem, dot, rest = name.partition(".")  # Windows reads `CON.txt.md` as CON too: the mark goes before the first dot
        name = f"{stem.rstrip()} (note){dot}{rest}"
    return f"{name}.md"


def _clean_name(title: str) -> str:
    name = _UNSAFE.sub(" ", title).strip().strip(".")
    if not name:
        raise SubstrateError(f"“{title}” cannot be a note's name: give it some letters.")
    return " ".join(name.split())[:120]


def owner_link(name: str) -> str:
    """A person's or team's name as a typed link, safe in YAML; "" for no name."""
    clean = " ".join(NOT_IN_A_LINK.sub(" ", name).split())
    return f'"[[{clean}]]"' if clean else ""


def template(vault_root: Path | None, type_: str | None) -> str:
    """The template for a type: the vault's own first, then the shipped one, then the plain note's."""
    names = [f"{type_}.md"] if type_ else []
    folders = ([Path(vault_root) / VAULT_TEMPLATES] if vault_root else []) + [resources_dir() / "templates"]
    for folder in folders:
        for name in names + ["note.md"]:
            try:
                raw = read_config_file(folder / name, MAX_TEMPLATE_BYTES)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise TemplateUnusable(VAULT_TEMPLATES, name, str(exc) if isinstance(exc, ConfigUnreadable) else (exc.strerror or str(exc))) from None
            return raw.decode("utf-8", errors="replace")
    return "---\nowner: $owner\nreviewed: $reviewed\nlives_in: $lives_in\n---\n# $title\n\n$text\n"


def note_text(blueprint: Blueprint, draft: Draft, today: dt.date, vault_root: Path | None = None) -> str:
    """The template filled in: values are made safe for the YAML front matter they land in."""
    check(blueprint, draft)
    spec = blueprint.types.get(draft.type or "")
    places = [place for place in draft.lives_in if place in blueprint.risks] or ["note"]
    values = {
        "title": " ".join(draft.title.split()),
        "type": draft.type or "note",
        "owner": owner_link(draft.owner),
        "motion": draft.motion,
        "reviewed": today.isoformat(),
        "lives_in": places[0] if len(places) == 1 else f"[{', '.join(places)}]",
        "question": spec.question if spec else "",
        "text": draft.text.strip(),
    }
    form = template(vault_root, draft.type)
    text = string.Template(form).safe_substitute(values)
    if draft.motion and "$motion" not in form:  # a template without a motion line still keeps the one chosen
        text = _with_field(text, "motion", draft.motion)
    text = re.sub(r"^> *\n\n", "", text, flags=re.M)  # no question: no empty quote
    if is_reserved_name(_clean_name(draft.title)):  # the file is not named as the note is: its front matter says the name
        title = f"title: {json.dumps(values['title'], ensure_ascii=False)}\n"
        text = f"---\n{title}{text[4:]}" if text.startswith("---\n") else f"---\n{title}---\n{text}"
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def _with_field(text: str, key: str, value: str) -> str:
    """`key: value` as the last line of the front matter (a front matter made if there is none)."""
    if text.startswith("---\n") and (end := text.find("\n---", 3)) != -1:
        return f"{text[:end]}\n{key}: {value}{text[end:]}"
    return f"---\n{key}: {value}\n---\n{text}"


def check(blueprint: Blueprint, draft: Draft) -> None:
    """A clear message for each thing a new note cannot be."""
    if any(unicodedata.category(char) == "Cc" for char in draft.title):
        raise BadTitle(draft.title, "it holds control characters (a tab, a line break, an escape); type it on one line")
    if not same_name_key(draft.title):
        raise BadTitle(draft.title, "it shows nothing (only spaces or invisible characters); give it some letters")
    file_name(draft.title)
    if len(draft.title) > 200 or len(draft.text) > 200_000:
        raise SubstrateError("A new note is at most 200 characters of title and 200,000 of text.")
    if draft.type and draft.type not in blueprint.types:
        raise SubstrateError(f"“{draft.type}” is not a note type; the blueprint knows {', '.join(blueprint.types)}.")
    unknown = [place for place in draft.lives_in if place not in blueprint.risks]
    if unknown:
        raise SubstrateError(f"Knowledge lives in one of {', '.join(blueprint.risks)} (not {', '.join(unknown)}).")
    if draft.motion and draft.motion not in MOTIONS:
        raise SubstrateError(f"The motion is b2b, b2c or shared (not {draft.motion}).")


def folder_for(db, blueprint: Blueprint, type_: str | None) -> str:
    """Where notes of this type live in this vault; for a type it has none of yet, the type's label."""
    if not type_:
        return ""
    paths = [path for (path,) in db.execute("SELECT path FROM notes WHERE type = ? LIMIT 200", [type_])]
    folders = Counter(path.rpartition("/")[0] for path in paths)
    if folders:
        return folders.most_common(1)[0][0]
    spec = blueprint.types.get(type_)
    return spec.label.lower() if spec else ""


def existing_note(vault_root: Path, db, title: str) -> str | None:
    """The vault path of a note that already answers to `title` or to the file name it would get: by
    the index (titles, file names, aliases) and by the disk (a note the index has not read yet)."""
    keys = {same_name_key(title), same_name_key(file_name(title))}
    found = sorted(path for key, path in db.execute("SELECT key, path FROM names") if same_name_key(key) in keys)
    if found:
        return found[0]
    for path, other in db.execute("SELECT path, title FROM notes WHERE title IS NOT NULL"):
        if same_name_key(other) in keys:
            return path
    root = Path(vault_root)
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name[-3:].lower() == ".md" and name[:1] != "." and same_name_key(name) in keys:
                return (Path(folder) / name).relative_to(root).as_posix()
    return None


def create_note(vault_root: Path, folder: str, title: str, text: str) -> Path:
    """Write `text` as a new note in `folder` (relative to the vault); NoteExists if it is there."""
    root = Path(vault_root).resolve()
    target = (root / folder / file_name(title)).resolve()
    if root not in target.parents:
        raise SubstrateError(f"“{printable(folder)}” is outside the vault.")
    try:
        write_new(target, text.encode("utf-8"))
    except FileExistsError:
        raise NoteExists(target.relative_to(root).as_posix(), title) from None
    return target


def capture(vault_root: Path, db, blueprint: Blueprint, draft: Draft, by: str = "app", today: dt.date | None = None) -> str:
    """Write the draft as a new note where its type lives; its vault path. Listed in the activity log.
    NoteExists (naming it) if a note of that name is anywhere in the vault."""
    text = note_text(blueprint, draft, today or clock.today(), vault_root)
    existing = existing_note(vault_root, db, draft.title)
    if existing:
        raise NoteExists(existing, draft.title)
    written = create_note(vault_root, folder_for(db, blueprint, draft.type), draft.title, text)
    path = written.relative_to(Path(vault_root).resolve()).as_posix()
    activity.record(vault_root, by, "created", path, draft.title)
    return path
