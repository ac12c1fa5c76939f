"""What a watch window keeps in the project's job history: the job's row, and in its
``detail["watch"]`` what was seen (the last event, the total steps, the loss by step, the events
shown and the checkpoints), so a reopened project shows the same picture at once."""

from __future__ import annotations

import contextlib
from typing import Any

from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import Job

MAX_KEPT_EVENTS = 500  # events kept in the project for a reopened view (the newest)


def job_row(project: Any, provider_id: str, job_id: str) -> dict[str, Any] | None:
    """The job's row in ``project``'s job history (None when it has none, or cannot say)."""
    with contextlib.suppress(FineAuthorError):
        for row in reversed(project.jobs()):
            if row["provider"] == provider_id and row["job_id"] == job_id:
                return row
    return None


def record_watch(
    project: Any, provider_id: str, job_id: str, job: Job, watch: dict[str, Any]
) -> None:
    """Write ``job``'s status and model name, and ``watch`` (what the window saw), into its
    row. Raises FineAuthorError, with the project's own message, when that fails."""
    from fineauthor.training.attempts import record_progress

    record_progress(project, job)
    row = job_row(project, provider_id, job_id)
    if row is None:
        return
    detail = dict(row["detail"])
    detail["watch"] = watch
    if job.error_message:
        detail["error"] = job.error_message
    project.update_job(row["id"], detail=detail)
