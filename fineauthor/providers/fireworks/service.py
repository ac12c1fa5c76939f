"""Fireworks AI: datasets, LoRA supervised and preference (DPO) fine-tuning jobs, watching and
chat, as the Provider interface. The control plane is REST over ``httpx2`` at the API root
(``/v1/accounts/{a}/…``); chat goes through the ``openai`` SDK at ``{root}/inference/v1``.
Uploads, job shapes and errors are noted in their own modules.

The job endpoints (docs.fireworks.ai/api-reference/create-supervised-fine-tuning-job and
get-…; fw-ai-external/python-sdk ``types/supervised_fine_tuning_job_create_params.py``,
``…_list_response.py``; firectl ``supervised-fine-tuning-job cancel``):

- ``POST /v1/accounts/{a}/supervisedFineTuningJobs`` with ``dataset`` (the dataset's full
  name), ``baseModel``, ``outputModel`` (the trained model's id; the job's id when unset),
  ``displayName``, ``epochs``, ``learningRate``, ``loraRank``, ``maxContextLength``,
  ``batchSizeSamples``, ``evaluationDataset`` → the job.
- ``GET .../supervisedFineTuningJobs?pageSize=&pageToken=`` → ``{"supervisedFineTuningJobs":
  [...], "nextPageToken", "totalSize"}``; ``GET .../supervisedFineTuningJobs/{id}`` → the job;
  ``POST .../supervisedFineTuningJobs/{id}:cancel`` with ``{}``.
- Preference (DPO) jobs live beside them at ``.../dpoJobs`` (docs.fireworks.ai/api-reference/
  create-dpo-job, get-dpo-job; python-sdk ``resources/dpo_jobs.py``, ``types/dpo_job.py``,
  ``types/shared_params/reinforcement_learning_loss_config.py``, ``dpo_config.py``): ``POST``
  with ``dataset``, ``displayName``, ``trainingConfig`` (``baseModel`` *or* ``warmStartFrom``
  — an earlier LoRA add-on to go on from —, ``outputModel``, ``epochs``, ``learningRate``,
  ``loraRank``, ``batchSizeSamples``) and ``lossConfig`` (``method: "DPO"`` — unset means GRPO
  there — and ``dpo: {"beta"}``, which must be above 0 and below 0.5; ``klBeta`` is for the
  GRPO-like methods); list (``{"dpoJobs": [...], "nextPageToken"}``), get, and ``:cancel``
  (the gateway's ``Gateway_CancelDpoJob``). A DPO job's id here is its full name,
  ``accounts/{a}/dpoJobs/{id}``, so it is never taken for a supervised job's bare id.
- ``GET /v1/accounts/{a}`` → the account (the cheap authenticated call that also proves the
  account id); ``GET /v1/accounts/{a}/models`` → ``{"models": [...], "nextPageToken"}``.

Fireworks trains LoRA add-ons ("Fireworks uses LoRA", docs.fireworks.ai/fine-tuning/
finetuning-intro); FineAuthor asks for no full fine-tune there. It publishes no event list or
step-by-step loss for these jobs that we could confirm, and no price quote we could read, so
those answers are the job's state as an event, no loss points, and no quote.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fineauthor.providers.base import (
    PREFERENCE,
    Cancelled,
    Checkpoint,
    Deployment,
    Job,
    JobEvent,
    MetricPoint,
    PriceEstimate,
    Progress,
    Provider,
    ProviderError,
    RemoteModel,
    TrainingOptions,
    UploadedFile,
)
from fineauthor.providers.fireworks import deployments
from fineauthor.providers.fireworks.chat import inference_url, serverless_models, stream_reply
from fineauthor.providers.fireworks.errors import NAME
from fineauthor.providers.fireworks.records import (
    PROVIDER_ID,
    is_preference_job,
    job_record,
    last_segment,
    state_event,
)
from fineauthor.providers.fireworks.transport import FireworksREST
from fineauthor.providers.fireworks.uploads import (
    DIRECT_UPLOAD_LIMIT,
    find_dataset,
    upload_dataset,
)
from fineauthor.providers.json_fields import as_dict, as_list, as_text

# FineAuthor's own choices, not Fireworks' defaults (which we could not confirm): a small
# adapter (the rank is its size) is plenty for a writer's style, and the learning rate the
# writer's multiplier scales is the usual one for LoRA training.
LORA_RANK = 8
BASE_LEARNING_RATE = 1e-4
_PAGE_SIZE = 200
_MAX_PAGES = 25  # 5,000 jobs: more than any writer has, and a bound on a looping token


class FireworksProvider(Provider):
    """Fireworks AI for one account, reached with one API key. Not thread-safe: one instance
    per worker."""

    id = PROVIDER_ID
    name = "Fireworks AI"
    # DPO jobs, from the base model or warm-started from an earlier LoRA add-on.
    trains_preferences = True
    preference_on_top = True

    def __init__(
        self,
        api_key: str,
        account: str,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
        direct_upload_limit: int = DIRECT_UPLOAD_LIMIT,
    ) -> None:
        api_key = api_key.strip()
        if not api_key.isascii() or not api_key.isprintable():
            # Checked here, so no HTTP library ever quotes a piece of it in an error.
            raise ProviderError(
                ProviderError.AUTH,
                f"That {NAME} key has characters an API key never contains. Copy it again "
                "from fireworks.ai and paste it in Settings → Accounts.",
            )
        self._rest = FireworksREST(
            api_key, account, base_url, timeout=timeout, max_retries=max_retries, sleep=sleep
        )
        self._direct_limit = direct_upload_limit
        self._chat_client: Any = None
        # The job as last fetched, so the poll that follows a get_job (for its events) costs
        # no second request and sees the same moment.
        self._fetched: tuple[str, dict[str, Any]] | None = None

    @property
    def base_url(self) -> str:
        return self._rest.base_url

    @property
    def account(self) -> str:
        return self._rest.account

    def __repr__(self) -> str:  # never the key
        return f"FireworksProvider(base_url={self.base_url!r}, account={self.account!r})"

    def close(self) -> None:
        self._rest.close()
        if self._chat_client is not None:
            self._chat_client.close()

    def __enter__(self) -> FireworksProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the account

    def check_key(self) -> None:
        self._rest.request("GET", self._rest.account_path())

    def list_models(self) -> list[RemoteModel]:
        models = self._pages("/models", "models")
        return [
            RemoteModel(id=as_text(m.get("name")), owned_by=self.account)
            for m in models
            if as_text(m.get("name"))
        ]

    # ------------------------------------------------------------------ datasets

    def upload(
        self,
        path: Path,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> UploadedFile:
        return upload_dataset(
            self._rest,
            path,
            filename=filename,
            progress=progress,
            cancelled=cancelled,
            direct_limit=self._direct_limit,
        )

    def find_file(self, filename: str) -> UploadedFile | None:
        return find_dataset(self._rest, filename)

    # ------------------------------------------------------------------ jobs

    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        if not options.lora:
            raise ProviderError(
                ProviderError.REFUSED,
                f"{NAME} trains LoRA add-ons only (a small adapter on top of the base model), "
                "not full fine-tunes. Leave “LoRA” on to train there.",
            )
        if options.method == PREFERENCE:
            collection, body = "/dpoJobs", _dpo_body(model, training_file, options)
        else:
            collection, body = (
                "/supervisedFineTuningJobs",
                _supervised_body(model, training_file, options),
            )
        # Never retried: a second request could start a second, paid, job.
        response = self._rest.request(
            "POST",
            self._rest.account_path(collection),
            json=body,
            retry=False,
            creating=True,
            model=options.from_model or model,
            training=options.method,
        )
        return self._job(self._rest.json(response))

    def find_job(self, training_file: str) -> Job | None:
        jobs = [job for job in self._all_jobs() if job.training_file == training_file]
        return jobs[0] if jobs else None

    def get_job(self, job_id: str) -> Job:
        raw = self._raw_job(job_id)
        self._fetched = (self._job_path(job_id), raw)
        return self._job(raw)

    def list_jobs(self, limit: int = 20) -> list[Job]:
        return self._all_jobs()[: max(0, limit)]

    def cancel_job(self, job_id: str) -> Job:
        # Asking twice to stop is harmless, so this one may be retried.
        self._rest.request("POST", f"{self._job_path(job_id)}:cancel", json={})
        return self.get_job(job_id)

    def _all_jobs(self) -> list[Job]:
        raw = self._pages("/supervisedFineTuningJobs", "supervisedFineTuningJobs")
        raw += self._pages("/dpoJobs", "dpoJobs")
        jobs = [self._job(item) for item in raw]
        oldest = datetime.min.replace(tzinfo=UTC)  # newest first, whatever order they came in
        return sorted(jobs, key=lambda job: job.created_at or oldest, reverse=True)

    def _job_path(self, job_id: str) -> str:
        """Where a job lives: a DPO job's id is its full name, a supervised job's its bare id
        (or full name)."""
        collection = "/dpoJobs" if is_preference_job(job_id) else "/supervisedFineTuningJobs"
        return self._rest.account_path(f"{collection}/{last_segment(job_id)}")

    def _raw_job(self, job_id: str) -> dict[str, Any]:
        return self._rest.json(self._rest.request("GET", self._job_path(job_id)))

    def _job(self, data: dict[str, Any]) -> Job:
        return job_record(data, account=self.account, secret=self._rest.api_key)

    def _pages(self, collection: str, key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = ""
        for _ in range(_MAX_PAGES):
            params = {"pageSize": str(_PAGE_SIZE)}
            if token:
                params["pageToken"] = token
            data = self._rest.json(
                self._rest.request("GET", self._rest.account_path(collection), params=params)
            )
            items.extend(as_dict(item) for item in as_list(data.get(key)))
            token = as_text(data.get("nextPageToken"))
            if not token:
                break
        return items

    # ------------------------------------------------------------------ progress

    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        fetched, self._fetched = self._fetched, None
        if fetched is not None and fetched[0] == self._job_path(job_id):
            raw = fetched[1]
        else:
            raw = self._raw_job(job_id)
        event = state_event(raw, secret=self._rest.api_key)
        return [] if event.id == after else [event]

    def metrics(self, job_id: str) -> list[MetricPoint]:
        return []

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        return []

    def estimate_price(
        self, model: str, training_file: str, options: TrainingOptions
    ) -> PriceEstimate | None:
        return None

    # ------------------------------------------------------------------ deployments

    def needs_deployment(self, model: str) -> bool:
        return deployments.needs_deployment(model)

    def start_deployment(self, model: str) -> Deployment:
        return deployments.start(self._rest, model)

    def get_deployment(self, deployment_id: str) -> Deployment:
        return deployments.get(self._rest, deployment_id)

    def stop_deployment(self, deployment_id: str) -> None:
        deployments.stop(self._rest, deployment_id)

    def list_deployments(self) -> list[Deployment]:
        return deployments.every(self._rest)

    # ------------------------------------------------------------------ chat

    def chat_models(self) -> list[RemoteModel]:
        # Not list_models: that lists the account's own trained models, which answer only on
        # a deployment of the writer's; these answer at once, billed per token.
        names = serverless_models(self._chat(), secret=self._rest.api_key, account=self.account)
        return [RemoteModel(id=name, owned_by="fireworks") for name in names]

    def _chat(self) -> Any:  # an openai.OpenAI, made (and openai imported) on first use
        if self._chat_client is None:
            import openai  # heavy: only when the bench or the prompt writer asks

            self._chat_client = openai.OpenAI(
                api_key=self._rest.api_key,
                base_url=inference_url(self.base_url),
                timeout=self._rest.timeout,
                max_retries=self._rest.max_retries,
            )
        return self._chat_client

    def chat(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        temperature: float = 1.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        return stream_reply(
            self._chat(),
            secret=self._rest.api_key,
            account=self.account,
            model=model,
            messages=messages,
            temperature=temperature,
            max_tokens=max_tokens,
        )


def _supervised_body(model: str, training_file: str, options: TrainingOptions) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dataset": training_file,
        "loraRank": LORA_RANK,
        "displayName": f"FineAuthor: {last_segment(training_file)}"[:60],
    }
    if options.from_model:
        body["warmStartFrom"] = options.from_model  # never both: Fireworks takes one
    else:
        body["baseModel"] = model
    if options.suffix:
        body["outputModel"] = _output_model_id(options.suffix)
    if options.epochs is not None:
        body["epochs"] = options.epochs
    if options.learning_rate_multiplier is not None:
        body["learningRate"] = BASE_LEARNING_RATE * options.learning_rate_multiplier
    if options.batch_size is not None:
        body["batchSizeSamples"] = options.batch_size
    if options.validation_file_id:
        body["evaluationDataset"] = options.validation_file_id
    return body


def _dpo_body(model: str, training_file: str, options: TrainingOptions) -> dict[str, Any]:
    """A DPO job: the same training settings, nested under ``trainingConfig``, and the loss
    named (Fireworks would otherwise pick GRPO). DPO jobs take no evaluation dataset, so a
    validation file is not sent."""
    config: dict[str, Any] = {"loraRank": LORA_RANK}
    if options.from_model:
        config["warmStartFrom"] = options.from_model  # never both: Fireworks takes one
    else:
        config["baseModel"] = model
    if options.suffix:
        config["outputModel"] = _output_model_id(options.suffix)
    if options.epochs is not None:
        config["epochs"] = options.epochs
    if options.learning_rate_multiplier is not None:
        config["learningRate"] = BASE_LEARNING_RATE * options.learning_rate_multiplier
    if options.batch_size is not None:
        config["batchSizeSamples"] = options.batch_size
    loss: dict[str, Any] = {"method": "DPO"}
    if options.dpo_beta is not None:
        loss["dpo"] = {"beta": options.dpo_beta}
    return {
        "dataset": training_file,
        "displayName": f"FineAuthor: {last_segment(training_file)}"[:60],
        "trainingConfig": config,
        "lossConfig": loss,
    }


def _output_model_id(suffix: str) -> str:
    """The writer's word as a model id Fireworks accepts (lower-case letters, digits and
    hyphens), made unique so a second training never collides with the first."""
    word = re.sub(r"[^a-z0-9-]+", "-", suffix.lower()).strip("-")[:40].rstrip("-")
    return f"{word or 'model'}-{uuid.uuid4().hex[:6]}"
