"""Writes from the app are operations: off the UI thread, one at a time through the session's brain,
each saying what it wrote; the views follow the index's changes themselves."""

from __future__ import annotations

import pytest

from desktop import operations
from store import activity, clock
from tests.desktop.conftest import open_and_wait
from tests.desktop.test_map_and_run import open_map

BRAZE = "systems/Braze.md"


def test_writes_asked_in_a_row_run_one_at_a_time_in_order_and_say_what_they_wrote(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    wrote, done, failed = [], [], []
    window.session.wrote.connect(wrote.append)
    # Each edit reads the note and saves it only if it is unchanged since: run side by side, one would be refused.
    window.write(operations.set_owner(BRAZE, "Dana Ruiz").success(done.append).failure(failed.append))
    window.write(operations.mark_reviewed(BRAZE).success(done.append).failure(failed.append))
    window.write(operations.set_lives_in(BRAZE, ("system", "slack")).success(done.append).failure(failed.append))
    qtbot.waitUntil(lambda: len(done) + len(failed) == 3, timeout=10000)
    assert failed == [] and done == wrote == [BRAZE, BRAZE, BRAZE]
    text = (sample_vault / BRAZE).read_text(encoding="utf-8")
    assert 'owner: "[[Dana Ruiz]]"' in text and f"reviewed: {clock.today().isoformat()}" in text and "lives_in: [system, slack]" in text
    assert [e.action for e in activity.read(sample_vault) if e.path == BRAZE] == ["edited", "reviewed", "edited"]
    qtbot.waitUntil(lambda: window.session_log.model.rowCount() == 3, timeout=10000)  # the log follows the session's writes


def test_a_refused_write_goes_to_its_failure_and_an_operation_without_one_is_not_run(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    failed = []
    window.write(operations.set_owner(BRAZE, "  ").failure(failed.append))
    qtbot.waitUntil(lambda: bool(failed), timeout=10000)
    assert str(failed[0]) == "Give the owner's name."
    with pytest.raises(TypeError, match="failure"):
        window.write(operations.mark_reviewed(BRAZE))
    assert f"reviewed: {clock.today().isoformat()}" not in (sample_vault / BRAZE).read_text(encoding="utf-8")


def test_the_map_follows_the_index_itself_after_a_write(qtbot, window, sample_vault):
    open_map(qtbot, window, sample_vault)
    page = window.map_and_run.map
    unowned = next(n for n in page.report.notes if "no owner" in n.missing)
    window.write(operations.set_owner(unowned.path, "Omar Haddad").failure(pytest.fail))
    qtbot.waitUntil(lambda: "no owner" not in page.report.note(unowned.path).missing, timeout=10000)
    assert page.report is window.session.reader.coverage()  # one report: the reader's, kept current by the brain
