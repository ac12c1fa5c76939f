"""Sending a request to a service's REST API again after trouble it may get over: 429 (after
its Retry-After when it gives one), 5xx and dropped connections, with backoff, a few times at
most. Each service says which of its requests may be sent twice and how a refusal reads."""

from __future__ import annotations

import contextlib
import email.utils
import random
from collections.abc import Callable
from datetime import UTC, datetime

import httpx2

from fineauthor.providers.base import ProviderError

MAX_RETRY_WAIT = 30.0  # a longer Retry-After is the writer's to wait, not a frozen app's
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0


def send_with_retries(
    send: Callable[[], httpx2.Response],
    *,
    attempts: int,
    sleep: Callable[[float], None],
    lost: Callable[[bool], ProviderError],
    refused: Callable[[httpx2.Response], ProviderError],
    accepted: Callable[[httpx2.Response], bool] = lambda response: response.status_code < 300,
) -> httpx2.Response:
    """``send()`` up to ``attempts`` times. A timeout is never sent again (the caller looks
    again anyway): ``lost(True)`` is raised; a dropped connection on the last try raises
    ``lost(False)``; an answer that is not ``accepted`` and not worth another try raises
    ``refused(response)`` (its body read, so the error can quote it)."""
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            response = send()
        except httpx2.TimeoutException:
            raise lost(True) from None
        except httpx2.TransportError:
            if last:
                raise lost(False) from None
            sleep(backoff(attempt))
            continue
        if accepted(response):
            return response
        response.read()  # a streamed answer, too, so the error can quote its body
        response.close()
        status = response.status_code
        if (status == 429 or status >= 500) and not last:
            wait = retry_after(response.headers)
            wait = backoff(attempt) if wait is None else wait
            if wait <= MAX_RETRY_WAIT:
                sleep(wait)
                continue
        raise refused(response)
    raise AssertionError("unreachable")  # pragma: no cover


def retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        with contextlib.suppress(ValueError):
            return max(0.0, float(milliseconds) / 1000)
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


def backoff(attempt: int) -> float:
    """Seconds before try ``attempt + 2``: doubling from half a second, at most 8, jittered."""
    return min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt) * (0.75 + random.random() / 4)
