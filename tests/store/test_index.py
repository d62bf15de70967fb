"""The index: documented tables, full text, incremental rescans, re-resolution, location."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

from store.brain import Brain
from store.errors import IndexUnavailable
from store.index import SCHEMA_VERSION, Index
from store.locations import default_index_path
from tests.conftest import make_old, rows, write


def test_documented_tables_and_columns(vault, brain):
    write(vault, "n.md", "---\ntype: system\nowner: '[[Dana]]'\n---\n# S\nkey:: value #tag\n")
    brain.refresh()
    db = brain.index.db
    columns = {name: {c.name for c in db[name].columns} for name in ("notes", "links", "tags", "fields", "problems")}
    assert {"path", "title", "type", "aliases", "owner", "status", "reviewed", "lives_in", "motion", "confidence"} <= columns["notes"]
    assert {"source", "rel", "target", "target_path", "line"} <= columns["links"]
    assert {"path", "tag"} <= columns["tags"]
    assert {"path", "section", "key", "value"} <= columns["fields"]
    assert {"path", "line", "message"} <= columns["problems"]
    assert rows(brain, "SELECT path, tag FROM tags") == [("n.md", "tag")]
    assert rows(brain, "SELECT path, section, key, value FROM fields") == [("n.md", "S", "key", "value #tag")]


def test_full_text_search_ranks_title_matches_first_with_snippets(vault, brain):
    write(vault, "Lead Routing.md", "How leads are assigned to reps.\n")
    write(vault, "Other.md", "Mentions lead routing once, deep in the text about routing rules.\n")
    brain.refresh()
    hits = brain.read.search("lead rout")
    assert [h.path for h in hits] == ["Lead Routing.md", "Other.md"]
    assert "\u00ab" in hits[1].snippet
    assert brain.read.search("") == []
    assert brain.read.search('"unbalanced (quote') == []


def test_search_as_you_type_finds_words_at_every_letter(vault, brain):
    write(vault, "Lead Routing.md", "Leads are routed by territory; the routing rules live in Marketo.\n")
    brain.refresh()
    for typed in ("r", "ro", "rout", "routi", "routin", "routing", "lead rou", "l r", "TERRIT", "marke"):
        assert [h.path for h in brain.read.search(typed)] == ["Lead Routing.md"], typed
    assert brain.read.search("routings") == [] and brain.read.search("xr") == []


def test_wal_mode_schema_version_and_integrity(brain):
    db = brain.index.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert rows(brain, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_noop_rescan_reads_nothing(vault, brain, monkeypatch):
    for i in range(5):
        make_old(write(vault, f"n{i}.md", f"note {i} [[n{(i + 1) % 5}]]\n"))
    assert len(brain.refresh().added) == 5
    reads = []
    import store.rescan as rescan_module

    original = rescan_module.read_note_file
    monkeypatch.setattr(rescan_module, "read_note_file", lambda root, rel: reads.append(rel) or original(root, rel))
    assert not brain.refresh()
    assert reads == []


def test_rescan_reads_only_changed_files_and_drops_deleted_ones(vault, brain, monkeypatch):
    paths = [write(vault, f"n{i}.md", f"note {i}\n") for i in range(4)]
    for path in paths:
        make_old(path)
    brain.refresh()
    write(vault, "n1.md", "note 1 edited [[n2]]\n")
    paths[3].unlink()
    write(vault, "new.md", "brand new\n")
    changes = brain.refresh()
    assert changes.changed == ("n1.md",)
    assert changes.removed == ("n3.md",)
    assert changes.added == ("new.md",)
    assert rows(brain, "SELECT path FROM notes ORDER BY path") == [("n0.md",), ("n1.md",), ("n2.md",), ("new.md",)]
    assert rows(brain, "SELECT target_path FROM links WHERE source = 'n1.md'") == [("n2.md",)]


def test_same_size_and_mtime_edit_just_after_indexing_is_still_seen(vault, brain):
    path = write(vault, "n.md", "version A\n")
    brain.refresh()
    stat = path.stat()
    path.write_text("version B\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert brain.refresh().changed == ("n.md",)
    assert brain.read.search("B")[0].path == "n.md"


def test_touch_without_content_change_does_not_reparse(vault, brain):
    path = write(vault, "n.md", "same\n")
    make_old(path)
    brain.refresh()
    path.touch()
    assert not brain.refresh()


def test_writing_a_note_resolves_every_dangling_link_without_reparsing_the_sources(vault, brain):
    sources = [write(vault, f"s{i}.md", "See [[Revenue Dashboard]].\n") for i in range(3)]
    for path in sources:
        make_old(path)
    brain.refresh()
    assert brain.read.summary().unresolved == 3
    read_before = rows(brain, "SELECT path, read_ns FROM files ORDER BY path")
    write(vault, "bi/Revenue Dashboard.md", "---\ntype: dashboard\n---\n")
    changes = brain.refresh()
    assert changes.added == ("bi/Revenue Dashboard.md",)
    assert changes.relinked == 3
    assert brain.read.summary().unresolved == 0
    assert set(rows(brain, "SELECT target_path FROM links")) == {("bi/Revenue Dashboard.md",)}
    assert rows(brain, "SELECT path, read_ns FROM files WHERE path != 'bi/Revenue Dashboard.md' ORDER BY path") == read_before


def test_removing_a_note_makes_its_incoming_links_known_unknowns(vault, brain):
    write(vault, "s.md", "[[Target]]\n")
    target = write(vault, "Target.md", "")
    brain.refresh()
    target.unlink()
    assert brain.refresh().relinked == 1
    assert rows(brain, "SELECT target, target_path FROM links") == [("Target", None)]


def test_rename_is_reported_and_links_follow_the_alias(vault, brain):
    write(vault, "s.md", "[[Old Name]] [[CRM]]\n")
    old = write(vault, "Old Name.md", "---\naliases: [CRM]\n---\nbody\n")
    brain.refresh()
    old.rename(vault / "New Name.md")
    changes = brain.refresh()
    assert changes.renamed == (("Old Name.md", "New Name.md"),)
    assert changes.added == () and changes.removed == ()
    assert dict(rows(brain, "SELECT target, target_path FROM links")) == {"Old Name": None, "CRM": "New Name.md"}


def test_adding_a_second_match_records_ambiguity_on_existing_links(vault, brain):
    write(vault, "a/s.md", "[[Plan]]\n")
    write(vault, "b/Plan.md", "")
    brain.refresh()
    assert brain.read.problems() == []
    write(vault, "c/Plan.md", "")
    brain.refresh()
    assert [p.path for p in brain.read.problems()] == ["a/s.md"]
    (vault / "c/Plan.md").unlink()
    brain.refresh()
    assert brain.read.problems() == []


def test_a_batch_is_one_transaction(vault, brain, monkeypatch):
    write(vault, "a.md", "[[b]]\n")
    brain.refresh()
    write(vault, "b.md", "new\n")
    write(vault, "a.md", "changed [[c]]\n")

    def fail(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(brain.index, "_insert_links", fail)
    with pytest.raises(IndexUnavailable, match="rolled back"):
        brain.refresh()
    assert rows(brain, "SELECT path FROM notes") == [("a.md",)]
    assert rows(brain, "SELECT target FROM links") == [("b",)]
    monkeypatch.undo()
    brain.refresh()
    assert rows(brain, "SELECT target, target_path FROM links") == [("c", None)]


def test_default_location_is_in_the_data_folder_keyed_by_the_real_path(vault, tmp_path):
    link = tmp_path / "vault-link"
    link.symlink_to(vault)
    with Brain(vault) as direct:
        pass
    with Brain(link) as through_link:
        pass
    assert direct.db_path == through_link.db_path == default_index_path(vault.resolve())
    assert str(direct.db_path).startswith(os.environ["SUBSTRATE_DATA_DIR"])
    assert not str(direct.db_path).startswith(str(vault))


def test_db_option_overrides_the_location(vault, tmp_path):
    chosen = tmp_path / "elsewhere" / "my.sqlite"
    with Brain(vault, chosen) as brain:
        brain.refresh()
    assert chosen.exists()


def test_unwritable_index_location_is_a_clear_error(vault, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(IndexUnavailable, match="Cannot use the index"):
        Brain(vault, blocker / "index.sqlite")


def test_corrupt_index_is_set_aside_and_rebuilt(vault, tmp_path):
    write(vault, "n.md", "hello\n")
    db_path = tmp_path / "index.sqlite"
    db_path.write_bytes(b"this is not a database" * 100)
    with Brain(vault, db_path) as brain:
        brain.refresh()
        assert brain.read.summary().notes == 1
        assert "set aside" in brain.notices[0]
    assert list(tmp_path.glob("index.sqlite.set-aside-*"))
    assert (vault / "n.md").read_text() == "hello\n"


def test_index_of_another_vault_is_set_aside(vault, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    db_path = tmp_path / "index.sqlite"
    Index(db_path, other).close()
    with Brain(vault, db_path) as brain:
        assert "another vault" in brain.notices[0]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_the_index_opens_in_the_sqlite3_shell(vault, brain):
    write(vault, "n.md", "---\ntype: metric\n---\nrevenue [[ARR]]\n")
    brain.refresh()
    out = subprocess.run(
        ["sqlite3", str(brain.db_path), "SELECT type FROM notes; SELECT target FROM links; SELECT n.path FROM notes n JOIN notes_fts f ON f.rowid = n.rowid WHERE notes_fts MATCH 'revenue';"],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["metric", "ARR", "n.md"]


def test_refresh_paths_reads_just_those_files(vault, brain):
    write(vault, "a.md", "[[b]]\n")
    write(vault, "c.md", "untouched\n")
    brain.refresh()
    write(vault, "b.md", "now exists\n")
    (vault / "c.md").unlink()
    write(vault, "ignored.txt", "")
    changes = brain.refresh_paths(["b.md", "c.md", "ignored.txt", "never-existed.md"])
    assert (changes.added, changes.removed, changes.relinked) == (("b.md",), ("c.md",), 1)
    assert rows(brain, "SELECT target_path FROM links") == [("b.md",)]


def test_parallel_reading_gives_the_same_index_as_reading_in_one_process(vault, tmp_path):
    from store.rescan import PARALLEL_FROM
    from tests.store.test_incremental_property import dump

    for i in range(PARALLEL_FROM + 20):
        write(vault, f"f{i % 7}/n{i}.md", f"---\ntype: system\naliases: [A{i}]\n---\n[[n{(i * 7) % 50}]] #t{i % 3}\nowner:: [[A{i % 11}]]\n")
    with Brain(vault, tmp_path / "one.sqlite") as one, Brain(vault, tmp_path / "two.sqlite") as two:
        one.refresh(workers=1)
        two.refresh(workers=2)
        assert one.read.summary().notes == PARALLEL_FROM + 20
        assert dump(one) == dump(two)


def test_search_query_forms():
    from store.query import fts_query

    assert fts_query("Lead  routing!") == '"lead"* "routing"*'
    assert fts_query("lead lead") == '"lead"*'
    assert fts_query("lea lead") == '"lead"*'
    assert fts_query('say "hi" OR NOT') == '"say"* "hi"* "or"* "not"*'
    assert fts_query("  -- ") is None


def test_an_index_from_the_previous_version_is_upgraded_in_place_with_its_link_counts(vault, tmp_path):
    write(vault, "a.md", "[[b]]\nagain [[b]] [[c]] [[nowhere]]\n")
    write(vault, "b.md", "[[a]]\n")
    write(vault, "c.md", "[[a]] [[c]]\n")
    db_path = tmp_path / "old.sqlite"
    with Brain(vault, db_path) as brain:
        brain.refresh()
    db = sqlite3.connect(db_path)  # what schema 3 looked like: no link counts
    db.executescript(
        "DROP INDEX idx_notes_facts; DROP INDEX idx_links_rel_ends; CREATE INDEX idx_links_rel ON links (rel);"
        "ALTER TABLE notes DROP COLUMN links_in; ALTER TABLE notes DROP COLUMN links_out; DROP TABLE pending_counts;"
        "CREATE INDEX idx_notes_facts ON notes (path, title, type, motion, reviewed, lives_in, body_chars, owner, status, confidence);"
        "DELETE FROM _sqlite_migrations WHERE name = 'm004_link_counts'; PRAGMA user_version = 3;"
    )
    db.close()
    with Brain(vault, db_path) as brain:
        assert brain.index.notices == []  # upgraded, not set aside
        assert rows(brain, "SELECT path, links_in, links_out FROM notes ORDER BY path") == [("a.md", 2, 4), ("b.md", 1, 1), ("c.md", 1, 1)]
        assert brain.read.coverage().orphans == ()


def test_an_index_with_the_stemmed_full_text_is_upgraded_to_search_as_you_type(vault, tmp_path):
    write(vault, "Lead Routing.md", "How leads are routed.\n")
    db_path = tmp_path / "old.sqlite"
    with Brain(vault, db_path) as brain:
        brain.refresh()
    db = sqlite3.connect(db_path)  # what schema 4 looked like: a Porter-stemmed full-text table
    db.executescript(
        "DROP TRIGGER notes_fts_delete; DROP TABLE notes_fts;"
        "CREATE VIRTUAL TABLE notes_fts USING fts5 (title, body, content=notes, tokenize='porter unicode61 remove_diacritics 2');"
        "INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');"
        "CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN "
        "INSERT INTO notes_fts (notes_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body); END;"
        "DELETE FROM _sqlite_migrations WHERE name = 'm005_search_as_you_type'; PRAGMA user_version = 4;"
    )
    assert db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH '\"routi\"*'").fetchone() == (0,)
    db.close()
    with Brain(vault, db_path) as brain:
        assert brain.index.notices == []
        assert [h.path for h in brain.read.search("routi")] == ["Lead Routing.md"]
        (vault / "Lead Routing.md").unlink()
        brain.refresh()
        assert brain.read.search("rout") == []  # the delete trigger came back with the table


def test_link_counts_are_settled_after_a_run_of_batches_and_after_an_interrupted_one(vault, tmp_path, monkeypatch):
    import store.rescan

    monkeypatch.setattr(store.rescan, "BATCH_SIZE", 2)
    for i in range(7):
        write(vault, f"n{i}.md", f"[[n{(i + 1) % 7}]] [[n{(i + 3) % 7}]]\n")
    db_path = tmp_path / "batches.sqlite"
    with Brain(vault, db_path) as brain:
        brain.refresh()
        assert set(rows(brain, "SELECT links_in, links_out FROM notes")) == {(2, 2)}
        assert rows(brain, "SELECT COUNT(*) FROM pending_counts") == [(0,)]
        # as if the app stopped between two batches: counts written wrong, the notes still pending
        brain.index.db.execute("UPDATE notes SET links_in = 0")
        brain.index.db.execute("INSERT INTO pending_counts (path) SELECT path FROM notes")
    with Brain(vault, db_path) as brain:
        assert set(rows(brain, "SELECT links_in, links_out FROM notes")) == {(2, 2)}


@pytest.mark.parametrize("notes", [2, 4])
def test_a_vault_of_whole_batches_read_again_is_not_left_building(vault, tmp_path, monkeypatch, notes):
    """A rescan that reads exactly whole batches (a vault of 1,000 notes re-read after a touch) once
    left the index saying it was still being built: every export was refused until the next open."""
    import os

    import store.rescan

    monkeypatch.setattr(store.rescan, "BATCH_SIZE", 2)
    for i in range(notes):
        write(vault, f"n{i}.md", f"[[n{(i + 1) % notes}]]\n")
    with Brain(vault, tmp_path / "whole.sqlite") as brain:
        brain.refresh()
        for i in range(notes):  # new times, the same words: each is read again, nothing changes
            os.utime(vault / f"n{i}.md", ns=(1_700_000_000_000_000_000 + i, 1_700_000_000_000_000_000 + i))
        brain.refresh()
        assert brain.read.building() is None and brain.index.building() is None
        assert set(rows(brain, "SELECT links_in, links_out FROM notes")) == {(1, 1)}
