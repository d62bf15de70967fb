"""The tour in pictures: the real app on the sample brain, on a virtual X screen (Xvfb), each moment of
the README's tour captured as the screen shows it, dialogs and all.

    python tests/desktop/screenshot_app.py VAULT OUT_DIR WIDTHxHEIGHT

The screen must be WIDTHxHEIGHT (test_screenshots.py starts one Xvfb per size): the window fills it,
as a maximised window does, and workshop mode takes it whole, as on a projector. For each moment it
writes MOMENT-WIDTHxHEIGHT.png and, beside it, MOMENT-WIDTHxHEIGHT.json: what the picture shows, read
from the models and scenes (tests/desktop/drawn.py), for the test to check against the engine.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.main_window import MainWindow  # noqa: E402
from desktop.theme import apply_theme  # noqa: E402
from tests.desktop.drawn import describe  # noqa: E402

NOTE = "seams/Marketo to Salesforce Lead Sync.md"
SEARCH = "lead rout"
INTRO = "This is a sample brain: the marketing context of Harbor, a made-up company, with the gaps a real one has."
MOMENTS = ("main-window", "search", "run-before-play", "run-waiting", "run-end", "run-fixed", "brain-graph",
           "where-it-lives", "audit-prompts", "workshop-capture", "session-summary")
SETTLE_MS = 700  # after a moment is ready: layouts, animations and charts settle before the picture


@dataclass
class Moment:
    name: str
    enter: Callable[[], None]  # put the app in this moment
    ready: Callable[[], bool]  # whether it is on screen yet
    page: str = ""  # what tests/desktop/drawn.py describes of it ("main-window", "map-and-run", "brain-graph")


class Tour:
    """Walks the moments one after another on the event loop, waiting for each to be ready."""

    def __init__(self, app: QApplication, window: MainWindow, out: Path, size: str):
        self.app, self.window, self.out, self.size = app, window, out, size
        self.failures: list[str] = []
        self.moments = [Moment(*spec) for spec in self._moments()]
        self._started = 0.0

    # --- the moments -------------------------------------------------------------------------

    def _moments(self):
        w = self.window
        mr = w.map_and_run
        run = mr.run

        def live() -> bool:
            return w.session is not None and w.session.live and w.notes.rowCount() > 0

        def map_shown() -> bool:
            return live() and run.impact is not None and mr.map.map_model.rowCount() > 0 and w.pages.currentWidget() is mr

        def to_map(tab: int = 0) -> None:
            w.search_box.clear()
            w.map_page_action.trigger()
            mr.left.setCurrentIndex(tab)

        def step_until(done: Callable) -> None:
            while run.position < len(run.result.run.events) and not done(run.current_event()):
                run.step()

        def waiting(event) -> bool:
            return event is not None and event.kind == "escalate"

        def tick_top_fix() -> None:
            to_map()
            run.reset()
            run.gaps.setData(run.gaps.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

        def fixed_and_played() -> bool:
            if not (map_shown() and run.result.scenario.assume_fixed and run.impact is not None):
                return False
            step_until(lambda _event: False)
            return True

        def chart_shown() -> bool:
            return map_shown() and "Where it lives" in mr.map.charts

        def audit() -> None:
            to_map()
            w.writing.audit()

        def capture() -> None:
            if w.writing.audit_dialog is not None:
                w.writing.audit_dialog.close()
            w.workshop.start()
            QTimer.singleShot(1200, lambda: w.writing.write_note("Territory Rules", "Needed by Route launch leads to sales (Harbor Teams 2.0 Launch)."))

        def captured_and_ended() -> None:
            dialog = w.writing.capture_dialog
            dialog.places["head"].setChecked(True)
            dialog.owner.setText("Marcus Lee")
            dialog.text.setPlainText("Round robin inside each territory; Marcus keeps the territory map in his head.")
            dialog.capture_button.click()
            QTimer.singleShot(2500, w.workshop.end)

        def summary_shown() -> bool:
            dialog = w.workshop.summary_dialog
            return dialog is not None and dialog.isVisible()

        return (
            ("main-window", lambda: (w.pages.setCurrentIndex(0), w.navigate(NOTE)), lambda: live() and w.note_view.path == NOTE,
             "main-window"),
            ("search", lambda: (w.focus_search(), w.search_box.setText(SEARCH)), lambda: w.search_results.rowCount() > 0, "search"),
            ("run-before-play", lambda: (to_map(), run.reset()), lambda: map_shown() and run.position == 0, "map-and-run"),
            ("run-waiting", lambda: step_until(waiting), lambda: waiting(run.current_event()), "map-and-run"),
            ("run-end", lambda: step_until(lambda _event: False), lambda: run.position == len(run.result.run.events), "map-and-run"),
            ("run-fixed", tick_top_fix, fixed_and_played, "map-and-run"),
            ("brain-graph", lambda: to_map(1), lambda: map_shown() and mr.graph is not None and mr.graph.graph is not None, "brain-graph"),
            ("where-it-lives", lambda: (to_map(0), mr.map.lists.setCurrentIndex(_tab(mr.map.lists, "Where it lives"))), chart_shown),
            ("audit-prompts", audit, lambda: w.writing.audit_dialog is not None and w.writing.audit_dialog.isVisible()),
            ("workshop-capture", capture, lambda: w.workshop.active and w.writing.capture_dialog is not None
             and w.writing.capture_dialog.isVisible(), "map-and-run"),
            ("session-summary", captured_and_ended, summary_shown),
        )

    # --- walking -----------------------------------------------------------------------------

    def start(self) -> None:
        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        if not self.moments:
            self.window.close()
            self.app.quit()
            return
        moment = self.moments[0]
        self._started = time.monotonic()
        moment.enter()
        QTimer.singleShot(100, self._wait)

    def _wait(self) -> None:
        moment = self.moments[0]
        if not moment.ready():
            if time.monotonic() - self._started > 30:
                self.failures.append(f"{moment.name}: not ready after 30 s")
                self.moments.pop(0)
                QTimer.singleShot(0, self._next)
            else:
                QTimer.singleShot(100, self._wait)
            return
        QTimer.singleShot(SETTLE_MS, self._shoot)

    def _shoot(self) -> None:
        moment = self.moments.pop(0)
        name = f"{moment.name}-{self.size}"
        if not self.window.screen().grabWindow(0).save(str(self.out / f"{name}.png")):
            self.failures.append(f"{name}: not saved")
        facts = describe(self.window, moment.page) if moment.page else {}
        run = self.window.map_and_run.run
        event = run.current_event()
        facts.update({"moment": moment.name, "window": [self.window.width(), self.window.height()],
                      "position": run.position, "event": [event.kind, event.step] if event else None,
                      "assumed": sorted(run.result.scenario.assume_fixed) if run.result else []})
        (self.out / f"{name}.json").write_text(json.dumps(facts), encoding="utf-8")
        QTimer.singleShot(0, self._next)


def _tab(tabs, title: str) -> int:
    return next(i for i in range(tabs.count()) if tabs.tabText(i) == title)


def main(vault: Path, out: Path, size: str) -> int:
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    width, height = map(int, size.split("x"))
    window = MainWindow(QSettings(str(out / "settings.ini"), QSettings.Format.IniFormat), db_path=out / "index.sqlite")
    window.setGeometry(0, 0, width, height)  # no window manager on Xvfb: the window fills the screen, frameless
    window.show()
    window.open_vault(vault, INTRO)
    tour = Tour(app, window, out, size)
    tour.start()
    QTimer.singleShot(240_000, lambda: (tour.failures.append("timeout"), app.quit()))
    app.exec()
    for failure in tour.failures:
        print(failure, file=sys.stderr)
    return 1 if tour.failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
