"""A streamed reply from an OpenAI chat model, piece by piece, for the test bench."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from openai import OpenAI

from fineauthor.providers.openai.errors import call_sdk


def stream_reply(
    client: OpenAI,
    secret: str,
    model: str,
    messages: Sequence[dict[str, str]],
    *,
    temperature: float = 1.0,
    max_tokens: int | None = None,
) -> Iterator[str]:
    """Ask ``model`` for a reply now (a refused key or model is known at once) and stream its
    pieces (see :meth:`Provider.chat`)."""
    action = "asking the model for a reply"
    extra: dict[str, Any] = {}
    if max_tokens is not None:
        extra["max_completion_tokens"] = max_tokens
    stream = call_sdk(
        secret,
        action,
        lambda: client.chat.completions.create(
            model=model,
            messages=list(messages),  # type: ignore[arg-type]
            temperature=temperature,
            stream=True,
            **extra,
        ),
        model=model,
    )
    return _pieces(stream, secret, action, model)


def _pieces(stream: Any, secret: str, action: str, model: str) -> Iterator[str]:
    chunks = iter(stream)
    end = object()
    try:
        while True:
            chunk = call_sdk(secret, action, lambda: next(chunks, end), model=model)
            if chunk is end:
                return
            for choice in chunk.choices:
                if choice.delta is not None and choice.delta.content:
                    yield choice.delta.content
    finally:
        stream.close()
