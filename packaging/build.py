"""Build the double-clickable Substrate for this OS with PyInstaller (onedir), then check it.

    .venv/bin/pip install -e '.[package]'
    .venv/bin/python packaging/build.py            build into dist/Substrate, print its size
    .venv/bin/python packaging/build.py --check    ... and run the frozen app's --selftest
    .venv/bin/python packaging/build.py --measure xcb   ... and time its start-up (needs a display)

On Linux the folder also gets its desktop integration (share/: the .desktop entry, icons at the
usual sizes, AppStream metainfo) and `install-desktop-entry.sh`, and is packed as a .tar.gz.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def build(dist: Path, work: Path) -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", str(PACKAGING / "substrate.spec"), "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work)], check=True, cwd=ROOT)
    app = dist / ("Substrate.app" if sys.platform == "darwin" else "Substrate")
    if sys.platform.startswith("linux"):
        strip_debug_symbols(app)
        add_linux_integration(app)
    return app


def strip_debug_symbols(app: Path) -> None:
    """Python's own library and the extension modules carry their symbols (libpython: 22 MB, 5 MB stripped).
    Wheels' vendored libraries (`*.libs/`) are left alone: they were rewritten by auditwheel and strip
    breaks them (numpy's OpenBLAS then fails to load). PyInstaller's own strip option strips them too."""
    strip = shutil.which("strip")
    if strip is None:
        return
    for path in app.rglob("*.so*"):
        if path.is_file() and not path.is_symlink() and not any(part.endswith(".libs") for part in path.parts):
            subprocess.run([strip, "--strip-unneeded", str(path)], stderr=subprocess.DEVNULL, check=False)


def add_linux_integration(app: Path) -> None:
    share = app / "share"
    for size in ICON_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "substrate.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "resources" / "icons" / f"substrate-{size}.png", target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps" / "substrate.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "resources" / "icons" / "substrate.svg", scalable)
    for source, folder in (("substrate.desktop", "applications"), ("app.substrate.Substrate.metainfo.xml", "metainfo")):
        (share / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGING / "linux" / source, share / folder / source)
    installer = app / "install-desktop-entry.sh"
    shutil.copyfile(PACKAGING / "linux" / "install-desktop-entry.sh", installer)
    installer.chmod(0o755)


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def executable(app: Path) -> Path:
    if sys.platform == "darwin":
        return app / "Contents" / "MacOS" / "Substrate"
    return app / ("Substrate.exe" if sys.platform == "win32" else "Substrate")


def selftest(app: Path, platform: str = "offscreen") -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": platform}
    return subprocess.run([str(executable(app)), "--selftest"], env=env).returncode


def measure_start(app: Path, platform: str, runs: int = 3) -> list[float]:
    """Seconds from starting the frozen app to its window listing the sample brain's notes (first run:
    the sample is copied and indexed, then started again twice with the index made)."""
    took = []
    with tempfile.TemporaryDirectory(prefix="substrate-start-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": platform, "SUBSTRATE_QUIT_WHEN_READY": "1",
               "SUBSTRATE_DATA_DIR": f"{tmp}/data", "SUBSTRATE_DOCUMENTS_DIR": f"{tmp}/documents",
               "XDG_CONFIG_HOME": f"{tmp}/config"}
        for _ in range(runs):
            started = time.perf_counter()
            process = subprocess.Popen([str(executable(app))], env=env, stdout=subprocess.PIPE, text=True)
            line = process.stdout.readline()
            took.append(time.perf_counter() - started)
            process.wait(timeout=60)
            if not line.startswith("ready"):
                raise RuntimeError(f"the frozen app did not get ready (exit {process.returncode})")
    return took


def pack(app: Path) -> Path:
    archive = app.parent / f"Substrate-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(archive, "w:gz") as out:
        out.add(app, arcname="Substrate")
    return archive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--check", action="store_true", help="run the frozen app's --selftest after building")
    parser.add_argument("--measure", metavar="PLATFORM", help="time start-up to a listed window (offscreen or xcb)")
    parser.add_argument("--archive", action="store_true", help="on Linux, also pack the folder as a .tar.gz")
    args = parser.parse_args()
    started = time.perf_counter()
    app = build(args.dist.resolve(), args.work.resolve())
    print(f"Built {app} in {time.perf_counter() - started:.0f} s: {size_of(app) / 1e6:.1f} MB unpacked.")
    if args.archive and sys.platform.startswith("linux"):
        archive = pack(app)
        print(f"Packed {archive}: {archive.stat().st_size / 1e6:.1f} MB.")
    if args.measure:
        took = measure_start(app, args.measure)
        print(f"Start-up to a window listing the sample brain ({args.measure}): " + ", ".join(f"{t:.2f} s" for t in took)
              + " (the first copies and indexes the sample brain).")
    if args.check:
        return selftest(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
