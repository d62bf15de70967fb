"""The parsed note and its parser: `parse(text, path) -> ParsedNote`, pure and never raising.

The body is read from markdown-it-py's token stream, so code blocks, code spans and HTML
comments are excluded by the parser. Wiki links are a token of their own (an inline rule);
fields, explicit relations and tags are read from each line's prose, with code and links
marked as spans that nothing else may start inside.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import time
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote

from markdown_it import MarkdownIt

from store import clock, logseq, words
from store.frontmatter import Entry, split_front_matter

LIVES_IN = tuple(words.PLACES)
MOTIONS = ("b2b", "b2c", "shared")
META_KEYS = ("title", "type", "aliases", "tags", "owner", "status", "reviewed", "lives_in", "motion", "confidence")
PARSE_BUDGET_SECONDS = 2.0  # of this thread's processor time: a busy machine must not change what is indexed
_CLOCK_EVERY = 32  # budget checks between looks at the clock (reading a thread's processor time is a system call)
MAX_WIKILINK_CHARS = 500

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
# A field's key: 1-100 characters, none of `:` `[` `]` `(` `)` `|` or a backtick, not starting with a space
# (Dataview: letters of any script, digits, emoji and other punctuation); the space after `::` is optional.
_KEY = r"(?P<key>[^\s:\[\]()|`][^:\[\]()|`\n]{0,99}?)"
_LINE_FIELD = re.compile(_KEY + r"[ \t]*::[ \t]*")
_BRACKET_FIELD = re.compile(r"[\[(][ \t]*" + _KEY + r"[ \t]*::[ \t]*")
_EXPLICIT = re.compile(r"(?P<rel>[\w-]+)[ \t]+$")
_CONTEXT = re.compile(r"[ \t]*(?:\((?P<context>[^)]*)\))?[ \t]*$")
# A tag's characters: letters of any script, digits, `_`, `-`, `/`, and emoji (pictographs, symbols,
# flags, with their joiners and variation selectors), as Obsidian and Dataview read them.
_EMOJI = "\u200d\u20e3\ufe0f\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
_TAG = re.compile(rf"(?<!\S)#([\w/\-{_EMOJI}]+)")
_MEMORY = re.compile(r"(?<![\w/])memory://([^\s<>()\[\]`'\"]+)")
_MACRO = re.compile(r"\{\{(.*?)\}\}")
_PAGE_PROPERTY = re.compile(r"[ \t]*(?:- )?" + _KEY + r"[ \t]*::")
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_COMMENT = re.compile(r"^<!--.*-->$", re.S)
_CLOSERS = {"[": "]", "(": ")"}


class Link(NamedTuple):
    rel: str
    target: str  # as written, without the `#…` and `|…` parts
    line: int
    kind: str = "wiki"  # "wiki" or "markdown"
    fragment: str = ""  # the heading or ^block after `#`
    label: str = ""  # the shown text
    context: str = ""  # an explicit relation's `(context)`


class Field(NamedTuple):
    key: str
    value: str
    section: str | None
    line: int


class Section(NamedTuple):
    title: str
    level: int
    line: int


class Problem(NamedTuple):
    line: int | None
    message: str


@dataclass(frozen=True)
class ParsedNote:
    path: str
    title: str
    type: str
    body: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None
    status: str | None = None
    reviewed: str | None = None  # ISO date
    lives_in: tuple[str, ...] = ()
    motion: str | None = None
    confidence: str | None = None
    fields: tuple[Field, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    problems: tuple[Problem, ...] = ()
    names: tuple[str, ...] = ()  # the names it answers to instead of its file name (a Logseq page's name)
    permalink: str | None = None  # basic-memory's name for it


class ParseBudgetExceeded(Exception):
    """Raised from inside markdown-it when a note takes too long to parse."""


def normalise_relation(name: str) -> str:
    """`Depends On` and `depends-on` both become `depends_on`; each run of spaces, `-` and `_` is one `_`."""
    return re.sub(r"[\s_-]+", "_", name.strip().lower())


def front_matter_names(text: str, path: str) -> tuple[str, tuple[str, ...]]:
    """The title and aliases `parse` would give, read from the front matter alone (the body is not
    looked at): for a glance at every note of a vault, as an import's plan takes."""
    meta = _read_entries(split_front_matter(text).entries)[0]
    return meta.get("title") or _stem(path), tuple(meta.get("aliases", ()))


