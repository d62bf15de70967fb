"""Front matter: the YAML block at the top of a note, read safely and as the user wrote it.

The YAML is composed with the base loader, which builds only strings, lists and mappings:
`no: no` stays "no" and `12:30:00` stays "12:30:00" (the safe loader would turn them into
False and 45000), and no tag ever constructs an object. The node graph is measured before it
is walked, so an alias bomb is refused before anything is expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# Tags YAML itself defines; anything else (`!!python/object/apply:…`, `!custom`) is refused.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "seq", "map", "int", "float", "bool", "null", "timestamp", "binary", "set", "omap", "pairs", "merge", "value")
}
MAX_FRONT_MATTER_CHARS = 256_000
MAX_EXPANDED_NODES = 20_000
MAX_NESTING = 64  # libyaml composes 1,000 levels, deeper than Python's walk of them can go
_CLOSING_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


@dataclass(frozen=True)
class Entry:
    """One top-level key of the front matter; `value` is a str, a list or a dict of those."""

    key: str
    value: object
    line: int


@dataclass(frozen=True)
class FrontMatter:
    entries: tuple[Entry, ...]
    body: str
    body_line: int  # 1-based file line where the body starts
    problems: tuple[tuple[int, str], ...]


class _Refused(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


def split_front_matter(text: str) -> FrontMatter:
    """Separate the front matter from the body and read it; never raises."""
    if not (text.startswith("---") and text[3:].split("\n", 1)[0].strip() == ""):
        return FrontMatter((), text, 1, ())
    first_break = text.find("\n")
    if first_break < 0:
        return FrontMatter((), text, 1, ())
    closing = _CLOSING_LINE.search(text, first_break + 1)
    if closing is None:
        problem = (1, "Front matter starts with --- on line 1 but is never closed by a --- line; it was read as body text.")
        return FrontMatter((), text, 1, (problem,))
    yaml_text = text[first_break + 1 : closing.start()]
    body_start = text.find("\n", closing.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    body_line = yaml_text.count("\n") + 3 if yaml_text else 3
    if not yaml_text.strip():
        return FrontMatter((), body, body_line, ())
    entries, problems = read_yaml(yaml_text)
    return FrontMatter(entries, body, body_line, problems)


def read_yaml(yaml_text: str) -> tuple[tuple[Entry, ...], tuple[tuple[int, str], ...]]:
    """Read front matter YAML into entries; file lines are 1-based with `---` on line 1."""
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        return (), ((1, f"Front matter is larger than {MAX_FRONT_MATTER_CHARS // 1000} KB and was not read."),)
    try:
        node = _compose(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        return (), ((line, f"Front matter is not valid YAML ({reason}); the note was indexed from its body. Fix the lines between the --- marks at the top."),)
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError) as exc:
        name = type(exc).__name__
        return (), ((1, f"Front matter could not be read ({name}: nested too deeply or malformed); the note was indexed from its body. Fix the lines between the --- marks at the top."),)
    if node is None:
        return (), ()
    if not isinstance(node, yaml.MappingNode):
        return (), ((node.start_mark.line + 2, "Front matter must be a list of `key: value` lines; it was ignored."),)
    try:
        if "*" in yaml_text:  # without an alias, the expansion is no bigger than the text
            _check_size(node)
    except _Refused as refused:
        return (), ((refused.line, str(refused)),)
    entries, problems = [], []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append((line, "A front matter key must be plain text; this entry was ignored."))
            continue
        try:
            value = _plain(value_node)
        except _Refused as refused:
            problems.append((refused.line, f"{key_node.value}: {refused}"))
            continue
        entries.append(Entry(key_node.value, value, line))
    return tuple(entries), tuple(problems)


def _compose(yaml_text):
    loader = _Loader(yaml_text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _check_size(root):
    """Refuse a node graph whose expansion (aliases followed) is too large: the alias bomb."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node, depth=0):
        if depth > MAX_NESTING:
            raise _Refused(node.start_mark.line + 2, f"Front matter is nested more than {MAX_NESTING} levels deep; it was not read.")
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:  # a recursive alias: infinite expansion
            raise _Refused(node.start_mark.line + 2, "Front matter refers to itself through a YAML alias; it was not read.")
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        on_path.discard(key)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise _Refused(node.start_mark.line + 2, "Front matter expands to too many values (a YAML alias bomb?); it was not read.")
        return total

    size(root)


def _plain(node, depth=0):
    """The node as str / list / dict, exactly as written; unknown tags are refused, never run."""
    if depth > MAX_NESTING:
        raise _Refused(node.start_mark.line + 2, f"the value is nested more than {MAX_NESTING} levels deep and was ignored.")
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(node.start_mark.line + 2, f"the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed in notes; the value was ignored.")
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, depth + 1) for child in node.value]
    return {str(_plain(k, depth + 1)): _plain(v, depth + 1) for k, v in node.value}
