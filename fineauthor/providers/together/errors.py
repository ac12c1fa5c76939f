"""Together's error replies, refused files and broken connections, as ProviderErrors whose text
a writer can act on; every text that comes from Together is scrubbed of anything that looks like
an API key before it reaches a message."""

from __future__ import annotations

import re
from typing import Any

from fineauthor.providers.base import PREFERENCE, ProviderError
from fineauthor.providers.json_fields import as_dict, as_list, as_text
from fineauthor.providers.scrubbing import scrub

# Errors are ``{"error": {"message", "type", "code", "param"}}``; 401 bad key, 402 spending
# limit or no credit, 404 unknown endpoint or model, 429 rate limit, 500/503 server trouble
# (docs.together.ai/docs/error-codes; together-python ``api_requestor.handle_error_response``).

_LINE = re.compile(r"(?i)\bline\s*(?:number\s*)?#?\s*(\d+)")
_BILLING_WORDS = re.compile(
    r"(?i)credit|balance|billing|payment|funds|spending limit|insufficient|upgrade"
)
_MODEL_REFUSED = re.compile(
    r"(?i)\bmodel\b.*(not (supported|available|found|offered)|unsupported|does not exist|"
    r"no such|unknown|invalid)|(unsupported|unknown|invalid) (base )?model"
)
# A refusal that talks about preference pairs: the file and the way of training do not match.
_PAIR_WORDS = re.compile(r"(?i)preferred_output|preference")


def upload_stopped() -> ProviderError:
    return ProviderError(
        ProviderError.CANCELLED,
        "Upload stopped. Nothing was sent for training; you can start again whenever you like.",
    )


def network_error(
    *, slow: bool = False, upload: bool = False, creating: bool = False
) -> ProviderError:
    what = "took too long to answer" if slow else "could not be reached"
    if creating:
        return ProviderError(
            ProviderError.NETWORK,
            f"Together AI {what} while FineAuthor was asking it to start the training, so it "
            "cannot tell yet whether the training started: it may have. Before starting "
            "another, FineAuthor looks for one that did start, so you will not pay twice.",
        )
    if upload:
        return ProviderError(
            ProviderError.NETWORK,
            f"The connection broke during the upload (Together AI {what}). Nothing is lost: "
            "check your internet connection and start the upload again.",
        )
    return ProviderError(
        ProviderError.NETWORK,
        f"Together AI {what}. Nothing is lost: check your internet connection and try again.",
    )


def model_unavailable(model: str, why: str) -> ProviderError:
    return ProviderError(
        ProviderError.MODEL_UNAVAILABLE,
        f'"{model}" cannot be trained this way: {why}. Choose another base model.',
    )


