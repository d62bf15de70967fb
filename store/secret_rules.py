"""A maintained rule set for the secret scan: the Betterleaks rules (the successor of gitleaks' rule set),
vendored in `resources/secret-rules.toml` with their licence and source version in its header, and
`packaging/secret_rules.py` to bring them up to date.

The rules are written for Go's RE2 and Rust's regex; `python_regex` turns them into Python's `re`.
Each rule carries keywords (literal text any match must hold): one pass of one regex over a
lower-cased note finds which keywords it holds, and only their rules run, so a note that mentions
no vendor runs none.
"""

from __future__ import annotations

import math
import re
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from store.locations import resources_dir

RULES_FILE = "secret-rules.toml"
WINDOW, WINDOW_OVERLAP = 16_384, 4_096  # characters; see windows()
_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "lower": "a-z", "upper": "A-Z", "space": r" \t\n\r\f\v",
    "xdigit": "0-9A-Fa-f", "word": r"\w", "punct": r"!-/:-@\[-`{-~", "blank": r" \t", "print": r" -~", "graph": r"!-~",
}
# What a person writes where a key will go; a "secret" made of these is a placeholder, not a leak.
_PLACEHOLDER = re.compile(r"(?i)^(?:(.)\1+|.*(?:example|placeholder|redacted|x{5}|\*{3}|\.{3}|<[^>]*>|\$\{|\{\{).*)$")


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: str  # as the rule set writes it (RE2 / Rust syntax)
    keywords: tuple[str, ...]  # lower-case; a match always holds one of them
    requires: tuple[str, ...] = ()  # lower-case; a match always holds all of them
    entropy: float = 0.0  # the least Shannon entropy (bits per character) of a real secret
    group: int = 0  # the group holding the secret; 0 for the first group there is, or the whole match

    @property
    def kind(self) -> str:
        return self.id.replace("-", " ")

    @property
    def regex(self) -> re.Pattern:
        return _compiled(self.pattern)

    def secrets(self, text: str, deadline: float = math.inf):
        """((start, end), secret) for each place in `text` this rule finds a secret; ScanTooLong past `deadline` (this thread's processor time: a busy machine stretches the wall clock, not what a scan costs)."""
        regex = self.regex
        for offset, window in windows(text):  # a key where two windows overlap comes twice: scan() keeps one
            if time.thread_time() > deadline:
                raise ScanTooLong
            for match in regex.finditer(window):
                span = (offset + match.start(), offset + match.end())
                group = self.group or next((i for i in range(1, regex.groups + 1) if match.group(i)), 0)
                secret = match.group(group) or match.group()
                if self.entropy and entropy(secret) < self.entropy:
                    continue
                if placeholder(secret):
                    continue
                yield span, secret


def placeholder(secret: str) -> bool:
    """Whether `secret` is what a person writes where a key will go: `xxxxx`, `<your key>`, `${TOKEN}`, `***`."""
    return _PLACEHOLDER.match(secret) is not None


class ScanTooLong(Exception):
    """The rules did not finish with a note in the time it was given."""


def windows(text: str, size: int = WINDOW, overlap: int = WINDOW_OVERLAP):
    """(offset, part) of `text` in overlapping windows that start and end at line breaks where they can.

    Python's regexes backtrack where RE2's do not: some rules take time that grows with the square
    of the text they search (4 MB of `curl` on one line: minutes). In windows it grows with the
    text; a secret shorter than the overlap is always whole in one window.
    """
    if len(text) <= size:
        yield 0, text
        return
    start = 0
    while True:
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + overlap, end)
            end = cut + 1 if cut > 0 else end
        yield start, text[start:end]
        if end >= len(text):
            return
        resume = text.find("\n", end - overlap, end)
        start = resume + 1 if resume >= 0 else end - overlap


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(python_regex(pattern))


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values()) if text else 0.0


