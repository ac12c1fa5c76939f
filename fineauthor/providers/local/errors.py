"""What the ``openai`` SDK raises while talking to the chat server on the writer's computer,
as a ProviderError in plain words that name the address and say what to start or change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx2
import openai

from fineauthor.providers.base import ProviderError
from fineauthor.providers.scrubbing import scrub

T = TypeVar("T")

START_ONE = (
    "Start Ollama (or LM Studio, and its local server) and try again, or set the address "
    "of your server in Settings."
)


def not_running(address: str) -> ProviderError:
    return ProviderError(
        ProviderError.NETWORK,
        f"Nothing is answering at {address}, so there is no chat program running on this "
        f"computer there. {START_ONE}",
    )


def call_local(address: str, function: Callable[[], T], *, model: str | None = None) -> T:
    """Run one SDK call; anything it raises becomes a ProviderError in plain words, raised
    outside the ``except`` block so no SDK exception rides along."""
    try:
        return function()
    except openai.OpenAIError as error:
        problem = _translate(error, address, model)
    except httpx2.HTTPError:  # a stream broken mid-way is not wrapped by the SDK
        problem = ProviderError(
            ProviderError.NETWORK,
            f"The chat program at {address} stopped answering part way through. If it "
            "closed or ran out of memory, start it again and try again.",
        )
    raise problem


def _translate(error: openai.OpenAIError, address: str, model: str | None) -> ProviderError:  # noqa: PLR0911
    if isinstance(error, openai.APITimeoutError):
        return ProviderError(
            ProviderError.NETWORK,
            f"The chat program at {address} took too long to answer. A large model on a "
            "small computer can be very slow: try a smaller model, or wait until it has "
            "finished loading and try again.",
        )
    if isinstance(error, openai.APIConnectionError):
        return not_running(address)
    if not isinstance(error, openai.APIStatusError):
        return ProviderError(
            ProviderError.SERVER,
            f"The program at {address} gave an answer FineAuthor could not read. Is it a chat "
            "server that speaks OpenAI's language (Ollama, LM Studio, llama.cpp, vLLM)?",
        )
    status = error.status_code
    body = error.body if isinstance(error.body, dict) else {}
    inner = body.get("error", body)
    message = inner.get("message") if isinstance(inner, dict) else inner
    reason = scrub(str(message or "")).strip().rstrip(".")
    said = f" It said: “{reason}.”" if reason else ""
    if status in (401, 403):
        return ProviderError(
            ProviderError.AUTH,
            f"The chat program at {address} asks for a key. FineAuthor sends none to a "
            "program on your own computer: turn off its key (or API token) setting and try "
            "again.",
        )
    if status == 404 and model is not None:
        return ProviderError(
            ProviderError.MODEL_UNAVAILABLE,
            f"The chat program at {address} has no model called “{model}”.{said} In Ollama, "
            f"fetch it with “ollama pull {model}”; in LM Studio, download and load it. Or "
            "choose one of the models it lists.",
        )
    if status == 404:
        return ProviderError(
            ProviderError.NOT_FOUND,
            f"Something answers at {address}, but not as a chat server does.{said} Check the "
            "address in Settings: Ollama uses http://localhost:11434/v1 and LM Studio "
            "http://localhost:1234/v1.",
        )
    if status >= 500:
        return ProviderError(
            ProviderError.SERVER,
            f"The chat program at {address} ran into trouble.{said} It may have run out of "
            "memory: try a smaller model, or restart the program and try again.",
        )
    return ProviderError(
        ProviderError.REFUSED,
        f"The chat program at {address} refused the request.{said or ' It did not say why.'} "
        "A very long scene can be more than a small model takes in at once: try a model "
        "with a larger context, or a shorter scene.",
    )
