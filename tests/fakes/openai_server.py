"""A fake OpenAI API on 127.0.0.1, shaped like OpenAI's published API reference.

Covers what FineAuthor uses: files (multipart upload, list, content), the Uploads API (create,
parts, complete), fine-tuning jobs (create, list, retrieve, cancel, events, checkpoints),
models and chat completions (plain and streamed as server-sent events).

Jobs move forward only when they are looked at (``GET /v1/fine_tuning/jobs/{id}``), so tests are
deterministic and fast: validating_files → queued → running (``steps_per_poll`` training steps
per look, each with a ``metrics`` event) → succeeded, with a fine-tuned model id and a result
CSV. Switches on the server turn on OpenAI's refusals (see the attributes in ``__init__``).

    with FakeOpenAI(api_key="sk-test") as server:
        client = OpenAI(api_key="sk-test", base_url=server.url + "/v1")
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import (
    FakeHTTPServer,
    LoggedRequest,
    Request,
    Response,
    json_response,
    sse_response,
)

# A fixed clock: timestamps only ever grow by one second per thing that happens.
_EPOCH = 1_780_000_000

DEFAULT_MODELS: tuple[dict[str, Any], ...] = (
    {"id": "gpt-4.1-mini-2025-04-14", "owned_by": "system", "shutdown_date": "2027-01-14"},
    {"id": "gpt-4o-mini-2024-07-18", "owned_by": "system", "shutdown_date": "2027-01-14"},
    {"id": "gpt-4.1-2025-04-14", "owned_by": "system", "shutdown_date": "2027-01-14"},
    {"id": "gpt-5-mini", "owned_by": "system"},
    {"id": "gpt-3.5-turbo-0125", "owned_by": "openai", "shutdown_date": "2025-09-15"},
)
DEFAULT_TRAINABLE = frozenset(
    {"gpt-4.1-mini-2025-04-14", "gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14"}
)

# OpenAI's wording for an organisation that may no longer start fine-tuning jobs.
NOT_ALLOWED_MESSAGE = (
    "Your organization does not have access to fine-tuning. Self-serve fine-tuning is no "
    "longer available to new organizations."
)


def error_body(
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """OpenAI's error envelope."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def masked(key: str) -> str:
    """The way OpenAI echoes a wrong key back: its start, stars, its last four characters."""
    return key[:8] + "*" * max(4, len(key) - 12) + key[-4:] if len(key) > 12 else "sk-****"


@dataclass
class _Job:
    """A fine-tuning job and the fake's private bookkeeping about it."""

    data: dict[str, Any]
    total_steps: int
    fail_with: dict[str, Any] | None = None  # an error {code, message, param} it will end with
    fail_at_step: int = 0
    step: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    checkpoints: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    rows: list[dict[str, Any]] = field(default_factory=list)  # what the result CSV will hold


