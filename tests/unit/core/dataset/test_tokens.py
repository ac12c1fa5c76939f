"""Token counting: shipped encodings, the cookbook formula, special-token text, offline use."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset import tokens
from fineauthor.core.dataset.example import Example, Message


def test_liz_is_one_token_for_gpt4o_and_two_for_gpt35() -> None:
    assert tokens.encode("Liz", "o200k_base") == [159136]
    assert len(tokens.encode("Liz", "cl100k_base")) == 2


def test_model_encoding_comes_from_the_catalog_and_ft_prefix_is_stripped() -> None:
    catalog = load_catalog()
    assert catalog.model("gpt-4o-2024-08-06").encoding == "o200k_base"
    tuned = catalog.model("ft:gpt-4.1-mini-2025-04-14:my-org:outline-mageddon:abc123")
    assert tuned.id == "gpt-4.1-mini-2025-04-14"
    assert tuned.encoding == "o200k_base"


def _cookbook_count(messages: list[dict], encoding: str) -> int:
    # num_tokens_from_messages as the OpenAI cookbook writes it, as an independent reference.
    enc = tokens.get_encoding(encoding)
    total = 0
    for message in messages:
        total += 3
        for key, value in message.items():
            total += len(enc.encode(value))
            if key == "name":
                total += 1
    return total + 3


@pytest.mark.parametrize("encoding", tokens.ENCODING_NAMES)
def test_example_count_matches_the_cookbook_formula(encoding: str) -> None:
    messages = [
        {"role": "system", "content": "You write in the Outline Mageddon style."},
        {"role": "user", "content": "Write the scene where Liz finds the letter.", "name": "dean"},
        {"role": "assistant", "content": "“Don’t,” she said. The envelope was warm.\n\nRain."},
    ]
    example = Example(tuple(Message(m["role"], m["content"], name=m.get("name")) for m in messages))
    assert tokens.count_example(example, encoding) == _cookbook_count(messages, encoding)


def test_weights_do_not_change_the_count() -> None:
    plain = Example((Message("user", "Go on."), Message("assistant", "She did.")))
    weighted = Example((Message("user", "Go on."), Message("assistant", "She did.", weight=0)))
    assert tokens.count_example(plain, "o200k_base") == tokens.count_example(weighted, "o200k_base")


def test_special_token_text_is_counted_as_plain_text_and_found() -> None:
    text = "The end.<|endoftext|> And then <|fim_prefix|>"
    ids = tokens.encode(text, "cl100k_base")
    assert 100257 not in ids and 100258 not in ids  # never read as a control token
    assert tokens.special_tokens_in(text) == ["<|endoftext|>", "<|fim_prefix|>"]
    assert tokens.special_tokens_in("A <| tag |> of no meaning") == []


def test_batch_counts_equal_single_counts() -> None:
    texts = [f"Chapter {n}: the tide came in over Willow Creek." * n for n in range(1, 40)]
    assert tokens.count_texts(texts, "o200k_base") == [
        tokens.count_text(t, "o200k_base") for t in texts
    ]


def test_patterns_and_special_tokens_match_tiktokens_own_definitions(monkeypatch) -> None:
    import tiktoken_ext.openai_public as published

    # Read tiktoken's definitions without letting it download anything.
    monkeypatch.setattr(published, "load_tiktoken_bpe", lambda *args, **kwargs: {})
    for name in tokens.ENCODING_NAMES:
        spec = getattr(published, name)()
        encoding = tokens.get_encoding(name)
        assert encoding._pat_str == spec["pat_str"]
        assert encoding._special_tokens == spec["special_tokens"]


def test_a_damaged_tokenizer_file_is_refused(tmp_path, monkeypatch) -> None:
    import gzip

    from fineauthor.core.errors import ResourceError

    (tmp_path / "tokenizers").mkdir()
    (tmp_path / "tokenizers" / "cl100k_base.tiktoken.gz").write_bytes(gzip.compress(b"YQ== 0\n"))
    monkeypatch.setattr(tokens, "resource_path", tmp_path.joinpath)
    with pytest.raises(ResourceError, match="damaged"):
        tokens._load("cl100k_base")


def test_counting_works_with_no_network_and_an_empty_tiktoken_cache(tmp_path) -> None:
    """In a fresh interpreter, every network call fails loudly; counting must not make one."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    script = textwrap.dedent(
        """
        import socket
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network is unreachable in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from fineauthor.core.dataset import tokens
        assert tokens.encode("Liz", "o200k_base") == [159136]
        assert len(tokens.encode("Liz", "cl100k_base")) == 2
        assert attempts == [], attempts
        print("counted offline")
        """
    )
    env = {"TIKTOKEN_CACHE_DIR": str(cache), "PATH": "", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "counted offline" in done.stdout
    assert list(cache.iterdir()) == []  # tiktoken's cache was never touched


def test_fast_counting_gives_exactly_encode_ordinarys_counts() -> None:
    texts = [
        "Liz",
        "The end.<|endoftext|> Then <|fim_prefix|> and <|endofprompt|>",
        "“Smart quotes”, em—dashes, café, 東京, emoji 🌊\n\n\tTabs",
        "",
        "x" * 50_000,
    ]
    for name in tokens.ENCODING_NAMES:
        encoding = tokens.get_encoding(name)
        assert tokens.count_texts(texts, name) == [len(encoding.encode_ordinary(t)) for t in texts]
