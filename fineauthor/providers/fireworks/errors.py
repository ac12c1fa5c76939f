"""Fireworks' error replies, refused datasets and broken connections, as ProviderErrors whose text
a writer can act on. Every text that comes from Fireworks is scrubbed of the key (and of
anything key-like) before it reaches a message.

Fireworks' control-plane API answers errors in the gRPC gateway's shape,
``{"code": <gRPC code>, "message": "...", "details": [...]}``; its inference API in OpenAI's,
``{"error": {"message", "type", "code"}}``; both are read. The HTTP statuses a writer meets
(docs.fireworks.ai "Inference error codes"): 400 bad request, 401 bad key, 402 no credit or
over the usage limit, 403 not allowed, 404 unknown item, model or account, 412 account
suspended, 429 too many requests, 5xx the service's own trouble.
"""

from __future__ import annotations

import re
from typing import Any

from fineauthor.providers.base import PREFERENCE, ProviderError
from fineauthor.providers.json_fields import as_dict, as_text
from fineauthor.providers.scrubbing import scrub

NAME = "Fireworks"
_SETTINGS = "Settings → Accounts"

_LINE = re.compile(r"(?i)\bline\s*(?:number\s*)?#?\s*(\d+)")
_BILLING_WORDS = re.compile(
    r"(?i)credit|balance|billing|payment|funds|spending limit|insufficient|quota exceeded"
)
_ACCOUNT_WORDS = re.compile(r"(?i)\baccount\b")
_MODEL_WORDS = re.compile(r"(?i)\bmodel\b|base_?model|tunable")
# A refusal that talks about preference pairs: the dataset and the kind of job do not match.
_PAIR_WORDS = re.compile(r"(?i)preferred_output|preference")


def upload_stopped() -> ProviderError:
    return ProviderError(
        ProviderError.CANCELLED,
        "Upload stopped. Nothing was sent for training; you can start again whenever you like.",
    )


def no_account() -> ProviderError:
    return ProviderError(
        ProviderError.AUTH,
        f"FineAuthor needs your {NAME} account ID to train there (it is the short name shown "
        f"under Account on fireworks.ai). Enter it in {_SETTINGS}, beside the key, or set the "
        "FIREWORKS_ACCOUNT_ID environment variable.",
    )


def network_error(
    *, slow: bool = False, upload: bool = False, creating: bool = False
) -> ProviderError:
    what = "took too long to answer" if slow else "could not be reached"
    if creating:
        # The request may have arrived: never say nothing happened.
        return ProviderError(
            ProviderError.NETWORK,
            f"{NAME} {what} while FineAuthor was asking it to start the training, so the "
            "training may have started. FineAuthor looks for it before starting another, so "
            "trying again will not make you pay twice.",
        )
    if upload:
        return ProviderError(
            ProviderError.NETWORK,
            f"The connection broke during the upload ({NAME} {what}). Nothing was trained: "
            "check your internet connection and start the upload again.",
        )
    return ProviderError(
        ProviderError.NETWORK,
        f"{NAME} {what}. Check your internet connection and try again.",
    )


def unreadable_answer() -> ProviderError:
    return ProviderError(
        ProviderError.SERVER,
        f"{NAME} sent an answer FineAuthor could not read. Try again in a few minutes.",
    )


def said_of(body: dict[str, Any], secret: str) -> str:
    """What Fireworks said, in either of its shapes, scrubbed and kept short."""
    error = body.get("error")
    said = as_text(as_dict(error).get("message")) if isinstance(error, dict) else as_text(error)
    said = said or as_text(body.get("message"))
    return scrub(said.strip(), secret)[:500]


def line_of(text: str) -> int | None:
    match = _LINE.search(text)
    return int(match.group(1)) if match else None


