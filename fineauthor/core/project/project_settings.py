"""The project-wide settings (the voice, the length target, where to train, the wizard's answers)
and how each is kept as JSON in the project's ``settings`` table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class ProjectSettings:
    """The project-wide choices: the voice, the length target and where to train.

    ``target_words``/``tolerance_words`` are None until the writer sets a length.
    ``win_conditions`` is a tuple of small dicts (one per check the writer wants met) and
    ``wizard`` holds the first-fine-tune wizard's answers as they were given, and
    ``bench_tally`` the test bench's blind-test choices (see
    ``core.writing.bench_scoring.BenchTally``). ``deployment`` is the server the writer
    started to run a trained model (``provider``, ``id``, ``model``, ``started`` as an ISO
    time), kept until it is stopped so a crash or a quit never forgets it; empty when none.
    """

    title: str = ""
    system_prompt: str = ""
    style_name: str = ""
    target_words: int | None = None
    tolerance_words: int | None = None
    win_conditions: tuple[dict[str, Any], ...] = field(default=(), hash=False)
    provider: str = ""
    base_model: str = ""
    wizard: dict[str, Any] = field(default_factory=dict, hash=False)
    bench_tally: dict[str, Any] = field(default_factory=dict, hash=False)
    deployment: dict[str, Any] = field(default_factory=dict, hash=False)


_SETTING_NAMES = tuple(f.name for f in fields(ProjectSettings))


def _valid_setting(key: str, value: object) -> bool:
    """Whether ``value`` has the type the setting ``key`` holds."""
    if key in ("target_words", "tolerance_words"):
        return value is None or (isinstance(value, int) and not isinstance(value, bool))
    if key == "win_conditions":
        return isinstance(value, list | tuple) and all(isinstance(item, dict) for item in value)
    if key in ("wizard", "bench_tally", "deployment"):
        return isinstance(value, dict)
    return isinstance(value, str)


def settings_from_rows(rows: Iterable[Sequence[Any]]) -> ProjectSettings:
    """The settings held in ``(key, JSON value)`` rows of the settings table.

    A value of the wrong type (which only another program could have written) falls back to
    its default rather than making the whole project unopenable.
    """
    values: dict[str, Any] = {}
    for key, raw in rows:
        if key not in _SETTING_NAMES:
            continue
        try:
            value = json.loads(raw)
        except (TypeError, ValueError, RecursionError):
            continue
        if _valid_setting(key, value):
            values[key] = tuple(value) if key == "win_conditions" else value
    return ProjectSettings(**values)


def encode_settings(changes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``changes`` as ``(key, JSON value)`` rows for the settings table.

    An unknown name or a value of the wrong type raises TypeError.
    """
    encoded = []
    for key, value in changes.items():
        if key not in _SETTING_NAMES:
            raise TypeError(f"unknown project setting {key!r}")
        if not _valid_setting(key, value):
            raise TypeError(f"wrong type for project setting {key!r}: {value!r}")
        stored = list(value) if key == "win_conditions" else value
        encoded.append((key, json.dumps(stored, ensure_ascii=False)))
    return encoded
