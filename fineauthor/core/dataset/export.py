"""Writing a project's examples as the training files a service takes: the format choices each
service needs, and an optional validation split (examples held back to check the model on
writing it did not train on).

All three services read OpenAI's chat JSONL (core/jsonl.py). What differs is the per-message
``weight`` that marks an answer the model should read but not learn from:

- **OpenAI** documents ``"weight": 0|1`` on assistant messages (its fine-tuning chat format;
  the OpenAPI schema's ``FineTuneChatCompletionRequestAssistantMessage.weight``: "Controls
  whether the assistant message is trained against (0 or 1)").
- **Together AI** accepts ``weight`` 0 or 1 on any message of conversational data
  (docs.together.ai/docs/fine-tuning/data-preparation: "set per-message weights to control
  which messages contribute to the loss. Only 0 and 1 are supported"; its Python client's file
  check, together/utils/files.py ``validate_messages``, rejects any other value). An earlier
  version of that page (docs.together.ai/docs/fine-tuning-data-preparation) adds that when
  *any* message of a conversation carries a weight, ``train_on_inputs`` is switched on, so the
  prompts would be trained on too, and the current page's example marks the prompt
  ``"weight": 0``. So for Together every message of an example that has a weight gets one:
  0 for a system or user message, 1 for an assistant message, unless it already has one.
- **Fireworks AI** takes "the OpenAI-compatible chat completion format ... with no changes
  needed" (docs.fireworks.ai/fine-tuning/fine-tuning-models) and its page on checking what
  its trainer saw (docs.fireworks.ai/fine-tuning/debug-sft-tokenization) names "a
  message-level ``weight: 0``" among the things that remove tokens from training. Its other
  ``weight`` (a number at the top of a line, for weighting whole samples) is not written here.

A service this module does not know gets the plain format without weights: an answer marked
"skip" is then trained on like any other, which is better than a file the service refuses.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from fineauthor.core.atomic import atomic_write
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.jsonl import jsonl_line, write_jsonl
from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Cancelled

#: A validation split is offered from this many examples on: with fewer, every example is
#: needed for training and a held-back handful says little.
MIN_EXAMPLES_FOR_VALIDATION = 50
VALIDATION_PERCENT_MIN = 5
VALIDATION_PERCENT_MAX = 20
VALIDATION_PERCENT_DEFAULT = 10
#: The same project always splits the same way, so an export can be repeated exactly.
DEFAULT_SEED = 20261128


class ExportError(FineAuthorError):
    """The training files could not be written; the message says why in plain words."""


@dataclass(frozen=True)
class ProviderFormat:
    """How one service wants the training file: whether per-answer weights are kept, and
    whether prompts must carry ``weight: 0`` as soon as an example has any weight."""

    keeps_weights: bool
    weights_every_message: bool = False


_FORMATS: dict[str, ProviderFormat] = {
    "openai": ProviderFormat(keeps_weights=True),
    "together": ProviderFormat(keeps_weights=True, weights_every_message=True),
    "fireworks": ProviderFormat(keeps_weights=True),
}
_UNKNOWN = ProviderFormat(keeps_weights=False)


def provider_format(provider_id: str) -> ProviderFormat:
    """The format choices for ``provider_id`` (the plain, weightless format if unknown)."""
    return _FORMATS.get(provider_id, _UNKNOWN)


def keeps_weights(provider_id: str) -> bool:
    """Whether answers the writer marked "skip" (``weight: 0``) stay marked in the file."""
    return provider_format(provider_id).keeps_weights


def for_provider(example: Example, provider_id: str) -> Example:
    """``example`` as ``provider_id`` needs it (see the module's notes on weights)."""
    chosen = provider_format(provider_id)
    if not chosen.weights_every_message:
        return example  # write_jsonl keeps or drops the weights
    if all(m.weight is None for m in example.messages):
        return example
    messages = tuple(_weighted(m) for m in example.messages)
    return replace(example, messages=messages)


def _weighted(message: Message) -> Message:
    if message.weight is not None:  # a weight already set (a file may weigh a prompt) stays
        return message
    return replace(message, weight=1 if message.role == "assistant" else 0)


def training_bytes(examples: Iterable[Example], provider_id: str) -> bytes:
    """The exact training file for ``provider_id``, as the bytes that will be sent (and kept
    with the job as its snapshot)."""
    keep = keeps_weights(provider_id)
    return "".join(
        jsonl_line(for_provider(example, provider_id), keep_weights=keep) for example in examples
    ).encode("utf-8")


def preference_line(pair: PreferencePair) -> str:
    """One pair as a line of a preference training file (with its newline)."""
    return json.dumps(pair.to_json(), ensure_ascii=False, separators=(", ", ": ")) + "\n"


def preference_bytes(pairs: Iterable[PreferencePair]) -> bytes:
    """The exact preference training file, as the bytes that will be sent: the same for every
    service (Together, Fireworks and OpenAI read the one format)."""
    return "".join(preference_line(pair) for pair in pairs).encode("utf-8")


def write_preferences(pairs: Iterable[PreferencePair], path: Path) -> int:
    """Write pairs as a preference training file, atomically; returns how many."""
    count = 0
    with atomic_write(Path(path)) as stream:
        for pair in pairs:
            stream.write(preference_line(pair))
            count += 1
    return count


def split_validation(
    examples: Sequence[Example], fraction: float, seed: int = DEFAULT_SEED
) -> tuple[list[Example], list[Example]]:
    """Hold back about ``fraction`` of ``examples`` (at least one, and never all of them).

    The choice depends only on the number of examples and ``seed``, so it is the same every
    time. Both lists keep the project's order and no example is in both.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"the validation fraction must be between 0 and 1, not {fraction}")
    count = len(examples)
    if count < 2:
        return list(examples), []
    held = min(count - 1, max(1, round(count * fraction)))
    chosen = set(random.Random(seed).sample(range(count), held))
    train = [e for i, e in enumerate(examples) if i not in chosen]
    validation = [e for i, e in enumerate(examples) if i in chosen]
    return train, validation


def validation_path_for(path: Path) -> Path:
    """Where the held-back examples go: beside the training file, ``-validation`` added."""
    path = Path(path)
    return path.with_name(f"{path.stem}-validation{path.suffix or '.jsonl'}")


@dataclass(frozen=True)
class ExportResult:
    """The files written and how many examples each holds (``counts["train"]``,
    ``counts["validation"]``; the latter 0 without a split)."""

    train_path: Path
    validation_path: Path | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def export_dataset(
    examples: Iterable[Example],
    path: Path,
    provider_id: str,
    validation_fraction: float | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write ``examples`` to ``path`` for ``provider_id``, and with ``validation_fraction``
    a share of them to :func:`validation_path_for` ``(path)``.

    Atomic: on any failure (or ``cancelled()`` turning true, which raises :class:`Cancelled`)
    no new or half-written file is left and files already there are unchanged; with a split,
    both files appear together. ``progress(done)`` counts examples written over both files.
    """
    path = Path(path)
    keep = keeps_weights(provider_id)
    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if cancelled is not None and cancelled():
            raise Cancelled("Stopped. No file was written.")
        if progress is not None:
            progress(done)

    prepared = (for_provider(e, provider_id) for e in examples)
    try:
        if validation_fraction is None:
            first = next(prepared, None)
            if first is None:
                raise ExportError("There are no examples to export yet.")
            count = write_jsonl(_chain(first, prepared), path, keep_weights=keep, progress=tick)
            return ExportResult(path, None, {"train": count, "validation": 0})
        everything = list(prepared)
        if len(everything) < 2:
            raise ExportError("Holding examples back needs at least two examples.")
        train, validation = split_validation(everything, validation_fraction, seed)
        second = validation_path_for(path)
        _write_pair(path, train, second, validation, keep=keep, tick=tick)
        return ExportResult(path, second, {"train": len(train), "validation": len(validation)})
    except OSError as problem:
        reason = problem.strerror or "the disk refused it"
        raise ExportError(
            f"FineAuthor could not write “{path.name}” in “{path.parent}”: {reason}. "
            "Choose another folder, or make room on the disk, and try again."
        ) from None


def _write_pair(
    train_path: Path,
    train: list[Example],
    validation_path: Path,
    validation: list[Example],
    *,
    keep: bool,
    tick: Callable[[int], None],
) -> None:
    """Write both files into a private folder beside them, then move both into place."""
    folder = Path(tempfile.mkdtemp(prefix=".fineauthor-export-", dir=train_path.parent))
    placed: Path | None = None
    try:
        staged_train = folder / train_path.name
        staged_validation = folder / validation_path.name
        write_jsonl(train, staged_train, keep_weights=keep, progress=tick)
        write_jsonl(validation, staged_validation, keep_weights=keep, progress=tick)
        os.replace(staged_validation, validation_path)
        placed = validation_path
        os.replace(staged_train, train_path)
    except BaseException:
        if placed is not None:  # only if the second move failed: do not leave half a pair
            with contextlib.suppress(OSError):
                placed.unlink()
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _chain(first: Example, rest: Iterable[Example]) -> Iterable[Example]:
    yield first
    yield from rest
