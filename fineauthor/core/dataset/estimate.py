"""How many passes a fine-tune makes over the examples, how many tokens it bills, and roughly
what it costs, priced from the model catalog by the training method.

The passes are the writer's when they set them, else the service's own default from the
catalog; a service that decides for itself uses the OpenAI cookbook's data-preparation rule
(OpenAI's own, and FineAuthor's guess where no source says how another service decides)."""

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
    """Epochs (passes over the whole dataset) the cookbook's rule picks for ``examples``."""
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
    # True when the service picks the passes itself and no source says how: ``epochs`` is then
    # FineAuthor's guess with the cookbook's rule, and the writer must be told so.
    epochs_guessed: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "epochs": self.epochs,
            "billed_tokens": self.billed_tokens,
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 4),
        }


def estimate(
    example_tokens: Iterable[int],
    model: ModelInfo,
    *,
    epochs: int | None = None,
    lora: bool = True,
    preference: bool = False,
) -> Estimate:
    """Billed tokens = Σ min(limit, tokens of each example) × epochs, priced by the catalog for
    the method (a LoRA by default, of supervised examples unless ``preference``). Text past the
    model's per-example limit is cut off by the service, so it is not billed."""
    counts = list(example_tokens)
    guessed = False
    if epochs is not None:
        passes = epochs
    elif model.terms.default_epochs is not None:
        passes = model.terms.default_epochs if counts else 0
    else:
        passes = default_epochs(len(counts))
        guessed = not model.terms.epochs_known
    limit = model.example_token_limit
    per_pass = sum(counts if limit is None else (min(limit, n) for n in counts))
    billed = per_pass * passes
    cost = model.training_cost_usd(billed, lora=lora, preference=preference)
    return Estimate(passes, billed, cost, guessed)
