"""OpenAIProvider driven through the real openai SDK over real HTTP, against the fake OpenAI
server on 127.0.0.1 (tests/fakes/openai_server.py), with faults injected on the wire."""

from __future__ import annotations

import base64
import json
import math
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    VALIDATING,
    Job,
    ProviderError,
    TrainingOptions,
)
from fineauthor.providers.openai import service as openai_provider
from fineauthor.providers.openai import uploads as openai_uploads
from fineauthor.providers.openai.metrics import _result_rows
from fineauthor.providers.openai.service import OpenAIProvider, sanitise_suffix
from fineauthor.providers.scrubbing import scrub as _scrub
from tests.fakes.openai_replies import error_body, masked
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-proj-fake-FineAuthor0123456789abcdefGHIJ"
MODEL = "gpt-4.1-mini-2025-04-14"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        yield fake


def make_provider(server: FakeOpenAI, **options: float) -> OpenAIProvider:
    return OpenAIProvider(KEY, base_url=server.url + "/v1", **options)  # type: ignore[arg-type]


@pytest.fixture
def provider(server: FakeOpenAI) -> OpenAIProvider:
    return make_provider(server, timeout=10)


def write_examples(path: Path, count: int, *, words: int = 40) -> Path:
    lines = []
    for n in range(count):
        messages = [
            {"role": "system", "content": "You are Outline Mageddon."},
            {"role": "user", "content": f"Scene {n}: the harbour at dusk."},
            {"role": "assistant", "content": " ".join(["salt"] * words) + f" {n}."},
        ]
        lines.append(json.dumps({"messages": messages}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    return write_examples(tmp_path / "examples.jsonl", 20)


@pytest.fixture
def big_examples(tmp_path: Path) -> Path:
    """About 2.5 MB: many reads of the SDK's 64 KiB chunks, and still quick on loopback."""
    return write_examples(tmp_path / "big.jsonl", 2000, words=200)


def run_to_end(provider: OpenAIProvider, job_id: str, limit: int = 30) -> list[Job]:
    """Poll like the watcher does until the job has ended; every answer, in order."""
    seen = [provider.get_job(job_id)]
    while not seen[-1].finished:
        assert len(seen) < limit, "the job never ended"
        seen.append(provider.get_job(job_id))
    return seen


def key_leaks(error: BaseException) -> list[str]:
    """Every way the key (or the masked form OpenAI echoes) could show in an error's text."""
    texts = [str(error), repr(error), *map(str, error.args)]
    texts += traceback.format_exception(error)
    secrets = [KEY, masked(KEY), KEY[-12:]]
    return [s for s in secrets if any(s in text for text in texts)]


# ----------------------------------------------------------------------------- uploads


def test_upload_reports_byte_progress_up_to_the_file_size(provider, server, big_examples):
    size = big_examples.stat().st_size
    seen: list[tuple[int, int]] = []

    uploaded = provider.upload(
        big_examples, filename="fineauthor-abc.jsonl", progress=lambda s, t: seen.append((s, t))
    )

    assert uploaded.filename == "fineauthor-abc.jsonl"
    assert uploaded.bytes == size
    assert server.file_contents[uploaded.id] == big_examples.read_bytes()
    assert server.files[uploaded.id]["purpose"] == "fine-tune"
    sent = [s for s, _ in seen]
    assert all(total == size for _, total in seen)
    assert sent == sorted(sent) and sent[0] == 0 and sent[-1] == size
    assert len(sent) > 10  # reported as the bytes went out, not once at the end


def test_cancel_stops_an_upload_part_way(provider, server, big_examples):
    size = big_examples.stat().st_size
    seen: list[int] = []

    with pytest.raises(ProviderError) as caught:
        provider.upload(
            big_examples,
            progress=lambda s, t: seen.append(s),
            cancelled=lambda: bool(seen) and seen[-1] > size // 4,
        )

    assert caught.value.kind == ProviderError.CANCELLED
    assert max(seen) < size
    assert server.files == {}  # the fake saw the body end early and kept nothing
    assert server.count("POST", "/v1/files", handled=True) == 0


def test_cancel_before_starting_sends_nothing(provider, server, examples):
    with pytest.raises(ProviderError) as caught:
        provider.upload(examples, cancelled=lambda: True)
    assert caught.value.kind == ProviderError.CANCELLED
    assert server.count() == 0


def test_a_large_file_goes_through_the_uploads_api_in_parts(
    provider, server, big_examples, monkeypatch
):
    monkeypatch.setattr(openai_uploads, "UPLOADS_API_THRESHOLD", 1_000_000)
    monkeypatch.setattr(openai_uploads, "UPLOAD_PART_SIZE", 512 * 1024)
    size = big_examples.stat().st_size
    seen: list[int] = []

    uploaded = provider.upload(big_examples, progress=lambda s, t: seen.append(s))

    assert server.count("POST", "/v1/files") == 0
    assert server.count("POST", "/v1/uploads") == 1
    assert server.count("POST", "/v1/uploads/{id}/parts") == math.ceil(size / (512 * 1024))
    assert server.count("POST", "/v1/uploads/{id}/complete") == 1
    assert server.file_contents[uploaded.id] == big_examples.read_bytes()
    assert seen == sorted(seen) and seen[-1] == size


def test_an_upload_retried_after_a_server_error_sends_the_whole_file(
    provider, server, big_examples
):
    server.fail_next(
        "POST", "/v1/files", status=500, json_body=error_body("oops", type="server_error")
    )
    uploaded = provider.upload(big_examples)
    assert server.count("POST", "/v1/files") == 2
    assert server.file_contents[uploaded.id] == big_examples.read_bytes()


def test_a_connection_reset_mid_upload_is_a_clean_network_error(provider, server, big_examples):
    server.fail_next("POST", "/v1/files", drop="mid_body", times=3)  # the first try and 2 retries

    with pytest.raises(ProviderError) as caught:
        provider.upload(big_examples)

    assert caught.value.kind == ProviderError.NETWORK
    assert "Nothing was lost" in str(caught.value)
    assert caught.value.__context__ is None  # no SDK exception rides along
    assert server.files == {}
    assert provider.upload(big_examples).bytes == big_examples.stat().st_size  # still works


def test_a_file_refused_names_the_line(provider, server, tmp_path):
    path = write_examples(tmp_path / "bad.jsonl", 5)
    lines = path.read_text().splitlines()
    lines[2] = '{"messages": [{"role": "user", "content": "unfinished'
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(ProviderError) as caught:
        provider.upload(path)

    assert caught.value.kind == ProviderError.FILE_REJECTED
    assert caught.value.line == 3
    assert "line 3" in str(caught.value).lower()


# ----------------------------------------------------------------------------- jobs


def test_create_sends_only_what_the_writer_set(provider, server, examples):
    file = provider.upload(examples)

    provider.create_job(MODEL, file.id, TrainingOptions(epochs=3, suffix="Outline Mageddon — v2!"))
    provider.create_job(MODEL, file.id, TrainingOptions())

    chosen, automatic = server.job_requests
    assert chosen == {
        "model": MODEL,
        "training_file": file.id,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3}}},
        "suffix": "outline-mageddon-v2",
    }
    assert automatic == {"model": MODEL, "training_file": file.id, "method": {"type": "supervised"}}


