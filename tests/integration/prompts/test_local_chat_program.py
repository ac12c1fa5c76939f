"""The chat program on the writer's computer (Ollama, LM Studio…) as FineAuthor reaches it:
through the real openai SDK over real HTTP to a fake on 127.0.0.1, with no key of the writer's
ever sent, and every trouble said in plain words that name the address."""

from __future__ import annotations

import secrets

import pytest

from fineauthor.core.settings import load_settings, save_settings
from fineauthor.providers.base import ProviderError
from fineauthor.providers.local.address import (
    OLLAMA_URL,
    find_local_servers,
    local_base_url,
    normal_address,
)
from fineauthor.providers.local.service import LocalProvider
from fineauthor.providers.registry import needs_key, open_provider
from tests.fakes.chat_server import LOCAL_MODELS, FakeChatServer

ASK = [{"role": "user", "content": "Write one line about the sea. About 10 words."}]


def test_it_lists_the_models_and_streams_a_reply_without_the_writers_key(
    chat: FakeChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A writer with an OpenAI key in the environment: it must never go to a local program.
    # Made up afresh on every run, so no key-like text lives in the tree.
    writers_key = f"sk-test-{secrets.token_hex(16)}"
    monkeypatch.setenv("OPENAI_API_KEY", writers_key)
    assert not needs_key("local")
    with open_provider("local", "") as provider:
        assert [m.id for m in provider.chat_models()] == list(LOCAL_MODELS)
        assert all(m.input_price_per_1m_usd == 0.0 for m in provider.chat_models())
        reply = "".join(provider.chat("llama3.2:3b", ASK))
    assert reply.startswith("Write the scene where the keeper's daughter")
    assert chat.chat_bodies[-1]["stream"] is True
    assert writers_key not in chat.bearers


def test_a_program_that_does_not_stream_still_gives_its_whole_reply(chat: FakeChatServer) -> None:
    chat.ignore_stream = True
    chat.script("A whole reply at once.")
    with LocalProvider() as provider:
        assert list(provider.chat("qwen3:8b", ASK)) == ["A whole reply at once."]


def test_a_model_the_program_lacks_is_named_with_how_to_fetch_it(chat: FakeChatServer) -> None:
    with LocalProvider() as provider, pytest.raises(ProviderError) as raised:
        "".join(provider.chat("mistral:7b", ASK))
    message = str(raised.value)
    assert raised.value.kind == ProviderError.MODEL_UNAVAILABLE
    assert "no model called “mistral:7b”" in message
    assert "ollama pull mistral:7b" in message


def test_nothing_running_is_said_with_the_address_and_what_to_start() -> None:
    closed = FakeChatServer().start()
    address = closed.base_url
    closed.stop()  # the port is free now: nothing answers there
    with LocalProvider(address, max_retries=0) as provider, pytest.raises(ProviderError) as raised:
        provider.list_models()
    assert raised.value.kind == ProviderError.NETWORK
    assert f"Nothing is answering at {address}" in str(raised.value)
    assert "Start Ollama" in str(raised.value)


def test_a_program_that_asks_for_a_key_is_told_to_stop_asking() -> None:
    with (
        FakeChatServer(api_key="a-key-the-writer-set-in-lm-studio") as guarded,
        LocalProvider(guarded.base_url) as provider,
        pytest.raises(ProviderError) as raised,
    ):
        provider.list_models()
    assert raised.value.kind == ProviderError.AUTH
    assert "turn off its key" in str(raised.value)


def test_it_never_goes_through_a_proxy(chat: FakeChatServer, monkeypatch) -> None:
    # A proxy that does not exist: a request sent through it would fail.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    with LocalProvider() as provider:
        assert "".join(provider.chat("llama3.2:3b", ASK))
    assert [s.models for s in find_local_servers([("Ollama", chat.base_url)])] == [LOCAL_MODELS]


def test_a_program_killed_mid_reply_is_said_plainly(chat: FakeChatServer) -> None:
    chat.die_after = 1
    with LocalProvider(max_retries=0) as provider:
        assert "".join(provider.chat("llama3.2:3b", ASK))  # the last reply before it died
        with pytest.raises(ProviderError) as raised:
            "".join(provider.chat("llama3.2:3b", ASK))
    assert raised.value.kind == ProviderError.NETWORK
    assert chat.base_url in str(raised.value)


def test_the_address_comes_from_the_environment_then_settings_then_ollama(
    chat: FakeChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert local_base_url() == chat.base_url
    monkeypatch.delenv("LOCAL_BASE_URL")
    assert local_base_url() == OLLAMA_URL
    settings = load_settings()
    settings["local_base_url"] = "localhost:1234"  # as a writer types it in Settings
    save_settings(settings)
    assert local_base_url() == "http://localhost:1234/v1"
    assert normal_address("  http://127.0.0.1:8080/  ") == "http://127.0.0.1:8080/v1"
    assert normal_address("") == ""


def test_looking_for_programs_finds_the_one_running(chat: FakeChatServer) -> None:
    closed = FakeChatServer().start()
    nobody = closed.base_url
    closed.stop()
    found = find_local_servers([("LM Studio", nobody), ("Ollama", chat.base_url)], timeout=0.5)
    assert [(s.name, s.base_url, s.models) for s in found] == [
        ("Ollama", chat.base_url, LOCAL_MODELS)
    ]


def test_it_refuses_to_train_in_plain_words(chat: FakeChatServer) -> None:
    with LocalProvider() as provider, pytest.raises(ProviderError) as raised:
        provider.list_jobs()
    assert "cannot train a model" in str(raised.value)
