"""A virtual X11 screen (Xvfb) to start FineAuthor on the real xcb platform, and a picture of it.

Xvfb keeps its framebuffer in a file (``-fbdir``) in the XWD format, so the picture needs no
other tool: the file is read, checked for something painted on it, and written out as a PNG.
Standard library only, so the bundle's smoke test and the test suite can both use it.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

WIDTH, HEIGHT = 1280, 800
_XWD_HEADER = struct.Struct(">25I")  # XWDFileHeader: 25 big-endian CARD32 fields
_Z_PIXMAP = 2


class ScreenError(RuntimeError):
    """Xvfb could not start, or its framebuffer could not be read."""


def xvfb_available() -> bool:
    return shutil.which("Xvfb") is not None


class VirtualScreen:
    """``with VirtualScreen() as screen:`` a fresh X display at ``screen.display`` (":N")."""

    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.size = (width, height)
        self._folder = Path(tempfile.mkdtemp(prefix="fineauthor-xvfb-"))
        self._process: subprocess.Popen[bytes] | None = None
        self.display = ""
        self.empty = b"\x00\x00\x00"

    def __enter__(self) -> VirtualScreen:
        if not xvfb_available():
            raise ScreenError("Xvfb is not installed (Debian: apt-get install xvfb)")
        read, write = os.pipe()
        width, height = self.size
        self._process = subprocess.Popen(
            [
                *("Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24"),
                *("-fbdir", str(self._folder), "-nolisten", "tcp"),
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as chosen:
            number = chosen.readline().strip()  # Xvfb writes the display it took, once ready
        if not number.isdigit():
            self.__exit__(None, None, None)
            raise ScreenError("Xvfb did not start")
        self.display = f":{number}"
        self.empty = self.picture().rgb[:3]  # the colour of the screen with nothing on it
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        shutil.rmtree(self._folder, ignore_errors=True)

    def picture(self) -> Picture:
        """What the screen shows now."""
        return Picture.from_xwd((self._folder / "Xvfb_screen0").read_bytes())

    def wait_for_painting(self, timeout: float = 60.0, fraction: float = 0.2) -> Picture:
        """The screen once at least ``fraction`` of it is painted (a window is up), or as it is
        when ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while True:
            picture = self.picture()
            painted = picture.painted_fraction(self.empty)
            if painted >= fraction or time.monotonic() > deadline:
                return picture
            time.sleep(0.25)


class Picture:
    """Rows of RGB pixels."""

    def __init__(self, width: int, height: int, rgb: bytes) -> None:
        self.width, self.height, self.rgb = width, height, rgb

    @classmethod
    def from_xwd(cls, data: bytes) -> Picture:
        if len(data) < _XWD_HEADER.size:
            raise ScreenError("the framebuffer file is too short")
        fields = _XWD_HEADER.unpack_from(data)
        header_size, _version, pixmap_format, _depth, width, height = fields[:6]
        byte_order, bits_per_pixel, bytes_per_line, ncolors = (
            fields[7],
            fields[11],
            fields[12],
            fields[19],
        )
        if pixmap_format != _Z_PIXMAP or bits_per_pixel != 32:
            raise ScreenError("the framebuffer is not 32-bit ZPixmap")
        start = header_size + ncolors * 12  # each colour is an XWDColor of 12 bytes
        # LSBFirst stores each pixel as B, G, R, unused; MSBFirst as unused, R, G, B.
        red, green, blue = (2, 1, 0) if byte_order == 0 else (1, 2, 3)
        rgb = bytearray(width * height * 3)
        for y in range(height):
            row = data[start + y * bytes_per_line : start + y * bytes_per_line + width * 4]
            out = memoryview(rgb)[y * width * 3 : (y + 1) * width * 3]
            out[0::3], out[1::3], out[2::3] = row[red::4], row[green::4], row[blue::4]
        return cls(width, height, bytes(rgb))

    def painted_fraction(self, background: bytes) -> float:
        """The share of pixels (a sample of them) whose colour is not ``background``."""
        step = 3 * 7
        sample = [self.rgb[i : i + 3] for i in range(0, len(self.rgb), step)]
        return sum(1 for pixel in sample if pixel != background) / len(sample) if sample else 0.0

    def colours(self) -> int:
        """How many different colours a sample of the pixels has (text and icons give many)."""
        step = 3 * 5
        return len({self.rgb[i : i + 3] for i in range(0, len(self.rgb), step)})

    def save_png(self, path: Path) -> None:
        raw = b"".join(
            b"\x00" + self.rgb[y * self.width * 3 : (y + 1) * self.width * 3]
            for y in range(self.height)
        )

        def chunk(kind: bytes, body: bytes) -> bytes:
            return (
                struct.pack(">I", len(body))
                + kind
                + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
            )

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        path.write_bytes(
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b"")
        )
