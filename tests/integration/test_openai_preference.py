"""A preference round on OpenAI, through the real openai SDK over real HTTP against the fake
OpenAI server: the writer's chosen-and-passed-over replies go up as they are, the job asks for
the DPO method (its beta only when set), a round on top of an earlier fine-tune names that
``ft:`` model as the one to train, and the job is watched, listed and cancelled like any other;
a supervised job still sends what it always did."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.providers.base import (
    CANCELLED,
    PREFERENCE,
    SUCCEEDED,
    SUPERVISED,
    Job,
    ProviderError,
    TrainingOptions,
)
from fineauthor.providers.openai.service import OpenAIProvider
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-proj-fake-FineAuthor0123456789abcdefGHIJ"
MODEL = "gpt-4.1-mini-2025-04-14"
PREFER = TrainingOptions(method=PREFERENCE)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def provider(server: FakeOpenAI) -> OpenAIProvider:
    return OpenAIProvider(KEY, base_url=server.url + "/v1", timeout=10)


def write_pairs(folder: Path, pairs: int = 12) -> Path:
    """Blind choices at the test bench as preference pairs, with the curly quotes and accents
    a novelist writes, so byte-for-byte means something."""
    path = folder / "preferences.jsonl"
    lines = [
        json.dumps(
            {
                "input": {
                    "messages": [
                        {"role": "system", "content": "You are Outline Mageddon."},
                        {"role": "user", "content": f"Scene {n}: Anaïs at the lighthouse."},
                    ]
                },
                "preferred_output": [
                    {"role": "assistant", "content": f"“Again,” the lamp said — {n} times."}
                ],
                "non_preferred_output": [
                    {"role": "assistant", "content": f"The lamp turned {n} times."}
                ],
            },
            ensure_ascii=False,
        )
        for n in range(pairs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_examples(folder: Path, count: int = 12) -> Path:
    path = folder / "examples.jsonl"
    lines = [
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": f"Scene {n}: the harbour at dusk."},
                    {"role": "assistant", "content": f"Salt and slate, {n}."},
                ]
            }
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_to_end(provider: OpenAIProvider, job_id: str) -> list[Job]:
    seen = [provider.get_job(job_id)]
    while not seen[-1].finished:
        assert len(seen) < 30, "the job never ended"
        seen.append(provider.get_job(job_id))
    return seen


def test_the_pairs_go_up_as_they_are_and_the_job_asks_for_dpo(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    path = write_pairs(tmp_path)
    uploaded = provider.upload(path)

    job = provider.create_job(MODEL, uploaded.id, PREFER)

    assert server.file_contents[uploaded.id] == path.read_bytes()
    (body,) = server.job_requests
    assert body == {
        "model": MODEL,
        "training_file": uploaded.id,
        "method": {"type": "dpo"},  # no beta: OpenAI's own choice stands
    }
    assert job.method == PREFERENCE and job.model == MODEL


def test_the_writers_beta_and_settings_go_in_the_dpo_hyperparameters(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    file_id = provider.upload(write_pairs(tmp_path)).id

    provider.create_job(MODEL, file_id, TrainingOptions(method=PREFERENCE, dpo_beta=0.3, epochs=2))

    (body,) = server.job_requests
    assert body["method"] == {
        "type": "dpo",
        "dpo": {"hyperparameters": {"n_epochs": 2, "beta": 0.3}},
    }


def test_a_round_on_top_of_the_earlier_model_trains_that_model(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    first = provider.create_job(
        MODEL, provider.upload(write_examples(tmp_path)).id, TrainingOptions()
    )
    earlier = run_to_end(provider, first.id)[-1].fine_tuned_model
    assert earlier is not None and earlier.startswith("ft:")
    file_id = provider.upload(write_pairs(tmp_path)).id

    job = provider.create_job(
        MODEL, file_id, TrainingOptions(method=PREFERENCE, from_model=earlier)
    )

    assert server.job_requests[-1]["model"] == earlier
    assert job.model == earlier and job.method == PREFERENCE


def test_a_preference_job_is_watched_to_its_model_and_listed(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    usual = provider.create_job(
        MODEL, provider.upload(write_examples(tmp_path)).id, TrainingOptions()
    )
    pairs = provider.upload(write_pairs(tmp_path)).id
    job = provider.create_job(MODEL, pairs, PREFER)

    seen = run_to_end(provider, job.id)

    assert seen[-1].state == SUCCEEDED and seen[-1].fine_tuned_model
    assert all(j.method == PREFERENCE for j in seen)
    assert [(j.id, j.method) for j in provider.list_jobs()] == [
        (job.id, PREFERENCE),
        (usual.id, SUPERVISED),
    ]
    found = provider.find_job(pairs)
    assert found is not None and found.id == job.id and found.method == PREFERENCE


def test_a_preference_job_can_be_cancelled(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    job = provider.create_job(MODEL, provider.upload(write_pairs(tmp_path)).id, PREFER)
    provider.get_job(job.id)

    stopped = provider.cancel_job(job.id)

    assert stopped.state == CANCELLED and stopped.method == PREFERENCE
    assert provider.get_job(job.id).fine_tuned_model is None


def test_a_supervised_job_sends_what_it_always_sent(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    file_id = provider.upload(write_examples(tmp_path)).id

    job = provider.create_job(MODEL, file_id, TrainingOptions(epochs=3))

    (body,) = server.job_requests
    assert body == {
        "model": MODEL,
        "training_file": file_id,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
    }
    assert job.method == SUPERVISED


def test_ordinary_examples_for_a_preference_training_are_refused_in_plain_words(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    file_id = provider.upload(write_examples(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        provider.create_job(MODEL, file_id, PREFER)

    assert caught.value.kind == ProviderError.FILE_REJECTED
    message = str(caught.value)
    assert "preference training" in message and "pairs of replies" in message
    assert "the one you chose" in message and "test bench" in message
    assert not server.jobs


def test_pairs_for_a_usual_training_are_refused_in_plain_words(
    provider: OpenAIProvider, server: FakeOpenAI, tmp_path: Path
) -> None:
    file_id = provider.upload(write_pairs(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        provider.create_job(MODEL, file_id, TrainingOptions())

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert "holds pairs of replies for a preference training" in str(caught.value)
    assert not server.jobs
