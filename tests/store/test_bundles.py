"""Context bundles: scopes, the secret scan, the report, a round trip, and bundles built to hurt."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from store.brain import Brain
from store.bundle import Scope, scan
from store.errors import BundleError
from store.bundle_import import apply, read_plan
from store.errors import OutputRefused
from store.locations import resources_dir
from store.safe_write import UMASK
from tests.conftest import write

LAUNCH = "program:Harbor Teams 2.0 Launch"


@pytest.fixture
def sample(tmp_path) -> Path:
    target = tmp_path / "Harbor"
    shutil.copytree(resources_dir() / "sample-brain", target)
    return target


def export(vault: Path, tmp_path: Path, scope: str = LAUNCH, **options):
    with Brain(vault, tmp_path / "export.sqlite") as brain:
        brain.refresh()
        return brain.read.export_bundle(Scope.parse(scope), tmp_path / "bundle.zip", **options), brain


def index_dump(vault: Path, db: Path, paths=None) -> dict:
    with Brain(vault, db) as brain:
        brain.refresh()
        rows = brain.index.db.execute("SELECT path, title, type, owner, reviewed, lives_in, body FROM notes ORDER BY path").fetchall()
        links = brain.index.db.execute("SELECT source, rel, target, target_path FROM links ORDER BY source, line, rel, target").fetchall()
    keep = (lambda p: True) if paths is None else (lambda p: p in paths)
    return {"notes": [r for r in rows if keep(r[0])], "links": [r for r in links if keep(r[0])]}


def test_scopes_take_in_the_notes_they_say(sample, tmp_path):
    with Brain(sample, tmp_path / "i.sqlite") as brain:
        brain.refresh()
        assert len(brain.read.bundle_paths(Scope.parse("vault"))) == 87
        assert len(brain.read.bundle_paths(Scope.parse("type:seam"))) == 10
        assert all(p.startswith("people/") for p in brain.read.bundle_paths(Scope.parse("type:person")))
        launch = brain.read.bundle_paths(Scope.parse(LAUNCH))
        assert "programs/Harbor Teams 2.0 Launch.md" in launch and "people/Chris Park.md" in launch and "systems/Salesforce.md" in launch
        assert len(brain.read.bundle_paths(Scope.parse(LAUNCH + ":2"))) > len(launch)
        around = brain.read.bundle_paths(Scope.parse("note:Marketo to Salesforce Lead Sync:1"))
        assert {"seams/Marketo to Salesforce Lead Sync.md", "systems/Marketo.md", "people/Priya Shah.md"} <= set(around)
    with pytest.raises(BundleError, match="not a scope"):
        Scope.parse("folder:x")
    with pytest.raises(BundleError, match="0 to 3"):
        Scope.parse("note:x:7")


def test_a_program_bundle_round_trips_into_an_empty_vault(sample, tmp_path):
    result, _ = export(sample, tmp_path)
    assert result.notes == 39 and not result.findings
    with zipfile.ZipFile(result.path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        assert manifest["format"] == "substrate.bundle" and manifest["scope"] == {"kind": "program", "value": "Harbor Teams 2.0 Launch", "depth": 1}
        assert manifest["run"]["outcome"].startswith("never finishes") and manifest["coverage"]["overall"] == pytest.approx(0.761)
        for note in manifest["notes"]:
            data = bundle.read(f"notes/{note['path']}")
            assert data == (sample / note["path"]).read_bytes() and hashlib.sha256(data).hexdigest() == note["sha256"]
        assert "## Define launch audiences" in bundle.read("context.md").decode()
    target = tmp_path / "Team"
    target.mkdir()
    plan = read_plan(result.path, target)
    assert len(plan.new) == 39 and not plan.conflicts
    done = apply(plan, target)
    assert len(done.written) == 39 and done.summary_path.exists()
    paths = {n["path"] for n in manifest["notes"]}
    theirs, ours = index_dump(target, tmp_path / "team.sqlite"), index_dump(sample, tmp_path / "again.sqlite", paths)
    assert theirs["notes"] == ours["notes"]
    inside = lambda links: [link for link in links if link[3] in paths]  # noqa: E731  (links to notes outside the scope dangle there)
    assert inside(theirs["links"]) == inside(ours["links"]) and len(theirs["links"]) == len(ours["links"])
    assert not list(target.rglob("*.tmp"))


def test_importing_never_overwrites_a_note(sample, tmp_path):
    result, _ = export(sample, tmp_path, "type:seam")
    mine = sample / "seams/Marketo to Salesforce Lead Sync.md"
    mine.write_text(mine.read_text(encoding="utf-8") + "\nMy edit since.\n", encoding="utf-8")
    before = mine.read_bytes()
    plan = read_plan(result.path, sample)
    assert plan.conflicts == ["seams/Marketo to Salesforce Lead Sync.md"] and len(plan.identical) == 9 and not plan.new
    done = apply(plan, sample, conflicts="beside")
    assert mine.read_bytes() == before
    assert done.beside == [("seams/Marketo to Salesforce Lead Sync.md", "seams/Marketo to Salesforce Lead Sync (from bundle).md")]
    again = apply(read_plan(result.path, sample), sample, conflicts="skip")
    assert again.skipped == ["seams/Marketo to Salesforce Lead Sync.md"] and mine.read_bytes() == before
    case_twin = tmp_path / "Twin"
    write(case_twin, "SEAMS/marketo to salesforce lead sync.md", "someone else's\n")
    assert "seams/Marketo to Salesforce Lead Sync.md" in read_plan(result.path, case_twin).conflicts


def test_secrets_and_personal_data_stop_the_export_redacted(sample, tmp_path):
    write(sample, "systems/Salesforce.md", (sample / "systems/Salesforce.md").read_text(encoding="utf-8")
          + "\napi_key: sk_live_51HxQ2abcdefghijklmnopqrstu\nReach Dana at dana.ruiz@harbor.example or +1 415 555 0142.\n")
    result, _ = export(sample, tmp_path)
    assert result.notes == 0 and not (tmp_path / "bundle.zip").exists()
    kinds = {f.kind for f in result.findings}
    assert {"password or secret", "Stripe key", "email address", "phone number"} <= kinds
    assert all("51HxQ2abcdefghijklmnop" not in f.excerpt and "dana.ruiz@" not in f.excerpt for f in result.findings)
    excluded, _ = export(sample, tmp_path, exclude={"systems/Salesforce.md"})
    assert excluded.notes == 38 and not excluded.findings
    forced, _ = export(sample, tmp_path, allow_secrets=True)
    assert forced.notes == 39 and forced.findings
    assert scan("a.md", "-----BEGIN OPENSSH PRIVATE KEY-----\nAKIAIOSFODNN7EXAMPLE\n")[0].kind == "private key"


def test_the_report_is_self_contained_escaped_and_cross_linked(sample, tmp_path):
    write(sample, "goals/Hostile.md", "---\ntype: goal\n---\n<script>alert(1)</script>\n\n![tracker](https://evil.example/p.png) [[Salesforce]]\n")
    result, _ = export(sample, tmp_path, "vault")
    page = zipfile.ZipFile(result.path).read("report.html").decode()
    tags = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Collect().feed(page)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "iframe", "object", "embed", "link", "img", "form"}
    for _tag, attrs in tags:
        for key, value in attrs.items():
            assert not key.startswith("on")
            if key in ("href", "src"):
                assert value.startswith(("#", "https:", "http:", "mailto:")) and not (key == "src"), (key, value)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "[image not loaded: tracker]" in page  # shown as text, never fetched
    hostile = page.split('<h2 id="n1">Hostile</h2>', 1)[1].split("<h2", 1)[0]
    assert '<a class="note" href="#' in hostile  # [[Salesforce]] leads to Salesforce's section
    anchors = {attrs["id"] for _tag, attrs in tags if "id" in attrs}
    assert all(attrs["href"][1:] in anchors for _tag, attrs in tags if attrs.get("href", "").startswith("#"))
    assert any(tag == "svg" for tag, _ in tags) and "default-src 'none'" in page
    assert page.count('<table class="map">') == 1 and "<th>Seams</th>" in page  # the coverage map, as a table
    legend = page.split('<p class="facts">', 2)[2].split("</p>", 1)[0]  # under the coverage bar: counts that agree
    assert "18 known unknowns" in legend and "known unknown " not in legend.replace("known unknowns", "")
    assert '<small>1 note</small>' in page and '<small>1 notes</small>' not in page


def _bundle(tmp_path: Path, notes: dict[str, bytes], manifest_edit=None, extra: list[tuple[zipfile.ZipInfo | str, bytes]] = ()) -> Path:
    """A bundle built by hand, to lie or to hurt."""
    manifest = {
        "format": "substrate.bundle", "version": 1, "generator": "test", "created": "2026-11-25T00:00:00+00:00", "vault": "Hostile",
        "scope": {"kind": "vault", "value": "", "depth": 0},
        "notes": [{"path": p, "title": p, "type": None, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for p, d in notes.items()],
        "links": [], "coverage": {"overall": 0.5, "counts": {}},
    }
    if manifest_edit:
        manifest_edit(manifest)
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("manifest.json", json.dumps(manifest))
        for name, data in notes.items():
            bundle.writestr(f"notes/{name}", data)
        for info, data in extra:
            bundle.writestr(info, data)
    return path


def _folder_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
    return info


def _symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


HOSTILE = {
    "traversal": ({"../escape.md": b"x"}, None, [], "outside"),
    "absolute path": ({"/etc/evil.md": b"x"}, None, [], "unsafe name"),
    "drive letter": ({"C:/evil.md": b"x"}, None, [], "unsafe name"),
    "backslash traversal": ({"..\\evil.md": b"x"}, None, [], "unsafe name"),
    "reserved Windows name": ({"CON.md": b"x"}, None, [], "Windows reserves"),
    "long name": ({"a" * 300 + ".md": b"x"}, None, [], "longer than 255"),
    "case twins": ({"a.md": b"x", "A.md": b"y"}, None, [], "one on Windows"),
    "Unicode twins": ({"caf\u00e9.md": b"x", "cafe\u0301.md": b"y"}, None, [], "one on Windows"),
    "hidden file": ({".env.md": b"x"}, None, [], "hidden"),
    "wrong hash": ({"a.md": b"x"}, lambda m: m["notes"][0].update(sha256="0" * 64), [], "hash differs"),
    "wrong size": ({"a.md": b"xyz"}, lambda m: m["notes"][0].update(size=1), [], "larger than its manifest"),
    "missing file": ({"a.md": b"x"}, lambda m: m["notes"].append({**m["notes"][0], "path": "b.md"}), [], "does not hold"),
    "extra file": ({"a.md": b"x"}, None, [("notes/b.md", b"y")], "does not list"),
    "symlink": ({"a.md": b"x"}, None, [(_symlink_entry("notes/link.md"), b"/etc/passwd")], "symbolic link"),
    "nested archive": ({"a.md": b"PK\x03\x04 nested"}, None, [], "itself an archive"),
    "bad format": ({"a.md": b"x"}, lambda m: m.update(format="other"), [], "manifest is not valid"),
    "huge note": ({"a.md": b"x"}, lambda m: m["notes"][0].update(size=50 * 1024 * 1024), [], "manifest is not valid"),
    # the same name twice: the manifest's hash matches the last one, the first could be anything
    "duplicate entry": ({"a.md": b"x"}, None, [("notes/a.md", b"x")], "same entry twice"),
    "folder entry outside": ({"a.md": b"x"}, None, [(_folder_entry("notes/../evil/"), b"")], "outside"),
    "reserved folder entry": ({"a.md": b"x"}, None, [(_folder_entry("notes/NUL/"), b"")], "Windows reserves"),
    "NUL bytes": ({"a.md": b"# a\n" + b"\0" * 4096}, None, [], "not text"),
    "an image named .md": ({"a.md": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4}, None, [], "not text"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_a_hostile_bundle_is_refused_and_nothing_is_written(case, tmp_path):
    notes, edit, extra, message = HOSTILE[case]
    bundle = _bundle(tmp_path, notes, edit, extra)
    target = tmp_path / "vault"
    target.mkdir()
    with pytest.raises(BundleError, match=message):
        read_plan(bundle, target)
    assert list(target.rglob("*")) == [] and not (tmp_path / "escape.md").exists()


def test_a_zip_bomb_is_refused_by_the_bytes_it_would_read(tmp_path):
    bomb = zipfile.ZipInfo("notes/b.md")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    path = _bundle(tmp_path, {"a.md": b"x"}, lambda m: m["notes"].append(
        {"path": "b.md", "title": "b", "type": None, "sha256": hashlib.sha256(b"small").hexdigest(), "size": 5}),
        [(bomb, b"\0" * (40 * 1024 * 1024))])  # 40 MB that packs into about 40 KB
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(BundleError, match="larger than its manifest"):
        read_plan(path, tmp_path)
    with pytest.raises(BundleError, match="not a bundle"):
        read_plan(write(tmp_path, "not.zip", b"plain text"), tmp_path)


def test_bundle_entries_and_imported_notes_are_ordinary_readable_files(sample, tmp_path):
    result, _ = export(sample, tmp_path, "type:seam")
    with zipfile.ZipFile(result.path) as bundle:
        assert {stat.S_IMODE(info.external_attr >> 16) for info in bundle.infolist()} == {0o644}
    target = tmp_path / "Team"
    target.mkdir()
    apply(read_plan(result.path, target), target)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in target.rglob("*.md")}
    assert modes and all(mode & 0o044 for mode in modes)  # readable by the group and others, as under the usual umask


def test_a_bundle_is_never_written_into_the_vault(sample, tmp_path):
    note = sample / "people/Dana Ruiz.md"
    before, names = note.read_bytes(), sorted(sample.rglob("*"))
    (tmp_path / "way-in.zip").symlink_to(note)
    with Brain(sample, tmp_path / "export.sqlite") as brain:
        brain.refresh()
        for out in (note, sample / "bundle.zip", tmp_path / "way-in.zip"):
            with pytest.raises(OutputRefused, match="is inside the vault"):
                brain.read.export_bundle(Scope.parse("vault"), out)
    assert note.read_bytes() == before and sorted(sample.rglob("*")) == names


def test_an_export_never_writes_through_a_link_planted_beside_it(sample, tmp_path):
    note = sample / "people/Dana Ruiz.md"
    before = note.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    (out / "bundle.zip.partial").symlink_to(note)  # the name an export once wrote to before taking its own
    with Brain(sample, tmp_path / "export.sqlite") as brain:
        brain.refresh()
        result = brain.read.export_bundle(Scope.parse("type:person"), out / "bundle.zip", allow_secrets=True)
    assert note.read_bytes() == before and zipfile.is_zipfile(result.path)
    assert sorted(p.name for p in out.iterdir()) == ["bundle.zip", "bundle.zip.partial"]  # no half-made file left
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o666 & ~UMASK
