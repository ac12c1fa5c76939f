"""The fixtures of the prompts-from-prose tests: a fake chat program on 127.0.0.1 that
FineAuthor finds as "the chat program on this computer", and a project of manuscript scenes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.providers.local.address import BASE_URL_ENV
from tests.fakes.chat_server import FakeChatServer
from tests.lighthouse_novel import make_novel


@pytest.fixture
def chat(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChatServer]:
    """A chat program answering where FineAuthor looks for one, taking no key."""
    with FakeChatServer() as fake:
        monkeypatch.setenv(BASE_URL_ENV, fake.base_url)
        yield fake


@pytest.fixture
def novel(tmp_path: Path) -> Path:
    """A project with three template-prompted scenes and one prompt the writer wrote."""
    return make_novel(tmp_path / "lighthouse.fineauthor")
