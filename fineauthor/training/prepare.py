"""Before anything is sent: check the examples for the chosen model, by the rules of the service
that will train, and freeze them as the exact bytes that will be uploaded, with their SHA-256,
so the same examples are always known again (DESIGN §5: the exact dataset sent is kept with the
job)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from fineauthor.core.catalog import ModelInfo
from fineauthor.core.dataset.checks import (
    CheckReport,
    CheckSettings,
    check_file,
    check_items,
    example_items,
    file_items,
    project_check_settings,
)
from fineauthor.core.dataset.estimate import estimate
from fineauthor.core.dataset.export import training_bytes
from fineauthor.core.dataset.pair_checks import PairReport
from fineauthor.core.dataset.service_rules import CONVERSATION, FORMAT_NAMES
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Project


class TrainingRefused(FineAuthorError):  # noqa: N818  (a refusal, read by writers)
    """The examples have problems that would stop training; ``report`` lists them."""

    def __init__(self, report: CheckReport | PairReport) -> None:
        count = len(report.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"Training can’t start yet: the check found {count} {noun} to fix first. "
            f"The first: {report.errors[0].message}"
        )
        self.report = report


@dataclass(frozen=True)
class PreparedDataset:
    """The examples (or, for preference training, the choices) frozen as the exact bytes that
    will be sent, and what the check said. ``examples`` counts the lines of the file."""

    jsonl: bytes
    sha256: str
    examples: int
    report: CheckReport | PairReport
    # Preference training only: the writer's trained model the round builds on (None: the
    # base model), and a sentence saying so.
    from_model: str | None = None
    start_note: str = ""

    @property
    def upload_name(self) -> str:
        """The file name on the service: the same examples always get the same name, which is
        how an interrupted upload is found again."""
        return f"fineauthor-{self.sha256[:16]}.jsonl"


def prepare(
    project: Project,
    model: ModelInfo,
    provider_id: str,
    *,
    epochs: int | None = None,
    lora: bool = True,
) -> PreparedDataset:
    """Check the project for ``model`` on ``provider_id`` and freeze its examples for it, with
    the estimate for the passes the writer chose (``epochs``; None leaves them to the service)
    and the method (``lora``). Raises TrainingRefused when the check finds problems."""
    settings = project_check_settings(project.settings, model, provider_id)
    items = example_items(project.examples(), settings.rules)
    report = check_items(items, settings, cache=project)
    if report.errors:
        raise TrainingRefused(report)
    data = training_bytes(project.examples(), provider_id)
    report = _priced(report, model, epochs, lora)
    return PreparedDataset(data, hashlib.sha256(data).hexdigest(), report.examples, report)


def prepare_file(
    path: Path,
    model: ModelInfo,
    provider_id: str,
    *,
    epochs: int | None = None,
    lora: bool = True,
) -> PreparedDataset:
    """The same for a JSONL training file that is not in a project. Only conversations are
    sent: the other formats a service may read are checked but not trained from here."""
    settings = CheckSettings(model=model, service=provider_id)
    report = check_file(path, settings)
    if report.errors:
        raise TrainingRefused(report)
    if report.format not in (None, CONVERSATION):
        raise FineAuthorError(
            f"“{Path(path).name}” holds {FORMAT_NAMES[report.format]}. FineAuthor trains from "
            'conversations ({"messages": [...]} on every line), so it has not sent it. Write '
            "the examples as conversations, or train this file with the service's own tools."
        )
    items = file_items(path, settings.rules)
    examples = (item.example for item in items if item.example is not None)
    data = training_bytes(examples, provider_id)
    report = _priced(report, model, epochs, lora)
    return PreparedDataset(data, hashlib.sha256(data).hexdigest(), report.examples, report)


def _priced(report: CheckReport, model: ModelInfo, epochs: int | None, lora: bool) -> CheckReport:
    """``report`` with its estimate for the passes and method the writer chose (the check
    itself prices the service's default passes, as a LoRA)."""
    if epochs is None and lora:
        return report
    figures = estimate((fact.tokens for fact in report.facts), model, epochs=epochs, lora=lora)
    return replace(report, estimate=figures)
