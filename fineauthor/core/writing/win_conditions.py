"""The writer's win conditions: how they will know the fine-tune worked.

A win condition is either something FineAuthor can measure in a response — its length in words,
how much of it is dialogue, phrases that must never appear — or a note the writer judges by
reading (point of view and tense, anything else in their own words). One kind is special: a
goal about *knowledge* ("it should know my characters"). A fine-tune shapes style, length and
habits; it does not reliably teach facts, so the wizard flags such a goal and says so honestly.

The project keeps its win conditions in its ``win_conditions`` setting as a list of plain dicts,
each with a ``kind``. A kind this version does not know (written by a newer FineAuthor), or a
condition it cannot read, is kept exactly as it was and never scored, so saving never loses it.

Positions in :attr:`Score.spans` are Python string indices into the scored text (code points);
a Qt widget must convert them to UTF-16 positions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.writing.fingerprint import has_dialogue, paragraphs

# -- the conditions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WinCondition:
    """The base of every win condition.

    ``kind`` names the condition in the project file; ``measurable`` says whether :func:`score`
    can check it in a text; ``about_knowledge`` marks a goal a fine-tune cannot meet.
    ``extra`` keeps keys of the stored dict this version does not use, so they survive a save.
    """

    kind: ClassVar[str] = ""
    measurable: ClassVar[bool] = False
    about_knowledge: ClassVar[bool] = False

    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False, kw_only=True)

    def to_json(self) -> dict[str, Any]:
        """The plain dict stored in the project."""
        return {**self.extra, "kind": self.kind, **self._values()}

    def _values(self) -> dict[str, Any]:
        return {}

    def describe(self) -> str:
        """The condition in a few plain words, for lists and reports."""
        return self.kind

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WinCondition:
        """The condition a stored dict describes. Never raises: what cannot be read comes back
        as an :class:`UnknownCondition` holding the dict unchanged."""
        if not isinstance(data, Mapping):
            return UnknownCondition(kind="", data={"value": data})
        kind = data.get("kind")
        variant = _KINDS.get(kind) if isinstance(kind, str) else None
        if variant is None or (cls is not WinCondition and variant is not cls):
            return UnknownCondition(kind=kind if isinstance(kind, str) else "", data=dict(data))
        try:
            return variant._read(data)
        except (TypeError, ValueError, KeyError):
            return UnknownCondition(kind=kind, data=dict(data))

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> WinCondition:
        raise NotImplementedError


def _extra(data: Mapping[str, Any], *used: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "kind" and k not in used}


def _whole_number(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(f"{name} must be a whole number.")
    return int(value)


@dataclass(frozen=True)
class LengthBand(WinCondition):
    """Every response between ``min_words`` and ``max_words`` words (inclusive), counted as a
    word processor counts them."""

    kind: ClassVar[str] = "length_band"
    measurable: ClassVar[bool] = True

    min_words: int
    max_words: int

    def __post_init__(self) -> None:
        low = _whole_number(self.min_words, "The shortest length")
        high = _whole_number(self.max_words, "The longest length")
        if low < 0 or high < low:
            raise ValueError("A length band runs from a shorter length to a longer one.")
        object.__setattr__(self, "min_words", low)
        object.__setattr__(self, "max_words", high)

    def _values(self) -> dict[str, Any]:
        return {"min_words": self.min_words, "max_words": self.max_words}

    def describe(self) -> str:
        return f"{self.min_words:,}–{self.max_words:,} words"

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> LengthBand:
        return cls(
            data["min_words"],
            data["max_words"],
            extra=_extra(data, "min_words", "max_words"),
        )


@dataclass(frozen=True)
class DialogueFromStart(WinCondition):
    """Dialogue from the first response: at least ``min_share`` (0.0–1.0) of its paragraphs
    hold quoted speech."""

    kind: ClassVar[str] = "dialogue_from_start"
    measurable: ClassVar[bool] = True

    min_share: float

    def __post_init__(self) -> None:
        share = self.min_share
        if isinstance(share, bool) or not isinstance(share, int | float) or math.isnan(share):
            raise ValueError("The share of dialogue must be a number.")
        if not 0.0 <= share <= 1.0:
            raise ValueError("The share of dialogue runs from 0 to 1 (0% to 100%).")
        object.__setattr__(self, "min_share", float(share))

    def _values(self) -> dict[str, Any]:
        return {"min_share": self.min_share}

    def describe(self) -> str:
        return f"Dialogue in at least {_percent(self.min_share)} of paragraphs, from the start"

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> DialogueFromStart:
        return cls(data["min_share"], extra=_extra(data, "min_share"))


@dataclass(frozen=True)
class BannedPhrases(WinCondition):
    """Phrases that must never appear (any case, whole words). Blank entries are dropped and a
    phrase listed twice is kept once."""

    kind: ClassVar[str] = "banned_phrases"
    measurable: ClassVar[bool] = True

    phrases: tuple[str, ...]

    def __post_init__(self) -> None:
        if isinstance(self.phrases, str) or not isinstance(self.phrases, Iterable):
            raise ValueError("Banned phrases are a list of phrases.")
        kept: dict[str, str] = {}
        for phrase in self.phrases:
            if not isinstance(phrase, str):
                raise ValueError("Each banned phrase is a piece of text.")
            tidy = " ".join(phrase.split())
            if tidy and tidy.casefold() not in kept:
                kept[tidy.casefold()] = tidy
        object.__setattr__(self, "phrases", tuple(kept.values()))

    def _values(self) -> dict[str, Any]:
        return {"phrases": list(self.phrases)}

    def describe(self) -> str:
        if not self.phrases:
            return "No banned phrases yet"
        return "Never: " + ", ".join(f"“{p}”" for p in self.phrases)

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> BannedPhrases:
        phrases = data["phrases"]
        if not isinstance(phrases, list | tuple):
            raise ValueError("Banned phrases are a list of phrases.")
        return cls(tuple(phrases), extra=_extra(data, "phrases"))


@dataclass(frozen=True)
class _Note(WinCondition):
    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ValueError("A note is a piece of text.")

    def _values(self) -> dict[str, Any]:
        return {"text": self.text}

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> _Note:
        return cls(data.get("text", ""), extra=_extra(data, "text"))


@dataclass(frozen=True)
class PointOfViewNote(_Note):
    """Point of view and tense, as a note the writer judges by reading ("close third, past")."""

    kind: ClassVar[str] = "point_of_view"

    def describe(self) -> str:
        return f"Point of view and tense: {self.text}"


@dataclass(frozen=True)
class FreeText(_Note):
    """Anything else, in the writer's own words; judged by reading."""

    kind: ClassVar[str] = "free_text"

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True)
class KnowledgeGoal(_Note):
    """A goal about what the model should *know* (characters, places, plot facts). A fine-tune
    will not reliably teach these; they belong in the prompt. Flagged so the wizard can say so."""

    kind: ClassVar[str] = "knowledge_goal"
    about_knowledge: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Knows: {self.text}"


