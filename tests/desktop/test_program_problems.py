"""What is wrong with a program is in the window's problems panel, on its line, like any
other problem of a note, and goes once the note is mended."""

from __future__ import annotations

from tests.conftest import write
from tests.desktop.conftest import open_and_wait, wait_for_note

LAUNCH = "---\ntype: program\n---\n# Launch\n\n## Short\nduration:: 1d\n\n## Both\nafter:: [[#Short]], Lnog\n"


def test_an_after_naming_no_step_is_listed_in_the_problems_panel_and_opens_the_program(qtbot, window, vault):
    write(vault, "Launch.md", LAUNCH)
    open_and_wait(qtbot, window, vault, notes=1)
    qtbot.waitUntil(lambda: window.problems.rowCount() == 1)
    row = [window.problems.index(0, column).data() for column in range(3)]
    assert row[:2] == ["Launch.md", "10"]
    assert row[2].startswith("Step 'Both' waits for 'Lnog', which is not another step of this program")
    window.problem_list.activated.emit(window.problems.index(0, 2))
    wait_for_note(qtbot, window, "Launch.md")

    write(vault, "Launch.md", LAUNCH.replace("Lnog", "Short"))
    qtbot.waitUntil(lambda: window.problems.rowCount() == 0, timeout=10000)
