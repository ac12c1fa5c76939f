"""The model catalog: the shipped data carries the facts of DESIGN §3, lookups resolve the
names writers and providers use, and a damaged file is reported in plain words."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fineauthor.core.catalog import (
    SHIPPED_ENCODINGS,
    Catalog,
    UnknownProviderError,
    base_model_id,
    load_catalog,
)
from fineauthor.core.errors import FineAuthorError, ResourceError, UnknownModelError
from fineauthor.core.resources import resource_path

OPENAI_FACTS = {
    # id: (price per 1M training tokens, per-example limit)
    "gpt-4o-2024-08-06": (25.0, 65_536),
    "gpt-4o-mini-2024-07-18": (3.0, 65_536),
    "gpt-4.1-2025-04-14": (25.0, 65_536),
    "gpt-4.1-mini-2025-04-14": (5.0, 65_536),
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def shipped_data() -> dict:
    return json.loads(resource_path("catalog.json").read_text(encoding="utf-8"))


def write_catalog(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def model_entry(data: dict, model_id: str) -> dict:
    return next(m for m in data["models"] if m["id"] == model_id)


# --- the shipped data ------------------------------------------------------------------------


def test_shipped_catalog_loads_with_dates_as_dates(catalog: Catalog) -> None:
    assert isinstance(catalog.as_of, date)
    assert catalog.providers and catalog.models
    assert all(isinstance(d.date, date) for p in catalog.providers for d in p.dates)


def test_default_catalog_is_read_once(catalog: Catalog) -> None:
    assert load_catalog() is load_catalog()


@pytest.mark.parametrize("model_id", sorted(OPENAI_FACTS))
def test_openai_models_carry_design_facts(catalog: Catalog, model_id: str) -> None:
    price, limit = OPENAI_FACTS[model_id]
    model = catalog.model(model_id)
    assert model.id == model_id
    assert model.provider == "openai"
    assert model.training_price_per_1m_usd == price
    assert isinstance(model.price_as_of, date)
    assert model.example_token_limit == limit
    assert model.encoding == "o200k_base"
    assert model.encoding_exact is True
    assert model.shutdown_date == date(2027, 1, 14)
    assert model.verified is True


def test_openai_provider_is_closed_to_new_writers_with_its_dates(catalog: Catalog) -> None:
    openai = catalog.provider("openai")
    assert openai.new_users_can_fine_tune is False
    assert openai.base_url == "https://api.openai.com/v1"
    assert openai.api_key_env == "OPENAI_API_KEY"
    assert openai.base_url_env == "OPENAI_BASE_URL"
    assert [d.date for d in openai.dates] == [
        date(2026, 5, 7),
        date(2026, 7, 2),
        date(2027, 1, 6),
        date(2027, 1, 14),
    ]
    assert openai.availability_note and openai.content_policy_note


def test_other_providers_are_open_and_point_at_their_own_services(catalog: Catalog) -> None:
    expected = {
        "together": ("https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL"),
        "fireworks": (
            "https://api.fireworks.ai",
            "FIREWORKS_API_KEY",
            "FIREWORKS_BASE_URL",
        ),
    }
    for provider_id, (url, key_env, url_env) in expected.items():
        provider = catalog.provider(provider_id)
        assert (provider.base_url, provider.api_key_env, provider.base_url_env) == (
            url,
            key_env,
            url_env,
        )
        assert provider.new_users_can_fine_tune is True
        assert provider.availability_note and provider.content_policy_note


def test_defaults_are_a_together_model_and_an_exact_tokenizer(catalog: Catalog) -> None:
    proposed = catalog.model(catalog.default_model)
    assert proposed.id == catalog.default_model
    assert proposed.provider == "together"
    assert catalog.provider(proposed.provider).new_users_can_fine_tune
    # One a new writer can train today, use straight away, and price before sending.
    assert proposed.serving_for(lora=True).kind == "serverless"
    assert proposed.training_price() is not None
    assert catalog.default_check_model == "gpt-4.1-mini-2025-04-14"
    assert catalog.model(catalog.default_check_model).encoding_exact is True


def test_together_offers_a_handful_of_models(catalog: Catalog) -> None:
    together = catalog.models_for("together")
    assert 4 <= len(together) <= 6
    assert all(m.provider == "together" for m in together)


def test_every_model_has_a_known_provider_and_a_shipped_encoding(catalog: Catalog) -> None:
    provider_ids = {p.id for p in catalog.providers}
    for model in catalog.models:
        assert model.provider in provider_ids, model.id
        assert model.encoding in SHIPPED_ENCODINGS, model.id
        assert model.encoding in ("o200k_base", "cl100k_base"), model.id


def test_estimated_encodings_explain_themselves(catalog: Catalog) -> None:
    for model in catalog.models:
        if model.provider == "openai":
            assert model.encoding_exact, model.id
        else:
            assert not model.encoding_exact, model.id
            assert model.encoding_note.strip(), model.id


def test_unverified_models_say_what_is_unverified(catalog: Catalog) -> None:
    for model in catalog.models:
        if not model.verified:
            assert "nverified" in model.notes or "could not confirm" in model.notes, model.id


def test_every_model_has_a_price_for_the_default_method(catalog: Catalog) -> None:
    for model in catalog.models:
        assert model.training_price_per_1m_usd is not None, model.id
        assert model.training_price_per_1m_usd > 0, model.id
        assert model.training_price() == model.training_price_per_1m_usd, model.id
        assert isinstance(model.price_as_of, date), model.id
        assert model.price_note.strip(), model.id


def test_unknown_prices_are_none_never_zero(catalog: Catalog, tmp_path: Path) -> None:
    for model in catalog.models:
        assert all(price != 0 for price in model.training_prices.values()), model.id
    # A model bigger than every band of its service has no price, for any method.
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["size_billion_parameters"] = 405
    huge = load_catalog(write_catalog(tmp_path, data)).model("Qwen/Qwen3-8B")
    assert huge.training_price_per_1m_usd is None and huge.price_as_of is None
    assert set(huge.training_prices.values()) == {None}
    assert huge.training_cost_usd(1_000_000, lora=False) is None


# DESIGN §3, per 1M tokens: (LoRA supervised, full supervised, LoRA preference, full preference)
BAND_PRICES = {
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference": (0.48, 0.54, 1.20, 1.35),
    "Qwen/Qwen3-8B": (0.48, 0.54, 1.20, 1.35),
    "Qwen/Qwen2.5-14B-Instruct": (0.48, 0.54, 1.20, 1.35),
    "meta-llama/Llama-3.3-70B-Instruct-Reference": (2.90, 3.20, 7.25, 8.00),
    "Qwen/Qwen2.5-72B-Instruct": (2.90, 3.20, 7.25, 8.00),
    # Fireworks lists LoRA SFT / LoRA DPO / full SFT / full DPO as 0.50 / 1 / 1 / 2.
    "accounts/fireworks/models/llama-v3p1-8b-instruct": (0.50, 1.00, 1.00, 2.00),
}


@pytest.mark.parametrize("model_id", sorted(BAND_PRICES))
def test_open_models_are_priced_by_size_and_method(catalog: Catalog, model_id: str) -> None:
    lora_sft, full_sft, lora_dpo, full_dpo = BAND_PRICES[model_id]
    model = catalog.model(model_id)
    assert model.size_b is not None and model.size_b > 0
    assert model.training_price() == lora_sft  # LoRA is the default, as in TrainingOptions
    assert model.training_price(lora=False) == full_sft
    assert model.training_price(preference=True) == lora_dpo
    assert model.training_price(lora=False, preference=True) == full_dpo
    assert model.price_as_of == catalog.provider(model.provider).training.price_as_of
    assert model.training_cost_usd(2_000_000, lora=False) == pytest.approx(2 * full_sft)


@pytest.mark.parametrize(
    ("provider_id", "size", "lora_sft"),
    [
        ("together", 16, 0.48),
        ("together", 16.5, 1.50),  # between the page's "up to 16B" and "17–69B": the dearer
        ("together", 69, 1.50),
        ("together", 70, 2.90),
        ("together", 100, 2.90),
        ("together", 101, None),
        ("fireworks", 16, 0.50),
        ("fireworks", 16.1, 3.00),
        ("fireworks", 80, 3.00),
        ("fireworks", 80.5, 6.00),
        ("fireworks", 300, 6.00),
        ("fireworks", 301, None),
        ("openai", 8, None),  # OpenAI prices each model on its own
    ],
)
def test_size_bands_have_the_design_edges(
    catalog: Catalog, provider_id: str, size: float, lora_sft: float | None
) -> None:
    terms = catalog.provider(provider_id).training
    band = terms.band_for(size)
    assert (band.prices_per_1m_usd["lora_sft"] if band else None) == lora_sft
    if terms.price_bands:
        assert isinstance(terms.price_as_of, date) and "DESIGN §3" in terms.price_source


def test_openai_prices_do_not_change_with_lora_and_preference_is_not_known(
    catalog: Catalog,
) -> None:
    model = catalog.model("gpt-4.1-mini-2025-04-14")
    assert model.size_b is None  # OpenAI does not say
    assert model.training_price(lora=True) == model.training_price(lora=False) == 5.0
    assert model.training_price(preference=True) is None


def test_each_service_says_how_many_passes_it_makes_and_where_that_is_written(
    catalog: Catalog,
) -> None:
    together = catalog.provider("together").training
    assert (together.default_epochs, together.epochs_known) == (1, True)
    assert "docs.together.ai/reference/finetune" in together.epochs_note
    fireworks = catalog.provider("fireworks").training
    assert (fireworks.default_epochs, fireworks.epochs_known) == (None, False)
    assert "no stated default" in fireworks.epochs_note
    openai = catalog.provider("openai").training
    assert (openai.default_epochs, openai.epochs_known) == (None, True)  # its cookbook rule
    for model in catalog.models:
        assert model.terms is catalog.provider(model.provider).training, model.id


def test_every_model_says_how_the_trained_result_can_be_used(catalog: Catalog) -> None:
    for model in catalog.models:
        for lora in (True, False):
            serving = model.serving_for(lora=lora)
            assert serving.kind in ("serverless", "dedicated", "none", None), model.id
            assert serving.note.strip(), model.id
            # No source we have gives an hourly price: none is guessed.
            assert serving.price_per_hour_usd is None, model.id
    kinds = {
        ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", True): "serverless",
        ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", False): "none",  # "-Reference"
        ("meta-llama/Llama-3.3-70B-Instruct-Reference", True): "none",
        ("Qwen/Qwen3-8B", True): "dedicated",
        ("Qwen/Qwen2.5-72B-Instruct", True): "serverless",
        ("Qwen/Qwen2.5-72B-Instruct", False): "dedicated",  # every full fine-tune
        ("accounts/fireworks/models/llama-v3p1-8b-instruct", True): "dedicated",
        ("accounts/fireworks/models/llama-v3p1-8b-instruct", False): None,
    }
    for (model_id, lora), kind in kinds.items():
        assert catalog.model(model_id).serving_for(lora=lora).kind == kind, (model_id, lora)


def test_training_cost_uses_the_price_per_million(catalog: Catalog) -> None:
    model = catalog.model("gpt-4.1-mini-2025-04-14")
    assert model.training_cost_usd(2_000_000) == pytest.approx(10.0)


def test_shutdown_helpers(catalog: Catalog) -> None:
    model = catalog.model("gpt-4o-mini-2024-07-18")
    assert model.days_until_shutdown(date(2027, 1, 4)) == 10
    assert not model.is_shut_down(date(2027, 1, 13))
    assert model.is_shut_down(date(2027, 1, 14))
    proposed = catalog.model(catalog.default_model)
    assert proposed.days_until_shutdown(date(2027, 1, 4)) is None
    assert not proposed.is_shut_down(date(2099, 1, 1))


def test_upcoming_provider_dates(catalog: Catalog) -> None:
    upcoming = catalog.provider("openai").upcoming_dates(date(2026, 11, 28))
    assert [d.date for d in upcoming] == [date(2027, 1, 6), date(2027, 1, 14)]


# --- resolving names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ft:gpt-4.1-mini-2025-04-14:my-org:novel:abc123", "gpt-4.1-mini-2025-04-14"),
        ("ft:gpt-4.1-mini:my-org::abc123", "gpt-4.1-mini"),
        ("ft:gpt-4o-2024-08-06:org:suffix:id", "gpt-4o-2024-08-06"),
        ("ft:gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-2025-04-14"),
        ("Qwen/Qwen3-8B", "Qwen/Qwen3-8B"),
    ],
)
def test_base_model_id_strips_the_ft_prefix(given: str, expected: str) -> None:
    assert base_model_id(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-2025-04-14"),
        ("ft:gpt-4.1-mini-2025-04-14:my-org:novel:abc123", "gpt-4.1-mini-2025-04-14"),
        ("ft:gpt-4.1-mini:my-org::abc123", "gpt-4.1-mini-2025-04-14"),
        ("ft:gpt-4o-2024-08-06:org:suffix:id", "gpt-4o-2024-08-06"),
        ("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"),
        ("gpt-4.1", "gpt-4.1-2025-04-14"),
        ("gpt-4o", "gpt-4o-2024-08-06"),
        ("gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
        ("  gpt-4.1-mini  ", "gpt-4.1-mini-2025-04-14"),
        ("qwen/qwen3-8b", "Qwen/Qwen3-8B"),
    ],
)
def test_model_resolves_ids_fine_tunes_and_aliases(
    catalog: Catalog, given: str, expected: str
) -> None:
    assert catalog.model(given).id == expected


def test_undated_alias_does_not_match_a_longer_family(catalog: Catalog) -> None:
    # "gpt-4.1" is a prefix of "gpt-4.1-mini-2025-04-14" but only names gpt-4.1 itself.
    assert catalog.model("gpt-4.1").id == "gpt-4.1-2025-04-14"
    assert catalog.model("ft:gpt-4.1:org::id").id == "gpt-4.1-2025-04-14"
    assert catalog.model("gpt-4o").id == "gpt-4o-2024-08-06"


def test_together_fine_tune_names_resolve_to_their_base(catalog: Catalog) -> None:
    name = "zainhas/Meta-Llama-3.1-8B-Instruct-Reference-my-demo-finetune-4224205a"
    assert catalog.model(name).id == "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    assert catalog.model("writer/Qwen3-8B-novel-1a2b3c4d").id == "Qwen/Qwen3-8B"


def test_fireworks_fine_tune_names_are_not_guessed(catalog: Catalog) -> None:
    # Fireworks names fine-tunes freely; the base is not in the name.
    with pytest.raises(UnknownModelError):
        catalog.model("accounts/me/models/llama-v3p1-8b-instruct-my-novel")


@pytest.mark.parametrize(
    "given",
    ["gpt-5", "ft:gpt-3.5-turbo:org::id", "gpt-4.1-m", "gpt", "", "   ", "ft:"],
)
def test_unknown_model_error_is_plain_and_lists_known_ids(catalog: Catalog, given: str) -> None:
    with pytest.raises(UnknownModelError) as caught:
        catalog.model(given)
    message = str(caught.value)
    assert isinstance(caught.value, FineAuthorError)
    assert "does not know the model" in message
    assert f'"{given.strip()}"' in message
    assert "gpt-4.1-mini-2025-04-14" in message
    assert catalog.default_model in message
    assert "Traceback" not in message and "KeyError" not in message


def test_unknown_provider_is_a_plain_error(catalog: Catalog) -> None:
    with pytest.raises(UnknownProviderError, match="openai, together, fireworks"):
        catalog.provider("anthropic")
    with pytest.raises(FineAuthorError):
        catalog.models_for("nobody")


def test_ambiguous_alias_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    second = dict(model_entry(data, "gpt-4o-2024-08-06"), id="gpt-4o-2024-11-20")
    data["models"].append(second)
    catalog = load_catalog(write_catalog(tmp_path, data))
    with pytest.raises(UnknownModelError, match="several models"):
        catalog.model("gpt-4o")
    assert catalog.model("gpt-4o-2024-11-20").id == "gpt-4o-2024-11-20"


# --- damaged catalogs --------------------------------------------------------------------------


def damaged(tmp_path: Path, data: dict) -> str:
    with pytest.raises(ResourceError) as caught:
        load_catalog(write_catalog(tmp_path, data))
    message = str(caught.value)
    assert "catalog" in message and "Reinstalling FineAuthor" in message
    return message


def test_a_path_is_loaded_fresh_not_from_the_cache(tmp_path: Path, catalog: Catalog) -> None:
    data = shipped_data()
    data["as_of"] = "2030-01-01"
    assert load_catalog(write_catalog(tmp_path, data)).as_of == date(2030, 1, 1)
    assert load_catalog().as_of == catalog.as_of


def test_missing_field_names_the_model(tmp_path: Path) -> None:
    data = shipped_data()
    del model_entry(data, "Qwen/Qwen3-8B")["encoding"]
    message = damaged(tmp_path, data)
    assert '"Qwen/Qwen3-8B"' in message and '"encoding"' in message and "missing" in message


def test_unshipped_encoding_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "gpt-4o-2024-08-06")["encoding"] = "p50k_base"
    message = damaged(tmp_path, data)
    assert "p50k_base" in message and "gpt-4o-2024-08-06" in message


def test_unknown_provider_in_a_model_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["provider"] = "togther"
    assert '"togther"' in damaged(tmp_path, data)


def test_price_without_date_and_zero_limit_are_refused(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["training_price_per_1m_usd"] = 0.5
    assert "price_as_of" in damaged(tmp_path, data)
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["example_token_limit"] = 0
    assert "example_token_limit" in damaged(tmp_path, data)


@pytest.mark.parametrize("bad", ["2027-14-01", "14/01/2027", "20270114", 20270114])
def test_bad_dates_are_refused(tmp_path: Path, bad: object) -> None:
    data = shipped_data()
    model_entry(data, "gpt-4o-2024-08-06")["shutdown_date"] = bad
    message = damaged(tmp_path, data)
    assert "shutdown_date" in message and "gpt-4o-2024-08-06" in message


def test_wrong_types_are_refused(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "gpt-4o-2024-08-06")["verified"] = "yes"
    assert '"verified" must be true or false' in damaged(tmp_path, data)
    data = shipped_data()
    model_entry(data, "gpt-4o-2024-08-06")["training_price_per_1m_usd"] = "25"
    assert "training_price_per_1m_usd" in damaged(tmp_path, data)


def test_misspelled_field_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    entry = model_entry(data, "gpt-4o-2024-08-06")
    entry["shutdown_dat"] = entry.pop("shutdown_date")
    message = damaged(tmp_path, data)
    assert '"shutdown_dat"' in message or '"shutdown_date"' in message


def test_comments_are_allowed_anywhere(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "gpt-4o-2024-08-06")["_comment"] = "checked on the pricing page"
    data["providers"][0]["_source"] = "DESIGN §3"
    assert load_catalog(write_catalog(tmp_path, data)).model("gpt-4o").id == "gpt-4o-2024-08-06"


def test_duplicate_ids_and_bad_defaults_are_refused(tmp_path: Path) -> None:
    data = shipped_data()
    data["models"].append(dict(data["models"][0]))
    assert "listed twice" in damaged(tmp_path, data)
    data = shipped_data()
    data["default_model"] = "no-such-model"
    assert '"no-such-model"' in damaged(tmp_path, data)


def test_band_priced_models_need_a_size_and_no_price_of_their_own(tmp_path: Path) -> None:
    data = shipped_data()
    entry = model_entry(data, "Qwen/Qwen3-8B")
    entry["training_price_per_1m_usd"], entry["price_as_of"] = 0.5, "2026-11-28"
    assert "prices models by size" in damaged(tmp_path, data)
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["size_billion_parameters"] = None
    message = damaged(tmp_path, data)
    assert '"Qwen/Qwen3-8B"' in message and "size_billion_parameters" in message
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["size_billion_parameters"] = -8
    assert "above 0" in damaged(tmp_path, data)


def provider_entry(data: dict, provider_id: str) -> dict:
    return next(p for p in data["providers"] if p["id"] == provider_id)


def test_bad_training_terms_are_refused(tmp_path: Path) -> None:
    data = shipped_data()
    bands = provider_entry(data, "together")["training"]["price_bands"]
    bands[0], bands[1] = bands[1], bands[0]
    assert "smallest models up" in damaged(tmp_path, data)
    data = shipped_data()
    provider_entry(data, "fireworks")["training"]["price_as_of"] = None
    assert '"price_as_of"' in damaged(tmp_path, data)
    data = shipped_data()
    provider_entry(data, "fireworks")["training"]["default_epochs"] = 2
    assert "default_epochs_known" in damaged(tmp_path, data)
    data = shipped_data()
    provider_entry(data, "together")["training"]["price_bands"][0]["lora_sft"] = "cheap"
    assert '"lora_sft"' in damaged(tmp_path, data)
    data = shipped_data()
    del provider_entry(data, "together")["training"]
    assert '"training"' in damaged(tmp_path, data)


def test_bad_serving_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["serving"]["lora"]["kind"] = "cloud"
    message = damaged(tmp_path, data)
    assert '"Qwen/Qwen3-8B"' in message and '"kind"' in message and "dedicated" in message
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["serving"]["full"]["price_per_hour_usd"] = 12.0
    assert '"price_as_of"' in damaged(tmp_path, data)
    data = shipped_data()
    del model_entry(data, "Qwen/Qwen3-8B")["serving"]["full"]
    assert '"full"' in damaged(tmp_path, data)


def test_estimated_encoding_without_a_note_is_refused(tmp_path: Path) -> None:
    data = shipped_data()
    model_entry(data, "Qwen/Qwen3-8B")["encoding_note"] = ""
    assert "encoding_note" in damaged(tmp_path, data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"as_of": "2026-11-28",', "not valid JSON"),
        ("[]", "must be an object"),
        ("\udcff", "could not be read"),
    ],
)
def test_unreadable_files_are_reported(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ResourceError, match=expected):
        load_catalog(path)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="could not be read"):
        load_catalog(tmp_path / "nowhere.json")
