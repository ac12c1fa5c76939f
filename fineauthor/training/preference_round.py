"""A round of preference training: the writer's choices, frozen as the file that is sent, and
the model the round starts from — the writer's latest trained model on that service when the
service can build on it, else the base model, said plainly either way (DESIGN §3).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from fineauthor.core.catalog import ModelInfo
from fineauthor.core.dataset.export import preference_bytes
from fineauthor.core.dataset.pair_checks import check_project_pairs
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Project
from fineauthor.providers.base import SUCCEEDED, Provider
from fineauthor.training.prepare import PreparedDataset, TrainingRefused


@dataclass(frozen=True)
class StartingPoint:
    """Where a preference round starts: ``from_model`` is the writer's trained model to build on
    (None: the base model), and ``sentence`` says which, in plain words."""

    from_model: str | None
    sentence: str


def refuse_if_no_preferences(provider: Provider | type[Provider]) -> None:
    """Stop, in plain words, when ``provider`` cannot learn from choices at all."""
    if not provider.trains_preferences:
        raise FineAuthorError(
            f"{provider.name} cannot learn from your choices (preference training). Train "
            "this round with Together AI or Fireworks AI."
        )


def prepare_preferences(
    project: Project,
    model: ModelInfo,
    provider: Provider | type[Provider],
    *,
    epochs: int | None = None,
    lora: bool = True,
    on_top_of: str | None = None,
) -> PreparedDataset:
    """Check the project's choices for ``model`` on ``provider`` and freeze them as the exact
    preference file that will be uploaded, with where the round starts (``on_top_of``, else
    the newest model this project trained there from ``model``). Raises FineAuthorError when
    the service cannot learn from choices, TrainingRefused when the check finds problems that
    would stop training."""
    refuse_if_no_preferences(provider)
    pairs = project.preferences.all()
    report = check_project_pairs(
        pairs, project.settings, model, provider.id, epochs=epochs, lora=lora, cache=project
    )
    if report.errors:
        raise TrainingRefused(report)
    start = starting_point(project, provider, model, on_top_of)
    data = preference_bytes(pairs)
    sha256 = hashlib.sha256(data).hexdigest()
    return PreparedDataset(data, sha256, len(pairs), report, start.from_model, start.sentence)


def latest_trained_model(project: Project, provider_id: str, model_id: str) -> str | None:
    """The newest model this project trained well on ``provider_id`` from ``model_id`` (a
    supervised model or an earlier round of choices), or None."""
    for row in reversed(project.jobs()):
        if (
            row["provider"] == provider_id
            and row["model"] == model_id
            and row["status"] == SUCCEEDED
            and row["fine_tuned_model"]
        ):
            return str(row["fine_tuned_model"])
    return None


def starting_point(
    project: Project,
    provider: Provider | type[Provider],
    model: ModelInfo,
    chosen: str | None = None,
) -> StartingPoint:
    """Where a round of preference training on ``provider`` from base ``model`` starts:
    ``chosen`` when the writer named a trained model, else the newest one this project trained
    there from the same base."""
    trained = chosen or latest_trained_model(project, provider.id, model.id)
    if trained is None:
        return StartingPoint(
            None,
            f"This project has no model trained on {provider.name} from {model.name} yet, so "
            f"this round starts from {model.name} itself.",
        )
    if not provider.preference_on_top:
        return StartingPoint(
            None,
            f"{provider.name} cannot build a round of choices on top of a model you trained "
            f"({trained}), so this round starts from {model.name} itself.",
        )
    return StartingPoint(
        trained, f"This round builds on your trained model {trained}, made from {model.name}."
    )