def parse(text: str, path: str, *, budget_seconds: float = PARSE_BUDGET_SECONDS, graph: logseq.Graph | None = None) -> ParsedNote:
    """Read one note's text; whatever is broken becomes a problem, never an exception. With `graph`
    (the vault is a Logseq graph), the note is read as a Logseq page (see store/logseq.py)."""
    front = split_front_matter(text)
    problems = [Problem(line, message) for line, message in front.problems]
    page_lines = _page_property_lines(front.body, front.body_line) if graph else None
    body = _Body(path, page_lines)
    try:
        body.read(front.body, front.body_line, time.thread_time() + budget_seconds)
    except ParseBudgetExceeded:
        body = _Body(path, page_lines)
        problems.append(Problem(None, f"The body took more than {budget_seconds:g} s of processor time to read and was skipped: only the front matter and the full text are indexed. Is it generated or pasted data?"))
    except RecursionError:
        body = _Body(path, page_lines)
        problems.append(Problem(None, "The body is nested too deeply to read: only the front matter and the full text are indexed."))
    meta, links, fields, tags, meta_problems = _read_entries(front.entries)
    problems.extend(meta_problems)
    _fill_meta_from_inline_fields(meta, body.inline_values, page_lines)
    problems.extend(body.problems)
    problems.extend(_check_meta(meta, meta_lines={e.key: e.line for e in front.entries}))
    title = meta.get("title") or (logseq.page_name(graph, path) if graph else _stem(path))
    return ParsedNote(
        path=path,
        title=title,
        type=(meta.get("type") or "note").lower(),
        body=front.body,
        aliases=tuple(meta.get("aliases", ())),
        owner=meta.get("owner"),
        status=meta.get("status"),
        reviewed=meta.get("reviewed"),
        lives_in=tuple(meta.get("lives_in", ())),
        motion=meta.get("motion"),
        confidence=meta.get("confidence"),
        fields=tuple(fields + body.fields),
        links=_unique(links + body.links),
        tags=tuple(dict.fromkeys(tags + body.tags)),
        sections=tuple(body.sections),
        problems=tuple(problems),
        names=(title,) if graph else (),
        permalink=meta.get("permalink"),
    )


def _page_property_lines(body: str, body_line: int) -> frozenset[int]:
    """Logseq's page properties: the `key:: value` lines of the page's first block (unbulleted at the
    top, or a first bullet of properties only); later ones are block properties."""
    lines = set()
    for number, line in enumerate(body.split("\n"), start=body_line):
        if not lines and not line.strip():
            continue
        if not _PAGE_PROPERTY.match(line) or (lines and line.lstrip().startswith("- ")):
            break  # text, or a second bullet: the first block has ended
        lines.add(number)
    return frozenset(lines)


def _stem(path: str) -> str:
    name = posixpath.basename(path)
    return name[:-3] if name.lower().endswith(".md") else name


def _unique(links: list[Link]) -> tuple[Link, ...]:
    """Two identical links on one line count once; on two lines they count twice."""
    seen, kept = set(), []
    for link in links:
        key = (link.rel, link.target, link.kind, link.line)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return tuple(kept)


# --- wiki links -------------------------------------------------------------------------


def split_wikilink(inner: str) -> tuple[str, str, str]:
    """`Target#Heading|shown` -> (target, fragment, label); `\\|` inside tables counts as `|`."""
    target_part, _, label = inner.replace("\\|", "|").partition("|")
    target, _, fragment = target_part.partition("#")
    return target.strip(), fragment.strip(), label.strip()


def wikilinks_in(text: str, rel: str, line: int) -> list[Link]:
    links = []
    for match in WIKILINK.finditer(text):
        target, fragment, label = split_wikilink(match.group(2))
        if target:
            links.append(Link(rel, target, line, "wiki", fragment, label))
    return links