class FakeOpenAI(FakeHTTPServer):
    """OpenAI's API, faked. Public attributes are the scenario switches."""

    def __init__(self, *, api_key: str | None = "sk-test-fake-key-0000") -> None:
        super().__init__(api_key=api_key)
        # -- scenario switches
        self.fine_tuning_allowed = True  # False: job creation is refused with 403
        self.quota_exhausted = False  # True: billable calls get 429 insufficient_quota
        self.trainable_models: set[str] = set(DEFAULT_TRAINABLE)
        self.models: list[dict[str, Any]] = [dict(m) for m in DEFAULT_MODELS]
        self.total_steps = 6  # training steps of a job
        self.steps_per_poll = 2  # how far a running job moves each time it is looked at
        self.metrics_event_every = 1  # 2: metrics events only every other step (the CSV has all)
        self.events_page_default = 20  # OpenAI's default page size
        # Chat: a model listed here answers with this text (and is served even if it is not in
        # ``models``); any other known model echoes "<model> says: <prompt>".
        self.chat_replies: dict[str, str] = {}
        # Chat: while this event is not set, a streamed reply stops after its
        # first ``chat_hold_after`` pieces and waits (for tests that look mid-stream).
        self.chat_hold: threading.Event | None = None
        self.chat_hold_after = 1
        # The next created job fails at this step with this error (see fail_next_job).
        self._next_failure: tuple[dict[str, Any], int] | None = None
        # -- state
        self.files: dict[str, dict[str, Any]] = {}
        self.file_contents: dict[str, bytes] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.upload_parts: dict[str, bytes] = {}
        self.jobs: dict[str, _Job] = {}
        self.job_order: list[str] = []  # oldest first
        self.job_requests: list[dict[str, Any]] = []  # bodies of POST /fine_tuning/jobs
        self.chat_requests: list[dict[str, Any]] = []
        self._state_lock = threading.RLock()
        self._ids = itertools.count(1)
        self._clock = itertools.count(_EPOCH)
        self._add_routes()

    # ------------------------------------------------------------------ scenario helpers

    def fail_next_job(
        self,
        message: str = "Fine-tuning job failed due to an internal error.",
        *,
        code: str = "internal_error",
        param: str | None = None,
        at_step: int = 2,
    ) -> None:
        """The next job created fails at ``at_step`` with OpenAI's error object."""
        self._next_failure = ({"code": code, "message": message, "param": param}, at_step)

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

    def unauthorized(self, request: Request) -> Response:
        sent = request.bearer
        if not sent:
            return json_response(
                error_body(
                    "You didn't provide an API key. You need to provide your API key in an "
                    "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                ),
                status=401,
            )
        return json_response(
            error_body(
                f"Incorrect API key provided: {masked(sent)}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            ),
            status=401,
        )

    def not_found(self, request: Request) -> Response:
        return json_response(
            error_body(f"Invalid URL ({request.method} {request.path})"), status=404
        )

    def _no_quota(self) -> Response:
        return json_response(
            error_body(
                "You exceeded your current quota, please check your plan and billing details. "
                "For more information on this error, read the docs: "
                "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                type="insufficient_quota",
                code="insufficient_quota",
            ),
            status=429,
        )

    @staticmethod
    def _page(items: list[dict[str, Any]], request: Request, default_limit: int) -> Response:
        """A cursor page over ``items`` (already newest first), honouring after and limit."""
        after = request.query.get("after")
        limit = int(request.query.get("limit", default_limit))
        start = 0
        if after is not None:
            ids = [item["id"] for item in items]
            start = ids.index(after) + 1 if after in ids else len(items)
        page = items[start : start + limit]
        return json_response(
            {
                "object": "list",
                "data": page,
                "has_more": start + limit < len(items),
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
            }
        )

    def _add_routes(self) -> None:
        self.route("POST", "/v1/files", self._create_file)
        self.route("GET", "/v1/files", self._list_files)
        self.route("GET", "/v1/files/{file_id}", self._get_file)
        self.route("GET", "/v1/files/{file_id}/content", self._file_content)
        self.route("POST", "/v1/uploads", self._create_upload)
        self.route("POST", "/v1/uploads/{upload_id}/parts", self._add_part)
        self.route("POST", "/v1/uploads/{upload_id}/complete", self._complete_upload)
        self.route("POST", "/v1/uploads/{upload_id}/cancel", self._cancel_upload)
        self.route("POST", "/v1/fine_tuning/jobs", self._create_job)
        self.route("GET", "/v1/fine_tuning/jobs", self._list_jobs)
        self.route("GET", "/v1/fine_tuning/jobs/{job_id}", self._get_job)
        self.route("POST", "/v1/fine_tuning/jobs/{job_id}/cancel", self._cancel_job)
        self.route("GET", "/v1/fine_tuning/jobs/{job_id}/events", self._list_events)
        self.route("GET", "/v1/fine_tuning/jobs/{job_id}/checkpoints", self._list_checkpoints)
        self.route("GET", "/v1/models", self._list_models)
        self.route("GET", "/v1/models/{model_id}", self._get_model)
        self.route("POST", "/v1/chat/completions", self._chat)

    # ------------------------------------------------------------------ files

    @staticmethod
    def _validate_training_file(content: bytes) -> str | None:
        """OpenAI-style reason a fine-tuning file is refused, naming the line, or None."""
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return "Invalid file format. The file must be UTF-8 encoded JSONL."
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                return f"Invalid file format. Line {number}: the line is not valid JSON."
            if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
                return f'Invalid file format. Line {number}, key "messages": missing or not a list.'
        return None

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

    def _create_file(self, request: Request) -> Response:
        form = request.form()
        upload = form.files.get("file")
        purpose = form.fields.get("purpose")
        if upload is None or not purpose:
            return json_response(
                error_body("Missing required parameter: 'file' or 'purpose'.", param="file"), 400
            )
        if purpose == "fine-tune":
            reason = self._validate_training_file(upload.data)
            if reason is not None:
                return json_response(error_body(reason, param="file"), status=400)
        with self._state_lock:
            file = self._store_file(upload.filename or "upload", purpose, upload.data)
        return json_response(file)

    def _list_files(self, request: Request) -> Response:
        purpose = request.query.get("purpose")
        order = request.query.get("order", "desc")
        with self._state_lock:
            items = [f for f in self.files.values() if purpose is None or f["purpose"] == purpose]
        items.sort(key=lambda f: f["created_at"], reverse=order == "desc")
        return self._page(items, request, default_limit=10_000)

    def _get_file(self, request: Request) -> Response:
        file = self.files.get(request.params["file_id"])
        if file is None:
            return json_response(
                error_body(f"No such File object: {request.params['file_id']}", param="id"), 404
            )
        return json_response(file)

    def _file_content(self, request: Request) -> Response:
        content = self.file_contents.get(request.params["file_id"])
        if content is None:
            return json_response(
                error_body(f"No such File object: {request.params['file_id']}", param="id"), 404
            )
        return Response(200, content, {"Content-Type": "application/octet-stream"})

    # ------------------------------------------------------------------ uploads

    def _create_upload(self, request: Request) -> Response:
        body = request.json() or {}
        missing = [k for k in ("bytes", "filename", "mime_type", "purpose") if k not in body]
        if missing:
            return json_response(
                error_body(f"Missing required parameter: '{missing[0]}'.", param=missing[0]), 400
            )
        now = self._now()
        upload = {
            "id": self._new_id("upload"),
            "object": "upload",
            "bytes": body["bytes"],
            "created_at": now,
            "expires_at": now + 3600,
            "filename": body["filename"],
            "purpose": body["purpose"],
            "status": "pending",
            "file": None,
        }
        with self._state_lock:
            self.uploads[upload["id"]] = upload
        return json_response(upload)

    def _add_part(self, request: Request) -> Response:
        upload = self.uploads.get(request.params["upload_id"])
        if upload is None or upload["status"] != "pending":
            return json_response(error_body("No pending upload with that id.", param="id"), 404)
        part = request.form().files.get("data")
        if part is None:
            return json_response(
                error_body("Missing required parameter: 'data'.", param="data"), 400
            )
        if len(part.data) > 64 * 1024 * 1024:
            return json_response(error_body("A part can be at most 64 MB.", param="data"), 400)
        part_id = self._new_id("part")
        with self._state_lock:
            self.upload_parts[part_id] = part.data
        return json_response(
            {
                "id": part_id,
                "object": "upload.part",
                "created_at": self._now(),
                "upload_id": upload["id"],
            }
        )

    def _complete_upload(self, request: Request) -> Response:
        upload = self.uploads.get(request.params["upload_id"])
        if upload is None or upload["status"] != "pending":
            return json_response(error_body("No pending upload with that id.", param="id"), 404)
        part_ids = (request.json() or {}).get("part_ids", [])
        if any(p not in self.upload_parts for p in part_ids):
            return json_response(error_body("Unknown part id.", param="part_ids"), 400)
        content = b"".join(self.upload_parts[p] for p in part_ids)
        if len(content) != upload["bytes"]:
            return json_response(
                error_body(
                    f"The upload has {len(content)} bytes but {upload['bytes']} were declared.",
                    param="part_ids",
                ),
                400,
            )
        if upload["purpose"] == "fine-tune":
            reason = self._validate_training_file(content)
            if reason is not None:
                return json_response(error_body(reason, param="file"), status=400)
        with self._state_lock:
            upload["file"] = self._store_file(upload["filename"], upload["purpose"], content)
            upload["status"] = "completed"
        return json_response(upload)

    def _cancel_upload(self, request: Request) -> Response:
        upload = self.uploads.get(request.params["upload_id"])
        if upload is None:
            return json_response(error_body("No upload with that id.", param="id"), 404)
        upload["status"] = "cancelled"
        return json_response(upload)

    # ------------------------------------------------------------------ jobs

    def _create_job(self, request: Request) -> Response:  # noqa: PLR0911  (OpenAI's checks)
        body = request.json() or {}
        with self._state_lock:
            self.job_requests.append(body)
        if not self.fine_tuning_allowed:
            return json_response(
                error_body(NOT_ALLOWED_MESSAGE, type="invalid_request_error", code=None), 403
            )
        if self.quota_exhausted:
            return self._no_quota()
        model = body.get("model")
        if model not in self.trainable_models:
            return json_response(
                error_body(
                    f"Model {model} is not available for fine-tuning or does not exist.",
                    param="model",
                    code="model_not_available",
                ),
                400,
            )
        for key in ("training_file", "validation_file"):
            file_id = body.get(key)
            if key == "training_file" or file_id is not None:
                file = self.files.get(file_id or "")
                if file is None:
                    return json_response(
                        error_body(f"invalid {key}: {file_id}", param=key, code="invalid_file"), 400
                    )
                if file["purpose"] != "fine-tune":
                    return json_response(
                        error_body(
                            f"File {file_id} has purpose {file['purpose']}, expected fine-tune.",
                            param=key,
                            code="invalid_file_purpose",
                        ),
                        400,
                    )
        suffix = body.get("suffix")
        if suffix is not None and len(suffix) > 64:
            return json_response(
                error_body("suffix must be at most 64 characters.", param="suffix"), 400
            )
        method = body.get("method") or {"type": "supervised", "supervised": {}}
        given = (method.get(method.get("type", "supervised")) or {}).get("hyperparameters") or {}
        hyperparameters = {
            "n_epochs": given.get("n_epochs", "auto"),
            "batch_size": given.get("batch_size", "auto"),
            "learning_rate_multiplier": given.get("learning_rate_multiplier", "auto"),
        }
        # OpenAI fills in "auto" with the values it chose once the job starts; "auto" is fine here.
        with self._state_lock:
            job_id = self._new_id("ftjob")
            data = {
                "object": "fine_tuning.job",
                "id": job_id,
                "model": model,
                "created_at": self._now(),
                "finished_at": None,
                "fine_tuned_model": None,
                "organization_id": "org-fineauthorfake",
                "result_files": [],
                "status": "validating_files",
                "validation_file": body.get("validation_file"),
                "training_file": body["training_file"],
                "hyperparameters": hyperparameters,
                "trained_tokens": None,
                "error": None,
                "estimated_finish": None,
                "integrations": [],
                "seed": body.get("seed", 42),
                "suffix": suffix,
                "metadata": body.get("metadata"),
                "method": {
                    "type": "supervised",
                    "supervised": {"hyperparameters": hyperparameters},
                },
                "user_provided_suffix": suffix,
            }
            job = _Job(data=data, total_steps=self.total_steps)
            if self._next_failure is not None:
                job.fail_with, job.fail_at_step = self._next_failure
                self._next_failure = None
            self.jobs[job_id] = job
            self.job_order.append(job_id)
            self._event(job, f"Created fine-tuning job: {job_id}")
            self._event(job, f"Validating training file: {data['training_file']}")
        return json_response(data)

    def _event(
        self,
        job: _Job,
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

    def _progress(self, job: _Job) -> None:
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

    def _train_step(self, job: _Job) -> None:
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

    def _result_csv(self, job: _Job) -> bytes:
        lines = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
        for row in job.rows:
            cells = [row["step"], row["train_loss"], row["train_accuracy"]]
            cells += [row["valid_loss"], row["valid_mean_token_accuracy"]]
            lines.append(",".join("" if c is None else str(c) for c in cells))
        return ("\n".join(lines) + "\n").encode()

    def _finish(self, job: _Job, status: str) -> None:
        job.data["status"] = status
        job.data["finished_at"] = self._now()
        job.data["estimated_finish"] = None
        if job.rows:
            result = self._store_file(
                "step_metrics.csv", "fine-tune-results", self._result_csv(job)
            )
            job.data["result_files"] = [result["id"]]

    def _succeed(self, job: _Job) -> None:
        data = job.data
        suffix = data["suffix"] or ""
        data["fine_tuned_model"] = f"ft:{data['model']}:fineauthor:{suffix}:{data['id'][-10:]}"
        data["trained_tokens"] = 1234 * job.total_steps
        self._event(job, f"New fine-tuned model created: {data['fine_tuned_model']}")
        self._event(job, "The job has successfully completed")
        self._finish(job, "succeeded")
        self.models.append({"id": data["fine_tuned_model"], "owned_by": "user-fineauthorfake"})

    def _fail(self, job: _Job) -> None:
        job.data["error"] = job.fail_with
        message = (job.fail_with or {}).get("message", "")
        self._event(job, f"The job failed: {message}", level="error")
        self._finish(job, "failed")

    def _find_job(self, request: Request) -> _Job | Response:
        job = self.jobs.get(request.params["job_id"])
        if job is None:
            return json_response(
                error_body(
                    f"Could not find fine-tuning job {request.params['job_id']}.",
                    param="fine_tuning_job_id",
                ),
                404,
            )
        return job

    def _list_jobs(self, request: Request) -> Response:
        with self._state_lock:
            items = [self.jobs[j].data for j in reversed(self.job_order)]
            return self._page(items, request, default_limit=20)

    def _get_job(self, request: Request) -> Response:
        with self._state_lock:
            job = self._find_job(request)
            if isinstance(job, Response):
                return job
            reply = json_response(job.data)  # the state as it was when looked at…
            self._progress(job)  # …then it moves on, for the next look
            return reply

    def _cancel_job(self, request: Request) -> Response:
        with self._state_lock:
            job = self._find_job(request)
            if isinstance(job, Response):
                return job
            if job.data["status"] in ("succeeded", "failed", "cancelled"):
                return json_response(
                    error_body("Job has already completed.", param="fine_tuning_job_id"), 400
                )
            self._event(job, "Fine-tuning job cancelled")
            self._finish(job, "cancelled")
            return json_response(job.data)

    def _list_events(self, request: Request) -> Response:
        with self._state_lock:
            job = self._find_job(request)
            if isinstance(job, Response):
                return job
            return self._page(list(reversed(job.events)), request, self.events_page_default)

    def _list_checkpoints(self, request: Request) -> Response:
        with self._state_lock:
            job = self._find_job(request)
            if isinstance(job, Response):
                return job
            return self._page(list(reversed(job.checkpoints)), request, default_limit=10)

    # ------------------------------------------------------------------ models and chat

    def _model_object(self, model: dict[str, Any]) -> dict[str, Any]:
        item = {"id": model["id"], "object": "model", "created": _EPOCH - 86_400}
        item["owned_by"] = model.get("owned_by", "system")
        if "shutdown_date" in model:
            item["shutdown_date"] = model["shutdown_date"]
        return item

    def _list_models(self, request: Request) -> Response:
        with self._state_lock:
            data = [self._model_object(m) for m in self.models]
        return json_response({"object": "list", "data": data})

    def _get_model(self, request: Request) -> Response:
        for model in self.models:
            if model["id"] == request.params["model_id"]:
                return json_response(self._model_object(model))
        return self._model_not_found(request.params["model_id"])

    @staticmethod
    def _model_not_found(model: str) -> Response:
        return json_response(
            error_body(
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
            ),
            404,
        )

    def _chat(self, request: Request) -> Response:
        body = request.json() or {}
        with self._state_lock:
            self.chat_requests.append(body)
        if self.quota_exhausted:
            return self._no_quota()
        model = body.get("model", "")
        reply = self.chat_replies.get(model)
        if reply is None and not any(m["id"] == model for m in self.models):
            return self._model_not_found(model)
        messages = body.get("messages") or []
        prompt = next(
            (m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), ""
        )
        words = (f"{model} says: {prompt}" if reply is None else reply).split(" ")
        pieces = [word if i == 0 else " " + word for i, word in enumerate(words)]
        completion_id = self._new_id("chatcmpl")
        created = self._now()
        if not body.get("stream"):
            return json_response(
                {
                    "id": completion_id,
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": "".join(pieces)},
                            "finish_reason": "stop",
                            "logprobs": None,
                        }
                    ],
                    "usage": {
                        "prompt_tokens": len(prompt.split()),
                        "completion_tokens": len(pieces),
                        "total_tokens": len(prompt.split()) + len(pieces),
                    },
                }
            )

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [
                    {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
                ],
            }

        hold, hold_after = self.chat_hold, self.chat_hold_after

        def chunks() -> Iterator[dict[str, Any]]:
            yield chunk({"role": "assistant", "content": ""})
            for index, piece in enumerate(pieces):
                if hold is not None and index == hold_after:
                    while not hold.wait(0.05) and not self._stopping.is_set():
                        pass
                yield chunk({"content": piece})
            yield chunk({}, "stop")

        return sse_response(chunks(), final="[DONE]")


class HoldingOpenAI(FakeOpenAI):
    """The fake OpenAI, which can hold one reply — to the ``hold_part``-th part of an upload,
    or (with ``hold_job``) to a job creation after the job was made — until the test sets
    ``release``. ``holding`` is set while it holds; ``logged`` once that request, answered at
    last, is in the request log. This is how a test makes a moment that is truly mid-way."""

    def __init__(self, *, hold_seconds: float = 30.0, **options: Any) -> None:
        super().__init__(**options)
        self.hold_part: int | None = None
        self.hold_job = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.logged = threading.Event()
        self._hold_seconds = hold_seconds
        self._held_thread: int | None = None
        self._parts = 0

    def _hold(self) -> None:
        self._held_thread = threading.get_ident()
        self.holding.set()
        self.release.wait(self._hold_seconds)

    def _add_part(self, request: Request) -> Response:
        response = super()._add_part(request)
        self._parts += 1
        if self._parts == self.hold_part:
            self.hold_part = None
            self._hold()
        return response

    def _create_job(self, request: Request) -> Response:
        response = super()._create_job(request)
        if self.hold_job:
            self.hold_job = False
            self._hold()
        return response

    def _record(self, entry: LoggedRequest) -> None:
        # The held request enters the request log once its handler has returned.
        super()._record(entry)
        if threading.get_ident() == self._held_thread:
            self._held_thread = None
            self.logged.set()
