"""Fireworks as the chat model that writes prompts from a writer's scenes: the models offered
are the ones that answer at once (billed per token), not the account's own trained models that
answer only on a deployment; a refused key is said plainly."""

from __future__ import annotations

import pytest

from fineauthor.providers.base import ProviderError
from fineauthor.providers.fireworks.service import FireworksProvider
from tests.fakes.fireworks_server import TUNABLE_MODELS, FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import ACCOUNT


def test_the_models_that_answer_at_once_are_offered(
    server: FakeFireworksServer, fireworks: FireworksProvider
) -> None:
    offered = [model.id for model in fireworks.chat_models()]
    assert offered == list(TUNABLE_MODELS)
    assert fireworks.list_models() == []  # the account has trained nothing yet
    reply = "".join(fireworks.chat(offered[0], [{"role": "user", "content": "Write a brief."}]))
    assert reply  # and the first of them answers
    assert server.chat_bodies[-1]["model"] == offered[0]


def test_a_refused_key_is_said_plainly(server: FakeFireworksServer) -> None:
    wrong = FireworksProvider("fw_not-the-writers-key-0000", ACCOUNT, base_url=server.base_url)
    with wrong, pytest.raises(ProviderError) as refused:
        wrong.chat_models()
    assert refused.value.kind == ProviderError.AUTH
    assert "fw_not-the-writers-key" not in str(refused.value)
