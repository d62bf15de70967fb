"""The desktop's models: Qt's own model checks, and updates in place that keep selections."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt

from desktop.models.coverage import CoverageMapModel
from desktop.models.groups import GROUP_ROLE, GroupsModel
from desktop.models.notes import PATH_ROLE, NotesFilter, NotesModel
from desktop.models.problems import ProblemsModel
from desktop.models.search import SNIPPET_ROLE, SearchModel
from desktop.views.audit import AuditDialog
from desktop.views.map_page import MapPage
from desktop.views.run_panel import RunPanel
from desktop.views.search_list import MARK_START
from desktop.views.session_log import SessionLog
from store.brain import Brain
from store.query import Group, Hit, NoteRow, ProblemRow
from tests.store.test_runs import LAUNCH, sample  # noqa: F401 (the sample brain, indexed once for the module)


def row(path, title=None, type_="seam", reviewed="2026-11-01"):
    return NoteRow(path, title or path.rsplit("/", 1)[-1][:-3], type_, path.rpartition("/")[0], "b2b", reviewed, None, 0)


def test_notes_model_passes_qt_checks_and_updates_in_place(qtmodeltester):
    model = NotesModel()
    model.set_rows([row("a/One.md"), row("a/Two.md"), row("b/Three.md"), row("Four.md")])
    qtmodeltester.check(model)
    kept = model.index(model.row_of("b/Three.md"), 0)
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(kept, QItemSelectionModel.SelectionFlag.Select)
    model.set_rows([row("a/Two.md", reviewed="2026-11-20"), row("b/Three.md"), row("Five.md")])  # One and Four gone
    qtmodeltester.check(model)
    assert [model.index(r, 0).data(PATH_ROLE) for r in range(model.rowCount())] == ["Five.md", "b/Three.md", "a/Two.md"]  # by title
    assert selection.currentIndex().data(PATH_ROLE) == "b/Three.md"  # the selection followed its row
    assert model.index(model.row_of("a/Two.md"), 3).data() == "2026-11-20"
    assert model.row_of("a/One.md") is None


def test_rows_stay_sorted_by_title_through_inserts_renames_and_removals(qtmodeltester):
    model = NotesModel()
    model.set_rows([row(f"n/{name}.md") for name in ("delta", "Bravo", "foxtrot")])
    model.set_rows([row(f"n/{name}.md") for name in ("delta", "Bravo", "foxtrot", "alpha", "Charlie", "echo", "golf", "Zulu")])
    qtmodeltester.check(model)
    titles = lambda: [model.index(r, 0).data() for r in range(model.rowCount())]  # noqa: E731
    assert titles() == ["alpha", "Bravo", "Charlie", "delta", "echo", "foxtrot", "golf", "Zulu"]
    model.set_rows([row("n/alpha.md", "omega")] + [row(f"n/{name}.md") for name in ("Bravo", "echo", "golf", "Zulu", "Aaron")])
    qtmodeltester.check(model)
    assert titles() == ["Aaron", "Bravo", "echo", "golf", "omega", "Zulu"]
    assert [model.row_of(f"n/{name}.md") for name in ("Aaron", "alpha", "Zulu")] == [0, 4, 5]


def test_a_big_change_resets_the_model_once_and_stays_sorted(qtmodeltester, qtbot):
    model = NotesModel()
    model.reset_threshold = 5
    model.set_rows([row("n/mike.md"), row("n/kilo.md")])
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_rows([row(f"n/{name}.md") for name in ("mike", "Juliet", "alpha", "Hotel", "echo", "golf", "Zulu")])  # 5 new, kilo gone
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["alpha", "echo", "golf", "Hotel", "Juliet", "mike", "Zulu"]
    assert model.row_of("n/mike.md") == 5 and model.row_of("n/kilo.md") is None


def test_the_filter_shows_one_type_or_folder_sorted_by_title(qtmodeltester):
    model = NotesModel()
    model.set_rows([row("s/Zed.md"), row("s/alpha.md"), row("p/Dana.md", type_="person"), row("Top.md", type_=None)])
    proxy = NotesFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    titles = lambda: [proxy.index(r, 0).data() for r in range(proxy.rowCount())]  # noqa: E731
    assert titles() == ["alpha", "Dana", "Top", "Zed"]
    proxy.set_group(("type", "seam"))
    assert titles() == ["alpha", "Zed"]
    proxy.set_group(("folder", "p"))
    assert titles() == ["Dana"]
    proxy.set_group(("folder", ""))
    assert titles() == ["Top"]
    proxy.set_group(("type", ""))
    assert titles() == ["Top"]
    proxy.set_group(None)
    assert len(titles()) == 4


def test_groups_tree_counts_types_and_folders_and_keeps_rows_on_update(qtmodeltester):
    model = GroupsModel()
    model.set_groups([Group("type", "seam", 2), Group("type", "system", 1), Group("folder", "", 1), Group("folder", "seams", 2)])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "All notes (3)"
    types = model.index(1, 0)
    assert [model.index(r, 0, types).data() for r in range(model.rowCount(types))] == ["seam (2)", "system (1)"]
    folders = model.index(2, 0)
    assert model.index(0, 0, folders).data() == "(top folder) (1)" and model.index(0, 0, folders).data(GROUP_ROLE) == ("folder", "")
    system = QItemSelectionModel(model)
    system.setCurrentIndex(model.index(1, 0, types), QItemSelectionModel.SelectionFlag.Select)
    model.set_groups([Group("type", "person", 1), Group("type", "system", 4), Group("folder", "systems", 4), Group("folder", "people", 1)])
    qtmodeltester.check(model)
    assert [model.index(r, 0, types).data() for r in range(model.rowCount(types))] == ["person (1)", "system (4)"]
    assert system.currentIndex().data() == "system (4)"
    assert model.index(0, 0).data() == "All notes (5)"
    assert model.rowCount(model.index(0, 0, types)) == 0 and not model.parent(types).isValid()
    assert model.index(5, 0, types) == QModelIndex()


def test_search_and_problem_models_pass_qt_checks(qtmodeltester):
    search = SearchModel()
    search.set_hits("lead", [Hit("a.md", "Lead Routing", "process", "how \ue000lead\ue001s move", -3.0)])
    qtmodeltester.check(search)
    assert search.index(0, 0).data() == "Lead Routing  ·  process" and "\ue000lead\ue001" in search.index(0, 0).data(SNIPPET_ROLE)
    problems = ProblemsModel()
    problems.set_problems([ProblemRow("a.md", 3, "reviewed: 'soon' is not a date"), ProblemRow("b.md", None, "not UTF-8")])
    qtmodeltester.check(problems)
    assert problems.index(1, 1).data() == "" and problems.index(0, 0).data(PATH_ROLE) == "a.md"


# --- every model, filled from the sample brain through the reader the app uses ---------------------------


def test_the_list_models_pass_qt_checks_with_the_sample_brains_rows(qtmodeltester, sample):
    reader = sample.read
    notes = NotesModel()
    notes.set_rows(reader.note_list())
    qtmodeltester.check(notes)
    assert notes.rowCount() == reader.summary().notes == 87
    proxy = NotesFilter()
    proxy.setSourceModel(notes)
    proxy.set_group(("type", "seam"))
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 10
    groups = GroupsModel()
    groups.set_groups(reader.groups())
    qtmodeltester.check(groups)
    assert groups.index(0, 0).data() == "All notes (87)"
    search = SearchModel()
    search.set_hits("lead", reader.search("lead", limit=50, highlight=(MARK_START, "\ue001")))
    qtmodeltester.check(search)
    assert search.rowCount() > 3 and MARK_START in search.index(0, 0).data(SNIPPET_ROLE)
    problems = ProblemsModel()
    problems.set_problems(reader.problems())
    qtmodeltester.check(problems)
    assert problems.rowCount() == len(reader.problems()) >= 1


def test_the_map_models_pass_qt_checks_with_the_sample_brains_coverage(qtmodeltester, qtbot, sample):
    report = sample.read.coverage()
    heat = CoverageMapModel()
    heat.set_report(report)
    heat.set_highlight([n.path for n in report.notes[:5]])
    qtmodeltester.check(heat)
    assert heat.rowCount() == len({a.type for a in report.areas}) and heat.highlighted_cells()
    page = MapPage()
    qtbot.addWidget(page)
    page.set_report(report)
    page.map_view.setCurrentIndex(heat.index(0, 0))
    for model in (page.map_model, page.cell_notes, page.unknowns, page.trapped, page.stale, page.bus):
        qtmodeltester.check(model)
    assert page.unknowns.rowCount() and page.trapped.rowCount() and page.stale.rowCount() and page.bus.rowCount()


def test_the_run_and_audit_models_pass_qt_checks_with_the_sample_brains_run(qtmodeltester, qtbot, sample):
    reader = sample.read
    panel = RunPanel()
    qtbot.addWidget(panel)
    panel.set_programs(reader.programs(), preferred=LAUNCH)
    panel.program_box.setCurrentIndex(panel.program_box.findData(LAUNCH))
    result = reader.run(LAUNCH)
    panel.show_result(result)
    panel.show_impact(result, result.simulation.impact(result.scenario))
    for _ in result.run.events:
        panel.step()
    assert panel.events.rowCount() == len(result.run.events) and panel.gaps.rowCount() > 0
    assert panel.gaps.setData(panel.gaps.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtmodeltester.check(panel.events)
    qtmodeltester.check(panel.gaps)
    dialog = AuditDialog(reader.audit_prompts(), reader.blueprint())
    qtbot.addWidget(dialog)
    dialog.skip()
    qtmodeltester.check(dialog.area_model)
    assert dialog.area_model.rowCount() == len(reader.blueprint().types) + 1


def test_the_session_logs_model_passes_qt_checks_with_real_writes(qtmodeltester, qtbot, sample_vault, tmp_path):
    log = SessionLog()
    qtbot.addWidget(log)
    log.start(sample_vault)
    with Brain(sample_vault, tmp_path / "index.sqlite") as brain:  # the writes need no index
        brain.set_owner("systems/Braze.md", "Dana Ruiz")
        brain.mark_reviewed("systems/Braze.md")
    log.check()
    qtmodeltester.check(log.model)
    assert [log.model.index(r, 2).data() for r in range(log.model.rowCount())] == ["edited", "reviewed"]
