"""The test bench's arithmetic: two outputs scored side by side, the blind A/B order, and the
tally of the writer's blind choices.

The bench sends the same prompt to the writer's fine-tuned model and to the model it was
trained from. Everything here is about what happens to the two replies: each is scored against
the project's win conditions with :func:`~fineauthor.core.writing.win_conditions.score` and
measured with :func:`~fineauthor.core.writing.fingerprint.fingerprint`, beside the writer's own
fingerprint from the planning wizard. Only what can be measured is measured; notes stay notes.

In a blind run the two replies are shown as "A" and "B" in an order drawn from the operating
system's randomness, and the writer picks the one that sounds like them. The choices add up in
the project's ``bench_tally`` setting, per pair of models, as :class:`BenchTally` writes it.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.core.writing.fingerprint import StyleFingerprint, fingerprint
from fineauthor.core.writing.win_conditions import LengthBand, Score, WinCondition, score

# A word is about 1.4 tokens in English prose with today's encodings (a rule of thumb the writer
# sees spelled out beside the length control).
TOKENS_PER_WORD = 1.4
DEFAULT_MAX_WORDS = 1000
MAX_WORDS = 20_000

# The sides of a comparison, and the answers of a blind run.
FINE_TUNED, BASE, NEITHER = "fine_tuned", "base", "neither"
SIDES = (FINE_TUNED, BASE)
CHOICES = (FINE_TUNED, BASE, NEITHER)
LETTERS = ("A", "B")

# Where the planning wizard keeps what the bench uses, in the project's ``wizard`` setting
# (spelled as in ui/wizard/draft.py: core cannot import the ui; a test checks they agree).
WIZARD_FINGERPRINT = "fingerprint"
WIZARD_STYLE_PASSAGE = "style_passage"
WIZARD_TEMPLATE = "prompt_template"

# The fingerprint's numbers the bench compares, in the order they are shown.
MEASURES = ("average_sentence_words", "dialogue_share", "average_paragraph_words")


# -- what is sent ---------------------------------------------------------------------------------


def tokens_for_words(words: int) -> int:
    """The ``max_tokens`` for a reply of at most about ``words`` words (at least 1)."""
    return max(1, math.ceil(max(0, words) * TOKENS_PER_WORD))


def default_max_words(
    conditions: Iterable[WinCondition],
    target_words: int | None = None,
    tolerance_words: int | None = None,
) -> int:
    """A maximum length that leaves room to overshoot the writer's target (so an overlong
    reply shows as overlong rather than cut off): a quarter more than the longest length the
    project asks for, rounded up to 50 words; DEFAULT_MAX_WORDS when it asks for none."""
    longest = 0
    for condition in conditions:
        if isinstance(condition, LengthBand):
            longest = max(longest, condition.max_words)
    if target_words:
        longest = max(longest, target_words + (tolerance_words or 0))
    if longest <= 0:
        return DEFAULT_MAX_WORDS
    return min(MAX_WORDS, math.ceil(longest * 1.25 / 50) * 50)


def bench_messages(system_prompt: str, prompt: str) -> list[dict[str, str]]:
    """The chat messages both models are sent: the system prompt (when there is one), then the
    prompt."""
    messages = []
    if system_prompt.strip():
        messages.append({"role": "system", "content": system_prompt})
    messages.append({"role": "user", "content": prompt})
    return messages


def source_note(model: str, when: date) -> str:
    """Where an example promoted from the bench came from: ``Test bench: <model>, <date>``."""
    return f"Test bench: {model}, {when.isoformat()}"


def example_from_output(
    system_prompt: str, prompt: str, output: str, model: str, when: date
) -> Example:
    """A new example from a bench run: the system prompt, the prompt and the (edited) output,
    marked with where it came from."""
    messages = [Message("user", prompt), Message("assistant", output)]
    if system_prompt.strip():
        messages.insert(0, Message("system", system_prompt))
    return Example(tuple(messages), source=source_note(model, when))


def pair_from_outputs(
    system_prompt: str,
    prompt: str,
    preferred: tuple[str, str],
    other: tuple[str, str],
    source: str,
) -> PreferencePair:
    """A preference pair from a bench run: what both models were asked, and the reply the
    writer preferred over the other, each as (text as it is now, model that wrote it)."""
    messages = tuple(
        Message(m["role"], m["content"]) for m in bench_messages(system_prompt, prompt)
    )
    return PreferencePair(
        messages,
        preferred=preferred[0],
        other=other[0],
        preferred_model=preferred[1],
        other_model=other[1],
        source=source,
    )


# -- the writer's own fingerprint -----------------------------------------------------------------


def writer_fingerprint(wizard: Mapping[str, Any]) -> StyleFingerprint | None:
    """The fingerprint of the writer's own passage from the wizard's answers: the one stored
    there, else measured from the passage they pasted; None when there is neither (or only an
    empty or unreadable one)."""
    stored = wizard.get(WIZARD_FINGERPRINT)
    if stored is not None:
        try:
            found = StyleFingerprint.from_json(stored)
        except (ValueError, TypeError):
            found = None
        if found is not None and found.words:
            return found
    passage = wizard.get(WIZARD_STYLE_PASSAGE)
    if isinstance(passage, str) and passage.strip():
        found = fingerprint(passage)
        if found.words:
            return found
    return None


def wizard_template(wizard: Mapping[str, Any]) -> str:
    """The user-prompt template the writer gave the wizard ('' when none)."""
    template = wizard.get(WIZARD_TEMPLATE)
    return template if isinstance(template, str) else ""


# -- scoring side by side -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputScore:
    """One output against the win conditions, and its fingerprint."""

    text: str
    scores: tuple[Score, ...]
    fingerprint: StyleFingerprint

    @property
    def measured(self) -> tuple[Score, ...]:
        """The scores of conditions that can be measured in a text."""
        return tuple(s for s in self.scores if s.measured)

    @property
    def notes(self) -> tuple[Score, ...]:
        """The conditions the writer judges by reading (never scored)."""
        return tuple(s for s in self.scores if not s.measured)

    @property
    def met(self) -> int:
        return sum(1 for s in self.measured if s.passed)

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Where banned phrases were found (code-point positions in ``text``), in order."""
        return tuple(sorted(span for s in self.scores for span in s.spans))