@dataclass(frozen=True)
class UnknownCondition(WinCondition):
    """A stored condition this version cannot read: a newer kind, or damaged. Kept unchanged
    (``data`` is the stored dict) and never scored."""

    kind: str = ""  # type: ignore[misc]  # an instance field here, a class constant elsewhere
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)

    def describe(self) -> str:
        return "A check this version of FineAuthor cannot read"


_KINDS: dict[str, type[WinCondition]] = {
    variant.kind: variant
    for variant in (
        LengthBand,
        DialogueFromStart,
        BannedPhrases,
        PointOfViewNote,
        FreeText,
        KnowledgeGoal,
    )
}
KINDS: tuple[str, ...] = tuple(_KINDS)


def conditions_from_json(items: Iterable[Mapping[str, Any]]) -> list[WinCondition]:
    """The conditions of a project's ``win_conditions`` setting, in order."""
    return [WinCondition.from_json(item) for item in items]


def conditions_to_json(conditions: Iterable[WinCondition]) -> list[dict[str, Any]]:
    """The ``win_conditions`` setting for these conditions."""
    return [condition.to_json() for condition in conditions]


def knowledge_goals(conditions: Iterable[WinCondition]) -> list[WinCondition]:
    """The conditions a fine-tune cannot meet because they are about knowledge."""
    return [c for c in conditions if c.about_knowledge]


# Words that suggest a goal is about facts rather than style. A hint for the wizard, which asks
# the writer; never used to change what the writer wrote.
_KNOWLEDGE_WORDS = re.compile(
    r"\b(?:remember\w*|recall\w*|know|knows|knowing|knowledge|facts?|lore|canon|continuity"
    r"|back-?stor(?:y|ies)|(?:series|story) bible|world-?building|timeline"
    r"|(?:character|place|town|city) names|names? of (?:my|the|our) \w+"
    r"|magic system|(?:my|our) (?:world|plot|setting)\b(?!['’]?s?\s+voices?))",
    re.IGNORECASE,
)


