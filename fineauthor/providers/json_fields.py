"""Reading values out of a service's JSON, which promises little about types (counts may come
as text, times as ISO text or Unix seconds): each reader gives the value when it has a usable
type, else an empty one (or None)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any


def as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_number(value: object) -> float | None:
    """A number, also from text; NaN and infinity are no measurement."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def as_int(value: object) -> int | None:
    """A whole number, also from text ("exampleCount": "12" is how int64 fields arrive)."""
    number = as_number(value)
    return int(number) if number is not None else None


def as_time(value: object) -> datetime | None:
    """ISO or RFC 3339 text (any fraction digits, ``Z``) or Unix seconds, as a UTC time."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = re.sub(r"(\.\d{6})\d+", r"\1", as_text(value).strip())  # Go writes nanoseconds
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
