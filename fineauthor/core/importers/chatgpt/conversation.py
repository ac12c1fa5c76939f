"""What reading an export yields: a conversation as the writer last saw it (its visible turns),
and the account of what was left out of it, or of the export, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

#: Characters shown of a conversation's first prompt in a list.
PREVIEW_CHARS = 160


class Skipped(StrEnum):
    """Why part of a conversation was left out of the examples."""

    HIDDEN = "hidden"  # instructions ChatGPT was given that the chat never showed
    SETTINGS = "settings"  # the writer's custom instructions, ChatGPT's memory
    TOOLS = "tools"  # web searches, code runs, picture making, and what they returned
    THINKING = "thinking"  # reasoning models' notes to themselves
    PICTURES = "pictures"
    ATTACHMENTS = "attachments"  # files, audio and other attached things
    OTHER = "other"  # content of a kind that isn't text
    DAMAGED = "damaged"  # a message too broken to read


#: Plain English for each reason, for the command line (the app has its own, translated).
SKIPPED_TEXT: dict[Skipped, str] = {
    Skipped.HIDDEN: "hidden instructions ChatGPT was given",
    Skipped.SETTINGS: "your custom instructions and ChatGPT’s memory",
    Skipped.TOOLS: "web searches, code, picture making and their results",
    Skipped.THINKING: "ChatGPT’s thinking notes",
    Skipped.PICTURES: "pictures",
    Skipped.ATTACHMENTS: "attached files and audio",
    Skipped.OTHER: "other things that aren’t text",
    Skipped.DAMAGED: "damaged messages",
}


class Unusable(StrEnum):
    """Why a whole conversation cannot become an example."""

    DAMAGED = "damaged"
    EMPTY = "empty"  # no written message at all
    NO_ANSWER = "no_answer"  # the writer asked, ChatGPT never answered in text
    NO_PROMPT = "no_prompt"  # only ChatGPT's side survives


UNUSABLE_TEXT: dict[Unusable, str] = {
    Unusable.DAMAGED: "is damaged",
    Unusable.EMPTY: "has no written messages",
    Unusable.NO_ANSWER: "has no written answer from ChatGPT",
    Unusable.NO_PROMPT: "has no prompt of yours",
}


@dataclass(frozen=True, slots=True)
class Turn:
    """One visible turn: everything one side wrote before the other side spoke."""

    role: str  # "user" or "assistant"
    text: str
    # The title of the canvas document the text is the last version of ("" if untitled), or
    # None for text written in the chat.
    canvas: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Conversation:
    """A conversation as the writer last saw it, ready to become an example.

    ``number`` is its place in the export (1 for the first); ``turns`` alternate user and
    assistant, start with the writer and end with an answer; ``left_out`` counts what was
    skipped, by reason; ``other_versions`` counts regenerated answers and edited prompts the
    writer moved away from (not used).
    """

    number: int
    id: str
    title: str
    created: datetime | None
    updated: datetime | None
    turns: tuple[Turn, ...]
    left_out: Counter[Skipped] = field(default_factory=Counter)
    other_versions: int = 0

    @property
    def prompts(self) -> int:
        """How many times the writer wrote (the first prompt and each follow-up)."""
        return sum(1 for turn in self.turns if turn.role == "user")

    @property
    def canvas_answers(self) -> list[Turn]:
        """The answers whose text came from a document ChatGPT wrote in its canvas."""
        return [turn for turn in self.turns if turn.canvas is not None]

    @property
    def preview(self) -> str:
        """The first prompt on one line, shortened."""
        first = " ".join(self.turns[0].text[: PREVIEW_CHARS * 3].split())
        if len(first) > PREVIEW_CHARS:
            first = first[: PREVIEW_CHARS - 1].rstrip() + "…"
        return first

    @property
    def source(self) -> str:
        """Where an example made from it came from, as the project records it."""
        return f"ChatGPT: {self.title}"


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A whole conversation that could not be used, and why."""

    number: int
    title: str
    reason: Unusable

    @property
    def message(self) -> str:
        name = f"“{self.title}”" if self.title else f"Conversation {self.number}"
        return f"{name} {UNUSABLE_TEXT[self.reason]}."


@dataclass
class ExportSummary:
    """An account of reading an export: what was there and what was left out, and why."""

    conversations: int = 0  # every element of the array, usable or not
    usable: int = 0
    left_out: list[LeftOut] = field(default_factory=list)
    skipped: Counter[Skipped] = field(default_factory=Counter)  # parts of usable ones
    with_other_versions: int = 0  # usable conversations that had regenerations or edits

    def skipped_text(self) -> str:
        """'pictures (3), ChatGPT’s thinking notes (1)': what was left out of the
        conversations that were read, most common first ('' when nothing was)."""
        return ", ".join(
            f"{SKIPPED_TEXT[reason]} ({count:,})" for reason, count in self.skipped.most_common()
        )
