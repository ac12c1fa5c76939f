"""Together dedicated endpoints against the fake over real HTTP: which trained models need one
(the catalog's word), the price per hour from Together's hardware list, starting on the
cheapest free hardware with an auto-stop, watching it come up, listing and stopping it."""

from __future__ import annotations

import pytest

from fineauthor.providers.base import DEPLOYMENT_READY, DEPLOYMENT_STARTING, ProviderError
from fineauthor.providers.together.deployments import AUTO_STOP_MINUTES
from fineauthor.providers.together.service import TogetherProvider
from tests.fakes.together_server import FakeTogetherServer
from tests.integration.together.together_setup import KEY

TRAINED = "saltmarrow/Qwen3-8B-hush-7f3e2a"


def test_which_trained_models_need_a_dedicated_endpoint(together: TogetherProvider) -> None:
    # Qwen3-8B add-ons are not run for you; Llama 3.1 8B Reference ones are (the catalog).
    assert together.needs_deployment("Qwen/Qwen3-8B")
    assert not together.needs_deployment("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference")
    assert not together.needs_deployment("somebody/not-in-the-catalog")


def test_the_price_per_hour_is_the_cheapest_free_hardware(together: TogetherProvider) -> None:
    # 6.65 cents a minute on the cheapest available server; the cheaper one is not free.
    assert together.deployment_price(TRAINED) == pytest.approx(3.99)


def test_start_look_list_and_stop_an_endpoint(
    together: TogetherProvider, server: FakeTogetherServer
) -> None:
    started = together.start_deployment(TRAINED)
    assert started.state == DEPLOYMENT_STARTING and started.billed
    assert started.price_per_hour_usd == pytest.approx(3.99)
    (endpoint,) = server.endpoints.values()
    assert endpoint["hardware"] == "1x_nvidia_h100_80gb_sxm"
    assert endpoint["inactive_timeout"] == AUTO_STOP_MINUTES
    assert endpoint["autoscaling"] == {"min_replicas": 1, "max_replicas": 1}

    looks = [together.get_deployment(started.id).state for _ in range(3)]
    assert looks == [DEPLOYMENT_STARTING, DEPLOYMENT_READY, DEPLOYMENT_READY]
    assert [d.id for d in together.list_deployments()] == [started.id]

    together.stop_deployment(started.id)
    assert together.list_deployments() == []
    with pytest.raises(ProviderError) as gone:
        together.get_deployment(started.id)
    assert gone.value.kind == ProviderError.NOT_FOUND
    assert KEY not in str(gone.value)


def test_starting_is_never_sent_twice_after_trouble(
    together: TogetherProvider, server: FakeTogetherServer
) -> None:
    server.fail_next("POST", "/v1/endpoints", status=503)
    with pytest.raises(ProviderError):
        together.start_deployment(TRAINED)
    assert server.count("POST", "/v1/endpoints") == 1
    assert server.endpoints == {}


def test_a_trained_model_answers_through_its_started_endpoint_by_name(
    together: TogetherProvider, server: FakeTogetherServer
) -> None:
    started = together.start_deployment(TRAINED)
    (endpoint,) = server.endpoints.values()
    assert started.chat_model == endpoint["name"] != TRAINED
    while together.get_deployment(started.id).state != DEPLOYMENT_READY:
        pass
    messages = [{"role": "user", "content": "The ferryman's second crossing."}]
    assert "".join(together.chat(started.chat_model, messages))
    assert server.chat_bodies[-1]["model"] == endpoint["name"]