def test_a_job_progresses_to_success_with_its_model_id(provider, server, examples):
    file = provider.upload(examples)
    job = provider.create_job(MODEL, file.id, TrainingOptions(suffix="Outline Mageddon"))
    assert job.state == VALIDATING and job.provider == "openai"

    seen = run_to_end(provider, job.id)

    states = [j.state for j in seen]
    changes = [s for n, s in enumerate(states) if n == 0 or s != states[n - 1]]
    assert changes == [VALIDATING, QUEUED, RUNNING, SUCCEEDED]
    done = seen[-1]
    assert done.fine_tuned_model == f"ft:{MODEL}:fineauthor:outline-mageddon:{job.id[-10:]}"
    assert done.finished_at is not None and done.trained_tokens
    assert done.error_message is None


def test_events_arrive_incrementally_oldest_first_none_twice_none_missed(
    provider, server, examples, monkeypatch
):
    monkeypatch.setattr(openai_provider, "_PAGE_SIZE", 3)  # several pages per read
    server.total_steps = 10
    file = provider.upload(examples)
    job = provider.create_job(MODEL, file.id, TrainingOptions())

    received = []
    last: str | None = None
    state = job.state
    while state not in (SUCCEEDED, FAILED):
        state = provider.get_job(job.id).state
        new = provider.events(job.id, after=last)
        received += new
        last = new[-1].id if new else last

    ids = [event.id for event in received]
    assert ids == [event["id"] for event in server.jobs[job.id].events]  # all, in order
    assert len(set(ids)) == len(ids)
    assert [e.created_at for e in received] == sorted(e.created_at for e in received)
    assert provider.events(job.id, after=last) == []
    metrics = [e for e in received if e.kind == "metrics"]
    assert [e.data["step"] for e in metrics] == list(range(1, 11))


