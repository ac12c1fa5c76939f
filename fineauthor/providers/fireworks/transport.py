"""Fireworks' REST API over one ``httpx2`` client: the API key on every request to the API, the
account in every path, and retries with backoff for the requests that may safely be sent twice.

Behaviour: reads, dataset creation (its id is fixed, so a second one is refused, not made),
the upload, validation, cancel and chat are retried on 429 (honouring ``Retry-After``), 5xx and
dropped connections, with backoff, at most ``max_retries`` times; job creation never is, and
neither is the PUT to a signed storage address. Timeouts are not retried (the caller polls
again anyway).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx2

from fineauthor.providers.base import ProviderError
from fineauthor.providers.fireworks.errors import (
    error_from_body,
    network_error,
    no_account,
    unreadable_answer,
)
from fineauthor.providers.retries import retry_after, send_with_retries

DEFAULT_BASE_URL = "https://api.fireworks.ai"  # the API root (DESIGN §6)


class FireworksREST:
    """Requests to Fireworks at ``base_url`` for ``account``, made with ``api_key``. Not
    thread-safe."""

    def __init__(
        self,
        api_key: str,
        account: str,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_key = api_key
        self.account = account.strip().removeprefix("accounts/").strip("/")
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.max_retries = max(0, max_retries)
        self.timeout = timeout
        self._sleep = sleep
        # Also used as it is for the PUT to a signed storage address, which takes no key.
        self.client = httpx2.Client(
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=False
        )

    def close(self) -> None:
        self.client.close()

    def account_path(self, rest: str = "") -> str:
        """``/v1/accounts/{account}`` followed by ``rest``; no account is a plain error."""
        if not self.account:
            raise no_account()
        return f"/v1/accounts/{self.account}{rest}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        retry: bool = True,
        file_step: bool = False,
        creating: bool = False,
        model: str | None = None,
        training: str | None = None,
    ) -> httpx2.Response:
        """Send one request (again after trouble, when ``retry``); any refusal or broken
        connection is raised as a ProviderError in plain words. ``training`` is how the job
        being created learns (supervised or preference), so a refused dataset is explained."""
        all_headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        all_headers.update(headers or {})

        def send() -> httpx2.Response:
            body = content() if callable(content) else content  # a fresh stream per attempt
            return self.client.request(
                method,
                self.base_url + path,
                json=json,
                content=body,
                params=params,
                headers=all_headers,
            )

        return send_with_retries(
            send,
            attempts=self.max_retries + 1 if retry else 1,
            sleep=self._sleep,
            lost=lambda slow: network_error(slow=slow, creating=creating, upload=file_step),
            refused=lambda response: self._error(
                response, file_step=file_step, creating=creating, model=model, training=training
            ),
        )

    def json(self, response: httpx2.Response) -> dict[str, Any]:
        """The answer's JSON object (an empty body is an empty object)."""
        if not response.content:
            return {}
        try:
            data = response.json()
        except ValueError:
            raise unreadable_answer() from None
        return data if isinstance(data, dict) else {}

    def _error(
        self,
        response: httpx2.Response,
        *,
        file_step: bool,
        creating: bool,
        model: str | None,
        training: str | None,
    ) -> ProviderError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        return error_from_body(
            body if isinstance(body, dict) else {},
            response.status_code,
            self.api_key,
            account=self.account,
            retry_after=retry_after(response.headers),
            file_step=file_step,
            creating=creating,
            model=model,
            training=training,
        )
