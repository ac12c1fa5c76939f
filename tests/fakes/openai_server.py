"""A fake OpenAI API on 127.0.0.1, shaped like OpenAI's published API reference: the routes for
what FineAuthor uses — files (multipart upload, list, content), the Uploads API (create, parts,
complete), fine-tuning jobs (create, list, retrieve, cancel, events, checkpoints), models and
chat completions (plain and streamed as server-sent events)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from tests.fakes.http import FakeHTTPServer, Request, Response, json_response, sse_response
from tests.fakes.openai_account import EPOCH, OpenAIAccount, OpenAIJob
from tests.fakes.openai_replies import (
    NOT_ALLOWED_MESSAGE,
    cursor_page,
    error_body,
    file_kind,
    masked,
    model_not_found,
    no_quota,
    training_file_problem,
)

DEFAULT_TRAINABLE = frozenset(
    {"gpt-4.1-mini-2025-04-14", "gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14"}
)


class FakeOpenAI(FakeHTTPServer, OpenAIAccount):
    """OpenAI's API, faked, over the state of one account (see :class:`OpenAIAccount` for how
    its jobs move on). Public attributes are the scenario switches, which turn on OpenAI's
    refusals.

        with FakeOpenAI(api_key="sk-test") as server:
            client = OpenAI(api_key="sk-test", base_url=server.url + "/v1")
    """

    def __init__(self, *, api_key: str | None = "sk-test-fake-key-0000") -> None:
        FakeHTTPServer.__init__(self, api_key=api_key)
        OpenAIAccount.__init__(self)
        # -- scenario switches
        self.fine_tuning_allowed = True  # False: job creation is refused with 403
        self.quota_exhausted = False  # True: billable calls get 429 insufficient_quota
        self.trainable_models: set[str] = set(DEFAULT_TRAINABLE)
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
        # The next job creation makes the job, then answers with this status (a 5xx) instead
        # of the job: the reply is lost, the job exists. (A dropped connection after the job
        # was made is ``fail_next("POST", "/v1/fine_tuning/jobs", drop="after_handler")``.)
        self.lose_next_creation_reply: int | None = None
        # -- what was asked
        self.job_requests: list[dict[str, Any]] = []  # bodies of POST /fine_tuning/jobs
        self.chat_requests: list[dict[str, Any]] = []
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

    # ------------------------------------------------------------------ plumbing

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

    def _create_file(self, request: Request) -> Response:
        form = request.form()
        upload = form.files.get("file")
        purpose = form.fields.get("purpose")
        if upload is None or not purpose:
            return json_response(
                error_body("Missing required parameter: 'file' or 'purpose'.", param="file"), 400
            )
        if purpose == "fine-tune":
            reason = training_file_problem(upload.data)
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
        return cursor_page(items, request, default_limit=10_000)

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
            reason = training_file_problem(content)
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
            return no_quota()
        model = body.get("model")
        if model not in self.trainable_models and model not in self._trained_models():
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
        kind = method.get("type", "supervised")
        refused = self._method_refused(kind, self.file_contents[body["training_file"]])
        if refused is not None:
            return refused
        given = (method.get(kind) or {}).get("hyperparameters") or {}
        hyperparameters = {
            "n_epochs": given.get("n_epochs", "auto"),
            "batch_size": given.get("batch_size", "auto"),
            "learning_rate_multiplier": given.get("learning_rate_multiplier", "auto"),
        }
        chosen = dict(hyperparameters)
        if kind == "dpo":
            chosen["beta"] = given.get("beta", "auto")
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
                "method": {"type": kind, kind: {"hyperparameters": chosen}},
                "user_provided_suffix": suffix,
            }
            job = OpenAIJob(data=data, total_steps=self.total_steps)
            if self._next_failure is not None:
                job.fail_with, job.fail_at_step = self._next_failure
                self._next_failure = None
            self.jobs[job_id] = job
            self.job_order.append(job_id)
            self._event(job, f"Created fine-tuning job: {job_id}")
            self._event(job, f"Validating training file: {data['training_file']}")
            lost, self.lose_next_creation_reply = self.lose_next_creation_reply, None
        if lost is not None:
            return json_response(
                error_body("The server had an error processing your request.", type="server_error"),
                lost,
            )
        return json_response(data)

    def _trained_models(self) -> set[str]:
        """Fine-tuned models of this account, which can be trained further."""
        with self._state_lock:
            return {j.data["fine_tuned_model"] for j in self.jobs.values()} - {None}

    def _method_refused(self, kind: str, content: bytes) -> Response | None:
        """OpenAI's refusal when the way of training and the file do not match (a DPO job
        needs preference pairs; a supervised one, chat examples)."""
        if kind not in ("supervised", "dpo", "reinforcement"):
            return json_response(
                error_body(f"Invalid method type: {kind}.", param="method.type"), 400
            )
        pairs = file_kind(content) == "preference"
        if kind == "dpo" and not pairs:
            message = (
                "Invalid file format for DPO fine-tuning. Line 1: each example needs "
                '"input", "preferred_output" and "non_preferred_output"; found "messages".'
            )
        elif kind == "supervised" and pairs:
            message = (
                "Invalid file format for supervised fine-tuning. Line 1: each example needs "
                '"messages"; found a preference pair, which only the dpo method takes.'
            )
        else:
            return None
        return json_response(
            error_body(message, param="training_file", code="invalid_training_file"), 400
        )

    def _find_job(self, request: Request) -> OpenAIJob | Response:
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
            return cursor_page(items, request, default_limit=20)

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
            return cursor_page(list(reversed(job.events)), request, self.events_page_default)

    def _list_checkpoints(self, request: Request) -> Response:
        with self._state_lock:
            job = self._find_job(request)
            if isinstance(job, Response):
                return job
            return cursor_page(list(reversed(job.checkpoints)), request, default_limit=10)

    # ------------------------------------------------------------------ models and chat

    def _model_object(self, model: dict[str, Any]) -> dict[str, Any]:
        item = {"id": model["id"], "object": "model", "created": EPOCH - 86_400}
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
        return model_not_found(request.params["model_id"])

    def _chat(self, request: Request) -> Response:
        body = request.json() or {}
        with self._state_lock:
            self.chat_requests.append(body)
        if self.quota_exhausted:
            return no_quota()
        model = body.get("model", "")
        reply = self.chat_replies.get(model)
        if reply is None and not any(m["id"] == model for m in self.models):
            return model_not_found(model)
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