def display_text(text: str) -> str:
    """Text with each `[[Target|shown]]` replaced by what a reader sees."""

    def shown(match):
        target, fragment, label = split_wikilink(match.group(2))
        return label or target or fragment

    return WIKILINK.sub(shown, text).strip()


# --- front matter -----------------------------------------------------------------------


_SYNONYMS = {"tag": "tags", "alias": "aliases"}  # Obsidian's older keys, which Dataview and Logseq read too


def _read_entries(entries: tuple[Entry, ...]):
    meta: dict = {}
    links: list[Link] = []
    fields: list[Field] = []
    tags: list[str] = []
    problems: list[Problem] = []
    for entry in entries:
        key = normalise_relation(entry.key)
        key = _SYNONYMS.get(key, key)
        strings = _strings(entry, problems)
        if key == "permalink" and isinstance(entry.value, str) and entry.value.strip():
            meta["permalink"] = entry.value.strip()
        for text in strings:
            links.extend(wikilinks_in(text, key, entry.line))
        if key in META_KEYS:
            _set_meta(meta, key, entry, strings, tags)
        else:
            fields.extend(_fields_of(entry.key, entry.value, entry.line, has_links=lambda s: WIKILINK.search(s) is not None))
    return meta, links, fields, tags, problems


def _strings(entry: Entry, problems: list[Problem]) -> list[str]:
    """The text values of an entry; `owner: [[Dana]]` (unquoted, so YAML reads a nested list) counts as a link."""
    value = entry.value
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, list) and len(item) == 1 and isinstance(item[0], str):
                out.append(f"[[{item[0]}]]")
                problems.append(Problem(entry.line, f'{entry.key}: put wiki links in quotes, e.g. {entry.key}: "[[{item[0]}]]", so other tools read them as links too.'))
        return out
    return []


def _fields_of(key: str, value, line: int, has_links) -> list[Field]:
    if isinstance(value, str):
        return [] if has_links(value) else [Field(key, value, None, line)]
    if isinstance(value, list):
        return [f for item in value for f in _fields_of(key, item, line, has_links)]
    if isinstance(value, dict):
        return [f for sub, item in value.items() for f in _fields_of(f"{key}.{sub}", item, line, has_links)]
    return []


def _split_list(strings: list[str]) -> list[str]:
    """A list, or one comma-separated string, as clean items."""
    items = strings if len(strings) != 1 else strings[0].split(",")
    return [display_text(item) for item in items if item.strip()]


def _set_meta(meta: dict, key: str, entry: Entry, strings: list[str], tags: list[str]) -> None:
    if key == "aliases":
        meta.setdefault("aliases", []).extend(_split_list(strings))
    elif key == "tags":  # a list, or one string of tags split on commas and spaces (`tags: hello goodbye`)
        items = re.split(r"[,\s]+", entry.value) if isinstance(entry.value, str) else _split_list(strings)
        tags.extend(t.lstrip("#").lower() for t in items if t.lstrip("#"))
    elif key == "lives_in":
        meta["lives_in"] = [item.lower() for item in _split_list(strings)]
    elif strings:
        meta[key] = ", ".join(display_text(s) for s in strings if s.strip()) or None


def _fill_meta_from_inline_fields(meta: dict, values: list[tuple[str, str, int]], page_lines: frozenset[int] | None) -> None:
    """Logseq and Dataview users write `type:: system` in the body: use it when front matter is silent.
    In a Logseq page only its page properties (`page_lines`) say anything of the page; `alias::` names it."""
    for key, value, line in values:
        if page_lines is not None:
            if line not in page_lines:
                continue
            key = "aliases" if key == "alias" else key
        if key in META_KEYS and key not in meta and key != "tags":
            if key in ("aliases", "lives_in"):
                meta[key] = [item.lower() if key == "lives_in" else item for item in _split_list([value])]
            else:
                meta[key] = display_text(value) or None


