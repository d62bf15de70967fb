"""A note's body as safe HTML, for the app's note view and the bundle report.

Raw HTML in a note is shown as text, never run; only http(s) and mailto links leave the app;
vault links become `note:PATH` (or `unwritten:NAME` when nobody wrote the note yet); remote
images are never loaded (a placeholder says so); local images become `vault:PATH`.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit

from markdown_it import MarkdownIt

from store import words
from store.note import MEMORY_SCHEME, ParseBudgetExceeded, memory_target, split_wikilink, wikilink_rule
from store.resolve import lookup_key

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp")
RENDER_BUDGET_SECONDS = 2.0
_OUTSIDE = ("http", "https", "mailto")

# resolve(target as written, kind) -> a vault path, or None; kind is "wiki" or "markdown"
Resolver = Callable[[str, str], "str | None"]


def _allowed_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in _OUTSIDE or scheme in ("", "memory")  # memory:// names a note (basic-memory): shown as one


def _make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.validateLink = _allowed_link
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.core.ruler.push("relation_words", _relation_words)
    return md


_LIST_RELATION = re.compile(r"([\w-]+)[ \t]+")  # `- owner_of [[Braze]]`: the text before the item's first link
_LINE_FIELD = re.compile(r"^([\w-]+)::[ \t]*")  # `needs:: [[X]]` at a line's start


def _relation_words(state) -> None:
    """Relations and fields read as their labels, as the page's link tables name them: `- owner_of [[Braze]]`
    reads "Owns Braze", `needs:: [[X]]` reads "Needs: X". The note's text is unchanged."""
    labels = state.env.get("labels") or {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        in_list_item = index >= 2 and tokens[index - 2].type == "list_item_open"
        if (in_list_item and len(children) > 1 and children[0].type == "text" and children[1].type == "wikilink"
                and (match := _LIST_RELATION.fullmatch(children[0].content))):
            children[0].content = words.label_in(labels, match.group(1)) + " "
        for position, child in enumerate(children):
            line_start = position == 0 or children[position - 1].type in ("softbreak", "hardbreak")
            if child.type == "text" and line_start and (match := _LINE_FIELD.match(child.content)):
                child.content = f"{words.label_in(labels, match.group(1))}: {child.content[match.end():]}"


def render_body(body: str, resolve: Resolver, title: str | None = None, budget_seconds: float = RENDER_BUDGET_SECONDS,
                labels: Mapping[str, str] | None = None) -> str:
    """The body as an HTML fragment, without a first `# Heading` that only repeats `title`
    (the page shows the title already); relations read by `labels` (the blueprint's `relation_labels`).
    A body too costly to render is shown as plain text."""
    env = {"deadline": time.perf_counter() + budget_seconds, "resolve": resolve, "labels": labels or {}}
    try:
        tokens = _MARKDOWN.parse(body, env)
        if title and len(tokens) >= 3 and tokens[0].tag == "h1" and tokens[1].content.strip() == title.strip():
            tokens = tokens[3:]
        return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
    except (ParseBudgetExceeded, RecursionError):
        return f"<pre>{html.escape(body)}</pre>"


def note_href(path: str) -> str:
    return "note:" + quote(path)


def href_path(href: str) -> str:
    """The vault path in a `note:` or `vault:` href."""
    return unquote(href.split(":", 1)[1])


def _render_wikilink(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    target, fragment, label = split_wikilink(token.content)
    shown = html.escape(label or target or fragment)
    if token.markup == "![[" and target.lower().endswith(IMAGE_SUFFIXES):
        return _image(env["resolve"](target, "image"), html.escape(target))
    if not target:  # [[#Heading]] in the same note
        return f"<span class=\"anchor\">{shown}</span>"
    path = env["resolve"](target, "wiki")
    prefix = "↳ " if token.markup == "![[" else ""  # an embed is shown as a link to what it embeds
    if path is None:
        return f'<a class="unwritten" href="unwritten:{quote(target)}">{prefix}{shown}</a>'
    return f'<a class="note" href="{note_href(path)}">{prefix}{shown}</a>'


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = token.attrGet("href") or ""
    scheme = urlsplit(href).scheme.lower()
    if scheme in _OUTSIDE:
        token.attrSet("class", "outside")
    elif not href or href.startswith("#"):
        token.attrs.pop("href", None)
    else:
        path = env["resolve"](unquote(href), "markdown")
        if path is None:
            token.attrSet("href", "unwritten:" + quote(posixpath.basename(unquote(href))))
            token.attrSet("class", "unwritten")
        else:
            token.attrSet("href", note_href(path))
            token.attrSet("class", "note")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = html.escape(self.renderInlineAsText(token.children or [], options, env))
    if urlsplit(src).scheme:
        return f'<span class="blocked">[image not loaded: {alt or html.escape(src)}]</span>'
    return _image(env["resolve"](unquote(src), "image"), alt)


def _image(path: str | None, alt: str) -> str:
    if path is None:
        return f'<span class="blocked">[image outside the vault: {alt}]</span>'
    return f'<img src="vault:{quote(path)}" alt="{alt}">'


def make_resolver(note_path: str, links: list[tuple[str, str | None]]) -> Resolver:
    """A resolver from the note's own indexed links ((target as written, vault path)): the index
    already resolved them, so the view links exactly where the graph does."""
    found = {lookup_key(target): path for target, path in links}
    folder = posixpath.dirname(note_path)

    def resolve(target: str, kind: str) -> str | None:
        if kind == "image":
            joined = posixpath.normpath(posixpath.join(folder, target.lstrip("/") if target.startswith("/") else target))
            if target.startswith("/"):
                joined = posixpath.normpath(target.lstrip("/"))
            return None if joined.startswith("..") or joined.startswith("/") else joined
        if target.startswith(MEMORY_SCHEME):  # basic-memory's `memory://permalink`, indexed by its permalink
            name = memory_target(target)
            return found.get(lookup_key(name)) if name else None
        return found.get(lookup_key(target)) or found.get(lookup_key(posixpath.basename(target)))

    return resolve


_MARKDOWN = _make_markdown()


# --- a note's text as plain words (search snippets) ------------------------------------------

_FRONT_MATTER = re.compile(r"\A\s*---\s.*?\s---(?:\s|\Z)", re.S)
_WIKILINK = re.compile(r"!?\[\[([^\[\]|]*?)(?:\|([^\[\]]*))?\]\]")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)?")  # the closing bracket may be past a fragment's end
_LINE_MARK = re.compile(r"^([ \t]*)(?:#{1,6}|[-*+]|>+)(?=[ \t]|$)", re.M)  # a heading, list item or quote, at a line's start
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)([^*_]*?\S)[*_](?![\w*])")
_TAG_MARK = re.compile(r"(?<!\S)#(?=[^\s#\d])")  # `#b2c`; a heading's `# ` is a line mark
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$", re.M)  # `|---|:--:|`
_TABLE_EDGE = re.compile(r"^[ \t]*\|[ \t]*|[ \t]*\|[ \t]*$", re.M)
_TABLE_CELL = re.compile(r"[ \t]*(?<!\\)\|[ \t]*")
_CUT_LINK = re.compile(r"\[\[|\]\]")


