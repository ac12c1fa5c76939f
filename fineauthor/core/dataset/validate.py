"""Turning one parsed JSONL value into an Example, or into the format problems that stop it.

The codes and their meaning follow OpenAI's cookbook data-preparation check (data_type,
missing_messages_list, message_missing_key, message_unrecognized_key, unrecognized_role,
missing_content, example_missing_assistant_message), each counted once per example; our own
codes add what the cookbook leaves out (invalid_weight, empty_content, invalid_text).
"""

from __future__ import annotations

from fineauthor.core.dataset.example import ROLES, Example, Message
from fineauthor.core.dataset.problems import Problem, error

# The cookbook's lists: what a message may carry, and which roles it knows.
MESSAGE_KEYS = frozenset({"role", "content", "name", "function_call", "weight"})
COOKBOOK_ROLES = frozenset({"system", "user", "assistant", "function"})

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def ordinal(index: int) -> str:
    """'first', 'second', … for a 0-based index; '12th' beyond the eighth."""
    if index < len(_ORDINALS):
        return _ORDINALS[index]
    n = index + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _describe(messages: list, index: int) -> str:
    """A writer's name for message ``index``: the prompt, the response, a follow-up…"""
    message = messages[index]
    role = message.get("role") if isinstance(message, dict) else None
    same = [i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == role]
    if role == "system":
        return "the system prompt"
    if role == "user":
        return (
            "the prompt" if index == same[0] else f"the follow-up prompt ({ordinal(index)} message)"
        )
    if role == "assistant":
        return (
            "the response" if index == same[-1] else f"an earlier answer ({ordinal(index)} message)"
        )
    return f"the {ordinal(index)} message"


def _is_valid_text(text: str) -> bool:
    # A lone surrogate (from a JSON escape such as "\ud800") is not text any service accepts.
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_example(  # noqa: PLR0912  (one branch per rule of the cookbook, kept in its order)
    value: object, line: int, *, unit: str = "Line"
) -> tuple[Example | None, list[Problem]]:
    """Check one example's format. Returns the Example when FineAuthor can hold it, and every
    problem found (one per code). An example with a format error is never returned."""
    where = f"{unit} {line}"
    if not isinstance(value, dict):
        return None, [
            error(
                "data_type",
                f"{where} is not an example: it should be an object "
                'of the form {"messages": [...]}.',
                line,
            )
        ]
    messages = value.get("messages")
    if not messages or not isinstance(messages, list):
        return None, [error("missing_messages_list", f"{where} has no list of messages.", line)]

    found: dict[str, Problem] = {}

    def flag(code: str, message: str) -> None:
        found.setdefault(code, error(code, f"{where}: {message}", line))

    parsed: list[Message] = []
    for index, message in enumerate(messages):
        which = _describe(messages, index)
        if not isinstance(message, dict):
            flag("data_type", f"{which} is not an object with a role and content.")
            continue
        if "role" not in message or "content" not in message:
            missing = "role" if "role" not in message else "content"
            flag("message_missing_key", f"{which} has no “{missing}”.")
        unknown = sorted(str(k) for k in message if k not in MESSAGE_KEYS)
        if unknown:
            flag(
                "message_unrecognized_key",
                f"{which} has a field services don’t know: “{unknown[0]}”.",
            )
        role = message.get("role")
        if role not in COOKBOOK_ROLES:
            flag(
                "unrecognized_role",
                f"{which} has the role “{role}”; it should be system, user or assistant.",
            )
        content = message.get("content")
        if (not content and not message.get("function_call")) or not isinstance(content, str):
            if "content" in message:
                flag("missing_content", f"{which} has no text.")
            continue
        if not content.strip():
            flag("empty_content", f"{which} holds only spaces or blank lines.")
            continue
        if not _is_valid_text(content):
            flag(
                "invalid_text",
                f"{which} contains a broken character (an unpaired "
                "surrogate escape such as \\ud800).",
            )
            continue
        weight = message.get("weight")
        if "weight" in message and (
            role != "assistant" or isinstance(weight, bool) or weight not in (0, 1)
        ):
            flag(
                "invalid_weight",
                f"{which} has the weight {weight!r}; only the model’s "
                "answers (assistant messages) can have a weight, and it must be 0 or 1.",
            )
            continue
        name = message.get("name")
        if name is not None and not (isinstance(name, str) and _is_valid_text(name)):
            flag("message_unrecognized_key", f"{which} has a name that is not text.")
            continue
        if role in ROLES:
            parsed.append(Message(role, content, weight if "weight" in message else None, name))

    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        flag(
            "example_missing_assistant_message",
            "there is no response from the model (an assistant message) to learn from.",
        )
    if found:
        return None, list(found.values())
    if len(parsed) != len(messages):
        # Function messages pass the cookbook's check but are not something FineAuthor edits.
        return None, [
            error(
                "unsupported_role",
                f"{where} uses function calls, which FineAuthor can check but not edit.",
                line,
            )
        ]
    return Example(tuple(parsed)), []
