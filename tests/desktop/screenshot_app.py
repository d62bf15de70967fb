"""Run by test_screenshots.py on a virtual X screen: the real app window, captured as the screen shows it.

    python tests/desktop/screenshot_app.py VAULT OUT_DIR WIDTHxHEIGHT [WIDTHxHEIGHT ...]
    python tests/desktop/screenshot_app.py VAULT OUT_DIR --workshop     (full screen, as a projector shows it)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.main_window import MainWindow  # noqa: E402
from desktop.theme import apply_theme  # noqa: E402
from tests.desktop.drawn import describe  # noqa: E402

NOTE = "seams/Marketo to Salesforce Lead Sync.md"


def main(vault: Path, out: Path, sizes: list[str]) -> int:
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window = MainWindow(QSettings(str(out / "settings.ini"), QSettings.Format.IniFormat), db_path=out / "index.sqlite")
    window.show()
    window.open_vault(vault, "This is a sample brain: the marketing context of Harbor, a made-up company, with the gaps a real one has.")
    pending = [(page, size) for page in ("main-window", "map-and-run", "brain-graph") for size in sizes]
    failures = []

    def ready(page: str) -> bool:
        if window.session is None or not window.session.live or window.notes.rowCount() == 0:
            return False
        if page == "main-window":
            return window.note_view.path == NOTE
        if page == "brain-graph":
            return window.map_and_run.graph is not None and window.map_and_run.graph.graph is not None
        return window.map_and_run.run.impact is not None and window.map_and_run.map.map_model.rowCount() > 0

    def step() -> None:
        page, size = pending[0]
        if window.session is not None and window.session.live and window.current_path() != NOTE:
            window.navigate(NOTE)
        window.pages.setCurrentIndex(0 if page == "main-window" else 1)
        window.map_and_run.left.setCurrentIndex(1 if page == "brain-graph" else 0)
        if not ready(page):
            QTimer.singleShot(100, step)
            return
        pending.pop(0)
        if page != "main-window":
            show_a_telling_moment(window.map_and_run.run)
        width, height = map(int, size.split("x"))
        window.resize(width, height)
        QTimer.singleShot(600, lambda: shoot(f"{page}-{size}", page))

    def shoot(name: str, page: str) -> None:
        image = window.screen().grabWindow(window.winId())
        if not image.save(str(out / f"{name}.png")):
            failures.append(name)
        record(window, page, out / f"{name}.json")
        if pending:
            QTimer.singleShot(0, step)
        else:
            window.close()
            app.quit()

    QTimer.singleShot(0, step)
    QTimer.singleShot(60000, lambda: (failures.append("timeout"), app.quit()))
    app.exec()
    return 1 if failures else 0


def record(window, page: str, path: Path) -> None:
    """What the picture shows, from the models and scenes (tests/desktop/drawn.py), beside it."""
    origin = window.mapToGlobal(window.rect().topLeft())
    path.write_text(json.dumps({**describe(window, page), "window_at": [origin.x(), origin.y()]}), encoding="utf-8")


def show_a_telling_moment(panel) -> None:
    """Step the run to the first time it stops to ask someone or blocks, so the map lights up."""
    events = panel.result.run.events
    panel.position = next((i for i, e in enumerate(events, start=1) if e.kind in ("escalate", "block") and e.notes), len(events))
    panel._show_position()


def workshop(vault: Path, out: Path) -> int:
    """Workshop mode on the whole screen: the map and the run, capture over them, then the summary."""
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window = MainWindow(QSettings(str(out / "settings.ini"), QSettings.Format.IniFormat), db_path=out / "index.sqlite")
    window.show()
    window.open_vault(vault)
    window.map_page_action.trigger()
    failures = []

    def screen(name: str) -> None:
        if not window.screen().grabWindow(0).save(str(out / f"{name}.png")):
            failures.append(name)

    def ready() -> bool:
        return (window.session is not None and window.session.live and window.map_and_run.run.impact is not None
                and window.map_and_run.map.map_model.rowCount() > 0)

    def start() -> None:
        if not ready():
            QTimer.singleShot(100, start)
            return
        window.workshop.start()
        QTimer.singleShot(1500, moment)

    def moment() -> None:
        show_a_telling_moment(window.map_and_run.run)
        QTimer.singleShot(800, lambda: (screen("workshop-1920x1080"), record(window, "map-and-run", out / "workshop-1920x1080.json"),
                                        capture()))

    def capture() -> None:
        dialog = window.writing.write_note("Territory Rules", "Needed by Route launch leads to sales (Harbor Teams 2.0 Launch).")
        dialog.type.setCurrentIndex(dialog.type.findData("process"))
        dialog.places["head"].setChecked(True)
        dialog.owner.setText("Marcus Lee")
        dialog.text.setPlainText("Round robin inside each territory; Marcus keeps the territory map in his head.")
        dialog.move(window.width() - dialog.width() - 60, 140)
        QTimer.singleShot(800, lambda: (screen("workshop-capture-1920x1080"), dialog.capture_button.click(),
                                        QTimer.singleShot(2500, end)))

    def end() -> None:
        window.workshop.end()
        QTimer.singleShot(100, summary)

    def summary() -> None:
        dialog = window.workshop.summary_dialog
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(100, summary)
            return
        dialog.resize(1100, 980)
        dialog.move(400, 40)
        QTimer.singleShot(800, lambda: (screen("workshop-summary-1920x1080"), window.close(), app.quit()))

    QTimer.singleShot(0, start)
    QTimer.singleShot(60000, lambda: (failures.append("timeout"), app.quit()))
    app.exec()
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[3:] == ["--workshop"]:
        sys.exit(workshop(Path(sys.argv[1]), Path(sys.argv[2])))
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]))
