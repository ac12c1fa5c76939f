"""Bringing examples from a JSONL training file into a project, with an account of every line
that could not come along and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.jsonl import read_jsonl
from fineauthor.core.dataset.problems import Problem
from fineauthor.core.dataset.validate import parse_example
from fineauthor.core.errors import DatasetError
from fineauthor.core.project.project import Project

_KNOWN_EXAMPLE_KEYS = frozenset({"messages"})


@dataclass
class ImportSummary:
    added: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was read but left out, by line
    project: Path | None = None
    created: bool = False
    unit: tuple[str, str] = ("example", "examples")  # what was added: one, many

    @property
    def headline(self) -> str:
        where = f"a new project “{self.project}”" if self.created else f"“{self.project}”"
        one, many = self.unit
        added = f"1 {one}" if self.added == 1 else f"{self.added:,} {many}"
        text = f"Added {added} to {where}."
        skipped = len(self.skipped)
        if skipped == 1:
            text += " 1 line could not be imported (listed above)."
        elif skipped:
            text += f" {skipped:,} lines could not be imported (listed above)."
        return text


def jsonl_examples(
    source: Path, summary: ImportSummary, progress: Callable[[int], None] | None = None
) -> Iterator[Example]:
    """The valid examples of ``source`` in order; every line left out goes into ``summary``."""
    for line in read_jsonl(source):
        if progress is not None:
            progress(line.number)
        if line.problem is not None:
            summary.skipped.append(line.problem)
            continue
        example, problems = parse_example(line.value, line.number)
        if example is None:
            summary.skipped.extend(problems[:1])
            continue
        extra = sorted(k for k in line.value if k not in _KNOWN_EXAMPLE_KEYS)  # type: ignore[union-attr]
        if extra:
            summary.notes.append(
                f"Line {line.number}: the field “{extra[0]}” is not part of a chat example "
                "and was left out."
            )
        yield Example(example.messages, source=f"{source.name}:{line.number}")


def import_jsonl(
    source: Path,
    project_path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Add the examples of ``source`` to the project at ``project_path`` (created if missing)
    in one step: either all of them are added or, on cancel or failure, none."""
    summary = ImportSummary(project=project_path)
    examples = jsonl_examples(source, summary, progress)
    first = next(examples, None)  # reads until the first usable example
    if first is None:
        reasons = f" The first problem: {summary.skipped[0].message}" if summary.skipped else ""
        raise DatasetError(f"No examples could be imported from “{source.name}”.{reasons}")
    summary.created = not project_path.exists()
    project = (
        Project.create(project_path, title=project_path.stem)
        if summary.created
        else Project.open(project_path)
    )
    with project:
        systems: Counter[str] = Counter()

        def remember(example: Example) -> Example:
            systems[example.system or ""] += 1
            return example

        stream = (remember(e) for e in _chain(first, examples))
        summary.added = project.add_examples(stream, cancel=cancelled)
        shared, count = systems.most_common(1)[0]
        if shared and count == summary.added and not project.settings.system_prompt:
            project.update_settings(system_prompt=shared)
    return summary


def _chain(first: Example, rest: Iterator[Example]) -> Iterator[Example]:
    yield first
    yield from rest
