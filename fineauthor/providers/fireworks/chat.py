"""A streamed reply from a Fireworks model, piece by piece, for the test bench, through the
``openai`` SDK at Fireworks' OpenAI-compatible address, ``{API root}/inference/v1``
(docs.fireworks.ai "OpenAI compatibility"; DESIGN §3)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx2
import openai

from fineauthor.providers.base import ProviderError
from fineauthor.providers.fireworks.errors import error_from_body, network_error


def inference_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/inference/v1"


def stream_reply(
    client: openai.OpenAI,
    *,
    secret: str,
    account: str,
    model: str,
    messages: Sequence[dict[str, str]],
    temperature: float = 1.0,
    max_tokens: int | None = None,
) -> Iterator[str]:
    """Ask ``model`` for a reply now (a refused key or model is known at once) and stream its
    pieces (see :meth:`Provider.chat`)."""
    extra: dict[str, Any] = {} if max_tokens is None else {"max_tokens": max_tokens}
    stream = _call(
        lambda: client.chat.completions.create(
            model=model,
            messages=list(messages),  # type: ignore[arg-type]
            temperature=temperature,
            stream=True,
            **extra,
        ),
        secret=secret,
        account=account,
        model=model,
    )
    return _pieces(stream, secret=secret, account=account, model=model)


def serverless_models(client: openai.OpenAI, *, secret: str, account: str) -> list[str]:
    """The models Fireworks answers with straight away, pay per token (``GET
    {API root}/inference/v1/models``, OpenAI's list shape): what writing prompts from prose can
    use without a deployment of one's own."""
    page = _call(client.models.list, secret=secret, account=account, model="")
    return [model.id for model in page if getattr(model, "id", "")]


def _pieces(stream: Any, *, secret: str, account: str, model: str) -> Iterator[str]:
    chunks = iter(stream)
    end = object()
    try:
        while True:
            chunk = _call(lambda: next(chunks, end), secret=secret, account=account, model=model)
            if chunk is end:
                return
            for choice in chunk.choices:
                if choice.delta is not None and choice.delta.content:
                    yield choice.delta.content
    finally:
        stream.close()


def _call(function: Any, *, secret: str, account: str, model: str) -> Any:
    """One SDK call; what it raises becomes a ProviderError in plain words, raised outside the
    ``except`` block so no SDK exception (whose text may quote the key) rides along."""
    try:
        return function()
    except openai.APIStatusError as error:
        # The SDK keeps the reply's "error" object as the body.
        body = error.body if isinstance(error.body, dict) else {}
        problem: ProviderError = error_from_body(
            {"error": body}, error.status_code, secret, account=account, model=model
        )
        if error.status_code == 404 or problem.kind == ProviderError.MODEL_UNAVAILABLE:
            problem = ProviderError(
                ProviderError.MODEL_UNAVAILABLE,
                f'Fireworks cannot answer with "{model}" right now: a trained model runs only '
                "on a deployment of your own, which has to be started first (and is billed "
                "while it runs).",
            )
    except openai.APITimeoutError:
        problem = network_error(slow=True)
    except (openai.APIConnectionError, httpx2.HTTPError):
        problem = network_error()
    raise problem
