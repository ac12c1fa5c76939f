"""Turning one parsed JSONL value into an Example, or into the format problems that stop it,
by the rules of the service that will train on it (service_rules.py).

The codes and their meaning follow OpenAI's cookbook data-preparation check (data_type,
missing_messages_list, message_missing_key, message_unrecognized_key, unrecognized_role,
missing_content, example_missing_assistant_message), each counted once per example; our own
codes add what the cookbook leaves out (invalid_weight, empty_content, invalid_text,
unsupported_role, unsupported_content) and what other services ask (unknown_format,
ambiguous_format, example_unrecognized_key).

A line in another of Together AI's formats becomes a conversation FineAuthor can count and
compare: a prompt and completion a prompt and its response, plain text a lone response, a
preference pair its input followed by the preferred answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from fineauthor.core.dataset.example import ROLES, Example, Message
from fineauthor.core.dataset.problems import Problem, error
from fineauthor.core.dataset.service_rules import (
    CONVERSATION,
    FORMAT_KEYS,
    FORMAT_NAMES,
    INSTRUCTION,
    OPENAI,
    TEXT,
    ServiceRules,
)

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_TOOL_ROLES = frozenset({"tool", "function"})

Flag = Callable[[str, str], None]


class Parsed(NamedTuple):
    """One line judged: the Example (None when a format error stops it), every problem found,
    and the line's format (None when it has none the service knows)."""

    example: Example | None
    problems: list[Problem]
    format: str | None


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


def parse_example(
    value: object, line: int, *, unit: str = "Line", rules: ServiceRules = OPENAI
) -> tuple[Example | None, list[Problem]]:
    """Check one example's format for ``rules``' service. Returns the Example when FineAuthor
    can hold it, and every problem found (one per code). An example with a format error is
    never returned."""
    parsed = parse_line(value, line, unit=unit, rules=rules)
    return parsed.example, parsed.problems


def parse_line(
    value: object, line: int, *, unit: str = "Line", rules: ServiceRules = OPENAI
) -> Parsed:
    """:func:`parse_example`, also saying which of the service's formats the line is in."""
    where = f"{unit} {line}"
    if not isinstance(value, dict):
        return Parsed(
            None,
            [
                error(
                    "data_type",
                    f"{where} is not an example: it should be an object "
                    'of the form {"messages": [...]}.',
                    line,
                )
            ],
            None,
        )
    chosen, problem = _format_of(value, where, line, rules)
    if chosen is None:
        return Parsed(None, [problem], None)

    found: dict[str, Problem] = {}

    def flag(code: str, message: str) -> None:
        found.setdefault(code, error(code, f"{where}: {message}", line))

    if rules.only_format_keys:
        extra = sorted(str(k) for k in value if k not in FORMAT_KEYS[chosen])
        if extra:
            flag(
                "example_unrecognized_key",
                f"the field “{extra[0]}” is not part of {FORMAT_NAMES[chosen]}, and "
                f"{rules.name} refuses lines with other fields. Remove it.",
            )
    if chosen == CONVERSATION:
        messages = value.get("messages")
        if not messages or not isinstance(messages, list):
            missing = error("missing_messages_list", f"{where} has no list of messages.", line)
            return Parsed(None, [*found.values(), missing], chosen)
        example = _conversation(messages, rules, flag)
    elif chosen == INSTRUCTION:
        example = _instruction(value, rules, flag)
    elif chosen == TEXT:
        example = _text(value, rules, flag)
    else:  # a preference pair
        example = _preference(value, rules, flag)
    if found:
        return Parsed(None, list(found.values()), chosen)
    if example is None:  # tool messages: they pass the services' checks, not FineAuthor's editor
        return Parsed(
            None,
            [
                error(
                    "unsupported_role",
                    f"{where} uses tool or function calls, which FineAuthor can check but "
                    "not edit.",
                    line,
                )
            ],
            chosen,
        )
    return Parsed(example, [], chosen)


def _format_of(
    value: dict, where: str, line: int, rules: ServiceRules
) -> tuple[str, None] | tuple[None, Problem]:
    """The one format of the service's that the line's keys name, or the problem why not."""
    fits = [f for f in rules.formats if all(k in value for k in FORMAT_KEYS[f])]
    if len(fits) == 1:
        return fits[0], None
    if len(fits) > 1:
        both = " and ".join(FORMAT_NAMES[f] for f in fits)
        return None, error(
            "ambiguous_format",
            f"{where} fits more than one format at once: {both}. {rules.name} needs each line "
            "in one format; remove the fields of the others.",
            line,
        )
    if rules.formats == (CONVERSATION,):
        other = next(
            (
                f
                for f in FORMAT_KEYS
                if f != CONVERSATION and all(k in value for k in FORMAT_KEYS[f])
            ),
            None,
        )
        hint = (
            f" It is {FORMAT_NAMES[other]}, which {rules.name} does not take: it learns from "
            'conversations, {"messages": [...]}.'
            if other
            else ""
        )
        return None, error("missing_messages_list", f"{where} has no list of messages.{hint}", line)
    return None, error(
        "unknown_format",
        f"{where} is in none of the formats {rules.name} takes: {rules.formats_in_words()}.",
        line,
    )


