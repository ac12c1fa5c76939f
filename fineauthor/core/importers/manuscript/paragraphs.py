"""A manuscript as read: its paragraphs (body text, headings with a level, scene breaks), and
the error that says in plain words why a file could not be read."""

from __future__ import annotations

from dataclasses import dataclass

from fineauthor.core.dataset.summary import count_words
from fineauthor.core.errors import DatasetError


class ManuscriptError(DatasetError):
    """A manuscript could not be read; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a manuscript. ``heading`` is 0 for body text, else its level (1 is the
    biggest: a part or a book's title; Word's Heading 2 is 2); ``scene_break`` marks a line of
    symbols between scenes; ``front`` marks a book's title and subtitle (Word's Title and
    Subtitle styles), which belong to the title page, not to a chapter."""

    text: str
    heading: int = 0
    scene_break: bool = False
    front: bool = False


@dataclass(frozen=True, slots=True)
class Manuscript:
    """A manuscript as read: its file name, paragraphs in order, and notes on how it was read
    (an encoding guessed, parts of a Word file left out)."""

    name: str
    paragraphs: tuple[Paragraph, ...]
    notes: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return sum(count_words(p.text) for p in self.paragraphs if not p.heading)

    @property
    def headings(self) -> int:
        return sum(1 for p in self.paragraphs if p.heading)

    @property
    def scene_breaks(self) -> int:
        return sum(1 for p in self.paragraphs if p.scene_break)


def unreadable(name: str, problem: OSError) -> ManuscriptError:
    """A file the system would not give us, in plain words."""
    if isinstance(problem, FileNotFoundError):
        return ManuscriptError(f"“{name}” could not be found. It may have been moved.")
    if isinstance(problem, IsADirectoryError):
        return ManuscriptError(f"“{name}” is a folder, not a file.")
    if isinstance(problem, PermissionError):
        return ManuscriptError(
            f"FineAuthor is not allowed to read “{name}”. Check the file’s permissions."
        )
    reason = problem.strerror or "the disk reported a problem"
    return ManuscriptError(f"“{name}” could not be read ({reason}).")
