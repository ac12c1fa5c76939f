"""The fixture export (tests/fixtures/chatgpt/conversations.json, a realistic export written
for these tests), the titles of its conversations, and ways to read it or pack it as ChatGPT
sends it, shared by the ChatGPT import tests."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from fineauthor.core.importers.chatgpt.conversation import Conversation, ExportSummary
from fineauthor.core.importers.chatgpt.export import read_export
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "chatgpt" / "conversations.json"
LIGHTHOUSE = "Lighthouse at dusk — chapter 3"
CAFE = "Café à Lyon — Élodie attend"
TOKYO = "東京の雨 — noir opening 🌧️"
MOURNING = "Victorian mourning customs"
COVER = "Cover idea for The Salt Keeper"
COUNT = "How long is chapter 7?"
VILLANELLE = "Villanelle about the sea"
SYSTEM = "You are Outline Mageddon, who writes literary suspense."


def fixture_export(tmp_path: Path, *, ascii_only: bool = True, folder: str = "") -> Path:
    """The fixture as ChatGPT sends it: a zip with conversations.json among other files,
    compact and (by default) with every non-ASCII character escaped."""
    conversations = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            folder + "conversations.json",
            json.dumps(conversations, ensure_ascii=ascii_only, separators=(",", ":")),
        )
        archive.writestr(folder + "user.json", json.dumps({"id": "user-1", "email": "a@b.c"}))
        archive.writestr(folder + "message_feedback.json", "[]")
        archive.writestr(folder + "chat.html", "<html><body>Your conversations</body></html>")
        archive.writestr(folder + "file-7Qm2kT9xVbY3wLp8RcN4sD-shinjuku-alley.jpeg", b"\xff\xd8")
    return path


def read_all(path: Path) -> tuple[dict[str, Conversation], ExportSummary]:
    summary = ExportSummary()
    conversations = {c.title: c for c in read_export(path, summary)}
    return conversations, summary


def texts(conversation: Conversation) -> str:
    return "\n".join(turn.text for turn in conversation.turns)


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    """A zip at ``path`` holding ``files`` (name → contents)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path
