"""Fireworks deployments against the fake over real HTTP: a trained add-on needs one, starting it
rents a server that goes from starting to ready as it is looked at, it is listed, and stopping
it removes it; a stopped one is reported as gone in plain words."""

from __future__ import annotations

import pytest

from fineauthor.providers.base import DEPLOYMENT_READY, DEPLOYMENT_STARTING, ProviderError
from fineauthor.providers.fireworks.service import FireworksProvider
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import ACCOUNT, KEY

TRAINED = f"accounts/{ACCOUNT}/models/hush-a1b2c3"


def test_a_trained_add_on_needs_a_deployment_and_fireworks_own_models_do_not(
    fireworks: FireworksProvider,
) -> None:
    assert fireworks.needs_deployment(TRAINED)
    assert not fireworks.needs_deployment("accounts/fireworks/models/llama-v3p1-8b-instruct")


def test_start_look_list_and_stop_a_deployment(
    fireworks: FireworksProvider, server: FakeFireworksServer
) -> None:
    started = fireworks.start_deployment(TRAINED)
    assert started.state == DEPLOYMENT_STARTING and started.billed
    assert started.model == TRAINED
    assert started.price_per_hour_usd is None  # Fireworks picks the GPU: the price is not known
    assert server.count("POST", "/v1/accounts/{account}/deployments") == 1

    looks = [fireworks.get_deployment(started.id).state for _ in range(3)]
    assert looks[-1] == DEPLOYMENT_READY
    assert [d.id for d in fireworks.list_deployments()] == [started.id]

    fireworks.stop_deployment(started.id)
    assert fireworks.list_deployments() == []
    with pytest.raises(ProviderError) as gone:
        fireworks.get_deployment(started.id)
    assert gone.value.kind == ProviderError.NOT_FOUND
    assert KEY not in str(gone.value)


def test_starting_is_never_sent_twice_after_trouble(
    fireworks: FireworksProvider, server: FakeFireworksServer
) -> None:
    server.fail_next("POST", "/v1/accounts/{account}/deployments", status=500)
    with pytest.raises(ProviderError):
        fireworks.start_deployment(TRAINED)
    assert server.count("POST", "/v1/accounts/{account}/deployments") == 1


def test_a_trained_add_on_answers_through_its_ready_deployment_only(
    fireworks: FireworksProvider, server: FakeFireworksServer
) -> None:
    messages = [{"role": "user", "content": "The lighthouse keeper's first letter."}]
    with pytest.raises(ProviderError) as not_yet:
        "".join(fireworks.chat(TRAINED, messages))
    assert "has to be started first" in str(not_yet.value)

    started = fireworks.start_deployment(TRAINED)
    assert started.chat_model == f"{TRAINED}#accounts/{ACCOUNT}/deployments/{started.id}"
    while fireworks.get_deployment(started.id).state != DEPLOYMENT_READY:
        pass
    reply = "".join(fireworks.chat(started.chat_model, messages))
    assert reply
    assert server.chat_bodies[-1]["model"] == started.chat_model
