"""Finding phrases repeated across many responses: the "she bit her lip" problem.

A fine-tune learns whatever its examples share. A phrase of three to six words that turns up in
an unusually large share of responses becomes the model's habit, so we point it out.

Phrases are discovered exactly while the responses seen so far hold fewer than
``discovery_words`` words (every realistic dataset fits), then the phrases found are counted in
every later response too. For very large files that keeps time and memory bounded; a phrase
that first becomes common only after that point is not discovered.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# Function words: a phrase made mostly of them ("one of the", "out of the") is ordinary English,
# not a habit worth a warning, so a phrase needs at least two words outside this list.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves i'm i'd i'll i've you're you'd you'll you've he's he'd he'll she's
    she'd she'll it's we're we'd we'll we've they're they'd they'll they've that's there's
    what's don't didn't doesn't isn't wasn't weren't won't wouldn't can't couldn't shouldn't
    hadn't hasn't haven't aren't let's said says say like one two back then even still
    """.split()
)

_NON_WORD = re.compile(r"[^\w']+")


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, with spaces at both ends, so that
    ``" " + phrase + " " in normalize(text)`` matches whole words only."""
    words = _NON_WORD.sub(" ", text.lower().replace("’", "'")).split()
    return " " + " ".join(words) + " "


@dataclass(frozen=True, slots=True)
class RepeatedPhrase:
    phrase: str
    examples: tuple[int, ...]  # the keys given to ``add``, in the order they were added
    share: float  # of all responses


class PhraseCounter:
    """Feed it every response with ``add``; ask ``repeated`` at the end."""

    def __init__(
        self,
        *,
        min_words: int = 3,
        max_words: int = 6,
        min_share: float = 0.1,
        min_examples: int = 3,
        discovery_words: int = 400_000,
        max_candidates: int = 60,
    ) -> None:
        self._sizes = range(min_words, max_words + 1)
        self._min_share = min_share
        self._min_examples = min_examples
        self._discovery_words = discovery_words
        self._max_candidates = max_candidates
        self._seen_words = 0
        self._documents = 0
        self._frequency: Counter[str] = Counter()
        self._sample: list[tuple[int, str]] = []  # (key, normalized text) while discovering
        self._candidates: dict[str, list[int]] | None = None  # fixed once discovery ends

    def add(self, key: int, text: str) -> None:
        """Count one response; ``key`` identifies it in the result (its line, say)."""
        self._documents += 1
        normalized = normalize(text)
        if self._candidates is not None:
            for phrase, keys in self._candidates.items():
                if phrase in normalized:
                    keys.append(key)
            return
        words = normalized.split()
        self._seen_words += len(words)
        self._sample.append((key, normalized))
        self._frequency.update(self._phrases_of(words))
        if self._seen_words >= self._discovery_words:
            # Half the share needed at the end, so a phrase unevenly spread is still caught.
            half = self._min_share * len(self._sample) / 2
            self._fix_candidates(minimum=max(2, math.ceil(half)))

    def _phrases_of(self, words: list[str]) -> set[str]:
        content = [w not in STOPWORDS for w in words]
        found: set[str] = set()
        for size in self._sizes:
            for start in range(len(words) - size + 1):
                if sum(content[start : start + size]) >= 2:
                    found.add(" ".join(words[start : start + size]))
        return found

    def _fix_candidates(self, minimum: int) -> None:
        common = [(p, n) for p, n in self._frequency.items() if n >= minimum]
        common.sort(key=lambda item: (-item[1], -len(item[0])))
        self._candidates = {}
        for phrase, _ in common[: self._max_candidates]:
            padded = f" {phrase} "
            self._candidates[padded] = [key for key, text in self._sample if padded in text]
        self._frequency = Counter()
        self._sample = []

    def repeated(self, limit: int = 20) -> list[RepeatedPhrase]:
        """Phrases found in at least ``min_examples`` responses and ``min_share`` of them,
        most widespread first. A shorter phrase that mostly occurs inside a longer reported
        one ("bit her lip" inside "she bit her lip") is left out."""
        needed = max(self._min_examples, self._min_share * self._documents)
        if self._candidates is None:
            self._fix_candidates(minimum=math.ceil(needed))
        assert self._candidates is not None
        frequent = [
            (phrase.strip(), keys)
            for phrase, keys in self._candidates.items()
            if len(keys) >= needed
        ]
        frequent.sort(key=lambda item: (-len(item[1]), -len(item[0])))
        chosen: list[tuple[str, list[int]]] = []
        for phrase, keys in frequent:
            if any(
                f" {phrase} " in f" {longer} " and len(keys) <= len(longer_keys) * 1.25
                for longer, longer_keys in chosen
            ):
                continue
            # A longer phrase found later replaces shorter ones it mostly explains.
            chosen = [
                (p, k)
                for p, k in chosen
                if not (f" {p} " in f" {phrase} " and len(k) <= len(keys) * 1.25)
            ]
            chosen.append((phrase, keys))
        chosen = _join_overlapping(chosen)
        chosen.sort(key=lambda item: (-len(item[1]), -len(item[0])))
        return [
            RepeatedPhrase(phrase, tuple(keys), len(keys) / self._documents)
            for phrase, keys in chosen[:limit]
        ]


def _join_overlapping(phrases: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    """Join windows of one longer repeated sentence found in exactly the same responses
    ("she bit her lip and looked" + "bit her lip and looked away") into the whole of it."""
    phrases = list(phrases)
    joined = True
    while joined:
        joined = False
        for i, (first, first_keys) in enumerate(phrases):
            for j, (second, second_keys) in enumerate(phrases):
                if i == j or first_keys != second_keys:
                    continue
                merged = _overlap_join(first.split(), second.split())
                if merged:
                    phrases = [p for k, p in enumerate(phrases) if k not in (i, j)]
                    phrases.append((merged, first_keys))
                    joined = True
                    break
            if joined:
                break
    return phrases


def _overlap_join(first: list[str], second: list[str]) -> str | None:
    for size in range(min(len(first), len(second)) - 1, 1, -1):
        if first[-size:] == second[:size]:
            return " ".join(first + second[size:])
    return None
