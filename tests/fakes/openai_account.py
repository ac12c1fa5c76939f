"""The state of one fake OpenAI account — its files, uploads, fine-tuning jobs and models — and
how a job moves on each time it is looked at, for the fake OpenAI server."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

# A fixed clock: timestamps only ever grow by one second per thing that happens.
EPOCH = 1_780_000_000

DEFAULT_MODELS: tuple[dict[str, Any], ...] = (
    {"id": "gpt-4.1-mini-2025-04-14", "owned_by": "system", "shutdown_date": "2027-01-14"},
    {"id": "gpt-4o-mini-2024-07-18", "owned_by": "system", "shutdown_date": "2027-01-14"},
    {"id": "gpt-4.1-2025-04-14", "owned_by": "system", "shutdown_date": "2027-01-14"},
    {"id": "gpt-5-mini", "owned_by": "system"},
    {"id": "gpt-3.5-turbo-0125", "owned_by": "openai", "shutdown_date": "2025-09-15"},
)


@dataclass
class OpenAIJob:
    """A fine-tuning job and the fake's private bookkeeping about it."""

    data: dict[str, Any]
    total_steps: int
    fail_with: dict[str, Any] | None = None  # an error {code, message, param} it will end with
    fail_at_step: int = 0
    step: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    checkpoints: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    rows: list[dict[str, Any]] = field(default_factory=list)  # what the result CSV will hold


