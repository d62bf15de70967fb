"""A workshop in the app: quick capture onto the map, audit prompts area by area, fill-the-gap
actions, workshop mode on a projector and the session's summary."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from store import clock
from store.errors import OutputRefused
from tests.desktop.test_map_and_run import open_map
from desktop.views.workshop import type_scale


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)


def engine_report(window):
    return window.session.reader.coverage()


def test_quick_capture_writes_the_right_fields_and_the_map_shows_it(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    teams_before = next(a for a in page.report.areas if a.type == "team" and a.motion == "all")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.writing.capture_dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.title, "Brand Studio")
    dialog.type.setCurrentIndex(dialog.type.findData("team"))
    assert dialog.question.text() == "Which team owns which part of the engine?"
    dialog.places["slack"].setChecked(True)
    dialog.places["head"].setChecked(True)
    qtbot.waitUntil(lambda: "Dana Ruiz" in dialog.owners.stringList())  # owners offered from the people and teams
    dialog.owner.setText("Dana Ruiz")
    dialog.motion.setCurrentIndex(dialog.motion.findData("b2c"))
    dialog.text.setPlainText("Makes every B2C creative; briefs arrive in #brand-requests.")
    dialog.capture_button.click()
    path = sample_vault / "teams/Brand Studio.md"
    qtbot.waitUntil(path.exists, timeout=5000)
    assert path.read_text(encoding="utf-8") == (
        '---\ntype: team\nowner: "[[Dana Ruiz]]"\nreviewed: ' + clock.today().isoformat() + "\nlives_in: [slack, head]\nmotion: b2c\n---\n"
        "# Brand Studio\n\n> Which team owns which part of the engine?\n\nMakes every B2C creative; briefs arrive in #brand-requests.\n\n"
        "## What the team owns\n\n## How to reach them\n")
    qtbot.waitUntil(lambda: next(a for a in page.report.areas if a.type == "team" and a.motion == "all").total == teams_before.total + 1, timeout=3000)
    assert any(n.title == "Brand Studio" for n in page.report.trapped)
    assert window.pages.currentWidget() is window.map_and_run and not dialog.isVisible()


def test_typing_a_known_unknowns_name_in_capture_fills_in_its_type_and_motion_so_the_map_agrees(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.writing.capture_dialog
    qtbot.keyClicks(dialog.title, "territory rules")  # as the room says it
    assert (dialog.type.currentData(), dialog.motion.currentData()) == ("policy", "shared")  # what the 4 notes that link to it expect
    dialog.places["head"].setChecked(True)
    dialog.owner.setText("Marcus Lee")
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: (sample_vault / "policies/territory rules.md").exists(), timeout=5000)

    def policies(motion):
        return next(a for a in page.report.areas if a.type == "policy" and a.motion == motion)
    qtbot.waitUntil(lambda: not any(n.title.casefold() == "territory rules" for n in page.report.known_unknowns), timeout=5000)
    assert policies("shared").score == policies("all").score and policies("shared").total == policies("all").total == 3
    # a name whose type nobody knows leaves the type to the person, and a motion they chose stays
    dialog = window.writing.capture_note()
    assert dialog.title.text() == "" and dialog.type.currentData() == ""
    dialog.motion.setCurrentIndex(dialog.motion.findData("b2b"))
    qtbot.keyClicks(dialog.title, "Churn Model")
    assert (dialog.type.currentData(), dialog.motion.currentData()) == ("", "b2b")


def test_audit_prompts_walk_the_areas_with_skip_back_and_answers(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    audit = window.writing.audit_dialog
    assert audit.isVisible()
    labels = [area.label for area in audit.areas]
    assert labels[:5] == ["Linked, never written", "Goals", "Programs", "Processes", "Systems"]
    area, prompt = audit.current
    assert prompt.kind == "write" and prompt.title == "Churn Model" and "4 notes refer to it" in prompt.detail  # most referred to first
    audit.skip()
    assert audit.area_model.index(0, 0).data() == "Linked, never written · 0 of 9 answered"  # a question skipped is no answer
    audit.back()
    assert audit.question.text() == "What is Churn Model?"
    audit.skip()
    while audit.current[1].title != "Territory Rules":
        audit.skip()
    assert audit.type.currentData() == "policy"  # Lead Routing is subject to it: the type its links expect
    policies = audit.current[0]
    audit.capture_places[1]["head"].setChecked(True)
    audit.capture_owner.setText("Marcus Lee")
    audit.text.setPlainText("Round robin inside each territory; Marcus keeps the map.")
    audit.answer()
    written = sample_vault / "policies/Territory Rules.md"
    qtbot.waitUntil(written.exists, timeout=5000)
    assert 'owner: "[[Marcus Lee]]"' in written.read_text(encoding="utf-8") and "lives_in: head" in written.read_text(encoding="utf-8")
    assert (area.answered, policies.label, policies.answered, audit.outcome[0]) == (0, "Policies", 1, "skipped")
    assert audit.area_model.index(labels.index("Policies"), 0).data().startswith("Policies · 1 of ")
    audit.go_to_area(labels.index("Systems"))
    assert audit.current[1].kind == "new" and audit.question.text().startswith("Which systems run the revenue engine")
    assert not audit.type.isEnabled() and audit.type.currentData() == "system"
    audit.title.setText("Gong")
    audit.capture_places[1]["system"].setChecked(True)
    audit.answer()
    qtbot.waitUntil((sample_vault / "systems/Gong.md").exists, timeout=5000)
    owner_prompt = next((a, p) for a in audit.areas for p in a.prompts if p.kind == "owner")
    audit.position = audit.flat.index(owner_prompt)
    audit.show_prompt()
    audit.owner.setText("Priya Shah")
    audit.answer()
    qtbot.waitUntil(lambda: 'owner: "[[Priya Shah]]"' in (sample_vault / owner_prompt[1].path).read_text(encoding="utf-8"), timeout=5000)
    review = next((a, p) for a in audit.areas for p in a.prompts if p.kind == "review")
    audit.position = audit.flat.index(review)
    audit.show_prompt()
    audit.still_true.click()
    today = clock.today().isoformat()
    qtbot.waitUntil(lambda: f"reviewed: {today}" in (sample_vault / review[1].path).read_text(encoding="utf-8"), timeout=5000)


def test_fill_the_gap_gives_an_owner_and_a_fresh_review(qtbot, window, sample_vault, monkeypatch):
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    stale = page.stale.rows[0]
    window.writing.fix_gap("reviewed", stale.path)
    qtbot.waitUntil(lambda: stale.path not in [n.path for n in page.stale.rows], timeout=5000)
    unowned = next(n for n in page.report.notes if "no owner" in n.missing)
    monkeypatch.setattr(window.writing, "ask_owner", lambda title, people: ("Omar Haddad", "Omar Haddad" in people))
    window.writing.fix_gap("owner", unowned.path)
    qtbot.waitUntil(lambda: "no owner" not in page.report.note(unowned.path).missing, timeout=5000)
    assert 'owner: "[[Omar Haddad]]"' in (sample_vault / unowned.path).read_text(encoding="utf-8")


def test_workshop_mode_and_its_summary_match_the_coverage_engine(qtbot, window, sample_vault, tmp_path):
    open_map(qtbot, window, sample_vault)
    before = engine_report(window)
    window.pages.setCurrentIndex(0)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.workshop.active and window.isFullScreen() and window.workshop.bar.isVisible()
    assert window.pages.currentWidget() is window.map_and_run and not window.problem_dock.isVisible()
    assert window.palette().color(window.palette().ColorRole.Window).name() == "#ffffff"
    qtbot.waitUntil(lambda: window.workshop.snapshot is not None, timeout=5000)
    assert window.workshop.snapshot.overall == before.overall
    assert window.workshop.bar.clock.text().startswith("Workshop  0:00:0")
    dialog = window.writing.capture_note()
    dialog.title.setText("Churn Model")
    dialog.type.setCurrentIndex(dialog.type.findData("metric"))
    dialog.places["doc"].setChecked(True)
    dialog.owner.setText("Sam Ortiz")
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: window.session_log.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: "1 note written" in window.workshop.bar.progress.text(), timeout=3000)
    qtbot.waitUntil(lambda: window.map_and_run.map.report.overall != before.overall, timeout=5000)
    window.workshop_action.trigger()  # F11 again (offscreen, no window is active once a dialog has closed)
    assert not window.workshop.active and not window.isFullScreen()
    qtbot.waitUntil(lambda: window.workshop.summary_dialog is not None and window.workshop.summary_dialog.isVisible(), timeout=5000)
    summary = window.workshop.summary_dialog.summary
    after = engine_report(window)
    assert (summary.overall_before, summary.overall_after) == (before.overall, after.overall)
    assert {a.type: (a.before, a.after) for a in summary.areas} == {
        t: (next((a.score for a in before.areas if a.type == t and a.motion == "all"), 0.0),
            next((a.score for a in after.areas if a.type == t and a.motion == "all"), 0.0)) for t in {a.type for a in summary.areas}}
    assert [(n.title, n.owner, n.by) for n in summary.captured] == [("Churn Model", "Sam Ortiz", "You")]
    assert summary.owners == {"Sam Ortiz": ("Churn Model",)}
    shown = window.workshop.summary_dialog.view.toPlainText()
    assert "Churn Model" in shown and f"{before.overall:.0%}" in shown
    assert summary.progress.said() == "1 note written, to be filled in · 1 gap closed" and "What the room did: 1 note written, to be filled in · 1 gap closed." in shown
    metrics = next(a for a in summary.areas if a.type == "metric")  # Churn Model, linked from 4 notes, is a metric now, half filled in
    assert metrics.down and summary.explained() == (metrics.explained(),)
    assert f"Metrics {metrics.before:.0%} → {metrics.after:.0%}: 1 note written, to be filled in (Churn Model)" in shown
    assert "worse" not in shown.lower()
    html = window.workshop.summary_dialog.save_html(tmp_path / "summary.html")
    pdf = window.workshop.summary_dialog.save_pdf(tmp_path / "summary.pdf")
    assert "<script" not in html.read_text(encoding="utf-8") and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
    names = sorted(sample_vault.rglob("*"))
    for save, out in ((window.workshop.summary_dialog.save_html, "people/Dana Ruiz.md"), (window.workshop.summary_dialog.save_pdf, "summary.pdf")):
        with pytest.raises(OutputRefused, match="is inside the vault"):
            save(sample_vault / out)  # the vault holds notes, not what the app makes
    assert sorted(sample_vault.rglob("*")) == names and (sample_vault / "people/Dana Ruiz.md").read_bytes().startswith(b"---")
    for save in (window.workshop.summary_dialog.save_html, window.workshop.summary_dialog.save_pdf):
        with pytest.raises(OutputRefused, match="^Cannot write the summary to .*: the folder does not exist. Create it or choose another place.$"):
            save(tmp_path / "nodir" / "summary.html")
    assert not (tmp_path / "nodir").exists()


def test_capturing_a_name_the_vault_has_is_refused_with_its_note_which_opens(qtbot, window, sample_vault):
    """"salesforce" as a process (the CRM is systems/Salesforce.md), from the capture dialog and from the
    audit: no second note, the refusal names the existing one, and it opens to be edited instead."""
    open_map(qtbot, window, sample_vault)
    before = sorted(p.relative_to(sample_vault).as_posix() for p in sample_vault.rglob("*.md"))
    dialog = window.writing.capture_note()
    dialog.title.setText("salesforce")
    dialog.type.setCurrentIndex(dialog.type.findData("process"))
    dialog.capture_button.click()
    qtbot.waitUntil(lambda: "is already a note: systems/Salesforce.md" in dialog.message.text(), timeout=5000)
    assert "Edit that note instead" in dialog.message.text() and dialog.isVisible()
    qtbot.waitUntil(lambda: window.current_path() == "systems/Salesforce.md", timeout=5000)
    audit = window.writing.audit()
    audit.go_to_area([area.label for area in audit.areas].index("Systems"))
    audit.title.setText("RevOps")  # the alias of teams/Revenue Operations.md
    audit.answer()
    qtbot.waitUntil(lambda: "is already a note: teams/Revenue Operations.md" in window.message_bar.text(), timeout=5000)
    qtbot.waitUntil(lambda: window.current_path() == "teams/Revenue Operations.md", timeout=5000)
    assert sorted(p.relative_to(sample_vault).as_posix() for p in sample_vault.rglob("*.md")) == before
    assert window.session_log.model.rowCount() == 0


def _whole_names(audit) -> list[str]:
    """The rows whose text the list would cut short (elide): none, when it shows whole names."""
    view = audit.area_list
    metrics = view.fontMetrics()
    cut = []
    for row in range(audit.area_model.rowCount()):
        text = audit.area_model.index(row, 0).data()
        if metrics.horizontalAdvance(text) + 6 > min(view.columnWidth(0), view.viewport().width()):
            cut.append(text)
    return cut


def test_the_audit_list_shows_whole_area_names_and_progress_at_desktop_and_projector_sizes(qtbot, window, sample_vault):
    window.resize(1280, 800)
    open_map(qtbot, window, sample_vault)
    audit = window.writing.audit()
    qtbot.waitExposed(audit)
    shown = [audit.area_model.index(r, 0).data() for r in range(audit.area_model.rowCount())]
    assert shown[:2] == ["Linked, never written · 0 of 9 answered", "Goals · 0 of 4 answered"]
    assert "Seams · 0 of 8 answered" in shown
    assert _whole_names(audit) == []
    assert audit.isSizeGripEnabled() and not audit.splitter.childrenCollapsible()
    audit.resize(audit.width() + 200, audit.height())  # the dialog widens, and the line between list and question moves
    wider = audit.area_list.width() + 150
    audit.splitter.setSizes([wider, audit.splitter.width() - wider])
    assert audit.area_list.width() == wider
    desktop_width = audit.area_list.minimumWidth()
    window.workshop.start()  # the projector's large type reaches the dialog: the list makes room again
    room = type_scale(window.screen().geometry().height())
    qtbot.waitUntil(lambda: audit.area_list.minimumWidth() > (room - 0.1) * desktop_width, timeout=3000)
    assert _whole_names(audit) == []
    projector = window.writing.audit()  # opened during the workshop: below the session bar, whose clock and End stay in view
    qtbot.waitExposed(projector)
    bar = window.workshop.bar
    assert projector.frameGeometry().top() >= bar.mapToGlobal(bar.rect().bottomLeft()).y()
    assert _whole_names(projector) == []
    window.workshop.end()


def test_the_audit_starts_from_what_the_brain_knows_and_back_shows_what_the_room_said(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    audit = window.writing.audit()
    lives = next((a, p) for a in audit.areas for p in a.prompts if p.kind == "lives" and p.title == "Revenue Operations")
    audit.position = audit.flat.index(lives)
    audit.show_prompt()
    assert audit.detail.text() == "Today: this note and someone's head. Owner: Marcus Lee."
    assert {kind for kind, box in audit.lives_places[1].items() if box.isChecked()} == {"note", "head"}  # lives_in: [note, head]
    owner = next((a, p) for a in audit.areas for p in a.prompts if p.kind == "owner")
    audit.position = audit.flat.index(owner)
    audit.show_prompt()
    assert audit.owner.text() == ""  # nobody is named as its owner
    audit.owner.setText("Priya Shah")
    audit.answer()
    audit.back()
    assert audit.current == owner and audit.owner.text() == "Priya Shah"  # the answer given, not an empty box
    later = next(p for p in owner[0].prompts if p.kind == "lives" and p.path == owner[1].path)
    audit.position = audit.flat.index((owner[0], later))
    audit.show_prompt()
    assert audit.detail.text().endswith("Owner: Priya Shah (just named).")
    expansion = next((a, p) for a in audit.areas for p in a.prompts if p.kind == "lives" and p.title == "Expansion-Ready Accounts")
    audit.position = audit.flat.index(expansion)
    audit.show_prompt()
    assert {kind for kind, box in audit.lives_places[1].items() if box.isChecked()} == {"head", "slack"}
    assert audit.detail.text() == "Today: someone's head and Slack. Owner: Chris Park."


def test_the_rooms_type_keeps_its_share_of_the_picture_on_a_smaller_projector():
    """A projector throws one picture size whatever its lines: 1.6x the desktop's type at 1080 lines and more,
    the same share of the picture's height on fewer (so a 1280x800 projector still shows the whole map), never under 1.2x."""
    assert type_scale(1080) == type_scale(1440) == 1.6
    assert type_scale(900) == pytest.approx(1.6 * 900 / 1080)
    assert type_scale(800) == type_scale(600) == 1.2
