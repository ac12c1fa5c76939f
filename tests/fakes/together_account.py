"""The state of one fake Together AI account — its files and fine-tuning jobs — and how a job
moves on one step each time it is fetched, for the fake Together server."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

USER_NAME = "novelist"

_EPOCH = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass
class FakeFile:
    id: str
    filename: str
    created_at: int
    data: bytes = b""
    uploaded: bool = False
    processing_status: str | None = None  # None until preprocessed
    report: list[str] = field(default_factory=list)
    format: str = ""  # once checked: CONVERSATIONAL or PREFERENCE

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "object": "file",
            "created_at": self.created_at,
            "filename": self.filename,
            "bytes": len(self.data),
            "purpose": "fine-tune",
            "FileType": "jsonl",
            "LineCount": len(self.data.splitlines()),
            "Processed": self.processing_status == "COMPLETED",
        }
        if self.processing_status is not None:
            body["processing_status"] = self.processing_status
            body["validation_report"] = list(self.report)
        return body


@dataclass
class FakeJob:
    id: str
    request: dict[str, Any]
    created_at: str
    output_name: str
    total_steps: int
    model: str = ""  # the base model (a job started from a checkpoint names none itself)
    fail_message: str | None = None
    fail_at_step: int = 2
    status: str = "pending"
    step: int = 0
    updated_at: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, float]] = field(default_factory=list)
    checkpoints: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "error", "cancelled")

    def as_json(self, *, truncated: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "user_id": USER_NAME,
            "model": self.model or self.request.get("model"),
            "model_output_name": self.output_name,
            "training_file": self.request.get("training_file"),
            "validation_file": self.request.get("validation_file", ""),
            "n_epochs": self.request.get("n_epochs", 1),
            "batch_size": self.request.get("batch_size", "max"),
            "learning_rate": self.request.get("learning_rate", 0.00001),
            "training_type": self.request.get("training_type"),
            "training_method": self.request.get("training_method")
            or {"method": "sft", "train_on_inputs": "auto"},
            "from_checkpoint": self.request.get("from_checkpoint", ""),
            "suffix": self.request.get("suffix"),
            "created_at": self.created_at,
            "updated_at": self.updated_at or self.created_at,
            "token_count": 1234 if self.step else None,
            "total_price": 4_000_000_000 if self.status == "completed" else 0,
        }
        if self.status == "running":
            body["progress"] = {
                "estimate_available": True,
                "seconds_remaining": 60 * (self.total_steps - self.step),
            }
        if not truncated:
            body["events"] = list(self.events)
        return body


class TogetherAccount:
    """What the fake Together holds, without any HTTP. A job moves on one step each time it is
    fetched: pending → queued → running (one step per fetch, each with an event and a loss
    measurement) → compressing → uploading → completed, with its ``model_output_name``."""

    def __init__(self) -> None:
        self.state_lock = threading.Lock()
        self.files: dict[str, FakeFile] = {}
        self.jobs: dict[str, FakeJob] = {}
        self._clock = 0

    def run_job(self, job_id: str) -> FakeJob:
        """Move a job to its end without a client (tests that need a finished job)."""
        with self.state_lock:
            job = self.jobs[job_id]
            for _ in range(100):
                if job.finished:
                    break
                self._advance(job)
            return job

    def _now(self) -> tuple[str, int]:
        """A fake clock that ticks a second per use: ISO text with nanoseconds, as Together's
        Go services write it, and Unix seconds."""
        self._clock += 1
        moment = _EPOCH + timedelta(seconds=self._clock)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{self._clock:09d}Z"
        return text, int(moment.timestamp())

    def _event(self, job: FakeJob, kind: str, message: str, level: str = "Info") -> None:
        stamp, _ = self._now()
        job.events.append(
            {
                "object": "fine-tune-event",
                "created_at": stamp,
                "level": level,
                "message": message,
                "type": kind,
                "step": job.step,
                "total_steps": job.total_steps,
                "hash": "",
                "checkpoint_path": "",
                "model_path": "",
                "param_count": 8_000_000_000,
                "token_count": 1234,
                "training_offset": 0,
                "wandb_url": "",
            }
        )
        job.updated_at = stamp

    def _advance(self, job: FakeJob) -> None:
        """One tick of a job's life."""
        if job.finished:
            return
        if job.status == "cancel_requested":
            job.status = "cancelled"
            self._event(job, "job_stopped", "Job was cancelled by the user.")
        elif job.status == "pending":
            job.status = "queued"
            self._event(job, "job_pending", "Fine tune request created, waiting in the queue.")
        elif job.status == "queued":
            job.status = "running"
            self._event(job, "job_start", "Job started at a GPU near you.")
            self._event(job, "training_start", "Training started for model.")
        elif job.status == "running" and job.step < job.total_steps:
            job.step += 1
            if job.fail_message is not None and job.step >= job.fail_at_step:
                job.status = "error"
                self._event(job, "job_error", job.fail_message, level="Error")
                return
            loss = round(2.0 / job.step, 4)
            job.metrics.append(
                {"train/loss": loss, "train/learning_rate": 1e-5, "train/global_step": job.step}
            )
            if job.request.get("validation_file"):
                job.metrics.append(
                    {"eval/loss": round(loss * 1.1, 4), "train/global_step": job.step}
                )
            self._event(job, "training_progress", f"Step {job.step}/{job.total_steps} done.")
            if job.step == job.total_steps // 2:
                stamp, _ = self._now()
                job.checkpoints.append(
                    {
                        "checkpoint_type": "Intermediate",
                        "created_at": stamp,
                        "path": f"s3://checkpoints/{job.id}/{job.step}",
                        "step": job.step,
                    }
                )
                self._event(job, "checkpoint_save", f"Checkpoint saved at step {job.step}.")
        elif job.status == "running":
            job.status = "compressing"
            self._event(job, "training_complete", "Training completed.")
            self._event(job, "model_compressing", "Compressing output model.")
        elif job.status == "compressing":
            job.status = "uploading"
            self._event(job, "model_uploading", "Uploading output model.")
        elif job.status == "uploading":
            job.status = "completed"
            stamp, _ = self._now()
            job.checkpoints.append(
                {
                    "checkpoint_type": "Final",
                    "created_at": stamp,
                    "path": f"s3://models/{job.output_name}",
                    "step": job.step,
                    "object_name": job.output_name,
                }
            )
            self._event(job, "job_complete", f"Job finished. Model: {job.output_name}")


