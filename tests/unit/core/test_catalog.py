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


def test_unknown_prices_are_none_never_zero(catalog: Catalog) -> None:
    data = shipped_data()
    unknown = [m for m in catalog.models if m.training_price_per_1m_usd is None]
    assert unknown, "the shipped catalog has models whose price we could not confirm"
    for model in unknown:
        assert model_entry(data, model.id)["training_price_per_1m_usd"] is None
        assert model.training_cost_usd(1_000_000) is None
        assert model.price_note.strip(), model.id
    for model in catalog.models:
        assert model.training_price_per_1m_usd != 0, model.id
        if model.training_price_per_1m_usd is not None:
            assert model.price_as_of is not None, model.id


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