def test_metrics_by_step_from_events_then_the_result_file(provider, server, examples):
    server.metrics_event_every = 2  # events carry even steps only; the result CSV has all
    file = provider.upload(examples)
    validation = provider.upload(examples, filename="validation.jsonl")
    job = provider.create_job(MODEL, file.id, TrainingOptions(validation_file_id=validation.id))
    server.advance(job.id, looks=4)  # running, four steps done

    while_running = provider.metrics(job.id)
    assert [m.step for m in while_running] == [2, 4]
    assert all(m.train_loss is not None and m.valid_loss is not None for m in while_running)

    server.run_to_end(job.id)
    final = provider.metrics(job.id)
    again = provider.metrics(job.id)

    assert [m.step for m in final] == [1, 2, 3, 4, 5, 6]  # one per step, none repeated
    assert again == final
    rows = server.jobs[job.id].rows
    assert [m.train_loss for m in final] == [row["train_loss"] for row in rows]
    assert [m.valid_loss for m in final] == [row["valid_loss"] for row in rows]


def test_the_result_file_may_come_base64_encoded():
    text = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,0.5,0.7,,\n"
    assert _result_rows(base64.b64encode(text.encode())) == _result_rows(text.encode())
    assert _result_rows(text.encode())[0]["train_loss"] == "0.5"


def test_checkpoints_in_step_order(provider, server, examples):
    file = provider.upload(examples)
    job = provider.create_job(MODEL, file.id, TrainingOptions(suffix="hush"))
    server.run_to_end(job.id)

    checkpoints = provider.checkpoints(job.id)

    assert [c.step for c in checkpoints] == [3, 6]
    assert all(c.model.startswith(f"ft:{MODEL}:fineauthor:hush:") for c in checkpoints)
    assert all(c.train_loss is not None for c in checkpoints)


def test_cancel_a_running_job_and_again_once_it_has_ended(provider, server, examples):
    file = provider.upload(examples)
    job = provider.create_job(MODEL, file.id, TrainingOptions())
    server.advance(job.id, looks=2)

    cancelled = provider.cancel_job(job.id)
    again = provider.cancel_job(job.id)  # OpenAI refuses; the ended job is the answer

    assert cancelled.state == CANCELLED and cancelled.finished
    assert again.state == CANCELLED
    assert provider.get_job(job.id).state == CANCELLED


def test_list_jobs_newest_first(provider, server, examples):
    file = provider.upload(examples)
    made = [provider.create_job(MODEL, file.id, TrainingOptions()).id for _ in range(3)]
    assert [j.id for j in provider.list_jobs()] == made[::-1]
    assert [j.id for j in provider.list_jobs(limit=2)] == made[:0:-1]


def test_find_file_and_find_job_to_resume(provider, server, examples):
    provider.upload(examples, filename="fineauthor-1.jsonl")
    newer = provider.upload(examples, filename="fineauthor-1.jsonl")
    provider.upload(examples, filename="other.jsonl")
    first = provider.create_job(MODEL, newer.id, TrainingOptions())
    second = provider.create_job(MODEL, newer.id, TrainingOptions())

    assert provider.find_file("fineauthor-1.jsonl") == newer
    assert provider.find_file("never-sent.jsonl") is None
    found = provider.find_job(newer.id)
    assert found is not None and found.id == second.id != first.id
    assert provider.find_job("file-unknown") is None


def test_create_is_never_retried_even_when_the_answer_is_lost(provider, server, examples):
    file = provider.upload(examples)
    # The fake creates the job, then drops the connection without answering.
    server.fail_next("POST", "/v1/fine_tuning/jobs", drop="after_handler")

    with pytest.raises(ProviderError) as caught:
        provider.create_job(MODEL, file.id, TrainingOptions())

    assert caught.value.kind == ProviderError.NETWORK
    assert "safe" in str(caught.value)
    assert server.count("POST", "/v1/fine_tuning/jobs") == 1
    assert len(server.jobs) == 1
    found = provider.find_job(file.id)  # what resuming does before creating another
    assert found is not None and found.id == next(iter(server.jobs))


