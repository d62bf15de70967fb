"""The main window on a real QApplication (offscreen) with a real index and a real watcher."""

from __future__ import annotations

import os
import subprocess
from html.parser import HTMLParser
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument

from desktop.app import choose_vault
from desktop.main_window import MainWindow
from desktop.models.notes import PATH_ROLE
from tests.conftest import write
from tests.desktop.conftest import open_and_wait, wait_for_note

SEAM = "seams/Marketo to Salesforce Lead Sync.md"
PRIYA = "people/Priya Shah.md"


def test_opens_the_sample_brain_with_counts_groups_and_its_front_page(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    qtbot.waitUntil(lambda: window.count_label.text().startswith("87 notes · 1 problem"))
    wait_for_note(qtbot, window, "Start Here.md")
    assert "Harbor" in window.note_view.toPlainText()
    assert window.live_label.text() == "● Live"
    assert window.problems.rowCount() == 1 and window.problem_dock.windowTitle() == "Problems (1)"
    types = window.groups.index(1, 0)
    labels = [window.groups.index(r, 0, types).data() for r in range(window.groups.rowCount(types))]
    assert "seam (10)" in labels and "program (3)" in labels
    window.group_view.setCurrentIndex(window.groups.index(labels.index("seam (10)"), 0, types))
    assert window.notes_filter.rowCount() == 10


def test_search_as_you_type_then_enter_opens_the_best_match(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClicks(window.search_box, "lead rout")
    qtbot.waitUntil(lambda: window.search_results.query == "lead rout" and window.search_results.rowCount() > 0)
    assert window.lists.currentWidget() is window.search_list
    titles = [window.search_results.index(r, 0).data() for r in range(window.search_results.rowCount())]
    assert titles[:2] == ["Lead Routing Agent  ·  agent", "Lead Routing  ·  process"]
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    wait_for_note(qtbot, window, "agents/Lead Routing Agent.md")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.search_box.text() == "" and window.lists.currentWidget() is window.note_list


def test_a_typed_link_navigates_and_back_and_forward_return(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    window.navigate(SEAM)
    wait_for_note(qtbot, window, SEAM)
    page = window.note_view.page_source
    assert 'href="note:people/Priya%20Shah.md"' in page  # owner: "[[Priya Shah]]", a typed link
    assert "Coverage: covered" in page
    window.note_view.anchorClicked.emit(QUrl("note:people/Priya%20Shah.md"))  # what a click on it does
    wait_for_note(qtbot, window, PRIYA)
    links_in = window.note_view.page_source.split("<h2>Links in</h2>", 1)[1]
    assert "Owns" in links_in and "Marketo to Salesforce Lead Sync" in links_in  # the inverse relation, named
    assert window.back_action.isEnabled() and not window.forward_action.isEnabled()
    window.back_action.trigger()
    wait_for_note(qtbot, window, SEAM)
    window.forward_action.trigger()
    wait_for_note(qtbot, window, PRIYA)


def test_changes_on_disk_appear_without_restarting(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    window.navigate(SEAM)
    wait_for_note(qtbot, window, SEAM)
    write(sample_vault, "seams/HubSpot to Salesforce.md", "---\ntype: seam\nowner: '[[Priya Shah]]'\n---\nA new sync.\n")
    qtbot.waitUntil(lambda: window.notes.row_of("seams/HubSpot to Salesforce.md") is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.count_label.text().startswith("88 notes"), timeout=10000)
    note = sample_vault / SEAM
    note.write_text(note.read_text(encoding="utf-8") + "\nA line written in another editor.\n", encoding="utf-8")
    qtbot.waitUntil(lambda: "A line written in another editor." in window.note_view.page_source, timeout=10000)
    assert window.current_path() == SEAM
    (sample_vault / SEAM).unlink()
    qtbot.waitUntil(lambda: "was deleted or moved" in window.note_view.toPlainText(), timeout=10000)


def test_a_burst_of_new_notes_keeps_the_chosen_note_selected_and_shown(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    window.navigate(SEAM)
    wait_for_note(qtbot, window, SEAM)
    assert window.note_list.currentIndex().data(PATH_ROLE) == SEAM
    history = list(window.history)
    window.notes.reset_threshold = 20  # the burst below replaces the list at once, as a big one does
    for i in range(60):
        write(sample_vault, f"burst/Aardvark {i:02}.md", f"---\ntype: process\n---\nStep {i}.\n")
    qtbot.waitUntil(lambda: window.notes.rowCount() == 87 + 60, timeout=15000)
    assert window.note_list.currentIndex().data(PATH_ROLE) == SEAM  # still selected, though 60 rows now sort above it
    assert window.current_path() == SEAM and window.history == history  # nothing navigated
    assert window.note_list.visualRect(window.note_list.currentIndex()).intersects(window.note_list.viewport().rect())


def test_hostile_html_is_shown_as_text_and_nothing_leaves_the_machine(qtbot, window, tmp_path, monkeypatch):
    vault = tmp_path / "hostile"
    write(vault, "Evil.md", (
        '---\ntitle: "\\"><img src=x onerror=alert(1)>"\n---\n'
        "<script>alert('x')</script>\n\n<iframe src='https://evil.example'></iframe>\n\n"
        "[click](javascript:alert(1)) [file](file:///etc/passwd) [web](https://example.com)\n\n"
        "![tracker](https://evil.example/pixel.png) <meta http-equiv='refresh' content='0'>\n"
    ))
    opened_urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened_urls.append(url.toString()) or True))
    open_and_wait(qtbot, window, vault, notes=1)
    window.navigate("Evil.md")
    wait_for_note(qtbot, window, "Evil.md")
    tags = _tags(window.note_view.page_source)
    assert not {name for name, _attrs in tags} & {"script", "iframe", "object", "embed", "meta", "form"}
    attributes = [(name, key, value or "") for name, attrs in tags for key, value in attrs]
    assert not [a for a in attributes if a[1].startswith("on")]  # no event handlers
    assert not [a for a in attributes if a[1] == "href" and not a[2].startswith(("note:", "unwritten:", "https:", "http:", "mailto:"))]
    assert not [a for a in attributes if a[1] == "src" and not a[2].startswith("vault:")]
    text = window.note_view.toPlainText()
    assert "<script>alert('x')</script>" in text and "[image not loaded: tracker]" in text
    assert window.note_view.loadResource(QTextDocument.ResourceType.ImageResource, QUrl("https://evil.example/pixel.png")) is None
    assert window.note_view.loadResource(QTextDocument.ResourceType.ImageResource, QUrl("vault:../../etc/passwd")) is None
    for url in ("javascript:alert(1)", "file:///etc/passwd", "https://example.com"):
        window.note_view.anchorClicked.emit(QUrl(url))
    assert opened_urls == ["https://example.com"]  # only the web link went to the system browser
    assert window.current_path() == "Evil.md"


def _tags(page: str) -> list[tuple[str, list]]:
    """Every real tag in the page, with its attributes (escaped text is not a tag)."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(page)
    return found


def test_a_missing_vault_is_explained_in_the_window(qtbot, window, tmp_path):
    window.open_vault(tmp_path / "nowhere")
    qtbot.waitUntil(lambda: window.message_bar.kind == "error" and window.message_bar.isVisible())
    assert "nowhere" in window.message_bar.text() and "Traceback" not in window.message_bar.text()


def test_a_vault_holding_the_data_folder_is_refused_and_its_index_never_written_there(qtbot, tmp_path, sample_vault, monkeypatch):
    monkeypatch.setenv("SUBSTRATE_DATA_DIR", str(sample_vault / "data"))
    before = sorted(sample_vault.rglob("*"))
    window = MainWindow(QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))  # the index in its default place
    qtbot.addWidget(window)
    window.show()
    try:
        window.open_vault(sample_vault)
        qtbot.waitUntil(lambda: window.message_bar.kind == "error" and window.message_bar.isVisible())
        assert window.message_bar.text().startswith(f"Substrate's index for {sample_vault} would be inside the vault, at {sample_vault / 'data' / 'indexes'}")
        assert window.message_bar.text().endswith("set SUBSTRATE_DATA_DIR to a folder outside it.")
        assert sorted(sample_vault.rglob("*")) == before
    finally:
        window.close_session()


def test_the_window_remembers_its_vault_place_and_layout(qtbot, tmp_path, sample_vault):
    settings_file = str(tmp_path / "remember.ini")
    first = MainWindow(QSettings(settings_file, QSettings.Format.IniFormat), db_path=tmp_path / "index.sqlite")
    qtbot.addWidget(first)
    first.show()
    open_and_wait(qtbot, first, sample_vault, notes=87)
    first.navigate(SEAM)
    wait_for_note(qtbot, first, SEAM)
    first.splitter.setSizes([100, 300, 800])
    sizes = first.splitter.sizes()
    first.close()
    settings = QSettings(settings_file, QSettings.Format.IniFormat)
    assert settings.value("last_vault") == str(sample_vault) and settings.value("recent") == [str(sample_vault)]
    again = MainWindow(settings, db_path=tmp_path / "index.sqlite")
    qtbot.addWidget(again)
    again.show()
    restored = again.splitter.sizes()  # the offscreen screen is 800 px wide: the window is clamped, the split kept
    assert restored[0] == sizes[0] and abs(restored[1] / restored[2] - sizes[1] / sizes[2]) < 0.05
    open_and_wait(qtbot, again, sample_vault, notes=87)
    wait_for_note(qtbot, again, SEAM)  # back where the person left off
    again.close_session()


def test_first_run_opens_a_copy_of_the_sample_brain_in_documents(tmp_path):
    vault, intro = choose_vault(None, None)
    assert vault == tmp_path / "documents" / "Substrate Sample Brain" and (vault / "Start Here.md").is_file()
    assert "sample brain" in intro and str(vault) in intro
    (vault / "Start Here.md").write_text("my own edit", encoding="utf-8")
    again, _ = choose_vault(None, None)
    assert again == vault and (vault / "Start Here.md").read_text(encoding="utf-8") == "my own edit"  # never overwritten
    assert choose_vault(None, str(tmp_path / "gone")) == (vault, intro.replace(str(vault), str(vault)))
    assert choose_vault(tmp_path / "mine", None) == (tmp_path / "mine", None)


def test_without_a_screen_the_command_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["SUBSTRATE_DATA_DIR"] = str(tmp_path)
    script = Path(sys.executable).with_name("substrate")
    done = subprocess.run([str(script), "open", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and "no screen to show the window on" in done.stderr and "Traceback" not in done.stderr


def test_pyside_keeps_none_alive_through_many_calls():
    """PySide6 6.12.0 on Python 3.11 loses a reference to None on each call of a method that
    returns nothing and aborts after ~20,000 (Fatal Python error: none_dealloc); 6.11.3 does not."""
    code = (
        "import os; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from PySide6.QtWidgets import QApplication; from PySide6.QtGui import QImage, QPainter, QPen\n"
        "app = QApplication([]); image = QImage(10, 10, QImage.Format.Format_RGB32); painter = QPainter(image); pen = QPen()\n"
        "for _ in range(60000): painter.setPen(pen)\n"
        "painter.end(); print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-500:]


def test_the_selftest_proves_this_install_has_everything(tmp_path):
    script = Path(sys.executable).with_name("substrate")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([str(script), "--selftest", "--keep", str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Self-test passed" in done.stdout and "FAIL" not in done.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"notes.png", "map-and-run.png", "brain-graph.png", "seams.zip"}


def test_lists_read_out_of_order_show_the_latest_read_never_an_older_one(qtbot):
    """Reads run on several threads: the empty list read as the vault opened may end after the full one
    read once it was indexed. The older answer must not empty the list again (it stayed empty for good)."""
    from desktop.note_lists import NoteLists
    from store.query import NoteRow

    pending = []
    lists = NoteLists(lambda work, done, failed=None: pending.append(done), report=lambda *args: None)
    counted = []
    lists.counted.connect(counted.append)
    lists.reload()
    qtbot.waitUntil(lambda: len(pending) == 1)  # read as the vault opened: nothing indexed yet
    lists.reload()
    qtbot.waitUntil(lambda: len(pending) == 2)  # read once the index holds the note
    note = NoteRow("good.md", "Good", "note", "", None, None, None, 0)
    pending[1](([note], [], []))
    pending[2]("report of the full index")  # the counts read after the latest lists
    pending[0](([], [], []))  # the older read ends last
    assert [lists.notes.index(row, 0).data(PATH_ROLE) for row in range(lists.notes.rowCount())] == ["good.md"]
    assert counted == ["report of the full index"]
