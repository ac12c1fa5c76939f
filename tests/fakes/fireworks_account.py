"""The state of one fake Fireworks account — its datasets and supervised fine-tuning jobs — how a
job moves on one state each time it is fetched, and the server-side check of a dataset, for the
fake Fireworks server."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT_ID = "saltmarrow-press"

_EPOCH = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

# The states a healthy job passes through, one per fetch.
LIFE = (
    "JOB_STATE_CREATING",
    "JOB_STATE_VALIDATING",
    "JOB_STATE_RUNNING",
    "JOB_STATE_WRITING_RESULTS",
    "JOB_STATE_COMPLETED",
)
FINISHED = ("JOB_STATE_COMPLETED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED")


def stamp(seconds: int) -> str:
    """An RFC 3339 time with nanoseconds, as Fireworks writes them."""
    moment = _EPOCH + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".123456789Z"


@dataclass
class FakeDataset:
    id: str
    display_name: str
    example_count: str
    created: str
    state: str = "UPLOADING"
    data: bytes = b""
    signed: bool = False  # given a signed address (then :validateUpload makes it ready)

    def as_json(self, account: str) -> dict[str, Any]:
        return {
            "name": f"accounts/{account}/datasets/{self.id}",
            "displayName": self.display_name,
            "createTime": self.created,
            "state": self.state,
            "status": {"code": "OK", "message": ""},
            "exampleCount": self.example_count,
            "userUploaded": {},
            "format": "CHAT",
        }


@dataclass
class FakeJob:
    id: str
    request: dict[str, Any]
    created: str
    fail_message: str | None = None  # fails with this message once it is running
    state: str = "JOB_STATE_CREATING"
    updated: str = ""
    completed: str = ""

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def as_json(self, account: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": f"accounts/{account}/supervisedFineTuningJobs/{self.id}",
            "displayName": self.request.get("displayName", ""),
            "dataset": self.request.get("dataset"),
            "baseModel": self.request.get("baseModel"),
            "outputModel": f"accounts/{account}/models/"
            + str(self.request.get("outputModel") or self.id),
            "state": self.state,
            "status": {"code": "OK", "message": ""},
            "createTime": self.created,
            "updateTime": self.updated or self.created,
            "createdBy": "writer@example.com",
            "epochs": self.request.get("epochs", 1),
            "learningRate": self.request.get("learningRate", 0.0001),
            "loraRank": self.request.get("loraRank", 8),
            "maxContextLength": self.request.get("maxContextLength", 8192),
            "jobProgress": {"percent": 100 if self.state == "JOB_STATE_COMPLETED" else 0},
        }
        if self.state == "JOB_STATE_FAILED" and self.fail_message:
            body["status"] = {"code": "INVALID_ARGUMENT", "message": self.fail_message}
        if self.completed:
            body["completedTime"] = self.completed
        return body


@dataclass
class FireworksAccount:
    """Datasets and jobs, guarded by ``state_lock``; a clock that ticks once per change."""

    datasets: dict[str, FakeDataset] = field(default_factory=dict)
    jobs: dict[str, FakeJob] = field(default_factory=dict)
    state_lock: threading.RLock = field(default_factory=threading.RLock)
    _clock: int = 0

    def now(self) -> str:
        self._clock += 1
        return stamp(self._clock)

    def advance(self, job: FakeJob) -> None:
        """One step further along its life (call with the lock held)."""
        if job.finished:
            return
        if job.state == "JOB_STATE_CANCELLING":
            job.state = "JOB_STATE_CANCELLED"
        elif job.fail_message and job.state == "JOB_STATE_RUNNING":
            job.state = "JOB_STATE_FAILED"
        else:
            job.state = LIFE[min(LIFE.index(job.state) + 1, len(LIFE) - 1)]
        job.updated = self.now()
        if job.finished:
            job.completed = job.updated


def dataset_problems(data: bytes, *, reject_line: tuple[int, str] | None = None) -> str | None:
    """Fireworks' rules for a chat dataset (docs.fireworks.ai "fine-tuning models": at least 3
    examples, each a ``messages`` list of system/user/assistant messages), as its message."""
    lines = [line for line in data.decode("utf-8", "replace").splitlines()]
    count = 0
    for number, line in enumerate(lines, start=1):
        if reject_line is not None and number == reject_line[0]:
            return f"Line {number}: {reject_line[1]}"
        if not line.strip():
            continue
        try:
            example = json.loads(line)
        except ValueError:
            return f"Line {number}: invalid JSON"
        messages = example.get("messages") if isinstance(example, dict) else None
        if not isinstance(messages, list) or not messages:
            return f"Line {number}: each sample must contain a non-empty 'messages' array"
        for message in messages:
            role = message.get("role") if isinstance(message, dict) else None
            if role not in ("system", "user", "assistant"):
                return f"Line {number}: role must be one of system, user or assistant"
        count += 1
    if count < 3:
        return f"The dataset has {count} examples; at least 3 are required."
    return None
