"""Reading values out of Fireworks' JSON, which promises little about types (counts come as
text, times as RFC 3339): each reader gives the value when it has the expected type, else an
empty one (or None)."""

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


def as_int(value: object) -> int | None:
    """A whole number, also from text ("exampleCount": "12" is how int64 fields arrive)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if math.isnan(number) or math.isinf(number) else int(number)


def as_time(value: object) -> datetime | None:
    """An RFC 3339 time such as ``2026-11-07T05:31:56.123456789Z``."""
    text = re.sub(r"(\.\d{6})\d+", r"\1", as_text(value).strip())  # nanoseconds
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def last_segment(name: str) -> str:
    """``accounts/a/supervisedFineTuningJobs/j1`` → ``j1`` (a bare id stays as it is)."""
    return name.rstrip("/").rsplit("/", 1)[-1]
