"""The state of one fake Fireworks account — its datasets and its supervised and DPO fine-tuning
jobs — how a job moves on one state each time it is fetched, and the server-side check of a
dataset (chat examples or preference pairs), for the fake Fireworks server."""

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

# A dataset's kind, from its examples' keys.
CHAT, PREFERENCE = "chat", "preference"
_PAIR_KEYS = ("input", "preferred_output", "non_preferred_output")


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
    kind: str = ""  # CHAT or PREFERENCE, once it is ready

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
    dpo: bool = False  # a DPO job (its settings nested in trainingConfig), not a supervised one
    base_model: str = ""  # for a warm-started job, the base model of the add-on it went on from

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def name(self, account: str) -> str:
        collection = "dpoJobs" if self.dpo else "supervisedFineTuningJobs"
        return f"accounts/{account}/{collection}/{self.id}"

    def output_model(self, account: str) -> str:
        settings = self.request.get("trainingConfig", {}) if self.dpo else self.request
        return f"accounts/{account}/models/" + str(settings.get("outputModel") or self.id)

    def as_json(self, account: str) -> dict[str, Any]:
        settings = dict(self.request.get("trainingConfig", {}) if self.dpo else self.request)
        config: dict[str, Any] = {
            "baseModel": self.base_model or settings.get("baseModel"),
            "outputModel": self.output_model(account),
            "epochs": settings.get("epochs", 1),
            "learningRate": settings.get("learningRate", 0.0001),
            "loraRank": settings.get("loraRank", 8),
            "maxContextLength": settings.get("maxContextLength", 8192),
        }
        if settings.get("warmStartFrom"):
            config["warmStartFrom"] = settings["warmStartFrom"]
        body: dict[str, Any] = {
            "name": self.name(account),
            "displayName": self.request.get("displayName", ""),
            "dataset": self.request.get("dataset"),
            "state": self.state,
            "status": {"code": "OK", "message": ""},
            "createTime": self.created,
            "updateTime": self.updated or self.created,
            "createdBy": "writer@example.com",
        }
        if self.dpo:
            body["trainingConfig"] = config
            body["lossConfig"] = self.request.get("lossConfig") or {"method": "METHOD_UNSPECIFIED"}
        else:
            body |= config
            body["jobProgress"] = {"percent": 100 if self.state == "JOB_STATE_COMPLETED" else 0}
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


def dataset_kind(data: bytes) -> str:
    """PREFERENCE when the first example is a preference pair, else CHAT."""
    for line in data.decode("utf-8", "replace").splitlines():
        if line.strip():
            try:
                example = json.loads(line)
            except ValueError:
                return CHAT
            pair = isinstance(example, dict) and all(key in example for key in _PAIR_KEYS)
            return PREFERENCE if pair else CHAT
    return CHAT


def dataset_problems(data: bytes, *, reject_line: tuple[int, str] | None = None) -> str | None:
    """Fireworks' rules for a dataset, as its message: at least 3 examples, all of one kind —
    each a ``messages`` list of system/user/assistant messages (docs.fireworks.ai "fine-tuning
    models"), or each a preference pair: ``input.messages`` and one assistant message in each of
    ``preferred_output`` and ``non_preferred_output`` (docs.fireworks.ai "DPO fine-tuning")."""
    lines = [line for line in data.decode("utf-8", "replace").splitlines()]
    kind = dataset_kind(data)
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
        if not isinstance(example, dict):
            example = {}
        problem = _pair_problem(example) if kind == PREFERENCE else _chat_problem(example)
        if problem:
            return f"Line {number}: {problem}"
        count += 1
    if count < 3:
        return f"The dataset has {count} examples; at least 3 are required."
    return None


def _chat_problem(example: dict[str, Any]) -> str | None:
    messages = example.get("messages")
    if not isinstance(messages, list) or not messages:
        if all(key in example for key in _PAIR_KEYS):
            return "every sample must have the same format as the first (chat 'messages')"
        return "each sample must contain a non-empty 'messages' array"
    for message in messages:
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ("system", "user", "assistant"):
            return "role must be one of system, user or assistant"
    return None


def _pair_problem(example: dict[str, Any]) -> str | None:
    if not all(key in example for key in _PAIR_KEYS):
        return (
            "every sample must have the same format as the first (input, preferred_output "
            "and non_preferred_output)"
        )
    given = example["input"]
    problem = _chat_problem(given if isinstance(given, dict) else {})
    if problem:
        return f"input: {problem}"
    for key in _PAIR_KEYS[1:]:
        output = example[key]
        one = isinstance(output, list) and len(output) == 1 and isinstance(output[0], dict)
        if not one or output[0].get("role") != "assistant":
            return f"{key} must hold exactly one assistant message"
    return None
