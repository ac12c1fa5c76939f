"""ChatGPT's canvas: documents it writes beside the chat ("I've expanded the scene in the
canvas."), rebuilt version by version along the thread the writer saw, so an answer written
there can be the answer's prose.

The export's shape, as public parsers of exports and ChatGPT's own tool instructions show:

- ChatGPT's request is an assistant message whose ``recipient`` is ``canmore.create_textdoc``
  or ``canmore.update_textdoc``, its content a JSON string (in ``parts``, or ``text`` for
  content_type "code"): ``{name, type, content}`` to create (type "document" for prose,
  "code/python"… for code), ``{updates: [{pattern, multiple, replacement}]}`` to change the
  current document, each pattern a Python regular expression (``re.finditer``) and each
  replacement a template for ``re.Match.expand``; ``multiple`` changes every match, otherwise
  only the first. A rewrite uses the pattern ".*", so the patterns must match across lines.
- The tool's reply (``author.role`` "tool", ``author.name`` the tool) carries
  ``metadata.canvas``: ``{textdoc_id, version, title, textdoc_type}``; its text says
  "Successfully created text document 'Name' … textdoc_id: '…'" or "Successfully updated text
  document with textdoc_id '…'" (older exports wrap that in JSON). A reply without either did
  not change the document (a pattern that matched nothing, say).
- ``canmore.comment_textdoc`` only adds comments beside the text: it changes nothing here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

CREATE = "canmore.create_textdoc"
UPDATE = "canmore.update_textdoc"
_TOOLS = (CREATE, UPDATE)
_ID_IN_TEXT = re.compile(r"textdoc_id\W{0,4}([0-9A-Za-z_-]{6,80})")


@dataclass(frozen=True, slots=True)
class Document:
    """One version of a canvas document."""

    title: str
    kind: str  # "document" for prose; "code/python", "webview"… for other things
    text: str

    @property
    def is_prose(self) -> bool:
        return self.kind in ("document", "")


class Canvas:
    """The canvas documents of one thread, changed by ChatGPT's requests as the thread goes.

    :meth:`take` each message of the thread in order; :meth:`written` says which document
    ChatGPT wrote since it was last asked (the answer of one turn).
    """

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self._current: str | None = None  # the document an update without an id changes
        self._pending: tuple[str, dict] | None = None  # a request waiting for its reply
        self._written: str | None = None
        self.taken = 0  # requests and replies taken since :meth:`written` was last asked

    def take(self, message: dict) -> bool:
        """Whether ``message`` is a canvas request or reply (and so taken here, not shown)."""
        author = message.get("author")
        author = author if isinstance(author, dict) else {}
        if author.get("role") == "assistant" and message.get("recipient") in _TOOLS:
            self._settle(None)  # a request never answered still changed the document
            request = _request(message)
            self.taken += 1
            self._pending = (message["recipient"], request) if request is not None else None
            return True
        if author.get("role") == "tool" and author.get("name") in _TOOLS:
            self.taken += 1
            if self._pending is not None:
                self._settle(_reply(message))
            return True
        return False

    def written(self) -> Document | None:
        """The document ChatGPT created or changed since this was last asked, as it is now."""
        self._settle(None)
        written, self._written = self._written, None
        self.taken = 0
        return self._documents.get(written) if written is not None else None

    def _settle(self, reply: tuple[bool, str | None, str | None] | None) -> None:
        """Apply the pending request: ``reply`` is (confirmed, document id, title), or None
        when no reply came (the request is taken as done)."""
        if self._pending is None:
            return
        tool, request = self._pending
        self._pending = None
        confirmed, doc_id, title = reply if reply is not None else (True, None, None)
        if not confirmed:
            return
        if tool == CREATE:
            doc_id = doc_id or f"#{len(self._documents) + 1}"
            document = Document(
                title=title or _string(request.get("name")),
                kind=_string(request.get("type")),
                text=_string(request.get("content")),
            )
        else:
            doc_id = doc_id or self._current
            before = self._documents.get(doc_id) if doc_id is not None else None
            if before is None:
                return  # an update to a document this thread never created
            text = _updated(before.text, request.get("updates"))
            if text is None:
                return
            document = Document(title or before.title, before.kind, text)
        self._documents[doc_id] = document
        self._current = self._written = doc_id


def _request(message: dict) -> dict | None:
    """The JSON object a request carries, or None."""
    content = message.get("content")
    content = content if isinstance(content, dict) else {}
    raw = content.get("text")
    parts = content.get("parts")
    if not isinstance(raw, str) and isinstance(parts, list):
        raw = "".join(part for part in parts if isinstance(part, str))
    if not isinstance(raw, str):
        return None
    try:
        request = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return request if isinstance(request, dict) else None


def _reply(message: dict) -> tuple[bool, str | None, str | None]:
    """(whether the tool did what was asked, the document's id, its title)."""
    metadata = message.get("metadata")
    canvas = metadata.get("canvas") if isinstance(metadata, dict) else None
    if isinstance(canvas, dict) and isinstance(canvas.get("textdoc_id"), str):
        title = canvas.get("title")
        return True, canvas["textdoc_id"], title if isinstance(title, str) and title else None
    content = message.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    text = " ".join(p for p in parts if isinstance(p, str)) if isinstance(parts, list) else ""
    found = _ID_IN_TEXT.search(text) if "Successfully" in text else None
    return found is not None, found.group(1) if found else None, None


def _updated(text: str, updates: object) -> str | None:
    """``text`` with ``updates`` applied in order, or None if one can't be (the tool would
    have refused it too)."""
    if not isinstance(updates, list) or not updates:
        return None
    for update in updates:
        if not isinstance(update, dict):
            return None
        pattern, replacement = update.get("pattern"), update.get("replacement")
        if not isinstance(pattern, str) or not isinstance(replacement, str):
            return None
        try:
            changed = _replace(text, re.compile(pattern, re.DOTALL), replacement, update)
        except (re.error, IndexError, RecursionError, OverflowError):
            return None  # a pattern or a group reference that isn't valid
        if changed is None:
            return None
        text = changed
    return text


def _replace(text: str, pattern: re.Pattern[str], replacement: str, update: dict) -> str | None:
    """The first match of ``pattern`` replaced (every match with ``multiple``), as
    ``re.finditer`` and ``re.Match.expand`` do, or None when nothing matches. An empty match
    right after a match (".*" at the end of the text) is not one more."""
    pieces: list[str] = []
    done = 0
    for found in pattern.finditer(text):
        if pieces and found.start() == found.end() == done:
            continue
        pieces += [text[done : found.start()], found.expand(replacement)]
        done = found.end()
        if update.get("multiple") is not True:
            break
    if not pieces:
        return None
    return "".join(pieces) + text[done:]


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""
