"""The Together AI provider over real HTTP against the fake Together API on 127.0.0.1: uploads,
jobs and their progress, the price estimate, models and chat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Job,
    JobEvent,
    ProviderError,
    TrainingOptions,
)
from fineauthor.providers.together.service import TogetherProvider
from tests.fakes.together_server import (
    CHAT_REPLY,
    LORA_RANK,
    PRICE_PER_TOKEN,
    TRAINABLE_MODELS,
    FakeTogetherServer,
)
from tests.integration.together.together_setup import KEY, MODEL, Sleeps, upload, write_dataset


def poll_until_finished(together: TogetherProvider, job_id: str) -> list[Job]:
    seen = []
    for _ in range(50):
        job = together.get_job(job_id)
        seen.append(job)
        if job.finished:
            return seen
    raise AssertionError("the job never finished")


# ---------------------------------------------------------------------- upload


def test_upload_streams_with_progress_and_never_sends_the_key_to_storage(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path, examples=400)  # ~ 0.5 MB: several chunks
    size = path.stat().st_size
    reports: list[tuple[int, int]] = []

    uploaded = together.upload(path, progress=lambda sent, total: reports.append((sent, total)))

    assert uploaded.filename == path.name
    assert uploaded.bytes == size
    assert server.files[uploaded.id].data == path.read_bytes()
    assert reports[0] == (0, size) and reports[-1] == (size, size)
    assert [s for s, _ in reports] == sorted(s for s, _ in reports) and len(reports) > 3
    # The three steps: ask for an address (form fields), PUT the bytes, have them checked.
    (ask,) = [r for r in server.requests if r.path == "/v1/files" and r.method == "POST"]
    assert ask.headers["content-type"].startswith("application/x-www-form-urlencoded")
    (put,) = server.storage.requests
    assert put.method == "PUT" and put.body_size == size
    assert "authorization" not in put.headers  # the signed address is the permission
    assert put.headers["content-length"] == str(size)  # storage refuses chunked uploads
    assert server.count("POST", "/v1/files/{file_id}/preprocess") == 1


def test_upload_stops_when_cancelled_and_leaves_nothing_to_resume_from(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path, examples=800)
    reports: list[int] = []

    with pytest.raises(ProviderError) as caught:
        together.upload(
            path,
            progress=lambda sent, total: reports.append(sent),
            cancelled=lambda: len(reports) > 3,
        )

    assert caught.value.kind == ProviderError.CANCELLED
    assert max(reports) < path.stat().st_size
    assert server.count("POST", "/v1/files/{file_id}/preprocess") == 0
    assert together.find_file(path.name) is None  # the half-made file was removed


def test_connection_reset_mid_upload_is_a_clean_network_error(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path, examples=800)
    server.storage.fail_next("PUT", "/upload/{file_id}", drop="mid_body")

    with pytest.raises(ProviderError) as caught:
        together.upload(path)

    assert caught.value.kind == ProviderError.NETWORK
    assert "upload" in str(caught.value) and "Nothing is lost" in str(caught.value)
    assert together.find_file(path.name) is None
    # And the next try goes through.
    assert together.upload(path).bytes == path.stat().st_size


def test_a_rejected_file_names_the_line_and_the_reason(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path)
    lines = path.read_text().splitlines()
    lines[2] = json.dumps({"messages": [{"content": "who is speaking?"}]})
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(ProviderError) as caught:
        together.upload(path)

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert caught.value.line == 3
    assert "line 3" in str(caught.value) and "role field" in str(caught.value)
    assert together.find_file(path.name) is None  # a rejected file is no use for resuming


# ---------------------------------------------------------------------- jobs


def test_create_sends_lora_by_default_and_only_the_settings_given(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)

    job = together.create_job(MODEL, file_id, TrainingOptions(suffix="saltmarrow"))
    together.create_job(
        MODEL, file_id, TrainingOptions(epochs=3, batch_size=16, learning_rate_multiplier=2.0)
    )
    together.create_job(MODEL, file_id, TrainingOptions(lora=False))

    lora, tuned, full = server.create_bodies
    assert lora == {
        "model": MODEL,
        "training_file": file_id,
        "training_type": {
            "type": "Lora",
            "lora_r": LORA_RANK,
            "lora_alpha": 2 * LORA_RANK,
            "lora_dropout": 0.0,
            "lora_trainable_modules": "all-linear",
        },
        "suffix": "saltmarrow",
    }
    assert tuned["n_epochs"] == 3 and tuned["batch_size"] == 16
    assert tuned["learning_rate"] == pytest.approx(2e-5)
    assert "suffix" not in tuned and "validation_file" not in tuned
    assert full["training_type"] == {"type": "Full"}
    assert job.state == QUEUED and job.status == "pending" and job.model == MODEL
    assert job.training_file == file_id and job.fine_tuned_model is None


def test_a_job_goes_from_pending_to_completed_with_its_model(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    job = together.create_job(MODEL, file_id, TrainingOptions(suffix="hush"))

    seen = poll_until_finished(together, job.id)

    statuses = [j.status for j in seen]
    assert statuses[:2] == ["queued", "running"]
    assert statuses[-3:] == ["compressing", "uploading", "completed"]
    assert [j.state for j in seen][-1] == SUCCEEDED
    final = seen[-1]
    assert final.fine_tuned_model == server.jobs[job.id].output_name
    assert final.fine_tuned_model.startswith("novelist/Meta-Llama-3.1-8B-Instruct-Reference-hush")
    assert all(j.fine_tuned_model is None for j in seen[:-1])
    assert any(j.estimated_finish is not None for j in seen if j.state == RUNNING)
    assert final.finished_at is not None and final.created_at is not None


def test_events_arrive_incrementally_oldest_first_none_twice_none_missed(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    job = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    collected: list[JobEvent] = []
    last: str | None = None
    for _ in range(30):
        state = together.get_job(job.id)
        fresh = together.events(job.id, after=last)
        collected.extend(fresh)
        if fresh:
            last = fresh[-1].id
        if state.finished:
            break
    collected.extend(together.events(job.id, after=last))  # nothing new after the end

    everything = together.events(job.id)
    assert [e.id for e in collected] == [e.id for e in everything]
    assert len({e.id for e in collected}) == len(collected) == len(server.jobs[job.id].events)
    assert [e.created_at for e in collected] == sorted(e.created_at for e in collected)
    assert collected[-1].message.startswith("Job finished")
    assert together.events(job.id, after=everything[-1].id) == []
    # A marker Together no longer lists (a trimmed list): go by its time, repeat nothing.
    gone = everything[2].created_at.isoformat() + "#000000000000"
    assert [e.id for e in together.events(job.id, after=gone)] == [e.id for e in everything[3:]]


def test_metrics_one_point_per_step_with_validation_loss(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    validation = together.upload(write_dataset(tmp_path / "..", examples=4), filename="val.jsonl")
    job = together.create_job(MODEL, file_id, TrainingOptions(validation_file_id=validation.id))
    assert server.create_bodies[-1]["validation_file"] == validation.id
    assert server.create_bodies[-1]["n_evals"] > 0  # else Together would ignore the file

    partial = []
    for _ in range(4):  # part way: the steps so far
        together.get_job(job.id)
        partial = together.metrics(job.id)
    poll_until_finished(together, job.id)
    points = together.metrics(job.id)

    steps = [p.step for p in points]
    assert steps == list(range(1, server.steps_per_job + 1))  # one each, in order
    assert [p.step for p in partial] == steps[: len(partial)] and 0 < len(partial) < len(steps)
    assert points[0].train_loss == pytest.approx(2.0)
    assert points[1].valid_loss == pytest.approx(1.1)
    # Training and evaluation rows of the same step were two objects on the wire.
    assert len(server.jobs[job.id].metrics) == 2 * len(points)


def test_checkpoints_name_models_that_can_be_used(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    job = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    final = poll_until_finished(together, job.id)[-1]

    checkpoints = together.checkpoints(job.id)

    assert [c.step for c in checkpoints] == [2, 4]
    assert checkpoints[0].model == f"{job.id}:2"
    assert checkpoints[-1].model == final.fine_tuned_model
    assert checkpoints[0].train_loss == pytest.approx(1.0)


def test_cancel_waits_for_together_to_confirm(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    job = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    together.get_job(job.id)
    together.get_job(job.id)

    asked = together.cancel_job(job.id)
    assert asked.status == "cancel_requested" and not asked.finished  # not over yet

    done = together.get_job(job.id)
    assert done.state == CANCELLED and done.finished and done.fine_tuned_model is None


def test_a_failed_job_carries_togethers_message(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    server.fail_next_job = (
        f"Example on line 7 is longer than the model's context length. (key {KEY})"
    )
    job = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())

    final = poll_until_finished(together, job.id)[-1]

    assert final.state == FAILED and final.status == "error"
    assert final.error_message is not None
    assert final.error_message.startswith("Example on line 7 is longer")
    assert KEY not in final.error_message  # scrubbed on the way through
    assert all(KEY not in e.message for e in together.events(job.id))
    listed = together.list_jobs()[0]  # the list carries no events: the reason is looked up
    assert listed.id == job.id and listed.error_message == final.error_message


def test_find_file_and_find_job_let_a_train_resume(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path)
    assert together.find_file(path.name) is None
    uploaded = together.upload(path)
    other = together.upload(write_dataset(tmp_path / ".."), filename="other.jsonl")
    assert together.find_job(uploaded.id) is None

    first = together.create_job(MODEL, uploaded.id, TrainingOptions())
    together.create_job(MODEL, other.id, TrainingOptions())
    newest = together.create_job(MODEL, uploaded.id, TrainingOptions())

    found_file = together.find_file(path.name)
    assert found_file is not None and found_file.id == uploaded.id
    found_job = together.find_job(uploaded.id)
    assert found_job is not None and found_job.id == newest.id != first.id
    jobs = together.list_jobs()
    assert jobs[0].id == newest.id and len(jobs) == 3
    assert len(together.list_jobs(limit=2)) == 2


def test_job_creation_is_never_retried_after_a_dropped_connection(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path, sleeps: Sleeps
) -> None:
    file_id = upload(together, tmp_path)
    server.fail_next("POST", "/v1/fine-tunes", drop="after_handler")

    with pytest.raises(ProviderError) as caught:
        together.create_job(MODEL, file_id, TrainingOptions())

    assert caught.value.kind == ProviderError.NETWORK
    assert "cannot tell yet whether the training started" in str(caught.value)
    assert server.count("POST", "/v1/fine-tunes") == 1  # exactly one request, no retry
    assert len(server.jobs) == 1
    resumed = together.find_job(file_id)
    assert resumed is not None and resumed.id == next(iter(server.jobs))


def test_job_creation_is_not_retried_after_a_server_error(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    server.fail_next("POST", "/v1/fine-tunes", status=503, json_body={"error": {"message": "x"}})

    with pytest.raises(ProviderError) as caught:
        together.create_job(MODEL, file_id, TrainingOptions())

    assert caught.value.kind == ProviderError.SERVER
    assert server.count("POST", "/v1/fine-tunes") == 1 and not server.jobs


# ---------------------------------------------------------------------- price, models, chat


def test_price_estimate(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    path = write_dataset(tmp_path)
    file_id = together.upload(path).id

    estimate = together.estimate_price(MODEL, file_id, TrainingOptions(epochs=3))

    tokens = path.stat().st_size // 4 * 3
    assert estimate is not None
    assert estimate.billed_tokens == tokens
    assert estimate.usd == pytest.approx(tokens * PRICE_PER_TOKEN)
    body = server.estimate_bodies[-1]
    assert body["n_epochs"] == 3 and body["training_type"]["type"] == "Lora"

    server.fail_next(
        "POST",
        "/v1/fine-tunes/estimate-price",
        status=200,
        json_body={"estimation_available": False, "unavailable_reason": "new model"},
    )
    assert together.estimate_price(MODEL, file_id, TrainingOptions()) is None


def test_models_offered_for_training(together: TogetherProvider) -> None:
    models = together.list_models()
    assert [m.id for m in models] == list(TRAINABLE_MODELS)
    assert models[1].owned_by == "Qwen"


def test_chat_streams_piece_by_piece(
    server: FakeTogetherServer, together: TogetherProvider
) -> None:
    pieces = list(
        together.chat(MODEL, [{"role": "user", "content": "The harbour?"}], max_tokens=50)
    )

    assert len(pieces) > 5 and "".join(pieces) == CHAT_REPLY
    body = server.chat_bodies[-1]
    assert body["stream"] is True and body["max_tokens"] == 50 and body["model"] == MODEL


def test_chat_with_a_model_not_served(together: TogetherProvider) -> None:
    with pytest.raises(ProviderError) as caught:
        together.chat("novelist/not-there", [{"role": "user", "content": "Hi"}])
    assert caught.value.kind == ProviderError.MODEL_UNAVAILABLE


def test_check_key(server: FakeTogetherServer, together: TogetherProvider) -> None:
    together.check_key()
    assert server.count("GET", "/v1/fine-tunes", handled=True) == 1
