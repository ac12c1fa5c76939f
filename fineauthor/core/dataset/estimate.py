"""How many passes a fine-tune makes over the examples, how many tokens it bills, and roughly
what it costs: the OpenAI cookbook's data-preparation rule, priced from the model catalog."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fineauthor.core.catalog import ModelInfo

TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25


def default_epochs(examples: int) -> int:
    """Epochs (passes over the whole dataset) a service picks by default for ``examples``."""
    if examples <= 0:
        return 0
    if examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    if examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return TARGET_EPOCHS


@dataclass(frozen=True, slots=True)
class Estimate:
    epochs: int
    billed_tokens: int
    cost_usd: float | None  # None when the model's price is not known

    def to_json(self) -> dict[str, object]:
        return {
            "epochs": self.epochs,
            "billed_tokens": self.billed_tokens,
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 4),
        }


def estimate(
    example_tokens: Iterable[int], model: ModelInfo, *, epochs: int | None = None
) -> Estimate:
    """Billed tokens = Σ min(limit, tokens of each example) × epochs, priced by the catalog.
    Text past the model's per-example limit is cut off by the service, so it is not billed."""
    counts = list(example_tokens)
    passes = default_epochs(len(counts)) if epochs is None else epochs
    limit = model.example_token_limit
    per_pass = sum(counts if limit is None else (min(limit, n) for n in counts))
    billed = per_pass * passes
    return Estimate(passes, billed, model.training_cost_usd(billed))
