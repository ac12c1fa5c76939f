"""Where the files that ship with FineAuthor live: next to the code when installed, or in the
source tree's top-level resources/ when run from a checkout."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from fineauthor.core.errors import ResourceError


@cache
def resources_dir() -> Path:
    """The folder holding tokenizer files, the model catalog, icons and the sample project."""
    package = Path(__file__).resolve().parent.parent
    candidates = [package / "resources", package.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle unpacks its data here
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if (candidate / "catalog.json").is_file():
            return candidate
    raise ResourceError(
        "FineAuthor's own data files are missing from this installation. "
        "Reinstalling FineAuthor should fix it."
    )


def resource_path(*parts: str) -> Path:
    """The path of one shipped file, e.g. ``resource_path("tokenizers", "cl100k.gz")``."""
    return resources_dir().joinpath(*parts)
