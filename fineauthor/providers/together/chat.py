"""A streamed reply from a Together AI model, piece by piece, for the test bench, read from
Together's OpenAI-compatible server-sent events."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx2

from fineauthor.providers.json_fields import as_dict, as_list
from fineauthor.providers.together.errors import error_from_body, network_error
from fineauthor.providers.together.transport import TogetherREST

# ``POST /chat/completions`` with ``"stream": true`` → server-sent ``data: {chunk}`` lines,
# ``choices[0].delta.content``, ending ``data: [DONE]`` (OpenAI-compatible; together-python
# ``abstract/api_requestor.py`` ``parse_stream``).


def stream_reply(
    rest: TogetherREST,
    model: str,
    messages: Sequence[dict[str, str]],
    *,
    temperature: float = 1.0,
    max_tokens: int | None = None,
) -> Iterator[str]:
    """Ask ``model`` for a reply (see :meth:`Provider.chat`)."""
    body: dict[str, Any] = {
        "model": model,
        "messages": [dict(message) for message in messages],
        "temperature": temperature,
        "stream": True,
    }
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    # The request is made now, so a refused key or model is known before reading starts.
    response = rest.request("POST", "/chat/completions", json=body, stream=True, model=model)
    return _ChatStream(response, _stream_chat(response, rest.api_key))


class _ChatStream(Iterator[str]):
    """The pieces of a streamed reply; closing it (or dropping it unread) frees the
    connection, which a bare generator that never started would not do."""

    def __init__(self, response: httpx2.Response, pieces: Iterator[str]) -> None:
        self._response = response
        self._pieces = pieces

    def __next__(self) -> str:
        return next(self._pieces)

    def close(self) -> None:
        self._response.close()

    def __del__(self) -> None:
        self.close()


def _stream_chat(response: httpx2.Response, secret: str) -> Iterator[str]:
    try:
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                return
            try:
                chunk = json.loads(payload)
            except ValueError:
                continue
            if isinstance(chunk, dict) and "error" in chunk:
                raise error_from_body(chunk, 500, secret, chat=True)
            for choice in as_list(as_dict(chunk).get("choices")):
                piece = as_dict(as_dict(choice).get("delta")).get("content")
                if isinstance(piece, str) and piece:
                    yield piece
    except httpx2.TimeoutException:
        raise network_error(slow=True) from None
    except httpx2.TransportError:
        raise network_error() from None
    finally:
        response.close()
