"""The projects the Project API tests start from: a new empty one, and one with five examples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.core.project.project import Project
from tests.unit.core.project.project_samples import chat


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "Chapter ideas.fineauthor"


@pytest.fixture
def project(path: Path) -> Iterator[Project]:
    with Project.create(path, title="Chapter ideas") as opened:
        yield opened


@pytest.fixture
def filled(project: Project) -> Project:
    project.add_examples(chat(f"prompt {n}", f"response {n}") for n in range(5))
    return project
