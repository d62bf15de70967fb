"""The brain's one write path: each writer method writes notes safely, lists them in the activity log,
and returns what it wrote; the reader sees the change once it is indexed."""

from __future__ import annotations

import zipfile

from store import activity
from store.bundle import Scope
from store.bundle_import import read_plan
from tests.conftest import TEST_DAY, write

BRAZE = "systems/Braze.md"


def _braze(vault):
    write(vault, BRAZE, "---\ntype: system\nlives_in: head\nreviewed: 2020-01-01\n---\nSends the emails.\n")
    write(vault, "people/Dana Ruiz.md", "---\ntype: person\n---\nRuns ops.\n")


def test_owner_review_and_where_it_lives_are_written_and_returned_and_the_reader_sees_them(vault, brain):
    _braze(vault)
    brain.refresh()
    before = brain.read.note_coverage(BRAZE)
    assert "no owner" in before.missing and before.stale
    assert brain.set_owner(BRAZE, "Dana Ruiz") == BRAZE
    assert brain.mark_reviewed(BRAZE) == BRAZE
    assert brain.set_lives_in(BRAZE, ["system", "slack"]) == BRAZE
    assert brain.set_lives_in("people/Dana Ruiz.md", ("head",)) == "people/Dana Ruiz.md"
    assert (vault / BRAZE).read_text(encoding="utf-8") == (
        f'---\ntype: system\nlives_in: [system, slack]\nreviewed: {TEST_DAY.isoformat()}\nowner: "[[Dana Ruiz]]"\n---\nSends the emails.\n')
    assert "lives_in: head\n" in (vault / "people/Dana Ruiz.md").read_text(encoding="utf-8")
    assert [(e.by, e.action, e.path) for e in activity.read(vault)] == [
        ("app", "edited", BRAZE), ("app", "reviewed", BRAZE), ("app", "edited", BRAZE), ("app", "edited", "people/Dana Ruiz.md")]
    changes = brain.refresh()
    assert set(changes.paths()) == {BRAZE, "people/Dana Ruiz.md"}
    after = brain.read.coverage().note(BRAZE)
    assert "no owner" not in after.missing and not after.stale and after.lives_in == ("system", "slack")


def test_an_import_goes_through_the_brain_and_returns_its_record(vault, brain, tmp_path):
    _braze(vault)
    brain.refresh()
    bundle = brain.read.export_bundle(Scope("vault", "", 0), tmp_path / "all.zip").path
    other = tmp_path / "other"
    other.mkdir()
    with zipfile.ZipFile(bundle) as archive:
        assert "notes/systems/Braze.md" in archive.namelist()
    from store.brain import Brain

    with Brain(other, tmp_path / "other.sqlite") as fresh:
        done = fresh.import_bundle(read_plan(bundle, other))
        assert sorted(done.written) == ["people/Dana Ruiz.md", BRAZE]
        assert (other / BRAZE).read_bytes() == (vault / BRAZE).read_bytes()
        fresh.refresh()
        assert fresh.read.has_note(BRAZE)


def test_the_bundle_preview_lists_the_scopes_notes_and_what_the_scan_finds_in_them_now(vault, brain):
    _braze(vault)
    brain.refresh()
    paths, findings = brain.read.bundle_preview(Scope("type", "system", 0))
    assert paths == [BRAZE] and findings == []
    write(vault, BRAZE, (vault / BRAZE).read_text(encoding="utf-8") + "\napi_key: abcd1234efgh5678\n")  # not indexed yet: read from disk
    paths, findings = brain.read.bundle_preview(Scope("type", "system", 0))
    assert [f.path for f in findings] == [BRAZE] and "abcd1234efgh5678" not in str(findings[0])
