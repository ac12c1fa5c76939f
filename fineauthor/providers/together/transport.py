"""Together's REST API over one ``httpx2`` client: the API key on every request, and retries with
backoff for the requests that may safely be sent twice."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx2

from fineauthor.providers.base import ProviderError
from fineauthor.providers.retries import retry_after, send_with_retries
from fineauthor.providers.together.errors import error_from_body, network_error

# Behaviour: reads, the upload's first and last steps, cancel, the price estimate and the chat
# request are retried on 429 (honouring ``Retry-After``), 5xx and dropped connections, with
# backoff, at most ``max_retries`` times; job creation and the file PUT never are. Timeouts are
# not retried (the caller polls again anyway).

DEFAULT_BASE_URL = "https://api.together.xyz/v1"


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
        training: str | None = None,
    ) -> httpx2.Response:
        """Send one request (again after trouble, when ``retry``); any refusal or broken
        connection is raised as a ProviderError in plain words. ``training`` is how the job
        being created learns (supervised or preference), so a refused file is explained."""
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}

        def send() -> httpx2.Response:
            request = self.client.build_request(
                method, self.base_url + path, json=json, data=data, params=params, headers=headers
            )
            return self.client.send(request, stream=stream)

        return send_with_retries(
            send,
            attempts=self.max_retries + 1 if retry else 1,
            sleep=self._sleep,
            lost=lambda slow: network_error(slow=slow, creating=creating),
            refused=lambda response: _error_from_response(
                response,
                self.api_key,
                file_step=file_step,
                model=model,
                path=path,
                creating=creating,
                training=training,
            ),
            accepted=lambda response: (
                response.status_code < 300 or (accept_redirect and response.is_redirect)
            ),
        )

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
    training: str | None = None,
) -> ProviderError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return error_from_body(
        body if isinstance(body, dict) else {},
        response.status_code,
        secret,
        retry_after=retry_after(response.headers),
        file_step=file_step,
        model=model,
        chat=path == "/chat/completions",
        creating=creating,
        training=training,
    )
