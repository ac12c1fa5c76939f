"""Fireworks' REST API over one ``httpx2`` client: the API key on every request to the API, the
account in every path, and retries with backoff for the requests that may safely be sent twice.

Behaviour: reads, dataset creation (its id is fixed, so a second one is refused, not made),
the upload, validation, cancel and chat are retried on 429 (honouring ``Retry-After``), 5xx and
dropped connections, with backoff, at most ``max_retries`` times; job creation never is, and
neither is the PUT to a signed storage address. Timeouts are not retried (the caller polls
again anyway).
"""

from __future__ import annotations

import contextlib
import email.utils
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx2

from fineauthor.providers.base import ProviderError
from fineauthor.providers.fireworks.errors import (
    error_from_body,
    network_error,
    no_account,
    unreadable_answer,
)

DEFAULT_BASE_URL = "https://api.fireworks.ai"  # the API root (DESIGN §6)

_MAX_RETRY_WAIT = 30.0  # a longer Retry-After is the writer's to wait, not a frozen app's
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0


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
    ) -> httpx2.Response:
        """Send one request (again after trouble, when ``retry``); any refusal or broken
        connection is raised as a ProviderError in plain words."""
        all_headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        all_headers.update(headers or {})
        attempts = self.max_retries + 1 if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            body = content() if callable(content) else content  # a fresh stream per attempt
            try:
                response = self.client.request(
                    method,
                    self.base_url + path,
                    json=json,
                    content=body,
                    params=params,
                    headers=all_headers,
                )
            except httpx2.TimeoutException:
                raise network_error(slow=True, creating=creating, upload=file_step) from None
            except httpx2.TransportError:
                if last:
                    raise network_error(creating=creating, upload=file_step) from None
                self._sleep(_backoff(attempt))
                continue
            status = response.status_code
            if status < 300:
                return response
            if (status == 429 or status >= 500) and not last:
                wait = retry_after(response.headers)
                wait = _backoff(attempt) if wait is None else wait
                if wait <= _MAX_RETRY_WAIT:
                    self._sleep(wait)
                    continue
            raise self._error(response, file_step=file_step, creating=creating, model=model)
        raise AssertionError("unreachable")  # pragma: no cover

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
        self, response: httpx2.Response, *, file_step: bool, creating: bool, model: str | None
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
        )


def retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds to wait, from ``Retry-After`` (seconds or an HTTP date)."""
    value = headers.get("retry-after")
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return max(0.0, (parsed - datetime.now(UTC)).total_seconds())


def _backoff(attempt: int) -> float:
    return min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt) * (0.75 + random.random() / 4)
