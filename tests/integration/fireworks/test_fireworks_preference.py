"""A preference round on Fireworks, over real HTTP against the fake Fireworks API: the writer's
chosen-and-passed-over replies go up as a dataset as they are, a DPO job is made (its beta only
when set, warm-started from an earlier add-on when asked), and it is fetched, listed with the
supervised jobs, watched and stopped by its own id; supervised jobs are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.providers.base import (
    CANCELLED,
    PREFERENCE,
    QUEUED,
    SUCCEEDED,
    SUPERVISED,
    ProviderError,
    TrainingOptions,
)
from fineauthor.providers.fireworks.service import LORA_RANK, FireworksProvider
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import (
    ACCOUNT,
    MODEL,
    poll_until_finished,
    write_dataset,
)

PREFER = TrainingOptions(method=PREFERENCE)
USUAL = TrainingOptions()  # a supervised training, on ordinary examples


def write_pairs(folder: Path, pairs: int = 5, *, name: str = "fineauthor-pairs-01.jsonl") -> Path:
    """Blind choices at the test bench as preference pairs, with the curly quotes and accents
    a novelist writes, so byte-for-byte means something."""
    path = folder / name
    lines = [
        json.dumps(
            {
                "input": {
                    "messages": [
                        {"role": "system", "content": "You write as Outline Mageddon."},
                        {"role": "user", "content": f"Scene {n}: Zoë locks the print shop."},
                    ]
                },
                "preferred_output": [
                    {"role": "assistant", "content": f"“Enough,” she said — and it was. {n}"}
                ],
                "non_preferred_output": [
                    {"role": "assistant", "content": f"She locked the door and left. {n}"}
                ],
            },
            ensure_ascii=False,
        )
        for n in range(pairs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_pairs_go_up_as_they_are_and_a_dpo_job_is_made(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    path = write_pairs(tmp_path)
    dataset = fireworks.upload(path).id

    job = fireworks.create_job(MODEL, dataset, PREFER)

    assert server.datasets["fineauthor-pairs-01"].data == path.read_bytes()
    (body,) = server.dpo_bodies
    assert body == {
        "dataset": dataset,
        "displayName": "FineAuthor: fineauthor-pairs-01",
        "trainingConfig": {"baseModel": MODEL, "loraRank": LORA_RANK},
        "lossConfig": {"method": "DPO"},  # named: Fireworks would pick GRPO otherwise
    }
    assert server.create_bodies == []  # not a supervised job
    (stored,) = server.dpo_jobs
    assert job.id == f"accounts/{ACCOUNT}/dpoJobs/{stored}"
    assert job.method == PREFERENCE and job.state == QUEUED
    assert job.model == MODEL and job.training_file == dataset


def test_the_writers_beta_and_settings_reach_the_dpo_job(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_pairs(tmp_path)).id
    options = TrainingOptions(
        method=PREFERENCE, dpo_beta=0.2, epochs=2, learning_rate_multiplier=0.5, suffix="Prefs"
    )

    job = fireworks.create_job(MODEL, dataset, options)
    done = poll_until_finished(fireworks, job.id)[-1]

    (body,) = server.dpo_bodies
    assert body["lossConfig"] == {"method": "DPO", "dpo": {"beta": 0.2}}
    config = body["trainingConfig"]
    assert config["epochs"] == 2 and config["learningRate"] == pytest.approx(5e-5)
    assert config["outputModel"].startswith("prefs-")
    assert done.fine_tuned_model == f"accounts/{ACCOUNT}/models/{config['outputModel']}"


def test_a_round_on_top_of_the_earlier_add_on_warm_starts_from_it(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    first = fireworks.create_job(MODEL, fireworks.upload(write_dataset(tmp_path)).id, USUAL)
    earlier = poll_until_finished(fireworks, first.id)[-1].fine_tuned_model
    assert earlier is not None
    dataset = fireworks.upload(write_pairs(tmp_path)).id

    job = fireworks.create_job(
        MODEL, dataset, TrainingOptions(method=PREFERENCE, from_model=earlier)
    )

    config = server.dpo_bodies[-1]["trainingConfig"]
    assert config["warmStartFrom"] == earlier
    assert "baseModel" not in config  # Fireworks takes one or the other
    assert job.method == PREFERENCE and job.model == MODEL  # the add-on's base, as Fireworks says


def test_dpo_and_supervised_jobs_are_listed_together_newest_first(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    examples = fireworks.upload(write_dataset(tmp_path)).id
    pairs = fireworks.upload(write_pairs(tmp_path)).id
    made = [
        fireworks.create_job(MODEL, examples, USUAL),
        fireworks.create_job(MODEL, pairs, PREFER),
        fireworks.create_job(MODEL, examples, USUAL),
        fireworks.create_job(MODEL, pairs, PREFER),
    ]
    server.page_size_cap = 1  # each kind over several pages

    listed = fireworks.list_jobs()

    assert [j.id for j in listed] == [j.id for j in reversed(made)]
    assert [j.method for j in listed] == [PREFERENCE, SUPERVISED, PREFERENCE, SUPERVISED]
    found = fireworks.find_job(pairs)
    assert found is not None and found.id == made[3].id and found.method == PREFERENCE
    assert fireworks.find_job(examples).id == made[2].id  # type: ignore[union-attr]


def test_a_dpo_job_is_watched_by_its_id_to_its_model(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    job = fireworks.create_job(MODEL, fireworks.upload(write_pairs(tmp_path)).id, PREFER)

    seen = poll_until_finished(fireworks, job.id)
    events = fireworks.events(job.id)

    assert seen[-1].state == SUCCEEDED and all(j.method == PREFERENCE for j in seen)
    stored = job.id.rsplit("/", 1)[-1]
    assert seen[-1].fine_tuned_model == f"accounts/{ACCOUNT}/models/{stored}"
    assert server.count("GET", "/v1/accounts/{a}/dpoJobs/{j}") >= len(seen)
    assert server.count("GET", "/v1/accounts/{a}/supervisedFineTuningJobs/{j}") == 0
    assert events[-1].message.startswith("Training finished")


def test_a_dpo_job_can_be_stopped(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    job = fireworks.create_job(MODEL, fireworks.upload(write_pairs(tmp_path)).id, PREFER)

    fireworks.cancel_job(job.id)
    after = fireworks.get_job(job.id)

    assert server.count("POST", "/v1/accounts/{a}/dpoJobs/{j}:cancel") == 1
    assert after.state == CANCELLED and after.fine_tuned_model is None
    assert after.method == PREFERENCE


def test_a_supervised_job_sends_what_it_always_sent_and_keeps_its_bare_id(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id

    job = fireworks.create_job(MODEL, dataset, TrainingOptions(epochs=3))

    (body,) = server.create_bodies
    assert body == {
        "dataset": dataset,
        "baseModel": MODEL,
        "loraRank": LORA_RANK,
        "displayName": "FineAuthor: fineauthor-0a1b2c3d",
        "epochs": 3,
    }
    assert server.dpo_bodies == []
    assert job.id in server.jobs and "/" not in job.id
    assert job.method == SUPERVISED
    assert fireworks.get_job(job.id).method == SUPERVISED


def test_ordinary_examples_for_a_preference_training_are_refused_in_plain_words(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, PREFER)

    assert caught.value.kind == ProviderError.FILE_REJECTED
    message = str(caught.value)
    assert "preference training" in message and "pairs of replies" in message
    assert "the one you chose" in message and "test bench" in message
    assert not server.dpo_jobs


def test_pairs_for_a_usual_training_are_refused_in_plain_words(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_pairs(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, TrainingOptions())

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert "pairs of replies for a preference training" in str(caught.value)
    assert not server.jobs


def test_a_beta_fireworks_does_not_take_is_refused_with_its_reason(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_pairs(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, TrainingOptions(method=PREFERENCE, dpo_beta=0.7))

    assert caught.value.kind == ProviderError.REFUSED
    assert "must be > 0 and < 0.5" in str(caught.value)
    assert not server.dpo_jobs
