"""Render the app icon (resources/icons/substrate.svg) to the files each platform wants:
PNGs at the hicolor sizes (Linux), substrate.ico (Windows), substrate.icns (macOS).

    .venv/bin/python packaging/make_icons.py      (needs Pillow; the outputs are committed)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Path:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target = ICONS / f"substrate-{size}.png"
    image.save(str(target))
    return target


def main() -> None:
    QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "substrate.svg"))
    pngs = {size: render(renderer, size) for size in SIZES}
    largest = Image.open(pngs[512])
    largest.save(ICONS / "substrate.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    largest.save(ICONS / "substrate.icns")
    print("\n".join(str(p) for p in sorted(ICONS.iterdir())))


if __name__ == "__main__":
    main()
