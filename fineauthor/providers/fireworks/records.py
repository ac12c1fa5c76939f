"""Fireworks' supervised and DPO fine-tuning jobs as FineAuthor's records: its ``JOB_STATE_*``
words in FineAuthor's states and in plain words, the trained model's full name, and a failure's
reason (with the line of the examples when Fireworks names one).

A job (docs.fireworks.ai/api-reference/get-supervised-fine-tuning-job; fw-ai-external/python-sdk
``types/supervised_fine_tuning_job.py``) has ``name`` (``accounts/{a}/supervisedFineTuningJobs/
{id}``), ``dataset``, ``baseModel``, ``outputModel``, ``state``, ``status`` (``{"code",
"message"}``), ``createTime``, ``completedTime``, ``updateTime``, ``epochs``, ``learningRate``,
``loraRank``, ``maxContextLength``, ``jobProgress`` (``percent``, ``epoch``, …). A DPO job
(docs.fireworks.ai/api-reference/get-dpo-job; python-sdk ``types/dpo_job.py``) is named
``accounts/{a}/dpoJobs/{id}`` and has the same ``dataset``, ``state``, ``status`` and times, with
``baseModel``, ``warmStartFrom`` and ``outputModel`` inside ``trainingConfig``, and
``lossConfig``. Fireworks publishes no event list for these jobs, so each state reached is told
as one event.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
from fineauthor.providers.fireworks.errors import NAME, line_of
from fineauthor.providers.json_fields import as_dict, as_int, as_text, as_time
from fineauthor.providers.scrubbing import scrub

PROVIDER_ID = "fireworks"

# Fireworks' job states in FineAuthor's. "Cancelling" and "writing results" are not over yet;
# "early stopped" ended well (training stopped once it stopped improving: the model exists);
# "expired" and the deleting states ended without a model.
STATE_STATES: dict[str, str] = {
    "JOB_STATE_UNSPECIFIED": QUEUED,
    "JOB_STATE_CREATING": QUEUED,
    "JOB_STATE_PENDING": QUEUED,
    "JOB_STATE_IDLE": QUEUED,
    "JOB_STATE_RE_QUEUEING": QUEUED,
    "JOB_STATE_VALIDATING": VALIDATING,
    "JOB_STATE_CREATING_INPUT_DATASET": VALIDATING,
    "JOB_STATE_RUNNING": RUNNING,
    "JOB_STATE_WRITING_RESULTS": RUNNING,
    "JOB_STATE_CANCELLING": RUNNING,
    "JOB_STATE_PAUSED": PAUSED,
    "JOB_STATE_COMPLETED": SUCCEEDED,
    "JOB_STATE_EARLY_STOPPED": SUCCEEDED,
    "JOB_STATE_FAILED": FAILED,
    "JOB_STATE_EXPIRED": FAILED,
    "JOB_STATE_CANCELLED": CANCELLED,
    "JOB_STATE_DELETING": CANCELLED,
    "JOB_STATE_DELETING_CLEANING_UP": CANCELLED,
}

# The same states as a writer reads them.
STATE_WORDS: dict[str, str] = {
    "JOB_STATE_UNSPECIFIED": f"{NAME} has the training and will start it soon.",
    "JOB_STATE_CREATING": f"{NAME} is setting up the training.",
    "JOB_STATE_PENDING": f"The training is waiting for a free machine at {NAME}.",
    "JOB_STATE_IDLE": f"The training is waiting for a free machine at {NAME}.",
    "JOB_STATE_RE_QUEUEING": f"{NAME} moved the training back into its queue; it will go on.",
    "JOB_STATE_VALIDATING": f"{NAME} is checking your examples.",
    "JOB_STATE_CREATING_INPUT_DATASET": f"{NAME} is preparing your examples for training.",
    "JOB_STATE_RUNNING": "Training is under way.",
    "JOB_STATE_WRITING_RESULTS": f"Training is done; {NAME} is saving the trained model.",
    "JOB_STATE_CANCELLING": "Stopping the training…",
    "JOB_STATE_PAUSED": f"{NAME} paused the training (this happens when an account is "
    "suspended or out of credit). Check your account on fireworks.ai.",
    "JOB_STATE_COMPLETED": "Training finished. The trained model is ready.",
    "JOB_STATE_EARLY_STOPPED": "Training finished early, once the model stopped improving. The "
    "trained model is ready.",
    "JOB_STATE_FAILED": "The training failed.",
    "JOB_STATE_EXPIRED": f"The training waited too long at {NAME} and was dropped. Start it again.",
    "JOB_STATE_CANCELLED": "The training was stopped. Nothing more will be charged for it.",
    "JOB_STATE_DELETING": f"The training was deleted at {NAME}.",
    "JOB_STATE_DELETING_CLEANING_UP": f"The training was deleted at {NAME}.",
}


def last_segment(name: str) -> str:
    """``accounts/a/supervisedFineTuningJobs/j1`` → ``j1`` (a bare id stays as it is)."""
    return name.rstrip("/").rsplit("/", 1)[-1]


def is_preference_job(name: str) -> bool:
    """Whether a job id (or full name) is a DPO job's: ``accounts/a/dpoJobs/j1``."""
    return "dpoJobs/" in name


