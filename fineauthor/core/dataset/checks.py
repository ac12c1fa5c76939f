"""The dataset check: everything that would stop a fine-tune (errors) and everything a writer
may want to change first (warnings), with token totals and the cost estimate.

One pass over the examples; token counting runs in batches across every core. The same code
checks a JSONL file and a project, by the rules of the service that will train on them
(service_rules.py): the model's own service unless the settings name another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from fineauthor.core.catalog import ModelInfo
from fineauthor.core.dataset.estimate import Estimate, estimate
from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.example_count import count_problem
from fineauthor.core.dataset.jsonl import read_jsonl
from fineauthor.core.dataset.phrases import PhraseCounter
from fineauthor.core.dataset.problems import Problem, error, warning
from fineauthor.core.dataset.service_rules import (
    CONVERSATION,
    FORMAT_NAMES,
    OPENAI,
    ServiceRules,
    rules_for,
)
from fineauthor.core.dataset.tokens import (
    BatchCounter,
    TokenCache,
    example_tokens,
    special_tokens_in,
    text_digest,
)
from fineauthor.core.dataset.validate import parse_line
from fineauthor.core.project.project_settings import ProjectSettings

_BATCH_CHARACTERS = 1_000_000  # text per tokenizer batch: small enough to overlap with reading

DEFAULT_TOLERANCE = 0.15  # when a writer gives only a target length: ± 15% of it


class Item(NamedTuple):
    """One example to check: its line (or number), the Example when it could be read, its
    format problems, and the line's format (a conversation for a project's examples)."""

    line: int
    example: Example | None
    problems: list[Problem]
    format: str | None = CONVERSATION


def project_check_settings(
    settings: ProjectSettings, model: ModelInfo, service: str | None = None
) -> CheckSettings:
    """What a project's examples are checked against: its own choices, for ``model`` trained on
    ``service`` (the model's own service when None)."""
    return CheckSettings(
        model=model,
        service=service,
        target_words=settings.target_words,
        tolerance_words=settings.tolerance_words,
        system_prompt=settings.system_prompt or None,
        style_name=settings.style_name or None,
        unit="Example",
    )


def default_tolerance(target_words: int) -> int:
    """The tolerance in words to use when the writer set a target but no tolerance."""
    return round(target_words * DEFAULT_TOLERANCE)


@dataclass(frozen=True)
class CheckSettings:
    """What the examples are checked against. ``system_prompt`` is the project's; when None,
    the system prompt most examples share is taken as the intended one. ``service`` is the
    service that will train (its rules are the ones applied); None means the model's own."""

    model: ModelInfo
    service: str | None = None
    target_words: int | None = None
    tolerance_words: int | None = None
    system_prompt: str | None = None
    style_name: str | None = None
    unit: str = (
        "Line"  # how messages name an example's place: "Line" in a file, "Example" in a project
    )

    @property
    def rules(self) -> ServiceRules:
        """The rules of the service that will train on the examples."""
        return rules_for(self.service or self.model.provider)


@dataclass(frozen=True, slots=True)
class ExampleFacts:
    line: int
    tokens: int
    response_words: int


@dataclass
class CheckReport:
    model: ModelInfo
    examples: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    facts: list[ExampleFacts] = field(default_factory=list)
    estimate: Estimate = field(default_factory=lambda: Estimate(0, 0, None))
    rules: ServiceRules = OPENAI
    format: str | None = None  # the format of the file's first readable line

    @property
    def encoding(self) -> str:
        return self.model.encoding

    @property
    def total_tokens(self) -> int:
        return sum(f.tokens for f in self.facts)

    @property
    def max_example_tokens(self) -> int:
        return max((f.tokens for f in self.facts), default=0)

    @property
    def over_limit(self) -> int:
        limit = self.model.example_token_limit
        return 0 if limit is None else sum(1 for f in self.facts if f.tokens > limit)

    def to_json(self, file: str) -> dict[str, object]:
        """The ``fineauthor check --json`` object of DESIGN §6."""
        return {
            "file": file,
            "model": self.model.id,
            "encoding": self.encoding,
            "examples": self.examples,
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
            "tokens": {
                "total": self.total_tokens,
                "max_example": self.max_example_tokens,
                "over_limit": self.over_limit,
            },
            "estimate": self.estimate.to_json(),
        }


def file_items(path: Path, rules: ServiceRules) -> Iterator[Item]:
    """The examples of a JSONL file with their line numbers and format problems by ``rules``.
    Raises DatasetError at once when the file is unusable as a whole."""
    lines = read_jsonl(path)
    return _items_from_lines(lines, rules)


def example_items(examples: Iterable[Example], rules: ServiceRules = OPENAI) -> Iterator[Item]:
    """A project's examples, numbered from 1 and checked by the same format rules as a file."""
    for number, example in enumerate(examples, start=1):
        parsed = parse_line(example.to_json(), number, unit="Example", rules=rules)
        yield Item(number, parsed.example, parsed.problems, parsed.format)


def _items_from_lines(lines: Iterable, rules: ServiceRules) -> Iterator[Item]:
    for line in lines:
        if line.problem is not None:
            yield Item(line.number, None, [line.problem], None)
        else:
            parsed = parse_line(line.value, line.number, rules=rules)
            yield Item(line.number, parsed.example, parsed.problems, parsed.format)


def check_file(
    path: Path,
    settings: CheckSettings,
    *,
    progress: Callable[[int], None] | None = None,
) -> CheckReport:
    """Check a JSONL training file."""
    return check_items(file_items(path, settings.rules), settings, progress=progress)


def check_items(
    items: Iterable[Item],
    settings: CheckSettings,
    *,
    cache: TokenCache | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CheckReport:
    """Check examples given as (line, example or None, format problems). ``progress`` gets the
    number of examples read so far; when ``cancelled()`` turns true the check stops early and
    its report covers what was read."""
    run = _CheckRun(settings, cache)
    for item in items:
        run.add(*item)
        if progress is not None and run.report.examples % 256 == 0:
            progress(run.report.examples)
        if cancelled is not None and cancelled():
            break
    return run.finish()


class _CheckRun:
    def __init__(self, settings: CheckSettings, cache: TokenCache | None) -> None:
        self.settings = settings
        self.unit = settings.unit
        self.counter = BatchCounter(settings.model.encoding, cache, ahead=3)
        self.rules = settings.rules
        self.report = CheckReport(settings.model, rules=self.rules)
        self.first_format: tuple[int, str] | None = None
        self.phrases = PhraseCounter()
        self.batch: list[tuple[int, Example]] = []
        self.batch_characters = 0
        self.systems: list[tuple[int, bytes | None]] = []
        self.system_texts: dict[bytes, str] = {}
        self.seen: dict[int, int] = {}
        self.duplicates: list[Problem] = []

    def add(
        self,
        line: int,
        example: Example | None,
        problems: list[Problem],
        format: str | None = CONVERSATION,
    ) -> None:
        self.report.examples += 1
        self.report.errors.extend(problems)
        if format is not None:
            self._check_format(line, format)
        if example is None:
            return
        if _teaches_nothing(example):
            self.report.warnings.append(
                warning(
                    "nothing_to_learn",
                    f"{self.unit} {line} teaches the model nothing: every answer in it is "
                    "marked not to learn from (weight 0). Let the model learn from at least "
                    "one answer, or remove the example.",
                    line,
                )
            )
        for message in example.messages:
            markers = special_tokens_in(message.content)
            if markers:
                self.report.errors.append(
                    error(
                        "special_token_text",
                        f"{self.unit} {line}: the text contains “{markers[0]}”, a marker "
                        "models use internally. Training services refuse it or learn it wrongly; "
                        "remove it.",
                        line,
                        quote=markers[0],
                    )
                )
                break
        if format == CONVERSATION:  # the other formats have no place for a system prompt
            system = example.system
            digest = None if system is None else text_digest(system)
            if digest is not None:
                self.system_texts.setdefault(digest, system)  # type: ignore[arg-type]
            self.systems.append((line, digest))
        # Python's own hash of the messages: fast, and a clash between two different
        # examples in one run is as good as impossible (64 bits).
        key = hash(tuple((m.role, m.weight, m.name, m.content) for m in example.messages))
        first = self.seen.setdefault(key, line)
        if first != line:
            self.duplicates.append(
                warning(
                    "duplicate_example",
                    f"{self.unit} {line} is an exact copy of {self.unit.lower()} {first}. "
                    "A copy counts twice in training and pushes the model toward that one "
                    "answer.",
                    line,
                    examples=(first, line),
                )
            )
        self.phrases.add(line, example.response)
        self.batch.append((line, example))
        self.batch_characters += sum(len(m.content) for m in example.messages)
        if self.batch_characters >= _BATCH_CHARACTERS:
            self._count_batch()

    def _check_format(self, line: int, format: str) -> None:
        if self.first_format is None:
            self.first_format = (line, format)
            self.report.format = format
            return
        first_line, first = self.first_format
        if format != first:
            self.report.errors.append(
                error(
                    "mixed_formats",
                    f"{self.unit} {line} is {FORMAT_NAMES[format]}, but {self.unit.lower()} "
                    f"{first_line} is {FORMAT_NAMES[first]}. {self.rules.name} needs every "
                    "line of a file in one format.",
                    line,
                )
            )

    def _count_batch(self) -> None:
        if not self.batch:
            return
        texts = [m.content for _, example in self.batch for m in example.messages]
        self._record(self.counter.submit(self.batch, texts))
        self.batch = []
        self.batch_characters = 0

    def _record(self, counted: list[tuple[object, list[int]]]) -> None:
        encoding = self.settings.model.encoding
        for batch, counts in counted:
            position = 0
            for line, example in batch:  # type: ignore[attr-defined]
                size = len(example.messages)
                tokens = example_tokens(
                    counts[position : position + size], example.messages, encoding
                )
                position += size
                words = len(example.response.split())
                self.report.facts.append(ExampleFacts(line, tokens, words))
                self._check_length(line, tokens, words)

    def _check_length(self, line: int, tokens: int, words: int) -> None:
        model = self.settings.model
        limit = model.example_token_limit
        if limit is not None and tokens > limit:
            self.report.errors.append(
                error(
                    "example_too_long",
                    f"{self.unit} {line} is {tokens:,} tokens long; {model.name} learns from "
                    f"at most {limit:,} tokens per example and would cut the rest off. "
                    "Split it into shorter examples.",
                    line,
                )
            )
        target = self.settings.target_words
        if target:
            tolerance = self.settings.tolerance_words or 0
            if abs(words - target) > tolerance:
                side = "shorter" if words < target else "longer"
                self.report.warnings.append(
                    warning(
                        "off_target_length",
                        f"{self.unit} {line}: the response is {words:,} words, {side} than your "
                        f"target of {target:,} (± {tolerance:,}). Examples of a consistent "
                        "length are what teach the model its length.",
                        line,
                    )
                )

    def finish(self) -> CheckReport:
        self._count_batch()
        self._record(self.counter.finish())
        report = self.report
        report.facts.sort(key=lambda f: f.line)
        for problem in self._dataset_problems():
            (report.errors if problem.level == "error" else report.warnings).append(problem)
        report.errors.sort(key=_by_line)
        report.warnings.sort(key=_by_line)
        model = self.settings.model
        report.estimate = estimate((f.tokens for f in report.facts), model)
        return report

    def _dataset_problems(self) -> list[Problem]:
        found: list[Problem] = []
        problem = count_problem(self.report.examples, self.rules)
        if problem is not None:
            found.append(problem)
        found.extend(self._phrase_problems())
        found.extend(self._system_problems())
        found.extend(self.duplicates)
        return found

    def _phrase_problems(self) -> Iterator[Problem]:
        total = self.report.examples
        for repeated in self.phrases.repeated():
            lines = repeated.examples
            shown = ", ".join(str(n) for n in lines[:5])
            more = f" and {len(lines) - 5:,} more" if len(lines) > 5 else ""
            yield warning(
                "repeated_phrase",
                f"“{repeated.phrase}” appears in {len(lines):,} of {total:,} responses "
                f"({repeated.share:.0%}: {self.unit.lower()}s {shown}{more}). A phrase this "
                "common becomes the model’s habit; reword it in some of them.",
                examples=lines,
                quote=repeated.phrase,
            )

    def _system_problems(self) -> Iterator[Problem]:
        intended = self.settings.system_prompt
        with_system = [d for _, d in self.systems if d is not None]
        if intended:
            reference: bytes | None = text_digest(intended)
        elif with_system:
            reference = Counter(with_system).most_common(1)[0][0]
            intended = self.system_texts[reference]
        else:
            if self.systems:
                yield warning(
                    "missing_system_prompt",
                    "None of the examples has a system prompt. Give every example the same "
                    "system prompt you will use when you write with the model.",
                    examples=tuple(line for line, _ in self.systems),
                )
            return
        for line, digest in self.systems:
            if digest is None:
                yield warning(
                    "missing_system_prompt",
                    f"{self.unit} {line} has no system prompt, unlike the others. Give every "
                    "example the same system prompt you will use when you write with the model.",
                    line,
                )
            elif digest != reference:
                whose = "the project’s" if self.settings.system_prompt else "most examples’"
                yield warning(
                    "different_system_prompt",
                    f"{self.unit} {line}’s system prompt differs from {whose}. One consistent "
                    "system prompt teaches the model which voice to use when it sees it.",
                    line,
                )
        name = (self.settings.style_name or "").strip()
        if name and name.casefold() not in intended.casefold():
            yield warning(
                "style_name_missing",
                f"The system prompt does not mention your style name “{name}”. Putting the "
                "unusual name in it gives the model a clear signal for this voice.",
                quote=name,
            )


def _teaches_nothing(example: Example) -> bool:
    """Whether every answer of ``example`` is marked weight 0, so training learns nothing."""
    answers = [m for m in example.messages if m.role == "assistant"]
    return bool(answers) and all(m.weight == 0 for m in answers)


def _by_line(problem: Problem) -> tuple[bool, int]:
    # Findings about the whole dataset first, then by line; the sort is stable within a line.
    return problem.line is not None, problem.line or 0
