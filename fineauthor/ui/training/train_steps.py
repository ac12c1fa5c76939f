"""The work behind the Train dialog's steps, each built here and run off the GUI thread: check
and freeze the examples, send them (and ask the service's price), start the job; and what the
dialog notes in the project's job history along the way."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fineauthor.core.catalog import ModelInfo
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import Job, PriceEstimate, Provider, ProviderError, TrainingOptions

#: One step's work: it reports progress (an int) and looks whether it was cancelled.
Work = Callable[[Callable[[int], None], Callable[[], bool]], Any]


@dataclass(frozen=True)
class Sent:
    """Examples on the service: the open service, the account it was reached with, the
    recorded attempt, and the service's own price when it quoted one."""

    provider: Provider
    account: Any  # training.attempts.ServiceAccount
    attempt: Any  # training.attempts.Attempt
    price: PriceEstimate | None


def check_work(
    project: Any,
    model: ModelInfo,
    provider_id: str,
    epochs: int | None,
    *,
    lora: bool = True,
    preference: bool = False,
) -> Work:
    """Step 1: check the examples (or, for ``preference``, the writer's choices) for ``model``
    and freeze them (nothing is sent); the estimate is for the ``epochs`` the writer chose, when
    they chose, and for the method (``lora``)."""
    from fineauthor.providers.registry import provider_class
    from fineauthor.training.preference_round import prepare_preferences
    from fineauthor.training.prepare import prepare

    def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Any:
        if preference:
            service = provider_class(provider_id)
            return prepare_preferences(project, model, service, epochs=epochs, lora=lora)
        return prepare(project, model, provider_id, epochs=epochs, lora=lora)

    return work


def send_work(
    project: Any,
    dataset: Any,
    *,
    provider_id: str,
    key: str | None,
    existing: Sent | None,
    model_id: str,
    options: TrainingOptions,
) -> Work:
    """Step 2: send the checked ``dataset`` (or find it already sent) with ``key``, through
    the service ``existing`` was sent with when that is the same service and account, else a
    newly opened one; its progress is the bytes sent. The result is a Sent."""
    from fineauthor.providers.registry import open_provider
    from fineauthor.training.attempts import service_account, upload_dataset

    def work(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> Sent:
        account = service_account(provider_id, key or "")
        same = (
            existing is not None
            and existing.provider.id == provider_id
            and existing.account == account
        )
        provider = existing.provider if same and existing else open_provider(provider_id, key or "")
        try:
            attempt = upload_dataset(
                project,
                provider,
                model_id,
                options,
                dataset,
                account=account,
                progress=lambda sent, _total: progress(sent),
                cancelled=cancelled,
            )
        except ProviderError as problem:
            if problem.kind == ProviderError.CANCELLED:
                _mark_stopped(project, provider_id, dataset.sha256, model_id)
            raise
        price = None
        if attempt.job is None:
            price = provider.estimate_price(model_id, attempt.file_id, options)
        return Sent(provider, account, attempt, price)

    return work


def start_work(project: Any, sent: Sent, model_id: str, options: TrainingOptions) -> Work:
    """Step 3: create the job for the ``sent`` examples (or pick up the one already made)."""
    from fineauthor.training.attempts import create_job

    def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Job:
        return create_job(project, sent.provider, model_id, options, sent.attempt)

    return work


def record_service_price(project: Any, sent: Sent) -> None:
    """Note the service's own price in the attempt's row of the job history."""
    with contextlib.suppress(FineAuthorError, KeyError):
        row = next(r for r in project.jobs() if r["id"] == sent.attempt.row_id)
        detail = dict(row["detail"])
        detail["service_price"] = {
            "usd": sent.price.usd if sent.price else None,
            "billed_tokens": sent.price.billed_tokens if sent.price else None,
        }
        project.update_job(sent.attempt.row_id, detail=detail)


def _mark_stopped(project: Any, provider_id: str, sha256: str, model_id: str) -> None:
    """The writer stopped sending: the attempt is recorded as stopped (nothing was trained).
    Training again still finds anything that did arrive, by its name on the service."""
    from fineauthor.providers.base import CANCELLED
    from fineauthor.training.attempts import UPLOADING

    with contextlib.suppress(FineAuthorError, KeyError):
        for row in reversed(project.jobs()):
            if (
                row["provider"] == provider_id
                and row["dataset_sha256"] == sha256
                and row["model"] == model_id
                and not row["job_id"]
                and row["status"] == UPLOADING
            ):
                detail = dict(row["detail"])
                detail["stopped"] = "while sending"
                project.update_job(row["id"], status=CANCELLED, detail=detail)
                return
