"""Reading values out of Together's JSON, which promises little about types: each reader gives
the value when it has the expected type, else an empty one (or None)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any


def as_time(value: object) -> datetime | None:
    """A Together time: ISO text (any fraction digits, ``Z``) or Unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = as_text(value).strip()
    if not text:
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # Go writes nanoseconds
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if math.isnan(number) else number  # NaN is no measurement


def as_int(value: object) -> int | None:
    number = as_number(value)
    return int(number) if number is not None else None
