"""Run by test_run_panel.py on an offscreen 1920x1080 screen (a projector's): workshop mode on the
sample brain, the top Fix-first gap double-clicked to write it; prints where the capture dialog, the
map, the timeline and the run's controls are, as JSON.

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python tests/desktop/workshop_capture_app.py VAULT OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect, QSettings, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.main_window import MainWindow  # noqa: E402


def rect(widget) -> list[int]:
    at = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
    return [at.x(), at.y(), at.width(), at.height()]


def main(vault: Path, out: Path) -> int:
    app = QApplication(sys.argv[:1])
    window = MainWindow(QSettings(str(out / "settings.ini"), QSettings.Format.IniFormat), db_path=out / "index.sqlite")
    window.show()
    window.open_vault(vault)
    window.map_page_action.trigger()
    page, panel = window.map_and_run, window.map_and_run.run
    found = {}

    def start() -> None:
        if not (window.session and window.session.live and panel.impact is not None):
            QTimer.singleShot(100, start)
            return
        window.workshop.start()
        QTimer.singleShot(500, write)

    def write() -> None:
        panel.gap_list.doubleClicked.emit(panel.gaps.index(0, 1))
        dialog = window.writing.capture_dialog
        found.update(screen=rect(window), dialog=[*dialog.frameGeometry().getRect()], title=dialog.title.text(),
                     map=rect(page.left), timeline=rect(panel.timeline), controls=rect(panel.play_button), page=rect(page))
        app.quit()

    QTimer.singleShot(0, start)
    QTimer.singleShot(30000, app.quit)
    app.exec()
    print(json.dumps(found))
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
