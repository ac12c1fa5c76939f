"""Training jobs in a writer's words: states, events, errors and the next thing to do.

The services speak of ``validating_files``, ``queued``, ``Step 12/300: training loss=1.93``
and HTTP statuses; a novelist reads "Checking your file", "Waiting for a free machine",
"Training — step 12 of about 300". Everything here is a plain function so the words can be
tested without a window; every string goes through Qt's translation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    PAUSED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    VALIDATING,
    JobEvent,
    ProviderError,
)
from fineauthor.ui.widgets.price_words import moment_text

# The steps FineAuthor records before a service has a job of its own (training.attempts), and
# a job the service said it no longer knows.
UPLOADING, UPLOADED, CREATING, GONE = "uploading", "uploaded", "creating", "gone"


def _noop(text: str) -> str:
    """Marks a table's text for translation (``_tr`` translates it where it is shown)."""
    return QT_TRANSLATE_NOOP("JobWords", text)


def _tr(text: str) -> str:
    return QCoreApplication.translate("JobWords", text)


# Fixed words for each state; RUNNING and FAILED add a step count or a reason.
_STATE_WORDS = {
    VALIDATING: _noop("Checking your file"),
    QUEUED: _noop("Waiting for a free machine"),
    PAUSED: _noop("Paused"),
    SUCCEEDED: _noop("Done"),
    CANCELLED: _noop("Stopped"),
    UPLOADING: _noop("Sending your examples (not finished)"),
    UPLOADED: _noop("Examples sent; training not started"),
    CREATING: _noop("Starting training"),
    GONE: _noop("No longer on the service"),
}

_STATE_EXPLANATIONS = {
    VALIDATING: _noop("The service is reading your examples to make sure it can train on them."),
    QUEUED: _noop(
        "Your training is in the queue. This can take from a minute to an hour or more; "
        "you can close FineAuthor and come back."
    ),
    RUNNING: _noop(
        "The model is reading your examples again and again, a few at a time. You can "
        "close FineAuthor: it carries on watching when you open this project again."
    ),
    PAUSED: _noop("The service has paused this training."),
    SUCCEEDED: _noop("Your model is ready to use."),
    CANCELLED: _noop("This training was stopped before it finished. No model was made."),
    FAILED: _noop(
        "No model was made. The reason above comes from the service; fix what it names "
        "and train again."
    ),
    UPLOADING: _noop("Training again picks up where this stopped, without sending twice."),
    UPLOADED: _noop("Training again picks up where this stopped, without sending twice."),
    CREATING: _noop(
        "The service may have started this training without FineAuthor hearing back. "
        "Training again looks for it first and uses it when it is there."
    ),
    GONE: _noop(
        "The service no longer knows this training: it may have been deleted there. "
        "Training the same examples again starts afresh."
    ),
}


def state_text(
    state: str,
    *,
    step: int | None = None,
    total_steps: int | None = None,
    error: str | None = None,
) -> str:
    """A job's state as a writer reads it, e.g. "Training — step 120 of about 300"."""
    locale = QLocale()
    if state == RUNNING:
        if step is not None and total_steps:
            return (
                _tr("Training — step %1 of about %2")
                .replace("%1", locale.toString(step))
                .replace("%2", locale.toString(total_steps))
            )
        if step is not None:
            return _tr("Training — step %1").replace("%1", locale.toString(step))
        return _tr("Training")
    if state == FAILED:
        reason = (error or "").strip() or _tr("the service gave no reason")
        return _tr("Failed: %1").replace("%1", reason)
    if state in _STATE_WORDS:
        return _tr(_STATE_WORDS[state])
    return state or _tr("Not known")


def state_explanation(state: str) -> str:
    """One more line about what is happening now and what, if anything, to do."""
    text = _STATE_EXPLANATIONS.get(state)
    return _tr(text) if text else ""


