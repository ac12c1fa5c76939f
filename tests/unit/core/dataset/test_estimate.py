"""The cookbook's epoch rule and the billed-token cost."""

from __future__ import annotations

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.estimate import default_epochs, estimate


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [
        (1, 25),
        (3, 25),
        (4, 25),
        (5, 20),
        (10, 10),
        (33, 3),
        (34, 3),
        (50, 3),
        (8_333, 3),
        (8_334, 2),
        (12_500, 2),
        (12_501, 1),
        (30_000, 1),
        (0, 0),
    ],
)
def test_default_epochs(examples: int, epochs: int) -> None:
    assert default_epochs(examples) == epochs


def test_billed_tokens_cap_each_example_at_the_limit() -> None:
    model = load_catalog().model("gpt-4.1-mini-2025-04-14")  # 65,536 tokens, $5 per million
    result = estimate([1_000, 2_000, 100_000], model)
    assert result.epochs == 25  # 3 examples × 3 < 100 → min(25, 100 // 3)
    assert result.billed_tokens == (1_000 + 2_000 + 65_536) * 25
    assert result.cost_usd == pytest.approx(result.billed_tokens * 5 / 1_000_000)


def test_unknown_price_gives_no_cost() -> None:
    unpriced = [m for m in load_catalog().models if m.training_price_per_1m_usd is None]
    result = estimate([10] * 50, unpriced[0])
    assert (result.epochs, result.billed_tokens, result.cost_usd) == (3, 1_500, None)
    assert result.to_json() == {"epochs": 3, "billed_tokens": 1_500, "cost_usd": None}