def test_a_failed_job_carries_the_providers_message(provider, server, examples):
    server.fail_next_job(
        "The job failed due to an invalid training file. Line 7: too many tokens.",
        code="invalid_training_file",
        param="training_file",
    )
    file = provider.upload(examples)
    job = provider.create_job(MODEL, file.id, TrainingOptions())

    done = run_to_end(provider, job.id)[-1]

    assert done.state == FAILED and done.fine_tuned_model is None
    assert done.error_message == (
        "The job failed due to an invalid training file. Line 7: too many tokens."
    )
    errors = [e for e in provider.events(job.id) if e.level == "error"]
    assert errors and "Line 7" in errors[-1].message


# ----------------------------------------------------------------------------- models, chat


def test_list_models_with_shutdown_dates(provider):
    models = {m.id: m for m in provider.list_models()}
    assert str(models[MODEL].shutdown_date) == "2027-01-14"
    assert models["gpt-5-mini"].shutdown_date is None
    assert models["gpt-4o-mini-2024-07-18"].owned_by == "system"


def test_chat_streams_the_reply_piece_by_piece(provider, server):
    pieces = list(
        provider.chat(MODEL, [{"role": "user", "content": "Open on the pier."}], max_tokens=50)
    )
    assert len(pieces) > 3
    assert "".join(pieces) == f"{MODEL} says: Open on the pier."
    sent = server.chat_requests[-1]
    assert sent["stream"] is True and sent["max_completion_tokens"] == 50


def test_chat_with_an_unknown_model(provider):
    with pytest.raises(ProviderError) as caught:
        list(provider.chat("ft:gone:org::x", [{"role": "user", "content": "Hello"}]))
    assert caught.value.kind == ProviderError.MODEL_UNAVAILABLE
    assert "ft:gone:org::x" in str(caught.value)


def test_check_key_is_one_cheap_call(provider, server):
    provider.check_key()
    assert [(r.method, r.path) for r in server.requests] == [("GET", "/v1/models")]
    assert server.requests[0].headers["authorization"] == "<redacted>"


# ----------------------------------------------------------------------------- retries, faults


def test_a_429_with_retry_after_is_waited_out_and_retried(provider, server, examples):
    file = provider.upload(examples)
    job = provider.create_job(MODEL, file.id, TrainingOptions())
    server.fail_next(
        "GET",
        "/v1/fine_tuning/jobs/{id}",
        status=429,
        headers={"Retry-After": "1"},
        json_body=error_body(
            "Rate limit reached for requests", type="requests", code="rate_limit_exceeded"
        ),
    )

    started = time.monotonic()
    assert provider.get_job(job.id).id == job.id
    assert time.monotonic() - started >= 0.9  # it honoured Retry-After
    assert server.count("GET", "/v1/fine_tuning/jobs/{id}") == 2


def test_a_lasting_429_is_rate_limited_with_the_wait(provider, server):
    server.fail_next(
        "GET",
        "/v1/models",
        times=3,
        status=429,
        headers={"Retry-After": "0.25"},
        json_body=error_body("Rate limit reached", type="requests", code="rate_limit_exceeded"),
    )
    with pytest.raises(ProviderError) as caught:
        provider.list_models()
    assert caught.value.kind == ProviderError.RATE_LIMITED
    assert caught.value.retry_after == 0.25
    assert server.count("GET", "/v1/models") == 3  # the first try and two retries


def test_a_500_is_retried(provider, server):
    server.fail_next(
        "GET", "/v1/models", status=500, json_body=error_body("boom", type="server_error")
    )
    assert provider.list_models()
    assert server.count("GET", "/v1/models") == 2


def test_a_lasting_500_is_server_trouble(server):
    provider = make_provider(server, max_retries=0)
    server.fail_next("GET", "/v1/models", status=503, body=b"<html>Service Unavailable</html>")
    with pytest.raises(ProviderError) as caught:
        provider.list_models()
    assert caught.value.kind == ProviderError.SERVER
    assert "html" not in str(caught.value).lower()


def test_a_slow_reply_beyond_the_timeout_is_a_network_problem(server):
    provider = make_provider(server, timeout=0.3, max_retries=0)
    server.fail_next("GET", "/v1/models", delay=3)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        provider.list_models()
    assert time.monotonic() - started < 2
    assert caught.value.kind == ProviderError.NETWORK
    assert "did not answer in time" in str(caught.value)


