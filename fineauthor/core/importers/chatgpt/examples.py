"""Turning a conversation into an example: every prompt and answer as it was, or the follow-ups
folded into the first prompt with ChatGPT's last answer as the response."""

from __future__ import annotations

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.importers.chatgpt.conversation import Conversation
from fineauthor.core.writing.prompt_template import with_follow_up


def as_multi_turn(conversation: Conversation, system: str | None = None) -> Example:
    """Every prompt and answer, in order, as one example; ``system`` (the project's system
    prompt) comes first when given."""
    messages = [Message(turn.role, turn.text) for turn in conversation.turns]
    return _example(conversation, messages, system, note=_note(conversation))


def folded(conversation: Conversation, system: str | None = None) -> Example:
    """The lesson's advice on prompt chains: the first prompt with each follow-up request
    folded in, and ChatGPT's final (better) answer as the one response, so the model learns
    to give that answer first time."""
    turns = conversation.turns
    prompt = turns[0].text
    for turn in turns[1:]:
        if turn.role == "user":
            prompt = fold_follow_up(prompt, turn.text)
    follow_ups = conversation.prompts - 1
    note = _note(conversation)
    if follow_ups:
        asks = "follow-up is" if follow_ups == 1 else "follow-ups are"
        note += (
            f" Your {follow_ups} {asks} folded into the prompt; the response is ChatGPT’s "
            "last answer."
        )
    messages = [Message("user", prompt), Message("assistant", turns[-1].text)]
    return _example(conversation, messages, system, note=note)


def fold_follow_up(prompt: str, follow_up: str) -> str:
    """``prompt`` with ``follow_up`` added. A one-line request ("can you make it longer?")
    becomes a closing sentence (prompt_template.with_follow_up); a longer one with paragraphs
    of its own is kept as written, as a paragraph after the prompt."""
    request = follow_up.strip()
    if "\n" not in request:
        return with_follow_up(prompt, request)
    if " ".join(request.split()).casefold() in " ".join(prompt.split()).casefold():
        return prompt  # already asked for
    return prompt.rstrip() + "\n\n" + request


def to_example(conversation: Conversation, *, fold: bool, system: str | None = None) -> Example:
    """:func:`folded` or :func:`as_multi_turn`."""
    return folded(conversation, system) if fold else as_multi_turn(conversation, system)


def _example(
    conversation: Conversation, messages: list[Message], system: str | None, note: str
) -> Example:
    if system:
        messages.insert(0, Message("system", system))
    return Example(tuple(messages), note=note, source=conversation.source)


def _note(conversation: Conversation) -> str:
    when = f" of {conversation.created:%Y-%m-%d}" if conversation.created else ""
    return f"From your ChatGPT conversation{when}."
