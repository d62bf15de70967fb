"""Export and import of context bundles from the app (offscreen, real index, real files)."""

from __future__ import annotations

import zipfile

from tests.conftest import write
from tests.store.test_bundles import _bundle
from tests.desktop.conftest import open_and_wait


def test_export_a_programs_context_leaving_out_a_note_with_a_secret(qtbot, window, sample_vault, tmp_path):
    write(sample_vault, "systems/Braze.md", (sample_vault / "systems/Braze.md").read_text(encoding="utf-8") + "\napi_key: abcd1234efgh5678\n")
    open_and_wait(qtbot, window, sample_vault, notes=87)
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: bool(dialog.choices), timeout=10000)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("program"))
    dialog.value_box.setCurrentIndex(dialog.value_box.findData("Harbor Teams 2.0 Launch"))
    qtbot.waitUntil(lambda: len(dialog.paths) == 39, timeout=10000)
    assert dialog.count_label.text().startswith("39 notes") and dialog.notes_model.rowCount() == 39
    assert [f.path for f in dialog.findings] == ["systems/Braze.md"] and "abcd1234efgh5678" not in dialog.findings_model.stringList()[0]
    assert dialog.leave_out.isChecked() and dialog.findings_view.isVisibleTo(dialog)
    out = tmp_path / "launch.zip"
    dialog.export_to(out)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    with zipfile.ZipFile(out) as bundle:
        names = set(bundle.namelist())
    assert "notes/systems/Braze.md" not in names and len([n for n in names if n.startswith("notes/")]) == 38
    assert "Saved launch.zip" in dialog.status.text()


def test_export_starts_at_the_program_the_run_shows_and_elsewhere_at_the_whole_vault(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    window.map_page_action.trigger()
    run = window.map_and_run.run
    qtbot.waitUntil(lambda: run.program_box.count() == 3, timeout=10000)
    run.program_box.setCurrentIndex(run.program_box.findText("B2C Win-Back"))
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: bool(dialog.choices) and bool(dialog.paths), timeout=10000)
    assert (dialog.kind_box.currentData(), dialog.value_box.currentData(), dialog.depth_box.value()) == ("program", "B2C Win-Back", 1)
    assert "B2C Win-Back" in dialog.count_label.text() and len(dialog.paths) < 87
    dialog.close()
    window.pages.setCurrentIndex(0)
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: len(dialog.paths) == 87, timeout=10000)
    assert dialog.kind_box.currentData() == "vault"


def test_import_shows_the_plan_and_never_overwrites(qtbot, window, sample_vault, tmp_path):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: len(dialog.paths) == 87, timeout=10000)  # the whole vault, no secrets in the sample
    bundle = tmp_path / "all.zip"
    dialog.export_to(bundle)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    dialog.close()
    mine = sample_vault / "people/Dana Ruiz.md"
    mine.write_text(mine.read_text(encoding="utf-8") + "\nEdited after the export.\n", encoding="utf-8")
    before = mine.read_bytes()
    importing = window.import_bundle(bundle)
    qtbot.waitUntil(lambda: importing.plan is not None, timeout=10000)
    assert importing.plan.conflicts == ["people/Dana Ruiz.md"] and len(importing.plan.identical) == 86
    assert "1 that differ" in importing.summary.text() and importing.import_button.isEnabled()
    importing.apply()
    qtbot.waitUntil(lambda: importing.done is not None, timeout=10000)
    assert mine.read_bytes() == before and (sample_vault / "people/Dana Ruiz (from all).md").exists()
    qtbot.waitUntil(lambda: window.notes.row_of("people/Dana Ruiz (from all).md") is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.session_log.model.rowCount() == 2, timeout=10000)  # the note, then the import as a whole
    assert [window.session_log.model.index(row, 2).data() for row in range(2)] == ["imported", "import done"]
    assert "1 note written" in window.session_log.summary.text()


def test_a_damaged_bundle_is_explained_in_the_dialog(qtbot, window, sample_vault, tmp_path):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    broken = write(tmp_path, "broken.zip", b"not a zip at all")
    dialog = window.import_bundle(broken)
    qtbot.waitUntil(lambda: "not a bundle" in dialog.summary.text(), timeout=10000)
    assert not dialog.import_button.isEnabled()


def test_the_app_refuses_a_vault_folder_linked_outside_as_the_command_does(qtbot, window, sample_vault, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (sample_vault / "linked").symlink_to(outside)
    open_and_wait(qtbot, window, sample_vault, notes=87)
    dialog = window.import_bundle(_bundle(tmp_path, {"linked/e.md": b"# e\n"}))
    qtbot.waitUntil(lambda: "symbolic link" in dialog.summary.text(), timeout=10000)
    assert "outside the vault" in dialog.summary.text() and not dialog.import_button.isEnabled() and dialog.plan is None
    assert list(outside.iterdir()) == []


def test_an_import_that_meets_a_late_clash_rolls_back_and_says_so(qtbot, window, sample_vault, tmp_path):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    dialog = window.import_bundle(_bundle(tmp_path, {"imported/first.md": b"# first\n", "zz/late.md": b"# late\n"}))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    assert dialog.plan.new == ["imported/first.md", "zz/late.md"] and dialog.import_button.isEnabled()
    write(sample_vault, "zz/late.md", "# mine, written while the dialog was open\n")
    dialog.apply()
    qtbot.waitUntil(lambda: "Rolled back" in dialog.summary.text(), timeout=10000)
    assert "zz/late.md appeared in the vault after the plan was made" in dialog.summary.text() and dialog.done is None
    assert not (sample_vault / "imported").exists() and (sample_vault / "zz/late.md").read_text(encoding="utf-8").startswith("# mine")
    assert not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: window.session_log.model.rowCount() == 1, timeout=10000)
    assert window.session_log.model.index(0, 2).data() == "import rolled back" and "0 notes written" in window.session_log.summary.text()


def test_a_bundle_is_never_saved_into_the_vault(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: len(dialog.paths) == 87, timeout=10000)
    note = sample_vault / "people/Dana Ruiz.md"
    before, names = note.read_bytes(), sorted(sample_vault.rglob("*"))
    for out in (note, sample_vault / "bundle.zip"):
        dialog.export_to(out)
        assert "is inside the vault" in dialog.status.text() and dialog.export_button.isEnabled()
    assert note.read_bytes() == before and sorted(sample_vault.rglob("*")) == names and dialog.result is None


def test_a_bundle_for_a_folder_that_does_not_exist_is_refused_in_one_line(qtbot, window, sample_vault, tmp_path):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    dialog = window.export_bundle()
    qtbot.waitUntil(lambda: len(dialog.paths) == 87, timeout=10000)
    for out, why in ((tmp_path / "nodir" / "b.zip", "the folder does not exist. Create it or choose another place."),
                     (write(tmp_path, "afile", "mine") / "b.zip", "is a file, not a folder. Choose another place.")):
        dialog.export_to(out)
        assert dialog.status.text().startswith(f"Cannot write the bundle to {out}: ") and dialog.status.text().endswith(why)
        assert dialog.export_button.isEnabled() and dialog.result is None
    assert not (tmp_path / "nodir").exists() and (tmp_path / "afile").read_text(encoding="utf-8") == "mine"