def looks_like_knowledge(text: str) -> bool:
    """Whether a goal in the writer's words seems to be about facts the model should know
    ("it should remember my characters' names") rather than how it writes."""
    return _KNOWLEDGE_WORDS.search(text) is not None


# -- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """How one text did against one condition.

    ``measured`` is False for notes (``passed`` is then None); ``detail`` says what was found in
    plain words; ``spans`` are (start, end) positions of the banned phrases found, in order.
    """

    condition: WinCondition
    measured: bool
    passed: bool | None
    detail: str
    spans: tuple[tuple[int, int], ...] = ()


def score(text: str, conditions: Iterable[WinCondition]) -> list[Score]:
    """Score ``text`` against each condition, in order."""
    return [_score_one(text, condition) for condition in conditions]


def _score_one(text: str, condition: WinCondition) -> Score:
    if isinstance(condition, LengthBand):
        return _score_length(text, condition)
    if isinstance(condition, DialogueFromStart):
        return _score_dialogue(text, condition)
    if isinstance(condition, BannedPhrases):
        return _score_banned(text, condition)
    if isinstance(condition, KnowledgeGoal):
        detail = (
            "A fine-tune shapes how the model writes, not what it knows: keep these facts in "
            "your prompt."
        )
    elif isinstance(condition, UnknownCondition):
        detail = (
            "FineAuthor cannot read this check (it may come from a newer version), so it is "
            "kept as it is and not scored."
        )
    else:
        detail = "A note for you to judge by reading."
    return Score(condition, measured=False, passed=None, detail=detail)


def _score_length(text: str, band: LengthBand) -> Score:
    words = count_words(text)
    span = f"{band.min_words:,}–{band.max_words:,}"
    if words < band.min_words:
        detail = f"{_words(words)}: {band.min_words - words:,} short of {span}."
    elif words > band.max_words:
        detail = f"{_words(words)}: {words - band.max_words:,} over {span}."
    else:
        detail = f"{_words(words)}: within {span}."
    return Score(band, True, band.min_words <= words <= band.max_words, detail)


def _score_dialogue(text: str, goal: DialogueFromStart) -> Score:
    blocks = paragraphs(text)
    if not blocks:
        return Score(goal, True, False, "There are no paragraphs to look for dialogue in.")
    talking = sum(1 for block in blocks if has_dialogue(block))
    share = talking / len(blocks)
    noun = "paragraph" if len(blocks) == 1 else "paragraphs"
    verb = "has" if talking == 1 else "have"
    detail = (
        f"{talking} of {len(blocks)} {noun} {verb} dialogue ({_percent(share)}); "
        f"the aim is at least {_percent(goal.min_share)}."
    )
    # Compared as counts, so 3 of 10 paragraphs meets an aim of 30% despite rounding.
    return Score(goal, True, talking >= goal.min_share * len(blocks) - 1e-9, detail)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A pattern finding ``phrase`` in any case, as whole words, across line breaks, with either
    kind of apostrophe."""
    words = ["".join("['’]" if c in "'’" else re.escape(c) for c in w) for w in phrase.split()]
    body = r"\s+".join(words)
    before = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    after = r"(?!\w)" if re.search(r"\w$", phrase) else ""
    return re.compile(before + body + after, re.IGNORECASE)


def _score_banned(text: str, banned: BannedPhrases) -> Score:
    if not banned.phrases:
        return Score(banned, False, None, "No phrases listed yet.")
    spans: list[tuple[int, int]] = []
    found: list[str] = []
    for phrase in banned.phrases:
        hits = [m.span() for m in phrase_pattern(phrase).finditer(text)]
        if hits:
            spans.extend(hits)
            found.append(f"“{phrase}” {_times(len(hits))}")
    if not found:
        listed = "the phrase" if len(banned.phrases) == 1 else f"the {len(banned.phrases)} phrases"
        return Score(banned, True, True, f"None of {listed} appears.")
    return Score(banned, True, False, "Found " + _and(found) + ".", tuple(sorted(spans)))


# -- plain words ----------------------------------------------------------------------------------


def _words(n: int) -> str:
    return "1 word" if n == 1 else f"{n:,} words"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
