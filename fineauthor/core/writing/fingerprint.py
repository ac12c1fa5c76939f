"""A passage's style fingerprint: how long its sentences and paragraphs run and how much of it
is dialogue.

The wizard shows the fingerprint of a passage the writer pastes, keeps it in the project, and
the test bench later compares a model's output with it. The numbers are deliberately few and
easy to explain: a writer can check any of them by hand on a page of their own.

What counts as what:

- A **paragraph** is a block separated by blank lines; a text with no blank line at all (as
  pasted from many editors) has one paragraph per line. A block with no words in it, such as a
  scene break ``* * *``, is not a paragraph.
- A **word** is a run of letters or digits, with apostrophes and hyphens inside it
  ("don't", "well-known"); a dash between two words separates them ("stopped—listened").
- A **sentence** ends at ``.``, ``!``, ``?`` or an ellipsis (with any closing quotes after it)
  when the next thing starts a sentence: a capital, a digit or an opening quote. So
  ``"Wait," she said.`` is one sentence, ``"Where?" she asked.`` is one, and
  ``"I can't—" He stopped.`` is two. Titles such as Mr., Mrs., Dr. and St., and initials
  (J. R. R.), never end a sentence. A paragraph's end always ends one.
- A paragraph **has dialogue** when it holds quoted speech: straight or typographic double quotes,
  «guillemets» (either way round) or „German quotes“. Single typographic quotes ‘…’ count only
  around two words or more, because the same mark is also an apostrophe (the dogs’ bowls).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

# -- paragraphs --------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # a line holding nothing but spaces counts as blank


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (stripped), without the ones that hold no word."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    return [block.strip() for block in blocks if _WORD.search(block)]


# -- words --------------------------------------------------------------------------------------

# Letters and digits, joined by an apostrophe or hyphen inside the word.
_WORD = re.compile(r"[^\W_]+(?:['’\-‐][^\W_]+)*")


def count_words(text: str) -> int:
    """Words as the fingerprint counts them (see the module's description)."""
    return sum(1 for _ in _WORD.finditer(text))


# -- sentences ----------------------------------------------------------------------------------

# Words that end in a full stop but almost always run on: titles before a name, and a few
# Latin abbreviations that sit in the middle of a sentence.
_NEVER_ENDS = frozenset(
    """
    mr mrs ms mx dr st prof rev fr sr jr capt cpt col gen lt sgt maj cmdr adm gov sen rep pres
    hon mt ft messrs mme mlle sra srta e.g i.e cf vs viz approx vol vols fig
    """.split()
)
_CLOSERS = "\"'”’“‘»«)]"
_OPENERS = "\"'“‘„«»(["
# A full stop, ! or ? (or a run of them) or an ellipsis, then any closing quotes; or a dash that
# cuts off speech, then a closing quote.
_END = re.compile(
    rf"(?P<mark>[.!?…]+|[—–]+(?=[{re.escape(_CLOSERS)}]))(?P<close>[{re.escape(_CLOSERS)}]*)"
    r"(?P<space>\s+)"
)
_WORD_BEFORE = re.compile(r"(\S+)$")


def _starts_sentence(text: str, at: int) -> bool:
    """Whether what begins at ``at`` looks like the start of a sentence."""
    if at >= len(text):
        return False
    char = text[at]
    if char in _OPENERS:
        return True
    return char.isupper() or char.isdigit()


def _ends_at_full_stop(paragraph: str, mark_start: int) -> bool:
    """Whether a single full stop at ``mark_start`` may end a sentence (it is not Mr., Dr.,
    e.g. or an initial)."""
    found = _WORD_BEFORE.search(paragraph, 0, mark_start)
    if found is None:
        return True
    word = found.group(1).lstrip(_OPENERS)
    if word.lower() in _NEVER_ENDS:
        return False
    # An initial: a single capital letter (J. R. R. Tolkien), but not the pronoun "I".
    return not (len(word) == 1 and word.isupper() and word != "I")


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, in order, each stripped."""
    sentences: list[str] = []
    start = 0
    for end in _END.finditer(paragraph):
        mark = end.group("mark")
        if not _starts_sentence(paragraph, end.end()):
            continue
        if mark == "." and not _ends_at_full_stop(paragraph, end.start()):
            continue
        sentences.append(paragraph[start : end.start("space")].strip())
        start = end.end()
    sentences.append(paragraph[start:].strip())
    return [s for s in sentences if _WORD.search(s)]


# -- dialogue -----------------------------------------------------------------------------------

_WORD_IN = r"[^\W_]"
_DOUBLE_QUOTED = re.compile(
    rf"\"[^\"]*?{_WORD_IN}[^\"]*?\""  # "straight"
    rf"|“[^“”]*?{_WORD_IN}"  # “typographic” (speech that runs on may stay open)
    rf"|„[^„“”]*?{_WORD_IN}[^„“”]*?[“”]"  # „German“
    rf"|«[^«»]*?{_WORD_IN}[^«»]*?»"  # «French»
    rf"|»[^«»]*?{_WORD_IN}[^«»]*?«"  # »German«
)
# Speech that runs over several paragraphs reopens each one with a quote and closes only the
# last, so a paragraph that opens with a quote followed by words counts too.
_OPENS_WITH_QUOTE = re.compile(rf"^[\"“„«»‘]\s*{_WORD_IN}")
# ‘Single quotes’ around two words or more; an apostrophe inside a word (don’t) does not close.
_SINGLE_QUOTED = re.compile(r"(?<![^\W_])‘((?:[^‘’]|’(?=[^\W_]))+?)’(?![^\W_])")


def has_dialogue(paragraph: str) -> bool:
    """Whether the paragraph holds quoted speech (see the module's description)."""
    if _DOUBLE_QUOTED.search(paragraph):
        return True
    for quoted in _SINGLE_QUOTED.finditer(paragraph):
        if count_words(quoted.group(1)) >= 2:
            return True
    opening = _OPENS_WITH_QUOTE.match(paragraph)
    if opening is None:
        return False
    if paragraph[0] != "‘":
        return True
    # An opening single quote that never closes: speech only if two words or more follow it.
    return "’" not in _SINGLE_CLOSING.sub("", paragraph) and count_words(paragraph) >= 2


_SINGLE_CLOSING = re.compile(r"’(?=[^\W_])")  # an apostrophe inside a word, not a closing quote


# -- the fingerprint ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleFingerprint:
    """A few numbers that describe how a passage is written.

    ``dialogue_share`` is the share of paragraphs (0.0–1.0) that hold quoted speech; the two
    averages are 0.0 for a text with no words.
    """

    sentences: int
    words: int
    average_sentence_words: float
    dialogue_share: float
    average_paragraph_words: float
    paragraphs: int

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the project file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> StyleFingerprint:
        """The fingerprint :meth:`to_json` wrote (a dict, or its JSON text). Raises ValueError
        for anything else, never a crash deeper in."""
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, dict):
            raise ValueError("A style fingerprint is stored as an object.")
        values: dict[str, Any] = {}
        for spec in fields(cls):
            value = data.get(spec.name)
            wanted = int if spec.type in ("int", int) else float
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"A style fingerprint needs a number for “{spec.name}”.")
            if wanted is int and value != int(value):
                raise ValueError(f"A style fingerprint needs a whole number for “{spec.name}”.")
            values[spec.name] = wanted(value)
        return cls(**values)


def fingerprint(text: str) -> StyleFingerprint:
    """The fingerprint of ``text``."""
    blocks = paragraphs(text)
    words = sum(count_words(block) for block in blocks)
    sentences = sum(len(split_sentences(block)) for block in blocks)
    with_dialogue = sum(1 for block in blocks if has_dialogue(block))
    return StyleFingerprint(
        sentences=sentences,
        words=words,
        average_sentence_words=words / sentences if sentences else 0.0,
        dialogue_share=with_dialogue / len(blocks) if blocks else 0.0,
        average_paragraph_words=words / len(blocks) if blocks else 0.0,
        paragraphs=len(blocks),
    )
