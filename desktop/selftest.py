"""`substrate --selftest`: proof that an installed (or frozen) Substrate has everything it needs.

Offscreen, on a copy of the sample brain in a temporary folder: index it, judge its coverage,
run a program, open the window and render the notes page, the coverage map and the brain graph
to images, write a context bundle, and check each result. Exit 0 when all is well, 1 otherwise,
with one line per check.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def run_selftest(keep: Path | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="substrate-selftest-") as tmp:
        tmp = Path(tmp)
        os.environ["SUBSTRATE_DATA_DIR"] = str(tmp / "data")
        out = keep or tmp / "out"
        out.mkdir(parents=True, exist_ok=True)
        checks: list[tuple[str, bool, str]] = []
        try:
            _engine(tmp, out, checks)
            _window(tmp, out, checks)
        except Exception as exc:  # a self-test reports what broke, it does not crash
            checks.append(("the self-test ran to the end", False, f"{type(exc).__name__}: {exc}"))
    for name, ok, detail in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    failed = [c for c in checks if not c[1]]
    print(f"{'Self-test passed' if not failed else 'Self-test FAILED'} in {time.perf_counter() - started:.1f} s.")
    return 1 if failed else 0


def _engine(tmp: Path, out: Path, checks: list) -> None:
    from store import clock
    from store.brain import Brain
    from store.bundle import Scope
    from store.locations import resources_dir
    from store.words import counted

    vault = tmp / "Sample"
    shutil.copytree(resources_dir() / "sample-brain", vault)
    with Brain(vault, tmp / "index.sqlite") as brain:
        brain.refresh()
        notes = brain.read.summary().notes
        checks.append(("index the sample brain", notes >= 80, counted(notes, "note")))
        report = brain.read.coverage()
        checks.append(("judge its coverage", 0 < report.overall < 1 and len(report.areas) > 10, f"{report.overall:.0%} as of {report.today}"))
        as_of = clock.vault_day(vault)  # shipped with the sample brain, so its tour's figures hold on any date
        checks.append(("keep the sample brain's day", as_of is not None, f"as of {as_of}" if as_of else "its .substrate/as-of is missing"))
        programs = brain.read.programs()
        run = brain.read.simulation(programs[0][0]).run() if programs else None
        checks.append(("run a program", bool(run and run.steps), f"{programs[0][1]}: {counted(len(run.steps), 'step')}" if run else "no program"))
        bundle = brain.read.export_bundle(Scope.parse("type:seam"), out / "seams.zip")
        checks.append(("write a context bundle", bundle.notes > 0 and bundle.path.exists(), counted(bundle.notes, "note")))


def _window(tmp: Path, out: Path, checks: list) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(QSettings(str(tmp / "selftest.ini"), QSettings.Format.IniFormat), db_path=tmp / "window.sqlite")
    window.resize(1280, 800)
    window.show()
    window.open_vault(tmp / "Sample")

    def wait(condition, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                return False
            app.processEvents()
            time.sleep(0.01)
        return True

    def shoot(name: str, file: str, ready: bool) -> None:
        if ready:
            wait(lambda: False, 0.3)  # let it paint
        saved = ready and window.grab().save(str(out / file))
        checks.append((f"render the {name}", bool(saved), file if saved else "not ready in time"))

    shoot("notes page", "notes.png", wait(lambda: window.notes.rowCount() >= 80 and window.note_view.path is not None))
    window.pages.setCurrentWidget(window.map_and_run)
    shoot("coverage map and run", "map-and-run.png",
          wait(lambda: window.map_and_run.map.map_model.rowCount() > 0 and window.map_and_run.run.result is not None))
    window.map_and_run.left.setCurrentIndex(1)
    shoot("brain graph", "brain-graph.png", wait(lambda: window.map_and_run.graph is not None and window.map_and_run.graph.graph is not None))
    window.close()
