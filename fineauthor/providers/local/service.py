"""The chat server on the writer's computer as a Provider: it lists its models and writes
replies through the ``openai`` SDK at the server's OpenAI-compatible address, with no key.
Every training call is refused in plain words: a local server only writes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import httpx2
import openai

from fineauthor.providers.base import (
    Cancelled,
    Checkpoint,
    Job,
    JobEvent,
    MetricPoint,
    PriceEstimate,
    Progress,
    Provider,
    ProviderError,
    RemoteModel,
    TrainingOptions,
    UploadedFile,
)
from fineauthor.providers.local.address import LOCAL_ID, LOCAL_NAME, local_base_url
from fineauthor.providers.local.errors import call_local

# The servers need no key, but the SDK sends one if it has one: without this it would read
# OPENAI_API_KEY and hand the writer's OpenAI key to whatever answers at the address.
PLACEHOLDER_KEY = "no-key-needed"
#: Seconds to wait to connect: a server on this computer answers at once or not at all.
CONNECT_TIMEOUT = 5.0
#: Seconds to wait for any one piece of a reply: a large model on a small computer can think
#: for minutes over a long scene before its first word.
READ_TIMEOUT = 600.0


class LocalProvider(Provider):
    """An OpenAI-compatible chat server (Ollama, LM Studio, llama.cpp, vLLM) at ``base_url``
    (the address in use when None)."""

    id = LOCAL_ID
    name = LOCAL_NAME

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = READ_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        max_retries: int = 1,
    ) -> None:
        self.base_url = (base_url or local_base_url()).rstrip("/")
        limits = httpx2.Timeout(timeout, connect=min(timeout, connect_timeout))
        self._client = openai.OpenAI(
            api_key=PLACEHOLDER_KEY,
            base_url=self.base_url,
            timeout=limits,
            max_retries=max_retries,
            # Never through a proxy: the prose is meant to stay on this computer.
            http_client=openai.DefaultHttpxClient(trust_env=False, timeout=limits),
        )

    def __repr__(self) -> str:
        return f"LocalProvider(base_url={self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LocalProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ what it does

    def check_key(self) -> None:
        """Whether a chat server answers at the address (there is no key to check)."""
        self.list_models()

    def list_models(self) -> list[RemoteModel]:
        page = call_local(self.base_url, lambda: list(self._client.models.list()))
        return [
            RemoteModel(
                id=model.id,
                owned_by=model.owned_by or "",
                input_price_per_1m_usd=0.0,
                output_price_per_1m_usd=0.0,
            )
            for model in page
            if model.id
        ]

    def chat(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        temperature: float = 1.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        extra: dict[str, Any] = {} if max_tokens is None else {"max_tokens": max_tokens}
        raw = call_local(
            self.base_url,
            lambda: self._client.chat.completions.with_raw_response.create(
                model=model,
                messages=list(messages),  # type: ignore[arg-type]
                temperature=temperature,
                stream=True,
                **extra,
            ),
            model=model,
        )
        if "json" in raw.headers.get("content-type", ""):
            # A server that does not stream sends the whole reply at once.
            return iter(_whole_reply(raw.http_response, self.base_url))
        return _pieces(raw.parse(), self.base_url, model)

    # ------------------------------------------------------------------ what it does not

    def _only_writes(self) -> NoReturn:
        raise ProviderError(
            ProviderError.REFUSED,
            "The chat program on this computer only writes: FineAuthor uses it to write "
            "prompts from your scenes, and it cannot train a model. To train, choose Together "
            "AI or Fireworks AI under Train.",
        )

    def upload(
        self,
        path: Path,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> UploadedFile:
        self._only_writes()

    def find_file(self, filename: str) -> UploadedFile | None:
        self._only_writes()

    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        self._only_writes()

    def find_job(self, training_file: str) -> Job | None:
        self._only_writes()

    def get_job(self, job_id: str) -> Job:
        self._only_writes()

    def list_jobs(self, limit: int = 20) -> list[Job]:
        self._only_writes()

    def cancel_job(self, job_id: str) -> Job:
        self._only_writes()

    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        self._only_writes()

    def metrics(self, job_id: str) -> list[MetricPoint]:
        self._only_writes()

    def checkpoints(self, job_id: str) -> list[Checkpoint]:
        self._only_writes()

    def estimate_price(
        self, model: str, training_file: str, options: TrainingOptions
    ) -> PriceEstimate | None:
        self._only_writes()


def _pieces(stream: Any, address: str, model: str) -> Iterator[str]:
    chunks = iter(stream)
    end = object()
    try:
        while True:
            chunk = call_local(address, lambda: next(chunks, end), model=model)
            if chunk is end:
                return
            for choice in chunk.choices or ():
                if choice.delta is not None and choice.delta.content:
                    yield choice.delta.content
    finally:
        stream.close()


def _whole_reply(response: httpx2.Response, address: str) -> list[str]:
    try:
        data = json.loads(response.read())
        text = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, httpx2.HTTPError):
        raise ProviderError(
            ProviderError.SERVER,
            f"The program at {address} sent a reply FineAuthor could not read. Is it a chat "
            "server that speaks OpenAI's language (Ollama, LM Studio, llama.cpp, vLLM)?",
        ) from None
    finally:
        response.close()
    return [text] if isinstance(text, str) and text else []
