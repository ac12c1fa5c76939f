"""Finding phrases repeated across many responses: the "she bit her lip" problem.

A fine-tune learns whatever its examples share. A phrase that turns up in an unusually large
share of responses becomes the model's habit, so we point it out.

How: three-word phrases are counted exactly while the responses seen so far hold fewer than
``discovery_words`` words (a typical dataset of 50–100 chapters fits). The common ones are then
grown word by word to the whole phrase they belong to ("bit her lip" → "she bit her lip and
looked away"), and from then on only those phrases are looked for in later responses, which is
a fast text search. Time and memory stay bounded on very large files; a phrase that first
becomes common after the discovery part is not found.
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

SEED_WORDS = 3  # phrases are discovered from three-word seeds
MAX_WORDS = 12  # and grown to at most this many words (a whole repeated sentence, usually)
_KEEP_WHEN_GROWN = 0.8  # a phrase grows by a word that follows it in 80% of its responses
_PUNCTUATION = re.compile(r"[^\w\s']+")
_LAST_WORD = re.compile(r"(?<![\w'])([\w']+) $")
_FIRST_WORD = re.compile(r" ([\w']+)(?![\w'])")


def prepare(text: str) -> str:
    """The form phrases are searched in: lower case, with typographic apostrophes made plain."""
    return text.lower().replace("’", "'")


def _contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words."""
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        before_ok = start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "'")
        after_ok = end == len(text) or not (text[end].isalnum() or text[end] == "'")
        if before_ok and after_ok:
            return True
        start = text.find(phrase, start + 1)
    return False


def _content_words(words: tuple[str, ...] | list[str]) -> int:
    return sum(word not in STOPWORDS for word in words)


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
        min_share: float = 0.1,
        min_examples: int = 3,
        discovery_words: int = 250_000,
        max_candidates: int = 25,
    ) -> None:
        self._min_share = min_share
        self._min_examples = min_examples
        self._discovery_words = discovery_words
        self._max_candidates = max_candidates
        self._seen_words = 0
        self._documents = 0
        self._seeds: Counter[tuple[str, ...]] = Counter()
        self._sample: list[tuple[int, str]] = []  # (key, prepared text) while discovering
        self._order: dict[int, int] = {}  # key → place in the sample, to list keys in order
        self._candidates: dict[str, list[int]] | None = None  # fixed once discovery ends

    def add(self, key: int, text: str) -> None:
        """Count one response; ``key`` identifies it in the result (its line, say)."""
        self._documents += 1
        prepared = prepare(text)
        if self._candidates is not None:
            for phrase, keys in self._candidates.items():
                if phrase in prepared and _contains(prepared, phrase):
                    keys.append(key)
            return
        seeds: set[tuple[str, ...]] = set()
        for clause in _PUNCTUATION.split(prepared):
            words = clause.split()
            self._seen_words += len(words)
            seeds.update(zip(*(words[i:] for i in range(SEED_WORDS)), strict=False))
        self._seeds.update(seeds)
        self._sample.append((key, prepared))
        self._order[key] = len(self._order)
        if self._seen_words >= self._discovery_words:
            # Half the share needed at the end, so an unevenly spread phrase is still caught.
            half = self._min_share * len(self._sample) / 2
            self._fix_candidates(minimum=max(2, math.ceil(half)))

    def _fix_candidates(self, minimum: int) -> None:
        seeds = [
            (" ".join(seed), count)
            for seed, count in self._seeds.items()
            if count >= minimum and _content_words(seed) >= 1
        ]
        seeds.sort(key=lambda item: -item[1])
        found: dict[str, list[int]] = {}
        for seed, _ in seeds[: self._max_candidates * 4]:
            if any(f" {seed} " in f" {phrase} " for phrase in found):
                continue  # part of a phrase already found: growing it would find it again
            phrase, keys = self._grow(seed)
            if phrase not in found and _content_words(phrase.split()) >= 2:
                found[phrase] = keys
        joined = _join_overlapping(list(found.items()))
        self._candidates = dict(_without_parts(dict(joined), self._max_candidates))
        self._seeds = Counter()
        self._sample = []
        self._order = {}

    def _grow(self, phrase: str) -> tuple[str, list[int]]:
        """Extend ``phrase`` left and right while the same word surrounds it almost everywhere."""
        keys = {key for key, text in self._sample if _contains(text, phrase)}
        while len(phrase.split()) < MAX_WORDS:
            before: Counter[str] = Counter()
            after: Counter[str] = Counter()
            for key, text in self._sample:
                if key in keys:
                    left, right = _neighbours(text, phrase)
                    before.update(left)
                    after.update(right)
            options = [(count, f"{word} {phrase}") for word, count in before.most_common(1)] + [
                (count, f"{phrase} {word}") for word, count in after.most_common(1)
            ]
            options = [o for o in options if o[0] >= _KEEP_WHEN_GROWN * len(keys)]
            if not options:
                break
            longer = max(options)[1]
            longer_keys = {key for key, text in self._sample if _contains(text, longer)}
            if len(longer_keys) < _KEEP_WHEN_GROWN * len(keys):
                break
            phrase, keys = longer, longer_keys
        return phrase, sorted(keys, key=self._order.__getitem__)

    def repeated(self, limit: int = 20) -> list[RepeatedPhrase]:
        """Phrases found in at least ``min_examples`` responses and ``min_share`` of them,
        most widespread first."""
        needed = max(self._min_examples, self._min_share * self._documents)
        if self._candidates is None:
            self._fix_candidates(minimum=math.ceil(needed))
        assert self._candidates is not None
        frequent = [(p, k) for p, k in self._candidates.items() if len(k) >= needed]
        frequent.sort(key=lambda item: (-len(item[1]), -len(item[0])))
        return [
            RepeatedPhrase(phrase, tuple(keys), len(keys) / self._documents)
            for phrase, keys in frequent[:limit]
        ]


