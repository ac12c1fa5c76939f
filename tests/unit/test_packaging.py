"""The desktop packaging's metadata agrees with itself and with the app: one app id, a MIME type
for .fineauthor files, the icons in every size, and resources/ inside the bundle. Fast checks of
the files in packaging/; building the bundle itself is CI's job (packaging/build.py)."""

from __future__ import annotations

import configparser
import plistlib
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from tests.paths import REPO_ROOT

PACKAGING = REPO_ROOT / "packaging"
APP_ID = "io.github.fineauthor.FineAuthor"
MIME_TYPE = "application/x-fineauthor-project"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
MIME_XML = PACKAGING / "linux" / f"{APP_ID}.mime.xml"
INFO_PLIST = PACKAGING / "macos" / "Info.plist"
SPEC = PACKAGING / "fineauthor.spec"
ISS = PACKAGING / "windows" / "fineauthor.iss"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in .desktop files
    parser.read(DESKTOP, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_the_app_id_is_the_same_everywhere() -> None:
    from fineauthor.ui.shell.app import DESKTOP_FILE_NAME

    assert DESKTOP_FILE_NAME == APP_ID
    assert desktop_entry()["Icon"] == APP_ID
    metainfo = ET.parse(METAINFO).getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable") == f"{APP_ID}.desktop"
    mime = ET.parse(MIME_XML).getroot().find(f"{MIME_NS}mime-type")
    assert mime is not None
    assert mime.find(f"{MIME_NS}generic-icon").get("name") == APP_ID
    plist = plistlib.loads(INFO_PLIST.read_bytes())
    assert plist["CFBundleIdentifier"] == APP_ID
    assert f'APP_ID = "{APP_ID}"' in SPEC.read_text(encoding="utf-8")
    assert f"AppId={APP_ID}" in ISS.read_text(encoding="utf-8")


def test_the_desktop_file_opens_projects() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "FineAuthor"
    assert entry["Exec"].split()[-1] in {"%f", "%F"}  # the file double-clicked arrives as argv
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_the_metainfo_has_what_software_centres_show() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    for tag in ("name", "summary", "metadata_license", "project_license"):
        assert (root.findtext(tag) or "").strip(), tag
    assert root.findtext("project_license") == "MIT"
    assert root.find("description/p") is not None
    assert root.find("content_rating").get("type").startswith("oars-")
    assert MIME_TYPE in [m.text for m in root.iterfind("provides/mediatype")]


def test_the_mime_type_knows_projects_by_name_and_content() -> None:
    from fineauthor.core.project.schema import APPLICATION_ID

    mime = ET.parse(MIME_XML).getroot().find(f"{MIME_NS}mime-type")
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.iterfind(f"{MIME_NS}glob")] == ["*.fineauthor"]
    assert mime.find(f"{MIME_NS}sub-class-of").get("type") == "application/vnd.sqlite3"
    sqlite = mime.find(f"{MIME_NS}magic/{MIME_NS}match")
    assert (sqlite.get("offset"), sqlite.get("value")) == ("0", "SQLite format 3\\000")
    ours = sqlite.find(f"{MIME_NS}match")
    assert ours.get("offset") == "68"  # SQLite's application_id, big-endian
    assert ours.get("value").encode("ascii") == APPLICATION_ID.to_bytes(4, "big")


def test_the_macos_bundle_claims_fineauthor_documents() -> None:
    plist = plistlib.loads(INFO_PLIST.read_bytes())
    assert plist["CFBundleIconFile"] == "fineauthor.icns"
    assert plist["CFBundleShortVersionString"] == "@VERSION@"  # filled in by the spec
    (document,) = plist["CFBundleDocumentTypes"]
    assert document["CFBundleTypeExtensions"] == ["fineauthor"]
    (exported,) = plist["UTExportedTypeDeclarations"]
    assert exported["UTTypeIdentifier"] in document["LSItemContentTypes"]
    assert exported["UTTypeTagSpecification"]["public.mime-type"] == MIME_TYPE


def test_the_spec_bundles_resources_and_the_icons() -> None:
    spec = SPEC.read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in spec  # resources.py looks in _MEIPASS
    assert "fineauthor.ico" in spec
    assert "fineauthor.icns" in spec
    assert "Info.plist" in spec
    assert "console=False" in spec
    assert "keyring.backends" in spec
    resources = (REPO_ROOT / "fineauthor" / "core" / "resources.py").read_text(encoding="utf-8")
    assert '"_MEIPASS"' in resources
    assert 'Path(bundle) / "resources"' in resources


def test_the_windows_installer_registers_the_file_type() -> None:
    iss = ISS.read_text(encoding="utf-8")
    assert 'Subkey: "Software\\Classes\\.fineauthor"' in iss
    assert "ChangesAssociations=yes" in iss
    assert r"packaging\icons\fineauthor.ico" in iss
    assert "@VERSION@" in (PACKAGING / "windows" / "version_info.txt").read_text(encoding="utf-8")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512, 1024])
def test_the_png_icons_exist_in_every_size(size: int) -> None:
    png = PACKAGING / "icons" / f"fineauthor-{size}.png"
    assert png_size(png.read_bytes()) == (size, size)


def test_the_ico_holds_png_pictures_from_16_to_256() -> None:
    data = (PACKAGING / "icons" / "fineauthor.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, height, *_, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        picture = png_size(data[offset : offset + length])
        assert picture == (width or 256, height or 256)
        sizes.append(picture[0])
    assert {16, 32, 48, 256} <= set(sizes)


def test_the_icns_holds_png_pictures_from_16_to_1024() -> None:
    data = (PACKAGING / "icons" / "fineauthor.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    position, sizes = 8, set()
    while position < len(data):
        kind, length = (
            data[position : position + 4],
            struct.unpack(">I", data[position + 4 : position + 8])[0],
        )
        assert re.fullmatch(rb"ic(p[4-6]|0[7-9]|1[0-4])", kind), kind
        sizes.add(png_size(data[position + 8 : position + length])[0])
        position += length
    assert position == len(data)
    assert {16, 32, 128, 256, 512, 1024} <= sizes


def test_about_names_the_version_and_the_licences_of_what_is_bundled(qtbot) -> None:
    from fineauthor import __version__
    from fineauthor.ui.shell.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    text = window.about_text()
    assert __version__ in text
    for component, licence in [
        ("FineAuthor", "MIT"),
        ("Python", "PSF"),
        ("PySide6", "LGPLv3"),
        ("Qt", "LGPLv3"),
        ("tiktoken", "MIT"),
        ("openai", "Apache-2.0"),
        ("httpx2", "BSD"),
        ("keyring", "MIT"),
        ("platformdirs", "MIT"),
    ]:
        assert component in text
        assert licence in text[text.index(component) :], component
