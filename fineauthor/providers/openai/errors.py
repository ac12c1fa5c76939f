"""Everything the ``openai`` SDK raises, turned into a ProviderError whose text is a plain
sentence for a writer. The API key never appears in it: OpenAI's own 401 text echoes part of the
key, so that text is never passed on, and every provider text that is passed on is scrubbed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import httpx2
import openai

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dates import long_date
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import PREFERENCE, ProviderError
from fineauthor.providers.openai.records import PROVIDER_ID
from fineauthor.providers.retries import retry_after
from fineauthor.providers.scrubbing import scrub

T = TypeVar("T")


class UploadCancelledError(Exception):
    """Raised from inside the SDK's read of the file when the writer cancels. Not an SDK or
    httpx error, so the SDK neither retries nor wraps it."""


def call_sdk(
    secret: str,
    action: str,
    function: Callable[[], T],
    *,
    model: str | None = None,
    creating: bool = False,
    training: str | None = None,
) -> T:
    """Run one SDK call; anything it raises becomes a ProviderError in plain words. The
    error is raised outside the ``except`` block, so no SDK exception (whose text may hold
    a masked key) rides along as its context. ``training`` is how the job being created
    learns (supervised or preference), so a refused file is explained."""
    try:
        return function()
    except UploadCancelledError:
        problem = cancelled_error()
    except openai.OpenAIError as error:
        problem = _translate(
            error, action, secret, model=model, creating=creating, training=training
        )
    except httpx2.HTTPError:  # a stream broken mid-way is not wrapped by the SDK
        problem = _network_error(action, creating=creating)
    raise problem


def cancelled_error() -> ProviderError:
    return ProviderError(
        ProviderError.CANCELLED,
        "You stopped the upload. Nothing was trained and nothing was charged; press Train "
        "again when you are ready.",
    )


def _network_error(action: str, *, creating: bool = False, timeout: bool = False) -> ProviderError:
    what = (
        f"OpenAI did not answer in time while {action}."
        if timeout
        else f"FineAuthor could not reach OpenAI while {action}: the connection failed or dropped."
    )
    then = (
        " The training may have started anyway; FineAuthor looks for it before starting "
        "another, so trying again is safe."
        if creating
        else " Nothing was lost."
    )
    return ProviderError(
        ProviderError.NETWORK,
        f"{what}{then} Check your internet connection and try again.",
    )


def _translate(  # noqa: PLR0911  (one answer per kind of trouble, read as a table)
    error: openai.OpenAIError,
    action: str,
    secret: str,
    *,
    model: str | None,
    creating: bool,
    training: str | None = None,
) -> ProviderError:
    if isinstance(error, openai.APITimeoutError):
        return _network_error(action, creating=creating, timeout=True)
    if isinstance(error, openai.APIConnectionError):
        return _network_error(action, creating=creating)
    if not isinstance(error, openai.APIStatusError):
        return ProviderError(
            ProviderError.SERVER,
            f"OpenAI gave an answer FineAuthor could not understand while {action}. "
            "Nothing was lost; try again in a few minutes.",
        )

    status = error.status_code
    body = error.body if isinstance(error.body, dict) else {}
    code = str(body.get("code") or "")
    kind = str(body.get("type") or "")
    param = str(body.get("param") or "")
    # Never use the 401 text (it echoes part of the key); everything else is scrubbed.
    reason = scrub(str(body.get("message") or ""), secret).strip().rstrip(".")

    if status == 401:
        return ProviderError(
            ProviderError.AUTH,
            "OpenAI did not accept your API key: it may be mistyped, or it was revoked or "
            "has expired. Create a new key on OpenAI's website (platform.openai.com → API "
            "keys) and paste it in Settings → Accounts.",
        )
    if status == 402 or "insufficient_quota" in (code, kind) or "billing" in code:
        return ProviderError(
            ProviderError.BILLING,
            "Your OpenAI account has no credit left, or billing is not set up. Add credit "
            "on OpenAI's website (platform.openai.com → Billing), then try again. Nothing "
            "was lost.",
        )
    if status == 403:
        return _forbidden(code, reason, action)
    if status == 429:
        headers = error.response.headers if error.response is not None else None
        wait = retry_after(headers) if headers is not None else None
        when = f"about {round(wait)} seconds" if wait else "a minute"
        return ProviderError(
            ProviderError.RATE_LIMITED,
            "OpenAI is getting too many requests from your account right now; FineAuthor "
            f"waited and tried again, but it is still busy. Wait {when} and try again. "
            "Nothing was lost.",
            retry_after=wait,
        )
    if status >= 500 or status in (408, 409):
        return ProviderError(
            ProviderError.SERVER,
            f"OpenAI is having trouble on its side (while {action}"
            + ("" if creating else "; FineAuthor tried again without luck")
            + ")."
            + (
                " It may have started the training all the same: FineAuthor looks for it "
                "before starting another."
                if creating
                else " Nothing was lost; try again in a few minutes."
            )
            + " status.openai.com shows whether OpenAI knows about it.",
        )
    said = f" OpenAI said: “{reason}.”" if reason else ""
    if training and status in (400, 422) and _PAIR_WORDS.search(reason):
        return _wrong_kind_of_file(training, said)
    if param in ("file", "training_file", "validation_file") or "file" in code:
        line = _line_named(reason)
        where = (
            f" The problem is on line {line} of the file that was sent (example {line})."
            if line
            else ""
        )
        return ProviderError(
            ProviderError.FILE_REJECTED,
            f"OpenAI refused the training file.{said}{where} Fix it in the editor, run the "
            "check, and train again.",
            line=line,
        )
    if model is not None and (param == "model" or "model" in code or status == 404):
        use = "train" if creating else "use"
        return ProviderError(
            ProviderError.MODEL_UNAVAILABLE,
            f"OpenAI cannot {use} the model “{model}”: it may be retired, not offered for "
            f"this, or not open to your account.{said} Choose another model and try again.",
        )
    if status == 404:
        return ProviderError(
            ProviderError.NOT_FOUND,
            f"OpenAI could not find what FineAuthor asked for while {action}: it may have "
            f"been deleted, or it belongs to another account or key.{said}",
        )
    return ProviderError(
        ProviderError.REFUSED,
        f"OpenAI refused the request while {action}.{said or ' It did not say why.'} "
        "Change what it names and try again.",
    )


# A refusal that talks about preference pairs: the file and the way of training do not match.
_PAIR_WORDS = re.compile(r"(?i)preferred_output|preference")


def _wrong_kind_of_file(training: str, said: str) -> ProviderError:
    """The file does not suit the way of training asked for: pairs for a usual training, or
    ordinary examples for a preference one."""
    if training == PREFERENCE:
        text = (
            "OpenAI refused the file for this preference training. A preference training "
            "learns from pairs of replies to the same request, the one you chose and the one "
            f"you passed over, and this file does not hold such pairs.{said} Make the file "
            "from your choices at the test bench, or train these examples the usual way."
        )
    else:
        text = (
            "OpenAI refused the file: it holds pairs of replies for a preference training "
            "(the one you chose and the one you passed over), not the examples a usual "
            f"training learns from.{said} Train it as a preference round, or choose the file "
            "of your examples."
        )
    return ProviderError(ProviderError.FILE_REJECTED, text)


def _forbidden(code: str, reason: str, action: str) -> ProviderError:
    """A 403: a restricted key, a country OpenAI does not serve, or (most often now) an
    account that may no longer fine-tune."""
    lowered = reason.lower()
    if "missing scope" in lowered or "insufficient permissions" in lowered:
        return ProviderError(
            ProviderError.AUTH,
            "Your OpenAI API key is not allowed to do this (it is a restricted key). "
            "Make a key with full permissions on OpenAI's website and paste it in "
            "Settings → Accounts.",
        )
    if "country" in code or "region" in code:
        return ProviderError(
            ProviderError.NOT_ALLOWED,
            "OpenAI does not serve the country or region you are connecting from. "
            f"{_other_provider_advice()}",
        )
    said = f" OpenAI said: “{reason}.”" if reason else ""
    return ProviderError(
        ProviderError.NOT_ALLOWED,
        f"OpenAI refused this account while {action}.{said} {_wind_down_story()} "
        f"{_other_provider_advice()}",
    )


def _line_named(text: str) -> int | None:
    """The line (or example) number a provider's complaint names, if it names one."""
    match = re.search(r"\b(?:line|example)\s+#?(\d+)", text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def _wind_down_story() -> str:
    """OpenAI's closing of self-serve fine-tuning, with the catalog's dates."""
    dates = load_catalog().provider(PROVIDER_ID).dates
    told = " ".join(f"{long_date(d.date)}: {d.what}" for d in sorted(dates, key=lambda d: d.date))
    return f"OpenAI is closing do-it-yourself fine-tuning. {told}".strip()


def _other_provider_advice() -> str:
    catalog = load_catalog()
    try:
        other = catalog.provider("together").name
    except FineAuthorError:
        other = "another training service"
    return (
        f"Your examples are safe in your project: train them with {other} instead (choose it "
        f"under Train and add its key in Settings → Accounts)."
    )