# Words the services use in their event messages, in ours (first match wins).
_EVENT_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^created fine-?tuning job|fine-?tune request created", re.I),
        _noop("The service took on your training"),
    ),
    (re.compile(r"^validating training file", re.I), _noop("Checking your file")),
    (re.compile(r"^files? validated", re.I), _noop("Your file passed the service’s checks")),
    (
        re.compile(r"moving job to queued|job (was )?queued|^queued", re.I),
        _noop("Waiting for a machine"),
    ),
    (
        re.compile(r"fine-?tuning job started|training started|job started", re.I),
        _noop("Training began"),
    ),
    (re.compile(r"^new fine-?tuned model created", re.I), _noop("Your new model was made")),
    (
        re.compile(r"checkpoint created", re.I),
        _noop("A checkpoint was saved (a usable copy so far)"),
    ),
    (
        re.compile(r"successfully completed|job (has )?completed|^completed", re.I),
        _noop("Training finished"),
    ),
    (
        re.compile(r"job (was )?cancelled|job canceled|cancel(l)?ed by user", re.I),
        _noop("Training was stopped"),
    ),
    (
        re.compile(r"^usage policy", re.I),
        _noop("The service checked your examples against its rules"),
    ),
)


def event_text(event: JobEvent) -> str:
    """An event's message, in plain words where we know the service's phrase, otherwise the
    service's own sentence (which is usually plain enough and may name a reason)."""
    message = event.message.strip()
    if event.kind == "metrics":
        step = event.data.get("step")
        loss = event.data.get("train_loss")
        if isinstance(step, int) and isinstance(loss, int | float):
            return (
                _tr("Step %1: loss %2")
                .replace("%1", QLocale().toString(step))
                .replace("%2", QLocale().toString(float(loss), "f", 3))
            )
    for pattern, words in _EVENT_WORDS:
        if pattern.search(message):
            return _tr(words)
    return message


def time_text(moment: datetime | None) -> str:
    """A moment in the writer's local time, short: "12 Mar 2027, 14:32"."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment_text(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())))


def finish_text(estimated: datetime | None, now: datetime | None = None) -> str:
    """ "About 14:32 (in 25 minutes)", or "" when the service has not said."""
    if estimated is None:
        return ""
    now = now or datetime.now(UTC)
    if estimated.tzinfo is None:
        estimated = estimated.replace(tzinfo=UTC)
    minutes = round((estimated - now).total_seconds() / 60)
    local = QDateTime.fromSecsSinceEpoch(int(estimated.timestamp())).toLocalTime()
    clock = QLocale().toString(local.time(), QLocale.FormatType.ShortFormat)
    if minutes <= 1:
        return _tr("Any moment now")
    if minutes < 90:
        return _tr("About %1 (in %2 minutes)").replace("%1", clock).replace("%2", str(minutes))
    hours = round(minutes / 60)
    if hours < 24:
        return _tr("About %1 (in %2 hours)").replace("%1", clock).replace("%2", str(hours))
    return _tr("About %1").replace("%1", time_text(estimated))


_NEXT_STEPS = {
    ProviderError.AUTH: _noop("Check the key in Settings → Accounts."),
    ProviderError.BILLING: _noop(
        "Add credit or set up billing on your %1 account, then try again."
    ),
    ProviderError.RATE_LIMITED: _noop("%1 is busy. Wait a minute and try again; nothing is lost."),
    ProviderError.NOT_ALLOWED: _noop(
        "Most accounts can no longer train with %1. Choose Together AI instead: it is open "
        "to new accounts."
    ),
    ProviderError.MODEL_UNAVAILABLE: _noop("Choose another base model and try again."),
    ProviderError.FILE_REJECTED: _noop("Change the examples it names and try again."),
    ProviderError.NETWORK: _noop(
        "Check your internet connection and try again. FineAuthor first looks for what was "
        "already sent or started, so it never sends your examples or starts training twice."
    ),
    ProviderError.SERVER: _noop(
        "Wait a few minutes and try again. FineAuthor first looks for a training that did "
        "start, so it never starts one twice."
    ),
    ProviderError.NOT_FOUND: _noop("It may have been removed on the service’s website."),
    ProviderError.JOB_FAILED: _noop("Fix what the service names and train again."),
    ProviderError.REFUSED: _noop(
        "Go back, change the setting it names (under Advanced), and try again."
    ),
}


def next_step(problem: ProviderError, service: str) -> str:
    """What a writer can do about a service's refusal or a lost connection."""
    if problem.kind == ProviderError.FILE_REJECTED and problem.line is not None:
        return _tr("Look at example %1, change it, and try again.").replace(
            "%1", QLocale().toString(problem.line)
        )
    text = _NEXT_STEPS.get(problem.kind)
    return _tr(text).replace("%1", service) if text else ""


def short_hash(sha256: str | None) -> str:
    """The first 8 hex digits: enough to tell two snapshots of the examples apart."""
    return (sha256 or "")[:8]
