"""Adding a whole export to a project in one step, all of it or nothing: what
``fineauthor import EXPORT.zip`` does, and its account of what it did."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fineauthor.core.dataset.example import Example
from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.chatgpt.conversation import (
    Conversation,
    ExportSummary,
    LeftOut,
    Unusable,
)
from fineauthor.core.importers.chatgpt.examples import to_example
from fineauthor.core.importers.chatgpt.export import read_export
from fineauthor.core.project.project import Project


@dataclass
class ChatGPTImport:
    """What ``fineauthor import EXPORT.zip`` did."""

    export: ExportSummary
    added: int = 0
    folded: int = 0  # examples whose follow-ups were folded into the prompt
    project: Path | None = None
    created: bool = False

    @property
    def damaged(self) -> list[LeftOut]:
        return [item for item in self.export.left_out if item.reason is Unusable.DAMAGED]

    @property
    def headline(self) -> str:
        where = f"a new project “{self.project}”" if self.created else f"“{self.project}”"
        added = "1 example" if self.added == 1 else f"{self.added:,} examples"
        text = f"Added {added} from your ChatGPT conversations to {where}."
        if self.folded == 1:
            text += " 1 had its follow-ups folded into the first prompt."
        elif self.folded:
            text += f" {self.folded:,} had their follow-ups folded into the first prompt."
        damaged = len(self.damaged)
        if damaged == 1:
            text += " 1 damaged conversation could not be imported (listed above)."
        elif damaged:
            text += f" {damaged:,} damaged conversations could not be imported (listed above)."
        return text


def import_export(
    source: Path,
    project_path: Path,
    *,
    fold_follow_ups: bool = False,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ChatGPTImport:
    """Add every usable conversation of the export ``source`` to the project at
    ``project_path`` (created if missing), in one step: all of them, or none on a failure or
    cancel. With an existing project, each example gets the project's system prompt."""
    result = ChatGPTImport(ExportSummary(), project=project_path)
    conversations = read_export(source, result.export, progress=progress, cancelled=cancelled)
    first = next(conversations, None)  # reads until the first usable conversation
    if first is None:
        reason = f" {result.export.left_out[0].message}" if result.export.left_out else ""
        if result.export.conversations == 0:
            reason = " It holds no conversations."
        raise DatasetError(f"No examples could be made from “{Path(source).name}”.{reason}")
    result.created = not project_path.exists()
    project = (
        Project.create(project_path, title=project_path.stem)
        if result.created
        else Project.open(project_path)
    )
    with project:
        system = project.settings.system_prompt or None

        def examples() -> Iterator[Example]:
            for conversation in _chain(first, conversations):
                if fold_follow_ups and conversation.prompts > 1:
                    result.folded += 1
                yield to_example(conversation, fold=fold_follow_ups, system=system)

        result.added = project.add_examples(examples(), cancel=cancelled)
    return result


def _chain(first: Conversation, rest: Iterator[Conversation]) -> Iterator[Conversation]:
    yield first
    yield from rest