class _Marked(NamedTuple):
    """The patterns that must see a search's highlight marks as part of the word they wrap."""
    emphasis: re.Pattern  # `__` only at a word's edge, so `Lead_Score__c` keeps its underscores
    explicit_relation: re.Pattern  # `- owner_of [[Braze]]`, or a snippet cut after it (`- owner_of…`)
    inline_field: re.Pattern  # `needs:: [[X]]`
    marks: str


@functools.lru_cache(maxsize=8)
def _marked(marks: str) -> _Marked:
    word = rf"[\w{re.escape(marks)}]"
    key = rf"[\w{re.escape(marks)}-]+"
    return _Marked(re.compile(rf"\*\*|(?<!{word})__|__(?!{word})|~~|`+"),
                   re.compile(rf"^([ \t]*[-*+][ \t]+)({key})(?=[ \t]+!?\[\[|\u2026)", re.M),
                   re.compile(rf"(?<![^\s\[(])({key})::(?=\s)"),
                   marks)


def _label_keeping_marks(key: str, label: Callable[[str], str], marks: str) -> str:
    """A relation's label; highlighted whole where the search highlighted any of its name."""
    bare = key.translate({ord(c): None for c in marks})
    return f"{marks[0]}{label(bare)}{marks[-1]}" if bare != key else label(key)


def plain_text(markdown: str, label: Callable[[str], str] = words.label_of, marks: str = "") -> str:
    """Markdown (a whole note or a fragment of one, as a search snippet is) as the words a reader sees:
    no front matter, heading marks, list marks, emphasis, tag marks, table rules or link brackets
    (`[[Lead Routing|routing]]` reads "routing", `[text](url)` reads "text", `#b2c` reads "b2c"); a
    relation or field reads as its label (`needs:: X` reads "Needs: X", `- owner_of [[Braze]]` reads
    "Owns Braze" when `label` is the blueprint's); table cells are set apart by a dot; on one line. `marks` are the highlight marks a search put in the fragment."""
    marked = _marked(marks)
    text = _FRONT_MATTER.sub(" ", markdown)
    text = marked.explicit_relation.sub(lambda m: m.group(1) + _label_keeping_marks(m.group(2), label, marks), text)
    text = _WIKILINK.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1).split("#")[0] or m.group(1), text)
    text = _MD_LINK.sub(r"\1", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_EDGE.sub("", text)
    text = _TABLE_CELL.sub(" \u00b7 ", text)
    text = _LINE_MARK.sub(r"\1", text)  # before emphasis: a list's `*` is no emphasis
    text = marked.emphasis.sub("", text)
    text = _SINGLE_EMPHASIS.sub(r"\1", text)
    text = marked.inline_field.sub(lambda m: _label_keeping_marks(m.group(1), label, marks) + ":", text)
    text = _TAG_MARK.sub("", text)
    text = _CUT_LINK.sub("", text)  # half a link, where a fragment cuts one
    return " ".join(text.split())