def score_output(text: str, conditions: Iterable[WinCondition]) -> OutputScore:
    """``text`` scored against ``conditions`` and measured."""
    return OutputScore(text, tuple(score(text, conditions)), fingerprint(text))


@dataclass(frozen=True)
class SideBySide:
    """The two outputs of one run, scored alike, with the writer's own fingerprint (None when
    the wizard has none)."""

    fine_tuned: OutputScore
    base: OutputScore
    yours: StyleFingerprint | None = None

    def side(self, which: str) -> OutputScore:
        if which == FINE_TUNED:
            return self.fine_tuned
        if which == BASE:
            return self.base
        raise ValueError(f"no side {which!r}")

    def distance(self, which: str, measure: str) -> float | None:
        """How far one output is from the writer's own on one measure (None when there is no
        fingerprint of the writer's, or the output has no words)."""
        if measure not in MEASURES:
            raise ValueError(f"no measure {measure!r}")
        found = self.side(which).fingerprint
        if self.yours is None or not found.words:
            return None
        return abs(getattr(found, measure) - getattr(self.yours, measure))

    def closer(self, measure: str) -> str | None:
        """The side (FINE_TUNED or BASE) closer to the writer's own on ``measure``; None for a
        tie or when either distance cannot be measured."""
        ours, theirs = self.distance(FINE_TUNED, measure), self.distance(BASE, measure)
        if ours is None or theirs is None or math.isclose(ours, theirs, abs_tol=1e-9):
            return None
        return FINE_TUNED if ours < theirs else BASE


def side_by_side(
    fine_tuned_text: str,
    base_text: str,
    conditions: Iterable[WinCondition],
    yours: StyleFingerprint | None = None,
) -> SideBySide:
    """Both outputs scored against the same conditions."""
    checks = list(conditions)
    return SideBySide(score_output(fine_tuned_text, checks), score_output(base_text, checks), yours)


# -- blind order ----------------------------------------------------------------------------------


def new_seed() -> int:
    """A seed for one blind run, from the operating system's randomness."""
    return secrets.randbits(64)


@dataclass(frozen=True)
class BlindOrder:
    """Which model is shown as "A" and which as "B" in one blind run, decided by ``seed``."""

    seed: int

    @classmethod
    def draw(cls) -> BlindOrder:
        return cls(new_seed())

    @property
    def fine_tuned_letter(self) -> str:
        return "A" if random.Random(self.seed).random() < 0.5 else "B"

    def letter_of(self, side: str) -> str:
        """The letter ``side`` (FINE_TUNED or BASE) is shown as."""
        if side not in SIDES:
            raise ValueError(f"no side {side!r}")
        first = self.fine_tuned_letter
        return first if side == FINE_TUNED else _other(first)

    def side_of(self, letter: str) -> str:
        """The side shown as ``letter`` ("A" or "B")."""
        if letter not in LETTERS:
            raise ValueError(f"no letter {letter!r}")
        return FINE_TUNED if letter == self.fine_tuned_letter else BASE

    def sides_in_order(self) -> tuple[str, str]:
        """The sides shown as A and as B."""
        return (self.side_of("A"), self.side_of("B"))

    def choice_for(self, letter: str | None) -> str:
        """What picking ``letter`` means (None for "neither")."""
        return NEITHER if letter is None else self.side_of(letter)


