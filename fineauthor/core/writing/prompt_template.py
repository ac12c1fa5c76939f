"""The writer's usual user prompt as a template, with gaps such as ``{beat}`` or ``{chapter}``.

A placeholder is a name in curly braces: it starts with a letter and may hold letters, digits,
spaces, hyphens, underscores and apostrophes (``{main character}`` is fine); spaces just inside
the braces are ignored. ``{{`` and ``}}`` stand for a literal brace. Anything else in braces —
``{}``, ``{1}``, a lone ``{`` — is ordinary text.
"""

from __future__ import annotations

import re

_NAME = r"[^\W\d_][\w '’\-]{0,39}"
# One pass over the template: an escaped brace, or a placeholder (with the raw text kept).
_TOKEN = re.compile(r"\{\{|\}\}|\{[^\S\n]*(?P<name>" + _NAME + r")(?<![ ])[^\S\n]*\}")


def placeholders(template: str) -> list[str]:
    """The placeholder names in ``template``, in order of first appearance, each once."""
    names: dict[str, None] = {}
    for found in _TOKEN.finditer(template):
        name = found.group("name")
        if name is not None:
            names.setdefault(name, None)
    return list(names)


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each placeholder replaced by its value. A placeholder without a value
    stays as written, so the writer sees what is left to fill; ``{{``/``}}`` become braces.
    Values are inserted as they are (braces in a value are not placeholders)."""

    def replace(found: re.Match[str]) -> str:
        name = found.group("name")
        if name is None:
            return found.group()[0]  # {{ -> {, }} -> }
        value = values.get(name)
        return found.group() if value is None else value

    return _TOKEN.sub(replace, template)


# Polite openings and endings of a chat follow-up that read oddly inside a first prompt.
_LEAD_IN = re.compile(
    r"^(?:(?:ok(?:ay)?|now|also|and|great|thanks|thank you)[,.!]?\s+)*"
    r"(?:(?:please|can you|could you|would you|will you)\s+)*(?:please[,]?\s+)?",
    re.IGNORECASE,
)
_SENTENCE_ENDS = tuple(".!?…:")
_CLOSERS = "\"'”’)]"
_TAIL = re.compile(r"(?:,?\s+please)?\s*[?.!]*\s*$", re.IGNORECASE)


def as_sentence(request: str) -> str:
    """A chat follow-up ("can you make that longer?") as an instruction sentence
    ("Make that longer.")."""
    text = " ".join(request.split())
    text = _TAIL.sub("", _LEAD_IN.sub("", text)) or _TAIL.sub("", text)
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."


def with_follow_up(template: str, follow_up: str) -> str:
    """``template`` with ``follow_up`` folded in as a closing sentence.

    The lesson's advice: if you always follow the first answer with "make it longer", ask for it
    in the first prompt and use the better second answer as the example. A follow-up the
    template already asks for is not added twice.
    """
    sentence = as_sentence(follow_up)
    if not sentence:
        return template
    if sentence[:-1].casefold() in " ".join(template.split()).casefold():
        return template
    body = template.rstrip()
    if not body:
        return sentence
    # A multi-line template gets the request on a line of its own, as it is; a one-liner gets
    # one sentence more, so its last sentence needs an end.
    if "\n" in body:
        separator = "\n"
    else:
        separator = " "
        if body.rstrip(_CLOSERS)[-1:] not in _SENTENCE_ENDS:
            body += "."
    return body + separator + sentence + template[len(template.rstrip()) :]
