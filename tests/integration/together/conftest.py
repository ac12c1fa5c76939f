"""The fixtures every Together AI test uses: the fake Together API on 127.0.0.1, a recorder
of the waits asked for, and a provider pointed at the fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fineauthor.providers.together.service import TogetherProvider
from tests.fakes.together_server import FakeTogetherServer
from tests.integration.together.together_setup import KEY, Sleeps


@pytest.fixture
def server() -> Iterator[FakeTogetherServer]:
    with FakeTogetherServer(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def together(server: FakeTogetherServer, sleeps: Sleeps) -> Iterator[TogetherProvider]:
    with TogetherProvider(KEY, base_url=server.base_url, timeout=5.0, sleep=sleeps) as provider:
        yield provider
