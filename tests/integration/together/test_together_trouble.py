"""The Together AI provider in trouble, over real HTTP against the fake Together API on
127.0.0.1: retries and backoff, timeouts, refused keys, no credit, untrainable models, and no key
in any error text. Waits between retries go through an injected ``sleep`` that records them (the
provider's timing decisions are checked, the test does not sit through them); timeouts and
dropped connections are real."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from fineauthor.providers.base import CANCELLED, FAILED, SUCCEEDED, ProviderError, TrainingOptions
from fineauthor.providers.scrubbing import scrub
from fineauthor.providers.together.records import STATUS_STATES
from fineauthor.providers.together.service import TogetherProvider
from tests.fakes.together_server import FakeTogetherServer
from tests.integration.together.together_setup import KEY, MODEL, Sleeps, upload, write_dataset


def assert_no_key(error: BaseException) -> None:
    texts = [str(error), repr(error), *(str(a) for a in error.args)]
    texts.append("".join(traceback.format_exception(error)))  # what a log would keep
    assert all(KEY not in text for text in texts)


# ---------------------------------------------------------------------- trouble


def test_429_is_retried_after_retry_after_then_succeeds(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path, sleeps: Sleeps
) -> None:
    job = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    server.fail_next(
        "GET",
        "/v1/fine-tunes/{job_id}",
        status=429,
        headers={"Retry-After": "3"},
        json_body={"error": {"message": "rate limit"}},
    )

    assert together.get_job(job.id).id == job.id
    assert sleeps == [3.0]


def test_persistent_429_is_rate_limited_with_retry_after(
    server: FakeTogetherServer, together: TogetherProvider, sleeps: Sleeps
) -> None:
    server.fail_next("GET", "/v1/fine-tunes", times=3, status=429, headers={"Retry-After": "7"})

    with pytest.raises(ProviderError) as caught:
        together.list_jobs()

    assert caught.value.kind == ProviderError.RATE_LIMITED
    assert caught.value.retry_after == 7.0
    assert "7 seconds" in str(caught.value)
    assert sleeps == [7.0, 7.0]  # max_retries=2: three tries in all


def test_a_long_retry_after_is_not_waited_out_in_the_app(
    server: FakeTogetherServer, together: TogetherProvider, sleeps: Sleeps
) -> None:
    server.fail_next("GET", "/v1/fine-tunes", status=429, headers={"Retry-After": "600"})

    with pytest.raises(ProviderError) as caught:
        together.list_jobs()

    assert caught.value.kind == ProviderError.RATE_LIMITED and caught.value.retry_after == 600
    assert sleeps == []


def test_500_is_retried_for_reads(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path, sleeps: Sleeps
) -> None:
    job = together.create_job(MODEL, upload(together, tmp_path), TrainingOptions())
    server.fail_next("GET", "/v1/fine-tunes/{job_id}/events", times=2, status=500)
    server.fail_next("GET", "/v1/fine-tunes/{job_id}/metrics", drop="before_body")

    assert together.events(job.id)
    assert together.metrics(job.id) == []
    assert len(sleeps) == 3 and all(0 < s <= 8 for s in sleeps)
    assert sleeps[1] > sleeps[0] * 1.2  # backing off

    server.fail_next("GET", "/v1/fine-tunes/{job_id}", times=3, status=502)
    with pytest.raises(ProviderError) as caught:
        together.get_job(job.id)
    assert caught.value.kind == ProviderError.SERVER and "Nothing is lost" in str(caught.value)


def test_a_slow_reply_beyond_the_timeout_is_a_network_error(
    server: FakeTogetherServer, tmp_path: Path
) -> None:
    impatient = TogetherProvider(KEY, base_url=server.base_url, timeout=0.4, sleep=Sleeps())
    server.fail_next("GET", "/v1/fine-tunes", delay=1.5)

    with pytest.raises(ProviderError) as caught:
        impatient.list_jobs()

    assert caught.value.kind == ProviderError.NETWORK
    assert "took too long" in str(caught.value)
    # Not retried: only the first request was slow, so a retry would have succeeded.
    impatient.close()


def test_no_server_at_all_is_a_network_error(sleeps: Sleeps) -> None:
    with FakeTogetherServer() as gone:
        address = gone.base_url
    provider = TogetherProvider(KEY, base_url=address, timeout=2.0, sleep=sleeps)
    with pytest.raises(ProviderError) as caught:
        provider.check_key()
    assert caught.value.kind == ProviderError.NETWORK and "Nothing is lost" in str(caught.value)
    assert len(sleeps) == 2  # connection refused is retried like a dropped line


def test_a_revoked_key_is_auth_and_the_key_is_in_no_error_text(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    server.api_key = "tgp_v1_the-new-key-after-revoking-0000"  # ours no longer works

    errors = []
    for call in (
        together.check_key,
        lambda: together.create_job(MODEL, file_id, TrainingOptions()),
        lambda: together.upload(write_dataset(tmp_path)),
        lambda: list(together.chat(MODEL, [{"role": "user", "content": "Hi"}])),
    ):
        with pytest.raises(ProviderError) as caught:
            call()
        errors.append(caught.value)

    assert [e.kind for e in errors] == [ProviderError.AUTH] * 4
    assert "Settings → Accounts" in str(errors[0])
    for error in errors:
        assert_no_key(error)
    assert KEY not in repr(together)

    pasted_badly = KEY + "\u200b"  # an invisible character copied along with the key
    with pytest.raises(ProviderError) as caught:
        TogetherProvider(pasted_badly, base_url=server.base_url)
    assert caught.value.kind == ProviderError.AUTH and KEY not in str(caught.value)


def test_no_credit_is_a_billing_error(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    server.no_credit = True

    with pytest.raises(ProviderError) as estimate:
        together.estimate_price(MODEL, file_id, TrainingOptions())
    with pytest.raises(ProviderError) as create:
        together.create_job(MODEL, file_id, TrainingOptions())

    assert estimate.value.kind == create.value.kind == ProviderError.BILLING
    assert "$" in str(estimate.value) and "Add credit" in str(estimate.value)
    assert "Insufficient balance" in str(create.value)
    assert not server.jobs


def test_a_model_not_offered_for_fine_tuning(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    untrainable = "acme/Storyteller-405B"

    for call in (together.create_job, together.estimate_price):
        with pytest.raises(ProviderError) as caught:
            call(untrainable, file_id, TrainingOptions())
        assert caught.value.kind == ProviderError.MODEL_UNAVAILABLE
        assert untrainable in str(caught.value)
    assert not server.create_bodies  # refused before anything was asked to start


def test_key_like_text_from_together_is_scrubbed(
    server: FakeTogetherServer, together: TogetherProvider, tmp_path: Path
) -> None:
    file_id = upload(together, tmp_path)
    server.fail_next(
        "POST",
        "/v1/fine-tunes",
        status=400,
        json_body={"error": {"message": f"batch_size too large for key {KEY} (max 32)"}},
    )

    with pytest.raises(ProviderError) as caught:
        together.create_job(MODEL, file_id, TrainingOptions(batch_size=999))

    assert caught.value.kind == ProviderError.REFUSED  # a setting out of range
    assert_no_key(caught.value)
    assert "batch_size too large" in str(caught.value) and "[hidden]" in str(caught.value)
    assert scrub(f"Authorization: Bearer {KEY}") == "Authorization: [hidden]"
    assert KEY not in scrub(f"x {KEY} y") and "0" * 64 not in scrub("k=" + "0" * 64)
    assert scrub("odd", secret="odd") == "[hidden]"


def test_every_together_status_has_a_state() -> None:
    documented = (
        "pending queued running compressing uploading cancel_requested cancelled error "
        "user_error completed"
    ).split()
    assert set(STATUS_STATES) == set(documented)
    assert {STATUS_STATES[s] for s in ("completed", "error", "cancelled")} == {
        SUCCEEDED,
        FAILED,
        CANCELLED,
    }
