"""Every folder FineAuthor uses and every setting with its default, in one place.

Folders come from platformdirs. ``FINEAUTHOR_HOME`` moves all of them under one folder, which
is how the tests keep each run apart from the writer's real files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from fineauthor import APP_NAME

HOME_VARIABLE = "FINEAUTHOR_HOME"

DEFAULTS: dict[str, object] = {
    "editor_font_family": "",  # empty: the platform's serif
    "editor_font_size": 12,
    "theme": "system",  # "system", "light" or "dark"
    "projects_folder": "",  # empty: Documents/FineAuthor
    "recent_projects": [],
    "base_urls": {},  # provider id → a custom address (Azure OpenAI, Nebius, a proxy)
    "fireworks_account_id": "",  # Fireworks' account id (not a secret; FIREWORKS_ACCOUNT_ID wins)
    # The chat server on the writer's computer (Ollama, LM Studio…); empty: Ollama's usual
    # address. LOCAL_BASE_URL wins.
    "local_base_url": "",
    "prompt_writer": {},  # the service and model last chosen to write prompts from prose
}


@dataclass(frozen=True)
class Folders:
    config: Path
    data: Path
    logs: Path
    cache: Path
    documents: Path


def folders() -> Folders:
    """The folders in use now (read on every call so a changed environment takes effect)."""
    home = os.environ.get(HOME_VARIABLE)
    if home:
        root = Path(home)
        return Folders(
            config=root / "config",
            data=root / "data",
            logs=root / "logs",
            cache=root / "cache",
            documents=root / "Documents" / APP_NAME,
        )
    import platformdirs

    return Folders(
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        documents=Path(platformdirs.user_documents_dir()) / APP_NAME,
    )


def _settings_file() -> Path:
    return folders().config / "settings.json"


def load_settings() -> dict[str, object]:
    """Every setting, the saved value where there is a usable one and the default otherwise."""
    values = dict(DEFAULTS)
    try:
        saved = json.loads(_settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return values
    if isinstance(saved, dict):
        for key, default in DEFAULTS.items():
            if key in saved and isinstance(saved[key], type(default)):
                values[key] = saved[key]
    return values


def save_settings(values: dict[str, object]) -> None:
    """Write the settings atomically (a half-written settings file is never left behind)."""
    path = _settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    from fineauthor.core.atomic import atomic_write  # tempfile: not needed to start up

    known = {key: values[key] for key in DEFAULTS if key in values}
    with atomic_write(path) as stream:
        stream.write(json.dumps(known, indent=2, ensure_ascii=False))