CONVERSATIONAL, PREFERENCE = "conversational", "preference"
_PREFERENCE_KEYS = {"input", "preferred_output", "non_preferred_output"}


def check_file(data: bytes, reject_line: tuple[int, str] | None = None) -> tuple[list[str], str]:
    """Together's server-side checks, in the words of its validation reports, and the file's
    format as Together detects it from the keys: ``messages`` (conversational) or ``input`` +
    ``preferred_output`` + ``non_preferred_output`` (preference), one format per file."""
    problems: list[str] = []
    found = ""
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if reject_line is not None and number == reject_line[0]:
            problems.append(f"Line {number}: {reject_line[1]}")
            continue
        if not line.strip():
            continue
        try:
            example = json.loads(line)
        except ValueError:
            problems.append(f"Line {number}: not valid JSON")
            continue
        if not isinstance(example, dict):
            problems.append(f"Line {number}: missing the messages field")
            continue
        kind = PREFERENCE if example.keys() >= _PREFERENCE_KEYS else CONVERSATIONAL
        if found and kind != found:
            problems.append(
                f"Line {number}: all samples must have the same format; line 1 was {found}, "
                f"this one is {kind}"
            )
            continue
        found = found or kind
        problem = _preference_problem(example) if kind == PREFERENCE else None
        messages = example.get("input", {}) if kind == PREFERENCE else example
        messages = messages.get("messages") if isinstance(messages, dict) else None
        if problem is None and (not isinstance(messages, list) or not messages):
            problem = "missing the messages field"
        if problem is None:
            for index, message in enumerate(messages or []):
                if not isinstance(message, dict) or "role" not in message:
                    problem = f"messages[{index}] must contain a role field"
                    break
        if problem is not None:
            problems.append(f"Line {number}: {problem}")
    return problems, found or CONVERSATIONAL


def _preference_problem(example: dict[str, Any]) -> str | None:
    """Together's rule for a pair: each output exactly one message, from the assistant."""
    for key in ("preferred_output", "non_preferred_output"):
        output = example.get(key)
        if (
            not isinstance(output, list)
            or len(output) != 1
            or not isinstance(output[0], dict)
            or output[0].get("role") != "assistant"
        ):
            return f"{key} must contain exactly one message from the assistant role"
    return None
