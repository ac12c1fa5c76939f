"""OpenAI's fine-tuning jobs and events as FineAuthor's records: the job states in FineAuthor's
words, and readers for the loose times and numbers the SDK's objects carry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    PAUSED,
    PREFERENCE,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    SUPERVISED,
    VALIDATING,
    Job,
    JobEvent,
)
from fineauthor.providers.scrubbing import scrub

PROVIDER_ID = "openai"

STATES = {
    "validating_files": VALIDATING,
    "queued": QUEUED,
    "running": RUNNING,
    "paused": PAUSED,
    "succeeded": SUCCEEDED,
    "failed": FAILED,
    "cancelled": CANCELLED,
}
_LEVELS = {"info": "info", "warn": "warning", "warning": "warning", "error": "error"}


def _time(timestamp: int | float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def number(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def job_record(job: Any, secret: str) -> Job:
    """An SDK fine-tuning job as a Job; a failure's reason is scrubbed of ``secret``."""
    error = getattr(job, "error", None)
    message = None
    if job.status == "failed":
        reason = (getattr(error, "message", None) or "").strip()
        message = scrub(reason, secret) if reason else "OpenAI did not say why."
    return Job(
        id=job.id,
        provider=PROVIDER_ID,
        state=STATES.get(job.status, RUNNING),  # an unknown word: still going
        status=job.status,
        model=job.model,
        training_file=job.training_file,
        fine_tuned_model=job.fine_tuned_model,
        created_at=_time(job.created_at),
        finished_at=_time(job.finished_at),
        estimated_finish=_time(getattr(job, "estimated_finish", None)),
        trained_tokens=job.trained_tokens,
        error_message=message,
        method=PREFERENCE if _method_type(job) == "dpo" else SUPERVISED,
    )


def _method_type(job: Any) -> str | None:
    """``method.type``: "supervised", "dpo" or "reinforcement" (older jobs carry none)."""
    return getattr(getattr(job, "method", None), "type", None)


def event_record(event: Any, secret: str) -> JobEvent:
    """An SDK job event as a JobEvent; its message is scrubbed of ``secret``."""
    data = event.data if isinstance(event.data, dict) else {}
    return JobEvent(
        id=event.id,
        created_at=_time(event.created_at) or datetime.now(tz=UTC),
        message=scrub(event.message or "", secret),
        level=_LEVELS.get(event.level, "info"),
        kind="metrics" if event.type == "metrics" else "message",
        data=dict(data),
    )
