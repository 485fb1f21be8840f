"""Render the app icon from its one source, resources/icons/ltxstudio.svg.

    python packaging/icons.py OUT_DIR

writes
    OUT_DIR/hicolor/<N>x<N>/apps/io.github.ltxstudio.LtxStudio.png   (freedesktop sizes)
    OUT_DIR/hicolor/scalable/apps/io.github.ltxstudio.LtxStudio.svg
    OUT_DIR/ltxstudio.ico    (Windows: 16-256 px, each size rendered from the SVG)
    OUT_DIR/ltxstudio.icns   (macOS: 16-1024 px, likewise)

Qt's SVG renderer draws every size from the vector (no downscaled bitmaps); Pillow, already a
dependency of the app, packs the .ico and .icns containers. Runs offscreen: no display needed.
"""

from __future__ import annotations

import os
import shutil
import sys
from io import BytesIO
from pathlib import Path

APP_ID = "io.github.ltxstudio.LtxStudio"
SOURCE = Path(__file__).resolve().parents[1] / "resources" / "icons" / "ltxstudio.svg"
#: The hicolor theme's usual fixed sizes (the Icon Theme Specification leaves the set open).
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_all(out: Path, source: Path = SOURCE) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"not a usable SVG: {source}")

    def render(size: int) -> Image.Image:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return Image.open(BytesIO(bytes(buffer.data()))).convert("RGBA")

    written: list[Path] = []
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        render(size).save(target)
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)
    written.append(scalable)

    ico = [render(s) for s in ICO_SIZES]
    ico[-1].save(out / "ltxstudio.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=ico)
    icns = [render(s) for s in ICNS_SIZES]
    icns[-1].save(out / "ltxstudio.icns", append_images=icns[:-1])
    written += [out / "ltxstudio.ico", out / "ltxstudio.icns"]
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for path in render_all(Path(sys.argv[1])):
        print(path)
