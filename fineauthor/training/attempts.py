"""Starting a fine-tune from prepared examples: upload them, create the job, resume an attempt
that was interrupted, and keep the project's job history up to date.

Each step is written to the project before and after it happens (the job history), so a crash,
a dropped connection or pressing Train again never starts a second job for the same examples:
an unfinished attempt is resumed — the upload is looked for on the service before sending it
again, and the job is looked for before creating one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from fineauthor.core.project.project import Project
from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    Job,
    Progress,
    Provider,
    TrainingOptions,
)
from fineauthor.training.prepare import PreparedDataset

# Job-history statuses for the steps before the service has a job of its own.
UPLOADING, UPLOADED, CREATING = "uploading", "uploaded", "creating"
_UNFINISHED_STEPS = (UPLOADING, UPLOADED, CREATING)

Log = Callable[[str], None]


@dataclass(frozen=True)
class Attempt:
    """One try at training a frozen dataset, as recorded in the project's job history."""

    row_id: int
    file_id: str
    resumed: bool  # an interrupted attempt picked up again
    job: Job | None = None  # set when these examples already have a live or finished job


def upload_dataset(
    project: Project,
    provider: Provider,
    model_id: str,
    options: TrainingOptions,
    dataset: PreparedDataset,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    log: Log | None = None,
) -> Attempt:
    """The first half of training: record the attempt and get the examples onto the service
    (or find them there). When a job for exactly these examples, this service and this model
    is already under way or finished well, the attempt carries that job and nothing is sent."""
    say = log or (lambda _message: None)
    project.record_snapshot(dataset.sha256, dataset.jsonl)
    row = _latest_attempt(project, provider.id, dataset.sha256, model_id)
    if row is not None and row["job_id"]:
        job = provider.get_job(row["job_id"])
        if job.state == SUCCEEDED:
            say(f"These exact examples were already trained: {job.fine_tuned_model}.")
            return Attempt(row["id"], row["file_id"], True, job)
        if job.state not in (FAILED, CANCELLED):
            say(f"These exact examples are already being trained (job {job.id}).")
            return Attempt(row["id"], row["file_id"], True, job)
        row = None  # that attempt ended badly: this is a new one
    resumed = row is not None and row["status"] in _UNFINISHED_STEPS
    if resumed:
        assert row is not None
        row_id, file_id = row["id"], row["file_id"]
        say("Picking up where the last attempt stopped.")
    else:
        row_id = project.record_job(
            provider=provider.id,
            dataset_sha256=dataset.sha256,
            model=model_id,
            status=UPLOADING,
            detail={
                "examples": dataset.examples,
                "options": asdict(options),
                "estimate": dataset.report.estimate.to_json(),
            },
        )
        file_id = None
    if not file_id:
        earlier = provider.find_file(dataset.upload_name)
        if earlier is not None and earlier.bytes == len(dataset.jsonl):
            say("The examples were already uploaded; using that copy.")
            file_id = earlier.id
        else:
            file_id = _upload(provider, dataset, progress, cancelled).id
        project.update_job(row_id, file_id=file_id, status=UPLOADED)
    return Attempt(row_id, file_id, resumed)


def create_job(
    project: Project,
    provider: Provider,
    model_id: str,
    options: TrainingOptions,
    attempt: Attempt,
) -> Job:
    """The second half: create the job for an uploaded attempt — unless the service already
    has one for that file from this attempt (a lost reply, a crash), which is then used."""
    if attempt.job is not None:
        return attempt.job
    job = provider.find_job(attempt.file_id)
    if job is not None and job.state in (FAILED, CANCELLED) and not attempt.resumed:
        job = None  # an old, failed job on the same file: this attempt starts afresh
    if job is None:
        project.update_job(attempt.row_id, status=CREATING)
        job = provider.create_job(model_id, attempt.file_id, options)
    project.update_job(attempt.row_id, job_id=job.id, status=job.state)
    return job


def start_training(
    project: Project,
    provider: Provider,
    model_id: str,
    options: TrainingOptions,
    dataset: PreparedDataset,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    log: Log | None = None,
) -> Job:
    """Both halves: upload (or resume) and create the job. Never a second job for the same
    examples, service and model while one is under way or has succeeded."""
    attempt = upload_dataset(
        project,
        provider,
        model_id,
        options,
        dataset,
        progress=progress,
        cancelled=cancelled,
        log=log,
    )
    return create_job(project, provider, model_id, options, attempt)


def record_progress(project: Project, job: Job) -> None:
    """Keep the job history's status and model name up to date."""
    for row in project.jobs():
        if row["provider"] == job.provider and row["job_id"] == job.id:
            fields: dict[str, object] = {"status": job.state}
            if job.fine_tuned_model:
                fields["fine_tuned_model"] = job.fine_tuned_model
            project.update_job(row["id"], **fields)


def unfinished_jobs(project: Project) -> list[dict]:
    """Jobs in the history that had not finished when last seen (to watch again on reopen)."""
    return [
        row
        for row in project.jobs()
        if row["job_id"] and row["status"] not in (SUCCEEDED, FAILED, CANCELLED)
    ]


def _latest_attempt(project: Project, provider_id: str, sha256: str, model_id: str) -> dict | None:
    rows = [
        row
        for row in project.jobs()
        if row["provider"] == provider_id
        and row["dataset_sha256"] == sha256
        and row["model"] == model_id
    ]
    return rows[-1] if rows else None


def _upload(
    provider: Provider,
    dataset: PreparedDataset,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
):
    # The providers send files from disk; a private temporary copy is removed straight after.
    handle, name = tempfile.mkstemp(prefix="fineauthor-upload-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(dataset.jsonl)
        return provider.upload(
            Path(name), filename=dataset.upload_name, progress=progress, cancelled=cancelled
        )
    finally:
        Path(name).unlink(missing_ok=True)