# ----------------------------------------------------------------------------- refusals


def test_an_account_refused_fine_tuning_hears_the_dates_and_where_to_go(provider, server, examples):
    server.fine_tuning_allowed = False
    file = provider.upload(examples)

    with pytest.raises(ProviderError) as caught:
        provider.create_job(MODEL, file.id, TrainingOptions())

    message = str(caught.value)
    assert caught.value.kind == ProviderError.NOT_ALLOWED
    for day in ("7 May 2026", "2 July 2026", "6 January 2027", "14 January 2027"):
        assert day in message
    assert "Together AI" in message


def test_a_revoked_key_is_auth_and_the_key_is_in_no_error_text(provider, server, examples):
    file = provider.upload(examples)
    server.api_key = "sk-proj-fake-new-key-000000000000"  # the writer's key was revoked

    problems = []
    for call in (
        provider.check_key,
        lambda: provider.create_job(MODEL, file.id, TrainingOptions()),
        lambda: provider.upload(examples),
        lambda: list(provider.chat(MODEL, [{"role": "user", "content": "Hi"}])),
    ):
        with pytest.raises(ProviderError) as caught:
            call()
        problems.append(caught.value)

    for problem in problems:
        assert problem.kind == ProviderError.AUTH
        assert "Incorrect API key" not in str(problem)  # OpenAI's text is not passed on
        assert key_leaks(problem) == []
        assert problem.__context__ is None and problem.__cause__ is None
    assert KEY not in repr(provider)


def test_no_credit_is_a_billing_problem(provider, server, examples):
    server.quota_exhausted = True
    file = provider.upload(examples)
    with pytest.raises(ProviderError) as caught:
        provider.create_job(MODEL, file.id, TrainingOptions())
    assert caught.value.kind == ProviderError.BILLING
    assert server.count("POST", "/v1/fine_tuning/jobs") == 1  # create is never retried


def test_a_model_not_offered_for_training(provider, server, examples):
    file = provider.upload(examples)
    with pytest.raises(ProviderError) as caught:
        provider.create_job("gpt-3.5-turbo-0125", file.id, TrainingOptions())
    assert caught.value.kind == ProviderError.MODEL_UNAVAILABLE
    assert "gpt-3.5-turbo-0125" in str(caught.value)


def test_a_setting_out_of_range_is_refused_with_the_reason(provider, server, examples):
    file = provider.upload(examples)
    server.fail_next(
        "POST",
        "/v1/fine_tuning/jobs",
        status=400,
        json_body=error_body("n_epochs must be at most 50.", param="method.supervised"),
    )
    with pytest.raises(ProviderError) as caught:
        provider.create_job(MODEL, file.id, TrainingOptions(epochs=99))
    assert caught.value.kind == ProviderError.REFUSED
    assert "n_epochs must be at most 50" in str(caught.value)


# ----------------------------------------------------------------------------- small pieces


def test_scrub_hides_anything_key_like():
    text = (
        f"Incorrect API key provided: {masked(KEY)}. Also {KEY}, Bearer abc.def, "
        "sk-abcdef1234567890, eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig "
        "and 0123456789abcdef0123456789abcdef; job ftjob-abc123 stays."
    )
    scrubbed = _scrub(text, KEY)
    for secret in (
        KEY,
        masked(KEY),
        KEY[-4:] + ".",
        "abc.def",
        "sk-abcdef",
        "eyJ",
        "0123456789abcdef0",
    ):
        assert secret not in scrubbed
    assert "ftjob-abc123 stays" in scrubbed
    assert _scrub("Model gpt-4.1-mini is not available.") == "Model gpt-4.1-mini is not available."


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("Outline Mageddon", "outline-mageddon"),
        ("Saltmarrow Hush — v2!", "saltmarrow-hush-v2"),
        ("Crème brûlée", "creme-brulee"),
        ("  --  ", None),
        ("", None),
        (None, None),
        ("x" * 63 + " tail", "x" * 63),
        ("a" * 100, "a" * 64),
    ],
)
def test_sanitise_suffix(name, suffix):
    assert sanitise_suffix(name) == suffix


def test_no_key_at_all():
    with pytest.raises(ProviderError) as caught:
        OpenAIProvider("  ")
    assert caught.value.kind == ProviderError.AUTH
