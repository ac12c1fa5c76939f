"""The Fireworks provider over real HTTP against the fake Fireworks API on 127.0.0.1: datasets
(both ways of uploading), jobs and their states, the trained model's name, LoRA by default, and
chat through the openai SDK."""

from __future__ import annotations

from pathlib import Path

import pytest

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    VALIDATING,
    ProviderError,
    TrainingOptions,
)
from fineauthor.providers.fireworks.records import STATE_STATES, plain_status
from fineauthor.providers.fireworks.service import LORA_RANK, FireworksProvider
from tests.fakes.fireworks_server import CHAT_REPLY, FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import (
    ACCOUNT,
    KEY,
    MODEL,
    Sleeps,
    poll_until_finished,
    write_dataset,
)

# ---------------------------------------------------------------------- datasets


def test_a_small_file_goes_up_in_one_multipart_request_with_progress(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path, examples=300)  # several chunks
    size = path.stat().st_size
    reports: list[tuple[int, int]] = []

    uploaded = fireworks.upload(path, progress=lambda sent, total: reports.append((sent, total)))

    assert uploaded.id == f"accounts/{ACCOUNT}/datasets/fineauthor-0a1b2c3d"
    assert uploaded.filename == path.name and uploaded.bytes == size
    stored = server.datasets["fineauthor-0a1b2c3d"]
    assert stored.data == path.read_bytes() and stored.state == "READY"
    assert stored.example_count == "300"
    assert reports[0] == (0, size) and reports[-1] == (size, size) and len(reports) > 3
    assert server.count("POST", "/v1/accounts/{a}/datasets/{d}:upload") == 1
    assert server.count("POST", "/v1/accounts/{a}/datasets/{d}:getUploadEndpoint") == 0
    assert server.storage.requests == []


def test_a_large_file_goes_to_a_signed_address_without_the_key_then_is_validated(
    server: FakeFireworksServer, sleeps: Sleeps, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path, examples=50)
    size = path.stat().st_size
    with FireworksProvider(
        KEY, ACCOUNT, base_url=server.base_url, sleep=sleeps, direct_upload_limit=1024
    ) as fireworks:
        uploaded = fireworks.upload(path)

    assert server.datasets["fineauthor-0a1b2c3d"].state == "READY"
    assert uploaded.bytes == size
    (put,) = server.storage.requests
    assert put.method == "PUT" and put.body_size == size
    assert "authorization" not in put.headers  # the signature is the permission, not the key
    assert put.headers["content-length"] == str(size)
    assert server.count("POST", "/v1/accounts/{a}/datasets/{d}:validateUpload") == 1
    assert server.count("POST", "/v1/accounts/{a}/datasets/{d}:upload") == 0


def test_an_earlier_upload_is_found_by_its_name_with_its_size(
    fireworks: FireworksProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path)
    assert fireworks.find_file(path.name) is None

    sent = fireworks.upload(path)
    found = fireworks.find_file(path.name)

    assert found == sent  # same dataset, same byte count: resuming needs no second upload


def test_a_half_finished_upload_is_not_taken_for_a_finished_one_and_is_filled_again(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path)
    server.fail_next(
        "POST",
        "/v1/accounts/{a}/datasets/{d}:upload",
        status=400,
        json_body={"code": 3, "message": "upload interrupted"},
    )
    with pytest.raises(ProviderError):
        fireworks.upload(path)
    assert fireworks.find_file(path.name) is None

    uploaded = fireworks.upload(path)

    assert server.datasets["fineauthor-0a1b2c3d"].state == "READY"
    assert server.count("POST", "/v1/accounts/{a}/datasets") == 1  # the same dataset, refilled
    assert fireworks.find_file(path.name) == uploaded


