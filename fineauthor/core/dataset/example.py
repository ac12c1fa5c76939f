"""Examples and their messages: the unit a writer edits and a fine-tune learns from."""

from __future__ import annotations

from dataclasses import dataclass, field

from fineauthor.core.dataset.prompt_origin import BY_WRITER, PromptOrigin

ROLES = ("system", "user", "assistant")


@dataclass(frozen=True, slots=True)
class Message:
    """One turn of a conversation.

    ``weight`` applies to assistant turns only: 1 trains on the turn, 0 shows it to the model
    without training on it, None leaves the provider's default (train on it).
    """

    role: str
    content: str
    weight: int | None = None
    name: str | None = None

    def to_json(self) -> dict[str, object]:
        """The message as a training-file object, keeping every field the writer set."""
        data: dict[str, object] = {"role": self.role, "content": self.content}
        if self.name is not None:
            data["name"] = self.name
        if self.weight is not None:
            data["weight"] = self.weight
        return data


def system_of(messages: tuple[Message, ...]) -> str | None:
    """The first system message's text, or None when there is none."""
    return next((m.content for m in messages if m.role == "system"), None)


@dataclass(frozen=True, slots=True)
class Example:
    """A prompt and its ideal response (or a longer conversation).

    ``id`` is the project's row id (None for an example not yet stored); ``created`` and
    ``modified`` are ISO-8601 UTC times set by the project; ``prompt_origin`` says who wrote
    the first prompt (the writer unless an import or a model did).
    """

    messages: tuple[Message, ...]
    note: str = ""
    id: int | None = None
    created: str | None = None
    modified: str | None = None
    source: str = field(default="")
    prompt_origin: PromptOrigin = BY_WRITER

    @property
    def system(self) -> str | None:
        """The system prompt, or None when the example has none."""
        return system_of(self.messages)

    @property
    def prompt(self) -> str:
        """The first user prompt ('' if there is none)."""
        for message in self.messages:
            if message.role == "user":
                return message.content
        return ""

    @property
    def response(self) -> str:
        """The last assistant turn: the response a writer measures against the target."""
        for message in reversed(self.messages):
            if message.role == "assistant":
                return message.content
        return ""

    def to_json(self) -> dict[str, object]:
        """The example as one line of OpenAI chat JSONL."""
        return {"messages": [m.to_json() for m in self.messages]}
