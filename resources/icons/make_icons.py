"""Render kpidesk.svg into the PNG sizes, the Windows .ico and the macOS .icns.

Run from the repository: `QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/make_icons.py`.
The .ico holds PNG images (Windows Vista and later read them), one per size.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """ICONDIR, one ICONDIRENTRY per size, then the PNG data."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    path.write_bytes(header + entries + blobs)


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(HERE / "kpidesk.svg"))
    if not renderer.isValid():
        print("kpidesk.svg is not valid SVG", file=sys.stderr)
        return 1
    rendered = {size: render(renderer, size) for size in PNG_SIZES}
    for size, image in rendered.items():
        image.save(str(HERE / f"kpidesk-{size}.png"), "PNG")
    write_ico(HERE / "kpidesk.ico", {s: png_bytes(rendered[s]) for s in ICO_SIZES})
    if not rendered[512].save(str(HERE / "kpidesk.icns"), "ICNS"):
        print("no ICNS writer in this Qt; kpidesk.icns not written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
