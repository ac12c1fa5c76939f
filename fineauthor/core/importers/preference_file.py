"""Bringing choices (preference pairs) from a preference training file into a project: one
pair per line, ``{"input": {"messages": [...]}, "preferred_output": [...],
"non_preferred_output": [...]}``, the format Together, Fireworks and OpenAI train on (DESIGN §3)
and the one ``fineauthor export --preferences`` writes. Every line left out is accounted for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from fineauthor.core.dataset.jsonl import read_jsonl
from fineauthor.core.dataset.preference_pair import IMPORTED, PreferencePair
from fineauthor.core.dataset.service_rules import FORMAT_KEYS, PREFERENCE, TOGETHER
from fineauthor.core.dataset.validate import parse_line
from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.training_file import ImportSummary
from fineauthor.core.project.project import Project


def is_preference_file(path: Path) -> bool:
    """Whether the first line that reads as JSON is a preference pair."""
    for line in read_jsonl(path):
        if line.problem is None:
            value = line.value
            return isinstance(value, dict) and all(k in value for k in FORMAT_KEYS[PREFERENCE])
    return False


def preference_pairs(
    source: Path, summary: ImportSummary, progress: Callable[[int], None] | None = None
) -> Iterator[PreferencePair]:
    """The usable pairs of ``source`` in order; every line left out goes into ``summary``."""
    for line in read_jsonl(source):
        if progress is not None:
            progress(line.number)
        if line.problem is not None:
            summary.skipped.append(line.problem)
            continue
        # Together's rules read every format; its checks of a pair are the ones we need.
        parsed = parse_line(line.value, line.number, rules=TOGETHER)
        if parsed.problems or parsed.example is None:
            summary.skipped.extend(parsed.problems[:1])
            continue
        if parsed.format != PREFERENCE:
            summary.notes.append(
                f"Line {line.number} is an example, not a choice between two replies, and was "
                "left out. Import it on its own to add it to your examples."
            )
            continue
        *messages, preferred = parsed.example.messages
        other = line.value["non_preferred_output"][0]["content"]  # type: ignore[index]
        yield PreferencePair(
            messages=tuple(messages),
            preferred=preferred.content,
            other=other,
            source=IMPORTED,
            note=f"{source.name}:{line.number}",
        )


def import_preferences(
    source: Path,
    project_path: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Add the pairs of ``source`` to the project at ``project_path`` (created if missing) in
    one step: all of them, or none when the file holds no usable pair."""
    summary = ImportSummary(project=project_path, unit=("choice", "choices"))
    pairs = list(preference_pairs(source, summary, progress))
    if not pairs:
        reasons = f" The first problem: {summary.skipped[0].message}" if summary.skipped else ""
        raise DatasetError(f"No choices could be imported from “{source.name}”.{reasons}")
    summary.created = not project_path.exists()
    project = (
        Project.create(project_path, title=project_path.stem)
        if summary.created
        else Project.open(project_path)
    )
    with project:
        project.preferences.insert(None, pairs)
    summary.added = len(pairs)
    return summary
