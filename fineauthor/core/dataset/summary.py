"""What the example list shows for each example, without the example's full text.

A 10,000-example project holds ~120 MB of text; the list needs a line per example, not the
text. :meth:`Project.summaries <fineauthor.core.project.project.Project.summaries>` builds
these from the file with one query (word counts are stored beside each message);
:func:`summarize` builds the same thing from an :class:`~fineauthor.core.dataset.example.Example`
already in memory, so a list row can be refreshed straight from the example an edit returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.prompt_origin import WRITER

# The list's title for an example: the start of its first prompt, whitespace collapsed.
PREVIEW_CHARS = 160
# How much of the prompt is read to make that title: the project file keeps this much of each
# prompt in an index (messages.head, schema version 2), so it must not change on its own.
# Collapsing whitespace only shortens text, so a title is exact unless the prompt's first 320
# characters are more than half whitespace (then it is shorter, never wrong in what it shows).
PREVIEW_READ = 320
NOTE_CHARS = 80


def count_words(text: str) -> int:
    """Words as a word processor counts them: runs of characters between whitespace."""
    return len(text.split())


# Enough for almost every prompt's title; collapsing a prefix gives a prefix of the collapsed
# whole, so when this much yields PREVIEW_CHARS the title is exact without reading further.
_PREVIEW_FIRST = PREVIEW_CHARS + 40


def preview(text: str) -> str:
    """``text`` as a one-line title: whitespace collapsed, at most PREVIEW_CHARS characters."""
    title = " ".join(text[:_PREVIEW_FIRST].split())
    if len(title) < PREVIEW_CHARS and len(text) > _PREVIEW_FIRST:
        title = " ".join(text[:PREVIEW_READ].split())
    return title[:PREVIEW_CHARS]


@dataclass(frozen=True, slots=True)
class ExampleSummary:
    """One row of the example list.

    ``prompt_preview`` is the first user message as a title ('' without one);
    ``response_words`` counts the words of the last assistant message (0 without one);
    ``turns`` is the number of messages; ``note`` is the start of the writer's note;
    ``prompt_by`` is who wrote the prompt (prompt_origin.ORIGINS) and ``prompt_to_review``
    whether a model wrote it and the writer has not yet accepted or edited it.
    """

    id: int
    prompt_preview: str
    response_words: int
    turns: int
    has_system: bool
    note: str
    prompt_by: str = WRITER
    prompt_to_review: bool = False


def summarize(example: Example) -> ExampleSummary:
    """The summary of a stored example, computed from its text (its ``id`` must be set)."""
    if example.id is None:
        raise ValueError("only a stored example (one with an id) has a summary")
    messages = example.messages
    prompt = next((m.content for m in messages if m.role == "user"), "")
    response = next((m.content for m in reversed(messages) if m.role == "assistant"), "")
    return ExampleSummary(
        id=example.id,
        prompt_preview=preview(prompt),
        response_words=count_words(response),
        turns=len(messages),
        has_system=any(m.role == "system" for m in messages),
        note=example.note[:NOTE_CHARS],
        prompt_by=example.prompt_origin.by,
        prompt_to_review=example.prompt_origin.to_review,
    )
