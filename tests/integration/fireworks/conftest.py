"""The fixtures every Fireworks test uses: the fake Fireworks API on 127.0.0.1, a recorder of
the waits asked for, and a provider pointed at the fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fineauthor.providers.fireworks.service import FireworksProvider
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import ACCOUNT, KEY, Sleeps


@pytest.fixture
def server() -> Iterator[FakeFireworksServer]:
    with FakeFireworksServer(api_key=KEY, account=ACCOUNT) as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fireworks(server: FakeFireworksServer, sleeps: Sleeps) -> Iterator[FireworksProvider]:
    with FireworksProvider(
        KEY, ACCOUNT, base_url=server.base_url, timeout=5.0, sleep=sleeps
    ) as provider:
        yield provider
