"""The coverage map and the simulated run, on the sample brain, in the real window (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.coverage import CELL_ROLE, HIGHLIGHT_ROLE, MAP_COLUMNS, SCORE_ROLE
from store.brain import Brain
from store.words import counted, score_hex
from tests.conftest import write
from tests.desktop.conftest import open_and_wait, wait_for_note

LAUNCH = "programs/Harbor Teams 2.0 Launch.md"


def open_map(qtbot, window, vault) -> None:
    open_and_wait(qtbot, window, vault, notes=87)
    window.map_page_action.trigger()
    qtbot.waitUntil(lambda: window.map_and_run.map.map_model.rowCount() > 0, timeout=10000)
    qtbot.waitUntil(lambda: window.map_and_run.run.result is not None and window.map_and_run.run.result.program == LAUNCH, timeout=10000)
    qtbot.waitUntil(lambda: window.map_and_run.run.impact is not None, timeout=10000)  # what to fix first comes a little later


def cells(model) -> dict[tuple[str, str], tuple[float | None, str]]:
    return {model.index(r, c).data(CELL_ROLE): (model.index(r, c).data(SCORE_ROLE), model.index(r, c).data())
            for r in range(model.rowCount()) for c in range(model.columnCount())}


def test_the_map_shows_the_coverage_engines_numbers_for_every_area_and_motion(qtbot, window, sample_vault, tmp_path):
    open_map(qtbot, window, sample_vault)
    with Brain(sample_vault, tmp_path / "engine.sqlite") as brain:
        brain.refresh()
        report = brain.read.coverage()
    shown = cells(window.map_and_run.map.map_model)
    assert len(shown) == len({a.type for a in report.areas}) * len(MAP_COLUMNS)
    for area in report.areas:
        if area.motion in dict(MAP_COLUMNS) and area.total:
            score, text = shown[(area.type, area.motion)]
            written = area.total - area.counts["known_unknown"]  # a known unknown is no note yet: its tooltip names it
            assert score == area.score and text.endswith(counted(written, "note") if written else "none written")
    assert window.map_and_run.map.headline.text() == f"The brain knows {report.overall:.0%} of what an orchestrator needs"
    seams = window.map_and_run.map.map_model.notes_in("seam", "all")
    assert len(seams) == 10 and seams == sorted(seams, key=lambda n: (n.score, n.title.casefold()))


def test_clicking_a_cell_lists_its_notes_and_a_row_opens_the_note(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    assert not window.problem_dock.isVisible()  # the map and the run take the room
    page = window.map_and_run.map
    model = page.map_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(CELL_ROLE) == ("seam", "all"))
    page.map_view.setCurrentIndex(model.index(row, 2))  # seams, B2C
    titles = [page.cell_notes.index(r, 0).data() for r in range(page.cell_notes.rowCount())]
    assert titles and all(n.motion == "b2c" and n.type == "seam" for n in page.cell_notes.rows)
    page.cell_tab.activated.emit(page.cell_notes.index(0, 0))
    qtbot.waitUntil(lambda: window.note_view.path == page.cell_notes.rows[0].path, timeout=10000)
    assert window.pages.currentIndex() == 0 and not window.problem_dock.isVisible()  # back on the notes page; problems open from the status bar


def test_stepping_the_run_lights_up_exactly_the_notes_each_event_reads(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel, model = window.map_and_run.run, window.map_and_run.map.map_model
    events = panel.result.run.events
    report = window.map_and_run.map.report
    notes = {n.path: n for n in report.notes}
    notes |= {n.title: n for n in report.known_unknowns if n.type in {a.type for a in report.areas}}  # lit in the area its links say
    assert any(e.notes for e in events) and "Territory Rules" in notes
    lit_somewhere = False
    for number, event in enumerate(events, start=1):
        panel.step_button.click()
        assert panel.position == number and panel.current_event() == event
        expected = {(notes[p].type, motion) for p in event.notes if p in notes for motion in ("all", notes[p].motion)}
        lit = {model.index(r, c).data(CELL_ROLE) for r in range(model.rowCount()) for c in range(model.columnCount())
               if model.index(r, c).data(HIGHLIGHT_ROLE)}
        assert lit == expected, event
        lit_somewhere |= bool(lit)
        assert panel.events.rowCount() == number
        bold = {panel.events.rows[r].step for r in range(number) if panel.events.index(r, 0).data(HIGHLIGHT_ROLE)}
        assert event.step in bold or not event.notes
    assert lit_somewhere and not panel.step_button.isEnabled()
    panel.reset_button.click()
    assert panel.position == 0 and not any(
        model.index(r, c).data(HIGHLIGHT_ROLE) for r in range(model.rowCount()) for c in range(model.columnCount()))


def test_assuming_a_gap_fixed_or_a_person_away_runs_again_and_shows_the_difference(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    before = panel.result.run
    assert not before.finished  # the sample brain's launch is blocked by unwritten Territory Rules
    first = panel.gaps.index(0, 0)
    assert panel.gaps.setData(first, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    key = panel.gaps.rows[0].key
    qtbot.waitUntil(lambda: key in panel.result.scenario.assume_fixed and panel.impact is not None, timeout=10000)
    assert panel.result.run.steps != before.steps and panel.result.baseline.steps == before.steps
    assert panel.what_if.text().startswith("What if ") and "As things stand: never finishes" in panel.what_if.text()
    assert panel.gaps.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    away = panel.absent_box.findText("Chris Park")
    panel.absent_box.setCurrentIndex(away)
    qtbot.waitUntil(lambda: panel.result.scenario.absent == {panel.absent_box.itemData(away)}, timeout=10000)
    assert "Chris Park away" in panel.what_if.text()


def test_a_note_written_on_disk_changes_the_map(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    shown = lambda: cells(window.map_and_run.map.map_model)[("data_object", "all")]  # noqa: E731
    assert shown() == (0.0, "0%\nnone written")  # the sample brain has no data objects yet: a whole area missing is a gap
    model = window.map_and_run.map.map_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(CELL_ROLE) == ("data_object", "all"))
    assert model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole).name() == score_hex(0.0)  # the gap colour, not neutral
    assert "Unclassified" not in [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    write(sample_vault, "data/Account.md", "---\ntype: data_object\nmotion: b2b\n---\nThe account record.\n")
    qtbot.waitUntil(lambda: shown()[1] == "1 note" or shown()[1].endswith("\n1 note"), timeout=10000)
    assert shown()[0] < 0.5  # a stub, far from complete


def test_the_map_and_run_export_as_png_svg_and_pdf(qtbot, window, sample_vault, tmp_path):
    from xml.etree import ElementTree

    from PySide6.QtGui import QImage

    open_map(qtbot, window, sample_vault)
    size = (window.map_and_run.width(), window.map_and_run.height())
    png = window.export_view("map-and-run", tmp_path / "both.png")
    image = QImage(str(png))
    assert (image.width(), image.height()) == size  # as the view was on screen
    assert "Saved both.png" in window.message_bar.text()
    svg = window.export_view("map", tmp_path / "map.svg")
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg") and "The brain knows" in "".join(root.itertext())
    pdf = window.export_view("run", tmp_path / "run.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    assert window.export_view("map", tmp_path / "map.docx") is None
    assert "PNG, SVG or PDF" in window.message_bar.text() and window.message_bar.kind == "error"
    before = sorted(sample_vault.rglob("*"))
    assert window.export_view("map", sample_vault / "map.png") is None  # never beside the notes
    assert "is inside the vault" in window.message_bar.text() and sorted(sample_vault.rglob("*")) == before
    assert window.export_view("map", tmp_path / "nodir" / "map.png") is None
    assert window.message_bar.text() == f"Cannot write the image to {tmp_path / 'nodir' / 'map.png'}: the folder does not exist. Create it or choose another place."


def open_graph(qtbot, window, vault):
    open_map(qtbot, window, vault)
    window.map_and_run.left.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.map_and_run.graph is not None and window.map_and_run.graph.graph is not None, timeout=15000)
    return window.map_and_run.graph


def test_the_brain_graph_exports_too(qtbot, window, sample_vault, tmp_path):
    from xml.etree import ElementTree

    open_graph(qtbot, window, sample_vault)
    svg = window.export_view("map", tmp_path / "graph.svg")
    assert ElementTree.parse(svg).getroot().tag.endswith("svg") and svg.stat().st_size > 20000  # the dots and lines are in it


def test_the_brain_graph_draws_every_note_and_ghost_and_filters_them(qtbot, window, sample_vault):
    view = open_graph(qtbot, window, sample_vault)
    graph = view.graph
    report = window.map_and_run.map.report
    assert len(view.visible_keys()) == 87 + len(report.known_unknowns) == len(graph.keys)
    assert sum(1 for k in graph.keys if k.startswith("unwritten:")) == len(report.known_unknowns)
    assert view.positions.shape == (len(graph.keys), 2) and len({tuple(xy) for xy in view.positions}) == len(graph.keys)
    view.type_box.setCurrentIndex(view.type_box.findData("seam"))
    assert len(view.visible_keys()) == 10 and all(k.startswith("seams/") for k in view.visible_keys())
    view.type_box.setCurrentIndex(0)
    view.state_box.setCurrentIndex(view.state_box.findData("known_unknown"))
    assert {k for k in view.visible_keys()} == {k for k in graph.keys if k.startswith("unwritten:")}
    view.state_box.setCurrentIndex(0)
    view.select("seams/Marketo to Salesforce Lead Sync.md")
    view.scope_box.setCurrentText("Around the selected note")
    expected = {"seams/Marketo to Salesforce Lead Sync.md", "systems/Marketo.md", "systems/Salesforce.md", "people/Priya Shah.md"}
    assert expected <= set(view.visible_keys()) and len(view.visible_keys()) < len(graph.keys)
    around = {graph.keys[i] for i in graph.neighbourhood("seams/Marketo to Salesforce Lead Sync.md", 1)}
    assert set(view.visible_keys()) == around
    view.depth_box.setValue(2)
    assert len(view.visible_keys()) > len(around)
    with qtbot.waitSignal(view.noteRequested, timeout=1000) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == ["seams/Marketo to Salesforce Lead Sync.md"]


def test_the_graph_rings_the_notes_the_run_reads(qtbot, window, sample_vault):
    view = open_graph(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    event = next(e for e in panel.result.run.events if e.notes)
    while panel.current_event() != event:
        panel.step()
    ringed = {tuple(spot.pos()) for spot in view.rings.points()}
    index = view.graph.index_of()
    assert ringed == {tuple(view.positions[index[p]]) for p in event.notes if p in index}


def test_the_graphs_filters_are_remembered_per_vault(qtbot, tmp_path, sample_vault):
    from PySide6.QtCore import QSettings

    from desktop.main_window import MainWindow

    def window_on(settings_file):
        made = MainWindow(QSettings(str(settings_file), QSettings.Format.IniFormat), db_path=tmp_path / "index.sqlite")
        qtbot.addWidget(made)
        made.show()
        return made

    first = window_on(tmp_path / "graph.ini")
    view = open_graph(qtbot, first, sample_vault)
    view.type_box.setCurrentIndex(view.type_box.findData("person"))
    first.close()
    second = window_on(tmp_path / "graph.ini")
    again = open_graph(qtbot, second, sample_vault)
    assert again.filters()["type"] == "person" and len(again.visible_keys()) == 12
    second.close()


def test_charts_show_where_knowledge_lives_the_trend_and_the_runs_chances(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page, panel = window.map_and_run.map, window.map_and_run.run
    titles = [page.lists.tabText(i) for i in range(page.lists.count())]
    page.lists.setCurrentIndex(titles.index("Where it lives"))
    places = page.charts["Where it lives"]
    report = page.report
    per_area = [sum(widths) for widths in zip(*places.bars.values())]  # a bar counts its area's notes, each once
    assert per_area == [sum(1 for n in report.notes if n.type == kind) for kind in report.where_it_lives]
    assert "head" in places.bars and "Slack or email" in places.caption.text()
    page.lists.setCurrentIndex(titles.index("Trend"))
    trend = page.charts["Trend"]
    qtbot.waitUntil(lambda: len(trend.points) >= 1, timeout=10000)  # the first index took a snapshot
    assert trend.caption.text().startswith("The substrate compounds: 76%")
    qtbot.waitUntil(lambda: panel.chances is not None, timeout=15000)
    panel.tabs.setCurrentIndex([panel.tabs.tabText(i) for i in range(panel.tabs.count())].index("Chances"))
    chart = panel.chances_chart
    found, label = panel.chances
    assert label == "Once the first 5 fixes are made" and found.finished == found.runs == 1000  # as is, it never finishes
    assert chart.chances is found and "finishes in 100% of 1,000 runs" in chart.caption.text()


def test_a_gap_nobody_has_written_is_written_from_the_fix_first_list_and_opened(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    panel = window.map_and_run.run
    row = next(r for r, gap in enumerate(panel.gaps.rows) if gap.key.startswith("unwritten:") and gap.title == "Territory Rules")
    panel.gap_list.doubleClicked.emit(panel.gaps.index(row, 1))
    dialog = window.writing.capture_dialog  # capture, started from what the run knows about the gap
    assert dialog.isVisible() and dialog.title.text() == "Territory Rules" and "Needed by Route launch leads to sales" in dialog.text.toPlainText()
    dialog.type.setCurrentIndex(dialog.type.findData("process"))  # nothing says what it is: the room does
    assert "Where does the logic of this process live today" in dialog.question.text()
    dialog.places["head"].setChecked(True)
    dialog.owner.setText("Marcus Lee")
    dialog.capture_button.click()
    path = "processes/Territory Rules.md"
    qtbot.waitUntil(lambda: (sample_vault / path).exists() and not dialog.isVisible(), timeout=10000)
    text = (sample_vault / path).read_text(encoding="utf-8")
    assert text.startswith("---\ntype: process\nowner: \"[[Marcus Lee]]\"") and "lives_in: head" in text and "# Territory Rules" in text
    assert "Captured " in window.message_bar.text() and window.pages.currentWidget() is window.map_and_run  # the map stays up
    qtbot.waitUntil(lambda: all(g.title != "Territory Rules" or not g.key.startswith("unwritten:") for g in panel.gaps.rows), timeout=10000)
    before = (sample_vault / path).read_text(encoding="utf-8") + "My own words.\n"
    (sample_vault / path).write_text(before, encoding="utf-8")
    qtbot.waitUntil(lambda: window.notes.row_of(path) is not None, timeout=10000)
    assert window.writing.write_note("Territory Rules") is None  # again: the note is there now, so it is opened, never written over
    wait_for_note(qtbot, window, path)
    assert (sample_vault / path).read_text(encoding="utf-8") == before


def test_opening_a_vault_on_the_map_shows_the_map_the_run_and_the_lists(qtbot, window, sample_vault):
    window.map_page_action.trigger()  # the map is read first, the notes lists after it and the run
    open_and_wait(qtbot, window, sample_vault, notes=87)
    qtbot.waitUntil(lambda: window.map_and_run.run.result is not None, timeout=10000)
    assert window.map_and_run.map.map_model.rowCount() > 0 and window.count_label.text().startswith("87 notes")


def test_a_known_unknown_on_the_map_can_be_written(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    row = next(r for r, n in enumerate(page.unknowns.rows) if n.title == "Churn Model")
    view = page.lists.widget([page.lists.tabText(i) for i in range(page.lists.count())].index("Known unknowns"))
    view.doubleClicked.emit(page.unknowns.index(row, 0))
    dialog = window.writing.capture_dialog
    assert dialog.title.text() == "Churn Model" and "Linked to by 4 notes" in dialog.text.toPlainText()
    dialog.next_button.click()  # capture and stay open for the next answer
    qtbot.waitUntil(lambda: dialog.title.text() == "" and "Captured" in dialog.message.text(), timeout=10000)
    written = next(sample_vault.rglob("Churn Model.md"))
    assert "Linked to by 4 notes" in written.read_text(encoding="utf-8") and dialog.isVisible()
    qtbot.waitUntil(lambda: "Churn Model" not in [n.title for n in page.unknowns.rows], timeout=10000)  # on the map within a second
