"""Sample examples and an outside look at a project's file, shared by the Project API tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project


def chat(prompt: str, response: str, system: str = "You are Outline Mageddon.") -> Example:
    return Example(
        (Message("system", system), Message("user", prompt), Message("assistant", response))
    )


def raw(path: Path) -> sqlite3.Connection:
    """A read-only look at the file from outside the Project, as another process would see it."""
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def positions(path: Path) -> list[tuple[int, int]]:
    with raw(path) as connection:
        return connection.execute("SELECT position, id FROM examples ORDER BY position").fetchall()


def prompts(project: Project) -> list[str]:
    return [example.prompt for example in project.examples()]
