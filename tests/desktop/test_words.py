"""The window's words, on a small vault in the real window (offscreen): relations as a person reads
them, counts that agree with their nouns, and the app's version."""

from __future__ import annotations

from importlib.metadata import version

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.actions import about
from store.audit import prompts_for
from store.brain import Brain
from tests.conftest import write
from tests.desktop.conftest import open_and_wait, wait_for_note

DANA = "people/Dana.md"


def small_brain(vault):
    """Dana owns the CRM (from her side) and the Ads system (from its side); two notes are linked
    to and never written, each by one note; one note has a problem."""
    write(vault, DANA, "---\ntype: person\nowner_of: '[[CRM]]'\n---\nRuns marketing ops.\n")
    write(vault, "systems/CRM.md", "---\ntype: system\n---\nThe CRM. See [[Churn Model]].\n")
    write(vault, "systems/Ads.md", "---\ntype: system\nowner: '[[Dana]]'\nreviewed: soon\n---\nBuys ads. See [[Lead Scoring]].\n")
    return vault


def test_a_persons_page_says_owns_both_ways(qtbot, window, vault):
    open_and_wait(qtbot, window, small_brain(vault), notes=3)
    window.navigate(DANA)
    wait_for_note(qtbot, window, DANA)
    page = window.note_view.page_source
    links_out = page.split("<h2>Links out</h2>", 1)[1].split("<h2>", 1)[0]
    links_in = page.split("<h2>Links in</h2>", 1)[1].split("<h2>", 1)[0]
    assert "<b>Owns</b>" in links_out and "CRM" in links_out  # her own owner_of
    assert "<b>Owns</b>" in links_in and "Ads" in links_in  # the Ads system's owner, read from her side
    assert "owner_of" not in page and "owner of" not in page


def test_the_status_bar_and_the_map_count_in_agreeing_words(qtbot, window, vault):
    open_and_wait(qtbot, window, small_brain(vault), notes=3)
    qtbot.waitUntil(lambda: window.count_label.text() == "3 notes · 1 problem · 2 known unknowns", timeout=10000)
    window.map_page_action.trigger()
    page = window.map_and_run.map
    qtbot.waitUntil(lambda: page.map_model.rowCount() > 0 and page.unknowns.rowCount() == 2, timeout=10000)
    assert "2 known unknowns" in page.subline.text() and "known unknown ·" not in page.subline.text()
    assert {page.unknowns.index(r, 2).data() for r in range(2)} == {"1 note"}  # referred to by
    ghost = next(r for r in page.unknowns.rows if r.title == "Churn Model")
    assert ghost.missing == ("not written yet; 1 note refers to it",)


def test_about_names_the_installed_version(qtbot, window, tmp_path, monkeypatch):
    """An install whose metadata says another version than the source tree: About says the installed one."""
    site = tmp_path / "site" / "substrate-9.9.1.dist-info"
    site.mkdir(parents=True)
    (site / "METADATA").write_text("Metadata-Version: 2.1\nName: substrate\nVersion: 9.9.1\n")
    monkeypatch.syspath_prepend(str(site.parent))
    assert version("substrate") == "9.9.1"
    seen: list[str] = []

    def read_and_close():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(200, read_and_close)
    about(window)
    assert seen and "<h3>Substrate 9.9.1</h3>" in seen[0]


def test_the_audit_asks_for_one_of_a_kind_in_the_singular(tmp_path, vault):
    write(vault, "people/Dana.md", "---\ntype: person\n---\nRuns marketing ops.\n")
    with Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        areas = {area.type: area for area in prompts_for(brain.read.blueprint(), brain.read.coverage())}
    asks = {kind: areas[kind].prompts[0].detail for kind in ("person", "process", "policy", "data_object")}
    assert asks == {"person": "Capture one person per answer.", "process": "Capture one process per answer.",
                    "policy": "Capture one policy per answer.", "data_object": "Capture one data object per answer."}
