"""Before anything is sent: check the examples for the chosen model and freeze them as the
exact bytes that will be uploaded, with their SHA-256, so the same examples are always known
again (DESIGN §5: the exact dataset sent is kept with the job)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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
from fineauthor.core.dataset.export import training_bytes
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Project


class TrainingRefused(FineAuthorError):  # noqa: N818  (a refusal, read by writers)
    """The examples have problems that would stop training; ``report`` lists them."""

    def __init__(self, report: CheckReport) -> None:
        count = len(report.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"Training can’t start yet: the check found {count} {noun} to fix first. "
            f"The first: {report.errors[0].message}"
        )
        self.report = report


@dataclass(frozen=True)
class PreparedDataset:
    """The examples frozen as the exact bytes that will be sent, and what the check said."""

    jsonl: bytes
    sha256: str
    examples: int
    report: CheckReport

    @property
    def upload_name(self) -> str:
        """The file name on the service: the same examples always get the same name, which is
        how an interrupted upload is found again."""
        return f"fineauthor-{self.sha256[:16]}.jsonl"


def prepare(project: Project, model: ModelInfo, provider_id: str) -> PreparedDataset:
    """Check the project for ``model`` and freeze its examples for ``provider_id``.
    Raises TrainingRefused when the check finds problems."""
    settings = project_check_settings(project.settings, model)
    report = check_items(example_items(project.examples()), settings, cache=project)
    if report.errors:
        raise TrainingRefused(report)
    data = training_bytes(project.examples(), provider_id)
    return PreparedDataset(data, hashlib.sha256(data).hexdigest(), report.examples, report)


def prepare_file(path: Path, model: ModelInfo, provider_id: str) -> PreparedDataset:
    """The same for a JSONL training file that is not in a project."""
    report = check_file(path, CheckSettings(model=model))
    if report.errors:
        raise TrainingRefused(report)
    examples = (example for _, example, _ in file_items(path) if example is not None)
    data = training_bytes(examples, provider_id)
    return PreparedDataset(data, hashlib.sha256(data).hexdigest(), report.examples, report)
