"""Counting tokens the way the training services bill them, with no network.

A token is the unit a model reads: a word, part of a word or a punctuation mark. The two
encodings we need ship in resources/tokenizers as gzipped tiktoken files; each is checked
against tiktoken's published SHA-256 before use, so a damaged file is reported, never used,
and tiktoken's own downloader is never reached.
"""

from __future__ import annotations

import binascii
import gzip
import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fineauthor.core.errors import ResourceError
from fineauthor.core.resources import resource_path

if TYPE_CHECKING:
    import tiktoken

    from fineauthor.core.dataset.example import Example, Message

# The cookbook's num_tokens_from_messages: every message costs 3 tokens of framing plus its
# values, a name one more, and the reply is primed with 3.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3

ENDOFTEXT = "<|endoftext|>"
FIM_PREFIX = "<|fim_prefix|>"
FIM_MIDDLE = "<|fim_middle|>"
FIM_SUFFIX = "<|fim_suffix|>"
ENDOFPROMPT = "<|endofprompt|>"


@dataclass(frozen=True)
class _EncodingSpec:
    file: str
    sha256: str
    pattern: str
    special_tokens: Mapping[str, int]


# Patterns and special tokens as published in tiktoken_ext.openai_public; a test compares them.
_SPECS: dict[str, _EncodingSpec] = {
    "o200k_base": _EncodingSpec(
        file="o200k_base.tiktoken.gz",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        pattern="|".join(
            [
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""\p{N}{1,3}""",
                r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
                r"""\s*[\r\n]+""",
                r"""\s+(?!\S)""",
                r"""\s+""",
            ]
        ),
        special_tokens={ENDOFTEXT: 199999, ENDOFPROMPT: 200018},
    ),
    "cl100k_base": _EncodingSpec(
        file="cl100k_base.tiktoken.gz",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        pattern=r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",  # noqa: E501
        special_tokens={
            ENDOFTEXT: 100257,
            FIM_PREFIX: 100258,
            FIM_MIDDLE: 100259,
            FIM_SUFFIX: 100260,
            ENDOFPROMPT: 100276,
        },
    ),
}

ENCODING_NAMES = tuple(_SPECS)
# Every special-token string any shipped encoding knows: text containing one is flagged.
SPECIAL_TOKEN_TEXTS = frozenset(t for spec in _SPECS.values() for t in spec.special_tokens)

_lock = threading.Lock()
_loaded: dict[str, tiktoken.Encoding] = {}


def get_encoding(name: str) -> tiktoken.Encoding:
    """The tiktoken encoding ``name`` built from the shipped file (loaded once, thread-safe)."""
    with _lock:
        if name not in _loaded:
            _loaded[name] = _load(name)
        return _loaded[name]


def _load(name: str) -> tiktoken.Encoding:
    spec = _SPECS.get(name)
    if spec is None:
        raise ResourceError(f"FineAuthor has no tokenizer called “{name}”.")
    path = resource_path("tokenizers", spec.file)
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise ResourceError(
            f"The tokenizer file {spec.file} that ships with FineAuthor could not be read "
            f"({error.__class__.__name__}). Reinstalling FineAuthor should fix it."
        ) from None
    if hashlib.sha256(data).hexdigest() != spec.sha256:
        raise ResourceError(
            f"The tokenizer file {spec.file} that ships with FineAuthor is damaged. "
            "Reinstalling FineAuthor should fix it."
        )
    decode = binascii.a2b_base64  # base64.b64decode without its per-call checks: 3× faster here
    ranks = {
        decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines())
    }
    import tiktoken

    return tiktoken.Encoding(
        name,
        pat_str=spec.pattern,
        mergeable_ranks=ranks,
        special_tokens=dict(spec.special_tokens),
    )


def encode(text: str, encoding: str) -> list[int]:
    """Token ids of ``text``. Special-token strings are read as plain text, never as control
    tokens, so a writer's text can never smuggle one in."""
    return get_encoding(encoding).encode_ordinary(text)


def count_text(text: str, encoding: str) -> int:
    """How many tokens ``text`` is."""
    return len(encode(text, encoding))


def special_tokens_in(text: str) -> list[str]:
    """The special-token strings (such as ``<|endoftext|>``) that appear in ``text``."""
    if "<|" not in text:
        return []
    return sorted(t for t in SPECIAL_TOKEN_TEXTS if t in text)


def message_overhead(message: Message, encoding: str) -> int:
    """The tokens a message costs beyond its content: framing, its role and its name."""
    cost = TOKENS_PER_MESSAGE + _role_tokens(message.role, encoding)
    if message.name is not None:
        cost += count_text(message.name, encoding) + TOKENS_PER_NAME
    return cost


def example_tokens(
    content_tokens: Sequence[int], messages: Sequence[Message], encoding: str
) -> int:
    """The cookbook's count for one example, given the token count of each message's content."""
    total = REPLY_PRIMING
    for message, tokens in zip(messages, content_tokens, strict=True):
        total += message_overhead(message, encoding) + tokens
    return total


def count_example(example: Example, encoding: str) -> int:
    """Tokens of one example as billed: the cookbook's num_tokens_from_messages."""
    contents = [count_text(m.content, encoding) for m in example.messages]
    return example_tokens(contents, example.messages, encoding)


_role_cache: dict[tuple[str, str], int] = {}


def _role_tokens(role: str, encoding: str) -> int:
    key = (role, encoding)
    if key not in _role_cache:
        _role_cache[key] = count_text(role, encoding)
    return _role_cache[key]


def text_digest(text: str) -> bytes:
    """A short fingerprint of a text, the key of the token-count cache."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class TokenCache(Protocol):
    """Somewhere to keep token counts between runs (a project implements it)."""

    def cached_token_counts(self, encoding: str, digests: Iterable[bytes]) -> dict[bytes, int]: ...

    def store_token_counts(self, encoding: str, counts: Mapping[bytes, int]) -> None: ...


def worker_count() -> int:
    """Threads for batch encoding: tiktoken releases the interpreter lock, so use every core."""
    return max(1, os.cpu_count() or 1)


def _encode_lengths(texts: list[str], encoding: str) -> list[int]:
    length = _length_function(encoding)
    return [length(text) for text in texts]


_NO_SPECIAL_TOKENS: frozenset[str] = frozenset()


def _length_function(encoding: str) -> Callable[[str], int]:
    """How to count a text's tokens fastest. tiktoken's buffer encoder (what its public
    encode_to_numpy uses) returns the ids as packed bytes, so no Python integer is made per
    token; with no special tokens allowed it gives exactly encode_ordinary's ids (a test
    checks). Where a tiktoken version lacks it, the public encode_ordinary is used."""
    tokenizer = get_encoding(encoding)
    to_buffer = getattr(getattr(tokenizer, "_core_bpe", None), "encode_to_tiktoken_buffer", None)
    if to_buffer is None:
        return lambda text: len(tokenizer.encode_ordinary(text))

    def length(text: str) -> int:
        try:
            return memoryview(to_buffer(text, _NO_SPECIAL_TOKENS)).nbytes // 4
        except UnicodeEncodeError:  # unpaired surrogates: tiktoken's own path repairs them
            return len(tokenizer.encode_ordinary(text))

    return length


def _split(indices: list[int], texts: Sequence[str], parts: int) -> list[list[int]]:
    """``indices`` cut into ``parts`` runs of about equal text length, in order."""
    total = sum(len(texts[i]) for i in indices)
    runs: list[list[int]] = [[]]
    filled = 0
    for i in indices:
        if filled >= total * len(runs) / parts and len(runs) < parts:
            runs.append([])
        runs[-1].append(i)
        filled += len(texts[i])
    return runs


class BatchCounter:
    """Counts the tokens of batches of texts in the background, while the caller prepares the
    next batch. Cache look-ups and writes stay on the caller's thread (a project's database
    connection belongs to the thread that opened it)."""

    def __init__(self, encoding: str, cache: TokenCache | None = None, ahead: int = 1) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._encoding = encoding
        self._cache = cache
        self._ahead = ahead
        # One long-running task per core: tiktoken releases the interpreter lock while it
        # encodes, and a few big tasks cost far less hand-over than one task per text.
        self._workers = worker_count()
        self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="tokens")
        self._pending: deque[
            tuple[object, list[int | None], list[list[int]], list[bytes], list[Future]]
        ] = deque()

    def submit(self, tag: object, texts: Sequence[str]) -> list[tuple[object, list[int]]]:
        """Queue a batch; returns the batches that finished meanwhile as (tag, counts), in the
        order they were submitted, waiting only when more than ``ahead`` are in flight."""
        counts: list[int | None] = [None] * len(texts)
        missing = list(range(len(texts)))
        digests: list[bytes] = []
        if self._cache is not None:
            digests = [text_digest(t) for t in texts]
            known = self._cache.cached_token_counts(self._encoding, set(digests))
            missing = [i for i, d in enumerate(digests) if d not in known]
            for i, digest in enumerate(digests):
                counts[i] = known.get(digest)
        runs = _split(missing, texts, self._workers)
        futures = [
            self._executor.submit(_encode_lengths, [texts[i] for i in run], self._encoding)
            for run in runs
        ]
        self._pending.append((tag, counts, runs, digests, futures))
        done = []
        while len(self._pending) > self._ahead:
            done.append(self._collect())
        return done

    def finish(self) -> list[tuple[object, list[int]]]:
        """Wait for every queued batch; returns them as (tag, counts) in order."""
        done = [self._collect() for _ in range(len(self._pending))]
        self._executor.shutdown()
        return done

    def _collect(self) -> tuple[object, list[int]]:
        tag, counts, runs, digests, futures = self._pending.popleft()
        missing = [i for run in runs for i in run]
        lengths = [length for future in futures for length in future.result()]
        for i, length in zip(missing, lengths, strict=True):
            counts[i] = length
        if self._cache is not None and missing:
            self._cache.store_token_counts(
                self._encoding,
                {digests[i]: counts[i] for i in missing},  # type: ignore[misc]
            )
        return tag, counts  # type: ignore[return-value]  # every slot is filled above


def count_texts(texts: Sequence[str], encoding: str, cache: TokenCache | None = None) -> list[int]:
    """Token counts of many texts at once, across all cores, reusing and filling ``cache``."""
    counter = BatchCounter(encoding, cache)
    counter.submit(None, texts)
    return counter.finish()[0][1]