def state_of(word: str) -> str:
    """FineAuthor's state for a Fireworks state word (an unknown one: keep watching)."""
    return STATE_STATES.get(word, RUNNING)


def plain_status(word: str) -> str:
    """A Fireworks state word as a sentence a writer can read."""
    return STATE_WORDS.get(word, f"{NAME} reports the training as “{status_word(word)}”.")


def status_word(word: str) -> str:
    """``JOB_STATE_WRITING_RESULTS`` → ``writing_results``: the provider's own word, short."""
    return word.removeprefix("JOB_STATE_").lower() or "unknown"


def model_name(output: str, account: str) -> str:
    """The trained model's full name, ``accounts/{account}/models/{id}``, as chat needs it."""
    if not output or output.startswith("accounts/"):
        return output
    return f"accounts/{account}/models/{output}"


def job_record(data: dict[str, object], *, account: str, secret: str) -> Job:
    """A Fireworks job object (supervised or DPO) as a Job."""
    word = as_text(data.get("state")) or "JOB_STATE_UNSPECIFIED"
    state = state_of(word)
    name = as_text(data.get("name"))
    preference = is_preference_job(name)
    # A DPO job keeps its models in trainingConfig, and is known by its full name.
    config = as_dict(data.get("trainingConfig")) if preference else data
    job_id = name if preference else last_segment(name)
    output = as_text(config.get("outputModel")) or last_segment(name)  # unnamed: the job's id
    model = as_text(config.get("baseModel")) or as_text(config.get("warmStartFrom"))
    finished = as_time(data.get("completedTime")) or as_time(data.get("updateTime"))
    return Job(
        id=job_id,
        provider=PROVIDER_ID,
        state=state,
        status=status_word(word),
        model=model,
        training_file=as_text(data.get("dataset")),
        fine_tuned_model=model_name(output, account) if state == SUCCEEDED else None,
        created_at=as_time(data.get("createTime")),
        finished_at=finished if state in (SUCCEEDED, FAILED, CANCELLED) else None,
        error_message=failure_reason(data, secret) if state == FAILED else None,
        method=PREFERENCE if preference else SUPERVISED,
    )


def failure_reason(data: dict[str, object], secret: str) -> str:
    """Why the job failed, in plain words, naming the line of the examples when Fireworks
    said which."""
    word = as_text(data.get("state"))
    said = scrub(as_text(as_dict(data.get("status")).get("message")).strip(), secret)[:500]
    line = line_of(said)
    if line is not None:
        return (
            f"{NAME} could not train on your examples: the problem is on line {line} of the "
            f'training file. {NAME} said: "{said}" Fix that example and train again.'
        )
    if word == "JOB_STATE_EXPIRED":
        return STATE_WORDS[word]
    if said:
        return f'The training failed. {NAME} said: "{said}"'
    return f"The training failed, and {NAME} did not say why. Try again, or ask its support."


def state_event(data: dict[str, object], *, secret: str) -> JobEvent:
    """The job's current state as one event; its id is the state, so each state reached is
    told once."""
    word = as_text(data.get("state")) or "JOB_STATE_UNSPECIFIED"
    state = state_of(word)
    message = failure_reason(data, secret) if state == FAILED else plain_status(word)
    when = (
        as_time(data.get("updateTime"))
        or as_time(data.get("createTime"))
        or datetime.fromtimestamp(0, UTC)
    )
    progress = as_dict(data.get("jobProgress"))
    details = {
        key: value
        for key, value in (("percent", as_int(progress.get("percent"))), ("state", word))
        if value is not None
    }
    return JobEvent(
        id=f"state:{word}",
        created_at=when,
        message=message,
        level="error" if state == FAILED else "info",
        kind="message",
        data=details,
    )
