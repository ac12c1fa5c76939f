"""Together's fine-tuning jobs and their events as FineAuthor's records: Together's status words
in FineAuthor's states, a failure's reason in Together's own words, and ids for events that
come without one."""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    PREFERENCE,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    SUPERVISED,
    Job,
    JobEvent,
    ProviderError,
)
from fineauthor.providers.json_fields import (
    as_dict,
    as_int,
    as_list,
    as_number,
    as_text,
    as_time,
)
from fineauthor.providers.scrubbing import scrub
from fineauthor.providers.together.transport import TogetherREST

# The shapes read here, and where they were confirmed (stored copies, read in late 2026):
#
# - A job has ``id``, ``status`` (``pending``, ``queued``, ``running``, ``compressing``,
#   ``uploading``, ``cancel_requested``, ``cancelled``, ``error``, ``user_error``,
#   ``completed``), ``model``, ``training_file``, ``model_output_name`` (older:
#   ``output_name``), ``created_at``, ``updated_at``, ``token_count``, ``progress``
#   (``estimate_available``, ``seconds_remaining``), ``events``, ``training_method``
#   (``{"method": "sft" | "dpo", …}``), ``from_checkpoint`` (together-py
#   ``types/finetune_response.py``; together-python ``types/finetune.py``).
# - ``GET /fine-tunes/{id}/events`` → ``{"data": [event, …]}``; an event has ``created_at``,
#   ``level``, ``message``, ``type``, ``step``, ``hash`` and *no id* (together-py
#   ``types/fine_tune_event.py``), so we derive one from its content.

PROVIDER_ID = "together"

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


def job_record(rest: TogetherREST, data: dict[str, Any]) -> Job:
    """A Together job object as a Job. A failed job listed without its events costs one more
    request, for the reason it failed."""
    status = as_text(data.get("status")).lower()
    state = STATUS_STATES.get(status, RUNNING)  # an unknown word: keep watching
    output = as_text(data.get("model_output_name")) or as_text(data.get("output_name"))
    created = as_time(data.get("created_at"))
    updated = as_time(data.get("updated_at"))
    estimated: datetime | None = None
    progress = as_dict(data.get("progress"))
    seconds = as_number(progress.get("seconds_remaining"))
    if progress.get("estimate_available") and seconds is not None and state == RUNNING:
        estimated = datetime.now(UTC) + timedelta(seconds=seconds)
    error: str | None = None
    if state == FAILED:
        error = _failure_reason(rest, data)
    job_id = as_text(data.get("id")) or as_text(data.get("job_id"))
    return Job(
        id=job_id,
        provider=PROVIDER_ID,
        state=state,
        status=status or "unknown",
        model=as_text(data.get("model")),
        training_file=as_text(data.get("training_file")),
        # Together names the model at creation; it only exists once the job completed.
        fine_tuned_model=(output or None) if state == SUCCEEDED else None,
        created_at=created,
        finished_at=updated if state in (SUCCEEDED, FAILED, CANCELLED) else None,
        estimated_finish=estimated,
        trained_tokens=as_int(data.get("token_count")),
        error_message=error,
        method=PREFERENCE if _method_word(data) == "dpo" else SUPERVISED,
    )


def _method_word(data: dict[str, Any]) -> str:
    """``training_method``'s word: ``"dpo"``, or ``"sft"`` (also when Together says none)."""
    method = data.get("training_method")
    word = as_dict(method).get("method") if isinstance(method, dict) else method
    return as_text(word).lower() or "sft"


def _failure_reason(rest: TogetherREST, data: dict[str, Any]) -> str | None:
    """Together's own words for a failure: an error field, else the last error event."""
    for key in ("error", "message", "error_message"):
        value = data.get(key)
        text = as_text(as_dict(value).get("message")) if isinstance(value, dict) else as_text(value)
        if text:
            return scrub(text, rest.api_key)
    events = [as_dict(e) for e in as_list(data.get("events"))]
    if not events and data.get("id"):
        with contextlib.suppress(ProviderError):
            listing = rest.json(rest.request("GET", f"/fine-tunes/{data['id']}/events"))
            events = [as_dict(e) for e in as_list(listing.get("data"))]
    for event in reversed(events):
        level = _level(event.get("level"))
        kind = as_text(event.get("type")).lower()
        if level == "error" or kind in ("job_error", "job_user_error"):
            message = as_text(event.get("message"))
            if message:
                return scrub(message, rest.api_key)
    return None


def event_records(raw: list[dict[str, Any]], secret: str) -> list[JobEvent]:
    """Together's events as JobEvents, oldest first, each with an id made from its content;
    messages are scrubbed of ``secret``."""
    # Together's events carry no id: make one from the time and the content, counting
    # repeats so two identical events stay two. Oldest first, whatever order they came in.
    epoch = datetime.fromtimestamp(0, UTC)
    order = sorted(range(len(raw)), key=lambda i: (as_time(raw[i].get("created_at")) or epoch, i))
    seen: dict[str, int] = {}
    events: list[JobEvent] = []
    for index in order:
        item = raw[index]
        stamp = as_text(item.get("created_at"))
        created = as_time(stamp) or epoch
        message = scrub(as_text(item.get("message")), secret)
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


def _level(value: object) -> str:
    word = as_text(value).lower().removeprefix("legacy_")
    if word in ("iwarning", "warning", "warn"):
        return "warning"
    if word in ("ierror", "error"):
        return "error"
    return "info"
