"""A fake OpenAI-compatible chat server on the shared loopback base (tests/fakes/http.py): what
Ollama, LM Studio, llama.cpp's server and vLLM answer at ``/v1/models`` and
``/v1/chat/completions`` (OpenAI's shapes: ``{"object": "list", "data": [{"id": …}]}``, a
``chat.completion``, or ``chat.completion.chunk`` server-sent events ending ``[DONE]``).

By default it takes no key (as a local server does); give ``api_key`` to make it a service that
checks one. Replies are scripted per request (``script``: a bad prompt, then a good one), else
made by ``reply_for`` (a fair prompt asking for the length the request asks for). Trouble on
demand: ``ignore_stream`` (a whole reply even when asked to stream), ``piece_delay`` (slow),
``hold`` (stop after the first piece until the event is set, from request ``hold_from`` on),
``die_after`` (after that many
replies every request is cut off, as if the program was killed; ``revive`` brings it back).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from tests.fakes.http import FakeHTTPServer, Request, Response, json_response, sse_response

LOCAL_MODELS = ("llama3.2:3b", "qwen3:8b")
EPOCH = 1_767_225_600  # 2026-01-01, for "created"


def asked_target(body: dict[str, Any]) -> int:
    """The length a brief request asks the prompt to state ("about 1,800 words"), else 1000."""
    text = " ".join(str(m.get("content", "")) for m in body.get("messages") or [])
    found = re.findall(r"about ([\d,]+) words”", text)
    return int(found[-1].replace(",", "")) if found else 1000


def scene_in(body: dict[str, Any]) -> str:
    """The scene a brief request carries (between <scene> and </scene>), or ''."""
    text = " ".join(str(m.get("content", "")) for m in body.get("messages") or [])
    found = re.search(r"<scene>\n(.*?)\n</scene>", text, re.DOTALL)
    return found.group(1) if found else ""


def good_brief(body: dict[str, Any]) -> str:
    """A prompt that passes the checks for whatever scene the request carries."""
    return (
        "Write the scene where the keeper's daughter waits out the storm alone, told from her "
        "side, close and uneasy, and let it end as the lamp gutters and she hears a boat "
        f"below. About {asked_target(body):,} words."
    )


class FakeChatServer(FakeHTTPServer):
    """``/v1/models`` and ``/v1/chat/completions``; ``base_url`` is what a client is given."""

    def __init__(self, *, api_key: str | None = None, models: tuple[str, ...] = LOCAL_MODELS):
        super().__init__(api_key=api_key)
        self.models: list[dict[str, Any]] = [{"id": m} for m in models]
        self.chat_bodies: list[dict[str, Any]] = []
        self.bearers: list[str | None] = []  # the key each chat request carried (fakes only)
        self.replies: deque[str] = deque()
        self.reply_for: Callable[[dict[str, Any]], str] = good_brief
        self.ignore_stream = False
        self.piece_delay = 0.0
        self.hold: threading.Event | None = None
        self.hold_from = 1  # the first chat request (counting from 1) that ``hold`` stops
        self.die_after: int | None = None
        self.served = 0  # chat replies sent so far
        self._chat_lock = threading.Lock()
        self.route("GET", "/v1/models", self._models)
        self.route("POST", "/v1/chat/completions", self._chat)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def script(self, *replies: str) -> None:
        """The next requests get these replies, in order; after them, ``reply_for``."""
        with self._chat_lock:
            self.replies.extend(replies)

    def revive(self) -> None:
        """The program is started again: it answers every request once more."""
        self.die_after = None
        self.clear_faults()

    # -- routes

    def _models(self, request: Request) -> Response:
        data = [
            {"object": "model", "created": EPOCH, "owned_by": "library", **model}
            for model in self.models
        ]
        return json_response({"object": "list", "data": data})

    def _chat(self, request: Request) -> Response:
        body = request.json() or {}
        model = body.get("model", "")
        with self._chat_lock:
            self.chat_bodies.append(body)
            self.bearers.append(request.bearer)
            reply = self.replies.popleft() if self.replies else None
        if not any(m["id"] == model for m in self.models):
            return json_response(
                {
                    "error": {
                        "message": f'model "{model}" not found, try pulling it first',
                        "type": "api_error",
                    }
                },
                status=404,
            )
        text = self.reply_for(body) if reply is None else reply
        with self._chat_lock:
            self.served += 1
            dies = self.die_after is not None and self.served >= self.die_after
        if dies:  # killed after this reply: every later request is cut off unanswered
            self.fail_next("*", "/v1/{anything}", times=1 << 30, drop="before_body")
            self.fail_next("*", "/v1/{anything}/{more}", times=1 << 30, drop="before_body")
        if body.get("stream") and not self.ignore_stream:
            held = self.hold if len(self.chat_bodies) >= self.hold_from else None
            return sse_response(self._chunks(model, text, held), final="[DONE]")
        return json_response(
            {
                "id": f"chatcmpl-{self.served}",
                "object": "chat.completion",
                "created": EPOCH,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
            }
        )

    def _chunks(
        self, model: str, text: str, hold: threading.Event | None
    ) -> Iterator[dict[str, Any]]:
        words = text.split(" ")
        pieces = [word if i == 0 else " " + word for i, word in enumerate(words)]

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": f"chatcmpl-{self.served}",
                "object": "chat.completion.chunk",
                "created": EPOCH,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        yield chunk({"role": "assistant", "content": ""})
        for index, piece in enumerate(pieces):
            if hold is not None and index == 1:
                while not hold.wait(0.05) and not self._stopping.is_set():
                    pass
            if self.piece_delay:
                self._sleep(self.piece_delay)
            yield chunk({"content": piece})
        yield chunk({}, "stop")
