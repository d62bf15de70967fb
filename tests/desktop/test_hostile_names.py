"""RELIABILITY.md "Names, paths and outputs" in the window: a vault holding a name that is not UTF-8
opens, lists it as a problem, and stays live; names with escapes, newlines and bidi marks are shown
harmlessly in every list and on the note's page."""

from __future__ import annotations

import os
import re

from PySide6.QtCore import Qt

from desktop.models.groups import GROUP_ROLE
from tests.conftest import write
from tests.desktop.conftest import open_and_wait, wait_for_note

RAW = re.compile("[\x1b\r\n\u202e\ud800-\udfff]")  # nothing a name holds may act on what shows it
HOSTILE = ["red\x1b[31mname.md", "two\nlines.md", "back\rover.md", "rev\u202eerse.md", "dir\x1b[2J/inside.md"]


def _bad_file(vault, name: bytes = b"bad\xffname.md") -> bytes:
    path = os.fsencode(vault) + b"/" + name
    with open(path, "w") as handle:
        handle.write("# x\n")
    return path


def _shown(model, parent=None) -> list[str]:
    """Every display text of a flat model (or of one branch of a tree)."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(r, c, parent).data(Qt.ItemDataRole.DisplayRole) or ""
            for r in range(model.rowCount(parent)) for c in range(model.columnCount(parent))]


def test_a_vault_with_a_name_that_is_not_utf8_opens_lists_it_and_stays_live(qtbot, window, vault):
    write(vault, "good.md", "# Good\n")
    _bad_file(vault)
    open_and_wait(qtbot, window, vault, notes=1)
    qtbot.waitUntil(lambda: window.problems.rowCount() == 1)
    assert window.problems.index(0, 0).data() == "bad\\xffname.md"
    assert "rename it" in window.problems.index(0, 2).data()
    assert window.problem_dock.windowTitle() == "Problems (1)"
    window.problem_list.activated.emit(window.problems.index(0, 2))  # nothing to open: the window says what it is instead
    assert window.message_bar.isVisibleTo(window) and window.message_bar.label.text().startswith("bad\\xffname.md: ")
    assert "rename it" in window.message_bar.label.text() and window.current_path() != "bad\udcffname.md"
    second = _bad_file(vault, b"other\xfe.md")  # one more while watching: listed, and the window stays live
    qtbot.waitUntil(lambda: window.problems.rowCount() == 2, timeout=10000)
    os.remove(second)
    qtbot.waitUntil(lambda: window.problems.rowCount() == 1, timeout=10000)
    write(vault, "later.md", "# Later\n")
    qtbot.waitUntil(lambda: window.notes.rowCount() == 2, timeout=10000)
    assert window.live_label.text() == "● Live"


def test_hostile_names_are_shown_harmlessly_in_lists_problems_search_and_the_page(qtbot, window, vault):
    for name in HOSTILE:
        write(vault, name, f"---\nowner: [oops\n---\n# {name[:-3]}\n\nlead routing\n")
    open_and_wait(qtbot, window, vault, notes=len(HOSTILE))
    qtbot.waitUntil(lambda: window.problems.rowCount() == len(HOSTILE))
    shown = _shown(window.notes) + _shown(window.problems)
    assert all(not RAW.search(text) for text in shown), shown
    assert "red\\x1b[31mname" in shown and "rev\\u202eerse.md" in shown
    tips = [window.notes.index(r, 0).data(Qt.ItemDataRole.ToolTipRole).split("\n")[0] for r in range(window.notes.rowCount())]
    assert all(not RAW.search(tip) for tip in tips), tips
    folders = window.groups.index(2, 0)
    labels = _shown(window.groups, folders)
    assert all(not RAW.search(text) for text in labels) and "dir\\x1b[2J (1)" in labels
    window.group_view.setCurrentIndex(window.groups.index(labels.index("dir\\x1b[2J (1)"), 0, folders))
    assert window.groups.index(labels.index("dir\\x1b[2J (1)"), 0, folders).data(GROUP_ROLE) == ("folder", "dir\x1b[2J")
    assert window.notes_filter.rowCount() == 1  # the filter matches the folder as the list shows it
    window.search_box.setText("lead routing")
    qtbot.waitUntil(lambda: window.search_results.rowCount() == len(HOSTILE))
    results = [window.search_results.index(r, 0).data() for r in range(window.search_results.rowCount())]
    assert all(not RAW.search(text) for text in results), results
    window.navigate("rev\u202eerse.md")
    wait_for_note(qtbot, window, "rev\u202eerse.md")
    page = window.note_view.toPlainText()  # many lines: no raw newline check here
    assert "rev\\u202eerse" in page and not re.search("[\x1b\r\u202e]", page), page
    assert not RAW.search(window.windowTitle())
    os.remove(vault / "rev\u202eerse.md")
    qtbot.waitUntil(lambda: "was deleted" in window.note_view.toPlainText(), timeout=10000)
    assert "rev\\u202eerse.md was deleted" in window.note_view.toPlainText()


def test_coverage_lists_errors_and_the_log_show_hostile_names_harmlessly(qtbot, tmp_path):
    import logging
    from types import SimpleNamespace

    from desktop.errors import describe, log_path, start_logging
    from desktop.models.coverage import RowsModel, note_columns

    note = SimpleNamespace(title="t\x1b]0;pwned\x07", path="p\u202e.md", state="stub", score=0.1, missing=("owner",), lives_in=("head\r",))
    model = RowsModel(note_columns(), lambda n: n.path)
    model.set_rows([note])
    cells = [model.index(0, c).data() for c in range(model.columnCount())] + [model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)]
    assert cells[0] == "t\\x1b]0;pwned\\x07" and not any(RAW.search(text) or "\x07" in text for text in cells), cells
    assert describe(PermissionError(13, "Permission denied", "locked\x1b[8m.md")) == (
        "Substrate is not allowed to read or write locked\\x1b[8m.md. Check the folder's permissions.")
    root = logging.getLogger()
    before = list(root.handlers)
    start_logging()
    try:
        logging.getLogger("substrate").error("could not read %s", "evil\x1b[2J\u202e.md")
    finally:
        for handler in root.handlers[len(before):]:
            handler.close()
            root.removeHandler(handler)
    logged = log_path().read_text(encoding="utf-8")
    assert "evil\\x1b[2J\\u202e.md" in logged and not RAW.search(logged.replace("\n", ""))


def test_a_broken_blueprint_is_in_the_problems_panel_and_says_what_to_do(qtbot, window, vault):
    write(vault, "good.md", "# Good\n")
    write(vault, ".substrate/blueprint.yaml", "types: " + "[" * 10000 + "\n")
    open_and_wait(qtbot, window, vault, notes=1)
    qtbot.waitUntil(lambda: window.problems.rowCount() == 1)
    assert window.problems.index(0, 0).data() == ".substrate/blueprint.yaml"
    assert "uses its default blueprint until you fix or remove this file" in window.problems.index(0, 2).data()
    qtbot.waitUntil(lambda: window.count_label.text() != "Opening…")  # the counts follow the lists
    assert window.problem_dock.windowTitle() == "Problems (1)" and "1 problem " in window.count_label.text() + " "  # one count
    window.problem_list.activated.emit(window.problems.index(0, 0))  # not a note: said, not opened
    assert window.message_bar.label.text().startswith(".substrate/blueprint.yaml: ")


def test_a_pipe_as_the_ignore_rules_and_the_blueprint_is_in_the_problems_panel_and_the_vault_opens(qtbot, window, vault):
    import os

    write(vault, "good.md", "# Good\n")
    os.mkfifo(vault / ".substrateignore")
    (vault / ".substrate").mkdir()
    os.symlink("/dev/zero", vault / ".substrate/blueprint.yaml")
    open_and_wait(qtbot, window, vault, notes=1)
    qtbot.waitUntil(lambda: window.problems.rowCount() == 2)
    assert [window.problems.index(row, 0).data() for row in range(2)] == [".substrateignore", ".substrate/blueprint.yaml"]
    assert "it is not a regular file" in window.problems.index(0, 2).data() and "Until then no file is ignored" in window.problems.index(0, 2).data()


def test_questions_and_messages_that_quote_a_hostile_title_show_it_as_text(qtbot, window, vault):
    from PySide6.QtCore import Qt as _Qt

    hostile = "<img src='x.png'>Owner\x1b[2J"
    write(vault, f"systems/{hostile}.md", "---\ntype: system\nlives_in: head\nreviewed: 2020-01-01\n---\nNobody owns this.\n")
    open_and_wait(qtbot, window, vault, notes=1)
    window.map_page_action.trigger()
    qtbot.waitUntil(lambda: window.map_and_run.map.report is not None, timeout=10000)
    audit = window.writing.audit()
    questions = []
    while audit.current is not None and len(questions) < 50:
        questions.append((audit.question.text(), audit.detail.text()))
        audit.skip()
    asked = [q for q in questions if "Owner" in q[0] + q[1]]
    assert asked, questions  # the title is quoted somewhere in the audit
    assert all("\x1b" not in q + d for q, d in asked) and any("\\x1b[2J" in q + d for q, d in asked)
    assert audit.question.textFormat() == audit.detail.textFormat() == _Qt.TextFormat.PlainText  # never read as HTML
    window.message_bar.show_message(f"Captured {hostile}.", "info")
    assert window.message_bar.label.textFormat() == _Qt.TextFormat.PlainText