def error_from_body(  # noqa: PLR0911 (one return per kind of trouble reads best)
    body: dict[str, Any],
    status: int,
    secret: str,
    *,
    retry_after: float | None = None,
    file_step: bool = False,
    model: str | None = None,
    chat: bool = False,
    creating: bool = False,
    training: str | None = None,
) -> ProviderError:
    """A Together error reply as a ProviderError whose text a writer can act on; ``training``
    is how the job being created learns, when one is."""
    error = body.get("error")
    detail = as_dict(error) if isinstance(error, dict) else {}
    said = as_text(detail.get("message")) or (error if isinstance(error, str) else "")
    said = said or as_text(body.get("message"))
    said = scrub(said.strip(), secret)[:500]
    quoted = f' Together AI said: "{said}"' if said else ""
    param = as_text(detail.get("param"))
    billing = bool(_BILLING_WORDS.search(said))

    if status == 401 and not billing:
        return ProviderError(
            ProviderError.AUTH,
            "Together AI did not accept your API key: it may be mistyped, or it was revoked. "
            "Check or replace the key in Settings → Accounts (a new one can be made on "
            "together.ai).",
        )
    if status == 402 or (billing and status in (400, 401, 403)):
        return ProviderError(
            ProviderError.BILLING,
            "Together AI says your account has no credit left or has reached its spending "
            "limit. Add credit on together.ai (Settings → Billing), then try again. Nothing "
            f"was lost.{quoted}",
        )
    if status == 429:
        wait = f" Wait about {round(retry_after)} seconds," if retry_after else " Wait a minute,"
        return ProviderError(
            ProviderError.RATE_LIMITED,
            "Together AI is getting too many requests from your account right now. FineAuthor "
            f"waited and tried again, without luck.{wait} then try again.",
            retry_after=retry_after,
        )
    if status >= 500:
        return ProviderError(
            ProviderError.SERVER,
            "Together AI is having trouble on its side."
            + (
                " It may have started the training all the same: FineAuthor looks for it "
                "before starting another."
                if creating
                else " Nothing is lost; try again in a few minutes."
            ),
        )
    if training and status in (400, 422) and _PAIR_WORDS.search(said):
        return wrong_kind_of_file(training, quoted)
    if file_step and status in (400, 415, 422):
        line = _line_of(said)
        return ProviderError(
            ProviderError.FILE_REJECTED,
            "Together AI refused the training file."
            + (f" The problem is on line {line}." if line else "")
            + f"{quoted} Fix the example and train again.",
            line=line,
        )
    model_related = model is not None and (
        status == 404 or param == "model" or bool(_MODEL_REFUSED.search(said))
    )
    if model_related:
        if chat:
            text = (
                f'Together AI cannot answer with "{model}" right now: it may not be ready '
                "yet, or it needs a dedicated endpoint to run."
            )
        else:
            text = f'Together AI does not offer "{model}" for fine-tuning. Choose another model.'
        return ProviderError(ProviderError.MODEL_UNAVAILABLE, text + quoted)
    if status == 404:
        return ProviderError(
            ProviderError.NOT_FOUND,
            "Together AI does not know that item any more (it may have been deleted)." + quoted,
        )
    if status == 403:
        return ProviderError(
            ProviderError.NOT_ALLOWED,
            "Together AI refused: your account is not allowed to do this." + quoted,
        )
    if _LINE.search(said) or param in ("training_file", "validation_file"):
        line = _line_of(said)
        return ProviderError(
            ProviderError.FILE_REJECTED,
            "Together AI refused the training file."
            + (f" The problem is on line {line}." if line else "")
            + quoted,
            line=line,
        )
    return ProviderError(
        ProviderError.REFUSED,
        f"Together AI refused the request.{quoted} Check the training settings (or leave "
        "them on automatic) and try again.",
    )


def wrong_kind_of_file(training: str, quoted: str) -> ProviderError:
    """The file does not suit the way of training asked for: pairs for a normal training, or
    ordinary examples for a preference one."""
    if training == PREFERENCE:
        text = (
            "Together AI refused the file for this preference training. A preference training "
            "learns from pairs of replies to the same request, the one you chose and the one "
            "you passed over, and this file does not hold such pairs."
            f"{quoted} Make the file from your choices at the test bench, or train these "
            "examples the usual way."
        )
    else:
        text = (
            "Together AI refused the file: it holds pairs of replies for a preference training "
            "(the one you chose and the one you passed over), not the examples a usual "
            f"training learns from.{quoted} Train it as a preference round, or choose the file "
            "of your examples."
        )
    return ProviderError(ProviderError.FILE_REJECTED, text)


def raise_if_rejected(body: dict[str, Any], secret: str) -> None:
    """Together's verdict on an uploaded file (since mid-2026 it validates on arrival)."""
    state = as_text(body.get("processing_status")).upper()
    if state not in ("INVALID_FORMAT", "FAILED"):
        return
    report = body.get("validation_report")
    reasons: list[str] = []
    for item in as_list(report) if isinstance(report, list) else [report]:
        if isinstance(item, str):
            reasons.append(item)
        elif isinstance(item, dict):
            for key in ("message", "error", "reason"):
                if as_text(item.get(key)):
                    reasons.append(as_text(item.get(key)))
                    break
            for key in ("errors", "issues"):
                reasons.extend(
                    as_text(e) if isinstance(e, str) else "" for e in as_list(item.get(key))
                )
    said = scrub("; ".join(r for r in reasons if r)[:500], secret)
    line = _line_of(said)
    if state == "FAILED" and not said:
        raise ProviderError(
            ProviderError.SERVER,
            "Together AI could not process the file on its side. Nothing is lost; upload it "
            "again in a few minutes.",
        )
    raise ProviderError(
        ProviderError.FILE_REJECTED,
        "Together AI refused the training file."
        + (f" The problem is on line {line}." if line else "")
        + (f' Together AI said: "{said}"' if said else "")
        + " Fix the example and train again.",
        line=line,
    )


def _line_of(text: str) -> int | None:
    match = _LINE.search(text)
    return int(match.group(1)) if match else None
