"""OpenAI, and any server that speaks OpenAI's fine-tuning API (Azure OpenAI's v1 endpoint,
Nebius Token Factory), through the ``openai`` SDK: the training calls of the Provider interface.
The SDK retries 408/409/429/5xx and dropped connections itself (``max_retries``), honouring
Retry-After."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openai import OpenAI

from fineauthor.providers.base import (
    PREFERENCE,
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
from fineauthor.providers.openai.chat import stream_reply
from fineauthor.providers.openai.errors import call_sdk
from fineauthor.providers.openai.metrics import MetricsSoFar, merge_metric, read_result_file
from fineauthor.providers.openai.records import PROVIDER_ID, event_record, job_record
from fineauthor.providers.openai.uploads import find_uploaded_file, upload_file

#: OpenAI's limit on the suffix that becomes part of a fine-tuned model's name.
SUFFIX_MAX_LENGTH = 64
#: Seconds to wait for any one step of a request (connect, send a piece, read a piece).
DEFAULT_TIMEOUT = 120.0

_PAGE_SIZE = 100  # items per page when reading events, jobs and checkpoints


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


class OpenAIProvider(Provider):
    """OpenAI's fine-tuning API through the ``openai`` SDK, at ``base_url`` when given."""

    id = PROVIDER_ID
    name = "OpenAI"
    # DPO; on top of an earlier fine-tune by naming its ``ft:…`` model as the one to train.
    trains_preferences = True
    preference_on_top = True

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
        self._metrics: dict[str, MetricsSoFar] = {}
        self._metrics_lock = threading.Lock()

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIProvider(base_url={self._base_url!r})"

    # -------------------------------------------------------------- the Provider interface

    def check_key(self) -> None:
        call_sdk(self._key, "checking your OpenAI key", self._client.models.list)

    def upload(
        self,
        path: Path,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> UploadedFile:
        return upload_file(
            self._client, self._key, path, filename=filename, progress=progress, cancelled=cancelled
        )

    def find_file(self, filename: str) -> UploadedFile | None:
        return find_uploaded_file(self._client, self._key, filename)

    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        hyperparameters: dict[str, Any] = {}
        if options.epochs is not None:
            hyperparameters["n_epochs"] = options.epochs
        if options.batch_size is not None:
            hyperparameters["batch_size"] = options.batch_size
        if options.learning_rate_multiplier is not None:
            hyperparameters["learning_rate_multiplier"] = options.learning_rate_multiplier
        # Only what the writer set; OpenAI chooses the rest ("auto").
        kind = "supervised"
        if options.method == PREFERENCE:
            kind = "dpo"
            if options.dpo_beta is not None:
                hyperparameters["beta"] = options.dpo_beta
        method: dict[str, Any] = {"type": kind}
        if hyperparameters:
            method[kind] = {"hyperparameters": hyperparameters}
        # A fine-tuned model (``ft:…``) is trained further by naming it as the model.
        start = options.from_model or model
        extra: dict[str, Any] = {}
        suffix = sanitise_suffix(options.suffix)
        if suffix:
            extra["suffix"] = suffix
        if options.validation_file_id:
            extra["validation_file"] = options.validation_file_id
        # Never retried: if the answer is lost, the job may exist already, and a retry would
        # start (and bill) a second one. The caller looks with find_job before trying again.
        once = self._client.with_options(max_retries=0)
        job = call_sdk(
            self._key,
            "starting the training",
            lambda: once.fine_tuning.jobs.create(
                model=start, training_file=training_file, method=method, **extra
            ),
            model=start,
            creating=True,
            training=options.method,
        )
        return job_record(job, self._key)

    def find_job(self, training_file: str) -> Job | None:
        def newest() -> Any:
            for job in self._client.fine_tuning.jobs.list(limit=_PAGE_SIZE):
                if job.training_file == training_file:
                    return job
            return None

        found = call_sdk(self._key, "looking for your earlier training", newest)
        return job_record(found, self._key) if found is not None else None

    def get_job(self, job_id: str) -> Job:
        job = call_sdk(
            self._key,
            "checking on the training",
            lambda: self._client.fine_tuning.jobs.retrieve(job_id),
        )
        return job_record(job, self._key)

    def list_jobs(self, limit: int = 20) -> list[Job]:
        page = call_sdk(
            self._key,
            "listing your trainings",
            lambda: self._client.fine_tuning.jobs.list(limit=limit),
        )
        return [job_record(job, self._key) for job in page.data[:limit]]

    def cancel_job(self, job_id: str) -> Job:
        try:
            job = call_sdk(
                self._key,
                "cancelling the training",
                lambda: self._client.fine_tuning.jobs.cancel(job_id),
            )
        except ProviderError as problem:
            # Cancelling a job that has just ended is refused; the ended job is the answer.
            if problem.kind == ProviderError.REFUSED:
                current = self.get_job(job_id)
                if current.finished:
                    return current
            raise
        return job_record(job, self._key)

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

        found = call_sdk(self._key, "reading the training's progress", newer)
        return [event_record(event, self._key) for event in reversed(found)]

    def metrics(self, job_id: str) -> list[MetricPoint]:
        with self._metrics_lock:
            so_far = self._metrics.setdefault(job_id, MetricsSoFar())
        for event in self.events(job_id, after=so_far.last_event):
            so_far.last_event = event.id
            if event.kind == "metrics":
                merge_metric(so_far, event.data)
        if not so_far.from_result_file:
            read_result_file(self._client, self._key, job_id, so_far)
        return [so_far.points[step] for step in sorted(so_far.points)]

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        found = call_sdk(
            self._key,
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
        page = call_sdk(
            self._key, "listing OpenAI's models", lambda: list(self._client.models.list())
        )
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
        return stream_reply(
            self._client, self._key, model, messages, temperature=temperature, max_tokens=max_tokens
        )
