"""The Fireworks provider when things go wrong, over real HTTP against the fake: a busy or
broken service, a lost reply to a job creation (resumed without a second job), a bad key, no
credit, an unknown account or model — each in plain words, and the key in none of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.project.project import Project
from fineauthor.providers.base import ProviderError, TrainingOptions
from fineauthor.providers.fireworks.service import FireworksProvider
from fineauthor.training.attempts import start_training
from fineauthor.training.prepare import prepare_file
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import (
    ACCOUNT,
    KEY,
    MODEL,
    Sleeps,
    write_dataset,
)

JOBS = "/v1/accounts/{a}/supervisedFineTuningJobs"


def _uploaded(fireworks: FireworksProvider, tmp_path: Path) -> str:
    return fireworks.upload(write_dataset(tmp_path)).id


def test_a_busy_service_is_waited_out_for_as_long_as_it_asks(
    server: FakeFireworksServer, fireworks: FireworksProvider, sleeps: Sleeps, tmp_path: Path
) -> None:
    dataset = _uploaded(fireworks, tmp_path)
    server.fail_next("GET", JOBS, status=429, headers={"Retry-After": "7"})

    assert fireworks.find_job(dataset) is None

    assert sleeps == [7.0]
    assert server.count("GET", JOBS) == 2


def test_server_trouble_is_retried_with_backoff_then_said_plainly(
    server: FakeFireworksServer, fireworks: FireworksProvider, sleeps: Sleeps
) -> None:
    server.fail_next("GET", JOBS, status=500, times=5)

    with pytest.raises(ProviderError) as caught:
        fireworks.list_jobs()

    assert caught.value.kind == ProviderError.SERVER
    assert "trouble on its side" in str(caught.value)
    assert len(sleeps) == 2 and server.count("GET", JOBS) == 3  # two retries, then the truth


def test_a_rate_limit_that_lasts_says_how_long_to_wait(
    server: FakeFireworksServer, fireworks: FireworksProvider
) -> None:
    server.fail_next("GET", JOBS, status=429, headers={"Retry-After": "20"}, times=3)

    with pytest.raises(ProviderError) as caught:
        fireworks.list_jobs()

    assert caught.value.kind == ProviderError.RATE_LIMITED
    assert caught.value.retry_after == 20.0 and "about 20 seconds" in str(caught.value)


def test_job_creation_is_never_retried_and_a_lost_reply_never_says_nothing_happened(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = _uploaded(fireworks, tmp_path)
    server.fail_next("POST", JOBS, drop="after_handler")  # created, but the reply is lost

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, TrainingOptions())

    assert server.count("POST", JOBS) == 1 and len(server.jobs) == 1
    assert caught.value.kind == ProviderError.NETWORK
    assert "may have started" in str(caught.value)
    assert "nothing is lost" not in str(caught.value).lower()
    assert fireworks.find_job(dataset).id == next(iter(server.jobs))  # it is found again


def test_a_server_error_on_creation_says_the_training_may_have_started(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = _uploaded(fireworks, tmp_path)
    server.fail_next("POST", JOBS, status=503)

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, TrainingOptions())

    assert server.count("POST", JOBS) == 1
    assert "may have started" in str(caught.value)


def test_training_again_after_a_lost_creation_reply_finds_the_job_instead_of_making_another(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    source = write_dataset(tmp_path, name="saltmarrow.jsonl")
    model = load_catalog().model(MODEL)
    dataset = prepare_file(source, model, fireworks.id)
    server.fail_next("POST", JOBS, drop="after_handler")
    with Project.create(tmp_path / "book.fineauthor", title="Saltmarrow") as project:
        try:
            first = start_training(project, fireworks, MODEL, TrainingOptions(), dataset)
        except ProviderError:
            first = None  # the attempt may report the lost reply; either way, no second job
        again = start_training(project, fireworks, MODEL, TrainingOptions(), dataset)

    assert len(server.jobs) == 1 and server.count("POST", JOBS) == 1
    assert again.id == next(iter(server.jobs))
    assert first is None or first.id == again.id
    assert server.count("POST", "/v1/accounts/{a}/datasets") == 1  # nor a second upload


def test_a_refused_key_is_said_plainly_and_never_repeated(
    server: FakeFireworksServer, fireworks: FireworksProvider
) -> None:
    server.api_key = "fw_another-key"  # the writer's key was revoked; the fake echoes it

    with pytest.raises(ProviderError) as caught:
        fireworks.check_key()

    assert caught.value.kind == ProviderError.AUTH
    assert "did not accept your API key" in str(caught.value)
    assert KEY not in str(caught.value) and KEY[:12] not in str(caught.value)


def test_no_credit_is_said_plainly(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = _uploaded(fireworks, tmp_path)
    server.no_credit = True

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, TrainingOptions())

    assert caught.value.kind == ProviderError.BILLING
    assert "Add credit" in str(caught.value)


def test_an_unknown_account_points_to_where_the_account_id_is_set(
    server: FakeFireworksServer, sleeps: Sleeps
) -> None:
    other = FireworksProvider(KEY, "no-such-press", base_url=server.base_url, sleep=sleeps)
    with other, pytest.raises(ProviderError) as caught:
        other.check_key()

    assert caught.value.kind == ProviderError.AUTH
    assert '"no-such-press"' in str(caught.value) and "Settings → Accounts" in str(caught.value)


def test_no_account_id_at_all_is_said_before_anything_is_sent(
    server: FakeFireworksServer, sleeps: Sleeps
) -> None:
    nowhere = FireworksProvider(KEY, "", base_url=server.base_url, sleep=sleeps)
    with nowhere, pytest.raises(ProviderError) as caught:
        nowhere.list_jobs()

    assert "account ID" in str(caught.value) and "FIREWORKS_ACCOUNT_ID" in str(caught.value)
    assert server.requests == []


def test_a_model_not_offered_for_training_is_named(
    fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = _uploaded(fireworks, tmp_path)

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job("accounts/fireworks/models/gone-7b", dataset, TrainingOptions())

    assert caught.value.kind == ProviderError.MODEL_UNAVAILABLE
    assert '"accounts/fireworks/models/gone-7b"' in str(caught.value)


def test_an_unknown_job_is_not_found(fireworks: FireworksProvider) -> None:
    with pytest.raises(ProviderError) as caught:
        fireworks.get_job("no-such-job")

    assert caught.value.kind == ProviderError.NOT_FOUND


def test_a_dropped_connection_on_a_read_is_retried(
    server: FakeFireworksServer, fireworks: FireworksProvider
) -> None:
    server.fail_next("GET", JOBS, drop="before_body")

    assert fireworks.list_jobs() == []
    assert server.count("GET", JOBS) == 2


def test_the_key_is_never_in_the_providers_repr(fireworks: FireworksProvider) -> None:
    assert KEY not in repr(fireworks) and ACCOUNT in repr(fireworks)