class OpenAIAccount:
    """What the fake OpenAI holds, without any HTTP. Jobs move forward only when they are
    looked at, so tests are deterministic and fast: validating_files → queued → running
    (``steps_per_poll`` training steps per look, each with a ``metrics`` event) → succeeded,
    with a fine-tuned model id and a result CSV."""

    def __init__(self) -> None:
        # -- how jobs live
        self.models: list[dict[str, Any]] = [dict(m) for m in DEFAULT_MODELS]
        self.total_steps = 6  # training steps of a job
        self.steps_per_poll = 2  # how far a running job moves each time it is looked at
        self.metrics_event_every = 1  # 2: metrics events only every other step (the CSV has all)
        # -- state
        self.files: dict[str, dict[str, Any]] = {}
        self.file_contents: dict[str, bytes] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.upload_parts: dict[str, bytes] = {}
        self.jobs: dict[str, OpenAIJob] = {}
        self.job_order: list[str] = []  # oldest first
        self._state_lock = threading.RLock()
        self._ids = itertools.count(1)
        self._clock = itertools.count(EPOCH)

    # ------------------------------------------------------------------ scenario helpers

    def advance(self, job_id: str, looks: int = 1) -> dict[str, Any]:
        """Move a job on as if it had been looked at ``looks`` times."""
        with self._state_lock:
            for _ in range(looks):
                self._progress(self.jobs[job_id])
            return self.jobs[job_id].data

    def run_to_end(self, job_id: str) -> dict[str, Any]:
        """Move a job on until it has finished."""
        with self._state_lock:
            job = self.jobs[job_id]
            while job.data["status"] not in ("succeeded", "failed", "cancelled"):
                self._progress(job)
            return job.data

    # ------------------------------------------------------------------ plumbing

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):06d}fake"

    def _now(self) -> int:
        return next(self._clock)

    def _store_file(self, filename: str, purpose: str, content: bytes) -> dict[str, Any]:
        file = {
            "id": self._new_id("file"),
            "object": "file",
            "bytes": len(content),
            "created_at": self._now(),
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
            "status_details": None,
            "expires_at": None,
        }
        self.files[file["id"]] = file
        self.file_contents[file["id"]] = content
        return file

    # ------------------------------------------------------------------ a job's life

    def _event(
        self,
        job: OpenAIJob,
        message: str,
        *,
        level: str = "info",
        type: str = "message",
        data: dict[str, Any] | None = None,
    ) -> None:
        job.events.append(
            {
                "object": "fine_tuning.job.event",
                "id": self._new_id("ftevent"),
                "created_at": self._now(),
                "level": level,
                "message": message,
                "data": data or {},
                "type": type,
            }
        )

    def _progress(self, job: OpenAIJob) -> None:
        """One look at the job: move it along its life."""
        data = job.data
        status = data["status"]
        if status == "validating_files":
            data["status"] = "queued"
            self._event(job, "Files validated, moving job to queued state")
        elif status == "queued":
            data["status"] = "running"
            data["estimated_finish"] = self._now() + 600
            self._event(job, "Fine-tuning job started")
        elif status == "running":
            for _ in range(self.steps_per_poll):
                if job.fail_with is not None and job.step + 1 >= job.fail_at_step:
                    self._fail(job)
                    return
                self._train_step(job)
                if job.step >= job.total_steps:
                    self._succeed(job)
                    return

    def _train_step(self, job: OpenAIJob) -> None:
        job.step += 1
        step = job.step
        train_loss = round(2.0 / (1 + 0.5 * step), 4)
        train_accuracy = round(0.5 + 0.05 * step, 4)
        has_validation = job.data["validation_file"] is not None
        valid_loss = round(train_loss + 0.1, 4) if has_validation else None
        valid_accuracy = round(train_accuracy - 0.02, 4) if has_validation else None
        job.rows.append(
            {
                "step": step,
                "train_loss": train_loss,
                "train_accuracy": train_accuracy,
                "valid_loss": valid_loss,
                "valid_mean_token_accuracy": valid_accuracy,
            }
        )
        if step % self.metrics_event_every == 0:
            metrics: dict[str, Any] = {
                "step": step,
                "train_loss": train_loss,
                "train_mean_token_accuracy": train_accuracy,
                "total_steps": job.total_steps,
            }
            if has_validation:
                metrics["valid_loss"] = valid_loss
                metrics["valid_mean_token_accuracy"] = valid_accuracy
            self._event(
                job,
                f"Step {step}/{job.total_steps}: training loss={train_loss:.4f}",
                type="metrics",
                data=metrics,
            )
        # Like OpenAI: a usable checkpoint at the end of each of the last epochs (here: every
        # third step and the last).
        if step % 3 == 0 or step == job.total_steps:
            suffix = job.data["suffix"] or ""
            job.checkpoints.append(
                {
                    "object": "fine_tuning.job.checkpoint",
                    "id": self._new_id("ftckpt"),
                    "created_at": self._now(),
                    "fine_tuned_model_checkpoint": (
                        f"ft:{job.data['model']}:fineauthor:{suffix}:{job.data['id'][-10:]}"
                        f":ckpt-step-{step}"
                    ),
                    "fine_tuning_job_id": job.data["id"],
                    "metrics": {
                        "step": float(step),
                        "train_loss": train_loss,
                        "train_mean_token_accuracy": train_accuracy,
                        "valid_loss": valid_loss,
                        "valid_mean_token_accuracy": valid_accuracy,
                        "full_valid_loss": valid_loss,
                        "full_valid_mean_token_accuracy": valid_accuracy,
                    },
                    "step_number": step,
                }
            )

    def _result_csv(self, job: OpenAIJob) -> bytes:
        lines = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
        for row in job.rows:
            cells = [row["step"], row["train_loss"], row["train_accuracy"]]
            cells += [row["valid_loss"], row["valid_mean_token_accuracy"]]
            lines.append(",".join("" if c is None else str(c) for c in cells))
        return ("\n".join(lines) + "\n").encode()

    def _finish(self, job: OpenAIJob, status: str) -> None:
        job.data["status"] = status
        job.data["finished_at"] = self._now()
        job.data["estimated_finish"] = None
        if job.rows:
            result = self._store_file(
                "step_metrics.csv", "fine-tune-results", self._result_csv(job)
            )
            job.data["result_files"] = [result["id"]]

    def _succeed(self, job: OpenAIJob) -> None:
        data = job.data
        suffix = data["suffix"] or ""
        data["fine_tuned_model"] = f"ft:{data['model']}:fineauthor:{suffix}:{data['id'][-10:]}"
        data["trained_tokens"] = 1234 * job.total_steps
        self._event(job, f"New fine-tuned model created: {data['fine_tuned_model']}")
        self._event(job, "The job has successfully completed")
        self._finish(job, "succeeded")
        self.models.append({"id": data["fine_tuned_model"], "owned_by": "user-fineauthorfake"})

    def _fail(self, job: OpenAIJob) -> None:
        job.data["error"] = job.fail_with
        message = (job.fail_with or {}).get("message", "")
        self._event(job, f"The job failed: {message}", level="error")
        self._finish(job, "failed")
