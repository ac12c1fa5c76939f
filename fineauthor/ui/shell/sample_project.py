"""The sample project: made once from the examples that ship with FineAuthor, then opened like
any other project (so a writer can play with it and their changes are kept)."""

from __future__ import annotations

import json
from pathlib import Path

from fineauthor.core.errors import ResourceError
from fineauthor.core.importers.training_file import import_jsonl
from fineauthor.core.project.project import Project
from fineauthor.core.resources import resource_path


def sample_project_path(folder: Path) -> Path:
    """The sample project in ``folder``, created from resources/sample if it is not there."""
    try:
        details = json.loads(resource_path("sample", "sample.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ResourceError(
            "The sample that ships with FineAuthor is missing. Reinstalling FineAuthor fixes it."
        ) from None
    path = folder / f"{details['title']}.fineauthor"
    if path.exists():
        return path
    import_jsonl(resource_path("sample", "sample.jsonl"), path)
    with Project.open(path) as project:
        project.update_settings(
            title=details["title"],
            style_name=details["style_name"],
            target_words=details["target_words"],
            tolerance_words=details["tolerance_words"],
        )
    return path
