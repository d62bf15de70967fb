"""The blueprint: what a complete brain knows, per note type. Loaded from
`resources/blueprint.yaml`, with a vault's `.substrate/blueprint.yaml` on top.

A blueprint with errors never stops anything: each error is reported with its file, line
and reason, and the default blueprint is used meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from store.locations import resources_dir
from store.note import normalise_relation
from store.words import RISKS, label_of
from store.vault import ConfigUnreadable, read_config_file

OVERRIDE_PATH = ".substrate/blueprint.yaml"
_TOP_KEYS = {"version", "fresh_days", "where_it_lives", "inverses", "relation_labels", "types"}
_TYPE_KEYS = {"label", "fresh_days", "slots", "question"}
MAX_BLUEPRINT_BYTES = 1_000_000


@dataclass(frozen=True)
class Slot:
    name: str
    kind: str  # "text" or "link"
    types: tuple[str, ...] = ()  # for a link: the types its target may have; empty means any


@dataclass(frozen=True)
class TypeSpec:
    name: str
    label: str
    slots: tuple[Slot, ...]
    fresh_days: int
    question: str


@dataclass(frozen=True)
class BlueprintProblem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Blueprint:
    types: dict[str, TypeSpec]
    inverses: dict[str, str]  # both directions
    risks: dict[str, str]  # lives_in kind -> risk
    fresh_days: int
    sources: tuple[str, ...] = ()
    problems: tuple[BlueprintProblem, ...] = field(default=())
    relation_labels: dict[str, str] = field(default_factory=dict)  # rel -> how it is shown ("owner_of" -> "Owns")

    def inverse(self, rel: str) -> str | None:
        return self.inverses.get(rel)


class _Invalid(Exception):
    def __init__(self, node, reason):
        super().__init__(reason)
        self.line = node.start_mark.line + 1 if node is not None else None


def load(vault_root: Path | None = None) -> Blueprint:
    """The default blueprint with the vault's override on top; errors in the override are reported, not fatal.

    Parsing the YAML costs 7-25 ms and the engine asks on every query, so the result is kept for as long as
    both files hold the same bytes (read again each call: a few microseconds, and exact where mtimes are not).
    """
    default_path = resources_dir() / "blueprint.yaml"
    override_path = Path(vault_root) / OVERRIDE_PATH if vault_root else None
    key = (str(default_path), _bytes_of(default_path), str(override_path), _bytes_of(override_path))
    cached = _loaded.get(key)
    if cached is None:
        if len(_loaded) >= 8:
            _loaded.clear()
        cached = _loaded[key] = _load(default_path, override_path)
    return cached


_loaded: dict[tuple, Blueprint] = {}


def _bytes_of(path: Path | None) -> bytes | str | None:
    """What the cache knows the file by: its bytes, why it cannot be read, or None (no file)."""
    if path is None:
        return None
    try:
        return read_config_file(path, MAX_BLUEPRINT_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable: {exc}"


def _load(default_path: Path, override_path: Path | None) -> Blueprint:
    raw, problems = _read(default_path)
    problems = problems or _check_references(raw, default_path)
    if problems:  # the shipped blueprint is tested; this guards a damaged install
        raise RuntimeError("; ".join(map(str, problems)))
    if override_path is None or not os.path.exists(override_path):
        return _build(raw, (str(default_path),), ())
    extra, problems = _read(override_path)
    if not problems:
        merged = _merge(raw, extra)
        problems = _check_references(merged, override_path)
        if not problems:
            return _build(merged, (str(default_path), str(override_path)), ())
    return _build(raw, (str(default_path),), problems)


def _read(path: Path) -> tuple[dict, tuple[BlueprintProblem, ...]]:
    try:
        text = read_config_file(path, MAX_BLUEPRINT_BYTES).decode("utf-8")
        _check_nesting(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python composer: it keeps each node's line
        raw = _top(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return {}, (BlueprintProblem(str(path), mark.line + 1 if mark else None, f"not valid YAML ({exc.problem})"),)
    except (yaml.YAMLError, RecursionError):  # `[` nested 10,000 deep exhausts the parser's stack before any YAML error
        return {}, (BlueprintProblem(str(path), None, "could not be read (nested too deeply or malformed YAML)"),)
    except ConfigUnreadable as exc:
        return {}, (BlueprintProblem(str(path), None, f"cannot be used: {exc}"),)
    except (OSError, UnicodeDecodeError) as exc:
        return {}, (BlueprintProblem(str(path), None, f"cannot be read ({exc})"),)
    except _Invalid as exc:
        return {}, (BlueprintProblem(str(path), exc.line, str(exc)),)
    return raw, ()


MAX_NESTING = 32  # the shipped blueprint nests 4 deep


def _check_nesting(text: str) -> None:
    """_Invalid past MAX_NESTING levels, found by libyaml's event parser in milliseconds: the pure-Python
    composer takes seconds to give up on `[` nested ten thousand deep."""
    depth = 0
    for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                raise _Invalid(event, f"is nested more than {MAX_NESTING} levels deep; a blueprint is a few levels of types and slots")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _mapping(node, what: str) -> list:
    if not isinstance(node, yaml.MappingNode):
        raise _Invalid(node, f"{what} must be a list of `key: value` lines")
    return node.value


def _scalar(node, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.value == "":
        raise _Invalid(node, f"{what} must be a word or a sentence")
    return node.value


def _days(node, what: str) -> int:
    text = _scalar(node, what)
    if not text.isdigit() or int(text) <= 0:
        raise _Invalid(node, f"{what} must be a whole number of days, such as 90 (found {text!r})")
    return int(text)


def _top(node) -> dict:
    if node is None:
        return {}
    raw: dict = {}
    for key_node, value in _mapping(node, "The blueprint"):
        key = _scalar(key_node, "A key")
        if key not in _TOP_KEYS:
            raise _Invalid(key_node, f"unknown key {key!r}; the blueprint knows {', '.join(sorted(_TOP_KEYS))}")
        if key == "fresh_days":
            raw[key] = _days(value, "fresh_days")
        elif key == "where_it_lives":
            raw[key] = {_scalar(k, "A place"): _risk(v) for k, v in _mapping(value, "where_it_lives")}
        elif key == "inverses":
            raw[key] = _inverses(value)
        elif key == "relation_labels":
            raw[key] = {normalise_relation(_scalar(k, "A relation")): _scalar(v, "A label") for k, v in _mapping(value, "relation_labels")}
        elif key == "types":
            raw[key] = {normalise_relation(_scalar(k, "A type")): _type(normalise_relation(k.value), v) for k, v in _mapping(value, "types")}
    return raw


def _risk(node) -> str:
    risk = _scalar(node, "A risk")
    if risk not in RISKS:
        raise _Invalid(node, f"{risk!r} is not a risk; use {', '.join(reversed(RISKS))}")
    return risk


def _inverses(node) -> dict[str, tuple[str, int]]:
    pairs: dict[str, tuple[str, int]] = {}
    for key_node, value in _mapping(node, "inverses"):
        rel, inverse = normalise_relation(_scalar(key_node, "A relation")), normalise_relation(_scalar(value, "An inverse"))
        for name, other in ((rel, inverse), (inverse, rel)):
            if name in pairs and pairs[name][0] != other:
                raise _Invalid(key_node, f"{name!r} cannot be the inverse of both {pairs[name][0]!r} and {other!r}")
            pairs[name] = (other, key_node.start_mark.line + 1)
    return pairs


def _type(name: str, node) -> dict:
    spec: dict = {"name": name, "line": node.start_mark.line + 1, "slots": {}}
    for key_node, value in _mapping(node, f"The type {name!r}"):
        key = _scalar(key_node, "A key")
        if key not in _TYPE_KEYS:
            raise _Invalid(key_node, f"unknown key {key!r} in type {name!r}; a type has {', '.join(sorted(_TYPE_KEYS))}")
        if key == "fresh_days":
            spec[key] = _days(value, f"{name}.fresh_days")
        elif key == "slots":
            spec[key] = {normalise_relation(_scalar(k, "A slot")): _slot_kind(v, name) for k, v in _mapping(value, f"{name}.slots")}
        else:
            spec[key] = _scalar(value, f"{name}.{key}")
    return spec


def _slot_kind(node, type_name: str) -> tuple[str, tuple[str, ...], int]:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        return "link", tuple(normalise_relation(_scalar(item, "A type")) for item in node.value), line
    kind = _scalar(node, f"A slot of {type_name!r}")
    if kind == "text":
        return "text", (), line
    if kind == "any":
        return "link", (), line
    return "link", (normalise_relation(kind),), line


def _check_references(raw: dict, path: Path) -> tuple[BlueprintProblem, ...]:
    """Every type a slot points at must be a type of the blueprint."""
    known = set(raw.get("types", {}))
    problems = []
    for spec in raw.get("types", {}).values():
        for slot, (kind, types, line) in spec["slots"].items():
            for missing in sorted(set(types) - known):
                problems.append(BlueprintProblem(str(path), line, f"{spec['name']}.{slot} points at {missing!r}, which is not a type here"))
    return tuple(problems)


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key in ("where_it_lives", "inverses", "relation_labels", "types"):
        merged[key] = {**base.get(key, {}), **extra.get(key, {})}
    if "fresh_days" in extra:
        merged["fresh_days"] = extra["fresh_days"]
    return merged


def _build(raw: dict, sources: tuple[str, ...], problems) -> Blueprint:
    fresh = raw.get("fresh_days", 180)
    types = {
        name: TypeSpec(
            name=name,
            label=spec.get("label", label_of(name)),
            slots=tuple(Slot(slot, kind, types) for slot, (kind, types, _line) in spec["slots"].items()),
            fresh_days=spec.get("fresh_days", fresh),
            question=spec.get("question", ""),
        )
        for name, spec in raw.get("types", {}).items()
    }
    inverses = {rel: other for rel, (other, _line) in raw.get("inverses", {}).items()}
    return Blueprint(types, inverses, dict(raw.get("where_it_lives", {})), fresh, sources, tuple(problems),
                     dict(raw.get("relation_labels", {})))