def _check_meta(meta: dict, meta_lines: dict) -> list[Problem]:
    problems = []
    line_of = {normalise_relation(k): v for k, v in meta_lines.items()}
    reviewed = meta.get("reviewed")
    if reviewed:
        day = _as_date(reviewed)
        if day is None:
            problems.append(Problem(line_of.get("reviewed"), f"reviewed: {reviewed!r} is not a date; write it as YYYY-MM-DD, e.g. {clock.today().isoformat()}."))
        meta["reviewed"] = day
    unknown = [v for v in meta.get("lives_in", []) if v not in LIVES_IN]
    if unknown:
        problems.append(Problem(line_of.get("lives_in"), f"lives_in: {', '.join(unknown)} is not a known place; use {', '.join(LIVES_IN)}."))
    motion = meta.get("motion")
    if motion:
        meta["motion"] = motion.lower()
        if meta["motion"] not in MOTIONS:
            problems.append(Problem(line_of.get("motion"), f"motion: {motion!r} is not a motion; use b2b, b2c or shared."))
    return problems


def _as_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        return None


# --- the body -----------------------------------------------------------------------------


def _budget_block(state, start_line, end_line, silent):
    _check_budget(state.env)
    return False


def _check_budget(env) -> None:
    # Processor time, not the wall clock: under load (other programs, the app's other threads)
    # the wall clock runs on while this parse waits, and a note would lose its links and sections
    # on a busy machine that it keeps on an idle one.
    # (render.py shares these rules with a wall-clock deadline of its own: no clock in its env.)
    env["checks"] = checks = env.get("checks", 0) + 1
    if checks % _CLOCK_EVERY == 0 and env.get("clock", time.perf_counter)() > env["deadline"]:
        raise ParseBudgetExceeded()


def wikilink_rule(state, silent):
    _check_budget(state.env)  # runs at every `[` and `!`, where markdown's costly cases start
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    end = src.find("]]", start, min(start + MAX_WIKILINK_CHARS, state.posMax))
    if end <= start:
        return False
    inner = src[start:end]
    if "\n" in inner or "[" in inner:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = inner
        token.markup = "![[" if embed else "[["
    state.pos = end + 2
    return True


def _counting_newlines(rule):
    """Wrap the code span rule so a span across lines reports how many it swallowed."""

    def wrapped(state, silent):
        _check_budget(state.env)
        start, before = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent and len(state.tokens) > before:
            newlines = state.src.count("\n", start, state.pos)
            if newlines:
                state.tokens[-1].meta = {"newlines": newlines}
        return matched

    return wrapped


