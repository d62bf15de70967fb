"""RELIABILITY.md "Watching": a real watchdog observer on real files, bounded waits, no fixed sleeps
where a condition can be polled."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sys
import threading
import time
from pathlib import Path

import pytest

import store.watch as watch_module
from store.brain import Brain
from store.watch import Watcher
from tests.conftest import rows, write
from tests.store.test_incremental_property import dump


_WHILE_READ: dict[str, object] = {}  # real path -> what happens to the file while Substrate reads it


def _audit(event: str, args) -> None:
    # io.open(fd) raises "open" with the descriptor: Substrate has taken the file's size and mtime
    # and is about to read its bytes. A change now is an editor writing while the note is read.
    if event != "open" or not _WHILE_READ or not isinstance(args[0], int):
        return
    try:
        target = os.readlink(f"/proc/self/fd/{args[0]}")
    except OSError:
        return
    change = _WHILE_READ.pop(target, None)
    if change is not None:
        change()


sys.addaudithook(_audit)  # once per test process; idle unless a test asks


def while_read(path: Path, change) -> None:
    """Run `change()` (which writes `path`) at the moment Substrate next reads `path`, between its
    look at the file's size and mtime and the read of its bytes: exactly what a timed race cannot hit."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see which file a descriptor reads")
    _WHILE_READ[os.path.realpath(path)] = change


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def wait_until(condition, timeout=15.0, interval=0.02, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")


class Live:
    """A brain with a running watcher, a reader of its own, and everything the watcher said."""

    def __init__(self, vault: Path, db: Path, **options):
        self.vault = vault
        self.brain = Brain(vault, db)
        self.applied, self.notices = [], []
        options = {"quiet": 0.05, "max_delay": 0.5, **options}
        self.watcher = Watcher(self.brain, self.applied.append, self.notices.append, **options)
        self.watcher.start()
        self.reader = self.brain.read.db()

    def query(self, sql, params=()):
        return [tuple(r) for r in self.reader.execute(sql, list(params)).fetchall()]

    def paths(self):
        return {p for (p,) in self.query("SELECT path FROM files")}

    def sha_of(self, rel):
        found = self.query("SELECT sha256 FROM files WHERE path = ?", [rel])
        return found[0][0] if found else None

    def close(self):
        self.watcher.stop()
        self.reader.close()
        self.brain.close()


@pytest.fixture
def live(vault, tmp_path):
    opened = []

    def start(**options):
        opened.append(Live(vault, tmp_path / "index.sqlite", **options))
        return opened[-1]

    yield start
    for item in opened:
        item.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def equals_fresh_index(vault: Path, brain: Brain, tmp_path: Path) -> bool:
    with Brain(vault, tmp_path / f"fresh-{time.monotonic_ns()}.sqlite") as fresh:
        fresh.refresh(workers=1)
        return dump(fresh) == dump(brain)


def atomic_save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_startup_rescan_reconciles_changes_made_while_nobody_watched(vault, tmp_path, live):
    write(vault, "a.md", "old")
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
    write(vault, "a.md", "edited while closed [[b]]")
    write(vault, "b.md", "new while closed")
    state = live()
    assert state.paths() == {"a.md", "b.md"}
    assert state.query("SELECT target_path FROM links") == [("b.md",)]


def test_atomic_save_is_reindexed_and_the_temp_file_never_is(vault, live):
    note = write(vault, "Salesforce.md", "version one")
    state = live()
    atomic_save(note, "version two [[HubSpot]]")
    wait_until(lambda: state.sha_of("Salesforce.md") == sha(note), message="the atomic save")
    assert state.paths() == {"Salesforce.md"}
    assert state.query("SELECT target FROM links") == [("HubSpot",)]


def test_vim_style_save_keeps_the_note_identity_and_ignores_backup_and_swap_files(vault, live):
    note = write(vault, "Lead Routing.md", "first")
    state = live()
    swap = write(vault, ".Lead Routing.md.swp", b"\x00vim swap")
    os.replace(note, vault / "Lead Routing.md~")
    write(vault, "4913", "")  # vim's probe file
    note.write_text("second, from vim", encoding="utf-8")
    (vault / "4913").unlink()
    (vault / "Lead Routing.md~").unlink()
    swap.unlink()
    wait_until(lambda: state.sha_of("Lead Routing.md") == sha(note), message="the vim save")
    assert state.paths() == {"Lead Routing.md"}
    assert not any("Lead Routing.md" in a.changes.removed for a in state.applied)


def test_a_large_file_written_in_chunks_ends_with_its_final_hash(vault, live):
    state = live()
    path = vault / "Export.md"
    chunks = [f"## Part {i}\n" + "lorem ipsum dolor sit amet " * 3000 + "[[Salesforce]]\n" for i in range(30)]
    caught = []

    def next_chunk():  # the exporter writes its next chunk while Substrate reads the file, every time
        caught.append(len(caught) + 1)
        append(path, chunks[len(caught)])
        if len(caught) < len(chunks) - 1:
            while_read(path, next_chunk)

    while_read(path, next_chunk)
    path.write_text(chunks[0], encoding="utf-8")
    wait_until(lambda: any("Export.md" in a.changes.paths() for a in state.applied), message="the file indexed")
    assert state.sha_of("Export.md") == sha(path), "the final hash is what was indexed"
    assert len(caught) == 29, "every read but the last caught the file still being written"
    assert [a.changes.added for a in state.applied if "Export.md" in a.changes.paths()] == [("Export.md",)], "no part-written file was indexed"
    assert state.query("SELECT COUNT(*) FROM sections WHERE path = 'Export.md'") == [(30,)]


def test_a_burst_of_5000_files_is_coalesced_and_ends_equal_to_a_fresh_index(vault, tmp_path, live):
    state = live()
    for i in range(5000):
        write(vault, f"checkout/{i % 50}/Note {i}.md", f"---\ntype: system\n---\n[[Note {(i + 1) % 5000}]] #burst\n")
    wait_until(lambda: len(state.paths()) == 5000, timeout=60, message="5,000 notes")
    wait_until(lambda: state.query("SELECT COUNT(*) FROM links WHERE target_path IS NULL") == [(0,)], timeout=30, message="links resolved")
    assert len(state.applied) < 100, "events were coalesced into batches"
    assert equals_fresh_index(vault, state.brain, tmp_path)


def test_a_file_rewritten_every_10_ms_still_lands_within_the_maximum_delay(vault, live):
    path = write(vault, "Busy.md", "version 0")
    state = live(max_delay=0.5)
    stop = threading.Event()
    seen = set()

    def rewrite():
        version = 0
        while not stop.is_set():
            version += 1
            path.write_text(f"version {version}", encoding="utf-8")
            time.sleep(0.01)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            seen.update(state.query("SELECT sha256 FROM files WHERE path = 'Busy.md'"))
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join()
    assert len(seen) >= 4, "the index followed the writes while they went on"
    wait_until(lambda: state.sha_of("Busy.md") == sha(path), message="the last version")


def test_inotify_watch_limit_gives_a_clear_message_and_falls_back_to_polling(vault, live, monkeypatch):
    class Exhausted:
        def schedule(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watch_module, "Observer", Exhausted)
    monkeypatch.setattr(watch_module, "POLL_SECONDS", 0.1)
    state = live()
    assert any("fs.inotify.max_user_watches" in n for n in state.notices)
    assert state.watcher.live
    note = write(vault, "Polled.md", "seen by polling")
    wait_until(lambda: state.sha_of("Polled.md") == sha(note), message="a change seen by polling")


def _deaf(monkeypatch):
    """The observer drops every event, as watchdog may without warning."""
    monkeypatch.setattr(watch_module._Queueing, "on_any_event", lambda self, event: None)


def test_dropped_events_are_restored_by_the_periodic_rescan(vault, live, monkeypatch):
    _deaf(monkeypatch)
    state = live(reconcile_every=0.3)
    note = write(vault, "Missed.md", "no event for this")
    wait_until(lambda: state.sha_of("Missed.md") == sha(note), message="the periodic rescan")


def test_a_queue_overflow_triggers_a_rescan(vault, live, monkeypatch):
    _deaf(monkeypatch)
    state = live()
    note = write(vault, "Lost.md", "the kernel dropped this event")
    logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; filesystem events were lost")
    wait_until(lambda: state.sha_of("Lost.md") == sha(note), message="the rescan after an overflow")


def test_folder_moves_within_into_and_out_of_the_vault_and_case_only_renames(vault, tmp_path, live):
    write(vault, "systems/Salesforce.md", "---\naliases: [CRM]\n---\n")
    write(vault, "seams/Sync.md", "[[Salesforce]] [[CRM]] [[systems/Salesforce]] [[Lead]]")
    outside = tmp_path / "outside"
    write(outside, "incoming/Lead.md", "moved in later")
    state = live()

    os.rename(vault / "systems", vault / "platforms")
    wait_until(lambda: "platforms/Salesforce.md" in state.paths(), message="the folder moved within")
    os.rename(outside / "incoming", vault / "incoming")
    wait_until(lambda: "incoming/Lead.md" in state.paths(), message="the folder moved in")
    os.rename(vault / "platforms", outside / "platforms")
    wait_until(lambda: "platforms/Salesforce.md" not in state.paths(), message="the folder moved out")
    os.rename(vault / "incoming/Lead.md", vault / "incoming/LEAD.md")
    wait_until(lambda: "incoming/LEAD.md" in state.paths(), message="the case-only rename")

    wait_until(lambda: equals_fresh_index(vault, state.brain, tmp_path), message="an index equal to a fresh one")
    assert state.paths() == {"seams/Sync.md", "incoming/LEAD.md"}
    assert dict(state.query("SELECT target, target_path FROM links")) == {
        "Salesforce": None, "CRM": None, "systems/Salesforce": None, "Lead": "incoming/LEAD.md",
    }


def test_symlink_loops_and_links_out_of_the_vault_are_not_followed(vault, tmp_path, live):
    outside = tmp_path / "outside"
    secret = write(outside, "secret.md", "private")
    (vault / "loop").symlink_to(vault)
    (vault / "out").symlink_to(outside)
    write(vault, "inside.md", "fine")
    state = live()
    secret.write_text("changed outside", encoding="utf-8")
    note = write(vault, "later.md", "after the outside change")
    wait_until(lambda: state.sha_of("later.md") == sha(note), message="a later change inside")
    assert state.paths() == {"inside.md", "later.md"}


def test_the_vault_disappearing_keeps_the_index_and_says_so(vault, tmp_path, live, monkeypatch):
    monkeypatch.setattr(watch_module, "RETURN_CHECK_SECONDS", 0.1)
    for i in range(15):
        write(vault, f"n{i}.md", f"note {i}")
    state = live()
    moved = tmp_path / "unmounted"
    os.rename(vault, moved)
    wait_until(lambda: any("is gone" in n for n in state.notices), message="the notice")
    assert len(state.paths()) == 15
    assert not state.watcher.live
    os.rename(moved, vault)
    wait_until(lambda: any("is back" in n for n in state.notices), message="the vault's return")
    note = write(vault, "after.md", "written after the return")
    wait_until(lambda: state.sha_of("after.md") == sha(note), message="a change after the return")
    assert len(state.paths()) == 16


def test_an_emptied_mount_point_does_not_wipe_the_index(vault, tmp_path):
    for i in range(15):
        write(vault, f"n{i}.md", f"note {i}")
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        for note in vault.glob("*.md"):
            note.unlink()
        with pytest.raises(Exception, match="holds no notes now"):
            brain.refresh()
        assert brain.read.summary().notes == 15


def test_stop_ends_the_thread_and_the_observer(vault, tmp_path):
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        watcher = Watcher(brain, lambda applied: None)
        watcher.start()
        assert watcher.live
        watcher.stop()
        assert not watcher.live
        assert not any(t.name == "substrate-watcher" for t in threading.enumerate())


def test_coverage_history_is_recorded_while_watching_once_idle(vault, live, monkeypatch):
    monkeypatch.setattr(watch_module, "RETURN_CHECK_SECONDS", 0.1)
    state = live()
    write(vault, "a.md", "---\ntype: system\n---\n")
    wait_until(lambda: state.query("SELECT COUNT(*) FROM coverage_history") == [(1,)], message="a history point")


def test_a_rescan_can_be_asked_for(vault, live, monkeypatch):
    _deaf(monkeypatch)
    state = live()
    note = write(vault, "Unseen.md", "no event for this either")
    state.watcher.request_rescan()
    wait_until(lambda: state.sha_of("Unseen.md") == sha(note), message="the rescan that was asked for")



def test_a_note_that_changes_while_it_is_read_is_not_indexed_until_it_settles(vault, brain):
    note = write(vault, "Export.md", "## Part 1\nfirst\n")
    brain.refresh()
    write(vault, "Export.md", "## Part 1\nfirst, edited\n")
    while_read(note, lambda: append(note, "## Part 2\nhalf of the sec"))  # the editor is part way through its write
    changes = brain.refresh()
    assert changes.unsettled == ("Export.md",)
    assert rows(brain, "SELECT title FROM sections WHERE path = 'Export.md'") == [("Part 1",)]
    assert rows(brain, "SELECT body FROM notes")[0][0].strip() == "## Part 1\nfirst"  # what the index had, not a torn read
    append(note, "ond part\n")
    assert brain.refresh().changed == ("Export.md",)
    assert rows(brain, "SELECT sha256 FROM files") == [(sha(note),)]
    assert rows(brain, "SELECT title FROM sections WHERE path = 'Export.md'") == [("Part 1",), ("Part 2",)]


def test_the_watcher_reads_again_a_note_that_changed_while_it_was_read(vault, live, monkeypatch):
    _deaf(monkeypatch)  # no event will come for the change: only the watcher's own retry can see it
    note = write(vault, "Export.md", "first")
    state = live()
    first = sha(note)
    write(vault, "Export.md", "second")
    while_read(note, lambda: note.write_text("third, the last write", encoding="utf-8"))
    state.watcher.request_rescan()
    wait_until(lambda: state.sha_of("Export.md") != first, message="the note read again once it settled")
    assert state.sha_of("Export.md") == sha(note)


def test_a_batch_whose_write_failed_is_applied_again_not_dropped(vault, live, monkeypatch):
    monkeypatch.setattr(watch_module, "RETRY_SECONDS", 0.2)
    write(vault, "first.md", "small")
    state = live()
    db = state.brain.index.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk fills up
    note = write(vault, "big.md", "lorem ipsum [[first]] " * 5000)
    wait_until(lambda: any("Trying again" in n for n in state.notices), message="the failed write to be reported")
    assert state.sha_of("big.md") is None
    db.execute("PRAGMA max_page_count = 1073741823")  # space again; no new event for big.md will come
    wait_until(lambda: state.sha_of("big.md") == sha(note), message="the failed batch applied again")
    assert state.query("SELECT target_path FROM links") == [("first.md",)]


def test_nothing_is_polled_when_the_system_watches_every_folder(vault, live):
    for i in range(5):
        write(vault, f"f{i}/sub/n.md", "x")
    state = live()
    assert state.watcher.polled == ()
    assert not any("limit on watched folders" in n for n in state.notices)
