"""A fake Fireworks AI API on the shared loopback base (tests/fakes/http.py), following the
request and response shapes noted in ``fineauthor/providers/fireworks/`` (Fireworks' API
reference and its generated Python SDK); its state and its jobs' life are in
tests/fakes/fireworks_account.py."""

from __future__ import annotations

import uuid
from typing import Any

from tests.fakes.fireworks_account import (
    ACCOUNT_ID,
    PREFERENCE,
    FakeDataset,
    FakeJob,
    FireworksAccount,
    dataset_kind,
    dataset_problems,
)
from tests.fakes.http import FakeHTTPServer, Request, Response, json_response, sse_response

TUNABLE_MODELS = (
    "accounts/fireworks/models/llama-v3p1-8b-instruct",
    "accounts/fireworks/models/qwen3-8b",
)
CHAT_REPLY = "Rain ticked on the skylight while the press turned over its last page."

# gRPC codes, as the gateway sends them in error bodies.
_CODES = {400: 3, 401: 16, 402: 9, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13}


def gateway_error(message: str, status: int) -> Response:
    """The control plane's error shape (the gRPC gateway's)."""
    return json_response({"code": _CODES.get(status, 2), "message": message, "details": []}, status)


class FakeFireworksServer(FakeHTTPServer, FireworksAccount):
    """Fireworks under one API root: ``/v1/accounts/{account}/…`` and ``/inference/v1/…``;
    ``base_url`` is what the provider is given.

    The routes: the account, datasets (create, get, ``:upload`` multipart,
    ``:getUploadEndpoint`` → a signed address on a second server, ``storage``, that takes no
    key, then ``:validateUpload``), supervised fine-tuning jobs and DPO jobs (create, list with
    pages, get, ``:cancel``; DPO ones in ``dpo_jobs``, their bodies in ``dpo_bodies``), the
    account's models, and OpenAI-style streamed chat.

    Scenarios: a revoked key (set ``api_key``), an unknown account (any but ``account``), no
    credit (``no_credit``), a model not offered (anything outside ``tunable_models``), a job
    that fails naming a line (``fail_next_job``), a dataset refused (a line that is neither a chat
    example nor a preference pair, a dataset mixing the two, or ``reject_line``), a dataset of
    the wrong kind for the job (pairs for a supervised job, chat examples for a DPO job), a
    DPO beta out of range. Faults come from ``fail_next``.
    """

    def __init__(
        self, *, api_key: str = "fw_fake-key-for-tests-0123456789", account: str = ACCOUNT_ID
    ) -> None:
        FakeHTTPServer.__init__(self, api_key=api_key)
        FireworksAccount.__init__(self)
        self.account = account
        self.storage = FakeHTTPServer(api_key=None)  # signed addresses need no key
        self.create_bodies: list[dict[str, Any]] = []  # every supervised job creation body
        self.dpo_bodies: list[dict[str, Any]] = []  # every DPO job creation body
        self.dpo_jobs: dict[str, FakeJob] = {}
        self.chat_bodies: list[dict[str, Any]] = []
        self.tunable_models: list[str] = list(TUNABLE_MODELS)
        self.no_credit = False
        self.reject_line: tuple[int, str] | None = None
        self.fail_next_job: str | None = None
        self.page_size_cap = 2  # the list is paged even for a handful of jobs
        self._routes_added()
        self.deployments: dict[str, dict[str, Any]] = {}  # id → the deployment's JSON, and looks
        add_deployment_routes(self)
        add_dpo_routes(self)

    # -- life cycle: the storage server comes and goes with the API

    @property
    def base_url(self) -> str:
        return self.url

    def start(self) -> FakeFireworksServer:
        self.storage.start()
        super().start()
        return self

    def stop(self) -> None:
        super().stop()
        self.storage.stop()

    def __enter__(self) -> FakeFireworksServer:
        return self.start()

    # -- Fireworks' shapes for a refused key and an unknown address

    def unauthorized(self, request: Request) -> Response:
        # Echo the key sent, as some services do: the client must never repeat it.
        return gateway_error(f"invalid API key: {request.bearer}", 401)

    def not_found(self, request: Request) -> Response:
        return gateway_error(f"Not Found: {request.method} {request.path}", 404)

    # -- routes (earlier routes win: the ":verb" ones come before the plain ones)

    def _routes_added(self) -> None:
        route = self.route
        base = "/v1/accounts/{account}"

        def known(request: Request) -> Response | None:
            if request.params["account"] != self.account:
                return gateway_error(f'account "{request.params["account"]}" not found', 404)
            return None

        @route("GET", base)
        def account(request: Request) -> Response:
            return known(request) or json_response(
                {"name": f"accounts/{self.account}", "displayName": "Saltmarrow", "state": "READY"}
            )

        @route("POST", base + "/datasets/{dataset}:upload")
        def upload(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            part = request.form().files.get("file")
            if part is None:
                return gateway_error("missing file", 400)
            with self.state_lock:
                stored = self.datasets.get(request.params["dataset"])
                if stored is None:
                    return gateway_error("dataset not found", 404)
                stored.data = part.data
                problem = dataset_problems(part.data, reject_line=self.reject_line)
                if problem:
                    return gateway_error(problem, 400)
                stored.state, stored.kind = "READY", dataset_kind(part.data)
            return json_response(
                {
                    "id": stored.id,
                    "object": "file",
                    "bytes": len(part.data),
                    "created_at": 1_790_000_000,
                    "filename": part.filename,
                    "purpose": "fine-tune",
                }
            )

        @route("POST", base + "/datasets/{dataset}:getUploadEndpoint")
        def upload_endpoint(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            sizes = (request.json() or {}).get("filenameToSize") or {}
            with self.state_lock:
                stored = self.datasets.get(request.params["dataset"])
                if stored is None:
                    return gateway_error("dataset not found", 404)
                stored.signed = True
            urls = {
                name: f"{self.storage.url}/upload/{stored.id}/{name}?X-Goog-Signature=fake"
                for name in sizes
            }
            return json_response({"filenameToSignedUrls": urls})

        @self.storage.route("PUT", "/upload/{dataset}/{filename}")
        def store(request: Request) -> Response:
            with self.state_lock:
                stored = self.datasets.get(request.params["dataset"])
                if stored is None or not stored.signed:
                    return Response(status=403, body=b"<Error>AccessDenied</Error>")
                stored.data = request.body
            return Response(status=200)

        @route("POST", base + "/datasets/{dataset}:validateUpload")
        def validate(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            with self.state_lock:
                stored = self.datasets.get(request.params["dataset"])
                if stored is None:
                    return gateway_error("dataset not found", 404)
                if not stored.data:
                    return gateway_error("no file was uploaded to the dataset", 400)
                problem = dataset_problems(stored.data, reject_line=self.reject_line)
                if problem:
                    return gateway_error(problem, 400)
                stored.state, stored.kind = "READY", dataset_kind(stored.data)
            return json_response({})

        @route("POST", base + "/datasets")
        def create_dataset(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            body = request.json() or {}
            dataset_id, dataset = body.get("datasetId"), body.get("dataset") or {}
            if not dataset_id or "userUploaded" not in dataset:
                return gateway_error("datasetId and dataset.userUploaded are required", 400)
            with self.state_lock:
                if dataset_id in self.datasets:
                    return gateway_error(f"dataset {dataset_id} already exists", 409)
                stored = FakeDataset(
                    dataset_id,
                    str(dataset.get("displayName", "")),
                    str(dataset.get("exampleCount", "0")),
                    self.now(),
                )
                self.datasets[dataset_id] = stored
                return json_response(stored.as_json(self.account))

        @route("GET", base + "/datasets/{dataset}")
        def get_dataset(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            with self.state_lock:
                stored = self.datasets.get(request.params["dataset"])
                if stored is None:
                    return gateway_error("dataset not found", 404)
                return json_response(stored.as_json(self.account))

        @route("POST", base + "/supervisedFineTuningJobs/{job}:cancel")
        def cancel(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            with self.state_lock:
                job = self.jobs.get(request.params["job"])
                if job is None:
                    return gateway_error("supervised fine-tuning job not found", 404)
                if not job.finished:
                    job.state = "JOB_STATE_CANCELLING"
                    job.updated = self.now()
            return json_response({})

        @route("POST", base + "/supervisedFineTuningJobs")
        def create_job(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            body = request.json() or {}
            with self.state_lock:
                self.create_bodies.append(body)
                if self.no_credit:
                    return gateway_error(
                        "Account has insufficient credit balance; please add credits.", 402
                    )
                base, refused = self.start_problem(body)
                if refused is not None:
                    return refused
                dataset_name = str(body.get("dataset", ""))
                stored = self.datasets.get(dataset_name.rsplit("/", 1)[-1])
                if stored is None or stored.state != "READY":
                    return gateway_error(f"dataset {dataset_name} is not ready", 400)
                if stored.kind == PREFERENCE:
                    return gateway_error(
                        f"dataset {dataset_name} holds preference data (input, preferred_output, "
                        "non_preferred_output); supervised fine-tuning needs chat 'messages'. "
                        "Use a DPO job for preference data.",
                        400,
                    )
                job = FakeJob(
                    id=uuid.uuid4().hex[:12],
                    request=body,
                    created=self.now(),
                    fail_message=self.fail_next_job,
                    base_model=base,
                )
                self.fail_next_job = None
                self.jobs[job.id] = job
                return json_response(job.as_json(self.account))

        @route("GET", base + "/supervisedFineTuningJobs")
        def list_jobs(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            size = min(int(request.query.get("pageSize", 50)), self.page_size_cap)
            start = int(request.query.get("pageToken") or 0)
            with self.state_lock:  # creation order; Fireworks promises none
                every = [job.as_json(self.account) for job in self.jobs.values()]
            page: dict[str, Any] = {
                "supervisedFineTuningJobs": every[start : start + size],
                "totalSize": len(every),
            }
            if start + size < len(every):
                page["nextPageToken"] = str(start + size)
            return json_response(page)

        @route("GET", base + "/supervisedFineTuningJobs/{job}")
        def get_job(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            with self.state_lock:
                job = self.jobs.get(request.params["job"])
                if job is None:
                    return gateway_error("supervised fine-tuning job not found", 404)
                self.advance(job)
                return json_response(job.as_json(self.account))

        @route("GET", base + "/models")
        def models(request: Request) -> Response:
            if (refused := known(request)) is not None:
                return refused
            with self.state_lock:
                every = [*self.jobs.values(), *self.dpo_jobs.values()]
                done = [j for j in every if j.state == "JOB_STATE_COMPLETED"]
                names = [j.output_model(self.account) for j in done]
            return json_response({"models": [{"name": name} for name in names]})

        @route("GET", "/inference/v1/models")
        def serverless(request: Request) -> Response:
            # What answers at once, billed per token: the base models (OpenAI's list shape).
            with self.state_lock:
                names = list(self.tunable_models)
            data = [{"id": n, "object": "model", "owned_by": "fireworks"} for n in names]
            return json_response({"object": "list", "data": data})

        @route("POST", "/inference/v1/chat/completions")
        def chat(request: Request) -> Response:
            body = request.json() or {}
            with self.state_lock:
                self.chat_bodies.append(body)
            model = body.get("model")
            with self.state_lock:
                deployed = self.ready_deployment_models()
            if model not in self.tunable_models and model not in deployed:
                return json_response(
                    {
                        "error": {
                            "object": "error",
                            "type": "invalid_request_error",
                            "message": f"Model not found, inaccessible, and/or not deployed: "
                            f"{model}",
                        }
                    },
                    404,
                )
            words = CHAT_REPLY.split(" ")
            chunks: list[Any] = [
                {
                    "id": "chat-1",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [{"index": 0, "delta": {"content": w if i == 0 else " " + w}}],
                }
                for i, w in enumerate(words)
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

    def start_problem(self, settings: dict[str, Any]) -> tuple[str, Response | None]:
        """The base model a job's settings start from (``baseModel``, or the base of the add-on
        ``warmStartFrom`` names), or Fireworks' refusal (caller holds the lock)."""
        base, start = settings.get("baseModel"), settings.get("warmStartFrom")
        if base and start:
            return "", gateway_error(
                "Only one of base_model or warm_start_from should be specified", 400
            )
        if start:
            trained = {
                job.output_model(self.account): job.base_model
                for job in [*self.jobs.values(), *self.dpo_jobs.values()]
                if job.state == "JOB_STATE_COMPLETED"
            }
            if start not in trained:
                return "", gateway_error(f"warm start model {start} not found", 404)
            return trained[start], None
        if base not in self.tunable_models:
            return "", gateway_error(f"base model {base} is not tunable", 400)
        return str(base), None

    def ready_deployment_models(self) -> set[str]:
        """ "<model>#<deployment name>" for each ready deployment: how its model is asked for
        replies (caller holds the lock)."""
        last = len(DEPLOYMENT_LIFE) - 1
        return {
            f"{d['baseModel']}#{d['name']}" for d in self.deployments.values() if d["looks"] >= last
        }


def add_dpo_routes(server: FakeFireworksServer) -> None:
    """DPO jobs under ``/v1/accounts/{account}/dpoJobs``: create (a ready preference dataset,
    one of ``baseModel`` or ``warmStartFrom``, a DPO beta in range), list with pages, get (one
    state further per look, as supervised jobs) and ``:cancel``."""
    base = "/v1/accounts/{account}/dpoJobs"

    def unknown_account(request: Request) -> Response | None:
        if request.params["account"] != server.account:
            return gateway_error(f'account "{request.params["account"]}" not found', 404)
        return None

    def refusal(body: dict[str, Any]) -> tuple[str, Response | None]:
        if server.no_credit:
            return "", gateway_error(
                "Account has insufficient credit balance; please add credits.", 402
            )
        model, refused = server.start_problem(body.get("trainingConfig") or {})
        if refused is not None:
            return "", refused
        name = str(body.get("dataset", ""))
        stored = server.datasets.get(name.rsplit("/", 1)[-1])
        if stored is None or stored.state != "READY":
            return "", gateway_error(f"dataset {name} is not ready", 400)
        if stored.kind != PREFERENCE:
            return "", gateway_error(
                f"dataset {name} is not in the DPO format: each sample needs input, "
                "preferred_output and non_preferred_output, and this one has chat 'messages'.",
                400,
            )
        beta = ((body.get("lossConfig") or {}).get("dpo") or {}).get("beta")
        if beta is not None and not 0 < beta < 0.5:
            return "", gateway_error("lossConfig.dpo.beta must be > 0 and < 0.5", 400)
        return model, None

    @server.route("POST", base + "/{job}:cancel")
    def cancel(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        with server.state_lock:
            job = server.dpo_jobs.get(request.params["job"])
            if job is None:
                return gateway_error("dpo job not found", 404)
            if not job.finished:
                job.state = "JOB_STATE_CANCELLING"
                job.updated = server.now()
        return json_response({})

    @server.route("POST", base)
    def create(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        body = request.json() or {}
        with server.state_lock:
            server.dpo_bodies.append(body)
            model, refused = refusal(body)
            if refused is not None:
                return refused
            job = FakeJob(
                id=uuid.uuid4().hex[:12],
                request=body,
                created=server.now(),
                fail_message=server.fail_next_job,
                dpo=True,
                base_model=model,
            )
            server.fail_next_job = None
            server.dpo_jobs[job.id] = job
            return json_response(job.as_json(server.account))

    @server.route("GET", base)
    def every(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        size = min(int(request.query.get("pageSize", 50)), server.page_size_cap)
        start = int(request.query.get("pageToken") or 0)
        with server.state_lock:  # creation order; Fireworks promises none
            jobs = [job.as_json(server.account) for job in server.dpo_jobs.values()]
        page: dict[str, Any] = {"dpoJobs": jobs[start : start + size], "totalSize": len(jobs)}
        if start + size < len(jobs):
            page["nextPageToken"] = str(start + size)
        return json_response(page)

    @server.route("GET", base + "/{job}")
    def get(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        with server.state_lock:
            job = server.dpo_jobs.get(request.params["job"])
            if job is None:
                return gateway_error("dpo job not found", 404)
            server.advance(job)
            return json_response(job.as_json(server.account))


# A deployment's life, one step per look (GET) at it.
DEPLOYMENT_LIFE = ("CREATING", "CREATING", "READY")


def add_deployment_routes(server: FakeFireworksServer) -> None:
    """On-demand deployments: create (creating, then ready after a few looks), get, list and
    delete, under ``/v1/accounts/{account}/deployments``."""
    base = "/v1/accounts/{account}/deployments"

    def unknown_account(request: Request) -> Response | None:
        if request.params["account"] != server.account:
            return gateway_error(f'account "{request.params["account"]}" not found', 404)
        return None

    def shown(stored: dict[str, Any]) -> dict[str, Any]:
        looks = stored["looks"]
        state = DEPLOYMENT_LIFE[min(looks, len(DEPLOYMENT_LIFE) - 1)]
        return {key: value for key, value in stored.items() if key != "looks"} | {"state": state}

    @server.route("POST", base)
    def create(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        body = request.json() or {}
        if not body.get("baseModel"):
            return gateway_error("baseModel is required", 400)
        with server.state_lock:
            deployment_id = uuid.uuid4().hex[:8]
            server.deployments[deployment_id] = {
                "name": f"accounts/{server.account}/deployments/{deployment_id}",
                "baseModel": body["baseModel"],
                "displayName": body.get("displayName", ""),
                "createTime": server.now(),
                "looks": 0,
            }
            return json_response(shown(server.deployments[deployment_id]))

    @server.route("GET", base)
    def every(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        with server.state_lock:
            return json_response({"deployments": [shown(d) for d in server.deployments.values()]})

    @server.route("GET", base + "/{deployment}")
    def get(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        with server.state_lock:
            stored = server.deployments.get(request.params["deployment"])
            if stored is None:
                return gateway_error("deployment not found", 404)
            stored["looks"] += 1
            return json_response(shown(stored))

    @server.route("DELETE", base + "/{deployment}")
    def delete(request: Request) -> Response:
        if (refused := unknown_account(request)) is not None:
            return refused
        with server.state_lock:
            if server.deployments.pop(request.params["deployment"], None) is None:
                return gateway_error("deployment not found", 404)
        return json_response({})
