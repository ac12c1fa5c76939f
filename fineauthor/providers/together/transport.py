"""Together's REST API over one ``httpx2`` client: the API key on every request, and retries with
backoff for the requests that may safely be sent twice."""

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
from fineauthor.providers.together.errors import error_from_body, network_error

# Behaviour: reads, the upload's first and last steps, cancel, the price estimate and the chat
# request are retried on 429 (honouring ``Retry-After``), 5xx and dropped connections, with
# backoff, at most ``max_retries`` times; job creation and the file PUT never are. Timeouts are
# not retried (the caller polls again anyway).

DEFAULT_BASE_URL = "https://api.together.xyz/v1"

_MAX_RETRY_WAIT = 30.0  # a longer Retry-After is the writer's to wait, not a frozen app's
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0


class TogetherREST:
    """Requests to Together's API at ``base_url``, made with ``api_key``. Not thread-safe."""

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_key = api_key
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.max_retries = max(0, max_retries)
        self._sleep = sleep
        self._timeout = httpx2.Timeout(timeout, connect=min(timeout, 10.0))
        # Also used as it is for the upload's PUT to a signed address, which takes no key.
        self.client = httpx2.Client(timeout=self._timeout, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        retry: bool = True,
        stream: bool = False,
        accept_redirect: bool = False,
        file_step: bool = False,
        creating: bool = False,
        model: str | None = None,
    ) -> httpx2.Response:
        """Send one request (again after trouble, when ``retry``); any refusal or broken
        connection is raised as a ProviderError in plain words."""
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        attempts = self.max_retries + 1 if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            request = self.client.build_request(
                method,
                self.base_url + path,
                json=json,
                data=data,
                params=params,
                headers=headers,
            )
            try:
                response = self.client.send(request, stream=stream)
            except httpx2.TimeoutException:
                raise network_error(slow=True, creating=creating) from None
            except httpx2.TransportError:
                if last:
                    raise network_error(creating=creating) from None
                self._sleep(_backoff(attempt))
                continue
            status = response.status_code
            if status < 300 or (accept_redirect and response.is_redirect):
                return response
            if stream:
                response.read()
            response.close()
            if (status == 429 or status >= 500) and not last:
                wait = _retry_after(response.headers)
                wait = _backoff(attempt) if wait is None else wait
                if wait <= _MAX_RETRY_WAIT:
                    self._sleep(wait)
                    continue
            raise _error_from_response(
                response,
                self.api_key,
                file_step=file_step,
                model=model,
                path=path,
                creating=creating,
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, response: httpx2.Response) -> dict[str, Any]:
        """The answer's JSON object (a bare list comes as ``{"data": [...]}``)."""
        try:
            data = response.json()
        except ValueError:
            raise ProviderError(
                ProviderError.SERVER,
                "Together AI sent an answer FineAuthor could not read. Nothing was lost; try "
                "again in a few minutes.",
            ) from None
        return data if isinstance(data, dict) else {"data": data}


def _error_from_response(
    response: httpx2.Response,
    secret: str,
    *,
    file_step: bool = False,
    model: str | None = None,
    path: str = "",
    creating: bool = False,
) -> ProviderError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return error_from_body(
        body if isinstance(body, dict) else {},
        response.status_code,
        secret,
        retry_after=_retry_after(response.headers),
        file_step=file_step,
        model=model,
        chat=path == "/chat/completions",
        creating=creating,
    )


def _retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``Retry-After`` (seconds or a date)."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        with contextlib.suppress(ValueError):
            return max(0.0, float(milliseconds) / 1000)
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return max(0.0, (parsed - datetime.now(UTC)).total_seconds())


def _backoff(attempt: int) -> float:
    return min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt) * (0.75 + random.random() / 4)
