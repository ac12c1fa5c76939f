"""Preference pairs: a prompt, the reply the writer preferred and the one they passed over.

This is what preference fine-tuning (DPO) learns from (DESIGN §3): Together, Fireworks and
OpenAI take one pair per line as
``{"input": {"messages": [...]}, "preferred_output": [assistant message],
"non_preferred_output": [assistant message]}``. A blind choice at the test bench is one pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from fineauthor.core.dataset.example import Message, system_of

# Where a pair came from.
BLIND_CHOICE = "bench-blind"  # the writer chose blind between two replies at the bench
PREFERRED_AT_BENCH = "bench-prefer"  # "prefer this one" with both models named
IMPORTED = "import"  # a preference file brought in
BY_HAND = "writer"  # written or pasted in by the writer
PAIR_SOURCES = (BLIND_CHOICE, PREFERRED_AT_BENCH, IMPORTED, BY_HAND)


@dataclass(frozen=True, slots=True)
class PreferencePair:
    """``messages`` is what the models were asked (system and user turns, perhaps earlier
    assistant turns); ``preferred`` and ``other`` are the two replies; ``preferred_model`` and
    ``other_model`` name the models that wrote them ('' when not known). ``id`` is the project's
    row id (None until stored); ``created``/``modified`` are ISO-8601 UTC times."""

    messages: tuple[Message, ...]
    preferred: str
    other: str
    preferred_model: str = ""
    other_model: str = ""
    source: str = BY_HAND
    note: str = ""
    id: int | None = None
    created: str | None = None
    modified: str | None = None

    def __post_init__(self) -> None:
        if self.source not in PAIR_SOURCES:
            raise ValueError(f"a pair's source must be one of {PAIR_SOURCES}, not {self.source!r}")

    @property
    def prompt(self) -> str:
        """The last user turn: what the writer asked for ('' if there is none)."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content
        return ""

    @property
    def system(self) -> str | None:
        """The system prompt the models were given, or None."""
        return system_of(self.messages)

    def to_json(self) -> dict[str, object]:
        """The pair as one line of a preference training file."""
        return {
            "input": {"messages": [{"role": m.role, "content": m.content} for m in self.messages]},
            "preferred_output": [{"role": "assistant", "content": self.preferred}],
            "non_preferred_output": [{"role": "assistant", "content": self.other}],
        }