def python_regex(pattern: str) -> str:
    """An RE2 / Rust regex in Python's syntax.

    Python 3.11 refuses a flag group such as `(?i)` anywhere but at the start; RE2 lets it change
    the flags up to the end of the enclosing group, so it becomes a scoped group `(?i:…)` closed
    there (and at each `|` of that group, reopened after it). Also: `(?<name>` → `(?P<name>`,
    `\\z` → `\\Z`, and POSIX classes such as `[[:alnum:]]` spelled out.
    """
    out: list[str] = []
    open_scopes: list[list[str]] = [[]]  # per group depth: the scoped flag groups opened at that depth
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i : i + 2]
            out.append(r"\Z" if escaped == r"\z" else escaped)
            i += 2
            continue
        if char == "[":
            end = _class_end(pattern, i)
            out.append(_posix_classes(pattern[i:end]))
            i = end
            continue
        if char == "(":
            flags = re.match(r"\(\?([a-zA-Z]*-?[a-zA-Z]*)\)", pattern[i:])
            if flags and (i > 0 or "-" in flags.group(1)):
                out.append(f"(?{flags.group(1)}:")
                open_scopes[-1].append(flags.group(1))
                i += flags.end()
                continue
            if pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
                out.append("(?P<")
                i += 3
            else:
                out.append("(")
                i += 1
            open_scopes.append([])
            continue
        if char == "|":
            scopes = open_scopes[-1]
            out.append(")" * len(scopes) + "|" + "".join(f"(?{flags}:" for flags in scopes))
            i += 1
            continue
        if char == ")":
            out.append(")" * len(open_scopes.pop()) + ")")
            if not open_scopes:
                open_scopes.append([])  # an unbalanced `)`: leave it for re.compile to refuse
            i += 1
            continue
        out.append(char)
        i += 1
    out.append(")" * sum(len(scopes) for scopes in open_scopes))
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """The index just past the character class that opens at `start`."""
    i = start + 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern.startswith("[:", i):
            close = pattern.find(":]", i + 2)
            if close > 0:
                i = close + 2
                continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    return len(pattern)


def _posix_classes(char_class: str) -> str:
    return re.sub(r"\[:(\w+):\]", lambda m: _POSIX_CLASSES.get(m.group(1), m.group()), char_class)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    with (resources_dir() / RULES_FILE).open("rb") as file:
        data = tomllib.load(file)
    return tuple(Rule(r["id"], r["regex"], tuple(k.lower() for k in r["keywords"]), tuple(k.lower() for k in r.get("requires", ())),
                      float(r.get("entropy", 0)), int(r.get("secretGroup", 0))) for r in data["rules"])


@lru_cache(maxsize=1)
def _keyword_index() -> tuple[re.Pattern, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[Rule, ...]]]:
    """The keyword trie; for each keyword, the keywords inside it and those that may start inside it
    and run on past its end; and each keyword's rules.

    The trie finds the longest keyword at a position and goes on after it: a keyword inside the one
    it found is in the note too; one that starts inside it and runs on is looked for on its own.
    """
    by_keyword: dict[str, list[Rule]] = {}
    for rule in rules():
        for keyword in rule.keywords:
            by_keyword.setdefault(keyword, []).append(rule)
    inside = {word: tuple(other for other in by_keyword if other in word) for word in by_keyword}
    overlapping = {word: tuple(other for other in by_keyword if other not in word and any(word.endswith(other[:cut]) for cut in range(1, len(other))))
                   for word in by_keyword}
    return _literal_trie(list(by_keyword)), inside, overlapping, {k: tuple(v) for k, v in by_keyword.items()}


def _literal_trie(words: list[str]) -> re.Pattern:
    """One regex finding any of `words`, shaped as a trie so each position tries a branch or two, not hundreds."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def shape(node: dict) -> str:
        branches = [re.escape(char) + shape(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return re.compile(shape(trie))


def candidates(lower_text: str) -> list[Rule]:
    """The rules whose keywords (and required text) `lower_text` holds, each once."""
    trie, inside, overlapping, by_keyword = _keyword_index()
    found = set()
    for keyword in set(trie.findall(lower_text)):
        found.update(inside[keyword])
        found.update(other for other in overlapping[keyword] if other in lower_text)
    chosen = {rule.id: rule for keyword in found for rule in by_keyword[keyword]}
    return [rule for rule in chosen.values() if all(text in lower_text for text in rule.requires)]
