"""Secrets written beside their name: `password: …`, `salesforce_password = …`, `**Password:** …`,
`Password - …`, a table row `| password | … |` and a table column headed Password, Secret, Token or API key.

The names are ordinary words in marketing prose ("our password policy", "token-based auth", "the
secret to good routing"), so what follows the name decides: a value of one word that is not a
placeholder ("none", "TBD", "***", "see 1Password") and, unless the line is plainly a setting, one
that looks made rather than written (digits, symbols or mixed case), or stands alone on its line.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator

from store.secret_rules import ScanTooLong, placeholder

# Lower-case text a note holds when it may hold a named secret: every name starts with one of the first five,
# and a PIN is named only as a table's cell.
MARKERS = ("pass", "pwd", "secret", "token", "api", "pin |", "pin|", "pins |", "pins|")
_TABLE_MARKERS = (*MARKERS[:5], "pin")
_NAMES = r"pass(?:word|wd|code)|pwd|secret(?!ar[iy])|token|api[ _-]?key"
_NAME = re.compile(_NAMES)  # on lower-case text
_JOINED = re.compile(r"[\w-]*")
_PASSWORD = re.compile(r"(?i)(?:pass(?:word|wd|code)|pwd|pin|api[ _-]?key)$")  # a name whose value is the secret, words or digits
# After the name: `:`, `=` (not `://`), or ` - ` at the start of a line; bold and quotes around either; then the value.
_VALUE = re.compile(r"[*_`\"']*(?:[ \t]*(?P<sep>[:=])(?!//)|[ \t]+[-–—](?=[ \t]))[*_]*[ \t]*(?P<value>\S{1,256})")
_ALONE = re.compile(r"[ \t*`\"'|.]*(?:\n|\Z)")  # what may follow a value that is all its line holds
_LINE_LABEL = re.compile(r"[ \t>]*(?:[-*+]|\d+[.)])?[ \t]*[*_`]*")  # what may come before a name that starts its line
# A joined word after the name says what the value is about, not that it is the secret: `password_policy: strict`.
_ABOUT = {"s", "less", "name", "names", "id", "type", "url", "uri", "endpoint", "path", "file", "policy", "length", "len", "expiry",
          "expires", "expiration", "ttl", "age", "rotation", "rotate", "count", "limit", "max", "min", "manager", "reset", "hint",
          "field", "header", "env", "var", "ref", "location", "store", "based", "required", "enabled", "vault"}
# What a person writes in place of a password, or where one is kept.
_NOT_SECRETS = {"none", "null", "nil", "n/a", "tbd", "todo", "unknown", "unset", "empty", "hidden", "removed", "redacted", "masked",
                "required", "optional", "pending", "rotated", "expired", "revoked", "enabled", "disabled", "true", "false", "yes",
                "sso", "saml", "oauth", "oauth2", "okta", "bearer", "vault", "shared", "personal", "same", "varies", "inherited",
                "1password", "lastpass", "bitwarden", "keeper", "keepass", "dashlane", "environment", "env", "secret", "password"}
_QUANTITY = re.compile(r"(?i)[$€£]?\d[\d,._:/-]*(?:%|[a-z]{1,8})?(?:/[a-z]{1,8})?")  # 4096, 5000/month, 90-day, 2026-12-01
_TABLE_NAME = re.compile(rf"(?i)(?:[^\s|]+ )*[\w.-]*?(?:{_NAMES}|pin)s?")
_SEPARATOR_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")


def named_secrets(text: str, lower: str, deadline: float = math.inf) -> Iterator[tuple[tuple[int, int], str]]:
    """((start, end), name and value) for each secret written beside its name in `text` (`lower` is `text.lower()`);
    ScanTooLong past `deadline` (this thread's processor time), as the rule set's rules."""
    yield from _labelled(text, lower, deadline)
    if any(row in text for row in ("\n|", "|-", "-|", "| -", "- |", "|:", ":|")) or text.startswith("|"):  # a table, found cheaply
        yield from _in_tables(text)


def _names(text: str, lower: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each name in `text` with what is joined to it: `salesforce_password`, `hubspot.api_key`, `dbPassword`.

    Found with str.find: one regex of alternatives over every note costs more than the rest of the scan.
    """
    if len(lower) != len(text):  # a few letters lower-case to two characters; names are ASCII
        lower = text.translate({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
    found_to = 0
    for at in sorted(at for marker in MARKERS[:5] for at in _find_all(lower, marker)):
        name = _NAME.match(lower, at) if at >= found_to else None
        if name:
            start, least = at, max(found_to, at - 100)  # a name is not a hundred characters long: read back no further
            while start > least and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
                start -= 1
            found_to = _JOINED.match(text, name.end()).end()
            yield start, found_to


def _find_all(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _labelled(text: str, lower: str, deadline: float) -> Iterator[tuple[tuple[int, int], str]]:
    for start, end in _names(text, lower):
        if time.thread_time() > deadline:
            raise ScanTooLong
        after = _VALUE.match(text, end)
        if not after:
            continue
        name = text[start:end].strip("_-")  # `__Password__` is bold, not a setting
        if not after.group("sep") and not _starts_line(text, start):
            continue  # `Password - …` labels a line; a dash inside a sentence is punctuation
        setting = " " not in name and (after.group("sep") == "=" or re.search(r"[_.-]|[a-z][A-Z]", name) is not None)
        value = after.group("value").strip("`\"'*")
        alone = _ALONE.match(text, after.end()) is not None
        if _is_secret(name, value, setting, alone):
            yield (start, after.end("value")), f"{name}: {value}"


def _starts_line(text: str, start: int) -> bool:
    """Whether only a list's bullet, a quote's `>` or bold marks come before `start` on its line."""
    window = max(0, start - 40)  # never read back along a long line for each name on it
    line_start = text.rfind("\n", window, start) + 1
    return (line_start > 0 or window == 0) and _LINE_LABEL.fullmatch(text, line_start, start) is not None


def _is_secret(name: str, value: str, setting: bool, alone: bool) -> bool:
    """Whether `value`, written after `name`, is the secret itself rather than words about it."""
    about = [word.lower() for word in re.split(r"[_.-]|(?<=[a-z])(?=[A-Z])", name[_last_name_end(name):]) if word]
    if any(word in _ABOUT for word in about):
        return False
    bare = value.rstrip(".,;:!?)]…")
    if re.search(r"(?i)\bpins?$", name):
        return re.fullmatch(r"\d{4,8}", bare) is not None  # a table of pins on a map is not one of PINs
    if len(value) < 4 or placeholder(value) or bare.lower() in _NOT_SECRETS:
        return False
    password = _PASSWORD.search(name) is not None
    if _QUANTITY.fullmatch(bare):
        return password and alone  # a PIN or a password of digits; `max_tokens: 4096` is a count
    if setting or (password and alone):
        return True
    if password:
        return _looks_made(bare)
    # `secret` and `token` are words of prose ("our secret: consistency"): a value holds letters and digits
    return bool(re.search(r"[A-Za-z]", bare) and re.search(r"\d", bare)) or len(bare) >= 20


def _last_name_end(name: str) -> int:
    ends = [m.end() for m in re.finditer(rf"(?i){_NAMES}", name)]
    return ends[-1] if ends else len(name)


def _looks_made(word: str) -> bool:
    """Digits, symbols or mixed case: `Winter2026!`, `hUnTeR`; not `check` or `Salesforce`."""
    return bool(re.search(r"[^A-Za-z]|[a-z][A-Z]", word))


def _in_tables(text: str) -> Iterator[tuple[tuple[int, int], str]]:
    """A row whose first cell names a secret, and the cells of a column whose header does."""
    lines = list(_lines_with_bars(text))
    columns: list[tuple[int, str]] = []  # (index, header) of the secret columns of the table being read
    for number, (offset, line) in enumerate(lines):
        if number and lines[number - 1][0] + len(lines[number - 1][1]) + 1 != offset:
            columns = []  # a line without a bar came between: another table
        if not columns and not any(name in line.lower() for name in _TABLE_MARKERS):
            continue  # neither a secret's column nor a row named for one
        cells = _cells(line)
        after = lines[number + 1] if number + 1 < len(lines) else None
        if after and after[0] == offset + len(line) + 1 and _SEPARATOR_ROW.fullmatch(after[1]):
            columns = [(i, cell) for i, cell in enumerate(cells) if _TABLE_NAME.fullmatch(cell)]
            continue
        if _SEPARATOR_ROW.fullmatch(line):
            continue
        pairs = [(cells[0], cells[1])] if len(cells) > 1 and _TABLE_NAME.fullmatch(cells[0]) else []
        pairs += [(header, cells[i]) for i, header in columns if i < len(cells)]
        for header, value in pairs:
            if " " not in value and _is_secret(header, value, setting=False, alone=True):
                start = offset + line.find(value)
                yield (start, start + len(value)), f"{header}: {value}"
                break


def _lines_with_bars(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of each line of `text` that holds a `|`: only those can be a table's."""
    bar = text.find("|")
    while bar >= 0:
        start = text.rfind("\n", 0, bar) + 1
        end = text.find("\n", bar)
        end = len(text) if end < 0 else end
        yield start, text[start:end]
        bar = text.find("|", end)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().strip("*_`").strip() for cell in re.split(r"(?<!\\)\|", inner)]
