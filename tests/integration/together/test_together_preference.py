"""A preference round on Together AI, over real HTTP against the fake Together API: the writer's
chosen-and-passed-over replies go up as they are, the job asks for DPO (with its beta only when
set, and from an earlier fine-tune when asked), and it is watched, listed and stopped like any
other; a usual training still sends what it always did."""

from __future__ import annotations

import json
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
from fineauthor.providers.together.service import TogetherProvider
from tests.fakes.together_server import (
    DPO_PRICE_FACTOR,
    LORA_RANK,
    PRICE_PER_TOKEN,
    FakeTogetherServer,
)
from tests.integration.together.together_setup import MODEL, upload, write_dataset

PREFER = TrainingOptions(method=PREFERENCE)


def write_pairs(folder: Path, pairs: int = 6) -> Path:
    """Blind choices at the test bench, as the preference file holds them (with the curly
    quotes and accents a novelist writes, so byte-for-byte means something)."""
    path = folder / "saltmarrow-preferences.jsonl"
    lines = [
        json.dumps(
            {
                "input": {
                    "messages": [
                        {"role": "system", "content": "You write as Saltmarrow Hush."},
                        {"role": "user", "content": f"Scene {n}: Élodie waits at the quay."},
                    ]
                },
                "preferred_output": [
                    {"role": "assistant", "content": f"“Not yet,” she said. The tide — {n}."}
                ],
                "non_preferred_output": [
                    {"role": "assistant", "content": f"She waited for the boat {n}."}
                ],
            },
            ensure_ascii=False,
        )
        for n in range(pairs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def watch(together: TogetherProvider, job_id: str) -> list[Job]:
    seen = []
    for _ in range(50):
        seen.append(together.get_job(job_id))
        if seen[-1].finished:
            return seen
    raise AssertionError("the job never finished")


def test_the_pairs_go_up_as_they_are_and_the_job_asks_for_dpo(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_pairs(tmp_path)
    uploaded = together.upload(path)

    job = together.create_job(MODEL, uploaded.id, PREFER)

    assert server.files[uploaded.id].data == path.read_bytes()
    (body,) = server.create_bodies
    assert body == {
        "model": MODEL,
        "training_file": uploaded.id,
        "training_type": {
            "type": "Lora",
            "lora_r": LORA_RANK,
            "lora_alpha": 2 * LORA_RANK,
            "lora_dropout": 0.0,
            "lora_trainable_modules": "all-linear",
        },
        "training_method": {"method": "dpo"},  # no beta: Together's own default stands
    }
    assert job.method == PREFERENCE and job.model == MODEL and job.training_file == uploaded.id


def test_the_writers_beta_and_settings_reach_the_job(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = together.upload(write_pairs(tmp_path)).id

    together.create_job(
        MODEL, file_id, TrainingOptions(method=PREFERENCE, dpo_beta=0.2, epochs=2, suffix="prefs")
    )

    (body,) = server.create_bodies
    assert body["training_method"] == {"method": "dpo", "dpo_beta": 0.2}
    assert body["n_epochs"] == 2 and body["suffix"] == "prefs"


@pytest.mark.parametrize("named_by", ["output model name", "job id"])
def test_a_round_on_top_of_the_earlier_model_starts_from_its_checkpoint(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path, named_by: str
) -> None:
    first = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    earlier = server.run_job(first.id)
    start = earlier.output_name if named_by == "output model name" else first.id
    file_id = together.upload(write_pairs(tmp_path)).id

    job = together.create_job(MODEL, file_id, TrainingOptions(method=PREFERENCE, from_model=start))

    body = server.create_bodies[-1]
    assert body["from_checkpoint"] == start
    assert "model" not in body  # Together's client sends one or the other, never both
    assert body["training_type"]["lora_r"] == LORA_RANK  # the base model's limits still apply
    assert job.method == PREFERENCE and job.model == MODEL  # Together names the base


def test_a_preference_job_is_watched_to_its_model_listed_and_found_again(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    usual = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    pairs_file = together.upload(write_pairs(tmp_path)).id
    job = together.create_job(MODEL, pairs_file, PREFER)

    seen = watch(together, job.id)

    assert seen[-1].state == SUCCEEDED and seen[-1].fine_tuned_model
    assert all(j.method == PREFERENCE for j in seen)
    listed = {j.id: j.method for j in together.list_jobs()}
    assert listed == {job.id: PREFERENCE, usual.id: SUPERVISED}
    found = together.find_job(pairs_file)
    assert found is not None and found.id == job.id and found.method == PREFERENCE


def test_a_preference_job_can_be_stopped(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    job = together.create_job(MODEL, together.upload(write_pairs(tmp_path)).id, PREFER)
    together.get_job(job.id)

    asked = together.cancel_job(job.id)
    done = together.get_job(job.id)

    assert asked.status == "cancel_requested" and asked.method == PREFERENCE
    assert done.state == CANCELLED and done.fine_tuned_model is None


def test_a_usual_training_sends_what_it_always_sent(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)

    job = together.create_job(MODEL, file_id, TrainingOptions(suffix="hush"))

    (body,) = server.create_bodies
    assert set(body) == {"model", "training_file", "training_type", "suffix"}
    assert "training_method" not in body and "from_checkpoint" not in body
    assert job.method == SUPERVISED


def test_ordinary_examples_for_a_preference_training_are_refused_in_plain_words(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)

    with pytest.raises(ProviderError) as caught:
        together.create_job(MODEL, file_id, PREFER)

    assert caught.value.kind == ProviderError.FILE_REJECTED
    message = str(caught.value)
    assert "preference training" in message and "pairs of replies" in message
    assert "the one you chose" in message and "test bench" in message
    assert not server.jobs


def test_pairs_for_a_usual_training_are_refused_in_plain_words(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = together.upload(write_pairs(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        together.create_job(MODEL, file_id, TrainingOptions())

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert "holds pairs of replies for a preference training" in str(caught.value)
    assert not server.jobs


def test_the_price_quote_is_for_a_preference_training(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_pairs(tmp_path)
    file_id = together.upload(path).id

    quote = together.estimate_price(MODEL, file_id, TrainingOptions(method=PREFERENCE, epochs=2))

    assert server.estimate_bodies[-1]["training_method"] == {"method": "dpo"}
    tokens = path.stat().st_size // 4 * 2
    assert quote is not None and quote.billed_tokens == tokens
    # Together's DPO price, not the lower one of a usual training.
    assert quote.usd == pytest.approx(tokens * PRICE_PER_TOKEN * DPO_PRICE_FACTOR)


def test_a_file_mixing_examples_and_pairs_is_refused_at_the_line_that_changes(
    together: TogetherProvider, tmp_path: Path
) -> None:
    examples = write_dataset(tmp_path, examples=3).read_text(encoding="utf-8")
    pairs = write_pairs(tmp_path, pairs=2).read_text(encoding="utf-8")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(examples + pairs, encoding="utf-8")

    with pytest.raises(ProviderError) as caught:
        together.upload(mixed)

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert caught.value.line == 4
