"""The passes (the writer's, the service's default, or the cookbook's rule), the billed
tokens and their cost by the service's price for the model's size and the method."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.estimate import default_epochs, estimate
from fineauthor.core.resources import resource_path

LLAMA_8B = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
FIREWORKS_8B = "accounts/fireworks/models/llama-v3p1-8b-instruct"


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


def test_unknown_price_gives_no_cost(tmp_path: Path) -> None:
    data = json.loads(resource_path("catalog.json").read_text(encoding="utf-8"))
    entry = next(m for m in data["models"] if m["id"] == FIREWORKS_8B)
    entry["size_billion_parameters"] = 405  # past Fireworks' largest band (300B)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    unpriced = load_catalog(path).model(FIREWORKS_8B)
    result = estimate([10] * 50, unpriced)
    assert (result.epochs, result.billed_tokens, result.cost_usd) == (3, 1_500, None)
    assert result.to_json() == {"epochs": 3, "billed_tokens": 1_500, "cost_usd": None}


def test_together_makes_its_own_one_pass_at_its_size_band_price() -> None:
    model = load_catalog().model(LLAMA_8B)  # 8B: Together's band up to 16B
    result = estimate([1_000] * 50, model)
    assert result.epochs == 1  # Together's default, not the cookbook's 3
    assert result.epochs_guessed is False
    assert result.billed_tokens == 50_000
    assert result.cost_usd == pytest.approx(50_000 * 0.48 / 1_000_000)  # LoRA, supervised


@pytest.mark.parametrize(
    ("lora", "preference", "price"),
    [(True, False, 0.48), (False, False, 0.54), (True, True, 1.20), (False, True, 1.35)],
)
def test_the_method_sets_the_price(lora: bool, preference: bool, price: float) -> None:
    model = load_catalog().model(LLAMA_8B)
    result = estimate([2_000] * 10, model, epochs=2, lora=lora, preference=preference)
    assert (result.epochs, result.billed_tokens) == (2, 40_000)  # the writer's passes
    assert result.cost_usd == pytest.approx(40_000 * price / 1_000_000)


def test_a_big_model_costs_its_own_band() -> None:
    model = load_catalog().model("Qwen/Qwen2.5-72B-Instruct")  # 70–100B at Together
    result = estimate([1_000] * 100, model, lora=False)
    assert result.cost_usd == pytest.approx(100_000 * 3.20 / 1_000_000)


def test_fireworks_picks_its_own_passes_so_ours_are_a_guess() -> None:
    model = load_catalog().model(FIREWORKS_8B)
    result = estimate([1_000] * 10, model)
    assert result.epochs == 10  # the cookbook's rule for 10 examples
    assert result.epochs_guessed is True
    assert result.cost_usd == pytest.approx(100_000 * 0.50 / 1_000_000)
    assert estimate([1_000] * 10, model, epochs=2).epochs_guessed is False  # the writer's


def test_openai_follows_its_own_rule_which_is_no_guess() -> None:
    model = load_catalog().model("gpt-4.1-mini-2025-04-14")
    result = estimate([1_000] * 10, model, lora=False)  # OpenAI has no LoRA choice
    assert (result.epochs, result.epochs_guessed) == (10, False)
    assert result.cost_usd == pytest.approx(100_000 * 5 / 1_000_000)
    assert estimate([1_000] * 10, model, preference=True).cost_usd is None  # not known


def test_every_model_in_the_catalog_has_an_estimate_in_money() -> None:
    for model in load_catalog().models:
        assert estimate([1_500] * 50, model).cost_usd is not None, model.id