def _inline_where_needed(state) -> None:
    """The core `inline` rule, but prose without `[`, `#`, `::` or `memory://` is left unparsed: nothing
    in it can be a link, field or tag, and inline parsing is most of markdown-it's time."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = []
            content = token.content
            if "[" in content or "#" in content or "::" in content or MEMORY_SCHEME in content:
                _check_budget(state.env)
                state.md.inline.parse(content, state.md, state.env, token.children)


def _make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    # Emphasis and the passes that merge text fragments change nothing we index, and cost a third of the time.
    md.disable(["emphasis", "balance_pairs", "fragments_join", "text_join"])
    md.core.ruler.at("inline", _inline_where_needed)
    # Text runs stop only where a rule we kept can start (newline, escape, code, link, image,
    # wiki link, HTML, entity), not at every `-`, `:` or `*` of the default set.
    md.inline.terminator_re = re.compile(r"[\n\\`\[\]!<&]")
    md.block.ruler.before("code", "budget", _budget_block)
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    backticks = next(rule for rule in md.inline.ruler.getRules("") if rule.__name__ == "backtick")
    md.inline.ruler.at("backticks", _counting_newlines(backticks))
    return md


_MARKDOWN = _make_markdown()
# Logseq writes an outline: blocks nested by tabs, under headings that need no bullet (`## H` then
# `\t- block`). Its parser has no indented code blocks, so neither does the reading of a Logseq page:
# such a block is a list item, not code (fenced code is still code).
_LOGSEQ_MARKDOWN = _make_markdown().disable("code")


@dataclass
class _Span:
    start: int
    end: int
    kind: str  # "wiki", "markdown" or "opaque" (code, HTML, an escaped character, a Logseq macro)
    payload: object = None
    in_embed: bool = False  # a wiki link inside Logseq's `{{embed …}}`


@dataclass
class _LineView:
    """One line of prose as the reader wrote it, with code, HTML and links marked as spans."""

    number: int
    text: str = ""
    spans: list[_Span] = field(default_factory=list)

    def inside(self, pos: int, kinds=("wiki", "markdown", "opaque")) -> bool:
        return any(s.start <= pos < s.end for s in self.spans if s.kind in kinds)


def _line_views(children, first_line: int) -> list[_LineView]:
    views = [_LineView(first_line)]
    parts: list[str] = []
    open_links: list[tuple[_LineView, _Span]] = []
    pos = 0

    def flush(next_line):
        views[-1].text = "".join(parts)
        parts.clear()
        views.append(_LineView(next_line))

    for token in children:
        kind = token.type
        view = views[-1]
        newlines = 0
        if kind in ("softbreak", "hardbreak"):
            flush(view.number + 1)
            pos = 0
            continue
        if kind == "text":
            text = token.content
        elif kind == "wikilink":
            text = token.markup + token.content + "]]"
            view.spans.append(_Span(pos, pos + len(text), "wiki", token))
        elif kind == "code_inline":
            text = token.markup + token.content + token.markup
            view.spans.append(_Span(pos, pos + len(text), "opaque"))
            newlines = (token.meta or {}).get("newlines", 0)
        elif kind == "html_inline":
            newlines = token.content.count("\n")
            text = "" if _COMMENT.match(token.content) else token.content.replace("\n", " ")
            view.spans.append(_Span(pos, pos + len(text), "opaque"))
        elif kind == "link_open":
            span = _Span(pos, pos, "markdown", token.attrGet("href") or "")
            view.spans.append(span)
            open_links.append((view, span))
            text = "["
        elif kind == "link_close":
            text = "]"
            if open_links:
                opened_in, span = open_links.pop()
                span.end = pos + 1 if opened_in is view else span.start + 1
        elif kind == "text_special" and token.info == "escape":  # `\[` is text, never a bracket that nests
            text = token.markup
            view.spans.append(_Span(pos, pos + len(text), "opaque"))
        elif kind == "image":
            text = f"![{token.content}]"
            view.spans.append(_Span(pos, pos + len(text), "opaque"))
        else:
            text = token.content or token.markup
        parts.append(text)
        pos += len(text)
        if newlines:
            flush(view.number + newlines)
            pos = 0
    views[-1].text = "".join(parts)
    for opened_in, span in open_links:  # an unclosed link runs to the end of its line
        span.end = len(opened_in.text)
    return [v for v in views if v.text]


class _Body:
    """Collects what a note's body says, from the markdown token stream."""

    def __init__(self, path: str, page_lines: frozenset[int] | None = None):
        self.path = path
        self.logseq = page_lines is not None  # a Logseq page: its own rules for tags, macros and properties
        self.page_lines = page_lines or frozenset()
        self.links: list[Link] = []
        self.fields: list[Field] = []
        self.tags: list[str] = []
        self.sections: list[Section] = []
        self.problems: list[Problem] = []
        self.inline_values: list[tuple[str, str, int]] = []  # every inline field as written, links or not, with its line

    def read(self, body: str, body_line: int, deadline: float) -> None:
        env = {"deadline": deadline, "clock": time.thread_time}
        tokens = _LOGSEQ_MARKDOWN.parse(body, env) if self.logseq else _MARKDOWN.parse(body, env)
        section = None
        for index, token in enumerate(tokens):
            if token.type != "inline" or token.map is None:
                continue
            first_line = body_line + token.map[0]
            opener = tokens[index - 1].type if index else ""
            views = _line_views(token.children or [], first_line)
            if opener == "heading_open":
                section = display_text(token.content)
                self.sections.append(Section(section, int(tokens[index - 1].tag[1:]), first_line))
            in_list_item = opener == "paragraph_open" and index >= 2 and tokens[index - 2].type == "list_item_open"
            for number, view in enumerate(views):
                self._read_line(view, section, may_be_relation=in_list_item and number == 0)

    def _read_line(self, view: _LineView, section: str | None, may_be_relation: bool) -> None:
        typed: set[int] = set()  # ids of link spans (and positions of Logseq tags) claimed by a typed construct
        text = view.text
        if self.logseq and "{{" in text:
            _hide_macros(view)
        line_field = _LINE_FIELD.match(text) if "::" in text else None
        if line_field and not view.inside(0):
            self._typed(view, line_field.group("key"), line_field.end(), len(text), section, typed)
        elif not (may_be_relation and not self.logseq and self._explicit_relation(view, typed)) and "::" in text:
            for start, key, value_start, end in _bracketed_fields(view):
                self._typed(view, key, value_start, end, section, typed)
        for span in view.spans:
            if id(span) not in typed:
                self.links.extend(_links_of_span(span, "links_to", view.number, self.path))
        if "memory://" in text:
            self.links.extend(_memory_links(view, "links_to", 0, len(text), typed))
        if "#" not in text:
            return
        for match in _TAG.finditer(text):
            written = match.group(1).rstrip("/")
            if written and not written.isdigit() and not view.inside(match.start()):
                self.tags.append(written.lower())
                if self.logseq and ("#", match.start()) not in typed:  # in Logseq a tag is a link to the page of its name
                    self.links.append(Link("links_to", written, view.number))
        if self.logseq:  # `#[[multi word]]` is a tag too
            for span in view.spans:
                if span.kind == "wiki" and span.start and text[span.start - 1] == "#" and not view.inside(span.start - 1):
                    self.tags.append(split_wikilink(span.payload.content)[0].lower())

    def _typed(self, view, key, value_start, value_end, section, typed) -> None:
        key = key.strip().strip("*_~").strip()  # `**Bold Field**:: x` is the field `Bold Field` (Dataview)
        if not key:
            return
        rel = normalise_relation(key)
        value = view.text[value_start:value_end].strip()
        self.inline_values.append((rel, value, view.number))
        found = []
        for span in view.spans:
            if span.kind != "opaque" and value_start <= span.start < value_end:
                links = _links_of_span(span, rel, view.number, self.path)
                if links:
                    typed.add(id(span))
                    found.extend(links)
        if "memory://" in value:
            found.extend(_memory_links(view, rel, value_start, value_end, typed))
        if self.logseq:
            if rel in ("alias", "title") or (rel in logseq.BLOCK_BUILT_INS and view.number not in self.page_lines):
                return  # names of the page (read as its meta), or Logseq's own marks on a block (`id::`, `collapsed::`)
            found.extend(self._logseq_references(view, rel, value_start, value_end, typed))
        if found:
            self.links.extend(found)
        else:
            self.fields.append(Field(key, value, section, view.number))

    def _logseq_references(self, view, rel, value_start, value_end, typed) -> list[Link]:
        """What else Logseq reads as page references in a property's value: `#tag`, and each
        comma-separated item of `tags::` (written with or without `[[ ]]`), which are also tags."""
        found = []
        for match in _TAG.finditer(view.text, value_start, value_end):
            written = match.group(1).rstrip("/")
            if written and not view.inside(match.start()):
                typed.add(("#", match.start()))
                found.append(Link(rel, written, view.number))
        if rel == "tags":
            for item in view.text[value_start:value_end].split(","):
                name = display_text(item).strip()
                if name:
                    self.tags.append(name.lstrip("#").lower())
                if name and "[[" not in item and not name.startswith("#"):
                    found.append(Link(rel, name, view.number))
        return found

    def _explicit_relation(self, view: _LineView, typed: set[int]) -> bool:
        """basic-memory's `- relation_name [[Target]] (context)`."""
        first = min((s for s in view.spans), key=lambda s: s.start, default=None)
        if first is None or first.kind != "wiki" or first.payload.markup != "[[":
            return False
        rel = _EXPLICIT.fullmatch(view.text[: first.start])
        rest = _CONTEXT.fullmatch(view.text[first.end :])
        if not rel or not rest:
            return False
        target, fragment, label = split_wikilink(first.payload.content)
        if not target:
            return False
        context = (rest.group("context") or "").strip()
        typed.add(id(first))
        self.links.append(Link(normalise_relation(rel.group("rel")), target, view.number, "wiki", fragment, label, context))
        return True


