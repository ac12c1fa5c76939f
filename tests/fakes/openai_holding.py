"""A fake OpenAI that holds one reply until the test releases it, to make a moment that is truly
mid-way: an upload with some parts sent, or a job made but not yet answered."""

from __future__ import annotations

import threading
from typing import Any

from tests.fakes.http import LoggedRequest, Request, Response
from tests.fakes.openai_server import FakeOpenAI


class HoldingOpenAI(FakeOpenAI):
    """The fake OpenAI, which can hold one reply — to the ``hold_part``-th part of an upload,
    or (with ``hold_job``) to a job creation after the job was made — until the test sets
    ``release``. ``holding`` is set while it holds; ``logged`` once that request, answered at
    last, is in the request log. This is how a test makes a moment that is truly mid-way."""

    def __init__(self, *, hold_seconds: float = 30.0, **options: Any) -> None:
        super().__init__(**options)
        self.hold_part: int | None = None
        self.hold_job = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.logged = threading.Event()
        self._hold_seconds = hold_seconds
        self._held_thread: int | None = None
        self._parts = 0

    def _hold(self) -> None:
        self._held_thread = threading.get_ident()
        self.holding.set()
        self.release.wait(self._hold_seconds)

    def _add_part(self, request: Request) -> Response:
        response = super()._add_part(request)
        self._parts += 1
        if self._parts == self.hold_part:
            self.hold_part = None
            self._hold()
        return response

    def _create_job(self, request: Request) -> Response:
        response = super()._create_job(request)
        if self.hold_job:
            self.hold_job = False
            self._hold()
        return response

    def _record(self, entry: LoggedRequest) -> None:
        # The held request enters the request log once its handler has returned.
        super()._record(entry)
        if threading.get_ident() == self._held_thread:
            self._held_thread = None
            self.logged.set()
