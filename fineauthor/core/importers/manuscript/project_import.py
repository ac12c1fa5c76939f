"""Adding a manuscript to a project in one step, as ``fineauthor import BOOK.docx`` does: read
it, cut it into chapters or scenes, leave out the tiny pieces (a title line, a dedication), and
add the rest as examples with the writer's prompt template; and its account of what it did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.manuscript.examples import piece_example
from fineauthor.core.importers.manuscript.paragraphs import Manuscript
from fineauthor.core.importers.manuscript.pieces import CHAPTERS, Piece, split, worth_keeping
from fineauthor.core.importers.manuscript.reading import read_manuscript
from fineauthor.core.project.project import Project
from fineauthor.core.writing.bench_scoring import WIZARD_TEMPLATE


@dataclass
class ManuscriptImport:
    """What ``fineauthor import BOOK`` did: the manuscript as read, the pieces added and those
    left out as too short to teach anything."""

    manuscript: Manuscript
    level: str = CHAPTERS
    added: list[Piece] = field(default_factory=list)
    too_short: list[Piece] = field(default_factory=list)
    project: Path | None = None
    created: bool = False

    @property
    def headline(self) -> str:
        where = f"a new project “{self.project}”" if self.created else f"“{self.project}”"
        kind = "chapter" if self.level == CHAPTERS else "scene"
        count = len(self.added)
        pieces = f"1 {kind}" if count == 1 else f"{count:,} {kind}s"
        return f"Added {pieces} of “{self.manuscript.name}” as examples to {where}."


def import_manuscript(
    source: Path,
    project_path: Path,
    *,
    level: str = CHAPTERS,
    template: str | None = None,
    emphasis: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> ManuscriptImport:
    """Add the pieces of the manuscript ``source`` worth keeping to the project at
    ``project_path`` (created if missing), all in one step or none. ``template`` is the prompt
    for each piece ({chapter}, {scene}… filled in); without one, the project's own (from the
    wizard), else empty prompts for the writer to fill."""
    manuscript = read_manuscript(source, emphasis=emphasis)
    result = ManuscriptImport(manuscript, level, project=project_path)
    pieces = split(manuscript.paragraphs, level, Path(source).stem)
    for piece, keep in zip(pieces, worth_keeping(pieces), strict=True):
        (result.added if keep else result.too_short).append(piece)
    if not result.added:
        raise DatasetError(f"“{manuscript.name}” has no chapter long enough to be an example.")
    result.created = not project_path.exists()
    project = (
        Project.create(project_path, title=project_path.stem)
        if result.created
        else Project.open(project_path)
    )
    with project:
        settings = project.settings
        if template is None:
            stored = settings.wizard.get(WIZARD_TEMPLATE) if settings.wizard else None
            template = stored if isinstance(stored, str) else ""
        examples = [
            piece_example(piece, template, manuscript.name, settings.system_prompt)
            for piece in result.added
        ]
        project.add_examples(examples, cancel=cancelled)
    return result
