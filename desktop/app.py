"""Starting the app: the QApplication, the theme, which vault to open, the main window."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from pathlib import Path

from store.errors import SubstrateError
from store.locations import place_sample_brain, resources_dir

SAMPLE_INTRO = (
    "This is a sample brain: the marketing context of Harbor, a made-up company selling to businesses (B2B) "
    "and consumers (B2C), with the gaps a real one has on day one. It was copied to {path} so you can change it freely. "
    "To open your own notes, choose File ▸ Open Vault."
)


class NoDisplay(SubstrateError):
    def __init__(self):
        super().__init__("There is no screen to show the window on (no DISPLAY or WAYLAND_DISPLAY). "
                         "Run Substrate on a desktop, or use the `substrate` commands (`substrate --help`).")


def has_display() -> bool:
    if sys.platform in ("darwin", "win32") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def choose_vault(asked: Path | None, last: str | None) -> tuple[Path, str | None]:
    """The vault to open and, for the sample brain, the words that introduce it."""
    if asked is not None:
        return Path(asked), None
    if last and Path(last).is_dir():
        return Path(last), None
    sample, _new = place_sample_brain()
    return sample, SAMPLE_INTRO.format(path=sample)


def run(vault: Path | None = None) -> int:
    multiprocessing.freeze_support()  # the index reads notes in worker processes, also when frozen
    if not has_display():
        raise NoDisplay()
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from desktop.errors import start_logging
    from desktop.main_window import MainWindow
    from desktop.theme import apply_theme

    start_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Substrate")
    app.setApplicationName("Substrate")
    app.setDesktopFileName("substrate")  # ties the windows to substrate.desktop on Linux
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "substrate.svg")))
    window = MainWindow(QSettings())
    apply_theme(app, on_change=window.note_view.refresh_colors)
    target, intro = choose_vault(vault, window.settings.value("last_vault", "", str))
    window.show()
    settle_memory()
    window.open_vault(target.resolve(), intro)
    if os.environ.get(QUIT_WHEN_READY):
        _quit_when_listed(app, window)
    return app.exec()


QUIT_WHEN_READY = "SUBSTRATE_QUIT_WHEN_READY"  # start-up measurement: packaging/build.py --measure


def _quit_when_listed(app, window) -> None:
    """Say "ready" once the window lists the vault's notes (the measurer times the line), then quit."""
    from PySide6.QtCore import QTimer

    def check() -> None:
        if window.notes.rowCount() > 0:
            print(f"ready: {window.notes.rowCount()} notes listed", flush=True)
            window.close()
            app.quit()
        else:
            QTimer.singleShot(5, check)

    check()


def settle_memory() -> None:
    """Modules, Qt's wrappers and the window live as long as the app: take them out of the
    garbage collector's sight, so each of its passes walks only what came after (3 ms, not 30)."""
    gc.collect()
    gc.freeze()
