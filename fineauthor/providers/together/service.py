"""Together AI: upload, LoRA fine-tuning, watching and chat through Together's REST API, as the
Provider interface. It talks HTTP with ``httpx2`` (which the openai SDK already brings);
Together's own SDK is not a dependency."""

from __future__ import annotations

import contextlib
import time
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
from fineauthor.providers.json_fields import (
    as_dict,
    as_int,
    as_list,
    as_number,
    as_text,
    as_time,
)
from fineauthor.providers.together import deployments
from fineauthor.providers.together.chat import stream_reply
from fineauthor.providers.together.errors import model_unavailable
from fineauthor.providers.together.records import PROVIDER_ID, event_records, job_record
from fineauthor.providers.together.transport import TogetherREST
from fineauthor.providers.together.uploads import find_uploaded_file, upload_file

# The endpoints called here, and where they were confirmed (stored copies, read in late 2026);
# uploads, job and event shapes, chat and errors are noted in their own modules:
#
# - ``GET /fine-tunes/models/limits?model_name=M`` → ``lora_training`` (``default_rank``,
#   ``max_rank``), ``full_training`` (or null) (together-py ``types/finetune_model_limits.py``,
#   ``lib/resources/fine_tuning.py``). The official client reads it to fill the LoRA rank; so
#   do we, and an unknown or untrainable model is found out here.
# - ``POST /fine-tunes`` with ``model``, ``training_file``, ``training_type``
#   (``{"type": "Lora", "lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules"}`` or
#   ``{"type": "Full"}``), optional ``n_epochs``, ``learning_rate``, ``batch_size``, ``suffix``
#   (≤ 40 characters), ``validation_file`` with ``n_evals`` → the job
#   (together-py ``resources/fine_tuning.py`` ``create``; ``lib/resources/fine_tuning.py``).
#   Preference training adds ``training_method: {"method": "dpo", "dpo_beta"?}`` (supervised
#   is ``{"method": "sft"}``, Together's default, so we send nothing for it); training on top
#   of an earlier fine-tune sends ``from_checkpoint`` (its job id or output model name,
#   optionally ``:{step}``) *instead of* ``model`` — the official client refuses both at once
#   (together-py ``types/fine_tuning_create_params.py``, ``lib/resources/fine_tuning.py``
#   ``create_finetune_request``; docs.together.ai/docs/fine-tuning/preference-tuning).
# - ``GET /fine-tunes`` → ``{"data": [job, …]}``; ``GET /fine-tunes/{id}`` → the job;
#   ``POST /fine-tunes/{id}/cancel`` → the job.
# - ``GET /fine-tunes/{id}/metrics`` → ``{"metrics": [{"train/loss": …,
#   "train/global_step": …}, …]}`` in time order, training and evaluation steps as separate
#   objects (docs.together.ai/reference/get-fine-tunes-id-metrics, changelog 2026-06-01,
#   together-py ``lib/cli/components/plot_finetune_metrics.py``).
# - ``GET /fine-tunes/{id}/checkpoints`` → ``{"data": [{"checkpoint_type", "created_at", "path",
#   "step", "object_name"?}, …]}``; an intermediate checkpoint is named ``{job id}:{step}``
#   (together-py ``types/fine_tuning_list_checkpoints_response.py``,
#   ``lib/cli/api/fine_tuning/list_checkpoints.py``).
# - ``POST /fine-tunes/estimate-price`` with ``training_file``, ``model``, ``n_epochs``,
#   ``training_type``, ``validation_file``, ``n_evals`` (and ``training_method``,
#   ``from_checkpoint`` as for a job) → ``estimation_available``,
#   ``estimated_total_price`` (dollars), ``estimated_train_token_count``,
#   ``allowed_to_proceed``, ``user_limit`` (together-py ``types/fine_tuning_estimate_price_*``).
# - ``GET /fine-tunes/models/supported`` → ``{"models": [name, …], "detailed_models": […]}``
#   (docs.together.ai/reference/get-fine-tunes-models-supported).

# The official client's default learning rate (together-py create(learning_rate=0.00001));
# FineAuthor's option is a multiplier, as at OpenAI, so it scales this.
_BASE_LEARNING_RATE = 1e-5
# With a validation file, how many times to measure validation loss during training
# (Together's own default is 0, which would ignore the file).
_EVALS_WITH_VALIDATION = 5


