"""Which code and which address ``open_provider`` gives each service: Fireworks at its API root
(overridden by FIREWORKS_BASE_URL), with the account id from FIREWORKS_ACCOUNT_ID or else the
one saved in Settings → Accounts."""

from __future__ import annotations

import pytest

from fineauthor.core.settings import load_settings, save_settings
from fineauthor.providers.base import ProviderError
from fineauthor.providers.fireworks.chat import inference_url
from fineauthor.providers.fireworks.service import FireworksProvider
from fineauthor.providers.registry import fireworks_account_id, open_provider

KEY = "fw_registry-test-key-0123456789"


@pytest.fixture(autouse=True)
def no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREWORKS_BASE_URL", raising=False)
    monkeypatch.delenv("FIREWORKS_ACCOUNT_ID", raising=False)


def _save_account(account: str) -> None:
    values = load_settings()
    values["fireworks_account_id"] = account
    save_settings(values)


def test_fireworks_opens_at_the_api_root_with_chat_under_inference() -> None:
    provider = open_provider("fireworks", KEY)

    assert isinstance(provider, FireworksProvider)
    assert provider.base_url == "https://api.fireworks.ai"
    assert inference_url(provider.base_url) == "https://api.fireworks.ai/inference/v1"
    assert KEY not in repr(provider)


def test_the_address_variable_moves_fireworks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREWORKS_BASE_URL", "http://127.0.0.1:9/")

    assert open_provider("fireworks", KEY).base_url == "http://127.0.0.1:9"


def test_the_account_id_comes_from_settings_unless_the_environment_sets_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert fireworks_account_id() == ""
    assert load_settings()["fireworks_account_id"] == ""  # the default

    _save_account("  saltmarrow-press ")
    assert open_provider("fireworks", KEY).account == "saltmarrow-press"

    monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", "accounts/from-env")
    assert open_provider("fireworks", KEY).account == "from-env"


def test_without_an_account_id_fireworks_still_opens_and_says_what_is_missing_when_used() -> None:
    provider = open_provider("fireworks", "fineauthor-probe-not-a-key")  # as the Train dialog

    with pytest.raises(ProviderError) as caught:
        provider.find_job("accounts/x/datasets/y")

    assert caught.value.kind == ProviderError.AUTH
    assert "Settings → Accounts" in str(caught.value)
