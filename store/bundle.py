"""Context bundles: a scope of the brain in one .zip, for a team or an agent.

    notes/…          the notes, byte for byte, at their paths in the vault
    manifest.json    what is in it (checked against resources/bundle-manifest.schema.json)
    context.md       every note in reading order, to paste into an LLM or feed an agent
    report.html      the same, readable by anyone in a browser, self-contained (see bundle_report)

Before anything is written the notes are scanned for secrets and personal data; the export
stops and lists what it found, redacted, unless those notes are left out or the person insists.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from store import clock, secret_fields, secret_rules, words
from store.blueprint import Blueprint
from store.coverage import CoverageReport
from store.display import printable, shortened
from store.errors import BundleError
from store.locations import cannot_write, check_output, resources_dir
from store.program_facts import open_simulation
from store.safe_write import UMASK
from store.vault import read_note_bytes

FORMAT, VERSION = "substrate.bundle", 1
MAX_FINDINGS_PER_NOTE = 100
SCAN_BUDGET_SECONDS = 5.0  # per note: a note built to make the rules backtrack is reported, not waited for
COMPRESS_LEVEL = 3  # a quarter faster than the default for 5% more bytes
SCOPE_KINDS = ("vault", "type", "motion", "tag", "program", "note")


@dataclass(frozen=True)
class Scope:
    kind: str  # one of SCOPE_KINDS
    value: str = ""
    depth: int = 1  # for a program or a note: how many links out to follow

    @classmethod
    def parse(cls, text: str) -> "Scope":
        """`vault`, `type:seam`, `motion:b2b`, `tag:incident`, `program:NAME[:DEPTH]`, `note:NAME[:DEPTH]`."""
        kind, _, rest = text.strip().partition(":")
        kind = kind.strip().lower()
        if kind not in SCOPE_KINDS:
            raise BundleError(f"“{text}” is not a scope: use vault, type:T, motion:M, tag:T, program:NAME[:DEPTH] or note:NAME[:DEPTH].")
        value, depth = rest.strip(), 1
        if kind in ("program", "note") and re.search(r":\d+$", value):
            value, _, number = value.rpartition(":")
            depth = int(number)
        if kind != "vault" and not value:
            raise BundleError(f"The scope “{kind}” needs a value, e.g. {kind}:{'seam' if kind == 'type' else 'NAME'}.")
        if not 0 <= depth <= 3:
            raise BundleError("A scope's depth is 0 to 3 links.")
        return cls(kind, value, depth if kind in ("program", "note") else 0)

    def words(self) -> str:
        if self.kind == "vault":
            return "the whole vault"
        depth = f", {words.counted(self.depth, 'link')} out" if self.kind in ("program", "note") else ""
        return f"{self.kind} {self.value}{depth}"


def scope_paths(db: sqlite_utils.Database, blueprint: Blueprint, scope: Scope, today: dt.date) -> list[str]:
    """The notes a scope takes in, sorted."""
    if scope.kind == "vault":
        return [p for (p,) in db.execute("SELECT path FROM notes ORDER BY path")]
    if scope.kind == "type":
        return [p for (p,) in db.execute("SELECT path FROM notes WHERE type = ? ORDER BY path", [scope.value])]
    if scope.kind == "motion":
        return [p for (p,) in db.execute("SELECT path FROM notes WHERE motion = ? ORDER BY path", [scope.value.lower()])]
    if scope.kind == "tag":
        tag = scope.value.lstrip("#")
        return [p for (p,) in db.execute("SELECT DISTINCT path FROM tags WHERE tag = ? OR tag LIKE ? ORDER BY path", [tag, f"{tag}/%"])]
    if scope.kind == "program":
        simulation = open_simulation(db, blueprint, scope.value, today)
        context = simulation.context
        start = {simulation.program.path, *context.notes, *context.agents, *context.seams, *context.responders}
        return sorted(_around(db, start, scope.depth - 1))
    from store.query import find_note

    return sorted(_around(db, {find_note(db, scope.value)}, scope.depth))


def _around(db, start: set[str], depth: int) -> set[str]:
    """`start` and the notes within `depth` links of it, either way."""
    seen, frontier = set(start), set(start)
    for _ in range(max(0, depth)):
        marks = ",".join("?" * len(frontier))
        rows = db.execute(
            f"SELECT target_path FROM links WHERE source IN ({marks}) AND target_path IS NOT NULL "
            f"UNION SELECT source FROM links WHERE target_path IN ({marks})", [*frontier, *frontier]
        ) if frontier else []
        frontier = {p for (p,) in rows} - seen
        seen |= frontier
    return seen


# --- secrets and personal data ------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    excerpt: str  # redacted

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.excerpt}"


# Substrate's own checks, (kind, pattern, markers): a pattern runs only on a note holding one of its
# markers (as written, or lower-cased for the words). They come first and keep their names; the
# vendored rule set (store/secret_rules.py: hundreds of vendors' key formats) adds what they miss.
_SECRETS = [
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"), ("PRIVATE KEY",)),
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), ("AKIA", "ASIA")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"), ("AIza",)),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), ("xox",)),
    ("Stripe key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}\b"), ("k_live_",)),
    # OpenAI's project, service-account, admin and user keys, and its classic `sk-` + 48 (which the rule set
    # calls a Kimi key: Moonshot copied the shape). A key holds a digit, so `sk-proj-xxxx…` is a placeholder.
    ("OpenAI API key", re.compile(r"(?<![\w-])sk-(?:(?:proj|svcacct|admin|None)-(?=[\w-]*\d)[A-Za-z0-9_-]{40,}|(?=[A-Za-z]*\d)[A-Za-z0-9]{48})(?![\w-])"),
     ("sk-",)),
    # HubSpot private app tokens: the rule set knows only HubSpot's retired UUID keys
    ("HubSpot private app token", re.compile(r"\bpat-(?:na|eu|ap)\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), ("pat-",)),
    # an HTTP header pasted from a request; the rule set knows it only inside a curl command.
    # A bearer token holds a digit, so "the bearer of good news" is not one.
    ("authorization header", re.compile(r"(?i)\bauthorization\b[\"']?[ \t]*[:=][ \t]*[\"']?(?:basic|token|bearer)[ \t]+[A-Za-z0-9._~+/=-]{8,}"
                                        r"|\bbearer[ \t]+(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}"), ("authorization", "bearer")),
    ("environment file line", re.compile(r"^(?:export\s+)?[A-Z][A-Z0-9_]*(?:KEY|SECRET|TOKEN|PASSWORD)[A-Z0-9_]*=\S+", re.M),
     ("KEY", "SECRET", "TOKEN", "PASSWORD")),
]
_PERSONAL = [
    ("email address", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"), ("@",)),
    ("phone number", re.compile(r"(?<![\w-])\+?\d[\d \t().-]{8,}\d(?![\w-])"), None),
]
_PHONE_HINT = re.compile(r"\d[\d \t().-]{8,}\d")


def scan(path: str, text: str, budget: float = SCAN_BUDGET_SECONDS) -> list[Finding]:
    """Secrets and personal data in one note, each redacted to its first characters.

    At most MAX_FINDINGS_PER_NOTE: the export stops at the first anyway, and a note made of
    thousands of keys would otherwise cost time with the square of their number.
    """
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []  # what is reported already: a key the rule set knows too is one finding
    breaks: list[int] = []

    def add(kind: str, span: tuple[int, int], secret: str, again: bool = True) -> None:
        if not again and any(start < span[1] and span[0] < end for start, end in taken):
            return
        if not breaks:
            breaks.extend(i for i, char in enumerate(text) if char == "\n")
            breaks.append(len(text))
        taken.append(span)
        found.append(Finding(path, bisect.bisect_left(breaks, span[0]) + 1, kind, _redact(secret.lstrip("| \t"))))
        if len(found) >= MAX_FINDINGS_PER_NOTE:
            raise _Enough

    try:
        _scan(text, add, time.thread_time() + budget)
    except secret_rules.ScanTooLong:
        found.append(Finding(path, 1, "not scanned whole", f"the scan took over {budget:g} s: check it yourself or leave it out"))
    except _Enough:
        pass
    return sorted(found, key=lambda f: (f.line, f.kind))


def scan_notes(vault_root: Path, paths: Iterable[str]) -> list[Finding]:
    """What the scan finds in each of these notes, as they are on disk now."""
    return [f for path in paths for f in scan(path, read_note_bytes(vault_root, path).decode("utf-8", errors="replace"))]


class _Enough(Exception):
    pass


def _scan(text: str, add, deadline: float) -> None:
    lower = text.lower()
    for kind, pattern, markers in (*_SECRETS, *_PERSONAL):
        if markers is not None and not any(m in text or m in lower for m in markers):
            continue
        if markers is None and not _PHONE_HINT.search(text):
            continue
        for match in pattern.finditer(text):  # the whole note at once, not line by line
            if kind == "phone number" and sum(c.isdigit() for c in match.group()) < 9:
                continue
            add(kind, match.span(), match.group())
    if any(marker in lower for marker in secret_fields.MARKERS):
        for span, secret in secret_fields.named_secrets(text, lower, deadline):
            add("password or secret", span, secret)
    for rule in secret_rules.candidates(lower):
        for span, secret in rule.secrets(text, deadline):
            add(rule.kind, span, secret, again=False)


def _redact(secret: str) -> str:
    keep = 3 if len(secret) > 8 else 1
    return secret[:keep] + "•" * min(12, len(secret) - keep)


# --- export ------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    path: Path
    notes: int
    size: int
    findings: list[Finding] = field(default_factory=list)


@lru_cache(maxsize=1)
def manifest_schema() -> dict:
    return json.loads((resources_dir() / "bundle-manifest.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _manifest_check():
    import fastjsonschema  # compiles the schema to Python: 10,000 notes check in a tenth of a second

    return fastjsonschema.compile(manifest_schema())


def check_manifest(manifest: object, exporting: bool = False) -> None:
    """BundleError, in words, when the manifest does not follow the schema. While `exporting`, a note
    the schema cannot take (a path past its length) is named, with what to do about it."""
    import fastjsonschema

    try:
        _manifest_check()(manifest)
    except fastjsonschema.JsonSchemaValueException as exc:
        note = _note_at(manifest, exc.name) if exporting else None
        if note is not None:
            path, field = note
            fix = "move it to a shorter path" if field == "path" else f"shorten its {field}"
            raise BundleError(f"The note {shortened(printable(path))} cannot go in a bundle: its {field} {_rule(exc)}. "
                              f"Leave it out with --exclude, or {fix}.") from None
        where = exc.name.removeprefix("data").lstrip(".") or "the top"
        raise BundleError(f"The bundle's manifest is not valid at {where}: {exc.message[:200]}") from None


def _note_at(manifest: dict, where: str) -> tuple[str, str] | None:
    """(the note's path, the field) when the schema's complaint is about one note or one of its links."""
    found = re.fullmatch(r"data\.(notes|links)\[(\d+)\]\.(\w+)", where)
    if not found:
        return None
    entry = manifest[found[1]][int(found[2])]
    return (entry["path"], found[3]) if found[1] == "notes" else (entry["source"], f"link {found[3]}")


def _rule(exc) -> str:
    if exc.rule == "maxLength":
        return f"is longer than the {exc.rule_definition:,} characters a bundle allows"
    return f"is not allowed in a bundle ({exc.message[:120]})"


def export_scope(db: sqlite_utils.Database, vault_root: Path, blueprint: Blueprint, report: CoverageReport, scope: Scope, out: Path,
                 today: dt.date, allow_secrets: bool = False, exclude: set[str] = frozenset(), progress=None) -> ExportResult:
    """The notes of `scope` (and, for a program, its simulated run) as a bundle at `out`, which is
    never inside the vault (OutputRefused)."""
    check_output(out, vault_root, what="the bundle")
    run = None
    if scope.kind == "program":
        from store.simulate import outcome_words, run_json

        played = open_simulation(db, blueprint, scope.value, today).run()
        run = run_json(played) | {"outcome": outcome_words(played)}
    return export(db, vault_root, report, scope, scope_paths(db, blueprint, scope, today), out, allow_secrets, exclude, run, progress,
                  labels=blueprint.relation_labels)


def export(db: sqlite_utils.Database, vault_root: Path, report: CoverageReport, scope: Scope, paths: list[str], out: Path,
           allow_secrets: bool = False, exclude: set[str] = frozenset(), run: dict | None = None,
           progress=None, labels: dict[str, str] | None = None) -> ExportResult:
    """Write the bundle for `paths` to `out` (atomically: a half-written bundle never exists)."""
    from store.bundle_report import context_markdown, report_html

    vault_root = Path(vault_root)
    chosen = [p for p in paths if p not in exclude and not any(part.startswith(".") for part in p.split("/"))]
    if not chosen:
        raise BundleError("The scope holds no notes to export.")
    contents: dict[str, bytes] = {}
    findings: list[Finding] = []
    for done, path in enumerate(chosen, start=1):
        data = read_note_bytes(vault_root, path)  # swapped for a pipe or a link out since it was indexed: said, not read
        contents[path] = data
        findings += scan(path, data.decode("utf-8", errors="replace"))
        if progress and done % 200 == 0:
            progress(done, len(chosen) * 2)
    if findings and not allow_secrets:
        return ExportResult(out, 0, 0, findings)
    manifest = _manifest(db, vault_root, report, scope, contents, run)
    check_manifest(manifest, exporting=True)
    out = Path(out)
    # made new beside `out` (never a name that is already there, which could be a link into the vault)
    try:
        handle, partial = tempfile.mkstemp(dir=out.parent, prefix=".substrate-export-", suffix=".partial")
    except OSError as exc:  # the folder is gone, is a file, is read-only or full
        raise cannot_write(out, exc, "the bundle") from None
    try:
        with os.fdopen(handle, "wb") as raw:
            os.chmod(partial, 0o666 & ~UMASK)  # an ordinary file's mode, not mkstemp's owner-only one (no fchmod on Windows)
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as bundle:
                for done, (path, data) in enumerate(contents.items(), start=1):
                    _put(bundle, f"notes/{path}", data)
                    if progress and done % 200 == 0:
                        progress(len(chosen) + done, len(chosen) * 2)
                _put(bundle, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
                _put(bundle, "context.md", context_markdown(db, report, manifest))
                _put(bundle, "report.html", report_html(db, report, manifest, contents, labels))
        os.replace(partial, out)  # a half-written bundle never takes the name
    except OSError as exc:
        raise cannot_write(out, exc, "the bundle") from None
    finally:
        if os.path.lexists(partial):
            os.unlink(partial)
    return ExportResult(out, len(contents), out.stat().st_size, findings)


def _put(bundle: zipfile.ZipFile, name: str, data) -> None:
    """An entry any unzip tool extracts as an ordinary readable file (rw-r--r--), compressed."""
    info = zipfile.ZipInfo(name, date_time=clock.now_local().timetuple()[:6])
    info.external_attr = 0o100644 << 16
    bundle.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)


def _manifest(db, vault_root: Path, report: CoverageReport, scope: Scope, contents: dict[str, bytes], run: dict | None) -> dict:
    titles = {}
    marks_paths = list(contents)
    for start in range(0, len(marks_paths), 500):
        chunk = marks_paths[start : start + 500]
        rows = db.execute(f"SELECT path, title, type FROM notes WHERE path IN ({','.join('?' * len(chunk))})", chunk)
        titles.update({path: (title, type_) for path, title, type_ in rows})
    inside = set(contents)
    links = sorted({(s, r or "links_to", t) for s, r, t in db.execute("SELECT source, rel, target_path FROM links WHERE target_path IS NOT NULL")
                    if s in inside and t in inside and s != t})
    manifest = {
        "format": FORMAT, "version": VERSION, "generator": words.app_name(),
        "created": clock.now_utc().isoformat(timespec="seconds"),
        "vault": Path(vault_root).name, "scope": {"kind": scope.kind, "value": scope.value, "depth": scope.depth},
        "notes": [{"path": p, "title": titles.get(p, (Path(p).stem, None))[0], "type": titles.get(p, (None, None))[1],
                   "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)} for p, data in contents.items()],
        "links": [{"source": s, "rel": r, "target": t} for s, r, t in links],
        "coverage": {"overall": report.overall, "counts": dict(report.counts), "totals": report.totals().as_dict()},
    }
    if run is not None:
        manifest["run"] = run
    return manifest
