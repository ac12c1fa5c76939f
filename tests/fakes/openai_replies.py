"""How the fake OpenAI words its answers: OpenAI's error envelope and its refusals (a wrong key's
echo, no quota, an unknown model, a training file's first problem), and its cursor pages."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.http import Request, Response, json_response

# OpenAI's wording for an organisation that may no longer start fine-tuning jobs.
NOT_ALLOWED_MESSAGE = (
    "Your organization does not have access to fine-tuning. Self-serve fine-tuning is no "
    "longer available to new organizations."
)


def error_body(
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """OpenAI's error envelope."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def masked(key: str) -> str:
    """The way OpenAI echoes a wrong key back: its start, stars, its last four characters."""
    return key[:8] + "*" * max(4, len(key) - 12) + key[-4:] if len(key) > 12 else "sk-****"


def no_quota() -> Response:
    return json_response(
        error_body(
            "You exceeded your current quota, please check your plan and billing details. "
            "For more information on this error, read the docs: "
            "https://platform.openai.com/docs/guides/error-codes/api-errors.",
            type="insufficient_quota",
            code="insufficient_quota",
        ),
        status=429,
    )


def cursor_page(items: list[dict[str, Any]], request: Request, default_limit: int) -> Response:
    """A cursor page over ``items`` (already newest first), honouring after and limit."""
    after = request.query.get("after")
    limit = int(request.query.get("limit", default_limit))
    start = 0
    if after is not None:
        ids = [item["id"] for item in items]
        start = ids.index(after) + 1 if after in ids else len(items)
    page = items[start : start + limit]
    return json_response(
        {
            "object": "list",
            "data": page,
            "has_more": start + limit < len(items),
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
        }
    )


def model_not_found(model: str) -> Response:
    return json_response(
        error_body(
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        ),
        404,
    )


PAIR_KEYS = ("input", "preferred_output", "non_preferred_output")


def file_kind(content: bytes) -> str:
    """ "preference" when the file's first example is a preference pair, else "chat"."""
    for line in content.decode("utf-8", "replace").splitlines():
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                return "chat"
            pair = isinstance(record, dict) and all(key in record for key in PAIR_KEYS)
            return "preference" if pair else "chat"
    return "chat"


def training_file_problem(content: bytes) -> str | None:
    """OpenAI-style reason a fine-tuning file is refused, naming the line, or None. A file
    holds chat examples (``messages``) or, for DPO, preference pairs (``input.messages``,
    ``preferred_output``, ``non_preferred_output``), all of one kind."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "Invalid file format. The file must be UTF-8 encoded JSONL."
    pairs = file_kind(content) == "preference"
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return f"Invalid file format. Line {number}: the line is not valid JSON."
        if not isinstance(record, dict):
            record = {}
        if pairs:
            missing = next((key for key in PAIR_KEYS if key not in record), None)
            if missing is not None:
                return f'Invalid file format. Line {number}, key "{missing}": missing.'
            given = record["input"]
            if not isinstance(given, dict) or not isinstance(given.get("messages"), list):
                return f'Invalid file format. Line {number}, key "input.messages": not a list.'
        elif not isinstance(record.get("messages"), list):
            return f'Invalid file format. Line {number}, key "messages": missing or not a list.'
    return None