class TogetherProvider(Provider):
    """Together AI, reached with one API key. Not thread-safe: one instance per worker."""

    id = PROVIDER_ID
    name = "Together AI"
    # DPO on preference pairs, from the base model or from an earlier fine-tune of it.
    trains_preferences = True
    preference_on_top = True

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        api_key = api_key.strip()
        if not api_key.isascii() or not api_key.isprintable():
            # Checked here, so no HTTP library ever quotes a piece of it in an error.
            raise ProviderError(
                ProviderError.AUTH,
                "That Together AI key has characters an API key never contains. Copy it "
                "again from together.ai and paste it in Settings → Accounts.",
            )
        self._rest = TogetherREST(
            api_key, base_url, timeout=timeout, max_retries=max_retries, sleep=sleep
        )
        self._limits: dict[str, dict[str, Any]] = {}
        self._deployments = deployments.TogetherDeployments(self._rest)

    @property
    def base_url(self) -> str:
        return self._rest.base_url

    @property
    def max_retries(self) -> int:
        return self._rest.max_retries

    def __repr__(self) -> str:  # never the key
        return f"TogetherProvider(base_url={self.base_url!r})"

    def close(self) -> None:
        self._rest.close()

    def __enter__(self) -> TogetherProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the account

    def check_key(self) -> None:
        self._rest.request("GET", "/fine-tunes")

    def list_models(self) -> list[RemoteModel]:
        data = self._rest.json(self._rest.request("GET", "/fine-tunes/models/supported"))
        names: list[str] = []
        for entry in as_list(data.get("models")) or as_list(data.get("detailed_models")):
            name = entry if isinstance(entry, str) else as_text(as_dict(entry).get("name"))
            name = name or as_text(as_dict(entry).get("id"))
            if name and name not in names:
                names.append(name)
        return [RemoteModel(id=n, owned_by=n.split("/", 1)[0] if "/" in n else "") for n in names]

    def chat_models(self) -> list[RemoteModel]:
        # ``GET /models`` → a bare list of models, each with ``id``, ``type`` ("chat", …),
        # ``organization`` and ``pricing`` {``input``, ``output``, ``hourly``, …} in dollars per
        # 1M tokens (together-python ``types/models.py`` ``ModelObject``, ``PricingObject``).
        data = self._rest.json(self._rest.request("GET", "/models"))
        found: list[RemoteModel] = []
        for entry in as_list(data.get("data")):
            item = as_dict(entry)
            name = as_text(item.get("id"))
            if not name or as_text(item.get("type")) not in ("", "chat", "language"):
                continue
            pricing = as_dict(item.get("pricing"))
            price_in, price_out = as_number(pricing.get("input")), as_number(pricing.get("output"))
            if not price_in and not price_out:  # 0 and 0: served only by the hour, or unsaid
                price_in = price_out = None
            found.append(
                RemoteModel(
                    id=name,
                    owned_by=as_text(item.get("organization")),
                    input_price_per_1m_usd=price_in,
                    output_price_per_1m_usd=price_out,
                )
            )
        return found

    # ------------------------------------------------------------------ files

    def upload(
        self,
        path: Path,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> UploadedFile:
        return upload_file(
            self._rest, path, filename=filename, progress=progress, cancelled=cancelled
        )

    def find_file(self, filename: str) -> UploadedFile | None:
        return find_uploaded_file(self._rest, filename)

    # ------------------------------------------------------------------ jobs

    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        body = self._job_body(model, training_file, options)
        body.update(_hyperparameters(options))
        if options.suffix:
            body["suffix"] = options.suffix[:40]
        # Never retried: a second request could start a second, paid, job.
        response = self._rest.request(
            "POST",
            "/fine-tunes",
            json=body,
            retry=False,
            creating=True,
            model=options.from_model or model,
            training=options.method,
        )
        return job_record(self._rest, self._rest.json(response))

    def find_job(self, training_file: str) -> Job | None:
        jobs = [job for job in self._all_jobs() if job.training_file == training_file]
        return jobs[0] if jobs else None

    def get_job(self, job_id: str) -> Job:
        data = self._rest.json(self._rest.request("GET", f"/fine-tunes/{job_id}"))
        return job_record(self._rest, data)

    def list_jobs(self, limit: int = 20) -> list[Job]:
        return self._all_jobs()[: max(0, limit)]

    def cancel_job(self, job_id: str) -> Job:
        # Asking twice to cancel is harmless, so this one may be retried.
        data = self._rest.json(self._rest.request("POST", f"/fine-tunes/{job_id}/cancel"))
        return job_record(self._rest, data)

    def _all_jobs(self) -> list[Job]:
        data = self._rest.json(self._rest.request("GET", "/fine-tunes"))
        # Listed jobs carry no events: a failed one's reason costs one more request (rare).
        jobs = [job_record(self._rest, as_dict(entry)) for entry in as_list(data.get("data"))]
        # Together does not promise an order: newest first, by creation time.
        oldest = datetime.min.replace(tzinfo=UTC)
        return sorted(jobs, key=lambda job: job.created_at or oldest, reverse=True)

    # ------------------------------------------------------------------ progress

    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        data = self._rest.json(self._rest.request("GET", f"/fine-tunes/{job_id}/events"))
        raw = [as_dict(entry) for entry in as_list(data.get("data"))]
        events = event_records(raw, self._rest.api_key)
        if after is None:
            return events
        ids = [event.id for event in events]
        if after in ids:
            return events[ids.index(after) + 1 :]
        # The marker is gone (the list was trimmed): go by time instead of repeating it all.
        since = as_time(after.split("#", 1)[0])
        if since is None:
            return events
        return [event for event in events if event.created_at > since]

    def metrics(self, job_id: str) -> list[MetricPoint]:
        data = self._rest.json(self._rest.request("GET", f"/fine-tunes/{job_id}/metrics"))
        by_step: dict[int, dict[str, float | None]] = {}
        for entry in as_list(data.get("metrics")):
            row = as_dict(entry)
            step = _metric_step(row)
            if step is None:
                continue
            point = by_step.setdefault(step, {"train": None, "valid": None})
            train = as_number(row.get("train/loss"))
            valid = as_number(row.get("eval/loss"))
            if valid is None:
                valid = as_number(row.get("eval/valid_loss"))
            # Later rows for the same step win: they are the more recent measurement.
            if train is not None:
                point["train"] = train
            if valid is not None:
                point["valid"] = valid
        return [
            MetricPoint(step=step, train_loss=values["train"], valid_loss=values["valid"])
            for step, values in sorted(by_step.items())
            if values["train"] is not None or values["valid"] is not None
        ]

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        data = self._rest.json(self._rest.request("GET", f"/fine-tunes/{job_id}/checkpoints"))
        entries = [as_dict(entry) for entry in as_list(data.get("data"))]
        if not entries:
            return []
        losses: dict[int, MetricPoint] = {}
        with contextlib.suppress(ProviderError):  # losses are a bonus, not a must
            losses = {point.step: point for point in self.metrics(job_id)}
        final_name: str | None = None
        found: dict[int, Checkpoint] = {}
        for item in entries:
            step = as_int(item.get("step"))
            if step is None:
                continue
            kind = as_text(item.get("checkpoint_type")) or as_text(item.get("type"))
            name = as_text(item.get("object_name"))
            if not name and "intermediate" in kind.lower():
                name = f"{job_id}:{step}"  # how Together names a checkpoint to train on
            if not name:
                if final_name is None:
                    final_name = self.get_job(job_id).fine_tuned_model or job_id
                name = final_name
            point = losses.get(step)
            found.setdefault(
                step,
                Checkpoint(
                    id=f"{job_id}:{step}",
                    step=step,
                    model=name,
                    train_loss=point.train_loss if point else None,
                    valid_loss=point.valid_loss if point else None,
                ),
            )
        return [found[step] for step in sorted(found)]

    # ------------------------------------------------------------------ price

    def estimate_price(
        self, model: str, training_file: str, options: TrainingOptions
    ) -> PriceEstimate | None:
        body = self._job_body(model, training_file, options)
        if options.epochs is not None:
            body["n_epochs"] = options.epochs
        if options.validation_file_id:
            body["validation_file"] = options.validation_file_id
            body["n_evals"] = _EVALS_WITH_VALIDATION
        # Only asks for a quote, so it may be retried.
        data = self._rest.json(
            self._rest.request(
                "POST", "/fine-tunes/estimate-price", json=body, model=options.from_model or model
            )
        )
        if data.get("estimation_available") is False:
            return None
        usd = as_number(data.get("estimated_total_price"))
        if usd is None:
            return None
        tokens = as_number(data.get("estimated_train_token_count"))
        if data.get("allowed_to_proceed") is False:
            limit = as_number(data.get("user_limit"))
            have = f" (your account allows ${limit:,.2f})" if limit is not None else ""
            raise ProviderError(
                ProviderError.BILLING,
                f"Together AI estimates this training at about ${usd:,.2f}, more than your "
                f"account's credit{have}. Add credit on together.ai (Settings → Billing), "
                "then ask for the price again. Nothing was lost.",
            )
        return PriceEstimate(usd=usd, billed_tokens=int(tokens) if tokens is not None else None)

    # ------------------------------------------------------------------ chat

    def chat(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        temperature: float = 1.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        return stream_reply(
            self._rest, model, messages, temperature=temperature, max_tokens=max_tokens
        )

    # ------------------------------------------------------------------ dedicated endpoints

    def needs_deployment(self, model: str) -> bool:
        return deployments.needs_deployment(model)

    def deployment_price(self, model: str) -> float | None:
        return self._deployments.price(model)

    def start_deployment(self, model: str) -> Deployment:
        return self._deployments.start(model)

    def get_deployment(self, deployment_id: str) -> Deployment:
        return self._deployments.get(deployment_id)

    def stop_deployment(self, deployment_id: str) -> None:
        self._deployments.stop(deployment_id)

    def list_deployments(self) -> list[Deployment]:
        return self._deployments.every()

    # ------------------------------------------------------------------ what a job is

    def _job_body(self, model: str, training_file: str, options: TrainingOptions) -> dict[str, Any]:
        """What a job and its price quote share: where it starts from, the file, LoRA or full,
        and how it learns. The LoRA rank comes from the base model's limits even when the job
        starts from an earlier fine-tune of it."""
        body: dict[str, Any] = {
            "training_file": training_file,
            "training_type": self._training_type(model, options),
        }
        if options.from_model:
            body["from_checkpoint"] = options.from_model
        else:
            body["model"] = model
        if options.method == PREFERENCE:
            method: dict[str, Any] = {"method": "dpo"}
            if options.dpo_beta is not None:
                method["dpo_beta"] = options.dpo_beta
            body["training_method"] = method
        return body

    # ------------------------------------------------------------------ the model's limits

    def _training_type(self, model: str, options: TrainingOptions) -> dict[str, Any]:
        limits = self._model_limits(model)
        if options.lora:
            lora = as_dict(limits.get("lora_training"))
            if not lora:
                raise model_unavailable(model, "Together cannot train a LoRA add-on for it")
            rank = as_int(lora.get("default_rank")) or as_int(lora.get("max_rank")) or 8
            return {
                "type": "Lora",
                "lora_r": rank,
                "lora_alpha": rank * 2,  # the official client's default
                "lora_dropout": 0.0,
                "lora_trainable_modules": "all-linear",
            }
        if not limits.get("full_training") or limits.get("supports_full_training") is False:
            raise model_unavailable(model, "Together offers only LoRA training for it")
        return {"type": "Full"}

    def _model_limits(self, model: str) -> dict[str, Any]:
        if model not in self._limits:
            response = self._rest.request(
                "GET", "/fine-tunes/models/limits", params={"model_name": model}, model=model
            )
            self._limits[model] = self._rest.json(response)
        return self._limits[model]


def _hyperparameters(options: TrainingOptions) -> dict[str, Any]:
    """Only what the writer set; Together's defaults stand for the rest."""
    body: dict[str, Any] = {}
    if options.epochs is not None:
        body["n_epochs"] = options.epochs
    if options.learning_rate_multiplier is not None:
        body["learning_rate"] = _BASE_LEARNING_RATE * options.learning_rate_multiplier
    if options.batch_size is not None:
        body["batch_size"] = options.batch_size
    if options.validation_file_id:
        body["validation_file"] = options.validation_file_id
        body["n_evals"] = _EVALS_WITH_VALIDATION
    return body


def _metric_step(row: dict[str, Any]) -> int | None:
    for key in ("train/global_step", "eval/global_step", "global_step", "step"):
        value = as_number(row.get(key))
        if value is not None:
            return int(value)
    return None