def error_from_body(  # noqa: PLR0911 (one return per kind of trouble reads best)
    body: dict[str, Any],
    status: int,
    secret: str,
    *,
    account: str,
    retry_after: float | None = None,
    file_step: bool = False,
    creating: bool = False,
    model: str | None = None,
    training: str | None = None,
) -> ProviderError:
    """A Fireworks error reply as a ProviderError whose text a writer can act on; ``training``
    is how the job being created learns, when one is."""
    said = said_of(body, secret)
    quoted = f' {NAME} said: "{said}"' if said else ""
    billing = bool(_BILLING_WORDS.search(said))

    if status == 401 and not billing:
        return ProviderError(
            ProviderError.AUTH,
            f"{NAME} did not accept your API key: it may be mistyped, or it was revoked. Check "
            f"or replace the key in {_SETTINGS} (a new one can be made on fireworks.ai).",
        )
    if status in (402, 412) or (billing and status in (400, 403, 429)):
        return ProviderError(
            ProviderError.BILLING,
            f"{NAME} says your account has no credit left, has reached its spending limit or "
            "is suspended. Add credit on fireworks.ai (Billing), then try again."
            + ("" if creating else " Nothing was lost.")
            + quoted,
        )
    if status == 429:
        wait = f" Wait about {round(retry_after)} seconds," if retry_after else " Wait a minute,"
        return ProviderError(
            ProviderError.RATE_LIMITED,
            f"{NAME} is getting too many requests from your account right now. FineAuthor "
            f"waited and tried again, without luck.{wait} then try again.",
            retry_after=retry_after,
        )
    if status >= 500:
        if creating:
            return ProviderError(
                ProviderError.SERVER,
                f"{NAME} had trouble on its side while starting the training, so it may have "
                "started anyway. FineAuthor looks for it before starting another, so trying "
                "again in a few minutes will not make you pay twice.",
            )
        return ProviderError(
            ProviderError.SERVER,
            f"{NAME} is having trouble on its side. Try again in a few minutes.",
        )
    if training and status in (400, 422) and _PAIR_WORDS.search(said):
        return wrong_kind_of_file(training, quoted)
    if status in (403, 404) and _ACCOUNT_WORDS.search(said) and not _MODEL_WORDS.search(said):
        return ProviderError(
            ProviderError.AUTH,
            f'{NAME} does not know the account "{account}", or your key does not belong to it. '
            f"Check the account ID in {_SETTINGS} (it is shown under Account on fireworks.ai)."
            + quoted,
        )
    line = line_of(said)
    if (file_step and status in (400, 409, 413, 415, 422)) or (line and status == 400):
        return ProviderError(
            ProviderError.FILE_REJECTED,
            f"{NAME} refused the training examples."
            + (f" The problem is on line {line}." if line else "")
            + f"{quoted} Fix the example and train again.",
            line=line,
        )
    if model is not None and status in (400, 404) and _MODEL_WORDS.search(said):
        return ProviderError(
            ProviderError.MODEL_UNAVAILABLE,
            f'{NAME} does not offer "{model}" for fine-tuning on your account. Choose another '
            "base model." + quoted,
        )
    if status == 404:
        return ProviderError(
            ProviderError.NOT_FOUND,
            f"{NAME} does not know that item any more (it may have been deleted, or it belongs "
            "to another account)." + quoted,
        )
    if status == 403:
        return ProviderError(
            ProviderError.NOT_ALLOWED,
            f"{NAME} refused: your account is not allowed to do this." + quoted,
        )
    return ProviderError(
        ProviderError.REFUSED,
        f"{NAME} refused the request.{quoted} Check the training settings (or leave them on "
        "automatic) and try again.",
    )


def wrong_kind_of_file(training: str, quoted: str) -> ProviderError:
    """The examples do not suit the kind of training asked for: pairs for a usual training,
    or ordinary examples for a preference one."""
    if training == PREFERENCE:
        text = (
            f"{NAME} refused the examples for this preference training. A preference training "
            "learns from pairs of replies to the same request, the one you chose and the one "
            f"you passed over, and these examples are not such pairs.{quoted} Make the file "
            "from your choices at the test bench, or train these examples the usual way."
        )
    else:
        text = (
            f"{NAME} refused the examples: they are pairs of replies for a preference training "
            "(the one you chose and the one you passed over), not the examples a usual "
            f"training learns from.{quoted} Train them as a preference round, or choose the "
            "file of your examples."
        )
    return ProviderError(ProviderError.FILE_REJECTED, text)
