"""OpenAI, and any server that speaks OpenAI's fine-tuning API (Azure OpenAI's v1 endpoint,
Nebius Token Factory), through the ``openai`` SDK.

The SDK retries 408/409/429/5xx and dropped connections itself (``max_retries``), honouring
Retry-After. Everything it raises is turned into a :class:`ProviderError` whose text is a plain
sentence for a writer; the API key never appears in it (OpenAI's own 401 text echoes part of the
key, so that text is never passed on, and every provider text that is passed on is scrubbed).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import io
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import httpx2
import openai
from openai import OpenAI

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    FINISHED_STATES,
    PAUSED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    VALIDATING,
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
from fineauthor.providers.scrubbing import scrub as _scrub

#: Files larger than this go through the Uploads API in parts; OpenAI's ``/files`` takes up to
#: 512 MB in one request. Read at call time, so tests can lower it.
UPLOADS_API_THRESHOLD = 512 * 1024 * 1024
#: The size of each part sent through the Uploads API (OpenAI takes at most 64 MB per part).
UPLOAD_PART_SIZE = 64 * 1024 * 1024
#: OpenAI's limit on the suffix that becomes part of a fine-tuned model's name.
SUFFIX_MAX_LENGTH = 64
#: Seconds to wait for any one step of a request (connect, send a piece, read a piece).
DEFAULT_TIMEOUT = 120.0

_PAGE_SIZE = 100  # items per page when reading events, jobs and checkpoints
_PROVIDER_ID = "openai"

_STATES = {
    "validating_files": VALIDATING,
    "queued": QUEUED,
    "running": RUNNING,
    "paused": PAUSED,
    "succeeded": SUCCEEDED,
    "failed": FAILED,
    "cancelled": CANCELLED,
}
_LEVELS = {"info": "info", "warn": "warning", "warning": "warning", "error": "error"}

T = TypeVar("T")

# ------------------------------------------------------------------------------------- helpers


def sanitise_suffix(name: str | None) -> str | None:
    """A model-name suffix from the writer's unique style name: ASCII letters, digits and
    dashes, lower case, at most ``SUFFIX_MAX_LENGTH`` characters; None when nothing is left.

    >>> sanitise_suffix("Outline Mageddon — v2!")
    'outline-mageddon-v2'
    """
    if not name:
        return None
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    dashed = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return dashed[:SUFFIX_MAX_LENGTH].rstrip("-") or None


def _time(timestamp: int | float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def _date(value: object) -> date | None:
    """A shutdown date as OpenAI gives it: "2027-01-14", an ISO time, or a Unix time."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC).date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _line_named(text: str) -> int | None:
    """The line (or example) number a provider's complaint names, if it names one."""
    match = re.search(r"\b(?:line|example)\s+#?(\d+)", text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class _UploadCancelledError(Exception):
    """Raised from inside the SDK's read of the file when the writer cancels. Not an SDK or
    httpx error, so the SDK neither retries nor wraps it."""


class _ProgressReader(io.RawIOBase):
    """A window of an open file, read by the SDK (httpx reads 64 KiB at a time and seeks back
    to the start before a retry): counts the bytes handed over and stops when cancelled."""

    def __init__(
        self,
        handle: BinaryIO,
        start: int,
        length: int,
        on_read: Callable[[int], None],
        cancelled: Cancelled | None,
    ) -> None:
        super().__init__()
        self._handle = handle
        self._start = start
        self._length = length
        self._position = 0
        self._on_read = on_read
        self._cancelled = cancelled

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = min(max(0, base + offset), self._length)
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        if self._cancelled is not None and self._cancelled():
            raise _UploadCancelledError
        remaining = self._length - self._position
        wanted = remaining if size is None or size < 0 else min(size, remaining)
        if wanted <= 0:
            return b""
        self._handle.seek(self._start + self._position)
        data = self._handle.read(wanted)
        self._position += len(data)
        self._on_read(self._position)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@dataclass
class _MetricsSoFar:
    """What metrics() has already read for one job, so each call reads only new events."""

    last_event: str | None = None
    points: dict[int, MetricPoint] = field(default_factory=dict)
    from_result_file: bool = False


# ------------------------------------------------------------------------------------ provider


class OpenAIProvider(Provider):
    """OpenAI's fine-tuning API through the ``openai`` SDK, at ``base_url`` when given."""

    id = _PROVIDER_ID
    name = "OpenAI"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 2,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ProviderError(
                ProviderError.AUTH,
                "There is no OpenAI API key yet. Add one in Settings → Accounts.",
            )
        self._key = api_key.strip()
        options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        if base_url:
            options["base_url"] = base_url
        self._client = OpenAI(api_key=self._key, **options)
        self._base_url = str(self._client.base_url)
        self._metrics: dict[str, _MetricsSoFar] = {}
        self._metrics_lock = threading.Lock()

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIProvider(base_url={self._base_url!r})"

    # -------------------------------------------------------------- the Provider interface

    def check_key(self) -> None:
        self._call("checking your OpenAI key", self._client.models.list)

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
            size = path.stat().st_size
            handle = path.open("rb")
        except OSError as error:
            raise FineAuthorError(
                f"FineAuthor could not read the file it was about to send ({error.strerror}). "
                "Nothing was sent; try again."
            ) from None

        def report(sent: int) -> None:
            if progress is not None:
                progress(sent, size)

        with handle:
            if cancelled is not None and cancelled():
                raise self._cancelled_error()
            report(0)
            if size > UPLOADS_API_THRESHOLD:
                return self._upload_in_parts(handle, name, size, report, cancelled)
            reader = _ProgressReader(handle, 0, size, report, cancelled)
            file = self._call(
                "sending your examples to OpenAI",
                lambda: self._client.files.create(
                    file=(name, reader, "application/jsonl"), purpose="fine-tune"
                ),
            )
        report(size)
        return UploadedFile(id=file.id, filename=file.filename, bytes=file.bytes)

    def find_file(self, filename: str) -> UploadedFile | None:
        def newest() -> Any:
            matches = [
                f
                for f in self._client.files.list(purpose="fine-tune")
                if f.filename == filename and getattr(f, "status", None) != "error"
            ]
            return max(matches, key=lambda f: f.created_at, default=None)

        found = self._call("looking for your earlier upload", newest)
        if found is None:
            return None
        return UploadedFile(id=found.id, filename=found.filename, bytes=found.bytes)

    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        hyperparameters: dict[str, Any] = {}
        if options.epochs is not None:
            hyperparameters["n_epochs"] = options.epochs
        if options.batch_size is not None:
            hyperparameters["batch_size"] = options.batch_size
        if options.learning_rate_multiplier is not None:
            hyperparameters["learning_rate_multiplier"] = options.learning_rate_multiplier
        # Only what the writer set; OpenAI chooses the rest ("auto").
        method: dict[str, Any] = {"type": "supervised"}
        if hyperparameters:
            method["supervised"] = {"hyperparameters": hyperparameters}
        extra: dict[str, Any] = {}
        suffix = sanitise_suffix(options.suffix)
        if suffix:
            extra["suffix"] = suffix
        if options.validation_file_id:
            extra["validation_file"] = options.validation_file_id
        # Never retried: if the answer is lost, the job may exist already, and a retry would
        # start (and bill) a second one. The caller looks with find_job before trying again.
        once = self._client.with_options(max_retries=0)
        job = self._call(
            "starting the training",
            lambda: once.fine_tuning.jobs.create(
                model=model, training_file=training_file, method=method, **extra
            ),
            model=model,
            creating=True,
        )
        return self._job(job)

    def find_job(self, training_file: str) -> Job | None:
        def newest() -> Any:
            for job in self._client.fine_tuning.jobs.list(limit=_PAGE_SIZE):
                if job.training_file == training_file:
                    return job
            return None

        found = self._call("looking for your earlier training", newest)
        return self._job(found) if found is not None else None

    def get_job(self, job_id: str) -> Job:
        job = self._call(
            "checking on the training", lambda: self._client.fine_tuning.jobs.retrieve(job_id)
        )
        return self._job(job)

    def list_jobs(self, limit: int = 20) -> list[Job]:
        page = self._call(
            "listing your trainings", lambda: self._client.fine_tuning.jobs.list(limit=limit)
        )
        return [self._job(job) for job in page.data[:limit]]

    def cancel_job(self, job_id: str) -> Job:
        try:
            job = self._call(
                "cancelling the training", lambda: self._client.fine_tuning.jobs.cancel(job_id)
            )
        except ProviderError as problem:
            # Cancelling a job that has just ended is refused; the ended job is the answer.
            if problem.kind == ProviderError.REFUSED:
                current = self.get_job(job_id)
                if current.finished:
                    return current
            raise
        return self._job(job)

    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        def newer() -> list[Any]:
            # OpenAI lists events newest first and pages towards older ones, so read until
            # the last event already seen, then turn the list round.
            found = []
            for event in self._client.fine_tuning.jobs.list_events(job_id, limit=_PAGE_SIZE):
                if after is not None and event.id == after:
                    break
                found.append(event)
            return found

        found = self._call("reading the training's progress", newer)
        return [self._event(event) for event in reversed(found)]

    def metrics(self, job_id: str) -> list[MetricPoint]:
        with self._metrics_lock:
            so_far = self._metrics.setdefault(job_id, _MetricsSoFar())
        for event in self.events(job_id, after=so_far.last_event):
            so_far.last_event = event.id
            if event.kind == "metrics":
                self._merge_metric(so_far, event.data)
        if not so_far.from_result_file:
            self._read_result_file(job_id, so_far)
        return [so_far.points[step] for step in sorted(so_far.points)]

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        found = self._call(
            "reading the training's checkpoints",
            lambda: list(self._client.fine_tuning.jobs.checkpoints.list(job_id, limit=_PAGE_SIZE)),
        )
        result = []
        for checkpoint in found:
            metrics = checkpoint.metrics
            valid = metrics.valid_loss if metrics.valid_loss is not None else None
            if valid is None:
                valid = metrics.full_valid_loss
            result.append(
                Checkpoint(
                    id=checkpoint.id,
                    step=checkpoint.step_number,
                    model=checkpoint.fine_tuned_model_checkpoint,
                    train_loss=metrics.train_loss,
                    valid_loss=valid,
                )
            )
        return sorted(result, key=lambda c: c.step)

    def list_models(self) -> list[RemoteModel]:
        page = self._call("listing OpenAI's models", lambda: list(self._client.models.list()))
        return [
            RemoteModel(
                id=model.id,
                owned_by=model.owned_by or "",
                shutdown_date=_date(getattr(model, "shutdown_date", None)),
            )
            for model in page
        ]

    def estimate_price(
        self, model: str, training_file: str, options: TrainingOptions
    ) -> PriceEstimate | None:
        return None  # OpenAI publishes prices but has no estimate endpoint; ours is used

    def chat(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        temperature: float = 1.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        action = "asking the model for a reply"
        extra: dict[str, Any] = {}
        if max_tokens is not None:
            extra["max_completion_tokens"] = max_tokens
        stream = self._call(
            action,
            lambda: self._client.chat.completions.create(
                model=model,
                messages=list(messages),  # type: ignore[arg-type]
                temperature=temperature,
                stream=True,
                **extra,
            ),
            model=model,
        )
        return self._pieces(stream, action, model)

    # -------------------------------------------------------------- pieces of the above

    def _pieces(self, stream: Any, action: str, model: str) -> Iterator[str]:
        chunks = iter(stream)
        end = object()
        try:
            while True:
                chunk = self._call(action, lambda: next(chunks, end), model=model)
                if chunk is end:
                    return
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        yield choice.delta.content
        finally:
            stream.close()

    def _upload_in_parts(
        self,
        handle: BinaryIO,
        name: str,
        size: int,
        report: Callable[[int], None],
        cancelled: Cancelled | None,
    ) -> UploadedFile:
        action = "sending your examples to OpenAI"
        upload = self._call(
            action,
            lambda: self._client.uploads.create(
                bytes=size, filename=name, mime_type="text/jsonl", purpose="fine-tune"
            ),
        )
        part_ids: list[str] = []
        try:
            for start in range(0, size, UPLOAD_PART_SIZE):
                length = min(UPLOAD_PART_SIZE, size - start)
                reader = _ProgressReader(
                    handle, start, length, lambda sent, s=start: report(s + sent), cancelled
                )
                part = self._call(
                    action,
                    lambda r=reader: self._client.uploads.parts.create(
                        upload.id, data=(name, r, "application/octet-stream")
                    ),
                )
                part_ids.append(part.id)
            done = self._call(
                action, lambda: self._client.uploads.complete(upload.id, part_ids=part_ids)
            )
        except ProviderError:
            self._abandon_upload(upload.id)
            raise
        file = done.file
        if file is None:  # the API promises the file with a completed upload
            raise ProviderError(
                ProviderError.SERVER,
                "OpenAI accepted the upload but did not say which file it made. Try again.",
            )
        report(size)
        return UploadedFile(id=file.id, filename=file.filename, bytes=file.bytes)

    def _abandon_upload(self, upload_id: str) -> None:
        """Tell OpenAI to drop a half-sent upload; it expires on its own within an hour
        anyway, so a failure here changes nothing."""
        with contextlib.suppress(openai.OpenAIError, httpx2.HTTPError):
            self._client.with_options(max_retries=0, timeout=10).uploads.cancel(upload_id)

    def _merge_metric(self, so_far: _MetricsSoFar, data: dict[str, object]) -> None:
        step = _number(data.get("step"))
        if step is None:
            return
        train = _number(data.get("train_loss"))
        valid = _number(data.get("valid_loss"))
        if valid is None:
            valid = _number(data.get("full_valid_loss"))
        known = so_far.points.get(int(step))
        so_far.points[int(step)] = MetricPoint(
            step=int(step),
            train_loss=train if train is not None else (known.train_loss if known else None),
            valid_loss=valid if valid is not None else (known.valid_loss if known else None),
        )

    def _read_result_file(self, job_id: str, so_far: _MetricsSoFar) -> None:
        """Once the job has ended with a result file, its CSV completes (and, where both
        have a value, overrides) what the metrics events said."""
        job = self._call(
            "checking on the training", lambda: self._client.fine_tuning.jobs.retrieve(job_id)
        )
        if _STATES.get(job.status) not in FINISHED_STATES or not job.result_files:
            return
        raw = self._call(
            "reading the training's results",
            lambda: self._client.files.content(job.result_files[0]).content,
        )
        for row in _result_rows(raw):
            self._merge_metric(so_far, row)
        so_far.from_result_file = True

    def _job(self, job: Any) -> Job:
        error = getattr(job, "error", None)
        message = None
        if job.status == "failed":
            reason = (getattr(error, "message", None) or "").strip()
            message = _scrub(reason, self._key) if reason else "OpenAI did not say why."
        return Job(
            id=job.id,
            provider=_PROVIDER_ID,
            state=_STATES.get(job.status, RUNNING),  # an unknown word: still going
            status=job.status,
            model=job.model,
            training_file=job.training_file,
            fine_tuned_model=job.fine_tuned_model,
            created_at=_time(job.created_at),
            finished_at=_time(job.finished_at),
            estimated_finish=_time(getattr(job, "estimated_finish", None)),
            trained_tokens=job.trained_tokens,
            error_message=message,
        )

    def _event(self, event: Any) -> JobEvent:
        data = event.data if isinstance(event.data, dict) else {}
        return JobEvent(
            id=event.id,
            created_at=_time(event.created_at) or datetime.now(tz=UTC),
            message=_scrub(event.message or "", self._key),
            level=_LEVELS.get(event.level, "info"),
            kind="metrics" if event.type == "metrics" else "message",
            data=dict(data),
        )

    # -------------------------------------------------------------- errors

    def _call(
        self,
        action: str,
        function: Callable[[], T],
        *,
        model: str | None = None,
        creating: bool = False,
    ) -> T:
        """Run one SDK call; anything it raises becomes a ProviderError in plain words. The
        error is raised outside the ``except`` block, so no SDK exception (whose text may hold
        a masked key) rides along as its context."""
        try:
            return function()
        except _UploadCancelledError:
            problem = self._cancelled_error()
        except openai.OpenAIError as error:
            problem = self._translate(error, action, model=model, creating=creating)
        except httpx2.HTTPError:  # a stream broken mid-way is not wrapped by the SDK
            problem = self._network_error(action, creating=creating)
        raise problem

    @staticmethod
    def _cancelled_error() -> ProviderError:
        return ProviderError(
            ProviderError.CANCELLED,
            "You stopped the upload. Nothing was trained and nothing was charged; press Train "
            "again when you are ready.",
        )

    @staticmethod
    def _network_error(
        action: str, *, creating: bool = False, timeout: bool = False
    ) -> ProviderError:
        what = (
            f"OpenAI did not answer in time while {action}."
            if timeout
            else f"FineAuthor could not reach OpenAI while {action}: the connection failed or "
            "dropped."
        )
        then = (
            " The training may have started anyway; FineAuthor looks for it before starting "
            "another, so trying again is safe."
            if creating
            else " Nothing was lost."
        )
        return ProviderError(
            ProviderError.NETWORK,
            f"{what}{then} Check your internet connection and try again.",
        )

    def _translate(  # noqa: PLR0911  (one answer per kind of trouble, read as a table)
        self, error: openai.OpenAIError, action: str, *, model: str | None, creating: bool
    ) -> ProviderError:
        if isinstance(error, openai.APITimeoutError):
            return self._network_error(action, creating=creating, timeout=True)
        if isinstance(error, openai.APIConnectionError):
            return self._network_error(action, creating=creating)
        if not isinstance(error, openai.APIStatusError):
            return ProviderError(
                ProviderError.SERVER,
                f"OpenAI gave an answer FineAuthor could not understand while {action}. "
                "Nothing was lost; try again in a few minutes.",
            )

        status = error.status_code
        body = error.body if isinstance(error.body, dict) else {}
        code = str(body.get("code") or "")
        kind = str(body.get("type") or "")
        param = str(body.get("param") or "")
        # Never use the 401 text (it echoes part of the key); everything else is scrubbed.
        reason = _scrub(str(body.get("message") or ""), self._key).strip().rstrip(".")

        if status == 401:
            return ProviderError(
                ProviderError.AUTH,
                "OpenAI did not accept your API key: it may be mistyped, or it was revoked or "
                "has expired. Create a new key on OpenAI's website (platform.openai.com → API "
                "keys) and paste it in Settings → Accounts.",
            )
        if status == 402 or "insufficient_quota" in (code, kind) or "billing" in code:
            return ProviderError(
                ProviderError.BILLING,
                "Your OpenAI account has no credit left, or billing is not set up. Add credit "
                "on OpenAI's website (platform.openai.com → Billing), then try again. Nothing "
                "was lost.",
            )
        if status == 403:
            return self._forbidden(code, reason, action)
        if status == 429:
            wait = _retry_after(error.response.headers)
            when = f"about {round(wait)} seconds" if wait else "a minute"
            return ProviderError(
                ProviderError.RATE_LIMITED,
                "OpenAI is getting too many requests from your account right now; FineAuthor "
                f"waited and tried again, but it is still busy. Wait {when} and try again. "
                "Nothing was lost.",
                retry_after=wait,
            )
        if status >= 500 or status in (408, 409):
            return ProviderError(
                ProviderError.SERVER,
                f"OpenAI is having trouble on its side (while {action}; FineAuthor tried again "
                "without luck). Nothing was lost; try again in a few minutes. "
                "status.openai.com shows whether OpenAI knows about it.",
            )
        said = f" OpenAI said: “{reason}.”" if reason else ""
        if param in ("file", "training_file", "validation_file") or "file" in code:
            line = _line_named(reason)
            where = (
                f" The problem is on line {line} of the file that was sent (example {line})."
                if line
                else ""
            )
            return ProviderError(
                ProviderError.FILE_REJECTED,
                f"OpenAI refused the training file.{said}{where} Fix it in the editor, run the "
                "check, and train again.",
                line=line,
            )
        if model is not None and (param == "model" or "model" in code or status == 404):
            use = "train" if creating else "use"
            return ProviderError(
                ProviderError.MODEL_UNAVAILABLE,
                f"OpenAI cannot {use} the model “{model}”: it may be retired, not offered for "
                f"this, or not open to your account.{said} Choose another model and try again.",
            )
        if status == 404:
            return ProviderError(
                ProviderError.NOT_FOUND,
                f"OpenAI could not find what FineAuthor asked for while {action}: it may have "
                f"been deleted, or it belongs to another account or key.{said}",
            )
        return ProviderError(
            ProviderError.REFUSED,
            f"OpenAI refused the request while {action}.{said or ' It did not say why.'} "
            "Change what it names and try again.",
        )

    def _forbidden(self, code: str, reason: str, action: str) -> ProviderError:
        """A 403: a restricted key, a country OpenAI does not serve, or (most often now) an
        account that may no longer fine-tune."""
        lowered = reason.lower()
        if "missing scope" in lowered or "insufficient permissions" in lowered:
            return ProviderError(
                ProviderError.AUTH,
                "Your OpenAI API key is not allowed to do this (it is a restricted key). "
                "Make a key with full permissions on OpenAI's website and paste it in "
                "Settings → Accounts.",
            )
        if "country" in code or "region" in code:
            return ProviderError(
                ProviderError.NOT_ALLOWED,
                "OpenAI does not serve the country or region you are connecting from. "
                f"{_other_provider_advice()}",
            )
        said = f" OpenAI said: “{reason}.”" if reason else ""
        return ProviderError(
            ProviderError.NOT_ALLOWED,
            f"OpenAI refused this account while {action}.{said} {_wind_down_story()} "
            f"{_other_provider_advice()}",
        )


# --------------------------------------------------------------------------- module helpers


def _retry_after(headers: Any) -> float | None:
    """Seconds OpenAI asked us to wait, from ``retry-after-ms`` or ``retry-after``."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = _number(headers.get(name)) if headers is not None else None
        if value is not None and value >= 0:
            return value / divisor
    return None


def _wind_down_story() -> str:
    """OpenAI's closing of self-serve fine-tuning, with the catalog's dates."""
    dates = load_catalog().provider(_PROVIDER_ID).dates
    told = " ".join(f"{_long_date(d.date)}: {d.what}" for d in sorted(dates, key=lambda d: d.date))
    return f"OpenAI is closing do-it-yourself fine-tuning. {told}".strip()


def _other_provider_advice() -> str:
    catalog = load_catalog()
    try:
        other = catalog.provider("together").name
    except FineAuthorError:
        other = "another training service"
    return (
        f"Your examples are safe in your project: train them with {other} instead (choose it "
        f"under Train and add its key in Settings → Accounts)."
    )


def _result_rows(raw: bytes) -> list[dict[str, str]]:
    """The rows of a fine-tuning result file. OpenAI has served these as plain CSV and as
    base64-encoded CSV, so both are read."""
    text = raw.decode("utf-8", "replace").lstrip("\ufeff")
    if not text.lstrip().lower().startswith("step"):
        try:
            text = base64.b64decode(raw, validate=False).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return []
    return list(csv.DictReader(io.StringIO(text.strip())))
