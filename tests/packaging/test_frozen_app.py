"""The double-clickable build: packaging/build.py makes the frozen app (PyInstaller, onedir) and the
frozen app passes its own --selftest, offscreen and on a real X screen. About 35 s on this machine,
so .ci/run runs it; `-m "not slow"` leaves it out."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("frozen")
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(where / "dist"), "--work", str(where / "work")],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    print(done.stdout)  # the build's size and time, shown with -s
    return where / "dist" / "Substrate"


def selftest(app: Path, tmp_path: Path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run([str(app / "Substrate"), "--selftest", "--keep", str(tmp_path / "out")], env=environment,
                          capture_output=True, text=True, timeout=300)


def test_the_frozen_app_passes_its_selftest_offscreen(frozen, tmp_path):
    done = selftest(frozen, tmp_path, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Self-test passed" in done.stdout and "FAIL" not in done.stdout
    assert {"notes.png", "map-and-run.png", "brain-graph.png"} <= {p.name for p in (tmp_path / "out").iterdir()}


def test_the_frozen_app_passes_its_selftest_on_a_real_x_screen(frozen, tmp_path, x_display):
    done = selftest(frozen, tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=x_display)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Self-test passed" in done.stdout


def test_the_frozen_app_is_also_the_command_line(frozen, tmp_path):
    vault = tmp_path / "vault"
    (vault / "people").mkdir(parents=True)
    (vault / "people" / "Dana Ruiz.md").write_text("---\ntype: person\nrole: MOPs lead\n---\n# Dana Ruiz\n", encoding="utf-8")
    done = subprocess.run([str(frozen / "Substrate"), "index", str(vault)], env={**os.environ, "SUBSTRATE_DATA_DIR": str(tmp_path / "data")},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 note" in done.stdout


def test_linux_desktop_integration_is_in_the_folder(frozen):
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(frozen / "share" / "applications" / "substrate.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Icon"] == "substrate" and desktop["Exec"].startswith("Substrate")
    assert desktop["Categories"].endswith(";")
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (frozen / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "substrate.png").is_file()
    component = ElementTree.parse(frozen / "share" / "metainfo" / "app.substrate.Substrate.metainfo.xml").getroot()
    assert component.get("type") == "desktop-application" and component.findtext("id") == "app.substrate.Substrate"
    assert component.find("launchable").text == "substrate.desktop"
    assert os.access(frozen / "install-desktop-entry.sh", os.X_OK)


def test_what_the_app_never_uses_is_left_out(frozen):
    internal = frozen / "_internal"
    names = {path.relative_to(internal).as_posix() for path in internal.rglob("*")}
    for unwanted in ("QtQml", "QtQuick", "QtWebEngine", "QtNetwork", "libqwayland", "libqeglfs", "/translations/", "libgtk-3", "hypothesis", "PIL/"):
        assert not any(unwanted in name for name in names), unwanted
    for needed in ("resources/sample-brain/Start Here.md", "resources/blueprint.yaml", "resources/templates/seam.md",
                   "resources/icons/substrate.svg", "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                   "PySide6/Qt/plugins/iconengines/libqsvgicon.so"):
        assert needed in names, needed
