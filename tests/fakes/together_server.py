"""A fake Together AI API on the shared loopback base (tests/fakes/http.py), following the request
and response shapes noted in ``fineauthor/providers/together/`` (Together's official Python
clients and API reference); its state and its jobs' life are in tests/fakes/together_account.py."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.http import FakeHTTPServer, Request, Response, json_response, sse_response
from tests.fakes.together_account import (
    PREFERENCE,
    USER_NAME,
    FakeFile,
    FakeJob,
    TogetherAccount,
    check_file,
)

TRAINABLE_MODELS = (
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
    "Qwen/Qwen3-8B",
)
LORA_RANK = 64
PRICE_PER_TOKEN = 0.000_000_5  # dollars; made up, only the shape matters
DPO_PRICE_FACTOR = 2.5  # DPO costs this much more than SFT (Together's price list, LoRA ≤ 16B)
CHAT_REPLY = "The tide came in grey and slow, and the harbour held its breath."


def _error(message: str, status: int, *, param: str | None = None, code: str = "") -> Response:
    """Together's error shape."""
    return json_response(
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": param,
                "code": code or None,
            }
        },
        status=status,
    )


class FakeTogetherServer(FakeHTTPServer, TogetherAccount):
    """Together's REST API under ``/v1``; ``base_url`` is what the provider is given.

    The routes: the three-step upload (``POST /v1/files`` → ``302`` to a signed storage
    address → ``PUT`` there → ``POST /v1/files/{id}/preprocess``), ``/v1/fine-tunes`` create,
    list, get, cancel, events, metrics and checkpoints, model limits and the list of trainable
    models, the price estimate, and OpenAI-style streamed chat completions. Signed storage
    addresses point at a second server (``storage``) that takes no API key, as a real storage
    service would — so a test can prove the key never travels there.

    Scenarios: a job that fails (``fail_next_job``), a revoked key (set ``api_key`` to
    something else), no credit (``no_credit``), a model not offered for training (anything
    outside ``trainable_models``), a file rejected (any line that is neither a chat example
    nor a preference pair, a file mixing the two, or ``reject_line``), a file that does not
    suit the job's ``training_method`` (pairs for SFT, chat examples for DPO).
    """

    def __init__(self, *, api_key: str = "tgp_v1_fake-key-for-tests-0123456789") -> None:
        FakeHTTPServer.__init__(self, api_key=api_key)
        TogetherAccount.__init__(self)
        self.storage = FakeHTTPServer(api_key=None)  # signed addresses need no key
        self.create_bodies: list[dict[str, Any]] = []  # every POST /v1/fine-tunes body
        self.estimate_bodies: list[dict[str, Any]] = []
        self.chat_bodies: list[dict[str, Any]] = []
        # Scenarios
        self.trainable_models: list[str] = list(TRAINABLE_MODELS)
        self.steps_per_job = 4
        self.no_credit = False
        self.reject_line: tuple[int, str] | None = None  # force a rejection at this line
        self.fail_next_job: str | None = None  # the next job created fails with this message
        # The next job creation makes the job, then answers with this status (a 5xx) instead
        # of the job: the reply is lost, the job exists.
        self.lose_next_creation_reply: int | None = None
        self._routes_added()
        self.endpoints: dict[str, dict[str, Any]] = {}  # id → the endpoint's JSON, and looks
        add_endpoint_routes(self)

    # -- life cycle: the storage server comes and goes with the API

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def start(self) -> FakeTogetherServer:
        self.storage.start()
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        self.storage.stop()

    def __enter__(self) -> FakeTogetherServer:
        return self.start()

    # -- Together's shapes for a refused key and an unknown address

    def unauthorized(self, request: Request) -> Response:
        # Echo the key sent, as some services do: the client must never repeat it.
        return _error(
            f"Invalid API key provided: {request.bearer}. You can find your API key at "
            "https://api.together.xyz/settings/api-keys.",
            401,
            code="invalid_api_key",
        )

    def not_found(self, request: Request) -> Response:
        return _error(f"Not found: {request.method} {request.path}", 404)

    # -- routes

    def _routes_added(self) -> None:  # one place lists the whole API
        route = self.route

        @route("POST", "/v1/files")
        def create_upload(request: Request) -> Response:
            if request.headers.get("content-type", "").startswith("application/json"):
                fields = {k: str(v) for k, v in (request.json() or {}).items()}
            else:
                fields = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
            if fields.get("purpose") != "fine-tune" or not fields.get("file_name"):
                return _error("purpose and file_name are required", 400)
            with self.state_lock:
                file_id = f"file-{uuid.uuid4()}"
                _, created = self._now()
                self.files[file_id] = FakeFile(file_id, fields["file_name"], created)
            location = f"{self.storage.url}/upload/{file_id}?X-Amz-Signature=fake"
            return Response(
                status=302,
                headers={"Location": location, "X-Together-File-Id": file_id},
            )

        @self.storage.route("PUT", "/upload/{file_id}")
        def store(request: Request) -> Response:
            with self.state_lock:
                stored = self.files.get(request.params["file_id"])
                if stored is None:
                    return Response(status=403, body=b"<Error>AccessDenied</Error>")
                stored.data = request.body
                stored.uploaded = True
            return Response(status=200)

        @route("POST", "/v1/files/{file_id}/preprocess")
        def preprocess(request: Request) -> Response:
            with self.state_lock:
                stored = self.files.get(request.params["file_id"])
                if stored is None:
                    return _error("File not found", 404)
                if not stored.uploaded:
                    return _error("The file has not been uploaded yet.", 400)
                stored.report, stored.format = check_file(stored.data, self.reject_line)
                stored.processing_status = "INVALID_FORMAT" if stored.report else "COMPLETED"
                return json_response(stored.as_json())

        @route("GET", "/v1/files")
        def list_files(request: Request) -> Response:
            with self.state_lock:
                return json_response(
                    {"object": "list", "data": [f.as_json() for f in self.files.values()]}
                )

        @route("GET", "/v1/files/{file_id}")
        def get_file(request: Request) -> Response:
            with self.state_lock:
                stored = self.files.get(request.params["file_id"])
                if stored is None:
                    return _error("File not found", 404)
                return json_response(stored.as_json())

        @route("DELETE", "/v1/files/{file_id}")
        def delete_file(request: Request) -> Response:
            with self.state_lock:
                removed = self.files.pop(request.params["file_id"], None)
            if removed is None:
                return _error("File not found", 404)
            return json_response({"id": removed.id, "object": "file", "deleted": True})

        @route("GET", "/v1/fine-tunes/models/supported")
        def supported(request: Request) -> Response:
            return json_response(
                {
                    "models": list(self.trainable_models),
                    "detailed_models": [{"name": m} for m in self.trainable_models],
                }
            )

        @route("GET", "/v1/fine-tunes/models/limits")
        def limits(request: Request) -> Response:
            model = request.query.get("model_name", "")
            if model not in self.trainable_models:
                return _error(f"Model {model} is not supported for fine-tuning.", 404)
            return json_response(
                {
                    "model_name": model,
                    "max_num_epochs": 20,
                    "max_learning_rate": 1.0,
                    "min_learning_rate": 1e-8,
                    "max_num_evals": 100,
                    "max_num_checkpoints": 10,
                    "lora_training": {
                        "default_rank": LORA_RANK,
                        "max_rank": LORA_RANK,
                        "max_batch_size": 32,
                        "max_batch_size_dpo": 16,
                        "min_batch_size": 8,
                        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
                    },
                    "full_training": {
                        "max_batch_size": 16,
                        "max_batch_size_dpo": 8,
                        "min_batch_size": 8,
                    },
                    "supports_full_training": True,
                }
            )

        @route("POST", "/v1/fine-tunes/estimate-price")
        def estimate(request: Request) -> Response:
            body = request.json() or {}
            with self.state_lock:
                self.estimate_bodies.append(body)
                refused = self._refuse_job(body)
                if refused is not None:
                    return refused
                size = len(self.files[body["training_file"]].data)
            tokens = size // 4 * int(body.get("n_epochs", 1))
            price = tokens * PRICE_PER_TOKEN * (DPO_PRICE_FACTOR if _is_dpo(body) else 1.0)
            return json_response(
                {
                    "estimation_available": True,
                    "estimated_total_price": price,
                    "estimated_train_token_count": tokens,
                    "estimated_eval_token_count": 0,
                    "allowed_to_proceed": not self.no_credit,
                    "user_limit": 0.0 if self.no_credit else 100.0,
                }
            )

        @route("POST", "/v1/fine-tunes")
        def create_job(request: Request) -> Response:
            body = request.json() or {}
            with self.state_lock:
                self.create_bodies.append(body)
                refused = self._refuse_job(body)
                if refused is not None:
                    return refused
                if self.no_credit:
                    return _error(
                        "Insufficient balance: your credit does not cover this fine-tuning "
                        "job. Please add credit at https://api.together.xyz/settings/billing.",
                        402,
                    )
                job_id = f"ft-{uuid.uuid4()}"
                stamp, _ = self._now()
                model = self._base_model(body)
                base = model.split("/")[-1]
                suffix = f"-{body['suffix']}" if body.get("suffix") else ""
                job = FakeJob(
                    id=job_id,
                    request=body,
                    created_at=stamp,
                    output_name=f"{USER_NAME}/{base}{suffix}-{job_id[3:11]}",
                    total_steps=self.steps_per_job,
                    model=model,
                    fail_message=self.fail_next_job,
                )
                self.fail_next_job = None
                self._event(job, "job_pending", "Fine tune request created")
                self.jobs[job_id] = job
                lost, self.lose_next_creation_reply = self.lose_next_creation_reply, None
                if lost is not None:
                    return _error("Internal server error", lost)
                return json_response(job.as_json())

        @route("GET", "/v1/fine-tunes")
        def list_jobs(request: Request) -> Response:
            with self.state_lock:  # creation order; Together promises none
                return json_response(
                    {"data": [job.as_json(truncated=True) for job in self.jobs.values()]}
                )

        @route("GET", "/v1/fine-tunes/{job_id}")
        def get_job(request: Request) -> Response:
            with self.state_lock:
                job = self.jobs.get(request.params["job_id"])
                if job is None:
                    return _error("Fine-tune job not found", 404)
                self._advance(job)
                return json_response(job.as_json())

        @route("POST", "/v1/fine-tunes/{job_id}/cancel")
        def cancel(request: Request) -> Response:
            with self.state_lock:
                job = self.jobs.get(request.params["job_id"])
                if job is None:
                    return _error("Fine-tune job not found", 404)
                if not job.finished and job.status != "cancel_requested":
                    job.status = "cancel_requested"
                    self._event(job, "cancel_requested", "Cancel requested by the user.")
                return json_response(job.as_json(truncated=True))

        @route("GET", "/v1/fine-tunes/{job_id}/events")
        def events(request: Request) -> Response:
            with self.state_lock:
                job = self.jobs.get(request.params["job_id"])
                if job is None:
                    return _error("Fine-tune job not found", 404)
                return json_response({"data": list(job.events)})

        @route("GET", "/v1/fine-tunes/{job_id}/metrics")
        def metrics(request: Request) -> Response:
            with self.state_lock:
                job = self.jobs.get(request.params["job_id"])
                if job is None:
                    return _error("Fine-tune job not found", 404)
                low = int(request.query.get("global_step_from", -1))
                high = int(request.query.get("global_step_to", 1 << 30))
                rows = [m for m in job.metrics if low <= m["train/global_step"] <= high]
                return json_response({"metrics": rows})

        @route("GET", "/v1/fine-tunes/{job_id}/checkpoints")
        def checkpoints(request: Request) -> Response:
            with self.state_lock:
                job = self.jobs.get(request.params["job_id"])
                if job is None:
                    return _error("Fine-tune job not found", 404)
                return json_response({"data": list(reversed(job.checkpoints))})

        @route("POST", "/v1/chat/completions")
        def chat(request: Request) -> Response:
            body = request.json() or {}
            with self.state_lock:
                self.chat_bodies.append(body)
                served = (
                    set(self.trainable_models)
                    | {j.output_name for j in self.jobs.values() if j.status == "completed"}
                    | self.started_endpoint_names()
                )
            model = body.get("model")
            if model not in served:
                return _error(
                    f"Unable to access model {model}. Please visit "
                    "https://api.together.ai/models to view the list of supported models.",
                    404,
                    param="model",
                    code="model_not_available",
                )
            words = CHAT_REPLY.split(" ")
            pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
            if not body.get("stream"):
                return json_response(
                    {
                        "id": "chat-1",
                        "object": "chat.completion",
                        "model": model,
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": CHAT_REPLY}}
                        ],
                    }
                )
            chunks: list[Any] = [
                {
                    "id": "chat-1",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [{"index": 0, "delta": {"role": "assistant", "content": piece}}],
                }
                for piece in pieces
            ]
            chunks.append(
                {
                    "id": "chat-1",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
            )
            return sse_response(chunks, final="[DONE]")

    # -- rules shared by the estimate and job creation (call with the lock held)

    def _refuse_job(self, body: dict[str, Any]) -> Response | None:
        start = body.get("from_checkpoint")
        if start and body.get("model"):
            # The official client never sends both: the checkpoint names its base model.
            return _error(
                "You must specify either a model or a checkpoint to start a job from, not both",
                400,
                param="from_checkpoint",
            )
        if start and self._checkpoint_job(str(start)) is None:
            return _error(f"Checkpoint {start} was not found.", 404, param="from_checkpoint")
        model = self._base_model(body)
        if model not in self.trainable_models:
            return _error(f"Model {model} is not supported for fine-tuning.", 400, param="model")
        for key in ("training_file", "validation_file"):
            file_id = body.get(key)
            if key == "validation_file" and not file_id:
                continue
            stored = self.files.get(str(file_id))
            if stored is None or stored.processing_status != "COMPLETED":
                return _error(
                    f"{key} {file_id} was not found or has not been processed.",
                    400,
                    param=key,
                )
            mismatch = _format_mismatch(body, key, stored)
            if mismatch is not None:
                return mismatch
        return None

    def _checkpoint_job(self, name: str) -> FakeJob | None:
        """The finished job a ``from_checkpoint`` names: its id or output model name, with an
        optional ``:{step}``."""
        wanted = name.split(":", 1)[0]
        for job in self.jobs.values():
            if wanted in (job.id, job.output_name) and job.status == "completed":
                return job
        return None

    def _base_model(self, body: dict[str, Any]) -> str:
        start = body.get("from_checkpoint")
        parent = self._checkpoint_job(str(start)) if start else None
        return parent.model if parent is not None else str(body.get("model"))

    def started_endpoint_names(self) -> set[str]:
        """The names a reply can be asked for by through a started endpoint (caller holds the
        lock)."""
        last = len(ENDPOINT_LIFE) - 1
        return {e["name"] for e in self.endpoints.values() if e["looks"] >= last}


def _format_mismatch(body: dict[str, Any], key: str, stored: FakeFile) -> Response | None:
    """Together's refusal of a file whose format does not suit the training method."""
    if _is_dpo(body) and stored.format != PREFERENCE:
        return _error(
            f"The {key} {stored.id} is in the {stored.format} format, but DPO training needs the "
            "preference format: input, preferred_output and non_preferred_output on every line.",
            400,
            param=key,
        )
    if not _is_dpo(body) and stored.format == PREFERENCE:
        return _error(
            f"The {key} {stored.id} is in the preference format, which only DPO training "
            'accepts. Set training_method to {"method": "dpo"}, or send conversational examples.',
            400,
            param=key,
        )
    return None


def _is_dpo(body: dict[str, Any]) -> bool:
    method = body.get("training_method")
    return isinstance(method, dict) and method.get("method") == "dpo"


# A dedicated endpoint's life, one step per look (GET) at it.
ENDPOINT_LIFE = ("PENDING", "STARTING", "STARTED")
HARDWARE = (
    {"id": "1x_nvidia_h100_80gb_sxm", "cents_per_minute": 6.65, "status": "available"},
    {"id": "2x_nvidia_h100_80gb_sxm", "cents_per_minute": 13.3, "status": "available"},
    {"id": "1x_nvidia_a100_80gb_sxm", "cents_per_minute": 4.0, "status": "unavailable"},
)


def add_endpoint_routes(server: FakeTogetherServer) -> None:
    """Dedicated endpoints: the hardware list with prices, create (pending, starting, then
    started after a few looks), get, list and delete."""

    def shown(stored: dict[str, Any]) -> dict[str, Any]:
        state = ENDPOINT_LIFE[min(stored["looks"], len(ENDPOINT_LIFE) - 1)]
        return {key: value for key, value in stored.items() if key != "looks"} | {"state": state}

    @server.route("GET", "/v1/hardware")
    def hardware(request: Request) -> Response:
        rows = [
            {
                "object": "hardware",
                "id": h["id"],
                "pricing": {"cents_per_minute": h["cents_per_minute"]},
                "availability": {"status": h["status"]},
            }
            for h in HARDWARE
        ]
        return json_response({"object": "list", "data": rows})

    @server.route("POST", "/v1/endpoints")
    def create(request: Request) -> Response:
        body = request.json() or {}
        if not body.get("model") or not body.get("hardware") or "autoscaling" not in body:
            return _error("model, hardware and autoscaling are required", 400)
        with server.state_lock:
            endpoint_id = f"endpoint-{uuid.uuid4()}"
            server.endpoints[endpoint_id] = {
                "object": "endpoint",
                "id": endpoint_id,
                "name": f"{USER_NAME}/{body['model']}-{endpoint_id[-8:]}",
                "model": body["model"],
                "hardware": body["hardware"],
                "type": "dedicated",
                "owner": USER_NAME,
                "autoscaling": body["autoscaling"],
                "inactive_timeout": body.get("inactive_timeout"),
                "created_at": "2026-12-02T10:43:55.405Z",
                "looks": 0,
            }
            return json_response(shown(server.endpoints[endpoint_id]))

    @server.route("GET", "/v1/endpoints")
    def every(request: Request) -> Response:
        with server.state_lock:
            rows = [shown(e) for e in server.endpoints.values()]
        return json_response({"object": "list", "data": rows})

    @server.route("GET", "/v1/endpoints/{endpoint}")
    def get(request: Request) -> Response:
        with server.state_lock:
            stored = server.endpoints.get(request.params["endpoint"])
            if stored is None:
                return _error("Endpoint not found", 404)
            stored["looks"] += 1
            return json_response(shown(stored))

    @server.route("DELETE", "/v1/endpoints/{endpoint}")
    def delete(request: Request) -> Response:
        with server.state_lock:
            if server.endpoints.pop(request.params["endpoint"], None) is None:
                return _error("Endpoint not found", 404)
        return Response(status=204)
