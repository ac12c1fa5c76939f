"""Render FineAuthor's icon from its SVG source into every file the desktop bundles need.

    python packaging/make_icons.py

Reads resources/icons/fineauthor.svg (the one source; the running app uses it directly) and
writes into packaging/icons/:

- fineauthor-<N>.png for N in 16 … 1024 (Linux hicolor theme sizes and the sources below);
- fineauthor.ico, the Windows icon: PNG images inside an ICO container (Windows Vista and later
  read PNG entries), 16 to 256 pixels;
- fineauthor.icns, the macOS icon: PNG images inside an icns container, 16 to 1024 pixels
  (including the @2x "retina" entries).

Qt's own SVG renderer draws the pictures off screen, so no tool beyond PySide6 is needed; the
two containers are simple enough to write by hand with struct. Run it again after editing the
SVG and commit the results.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "fineauthor.svg"
OUTPUT = ROOT / "packaging" / "icons"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns entry types that hold PNG data, with the pixel size of each picture.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512@2x
    (b"ic11", 32),  # 16@2x
    (b"ic12", 64),  # 32@2x
    (b"ic13", 256),  # 128@2x
    (b"ic14", 512),  # 256@2x
)


def render_pngs(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """The SVG drawn at each size on a transparent square, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not an SVG Qt can draw")
    pngs: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise SystemExit(f"make_icons: could not encode the {size}px picture as PNG")
        buffer.close()
        pngs[size] = bytes(data.data())
    return pngs


def ico_bytes(pngs: dict[int, bytes], sizes: tuple[int, ...]) -> bytes:
    """An ICO file whose entries are PNG images (width and height 0 mean 256)."""
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    directory = b""
    images = b""
    offset = 6 + 16 * len(sizes)
    for size in sizes:
        png = pngs[size]
        side = 0 if size >= 256 else size
        # width, height, palette colours, reserved, colour planes, bits per pixel, size, offset
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + directory + images


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An icns file: 'icns', the total length, then (type, length, PNG data) entries."""
    body = b""
    for kind, size in ICNS_TYPES:
        png = pngs[size]
        body += kind + struct.pack(">I", 8 + len(png)) + png
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(SOURCE, PNG_SIZES)
    for size, png in pngs.items():
        (OUTPUT / f"fineauthor-{size}.png").write_bytes(png)
    (OUTPUT / "fineauthor.ico").write_bytes(ico_bytes(pngs, ICO_SIZES))
    (OUTPUT / "fineauthor.icns").write_bytes(icns_bytes(pngs))
    print(
        f"make_icons: wrote {len(pngs)} PNG sizes, fineauthor.ico and fineauthor.icns "
        f"to {OUTPUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