def _conversation(messages: list, rules: ServiceRules, flag: Flag) -> Example | None:
    parsed = _messages(messages, rules, flag)
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        flag(
            "example_missing_assistant_message",
            "there is no response from the model (an assistant message) to learn from.",
        )
    return None if parsed is None else Example(parsed)


def _messages(messages: list, rules: ServiceRules, flag: Flag) -> tuple[Message, ...] | None:
    """Every message checked; None when one of them is a tool message FineAuthor cannot hold
    (or when a problem was flagged)."""
    parsed: list[Message] = []
    holdable = True
    for index, message in enumerate(messages):
        which = _describe(messages, index)
        if not isinstance(message, dict):
            flag("data_type", f"{which} is not an object with a role and content.")
            continue
        if "role" not in message or "content" not in message:
            missing = "role" if "role" not in message else "content"
            flag("message_missing_key", f"{which} has no “{missing}”.")
        unknown = sorted(str(k) for k in message if k not in rules.message_keys)
        if unknown:
            flag(
                "message_unrecognized_key",
                f"{which} has a field {rules.name} doesn’t know: “{unknown[0]}”.",
            )
        role = message.get("role")
        role = role if isinstance(role, str) else None  # a list or a number is no role
        if role not in rules.roles:
            flag(
                "unrecognized_role",
                f"{which} has the role “{message.get('role')}”; it should be system, user or "
                "assistant.",
            )
        if role in _TOOL_ROLES or message.get("function_call") or message.get("tool_calls"):
            holdable = False
            continue
        content = _text_of(message, which, rules, flag)
        if content is None:
            continue
        if not _weight_ok(message, which, rules, flag):
            continue
        name = message.get("name")
        if name is not None and not (isinstance(name, str) and _is_valid_text(name)):
            flag("message_unrecognized_key", f"{which} has a name that is not text.")
            continue
        if role in ROLES:
            parsed.append(Message(role, content, message.get("weight"), name))
    return tuple(parsed) if holdable else None


def _text_of(message: dict, which: str, rules: ServiceRules, flag: Flag) -> str | None:
    """The message's text (text parts joined), or None after flagging why there is none."""
    content = message.get("content")
    if isinstance(content, list) and content:
        if not rules.text_parts:
            flag(
                "missing_content",
                f"{which} gives its text as a list of parts, which {rules.name} does not take. "
                "Give it as plain text.",
            )
            return None
        if not all(
            isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
            for p in content
        ):
            flag(
                "unsupported_content",
                f"{which} holds a picture or another part that is not text, which FineAuthor "
                "can’t check.",
            )
            return None
        content = "".join(p["text"] for p in content)
    if not content or not isinstance(content, str):
        if "content" in message:
            flag("missing_content", f"{which} has no text.")
        return None
    if not content.strip():
        flag("empty_content", f"{which} holds only spaces or blank lines.")
        return None
    if not _is_valid_text(content):
        flag(
            "invalid_text",
            f"{which} contains a broken character (an unpaired surrogate escape such as \\ud800).",
        )
        return None
    return content


def _weight_ok(message: dict, which: str, rules: ServiceRules, flag: Flag) -> bool:
    if "weight" not in message:
        return True
    weight = message["weight"]
    if isinstance(weight, bool) or weight not in (0, 1):
        flag(
            "invalid_weight",
            f"{which} has the weight {weight!r}; a weight must be 0 (show it but don’t learn "
            "from it) or 1 (learn from it).",
        )
        return False
    if not isinstance(message.get("role"), str) or message["role"] not in rules.weight_roles:
        whose = (
            "the model’s answers (assistant messages)"
            if rules.weights_on_answers_only
            else ", ".join(sorted(rules.weight_roles)) + " messages"
        )
        flag(
            "invalid_weight",
            f"{which} has a weight, but {rules.name} only lets {whose} carry a weight. Remove it.",
        )
        return False
    return True


def _instruction(value: dict, rules: ServiceRules, flag: Flag) -> Example | None:
    prompt = _text_of({"content": value.get("prompt")}, "the prompt", rules, flag)
    completion = _text_of({"content": value.get("completion")}, "the completion", rules, flag)
    if prompt is None or completion is None:
        return None
    return Example((Message("user", prompt), Message("assistant", completion)))


def _text(value: dict, rules: ServiceRules, flag: Flag) -> Example | None:
    text = _text_of({"content": value.get("text")}, "the text", rules, flag)
    return None if text is None else Example((Message("assistant", text),))


def _preference(value: dict, rules: ServiceRules, flag: Flag) -> Example | None:
    given = value.get("input")
    messages = given.get("messages") if isinstance(given, dict) else None
    if not messages or not isinstance(messages, list):
        flag("missing_messages_list", "the input has no list of messages.")
        return None
    parsed = _messages(messages, rules, flag)
    answers: list[Message] = []
    for key, which in (
        ("preferred_output", "the preferred answer"),
        ("non_preferred_output", "the other answer"),
    ):
        output = value.get(key)
        if not (
            isinstance(output, list)
            and len(output) == 1
            and isinstance(output[0], dict)
            and output[0].get("role") == "assistant"
        ):
            flag(
                "example_missing_assistant_message",
                f"{which} should be a list holding exactly one message from the model (an "
                "assistant message).",
            )
            continue
        text = _text_of(output[0], which, rules, flag)
        if text is not None:
            answers.append(Message("assistant", text))
    if parsed is None or len(answers) != 2:
        return None
    return Example((*parsed, answers[0]))
