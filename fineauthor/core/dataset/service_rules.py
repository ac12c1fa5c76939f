"""What each training service accepts in a training file, as data (DESIGN §3, "Per-service
dataset rules"): the line formats it reads, the roles it knows, which messages may carry a
``weight``, whether a message's content may be a list of text parts, and how many examples a
file must hold.

- **OpenAI**: conversations only (``{"messages": [...]}``); roles system, user, assistant (tool
  and function for tool use); content a string or a list of text parts
  (``[{"type": "text", "text": ...}]``); ``weight`` 0/1 on assistant messages only; at least
  10 examples.
- **Together AI** (its SDK checked this client-side up to 2.14; now its server does): one format
  per file, told apart by its keys — ``messages``, ``prompt`` + ``completion``, ``text``, or
  ``input`` + ``preferred_output`` + ``non_preferred_output`` — and no other top-level keys;
  roles system, user, assistant, tool; at least one assistant message; ``weight`` 0/1 on any
  message; at least 1 example.
- **Fireworks AI**: OpenAI's chat JSONL, messages with a role (system, user, assistant) and
  content; 3 to 3,000,000 examples (docs.fireworks.ai/fine-tuning/fine-tuning-models,
  "Prepare a dataset"); a message-level ``weight: 0`` removes an answer from training
  (docs.fireworks.ai/fine-tuning/debug-sft-tokenization).

A service not listed here is judged by OpenAI's rules, the strictest on how many examples a
file needs and where weights may go.
"""

from __future__ import annotations

from dataclasses import dataclass

# Line formats, named for what a writer would call them; each is told apart by its keys.
CONVERSATION = "conversation"
INSTRUCTION = "instruction"
TEXT = "text"
PREFERENCE = "preference"

FORMAT_KEYS: dict[str, tuple[str, ...]] = {
    CONVERSATION: ("messages",),
    INSTRUCTION: ("prompt", "completion"),
    TEXT: ("text",),
    PREFERENCE: ("input", "preferred_output", "non_preferred_output"),
}

#: How a message names each format to a writer.
FORMAT_NAMES: dict[str, str] = {
    CONVERSATION: "a conversation (“messages”)",
    INSTRUCTION: "a prompt and completion (“prompt” and “completion”)",
    TEXT: "plain text (“text”)",
    PREFERENCE: "a preference pair (“input”, “preferred_output” and “non_preferred_output”)",
}

# Message fields for a conversation: the cookbook's, plus the two of tool use.
_MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id"}
)


@dataclass(frozen=True)
class ServiceRules:
    """The rules one service applies to a training file."""

    id: str
    name: str
    min_examples: int
    max_examples: int | None
    formats: tuple[str, ...]
    roles: frozenset[str]
    weight_roles: frozenset[str]
    text_parts: bool
    only_format_keys: bool
    message_keys: frozenset[str] = _MESSAGE_KEYS

    @property
    def weights_on_answers_only(self) -> bool:
        return self.weight_roles == frozenset({"assistant"})

    def formats_in_words(self) -> str:
        """'a conversation (…), … or a preference pair (…)'."""
        names = [FORMAT_NAMES[f] for f in self.formats]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


OPENAI = ServiceRules(
    id="openai",
    name="OpenAI",
    min_examples=10,
    max_examples=None,
    formats=(CONVERSATION,),
    roles=frozenset({"system", "user", "assistant", "tool", "function"}),
    weight_roles=frozenset({"assistant"}),
    text_parts=True,
    only_format_keys=False,
)

TOGETHER = ServiceRules(
    id="together",
    name="Together AI",
    min_examples=1,
    max_examples=None,
    formats=(CONVERSATION, INSTRUCTION, TEXT, PREFERENCE),
    roles=frozenset({"system", "user", "assistant", "tool"}),
    weight_roles=frozenset({"system", "user", "assistant", "tool"}),
    text_parts=False,
    only_format_keys=True,
)

FIREWORKS = ServiceRules(
    id="fireworks",
    name="Fireworks AI",
    min_examples=3,
    max_examples=3_000_000,
    formats=(CONVERSATION,),
    roles=frozenset({"system", "user", "assistant"}),
    weight_roles=frozenset({"assistant"}),
    text_parts=False,
    only_format_keys=False,
)

_BY_ID = {rules.id: rules for rules in (OPENAI, TOGETHER, FIREWORKS)}


def rules_for(service_id: str | None) -> ServiceRules:
    """The rules of ``service_id``; OpenAI's (the strictest) for a service not known here."""
    return _BY_ID.get(service_id or "", OPENAI)
