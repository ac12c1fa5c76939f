"""The fixtures of the test-bench tests against the fake OpenAI server (bench_setup.py holds
what they are made of)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from fineauthor.providers import keys
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.shell.document import ProjectDocument
from tests.fakes.openai_server import FakeOpenAI
from tests.ui.bench.bench_setup import BASE_MODEL, BASE_REPLY, FT, FT_REPLY, KEY, make_project


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No key anywhere but where a test puts one: no environment keys, no keychain."""
    backend = keyring.get_keyring()
    for variable in ("OPENAI_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    keyring.set_keyring(fail.Keyring())
    keys.forget_session_keys()
    yield
    keyring.set_keyring(backend)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        fake.chat_replies = {FT: FT_REPLY, BASE_MODEL: BASE_REPLY}
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield fake
        if fake.chat_hold is not None:
            fake.chat_hold.set()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "The Tidewrack Books.fineauthor"


@pytest.fixture
def document(path: Path) -> Iterator[ProjectDocument]:
    doc = ProjectDocument(make_project(path))
    yield doc
    doc.close()


@pytest.fixture
def bench(qtbot, document: ProjectDocument) -> Iterator[BenchWindow]:
    widget = BenchWindow(document)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()
