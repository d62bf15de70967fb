"""Screenshots of the real window on a virtual X screen (Xvfb), at laptop and desktop sizes.
They are kept under test-output/screenshots/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "screenshots"
SIZES = ("1280x800", "1920x1080")


def test_window_and_map_screenshots_at_laptop_and_desktop_sizes(x_display, sample_vault, tmp_path):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    work = tmp_path / "shots"
    work.mkdir()
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(sample_vault), str(work), *SIZES],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for name, size in ((page, size) for page in ("main-window", "map-and-run", "brain-graph") for size in SIZES):
        shot = work / f"{name}-{size}.png"
        image = QImage(str(shot))
        width, height = map(int, size.split("x"))
        assert (image.width(), image.height()) == (width, height)
        colors = {image.pixel(x, y) for x in range(0, width, 37) for y in range(0, height, 29)}
        assert len(colors) > 8  # a drawn window, not a blank screen
        shutil.copy(shot, OUTPUT / shot.name)


def test_workshop_mode_screenshots_as_a_projector_shows_them(x_display, sample_vault, tmp_path):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "SUBSTRATE_DATA_DIR": str(tmp_path / "data")}
    work = tmp_path / "shots"
    work.mkdir()
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(sample_vault), str(work), "--workshop"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("workshop-1920x1080", "workshop-capture-1920x1080", "workshop-summary-1920x1080"):
        image = QImage(str(work / f"{name}.png"))
        assert (image.width(), image.height()) == (1920, 1080)
        assert len({image.pixel(x, y) for x in range(0, 1920, 37) for y in range(0, 1080, 29)}) > 8
        shutil.copy(work / f"{name}.png", OUTPUT / f"{name}.png")
    assert (sample_vault / "processes/Territory Rules.md").exists()  # the capture in the pictures was written
