"""Turning a conversation into an example: every prompt and answer as it was, or the follow-ups
folded into the first prompt with ChatGPT's last answer as the response."""

from __future__ import annotations

import re
import unicodedata

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.importers.chatgpt.conversation import Conversation, Turn
from fineauthor.core.writing.prompt_template import with_follow_up

# A question that asks ChatGPT to do something ("Can you make it longer?", "OK, could you add
# dialogue?"): folded in as an instruction. Any other question stays a question.
_POLITE_REQUEST = re.compile(
    r"^(?:(?:ok(?:ay)?|now|also|and|great|thanks|thank you)[,.!]?\s+)*(?:please[,]?\s+)?"
    # "Would you rather…", "Would you agree…" ask the writer's mind, not for work.
    r"(?:can|could|would|will)\s+you\b(?!\s+(?:rather|agree|think|know|prefer)\b)",
    re.IGNORECASE,
)
_CLOSERS = "\"'”’)]»"


def as_multi_turn(conversation: Conversation, system: str | None = None) -> Example:
    """Every prompt and answer, in order, as one example; ``system`` (the project's system
    prompt) comes first when given."""
    messages = [Message(turn.role, turn.text) for turn in conversation.turns]
    answers = sum(1 for turn in conversation.turns if turn.role == "assistant")
    note = _note(conversation) + canvas_note(conversation.canvas_answers, answers)
    return _example(conversation, messages, system, note=note)


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
    note += canvas_note([turns[-1]] if turns[-1].canvas is not None else [], 1)
    messages = [Message("user", prompt), Message("assistant", turns[-1].text)]
    return _example(conversation, messages, system, note=note)


def fold_follow_up(prompt: str, follow_up: str) -> str:
    """``prompt`` with ``follow_up`` added. A one-line request ("can you make it longer?")
    becomes a closing sentence (prompt_template.with_follow_up); a real question ("What would
    Mara say to him?") is added as written, still a question; a longer follow-up with
    paragraphs of its own is kept as written, as a paragraph after the prompt."""
    request = follow_up.strip()
    if "\n" not in request and not _is_question(request):
        return with_follow_up(prompt, request)
    if " ".join(request.split()).casefold() in " ".join(prompt.split()).casefold():
        return prompt  # already asked for
    if "\n" in request:
        return prompt.rstrip() + "\n\n" + request
    body = prompt.rstrip()
    if not body:
        return request
    # As with_follow_up does: a multi-line prompt gets the question on a line of its own; a
    # one-liner gets one sentence more, so its last sentence needs an end.
    if "\n" in body:
        separator = "\n"
    else:
        separator = " "
        if body.rstrip(_CLOSERS)[-1:] not in tuple(".!?…:"):
            body += "."
    return body + separator + request


def _is_question(request: str) -> bool:
    """Whether a one-line follow-up asks a question rather than for something to be done: it
    ends in a question mark (before closing quotes or an emoji) and isn't a polite request."""
    end = request.rstrip()
    while end and (end[-1] in _CLOSERS or end[-1].isspace() or _is_symbol(end[-1])):
        end = end[:-1]
    return end.endswith(("?", "？")) and _POLITE_REQUEST.match(request) is None


def _is_symbol(character: str) -> bool:
    return unicodedata.category(character) in ("So", "Sk", "Mn", "Cf")  # emoji, their modifiers


def to_example(conversation: Conversation, *, fold: bool, system: str | None = None) -> Example:
    """:func:`folded` or :func:`as_multi_turn`."""
    return folded(conversation, system) if fold else as_multi_turn(conversation, system)


def _example(
    conversation: Conversation, messages: list[Message], system: str | None, note: str
) -> Example:
    if system:
        messages.insert(0, Message("system", system))
    return Example(tuple(messages), note=note, source=conversation.source)


def canvas_note(from_canvas: list[Turn], answers: int) -> str:
    """' ChatGPT wrote this answer in its canvas…': where the text of ``from_canvas`` (some of
    the example's ``answers``) came from ('' when none came from a canvas)."""
    if not from_canvas:
        return ""
    titles = list(dict.fromkeys(turn.canvas for turn in from_canvas if turn.canvas))
    named = f", “{'”, “'.join(titles)}”" if titles else ""
    if answers == 1:
        which, text = "this answer", "the text is the canvas"
    else:
        count = len(from_canvas)
        which = f"all {count:,} answers" if count == answers else f"{count:,} of the answers"
        text = "each is the canvas" if count > 1 else "its text is the canvas"
    return (
        f" ChatGPT wrote {which} in its canvas (a document it keeps beside the chat){named}: "
        f"{text} as ChatGPT left it, not its short note in the chat."
    )


def _note(conversation: Conversation) -> str:
    when = f" of {conversation.created:%Y-%m-%d}" if conversation.created else ""
    return f"From your ChatGPT conversation{when}."
