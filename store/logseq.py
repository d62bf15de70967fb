"""Logseq file graphs: how Logseq names a page, so links in a Logseq graph resolve as Logseq resolves them.

A folder is a Logseq graph when it holds `logseq/config.edn` and a `pages/` or `journals/` folder.
A page's name is its `title::` property when it has one (read by the parser), else its file name
decoded as Logseq's `:file/name-format` says (`logseq.graph-parser.extract/title-parsing`):

- `:triple-lowbar` (graphs made since Logseq 0.8.9): `___` is the namespace `/`, then `%XX` is decoded,
  and empty namespaces are dropped (`A___B.md` is page `A/B`);
- `:legacy` (the setting absent): `.` is the namespace `/`, then the whole name is URL-decoded
  (`A.B.md` and `A%2FB.md` are both page `A/B`).

A journal (`journals/2024_01_31.md`, named by `:journal/file-name-format`) is the page of its day,
titled by `:journal/page-title-format` (`Jan 31st, 2024` by default).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

CONFIG = "logseq/config.edn"
MAX_CONFIG_BYTES = 1_000_000
DEFAULT_TITLE_FORMAT = "MMM do, yyyy"
DEFAULT_FILE_FORMAT = "yyyy_MM_dd"
# Properties Logseq keeps for itself on a block: what the block looks like or where it came from, not what
# it says (`gp-property/hidden-built-in-properties` and the editable ones of no meaning to a brain).
BLOCK_BUILT_INS = frozenset({
    "id", "collapsed", "heading", "background-color", "background_color", "created-at", "updated-at", "card-last-interval",
    "card-repeats", "card-ease-factor", "card-next-schedule", "card-last-reviewed", "card-last-score", "query-table",
    "query-properties", "query-sort-by", "query-sort-desc", "logseq.order-list-type", "logseq.table.version", "hl-page",
    "hl-stamp", "hl-color", "hl-type", "ls-type", "template-including-parent", "filters", "public", "exclude-from-graph-view",
})
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TOKEN = re.compile(r"yyyy|yy|MMMM|MMM|MM|M|do|dd|d|EEEE|EEE|EE|E|'[^']*'")


@dataclass(frozen=True)
class Graph:
    """A Logseq graph's naming settings, as its `logseq/config.edn` gives them."""

    name_format: str = "legacy"  # "triple-lowbar" or "legacy"
    journal_title: str = DEFAULT_TITLE_FORMAT
    journal_file: str = DEFAULT_FILE_FORMAT
    journals: str = "journals"

    @property
    def signature(self) -> str:
        """What, if it changes, makes every page's name change: the index re-reads every note."""
        return f"logseq {self.name_format} {self.journal_title!r} {self.journal_file!r} {self.journals}"


def detect(root: Path | str, read: Callable[[Path, int], bytes]) -> Graph | None:
    """The graph's settings when `root` is a Logseq graph, else None. `read(path, limit)` reads a small
    file of the vault's own (the vault's bounded reader); a config it refuses (a pipe, too large)
    still marks a graph, whose settings are then Logseq's defaults."""
    root = Path(root)
    if not (root / CONFIG).is_file():
        return None
    try:
        config = _without_comments(read(root / CONFIG, MAX_CONFIG_BYTES).decode("utf-8", "replace"))
    except OSError:  # ConfigUnreadable is an OSError
        config = ""
    journals = _string(config, "journals-directory") or "journals"
    pages = _string(config, "pages-directory") or "pages"
    if not ((root / pages).is_dir() or (root / journals).is_dir()):
        return None
    name_format = re.search(r":file/name-format\s+:([\w-]+)", config)
    return Graph(
        name_format="triple-lowbar" if name_format and name_format.group(1) == "triple-lowbar" else "legacy",
        journal_title=_string(config, "journal/page-title-format") or DEFAULT_TITLE_FORMAT,
        journal_file=_string(config, "journal/file-name-format") or DEFAULT_FILE_FORMAT,
        journals=journals.strip("/"),
    )


def _string(config: str, key: str) -> str | None:
    found = re.search(rf":{re.escape(key)}\s+\"((?:[^\"\\]|\\.)*)\"", config)
    return found.group(1) if found else None


def _without_comments(text: str) -> str:
    """EDN without its `;` comments (a `;` inside a string is kept)."""
    out, in_string, escaped, comment = [], False, False, False
    for char in text:
        if comment:
            if char == "\n":
                comment = False
                out.append(char)
            continue
        if in_string:
            in_string = not (char == '"' and not escaped)
            escaped = char == "\\" and not escaped
        elif char == '"':
            in_string = True
        elif char == ";":
            comment = True
            continue
        out.append(char)
    return "".join(out)


def page_name(graph: Graph, path: str) -> str:
    """The name Logseq gives the page in the file at `path` (before any `title::`)."""
    folder, file_name = posixpath.split(path)
    body = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    if folder.split("/", 1)[0] == graph.journals:
        day = journal_day(body, graph.journal_file)
        if day is not None:
            return journal_title(day, graph.journal_title)
    if graph.name_format == "triple-lowbar":
        title = body.replace("___", "/")
        title = re.sub(r"(?:%[0-9A-Fa-f]{2})+", lambda m: unquote(m.group(0)), title) if "%" in title else title
        return "/".join(part for part in title.split("/") if part) or body
    return unquote(body.replace(".", "/"), errors="strict") if _decodes(body) else body.replace(".", "/")


def _decodes(text: str) -> bool:
    try:
        unquote(text, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def journal_day(body: str, file_format: str) -> dt.date | None:
    """The day a journal's file name stands for, read with `:journal/file-name-format`."""
    parts, order = [], []
    pos = 0
    for match in _TOKEN.finditer(file_format):
        parts.append(re.escape(file_format[pos : match.start()]))
        token = match.group(0)
        if token in ("yyyy", "yy", "MM", "M", "dd", "d"):
            parts.append(r"(\d{4})" if token == "yyyy" else r"(\d{1,2})")
            order.append(token[0])
        else:
            parts.append(re.escape(token.strip("'")))
        pos = match.end()
    parts.append(re.escape(file_format[pos:]))
    found = re.fullmatch("".join(parts), body)
    if not found or sorted(order) != ["M", "d", "y"]:
        return None
    values = dict(zip(order, map(int, found.groups())))
    year = values["y"] + (2000 if values["y"] < 100 else 0)
    try:
        return dt.date(year, values["M"], values["d"])
    except ValueError:
        return None


def journal_title(day: dt.date, title_format: str) -> str:
    """`day` written as Logseq titles journals (date-fns tokens: `MMM do, yyyy` is `Jan 31st, 2024`)."""

    def token(match: re.Match) -> str:
        text = match.group(0)
        return {
            "yyyy": f"{day.year:04d}", "yy": f"{day.year % 100:02d}", "MMMM": _MONTHS[day.month - 1],
            "MMM": _MONTHS[day.month - 1][:3], "MM": f"{day.month:02d}", "M": str(day.month), "do": _ordinal(day.day),
            "dd": f"{day.day:02d}", "d": str(day.day), "EEEE": _DAYS[day.weekday()], "EEE": _DAYS[day.weekday()][:3],
            "EE": _DAYS[day.weekday()][:3], "E": _DAYS[day.weekday()][:3],
        }.get(text, text.strip("'"))

    return _TOKEN.sub(token, title_format)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def is_graph_folder(rel: str) -> bool:
    """Logseq's own folder (`logseq/`: config, backups under `bak/`, `version-files/`) holds no pages."""
    return rel == "logseq" or rel.startswith("logseq/")

