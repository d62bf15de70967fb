"""Substrate's vocabulary, each word and colour defined once: counted phrases, how a relation is named
to a person, the coverage states, the risks, the places knowledge lives, the run's decisions and the
app's version. The command line, the reports, the MCP server and the desktop all read them from here,
so "18 known unknowns" reads the same, in the same colour, wherever it is shown.

Pure: no Qt, no files, no database (the version is read from the installed package's metadata).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

# --- counted phrases ---------------------------------------------------------------------------

# Plurals the rule below gets wrong, by their last word.
IRREGULAR_PLURALS = {"person": "people", "entry": "entries", "is": "are", "was": "were", "has": "have"}


def plural_of(word: str) -> str:
    """The plural of a word or phrase, by its last word: "unwritten link" -> "unwritten links"."""
    head, space, last = word.rpartition(" ")
    if last in IRREGULAR_PLURALS:
        many = IRREGULAR_PLURALS[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        many = last + "es"
    elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return head + space + many


def agreeing(n: int, word: str, plural: str | None = None) -> str:
    """The form of `word` that agrees with `n`, without the number (a spin box shows the number itself)."""
    return word if abs(n) == 1 else (plural or plural_of(word))


def counted(n: int, word: str, plural: str | None = None, *, signed: bool = False) -> str:
    """`n` and the word that agrees with it: "1 note", "2 notes", "1,204 notes"; `plural` where a phrase
    changes more than its last word ("1 note refers to it", "2 notes refer to it"); `signed` for a change
    ("+1 point", "−3 points")."""
    shown = agreeing(n, word, plural)
    sign = ("+" if n >= 0 else "−") if signed else ("−" if n < 0 else "")
    return f"{sign}{abs(n):,} {shown}"


def referred_to(n: int) -> str:
    """Why an unwritten note matters: "1 note refers to it", "4 notes refer to it"."""
    return counted(n, "note refers to it", "notes refer to it")


# --- names of things ---------------------------------------------------------------------------


def label_of(key: str) -> str:
    """The one fallback for showing a key that has no word of its own: "depends_on" -> "Depends on"."""
    return key.replace("_", " ").strip().capitalize()


def relation_label(rel: str, blueprint=None) -> str:
    """How a link's relation reads from the note that holds it: the blueprint's `relation_labels` when it
    names one (`owner_of` -> "Owns"), else `label_of`."""
    return label_in(getattr(blueprint, "relation_labels", None) or {}, rel)


def label_in(labels: Mapping[str, str], rel: str) -> str:
    """`relation_label` from the blueprint's `relation_labels` alone (what a worker process is given)."""
    return labels.get(rel) or label_of(rel)


def reverse_label(rel: str, blueprint=None) -> str:
    """How a link reads from the note it points at: its inverse's label (a seam's `owner` reads "Owns"
    on the person), or the relation's own label quoted ("Links here as “Decided by”") where the blueprint gives no inverse."""
    inverse = blueprint.inverse(rel) if blueprint is not None else None
    return relation_label(inverse, blueprint) if inverse else f"Links here as “{relation_label(rel, blueprint)}”"


# --- terms: a key, its words and its colour ----------------------------------------------------


@dataclass(frozen=True)
class Term:
    key: str
    one: str  # the word for one: "known unknown"
    many: str  # for any other count: "known unknowns" (an adjective stays as it is: "stale")
    colour: str

    def count(self, n: int) -> str:
        return counted(n, self.one, self.many)


def _by_key(*terms: Term) -> dict[str, Term]:
    return {term.key: term for term in terms}


# Coverage states, from least to most complete: the order of every count, bar and legend.
STATES = _by_key(
    Term("known_unknown", "known unknown", "known unknowns", "#9aa0a6"),
    Term("stub", "stub", "stubs", "#d64f4f"),
    Term("partial", "partial", "partial", "#e8a33d"),
    Term("stale", "stale", "stale", "#c9b458"),
    Term("covered", "covered", "covered", "#4caf6e"),
)
# What each state means, as a legend explains it (the README's table of states says the same).
STATE_MEANINGS = {
    "known_unknown": "linked to by other notes, never written",
    "stub": "almost empty: a short body and most slots empty",
    "partial": "some slots the blueprint asks for are missing",
    "stale": "complete, but not reviewed within its type's horizon (or never)",
    "covered": "complete and fresh",
}