def _memory_links(view: _LineView, rel: str, start: int, end: int, typed: set) -> list[Link]:
    """basic-memory's bare `memory://permalink` references in prose (a markdown link's are its span)."""
    found = []
    for match in _MEMORY.finditer(view.text, start, end):
        name = memory_target(match.group(0).rstrip(".,;:!?"))
        if name and ("memory", match.start()) not in typed and not view.inside(match.start()):
            typed.add(("memory", match.start()))
            found.append(Link(rel, name, view.number, "memory"))
    return found


def _hide_macros(view: _LineView) -> None:
    """Logseq's `{{query …}}`, `{{renderer …}}` and other macros hold no links, fields or tags;
    the pages named in `{{embed [[Page]]}}` are embeds."""
    for match in _MACRO.finditer(view.text):
        if view.inside(match.start()):
            continue
        embed = match.group(1).strip().lower().startswith("embed")
        inner = [s for s in view.spans if match.start() < s.start < match.end() and s.kind == "wiki"]
        for span in inner:
            if embed:
                span.in_embed = True
            else:
                view.spans.remove(span)
        view.spans.append(_Span(match.start(), match.end(), "opaque"))


def _bracketed_fields(view: _LineView):
    """`[key:: value]` and `(key:: value)` inside a sentence: (start, key, value_start, end)."""
    text, pos = view.text, 0
    while True:
        match = _BRACKET_FIELD.search(text, pos)
        if not match:
            return
        start = match.start()
        end = None if view.inside(start) else _closing_bracket(view, start)
        if end is None:
            pos = start + 1
            continue
        yield start, match.group("key"), match.end(), end
        pos = end + 1


