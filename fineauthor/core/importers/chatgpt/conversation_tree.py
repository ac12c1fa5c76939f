"""Reading one conversation of the export: the thread the writer last saw in its tree of
versions, and only the text they saw in it, with what was skipped counted by reason."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, datetime

from fineauthor.core.importers.chatgpt.canvas import Canvas
from fineauthor.core.importers.chatgpt.citations import without_citations
from fineauthor.core.importers.chatgpt.conversation import (
    Conversation,
    ExportSummary,
    LeftOut,
    Skipped,
    Turn,
    Unusable,
)

# The export's shape, as public parsers of it and write-ups of real exports show:
#
# - Each element of the array is a conversation with ``title``, ``create_time``/``update_time``
#   (Unix seconds), ``id``/``conversation_id``, ``current_node`` and ``mapping`` (node id →
#   ``{id, message | null, parent, children}``).
# - The mapping is a tree: Regenerate and Edit add siblings under the same parent. The thread
#   the writer last saw is ``current_node`` followed up the ``parent`` links to the root (whose
#   message is null); the other children are the versions they moved away from.
# - A message has ``author.role`` (system, user, assistant, tool; a tool's ``author.name`` says
#   which: browser, python, dalle.text2im…), ``recipient`` ("all", or the tool an assistant
#   message is addressed to), ``channel`` (reasoning models' notes), ``metadata``
#   (``is_visually_hidden_from_conversation``, ``is_user_system_message``) and ``content`` with a
#   ``content_type``: "text" and "multimodal_text" carry ``parts`` (strings, or objects such as
#   ``{"content_type": "image_asset_pointer", "asset_pointer": "file-service://…"}``); "code",
#   "execution_output", "tether_browsing_display", "tether_quote", "thoughts",
#   "reasoning_recap", "user_editable_context" (custom instructions, in ``user_profile`` and
#   ``user_instructions``) and others carry no ``parts`` a writer typed or read as prose.
# - Requests to ChatGPT's canvas (``canmore.*``) and their replies are read by canvas.py.
#
# Anything the writer can't use is skipped and counted with a plain reason.

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON allows "\ud800"; UTF-8 and SQLite don't


def read_conversation(
    raw: object, number: int, summary: ExportSummary | None = None
) -> Conversation | None:
    """The conversation ``raw`` (one element of the export's array) as the writer last saw
    it, or None when it can't become an example (the reason goes into ``summary``)."""

    def unusable(reason: Unusable, title: str = "") -> None:
        if summary is not None:
            summary.left_out.append(LeftOut(number, title, reason))

    if not isinstance(raw, dict):
        return unusable(Unusable.DAMAGED)
    title = raw.get("title")
    title = _clean(" ".join(title.split())) if isinstance(title, str) else ""
    mapping = raw.get("mapping")
    if not isinstance(mapping, dict):
        return unusable(Unusable.DAMAGED, title)

    left_out: Counter[Skipped] = Counter()
    turns, other_versions = _turns(_branch(mapping, raw.get("current_node")), left_out)
    if not turns:
        return unusable(Unusable.EMPTY, title)
    while turns and turns[0].role != "user":  # a greeting before the writer's first prompt
        turns.pop(0)
    if not turns:
        return unusable(Unusable.NO_PROMPT, title)
    while turns and turns[-1].role != "assistant":  # a last prompt ChatGPT never answered
        turns.pop()
    if not turns:
        return unusable(Unusable.NO_ANSWER, title)

    conversation_id = raw.get("conversation_id") or raw.get("id")
    return Conversation(
        number=number,
        id=conversation_id if isinstance(conversation_id, str) else f"#{number}",
        title=title or f"Conversation {number}",
        created=_time(raw.get("create_time")),
        updated=_time(raw.get("update_time")),
        turns=tuple(turns),
        left_out=left_out,
        other_versions=other_versions,
    )


def _turns(branch: list[dict], left_out: Counter[Skipped]) -> tuple[list[Turn], int]:
    """The visible turns along ``branch``, and how many other versions branched off it."""
    turns: list[Turn] = []
    other_versions = 0
    canvas = Canvas()
    for node in branch:
        children = node.get("children")
        if isinstance(children, list) and len(children) > 1:
            other_versions += len(children) - 1
        message = node.get("message")
        if message is None:
            continue  # the root, which holds no message
        if isinstance(message, dict) and canvas.take(message):
            continue
        visible = _visible_text(message, left_out)
        if visible is None:
            continue
        role, text = visible
        if role == "user":
            _answer_from_canvas(turns, canvas, left_out)  # ChatGPT's turn has ended
        if turns and turns[-1].role == role:  # one answer split around a tool call, say
            turns[-1] = Turn(role, turns[-1].text + "\n\n" + text)
        else:
            turns.append(Turn(role, text))
    _answer_from_canvas(turns, canvas, left_out)
    return turns, other_versions


#: A reply in the chat at most this long, and under half the canvas's length, only points to
#: the canvas ("I've expanded the scene in the canvas. Want it darker?").
_POINTER_WORDS = 150


def _answer_from_canvas(turns: list[Turn], canvas: Canvas, left_out: Counter[Skipped]) -> None:
    """At the end of ChatGPT's turn: when it wrote prose in its canvas and its reply in the
    chat only points there, the answer is the canvas document's latest version."""
    taken = canvas.taken
    document = canvas.written()
    if not taken:
        return
    reply = turns[-1] if turns and turns[-1].role == "assistant" else None
    text = _clean(without_citations(document.text).strip()) if document is not None else ""
    if document is None or not document.is_prose or not text:
        left_out[Skipped.TOOLS] += taken
        return
    if reply is not None:
        words = len(reply.text.split())
        if words > _POINTER_WORDS or words * 2 >= len(text.split()):
            left_out[Skipped.TOOLS] += taken  # the reply is the answer; the canvas aside
            return
    answer = Turn("assistant", text, canvas=_clean(" ".join(document.title.split())))
    if reply is None:
        turns.append(answer)
    else:
        turns[-1] = answer


def _branch(mapping: dict, current: object) -> list[dict]:
    """The nodes from the root down to ``current``: the thread the writer last saw."""
    if not isinstance(current, str) or not isinstance(mapping.get(current), dict):
        current = _newest_leaf(mapping)
    path: list[dict] = []
    seen: set[str] = set()
    node_id: object = current
    while isinstance(node_id, str) and node_id not in seen:  # a loop in a damaged file ends
        node = mapping.get(node_id)
        if not isinstance(node, dict):
            break
        seen.add(node_id)
        path.append(node)
        node_id = node.get("parent")
    path.reverse()
    return path


def _newest_leaf(mapping: dict) -> str | None:
    """Without a usable current_node, the newest message that nothing follows."""
    best: str | None = None
    best_time = -math.inf
    for node_id, node in mapping.items():
        if not isinstance(node, dict) or node.get("children"):
            continue
        message = node.get("message")
        when = message.get("create_time") if isinstance(message, dict) else None
        when = float(when) if _is_number(when) else -1.0
        if when >= best_time:
            best, best_time = node_id, when
    return best


def _visible_text(message: object, left_out: Counter[Skipped]) -> tuple[str, str] | None:
    """(role, text) of a message the writer saw in the chat, or None, counting what was
    skipped. Empty messages (ChatGPT writes many around tool calls) are not counted."""
    if not isinstance(message, dict):
        left_out[Skipped.DAMAGED] += 1
        return None
    author = message.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    content = message.get("content")
    content = content if isinstance(content, dict) else {}
    reason = _skip_reason(message, role, content)
    if reason is not None:
        if _has_content(content):
            left_out[reason] += 1
        return None
    parts = content.get("parts")
    if not isinstance(parts, list):
        if parts is not None:
            left_out[Skipped.DAMAGED] += 1
        return None
    text = _text_of(parts, left_out)
    if role == "assistant":
        text = without_citations(text).strip()
    return (str(role), text) if text else None


def _skip_reason(message: dict, role: object, content: dict) -> Skipped | None:  # noqa: PLR0911
    """Why a message is not part of the conversation as the writer saw it (None if it is)."""
    metadata = message.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    kind = content.get("content_type")
    kind = kind if isinstance(kind, str) else None
    if kind in ("user_editable_context", "model_editable_context") or metadata.get(
        "is_user_system_message"
    ):
        return Skipped.SETTINGS
    if metadata.get("is_visually_hidden_from_conversation") or role == "system":
        return Skipped.HIDDEN
    if role == "tool" or message.get("recipient") not in (None, "all"):
        return Skipped.TOOLS  # a tool's output, or ChatGPT's request to one
    if kind in ("thoughts", "reasoning_recap") or message.get("channel") in (
        "analysis",
        "commentary",
    ):
        return Skipped.THINKING
    if role not in ("user", "assistant"):
        return Skipped.OTHER if role is not None else Skipped.DAMAGED
    if kind not in ("text", "multimodal_text"):
        return Skipped.TOOLS if kind in _TOOL_KINDS else Skipped.OTHER
    return None


def _text_of(parts: list, left_out: Counter[Skipped]) -> str:
    """The written text among a message's parts; pictures and attachments are counted."""
    texts: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                texts.append(part)
        elif isinstance(part, dict):
            kind = part.get("content_type")
            text = part.get("text")
            if kind == "audio_transcription" and isinstance(text, str):
                if text.strip():
                    texts.append(text)  # what the writer said aloud, as ChatGPT heard it
            elif kind == "image_asset_pointer":
                left_out[Skipped.PICTURES] += 1
            else:
                left_out[Skipped.ATTACHMENTS] += 1
        elif part is not None:
            left_out[Skipped.OTHER] += 1
    return _clean("\n\n".join(text.strip("\n") for text in texts).strip())


_TOOL_KINDS = frozenset(
    {
        "code",
        "execution_output",
        "tether_browsing_display",
        "tether_quote",
        "sonic_webpage",
        "system_error",
        "computer_output",
    }
)


def _has_content(content: dict) -> bool:
    """Whether skipping ``content`` leaves out something the writer might miss."""
    for key, value in content.items():
        if key == "content_type":
            continue
        if isinstance(value, str) and value.strip():
            return True
        if isinstance(value, list) and any(
            (isinstance(item, str) and item.strip()) or (item and not isinstance(item, str))
            for item in value
        ):
            return True
    return False


def _clean(text: str) -> str:
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _time(value: object) -> datetime | None:
    if not _is_number(value):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]
    except (OverflowError, OSError, ValueError):
        return None
