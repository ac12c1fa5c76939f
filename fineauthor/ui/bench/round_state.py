"""What a round of blind choices keeps in the project so it can be carried on later: the
examples it asks, how far it got, the two models it compares and what the writer chose so far.

It lives beside the bench's tally, in the project's ``bench_tally`` setting under ``"round"``
(the tally itself is ``"pairs"``; :class:`~fineauthor.core.writing.bench_scoring.BenchTally`
reads only that key, and the bench writes the tally back without touching this one). Like the
tally it records judgements, so it is written straight to the file, not through Undo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from fineauthor.core.writing.bench_scoring import BASE, FINE_TUNED, NEITHER
from fineauthor.ui.shell.document import ProjectDocument

ROUND_KEY = "round"
DEFAULT_ROUND = 10  # prompts in a round unless the writer asks for another number


@dataclass(frozen=True)
class RoundState:
    """One round: ``examples`` are the ids it asks, in order; the first ``done`` of them are
    finished (chosen, or skipped because the example was deleted)."""

    examples: tuple[int, ...]
    fine_tuned: str = ""
    base: str = ""
    provider: str = ""
    done: int = 0
    fine_tuned_chosen: int = 0
    base_chosen: int = 0
    neither: int = 0
    kept: int = 0  # choices kept as preference pairs
    skipped: int = 0

    @property
    def total(self) -> int:
        return len(self.examples)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    @property
    def choices(self) -> int:
        return self.fine_tuned_chosen + self.base_chosen + self.neither

    @property
    def current(self) -> int | None:
        """The id of the example to ask next; None once the round is through."""
        return None if self.finished else self.examples[self.done]

    def after_choice(self, choice: str, kept: bool) -> RoundState:
        """This round with the current prompt chosen (FINE_TUNED, BASE or NEITHER)."""
        return replace(
            self,
            done=self.done + 1,
            fine_tuned_chosen=self.fine_tuned_chosen + (choice == FINE_TUNED),
            base_chosen=self.base_chosen + (choice == BASE),
            neither=self.neither + (choice == NEITHER),
            kept=self.kept + kept,
        )

    def after_skip(self) -> RoundState:
        """This round with the current prompt passed over (its example is gone)."""
        return replace(self, done=self.done + 1, skipped=self.skipped + 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "examples": list(self.examples),
            "fine_tuned": self.fine_tuned,
            "base": self.base,
            "provider": self.provider,
            "done": self.done,
            "fine_tuned_chosen": self.fine_tuned_chosen,
            "base_chosen": self.base_chosen,
            "neither": self.neither,
            "kept": self.kept,
            "skipped": self.skipped,
        }

    @classmethod
    def from_json(cls, data: object) -> RoundState | None:
        """The round kept in the project; None when there is none or it cannot be read (a
        round is only a resume point: losing an unreadable one loses no choice)."""
        if not isinstance(data, Mapping):
            return None
        examples = data.get("examples")
        if not isinstance(examples, list) or not all(_is_count(e) for e in examples):
            return None
        counts = {}
        for name in ("done", "fine_tuned_chosen", "base_chosen", "neither", "kept", "skipped"):
            value = data.get(name, 0)
            if not _is_count(value):
                return None
            counts[name] = value
        texts = {name: data.get(name, "") for name in ("fine_tuned", "base", "provider")}
        if not all(isinstance(text, str) for text in texts.values()):
            return None
        return cls(tuple(examples), **texts, **counts)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def stored_round(tally: Mapping[str, Any]) -> RoundState | None:
    """The unfinished round in the project's ``bench_tally`` setting, if there is one."""
    state = RoundState.from_json(tally.get(ROUND_KEY))
    return state if state is not None and not state.finished else None


def tally_with_round(tally: Mapping[str, Any], state: RoundState | None) -> dict[str, Any]:
    """The ``bench_tally`` setting with ``state`` as its round (without one for None)."""
    updated = {key: value for key, value in tally.items() if key != ROUND_KEY}
    if state is not None:
        updated[ROUND_KEY] = state.to_json()
    return updated


def askable(document: ProjectDocument, example_id: int) -> bool:
    """Whether the example is (still) in the project with a prompt and a reply to it."""
    try:
        summary = document.summary(example_id)
    except KeyError:
        return False
    return bool(summary.prompt_preview) and summary.response_words > 0


def round_prompts(document: ProjectDocument) -> list[int]:
    """The examples a round can ask, in the project's order: those with a prompt and a reply.
    Read from the in-memory summaries, so counting a large project stays quick."""
    return [example_id for example_id in document.ids() if askable(document, example_id)]