def _closing_bracket(view: _LineView, start: int) -> int | None:
    opener = view.text[start]
    closer, depth, pos = _CLOSERS[opener], 0, start
    while pos < len(view.text):
        span = next((s for s in view.spans if s.start == pos and s.kind != "markdown"), None)
        if span is not None and span.end > pos:
            pos = span.end
            continue
        char = view.text[pos]
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return None


def _links_of_span(span: _Span, rel: str, line: int, source_path: str) -> list[Link]:
    if span.kind == "wiki":
        target, fragment, label = split_wikilink(span.payload.content)
        if not target:  # [[#Heading]] points inside this note
            return []
        embed = span.payload.markup == "![[" or span.in_embed
        return [Link("embeds" if embed and rel == "links_to" else rel, target, line, "wiki", fragment, label)]
    if span.kind == "markdown":
        if span.payload.startswith(MEMORY_SCHEME):
            return [Link(rel, name, line, "memory")] if (name := memory_target(span.payload)) else []
        note = markdown_note_target(span.payload)
        if note:
            return [Link(rel, note[0], line, "markdown", note[1])]
    return []


MEMORY_SCHEME = "memory://"


def memory_target(url: str) -> str | None:
    """basic-memory's `memory://permalink`: the permalink it names (None for a pattern like `folder/*`)."""
    name = unquote(url[len(MEMORY_SCHEME) :].split("#", 1)[0]).strip().strip("/")
    return name if name and "*" not in name else None


def markdown_note_target(href: str) -> tuple[str, str] | None:
    """(path, fragment) when a markdown link points at a note in the vault, else None."""
    if not href or href.startswith(("#", "//")) or _URL_SCHEME.match(href):
        return None
    path, _, fragment = href.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path.lower().endswith(".md"):
        return None
    return path, unquote(fragment)
