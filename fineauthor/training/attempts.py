"""Starting a fine-tune from prepared examples: upload them, create the job, resume an attempt
that was interrupted, and keep the project's job history up to date.

Each step is written to the project before and after it happens (the job history), so a crash,
a dropped connection or pressing Train again never starts a second job for the same examples:
an unfinished attempt is resumed — the upload is looked for on the service before sending it
again, and the job is looked for before creating one.

An attempt belongs to the service address and the account it was made with (the account by a
fingerprint of its key, never the key). Training the same examples against another address or
account starts a fresh attempt there, and so does a job the service no longer knows; each is
said in one plain line. When the answer to a job creation is lost, the job is looked for at
once, a few times, before anything is reported.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from fineauthor.core.project.job_history import key_fingerprint
from fineauthor.core.project.project import Project
from fineauthor.providers.base import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    Job,
    Progress,
    Provider,
    ProviderError,
    TrainingOptions,
)
from fineauthor.training.prepare import PreparedDataset

# Job-history statuses for the steps before the service has a job of its own.
UPLOADING, UPLOADED, CREATING = "uploading", "uploaded", "creating"
_UNFINISHED_STEPS = (UPLOADING, UPLOADED, CREATING)
# A job the service said it does not know (deleted there): never watched again.
GONE = "gone"

#: Seconds to wait before each look for a job whose creation reply was lost: the first look
#: at once, then with backoff. Four looks over about seven seconds.
LOST_REPLY_WAITS = (0.0, 1.0, 2.0, 4.0)
# The kinds of trouble after which a creation may have happened without its answer arriving.
_REPLY_MAY_BE_LOST = (ProviderError.SERVER, ProviderError.NETWORK)

Log = Callable[[str], None]
Sleep = Callable[[float], None]


class StartUnconfirmedError(ProviderError):
    """The service was asked to start the training, its answer was lost, and the job was
    looked for without being found: it may exist (and be billing) all the same."""


@dataclass(frozen=True)
class ServiceAccount:
    """The service address and the account (by a fingerprint of its key) an attempt is made
    with: an attempt is only ever resumed with the same two."""

    base_url: str
    key_fingerprint: str


def service_account(provider_id: str, api_key: str) -> ServiceAccount:
    """The account ``api_key`` reaches at the address ``provider_id`` is opened with."""
    from fineauthor.providers.registry import base_url_for

    return ServiceAccount(base_url_for(provider_id).rstrip("/"), key_fingerprint(api_key))


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
    account: ServiceAccount | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    log: Log | None = None,
) -> Attempt:
    """The first half of training: record the attempt and get the examples onto the service
    (or find them there). When a job for exactly these examples, this service, this account
    and this model is already under way or finished well, the attempt carries that job and
    nothing is sent. ``fresh`` ignores every earlier attempt: the examples are sent again and
    a new job follows."""
    say = log or (lambda _message: None)
    project.record_snapshot(dataset.sha256, dataset.jsonl)
    row = _attempt_to_resume(
        project, provider, model_id, dataset.sha256, account=account, fresh=fresh, say=say
    )
    if row is not None and row["job_id"]:
        job = _job_if_known(project, provider, row, say)
        if job is not None:
            _claim(project, row, account)
            if job.state == SUCCEEDED:
                say(f"These exact examples were already trained: {job.fine_tuned_model}.")
                return Attempt(row["id"], row["file_id"], True, job)
            if job.state not in (FAILED, CANCELLED):
                say(f"These exact examples are already being trained (job {job.id}).")
                return Attempt(row["id"], row["file_id"], True, job)
        row = None  # that attempt ended badly, or its job is gone: this is a new one
    resumed = row is not None and row["status"] in _UNFINISHED_STEPS
    if resumed:
        assert row is not None
        row_id, file_id = row["id"], row["file_id"]
        say("Picking up where the last attempt stopped.")
    else:
        where: dict[str, str] = {}
        if account is not None:
            where = {"base_url": account.base_url, "key_fingerprint": account.key_fingerprint}
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
            **where,
        )
        file_id = None
    if not file_id:
        earlier = None if fresh else provider.find_file(dataset.upload_name)
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
    *,
    log: Log | None = None,
    sleep: Sleep = time.sleep,
) -> Job:
    """The second half: create the job for an uploaded attempt — unless the service already
    has one for that file from this attempt (a lost reply, a crash), which is then used.

    When the answer to the creation itself is lost (the service's own trouble, or a
    connection that dropped after the request went out), the job may well exist: it is looked
    for at once, a few times with backoff (``sleep`` waits), and used when found. Only when it
    is still not found is the trouble reported, saying that the job may exist."""
    if attempt.job is not None:
        return attempt.job
    job = provider.find_job(attempt.file_id)
    earlier = None  # an old job on the same file, which a lost reply must not be taken for
    if job is not None and job.state in (FAILED, CANCELLED) and not attempt.resumed:
        earlier, job = job.id, None  # an old, failed job on the same file: start afresh
    if job is None:
        project.update_job(attempt.row_id, status=CREATING)
        try:
            job = provider.create_job(model_id, attempt.file_id, options)
        except ProviderError as problem:
            if problem.kind not in _REPLY_MAY_BE_LOST:
                raise
            job = _look_for_lost_job(provider, attempt.file_id, earlier, sleep)
            if job is None:
                raise _still_not_found(provider, problem.kind) from None
            (log or (lambda _message: None))(
                f"{provider.name}’s answer was lost on the way, but the training had started: "
                f"FineAuthor found it (job {job.id})."
            )
    project.update_job(attempt.row_id, job_id=job.id, status=job.state)
    return job


def start_training(
    project: Project,
    provider: Provider,
    model_id: str,
    options: TrainingOptions,
    dataset: PreparedDataset,
    *,
    account: ServiceAccount | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    log: Log | None = None,
    sleep: Sleep = time.sleep,
) -> Job:
    """Both halves: upload (or resume) and create the job. Never a second job for the same
    examples, service, account and model while one is under way or has succeeded — unless
    ``fresh`` asks for one."""
    attempt = upload_dataset(
        project,
        provider,
        model_id,
        options,
        dataset,
        account=account,
        fresh=fresh,
        progress=progress,
        cancelled=cancelled,
        log=log,
    )
    return create_job(project, provider, model_id, options, attempt, log=log, sleep=sleep)


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
        if row["job_id"] and row["status"] not in (SUCCEEDED, FAILED, CANCELLED, GONE)
    ]


def _same_examples(project: Project, provider_id: str, sha256: str, model_id: str) -> list[dict]:
    return [
        row
        for row in project.jobs()
        if row["provider"] == provider_id
        and row["dataset_sha256"] == sha256
        and row["model"] == model_id
    ]


def _belongs(row: dict, account: ServiceAccount | None) -> bool:
    """Whether the attempt in ``row`` was made with ``account``. A row from before accounts
    were noted belongs to any account once it has a job (the service is asked about that job;
    a job it does not know starts afresh); without one it is not resumed, though its upload
    and job are still found on the service by name."""
    if account is None:
        return row["base_url"] is None and row["key_fingerprint"] is None
    if row["base_url"] is None and row["key_fingerprint"] is None:
        return bool(row["job_id"])
    return (row["base_url"], row["key_fingerprint"]) == (
        account.base_url,
        account.key_fingerprint,
    )


def _latest_attempt(
    project: Project,
    provider_id: str,
    sha256: str,
    model_id: str,
    account: ServiceAccount | None,
) -> dict | None:
    rows = [
        row
        for row in _same_examples(project, provider_id, sha256, model_id)
        if _belongs(row, account)
    ]
    return rows[-1] if rows else None


def _attempt_to_resume(
    project: Project,
    provider: Provider,
    model_id: str,
    sha256: str,
    *,
    account: ServiceAccount | None,
    fresh: bool,
    say: Log,
) -> dict | None:
    """The newest earlier attempt with these examples and this account, if any (none when a
    ``fresh`` one is asked for); one line when there are only attempts made elsewhere."""
    if fresh:
        say("Starting a fresh attempt, as asked: the examples are sent again for a new training.")
        return None
    row = _latest_attempt(project, provider.id, sha256, model_id, account)
    if row is None and _tried_elsewhere(project, provider.id, sha256, model_id):
        say(
            f"These examples were sent before with another {provider.name} account or to "
            "another address, which cannot be reached from here; starting a fresh attempt."
        )
    return row


def _tried_elsewhere(project: Project, provider_id: str, sha256: str, model_id: str) -> bool:
    """Whether these examples were tried with a known other address or account."""
    return any(
        row["base_url"] is not None or row["key_fingerprint"] is not None
        for row in _same_examples(project, provider_id, sha256, model_id)
    )


def _job_if_known(project: Project, provider: Provider, row: dict, say: Log) -> Job | None:
    """The attempt's job as the service sees it now, or None (said in one line, and noted in
    the history) when the service no longer knows it."""
    try:
        return provider.get_job(row["job_id"])
    except ProviderError as problem:
        if problem.kind != ProviderError.NOT_FOUND:
            raise
    say(
        f"{provider.name} no longer knows the earlier training of these examples (job "
        f"{row['job_id']}): it may have been deleted. Starting a fresh attempt."
    )
    project.update_job(row["id"], status=GONE)
    return None


def _claim(project: Project, row: dict, account: ServiceAccount | None) -> None:
    """A row from before accounts were noted, whose job this account's service knows: note
    the account, so the attempt is told apart from now on."""
    if account is not None and row["base_url"] is None and row["key_fingerprint"] is None:
        project.update_job(
            row["id"], base_url=account.base_url, key_fingerprint=account.key_fingerprint
        )


def _look_for_lost_job(
    provider: Provider, file_id: str, earlier: str | None, sleep: Sleep
) -> Job | None:
    """The job a creation whose answer was lost may have made: the newest on ``file_id`` that
    is not the ``earlier`` one. Trouble during a look counts as a look that found nothing."""
    for wait in LOST_REPLY_WAITS:
        if wait:
            sleep(wait)
        try:
            found = provider.find_job(file_id)
        except ProviderError:
            continue
        if found is not None and found.id != earlier:
            return found
    return None


def _still_not_found(provider: Provider, kind: str) -> StartUnconfirmedError:
    looks = len(LOST_REPLY_WAITS)
    return StartUnconfirmedError(
        kind,
        f"{provider.name} did not answer when FineAuthor asked it to start the training, so "
        f"it may have started it anyway. FineAuthor looked for it {looks} times and did not "
        f"find it. Before you try again, look at the list of trainings on your "
        f"{provider.name} account (on its website, or with “fineauthor jobs --provider "
        f"{provider.id}”): if it is there, it is already training and being paid for. "
        "Trying again looks for it once more before starting anything.",
    )


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