# Risks of where knowledge lives, worst first: a note living in several places takes the worst.
RISKS = _by_key(
    Term("trapped", "trapped", "trapped", "#d64f4f"),
    Term("narrow", "narrow", "narrow", "#e8a33d"),
    Term("unstructured", "unstructured", "unstructured", "#5b8def"),
    Term("structured", "structured", "structured", "#4caf6e"),
)

# The places knowledge lives (`lives_in`), from structured to trapped: green, then blue and amber, then reds.
# A chart names them by key; a question ("where does it live?") offers their words.
PLACES = _by_key(
    Term("note", "this note", "notes", "#2e8b57"),
    Term("system", "a system", "systems", "#66bb6a"),
    Term("doc", "a doc", "docs", "#5b8def"),
    Term("dashboard", "a dashboard", "dashboards", "#e8a33d"),
    Term("email", "email", "email", "#e57373"),
    Term("slack", "Slack", "Slack", "#d64f4f"),
    Term("head", "someone's head", "heads", "#8e1b1b"),
)
TRAPPED_PLACES = ("head", "slack", "email")


def listed(items) -> str:
    """Things as a sentence lists them: "B2B", "B2B and B2C", "B2B, B2C and shared work"."""
    said = list(items)
    return " and ".join(said) if len(said) < 3 else f"{', '.join(said[:-1])} and {said[-1]}"


def in_places(keys) -> str:
    """Places as a sentence says them: "someone's head", "Slack and email", "a doc, Slack and email"."""
    return listed(PLACES[key].one if key in PLACES else key for key in keys)

# What the simulated conductor decides at a step.
DECISIONS = _by_key(
    Term("proceed", "proceeds", "proceed", "#4caf6e"),
    Term("assumed", "proceeds on assumptions", "proceed on assumptions", "#e8a33d"),
    Term("escalated", "waits for a person", "wait for a person", "#5b8def"),
    Term("blocked", "blocked", "blocked", "#d64f4f"),
)
UNKNOWN_COLOUR = "#888888"  # a key none of the above knows

# A run's end against its program's deadline (`store.simulate.late_words` says by how much).
TIMING = _by_key(
    Term("on_time", "on time", "on time", "#4caf6e"),
    Term("late", "late", "late", "#d64f4f"),
)


def word_for(terms: dict[str, Term], key: str) -> str:
    """The word for `key` among `terms`, or the fallback rule for a key they do not know."""
    term = terms.get(key)
    return term.one if term else label_of(key).lower()


def colour_for(terms: dict[str, Term], key: str) -> str:
    term = terms.get(key)
    return term.colour if term else UNKNOWN_COLOUR


def score_hex(score: float) -> str:
    """The one colour scale for a coverage score, in the app and in reports: red below half, through
    amber at 60%, to green when complete."""
    stops = ((0.0, (214, 79, 79)), (0.6, (232, 163, 61)), (1.0, (76, 175, 110)))
    score = max(0.0, min(1.0, score))
    for (low, a), (high, b) in zip(stops, stops[1:]):
        if score <= high:
            t = (score - low) / (high - low)
            return "#%02x%02x%02x" % tuple(round(x + (y - x) * t) for x, y in zip(a, b))
    return STATES["covered"].colour


# --- the version -------------------------------------------------------------------------------


def app_version() -> str:
    """The installed package's version: what `substrate --version`, About, bundles and MCP all say."""
    try:
        return version("substrate")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def app_name() -> str:
    """"Substrate 0.1.0": how a bundle or a server names what made it."""
    return f"Substrate {app_version()}"