def test_a_refused_dataset_names_its_line(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    server.reject_line = (4, "role must be one of system, user or assistant")

    with pytest.raises(ProviderError) as caught:
        fireworks.upload(write_dataset(tmp_path))

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert caught.value.line == 4
    assert "line 4" in str(caught.value) and "Fix the example" in str(caught.value)


# ---------------------------------------------------------------------- jobs


def test_a_job_is_lora_by_default_and_ends_with_the_trained_models_full_name(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id

    job = fireworks.create_job(MODEL, dataset, TrainingOptions())
    seen = poll_until_finished(fireworks, job.id)

    (body,) = server.create_bodies
    assert body["dataset"] == dataset and body["baseModel"] == MODEL
    assert body["loraRank"] == LORA_RANK  # a LoRA add-on, not a full fine-tune
    assert "epochs" not in body  # Fireworks' own default unless the writer sets one
    assert job.state == QUEUED and job.model == MODEL and job.training_file == dataset
    assert [j.state for j in seen] == [VALIDATING, RUNNING, RUNNING, SUCCEEDED]
    assert seen[-1].fine_tuned_model == f"accounts/{ACCOUNT}/models/{job.id}"
    assert seen[-1].status == "completed" and seen[-1].finished_at is not None


def test_the_writers_settings_and_suffix_reach_the_job(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id
    options = TrainingOptions(epochs=4, learning_rate_multiplier=2.0, suffix="Saltmarrow Voice")

    job = fireworks.create_job(MODEL, dataset, options)
    done = poll_until_finished(fireworks, job.id)[-1]

    (body,) = server.create_bodies
    assert body["epochs"] == 4 and body["learningRate"] == pytest.approx(2e-4)
    assert body["outputModel"].startswith("saltmarrow-voice-")
    assert done.fine_tuned_model == f"accounts/{ACCOUNT}/models/{body['outputModel']}"


def test_a_full_fine_tune_is_refused_in_plain_words_before_anything_is_sent(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id

    with pytest.raises(ProviderError) as caught:
        fireworks.create_job(MODEL, dataset, TrainingOptions(lora=False))

    assert "LoRA" in str(caught.value)
    assert server.create_bodies == []


def test_jobs_are_listed_newest_first_across_pages_and_found_by_their_dataset(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    first = fireworks.upload(write_dataset(tmp_path, name="fineauthor-aaaa.jsonl")).id
    second = fireworks.upload(write_dataset(tmp_path, name="fineauthor-bbbb.jsonl")).id
    made = [fireworks.create_job(MODEL, d, TrainingOptions()) for d in (first, second, first)]

    listed = fireworks.list_jobs()

    assert [j.id for j in listed] == [made[2].id, made[1].id, made[0].id]  # 2 pages of 2
    assert fireworks.find_job(first).id == made[2].id  # the newest on that dataset
    assert fireworks.find_job(second).id == made[1].id
    assert fireworks.find_job(f"accounts/{ACCOUNT}/datasets/never-sent") is None
    assert fireworks.list_jobs(limit=1) == listed[:1]


def test_cancel_stops_the_job(fireworks: FireworksProvider, tmp_path: Path) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id
    job = fireworks.create_job(MODEL, dataset, TrainingOptions())

    stopping = fireworks.cancel_job(job.id)
    after = fireworks.get_job(job.id)

    assert stopping.state in (RUNNING, CANCELLED)
    assert after.state == CANCELLED and after.fine_tuned_model is None


def test_a_failed_job_says_which_line_of_the_examples_was_the_trouble(
    server: FakeFireworksServer, fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id
    server.fail_next_job = "Line 7: the assistant message is longer than maxContextLength"
    job = fireworks.create_job(MODEL, dataset, TrainingOptions())

    ended = poll_until_finished(fireworks, job.id)[-1]
    events = fireworks.events(job.id)

    assert ended.state == FAILED and ended.fine_tuned_model is None
    assert "line 7 of the training file" in (ended.error_message or "")
    assert "longer than maxContextLength" in (ended.error_message or "")
    assert events[-1].level == "error" and "line 7" in events[-1].message


def test_each_state_reached_is_told_once_in_plain_words(
    fireworks: FireworksProvider, tmp_path: Path
) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id
    job = fireworks.create_job(MODEL, dataset, TrainingOptions())
    told: list[str] = []
    last: str | None = None
    for _ in range(6):
        new = fireworks.events(job.id, after=last)
        if new:
            last = new[-1].id
            told.extend(e.message for e in new)
        fireworks.events(job.id, after=last)  # asked again at once: nothing new

    assert told[0] == "Fireworks is checking your examples."
    assert told[-1] == "Training finished. The trained model is ready."
    assert len(told) == len(set(told))  # no state told twice


def test_every_fireworks_state_has_a_finishing_rule_and_plain_words() -> None:
    for word, state in STATE_STATES.items():
        assert state in (QUEUED, VALIDATING, RUNNING, SUCCEEDED, FAILED, CANCELLED, "paused")
        assert "JOB_STATE" not in plain_status(word)
    assert STATE_STATES["JOB_STATE_CANCELLING"] == RUNNING  # not over until it is cancelled
    assert STATE_STATES["JOB_STATE_EARLY_STOPPED"] == SUCCEEDED
    assert "new_word" in plain_status("JOB_STATE_NEW_WORD")


# ---------------------------------------------------------------------- account, models, chat


def test_the_key_check_asks_for_the_account_itself(
    server: FakeFireworksServer, fireworks: FireworksProvider
) -> None:
    fireworks.check_key()

    assert server.count("GET", f"/v1/accounts/{ACCOUNT}") == 1


def test_trained_models_are_listed(fireworks: FireworksProvider, tmp_path: Path) -> None:
    dataset = fireworks.upload(write_dataset(tmp_path)).id
    job = fireworks.create_job(MODEL, dataset, TrainingOptions())
    trained = poll_until_finished(fireworks, job.id)[-1].fine_tuned_model

    assert [m.id for m in fireworks.list_models()] == [trained]


def test_chat_streams_through_the_openai_sdk_at_the_inference_address(
    server: FakeFireworksServer, fireworks: FireworksProvider
) -> None:
    messages = [{"role": "user", "content": "Describe the press at night."}]

    reply = "".join(fireworks.chat(MODEL, messages, temperature=0.7, max_tokens=200))

    assert reply == CHAT_REPLY
    (body,) = server.chat_bodies
    assert body["model"] == MODEL and body["stream"] is True and body["max_tokens"] == 200


def test_chat_with_a_model_that_is_not_running_says_it_needs_a_deployment(
    fireworks: FireworksProvider,
) -> None:
    with pytest.raises(ProviderError) as caught:
        fireworks.chat(
            f"accounts/{ACCOUNT}/models/not-deployed", [{"role": "user", "content": "Hi"}]
        )

    assert caught.value.kind == ProviderError.MODEL_UNAVAILABLE
    assert "deployment" in str(caught.value)
