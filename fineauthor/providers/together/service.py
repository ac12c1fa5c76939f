"""Together AI: upload, LoRA fine-tuning, watching and chat through Together's REST API.

Talks HTTP with ``httpx2`` (which the openai SDK already brings); Together's own SDK is not a
dependency. Every method implements :class:`fineauthor.providers.base.Provider`.

Endpoint shapes, and where they were confirmed (stored copies, read in late 2026):

- Upload, three steps, as Together's official Python client does it
  (``togethercomputer/together-python`` ``src/together/filemanager.py`` ``UploadManager`` and
  ``togethercomputer/together-py`` ``src/together/lib/resources/files.py``):
  ``POST /files`` with the form fields ``purpose=fine-tune``, ``file_name``, ``file_type=jsonl``
  and no redirect following → ``302`` with ``Location`` (a pre-signed storage address) and
  ``X-Together-File-Id``; ``PUT <Location>`` with the raw file bytes (no API key: the signed
  address is the permission); then ``POST /files/{id}/preprocess`` → the file object
  (``id``, ``filename``, ``bytes``, ``Processed``, ``LineCount``, …). A ``401`` on the first step
  is, per that client, also what an account without credit gets. Together's API reference
  also lists a one-step multipart ``POST /files/upload`` (docs.together.ai/reference/upload-file);
  we use the redirect-and-PUT flow because the official client does and because a raw PUT
  body can be streamed from a generator that counts bytes and stops on cancel.
  Since June 2026 the file object may carry ``processing_status`` (``COMPLETED``,
  ``INVALID_FORMAT``, ``FAILED``) and ``validation_report`` with reasons such as
  "Line 7: messages[1] must contain a role field" (docs.together.ai changelog, 2026-06-08).
- ``GET /files`` → ``{"data": [file, …]}`` (together-python ``resources/files.py``).
- ``GET /fine-tunes/models/limits?model_name=M`` → ``lora_training`` (``default_rank``,
  ``max_rank``), ``full_training`` (or null) (together-py ``types/finetune_model_limits.py``,
  ``lib/resources/fine_tuning.py``). The official client reads it to fill the LoRA rank; so
  do we, and an unknown or untrainable model is found out here.
- ``POST /fine-tunes`` with ``model``, ``training_file``, ``training_type``
  (``{"type": "Lora", "lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules"}`` or
  ``{"type": "Full"}``), optional ``n_epochs``, ``learning_rate``, ``batch_size``, ``suffix``
  (≤ 40 characters), ``validation_file`` with ``n_evals`` → the job
  (together-py ``resources/fine_tuning.py`` ``create``; ``lib/resources/fine_tuning.py``).
- ``GET /fine-tunes`` → ``{"data": [job, …]}``; ``GET /fine-tunes/{id}`` → the job;
  ``POST /fine-tunes/{id}/cancel`` → the job. A job has ``id``, ``status`` (``pending``,
  ``queued``, ``running``, ``compressing``, ``uploading``, ``cancel_requested``, ``cancelled``,
  ``error``, ``user_error``, ``completed``), ``model``, ``training_file``,
  ``model_output_name`` (older: ``output_name``), ``created_at``, ``updated_at``,
  ``token_count``, ``progress`` (``estimate_available``, ``seconds_remaining``), ``events``
  (together-py ``types/finetune_response.py``; together-python ``types/finetune.py``).
- ``GET /fine-tunes/{id}/events`` → ``{"data": [event, …]}``; an event has ``created_at``,
  ``level``, ``message``, ``type``, ``step``, ``hash`` and *no id* (together-py
  ``types/fine_tune_event.py``), so we derive one from its content.
- ``GET /fine-tunes/{id}/metrics`` → ``{"metrics": [{"train/loss": …,
  "train/global_step": …}, …]}`` in time order, training and evaluation steps as separate
  objects (docs.together.ai/reference/get-fine-tunes-id-metrics, changelog 2026-06-01,
  together-py ``lib/cli/components/plot_finetune_metrics.py``).
- ``GET /fine-tunes/{id}/checkpoints`` → ``{"data": [{"checkpoint_type", "created_at", "path",
  "step", "object_name"?}, …]}``; an intermediate checkpoint is named ``{job id}:{step}``
  (together-py ``types/fine_tuning_list_checkpoints_response.py``,
  ``lib/cli/api/fine_tuning/list_checkpoints.py``).
- ``POST /fine-tunes/estimate-price`` with ``training_file``, ``model``, ``n_epochs``,
  ``training_type``, ``validation_file``, ``n_evals`` → ``estimation_available``,
  ``estimated_total_price`` (dollars), ``estimated_train_token_count``,
  ``allowed_to_proceed``, ``user_limit`` (together-py ``types/fine_tuning_estimate_price_*``).
- ``GET /fine-tunes/models/supported`` → ``{"models": [name, …], "detailed_models": […]}``
  (docs.together.ai/reference/get-fine-tunes-models-supported).
- ``POST /chat/completions`` with ``"stream": true`` → server-sent ``data: {chunk}`` lines,
  ``choices[0].delta.content``, ending ``data: [DONE]`` (OpenAI-compatible; together-python
  ``abstract/api_requestor.py`` ``parse_stream``).
- Errors are ``{"error": {"message", "type", "code", "param"}}``; 401 bad key, 402 spending
  limit or no credit, 404 unknown endpoint or model, 429 rate limit, 500/503 server trouble
  (docs.together.ai/docs/error-codes; together-python ``api_requestor.handle_error_response``).

Behaviour: reads, the upload's first and last steps, cancel, the price estimate and the chat
request are retried on 429 (honouring ``Retry-After``), 5xx and dropped connections, with
backoff, at most ``max_retries`` times; job creation and the file PUT never are. Timeouts are
not retried (the caller polls again anyway). Every text that comes from Together is scrubbed of
anything that looks like an API key before it reaches a message.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import math
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Cancelled,
    Checkpoint,
    Job,
    JobEvent,
    MetricPoint,
    PriceEstimate,
    Progress,
    Provider,
    ProviderError,
    RemoteModel,
    TrainingOptions,
    UploadedFile,
)
from fineauthor.providers.scrubbing import scrub

DEFAULT_BASE_URL = "https://api.together.xyz/v1"

# Together's words for a job, in FineAuthor's. "pending" is a job accepted but not yet in the
# queue; "compressing"/"uploading" are the last minutes of a run (saving the model);
# "cancel_requested" is not over yet (it can still finish), so watching goes on until Together
# says "cancelled".
STATUS_STATES: dict[str, str] = {
    "pending": QUEUED,
    "queued": QUEUED,
    "running": RUNNING,
    "compressing": RUNNING,
    "uploading": RUNNING,
    "cancel_requested": RUNNING,
    "completed": SUCCEEDED,
    "error": FAILED,
    "user_error": FAILED,
    "cancelled": CANCELLED,
}

_CHUNK = 64 * 1024
# The official client's default learning rate (together-py create(learning_rate=0.00001));
# FineAuthor's option is a multiplier, as at OpenAI, so it scales this.
_BASE_LEARNING_RATE = 1e-5
# With a validation file, how many times to measure validation loss during training
# (Together's own default is 0, which would ignore the file).
_EVALS_WITH_VALIDATION = 5
_MAX_RETRY_WAIT = 30.0  # a longer Retry-After is the writer's to wait, not a frozen app's
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0

_LINE = re.compile(r"(?i)\bline\s*(?:number\s*)?#?\s*(\d+)")
_BILLING_WORDS = re.compile(
    r"(?i)credit|balance|billing|payment|funds|spending limit|insufficient|upgrade"
)
_MODEL_REFUSED = re.compile(
    r"(?i)\bmodel\b.*(not (supported|available|found|offered)|unsupported|does not exist|"
    r"no such|unknown|invalid)|(unsupported|unknown|invalid) (base )?model"
)


class _UploadStoppedError(Exception):
    """Raised inside the upload body when the writer cancels."""


class TogetherProvider(Provider):
    """Together AI, reached with one API key. Not thread-safe: one instance per worker."""

    id = "together"
    name = "Together AI"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api_key = api_key.strip()
        if not self._api_key.isascii() or not self._api_key.isprintable():
            # Checked here, so no HTTP library ever quotes a piece of it in an error.
            raise ProviderError(
                ProviderError.AUTH,
                "That Together AI key has characters an API key never contains. Copy it "
                "again from together.ai and paste it in Settings → Accounts.",
            )
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.max_retries = max(0, max_retries)
        self._sleep = sleep
        self._timeout = httpx2.Timeout(timeout, connect=min(timeout, 10.0))
        self._client = httpx2.Client(timeout=self._timeout, follow_redirects=False)
        self._limits: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:  # never the key
        return f"TogetherProvider(base_url={self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> TogetherProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the account

    def check_key(self) -> None:
        self._request("GET", "/fine-tunes")

    def list_models(self) -> list[RemoteModel]:
        data = self._json(self._request("GET", "/fine-tunes/models/supported"))
        names: list[str] = []
        for entry in _list(data.get("models")) or _list(data.get("detailed_models")):
            name = entry if isinstance(entry, str) else _text(_dict(entry).get("name"))
            name = name or _text(_dict(entry).get("id"))
            if name and name not in names:
                names.append(name)
        return [RemoteModel(id=n, owned_by=n.split("/", 1)[0] if "/" in n else "") for n in names]

    # ------------------------------------------------------------------ files

    def upload(
        self,
        path: Path,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> UploadedFile:
        name = filename or path.name
        try:
            total = path.stat().st_size
        except OSError:
            raise ProviderError(
                ProviderError.FILE_REJECTED,
                f'FineAuthor could not read the training file "{name}". Check that it still '
                "exists, then try again.",
            ) from None
        if cancelled is not None and cancelled():
            raise _stopped()

        # 1. Ask for an upload address. Only reserves a slot, so retrying it is harmless.
        response = self._request(
            "POST",
            "/files",
            data={"purpose": "fine-tune", "file_name": name, "file_type": "jsonl"},
            accept_redirect=True,
            file_step=True,
        )
        location = response.headers.get("location")
        file_id = response.headers.get("x-together-file-id")
        if not response.is_redirect or not location or not file_id:
            raise ProviderError(
                ProviderError.SERVER,
                "Together AI answered the upload in a way FineAuthor does not understand. "
                "Nothing was lost; try again later.",
            )

        # 2. Send the bytes to that address, without the API key (it is another host).
        try:
            self._put_file(location, path, total, progress, cancelled)
        except ProviderError:
            self._forget_file(file_id)
            raise

        # 3. Have Together check and register the file.
        body = self._json(self._request("POST", f"/files/{file_id}/preprocess", file_step=True))
        _raise_if_rejected(body, self._api_key)
        return UploadedFile(
            id=_text(body.get("id")) or file_id,
            filename=_text(body.get("filename")) or name,
            bytes=_int(body.get("bytes")) or total,
        )

    def _put_file(
        self,
        url: str,
        path: Path,
        total: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        def body() -> Iterator[bytes]:
            sent = 0
            with path.open("rb") as handle:
                while True:
                    if cancelled is not None and cancelled():
                        raise _UploadStoppedError
                    chunk = handle.read(_CHUNK)
                    if not chunk:
                        return
                    yield chunk
                    sent += len(chunk)
                    if progress is not None:
                        progress(sent, total)

        if progress is not None:
            progress(0, total)
        # A fixed length: storage services refuse chunked uploads to signed addresses.
        headers = {"Content-Length": str(total)}
        try:
            response = self._client.request("PUT", url, content=body(), headers=headers)
        except _UploadStoppedError:
            raise _stopped() from None
        except httpx2.TimeoutException:
            raise _network(slow=True, upload=True) from None
        except (httpx2.TransportError, OSError):
            if cancelled is not None and cancelled():
                raise _stopped() from None
            raise _network(upload=True) from None
        if response.status_code >= 300:
            raise ProviderError(
                ProviderError.SERVER,
                "Together AI's storage did not accept the file. Nothing was lost; try the "
                "upload again in a few minutes.",
            )

    def _forget_file(self, file_id: str) -> None:
        """Best effort: remove a half-made upload so it is never taken for a finished one."""
        with contextlib.suppress(ProviderError):
            self._request("DELETE", f"/files/{file_id}", retry=False)

    def find_file(self, filename: str) -> UploadedFile | None:
        data = self._json(self._request("GET", "/files"))
        found: list[dict[str, Any]] = []
        for entry in _list(data.get("data")):
            item = _dict(entry)
            purpose = _text(item.get("purpose"))
            if _text(item.get("filename")) != filename or purpose not in ("", "fine-tune"):
                continue
            if not _file_ready(item):  # a half-finished or rejected upload is no use
                continue
            found.append(item)
        if not found:
            return None
        newest = max(found, key=lambda item: _number(item.get("created_at")) or 0)
        return UploadedFile(
            id=_text(newest.get("id")),
            filename=filename,
            bytes=_int(newest.get("bytes")) or 0,
        )

    # ------------------------------------------------------------------ jobs

    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        body: dict[str, Any] = {
            "model": model,
            "training_file": training_file,
            "training_type": self._training_type(model, options),
        }
        body.update(_hyperparameters(options))
        if options.suffix:
            body["suffix"] = options.suffix[:40]
        # Never retried: a second request could start a second, paid, job.
        response = self._request(
            "POST", "/fine-tunes", json=body, retry=False, creating=True, model=model
        )
        return self._job(self._json(response))

    def find_job(self, training_file: str) -> Job | None:
        jobs = [job for job in self._all_jobs() if job.training_file == training_file]
        return jobs[0] if jobs else None

    def get_job(self, job_id: str) -> Job:
        return self._job(self._json(self._request("GET", f"/fine-tunes/{job_id}")))

    def list_jobs(self, limit: int = 20) -> list[Job]:
        return self._all_jobs()[: max(0, limit)]

    def cancel_job(self, job_id: str) -> Job:
        # Asking twice to cancel is harmless, so this one may be retried.
        return self._job(self._json(self._request("POST", f"/fine-tunes/{job_id}/cancel")))

    def _all_jobs(self) -> list[Job]:
        data = self._json(self._request("GET", "/fine-tunes"))
        # Listed jobs carry no events: a failed one's reason costs one more request (rare).
        jobs = [self._job(_dict(entry)) for entry in _list(data.get("data"))]
        # Together does not promise an order: newest first, by creation time.
        oldest = datetime.min.replace(tzinfo=UTC)
        return sorted(jobs, key=lambda job: job.created_at or oldest, reverse=True)

    def _job(self, data: dict[str, Any]) -> Job:
        status = _text(data.get("status")).lower()
        state = STATUS_STATES.get(status, RUNNING)  # an unknown word: keep watching
        output = _text(data.get("model_output_name")) or _text(data.get("output_name"))
        created = _when(data.get("created_at"))
        updated = _when(data.get("updated_at"))
        estimated: datetime | None = None
        progress = _dict(data.get("progress"))
        seconds = _number(progress.get("seconds_remaining"))
        if progress.get("estimate_available") and seconds is not None and state == RUNNING:
            estimated = datetime.now(UTC) + timedelta(seconds=seconds)
        error: str | None = None
        if state == FAILED:
            error = self._failure_reason(data)
        job_id = _text(data.get("id")) or _text(data.get("job_id"))
        return Job(
            id=job_id,
            provider=self.id,
            state=state,
            status=status or "unknown",
            model=_text(data.get("model")),
            training_file=_text(data.get("training_file")),
            # Together names the model at creation; it only exists once the job completed.
            fine_tuned_model=(output or None) if state == SUCCEEDED else None,
            created_at=created,
            finished_at=updated if state in (SUCCEEDED, FAILED, CANCELLED) else None,
            estimated_finish=estimated,
            trained_tokens=_int(data.get("token_count")),
            error_message=error,
        )

    def _failure_reason(self, data: dict[str, Any]) -> str | None:
        """Together's own words for a failure: an error field, else the last error event."""
        for key in ("error", "message", "error_message"):
            value = data.get(key)
            text = _text(_dict(value).get("message")) if isinstance(value, dict) else _text(value)
            if text:
                return scrub(text, self._api_key)
        events = [_dict(e) for e in _list(data.get("events"))]
        if not events and data.get("id"):
            with contextlib.suppress(ProviderError):
                listing = self._json(self._request("GET", f"/fine-tunes/{data['id']}/events"))
                events = [_dict(e) for e in _list(listing.get("data"))]
        for event in reversed(events):
            level = _level(event.get("level"))
            kind = _text(event.get("type")).lower()
            if level == "error" or kind in ("job_error", "job_user_error"):
                message = _text(event.get("message"))
                if message:
                    return scrub(message, self._api_key)
        return None

    # ------------------------------------------------------------------ progress

    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        data = self._json(self._request("GET", f"/fine-tunes/{job_id}/events"))
        raw = [_dict(entry) for entry in _list(data.get("data"))]
        events = self._events(raw)
        if after is None:
            return events
        ids = [event.id for event in events]
        if after in ids:
            return events[ids.index(after) + 1 :]
        # The marker is gone (the list was trimmed): go by time instead of repeating it all.
        since = _when(after.split("#", 1)[0])
        if since is None:
            return events
        return [event for event in events if event.created_at > since]

    def _events(self, raw: list[dict[str, Any]]) -> list[JobEvent]:
        # Together's events carry no id: make one from the time and the content, counting
        # repeats so two identical events stay two. Oldest first, whatever order they came in.
        epoch = datetime.fromtimestamp(0, UTC)
        order = sorted(range(len(raw)), key=lambda i: (_when(raw[i].get("created_at")) or epoch, i))
        seen: dict[str, int] = {}
        events: list[JobEvent] = []
        for index in order:
            item = raw[index]
            stamp = _text(item.get("created_at"))
            created = _when(stamp) or epoch
            message = scrub(_text(item.get("message")), self._api_key)
            digest_source = json.dumps(
                [stamp, item.get("type"), message, item.get("step"), item.get("hash")],
                default=str,
            )
            digest = hashlib.sha1(digest_source.encode()).hexdigest()[:12]
            seen[digest] = seen.get(digest, 0) + 1
            suffix = f".{seen[digest]}" if seen[digest] > 1 else ""
            details = {
                key: item[key]
                for key in ("type", "step", "total_steps", "token_count", "param_count")
                if item.get(key) is not None
            }
            events.append(
                JobEvent(
                    id=f"{created.isoformat()}#{digest}{suffix}",
                    created_at=created,
                    message=message,
                    level=_level(item.get("level")),
                    kind="message",
                    data=details,
                )
            )
        return events

    def metrics(self, job_id: str) -> list[MetricPoint]:
        data = self._json(self._request("GET", f"/fine-tunes/{job_id}/metrics"))
        by_step: dict[int, dict[str, float | None]] = {}
        for entry in _list(data.get("metrics")):
            row = _dict(entry)
            step = _metric_step(row)
            if step is None:
                continue
            point = by_step.setdefault(step, {"train": None, "valid": None})
            train = _number(row.get("train/loss"))
            valid = _number(row.get("eval/loss"))
            if valid is None:
                valid = _number(row.get("eval/valid_loss"))
            # Later rows for the same step win: they are the more recent measurement.
            if train is not None:
                point["train"] = train
            if valid is not None:
                point["valid"] = valid
        return [
            MetricPoint(step=step, train_loss=values["train"], valid_loss=values["valid"])
            for step, values in sorted(by_step.items())
            if values["train"] is not None or values["valid"] is not None
        ]

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        data = self._json(self._request("GET", f"/fine-tunes/{job_id}/checkpoints"))
        entries = [_dict(entry) for entry in _list(data.get("data"))]
        if not entries:
            return []
        losses: dict[int, MetricPoint] = {}
        with contextlib.suppress(ProviderError):  # losses are a bonus, not a must
            losses = {point.step: point for point in self.metrics(job_id)}
        final_name: str | None = None
        found: dict[int, Checkpoint] = {}
        for item in entries:
            step = _int(item.get("step"))
            if step is None:
                continue
            kind = _text(item.get("checkpoint_type")) or _text(item.get("type"))
            name = _text(item.get("object_name"))
            if not name and "intermediate" in kind.lower():
                name = f"{job_id}:{step}"  # how Together names a checkpoint to train on
            if not name:
                if final_name is None:
                    final_name = self.get_job(job_id).fine_tuned_model or job_id
                name = final_name
            point = losses.get(step)
            found.setdefault(
                step,
                Checkpoint(
                    id=f"{job_id}:{step}",
                    step=step,
                    model=name,
                    train_loss=point.train_loss if point else None,
                    valid_loss=point.valid_loss if point else None,
                ),
            )
        return [found[step] for step in sorted(found)]

    # ------------------------------------------------------------------ price

    def estimate_price(
        self, model: str, training_file: str, options: TrainingOptions
    ) -> PriceEstimate | None:
        body: dict[str, Any] = {
            "model": model,
            "training_file": training_file,
            "training_type": self._training_type(model, options),
        }
        if options.epochs is not None:
            body["n_epochs"] = options.epochs
        if options.validation_file_id:
            body["validation_file"] = options.validation_file_id
            body["n_evals"] = _EVALS_WITH_VALIDATION
        # Only asks for a quote, so it may be retried.
        data = self._json(
            self._request("POST", "/fine-tunes/estimate-price", json=body, model=model)
        )
        if data.get("estimation_available") is False:
            return None
        usd = _number(data.get("estimated_total_price"))
        if usd is None:
            return None
        tokens = _number(data.get("estimated_train_token_count"))
        if data.get("allowed_to_proceed") is False:
            limit = _number(data.get("user_limit"))
            have = f" (your account allows ${limit:,.2f})" if limit is not None else ""
            raise ProviderError(
                ProviderError.BILLING,
                f"Together AI estimates this training at about ${usd:,.2f}, more than your "
                f"account's credit{have}. Add credit on together.ai (Settings → Billing), "
                "then ask for the price again. Nothing was lost.",
            )
        return PriceEstimate(usd=usd, billed_tokens=int(tokens) if tokens is not None else None)

    # ------------------------------------------------------------------ chat

    def chat(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        temperature: float = 1.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        body: dict[str, Any] = {
            "model": model,
            "messages": [dict(message) for message in messages],
            "temperature": temperature,
            "stream": True,
        }
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        # The request is made now, so a refused key or model is known before reading starts.
        response = self._request("POST", "/chat/completions", json=body, stream=True, model=model)
        return _ChatStream(response, self._stream_chat(response))

    def _stream_chat(self, response: httpx2.Response) -> Iterator[str]:
        try:
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    return
                try:
                    chunk = json.loads(payload)
                except ValueError:
                    continue
                if isinstance(chunk, dict) and "error" in chunk:
                    raise _error_from_body(chunk, 500, self._api_key, chat=True)
                for choice in _list(_dict(chunk).get("choices")):
                    piece = _dict(_dict(choice).get("delta")).get("content")
                    if isinstance(piece, str) and piece:
                        yield piece
        except httpx2.TimeoutException:
            raise _network(slow=True) from None
        except httpx2.TransportError:
            raise _network() from None
        finally:
            response.close()

    # ------------------------------------------------------------------ the wire

    def _training_type(self, model: str, options: TrainingOptions) -> dict[str, Any]:
        limits = self._model_limits(model)
        if options.lora:
            lora = _dict(limits.get("lora_training"))
            if not lora:
                raise _unavailable(model, "Together cannot train a LoRA add-on for it")
            rank = _int(lora.get("default_rank")) or _int(lora.get("max_rank")) or 8
            return {
                "type": "Lora",
                "lora_r": rank,
                "lora_alpha": rank * 2,  # the official client's default
                "lora_dropout": 0.0,
                "lora_trainable_modules": "all-linear",
            }
        if not limits.get("full_training") or limits.get("supports_full_training") is False:
            raise _unavailable(model, "Together offers only LoRA training for it")
        return {"type": "Full"}

    def _model_limits(self, model: str) -> dict[str, Any]:
        if model not in self._limits:
            response = self._request(
                "GET", "/fine-tunes/models/limits", params={"model_name": model}, model=model
            )
            self._limits[model] = self._json(response)
        return self._limits[model]

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        retry: bool = True,
        stream: bool = False,
        accept_redirect: bool = False,
        file_step: bool = False,
        creating: bool = False,
        model: str | None = None,
    ) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        attempts = self.max_retries + 1 if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            request = self._client.build_request(
                method,
                self.base_url + path,
                json=json,
                data=data,
                params=params,
                headers=headers,
            )
            try:
                response = self._client.send(request, stream=stream)
            except httpx2.TimeoutException:
                raise _network(slow=True, creating=creating) from None
            except httpx2.TransportError:
                if last:
                    raise _network(creating=creating) from None
                self._sleep(_backoff(attempt))
                continue
            status = response.status_code
            if status < 300 or (accept_redirect and response.is_redirect):
                return response
            if stream:
                response.read()
            response.close()
            if (status == 429 or status >= 500) and not last:
                wait = _retry_after(response.headers)
                wait = _backoff(attempt) if wait is None else wait
                if wait <= _MAX_RETRY_WAIT:
                    self._sleep(wait)
                    continue
            raise _error_from_response(
                response, self._api_key, file_step=file_step, model=model, path=path
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: httpx2.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise ProviderError(
                ProviderError.SERVER,
                "Together AI sent an answer FineAuthor could not read. Nothing was lost; try "
                "again in a few minutes.",
            ) from None
        return data if isinstance(data, dict) else {"data": data}


class _ChatStream(Iterator[str]):
    """The pieces of a streamed reply; closing it (or dropping it unread) frees the
    connection, which a bare generator that never started would not do."""

    def __init__(self, response: httpx2.Response, pieces: Iterator[str]) -> None:
        self._response = response
        self._pieces = pieces

    def __next__(self) -> str:
        return next(self._pieces)

    def close(self) -> None:
        self._response.close()

    def __del__(self) -> None:
        self.close()


# ---------------------------------------------------------------------- errors


def _stopped() -> ProviderError:
    return ProviderError(
        ProviderError.CANCELLED,
        "Upload stopped. Nothing was sent for training; you can start again whenever you like.",
    )


def _network(*, slow: bool = False, upload: bool = False, creating: bool = False) -> ProviderError:
    what = "took too long to answer" if slow else "could not be reached"
    if creating:
        return ProviderError(
            ProviderError.NETWORK,
            f"Together AI {what} while FineAuthor was asking it to start the training, so it "
            "cannot tell yet whether the training started. Nothing is lost: when you try "
            "again, FineAuthor first looks for a training that did start, so you will not pay "
            "twice.",
        )
    if upload:
        return ProviderError(
            ProviderError.NETWORK,
            f"The connection broke during the upload (Together AI {what}). Nothing is lost: "
            "check your internet connection and start the upload again.",
        )
    return ProviderError(
        ProviderError.NETWORK,
        f"Together AI {what}. Nothing is lost: check your internet connection and try again.",
    )


def _unavailable(model: str, why: str) -> ProviderError:
    return ProviderError(
        ProviderError.MODEL_UNAVAILABLE,
        f'"{model}" cannot be trained this way: {why}. Choose another base model.',
    )


def _error_from_response(
    response: httpx2.Response,
    secret: str,
    *,
    file_step: bool = False,
    model: str | None = None,
    path: str = "",
) -> ProviderError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return _error_from_body(
        body if isinstance(body, dict) else {},
        response.status_code,
        secret,
        retry_after=_retry_after(response.headers),
        file_step=file_step,
        model=model,
        chat=path == "/chat/completions",
    )


def _error_from_body(  # noqa: PLR0911 (one return per kind of trouble reads best)
    body: dict[str, Any],
    status: int,
    secret: str,
    *,
    retry_after: float | None = None,
    file_step: bool = False,
    model: str | None = None,
    chat: bool = False,
) -> ProviderError:
    """A Together error reply as a ProviderError whose text a writer can act on."""
    error = body.get("error")
    detail = _dict(error) if isinstance(error, dict) else {}
    said = _text(detail.get("message")) or (error if isinstance(error, str) else "")
    said = said or _text(body.get("message"))
    said = scrub(said.strip(), secret)[:500]
    quoted = f' Together AI said: "{said}"' if said else ""
    param = _text(detail.get("param"))
    billing = bool(_BILLING_WORDS.search(said))

    if status == 401 and not billing:
        return ProviderError(
            ProviderError.AUTH,
            "Together AI did not accept your API key: it may be mistyped, or it was revoked. "
            "Check or replace the key in Settings → Accounts (a new one can be made on "
            "together.ai).",
        )
    if status == 402 or (billing and status in (400, 401, 403)):
        return ProviderError(
            ProviderError.BILLING,
            "Together AI says your account has no credit left or has reached its spending "
            "limit. Add credit on together.ai (Settings → Billing), then try again. Nothing "
            f"was lost.{quoted}",
        )
    if status == 429:
        wait = f" Wait about {round(retry_after)} seconds," if retry_after else " Wait a minute,"
        return ProviderError(
            ProviderError.RATE_LIMITED,
            "Together AI is getting too many requests from your account right now. FineAuthor "
            f"waited and tried again, without luck.{wait} then try again.",
            retry_after=retry_after,
        )
    if status >= 500:
        return ProviderError(
            ProviderError.SERVER,
            "Together AI is having trouble on its side. Nothing is lost; try again in a few "
            "minutes.",
        )
    if file_step and status in (400, 415, 422):
        line = _line_of(said)
        return ProviderError(
            ProviderError.FILE_REJECTED,
            "Together AI refused the training file."
            + (f" The problem is on line {line}." if line else "")
            + f"{quoted} Fix the example and train again.",
            line=line,
        )
    model_related = model is not None and (
        status == 404 or param == "model" or bool(_MODEL_REFUSED.search(said))
    )
    if model_related:
        if chat:
            text = (
                f'Together AI cannot answer with "{model}" right now: it may not be ready '
                "yet, or it needs a dedicated endpoint to run."
            )
        else:
            text = f'Together AI does not offer "{model}" for fine-tuning. Choose another model.'
        return ProviderError(ProviderError.MODEL_UNAVAILABLE, text + quoted)
    if status == 404:
        return ProviderError(
            ProviderError.NOT_FOUND,
            "Together AI does not know that item any more (it may have been deleted)." + quoted,
        )
    if status == 403:
        return ProviderError(
            ProviderError.NOT_ALLOWED,
            "Together AI refused: your account is not allowed to do this." + quoted,
        )
    if _LINE.search(said) or param in ("training_file", "validation_file"):
        line = _line_of(said)
        return ProviderError(
            ProviderError.FILE_REJECTED,
            "Together AI refused the training file."
            + (f" The problem is on line {line}." if line else "")
            + quoted,
            line=line,
        )
    return ProviderError(
        ProviderError.REFUSED,
        f"Together AI refused the request.{quoted} Check the training settings (or leave "
        "them on automatic) and try again.",
    )


def _raise_if_rejected(body: dict[str, Any], secret: str) -> None:
    """Together's verdict on an uploaded file (since mid-2026 it validates on arrival)."""
    state = _text(body.get("processing_status")).upper()
    if state not in ("INVALID_FORMAT", "FAILED"):
        return
    report = body.get("validation_report")
    reasons: list[str] = []
    for item in _list(report) if isinstance(report, list) else [report]:
        if isinstance(item, str):
            reasons.append(item)
        elif isinstance(item, dict):
            for key in ("message", "error", "reason"):
                if _text(item.get(key)):
                    reasons.append(_text(item.get(key)))
                    break
            for key in ("errors", "issues"):
                reasons.extend(_text(e) if isinstance(e, str) else "" for e in _list(item.get(key)))
    said = scrub("; ".join(r for r in reasons if r)[:500], secret)
    line = _line_of(said)
    if state == "FAILED" and not said:
        raise ProviderError(
            ProviderError.SERVER,
            "Together AI could not process the file on its side. Nothing is lost; upload it "
            "again in a few minutes.",
        )
    raise ProviderError(
        ProviderError.FILE_REJECTED,
        "Together AI refused the training file."
        + (f" The problem is on line {line}." if line else "")
        + (f' Together AI said: "{said}"' if said else "")
        + " Fix the example and train again.",
        line=line,
    )


def _file_ready(item: dict[str, Any]) -> bool:
    state = _text(item.get("processing_status")).upper()
    if state:
        return state == "COMPLETED"
    processed = item.get("Processed", item.get("processed"))
    return processed is not False


def _line_of(text: str) -> int | None:
    match = _LINE.search(text)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------------- small readers


def _hyperparameters(options: TrainingOptions) -> dict[str, Any]:
    """Only what the writer set; Together's defaults stand for the rest."""
    body: dict[str, Any] = {}
    if options.epochs is not None:
        body["n_epochs"] = options.epochs
    if options.learning_rate_multiplier is not None:
        body["learning_rate"] = _BASE_LEARNING_RATE * options.learning_rate_multiplier
    if options.batch_size is not None:
        body["batch_size"] = options.batch_size
    if options.validation_file_id:
        body["validation_file"] = options.validation_file_id
        body["n_evals"] = _EVALS_WITH_VALIDATION
    return body


def _retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``Retry-After`` (seconds or a date)."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        with contextlib.suppress(ValueError):
            return max(0.0, float(milliseconds) / 1000)
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return max(0.0, (parsed - datetime.now(UTC)).total_seconds())


def _backoff(attempt: int) -> float:
    return min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt) * (0.75 + random.random() / 4)


def _metric_step(row: dict[str, Any]) -> int | None:
    for key in ("train/global_step", "eval/global_step", "global_step", "step"):
        value = _number(row.get(key))
        if value is not None:
            return int(value)
    return None


def _level(value: object) -> str:
    word = _text(value).lower().removeprefix("legacy_")
    if word in ("iwarning", "warning", "warn"):
        return "warning"
    if word in ("ierror", "error"):
        return "error"
    return "info"


def _when(value: object) -> datetime | None:
    """A Together time: ISO text (any fraction digits, ``Z``) or Unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = _text(value).strip()
    if not text:
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # Go writes nanoseconds
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if math.isnan(number) else number  # NaN is no measurement


def _int(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None
