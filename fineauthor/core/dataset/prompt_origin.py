"""Where an example's prompt came from: the writer, an import's template, or a model.

A prompt the writer wrote is theirs and is never rewritten unless they ask. A prompt an import
filled from a template ("Write chapter 3, scene 2") teaches a model little, so it counts as still
needing a prompt. A prompt a model wrote from the scene is kept with the model's name and the
time, and waits for the writer to accept or edit it.
"""

from __future__ import annotations

from dataclasses import dataclass

WRITER, TEMPLATE, MODEL = "writer", "template", "model"
ORIGINS = (WRITER, TEMPLATE, MODEL)


@dataclass(frozen=True, slots=True)
class PromptOrigin:
    """``by`` is one of ORIGINS; ``model`` names the model that wrote it (``by == MODEL``
    only), ``when`` is the ISO-8601 UTC time it was written; ``reviewed`` is set once the
    writer accepts a model's prompt (editing it makes it the writer's own); ``problem`` is what
    the checks still found wrong with a model's prompt after it was asked again, in plain words
    ('' when nothing)."""

    by: str = WRITER
    model: str = ""
    when: str = ""
    reviewed: bool = False
    problem: str = ""

    def __post_init__(self) -> None:
        if self.by not in ORIGINS:
            raise ValueError(f"a prompt's origin must be one of {ORIGINS}, not {self.by!r}")

    @property
    def to_review(self) -> bool:
        """A model wrote it and the writer has not yet accepted or edited it."""
        return self.by == MODEL and not self.reviewed


BY_WRITER = PromptOrigin()
BY_TEMPLATE = PromptOrigin(TEMPLATE)


def needs_prompt(prompt: str, origin: PromptOrigin) -> bool:
    """Whether a prompt should be written for this example: it is empty, or an import made it
    from a template. A prompt the writer wrote, or a model already wrote, does not."""
    return not prompt.strip() or origin.by == TEMPLATE
