"""Taking ChatGPT's citation marks out of an answer: the links to web pages and files it read,
which show in the chat as small buttons and in the export as codes in the text.

Two spellings are known from public parsers of exports and ChatGPT's own tool instructions:

- the older ``【5†source】``, ``【12:1†source】``, ``【3†L7-L9】``: in CJK brackets, always with a
  dagger (a bracket without one is ordinary Chinese or Japanese punctuation, and stays);
- the newer private-use form ``\\ue200cite\\ue202turn0search1\\ue201`` (sources separated by
  ``\\ue202``) and ``\\ue200filecite\\ue202turn0file0\\ue202L8-L13\\ue201``. Other marks of this
  form (``entity``, which the chat shows as a name) are not citations and are left alone.
"""

from __future__ import annotations

import re

_OLD = r"【[^【】\n]{0,80}†[^【】\n]{0,200}】"
_NEW = r"\ue200(?:file)?cite\ue202[^\ue200\ue201\n]{0,500}\ue201"
_MARK = rf"(?:{_OLD}|{_NEW})"
# A run of marks with the spaces around it, so it can be replaced by the right spacing.
_MARKS = re.compile(rf"(?P<before>[ \t]*)(?:{_MARK}[ \t]*)*{_MARK}(?P<after>[ \t]*)")
_CLOSES = frozenset(".,;:!?)]}»”’…")


def without_citations(text: str) -> str:
    """``text`` without citation marks, its spacing as if they had never been there: no space
    left before a full stop, one space between two words."""
    if "†" not in text and "\ue200" not in text:
        return text

    def spacing(found: re.Match[str]) -> str:
        start, end = found.start(), found.end()
        before = text[start - 1] if start else "\n"
        after = text[end] if end < len(text) else "\n"
        if before == "\n" or after == "\n" or after in _CLOSES:
            return ""
        return " " if found.group("before") or found.group("after") else ""

    return _MARKS.sub(spacing, text)