def _other(letter: str) -> str:
    return "B" if letter == "A" else "A"


# -- the tally ------------------------------------------------------------------------------------


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("a count is a whole number, 0 or more")
    return value


@dataclass(frozen=True)
class PairTally:
    """The blind choices made between one fine-tuned model and one model it was compared with."""

    fine_tuned: str
    base: str
    fine_tuned_chosen: int = 0
    base_chosen: int = 0
    neither: int = 0

    @property
    def runs(self) -> int:
        return self.fine_tuned_chosen + self.base_chosen + self.neither

    def count(self, choice: str) -> int:
        if choice == FINE_TUNED:
            return self.fine_tuned_chosen
        if choice == BASE:
            return self.base_chosen
        if choice == NEITHER:
            return self.neither
        raise ValueError(f"no choice {choice!r}")

    def adding(self, choice: str) -> PairTally:
        """This tally with one more run ending in ``choice``."""
        if choice == FINE_TUNED:
            return replace(self, fine_tuned_chosen=self.fine_tuned_chosen + 1)
        if choice == BASE:
            return replace(self, base_chosen=self.base_chosen + 1)
        if choice == NEITHER:
            return replace(self, neither=self.neither + 1)
        raise ValueError(f"no choice {choice!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "fine_tuned": self.fine_tuned,
            "base": self.base,
            "fine_tuned_chosen": self.fine_tuned_chosen,
            "base_chosen": self.base_chosen,
            "neither": self.neither,
        }

    @classmethod
    def from_json(cls, data: object) -> PairTally:
        """The tally :meth:`to_json` wrote; ValueError for anything else."""
        if not isinstance(data, Mapping):
            raise ValueError("a pair's tally is an object")
        fine_tuned, base = data.get("fine_tuned"), data.get("base")
        if not isinstance(fine_tuned, str) or not isinstance(base, str):
            raise ValueError("a pair's tally names its two models")
        return cls(
            fine_tuned,
            base,
            _count(data.get("fine_tuned_chosen", 0)),
            _count(data.get("base_chosen", 0)),
            _count(data.get("neither", 0)),
        )


@dataclass(frozen=True)
class BenchTally:
    """Every pair's blind choices, as kept in the project's ``bench_tally`` setting.

    Stored as ``{"pairs": [PairTally.to_json(), ...]}``. An entry this version cannot read is
    kept exactly as it was (``unreadable``) and written back, so saving never loses it.
    """

    pairs: tuple[PairTally, ...] = ()
    unreadable: tuple[Any, ...] = field(default=(), compare=False)

    def for_pair(self, fine_tuned: str, base: str) -> PairTally:
        """The tally of that pair (all zero when it has none yet)."""
        for pair in self.pairs:
            if (pair.fine_tuned, pair.base) == (fine_tuned, base):
                return pair
        return PairTally(fine_tuned, base)

    def record(self, fine_tuned: str, base: str, choice: str) -> BenchTally:
        """This tally with one more blind run of that pair, ending in ``choice``."""
        key = (fine_tuned, base)
        updated = self.for_pair(fine_tuned, base).adding(choice)
        pairs = [updated if _key(p) == key else p for p in self.pairs]
        if not any(_key(p) == key for p in self.pairs):
            pairs.append(updated)
        return replace(self, pairs=tuple(pairs))

    def to_json(self) -> dict[str, Any]:
        return {"pairs": [pair.to_json() for pair in self.pairs] + list(self.unreadable)}

    @classmethod
    def from_json(cls, data: object) -> BenchTally:
        """The tally stored in the project. Never raises: an empty or unreadable setting is an
        empty tally, an unreadable entry is kept aside unchanged."""
        if not isinstance(data, Mapping) or not isinstance(data.get("pairs"), list):
            return cls()
        pairs: dict[tuple[str, str], PairTally] = {}
        unreadable: list[Any] = []
        for item in data["pairs"]:
            try:
                pair = PairTally.from_json(item)
            except ValueError:
                unreadable.append(item)
                continue
            old = pairs.get(_key(pair))
            if old is not None:  # the same pair twice (edited by hand): add them up
                pair = replace(
                    old,
                    fine_tuned_chosen=old.fine_tuned_chosen + pair.fine_tuned_chosen,
                    base_chosen=old.base_chosen + pair.base_chosen,
                    neither=old.neither + pair.neither,
                )
            pairs[_key(pair)] = pair
        return cls(tuple(pairs.values()), tuple(unreadable))


def _key(pair: PairTally) -> tuple[str, str]:
    return (pair.fine_tuned, pair.base)
