"""A problem found in a dataset: blocking (an error) or advice (a warning), said in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``line`` is the line of the JSONL file (or the example's number in a
    project, which is its line in an export); None when it is about the whole dataset.
    ``examples`` lists every example number it concerns when there are several (a repeated
    phrase, a duplicate); ``quote`` is the text it is about, for highlighting."""

    level: Level
    code: str
    message: str
    line: int | None = None
    examples: tuple[int, ...] = field(default=())
    quote: str = ""

    def to_json(self) -> dict[str, object]:
        """The shape of DESIGN §6: line, code, message."""
        return {"line": self.line, "code": self.code, "message": self.message}


def error(code: str, message: str, line: int | None = None, **extra: object) -> Problem:
    return Problem("error", code, message, line, **extra)  # type: ignore[arg-type]


def warning(code: str, message: str, line: int | None = None, **extra: object) -> Problem:
    return Problem("warning", code, message, line, **extra)  # type: ignore[arg-type]