def _neighbours(text: str, phrase: str) -> tuple[set[str], set[str]]:
    """The words right before and right after each whole-word occurrence of ``phrase``,
    not across punctuation."""
    left: set[str] = set()
    right: set[str] = set()
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        before = _LAST_WORD.search(text, max(0, start - 40), start)
        after = _FIRST_WORD.match(text, end, end + 40)
        if before:
            left.add(before.group(1))
        if after:
            right.add(after.group(1))
        start = text.find(phrase, start + 1)
    return left, right


def _without_parts(found: dict[str, list[int]], limit: int) -> list[tuple[str, list[int]]]:
    """Drop a phrase that mostly occurs inside a longer one that is kept; keep ``limit``."""
    ordered = sorted(found.items(), key=lambda item: (-len(item[0].split()), -len(item[1])))
    kept: list[tuple[str, list[int]]] = []
    for phrase, keys in ordered:
        inside = any(
            f" {phrase} " in f" {longer} " and len(keys) <= len(longer_keys) * 1.25
            for longer, longer_keys in kept
        )
        if not inside:
            kept.append((phrase, keys))
    kept.sort(key=lambda item: -len(item[1]))
    return kept[:limit]


def _join_overlapping(phrases: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    """Join pieces of one longer repeated passage found in exactly the same responses
    ("she bit her lip and looked" + "lip and looked out to sea") into the whole of it."""
    joined = True
    while joined:
        joined = False
        for i, (first, first_keys) in enumerate(phrases):
            for j, (second, second_keys) in enumerate(phrases):
                merged = None if i == j or first_keys != second_keys else _overlap(first, second)
                if merged:
                    phrases = [p for k, p in enumerate(phrases) if k not in (i, j)]
                    phrases.append((merged, first_keys))
                    joined = True
                    break
            if joined:
                break
    return phrases


def _overlap(first: str, second: str) -> str | None:
    """``first`` and ``second`` as one phrase when the end of one is the start of the other."""
    a, b = first.split(), second.split()
    for size in range(min(len(a), len(b)) - 1, 1, -1):
        if a[-size:] == b[:size]:
            return " ".join(a + b[size:])
    return None
