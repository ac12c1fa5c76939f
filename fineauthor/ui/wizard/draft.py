"""The wizard's draft: a real project file that holds the answers as they are given.

The moment the wizard opens, it creates (or reopens) a ``.fineauthor`` file in
``folders().data / "drafts"``. Every answer goes into that project's ``wizard`` setting the moment
it changes, together with the page the writer is on, so closing the wizard, a crash or a pulled
plug loses nothing: the next time the wizard starts it reopens the newest draft at the same page.

Finishing turns the draft into the writer's project: the answers become the project's settings,
the example slots are added, a complete copy goes to the chosen place and the draft is removed.

This module uses no widgets, so the conversion from answers to settings is testable on its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fineauthor import PROJECT_SUFFIX
from fineauthor.core.errors import FineAuthorError, ProjectError
from fineauthor.core.settings import folders

if TYPE_CHECKING:
    from fineauthor.core.dataset.example import Example
    from fineauthor.core.project.project import Project

SUFFIX = PROJECT_SUFFIX

PAGE = "page"  # the key of the page the writer is on, beside the answers
DEFAULT_SLOTS = 50
MAX_SLOTS = 1000

# Keys of the answers (one place, so pages, finishing and tests agree on the spelling).
LENGTH_ON, LENGTH_MIN, LENGTH_MAX = "win_length", "win_length_min", "win_length_max"
DIALOGUE_ON, DIALOGUE_PERCENT = "win_dialogue", "win_dialogue_percent"
BANNED_ON, BANNED_PHRASES = "win_banned", "win_banned_phrases"
POV_ON, POV_TEXT = "win_pov", "win_pov_text"
FREE_ON, FREE_TEXT = "win_free", "win_free_text"
KNOWLEDGE_ON, KNOWLEDGE_TEXT = "win_knowledge", "win_knowledge_text"
STYLE_DESCRIPTION, STYLE_PASSAGE, FINGERPRINT = "style_description", "style_passage", "fingerprint"
TARGET_WORDS, TOLERANCE_WORDS = "target_words", "tolerance_words"
SYSTEM_PROMPT, TEMPLATE, FOLLOW_UPS = "system_prompt", "prompt_template", "follow_ups"
TRIED_DETAILED, TRIED_TEMPERATURE, TRIED_STEPS = (
    "tried_detailed",
    "tried_temperature",
    "tried_steps",
)
FALLS_FLAT = "falls_flat"
STYLE_NAME = "style_name"
PLACED_NAME = "placed_name"  # the name the wizard put into the system prompt
BASE_MODEL = "base_model"
TITLE, SLOTS, SAVE_PATH = "title", "slots", "save_path"

DEFAULT_WIN_LENGTH = (1500, 2000)
DEFAULT_DIALOGUE_PERCENT = 30
DEFAULT_TARGET_WORDS = 1000  # a response's target length until the writer sets one


def drafts_folder() -> Path:
    """Where unfinished wizards keep their answers (moves with ``FINEAUTHOR_HOME``)."""
    return folders().data / "drafts"


def _draft_files() -> list[Path]:
    """Draft files, newest first."""
    folder = drafts_folder()
    try:
        files = [p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file()]
    except OSError:
        return []

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(files, key=modified, reverse=True)


@dataclass(frozen=True)
class DraftInfo:
    """What the start page needs to offer "Continue planning …"."""

    path: Path
    title: str
    page: int


def title_of(answers: Mapping[str, Any]) -> str:
    """The name a draft goes by: its title, else its style name, else '' (no name yet)."""
    for key in (TITLE, STYLE_NAME):
        value = answers.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def find_draft() -> DraftInfo | None:
    """The newest draft that can be read, or None. Unreadable drafts are skipped, not touched."""
    files = _draft_files()
    if not files:
        return None  # the usual case, answered without loading the project code
    from fineauthor.core.project.project import Project

    for path in files:
        try:
            with Project.open(path) as project:
                answers = project.settings.wizard
        except FineAuthorError:
            continue
        page = answers.get(PAGE, 0)
        return DraftInfo(path, title_of(answers), page if isinstance(page, int) else 0)
    return None


class WizardDraft:
    """The open draft project and the answers in it.

    :meth:`set` writes through at once; it raises a FineAuthorError with a plain message if the
    file cannot be written (a full disk), and the answer is then kept in memory only.
    """

    def __init__(self, project: Project) -> None:
        self.project: Project | None = project
        self.path = project.path
        self._answers: dict[str, Any] = dict(project.settings.wizard)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def start(cls) -> WizardDraft:
        """A new, empty draft."""
        folder = drafts_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProjectError(
                "FineAuthor couldn’t make a place to keep your answers. Check that there is "
                "room on the disk."
            ) from error
        from fineauthor.core.project.project import Project

        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        return cls(Project.create(folder / f"draft-{stamp}{SUFFIX}"))

    @classmethod
    def resume_or_start(cls) -> WizardDraft:
        """The newest readable draft, reopened, or a new one if there is none."""
        from fineauthor.core.project.project import Project

        for path in _draft_files():
            try:
                return cls(Project.open(path))
            except FineAuthorError:
                continue  # a damaged draft is left where it is, never overwritten
        return cls.start()

    # -- answers -------------------------------------------------------------------------------

    @property
    def answers(self) -> dict[str, Any]:
        """A copy of every answer given so far (and the page)."""
        return dict(self._answers)

    def get(self, key: str, default: Any = None) -> Any:
        return self._answers.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self._answers

    @property
    def page(self) -> int:
        page = self._answers.get(PAGE, 0)
        return page if isinstance(page, int) and not isinstance(page, bool) else 0

    def set(self, key: str, value: Any) -> None:
        """Remember one answer and write it to the draft file now."""
        self.update({key: value})

    def update(self, values: Mapping[str, Any]) -> None:
        """Remember several answers in one write."""
        changed = {k: v for k, v in values.items() if self._answers.get(k, _MISSING) != v}
        if not changed:
            return
        self._answers.update(changed)
        self._write()

    def remove(self, *keys: str) -> None:
        """Forget answers (used when a value should be worked out again)."""
        if any(k in self._answers for k in keys):
            for key in keys:
                self._answers.pop(key, None)
            self._write()

    def clear(self) -> None:
        """Forget every answer: "Start over"."""
        self._answers = {}
        self._write()

    def _write(self) -> None:
        if self.project is None:
            return
        self.project.update_settings(wizard=dict(self._answers))

    @property
    def is_blank(self) -> bool:
        """True when nothing has been answered and the writer never left the first page."""
        given = (key for key, value in self._answers.items() if value not in (None, "", False))
        return self.page == 0 and all(key == PAGE for key in given)

    # -- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file; the answers stay in it for next time."""
        if self.project is not None:
            self.project.close()
            self.project = None

    def discard(self) -> None:
        """Close and delete the draft."""
        self.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def finish(self, target: Path, settings: Mapping[str, Any], examples: list[Example]) -> Path:
        """Make the project at ``target`` from this draft and remove the draft.

        ``target`` must not exist yet (an existing project is never replaced from here). The
        draft is completed in place (settings, then the slots, each one transaction) and copied
        whole to ``target``; if any step fails the draft is still there to try again.
        """
        project = self.project
        if project is None:
            raise ProjectError("The answers have been closed. Start the guide again to go on.")
        target = Path(target)
        if target.suffix != SUFFIX:
            target = target.with_name(target.name + SUFFIX)
        if target.exists() or target.is_symlink():
            raise ProjectError(
                f"There is already a file called “{target.name}” in that folder. "
                "Choose another name or another folder."
            )
        # A draft holds no examples until now: clearing them makes a second try start clean.
        existing = project.example_ids()
        if existing:
            project.delete_examples(existing)
        project.update_settings(**settings)
        project.add_examples(examples)
        project.save_as(target)
        self.discard()
        return target


_MISSING = object()


# -- from answers to the project's settings ------------------------------------------------------


def _text(answers: Mapping[str, Any], key: str) -> str:
    value = answers.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _int(answers: Mapping[str, Any], key: str, default: int) -> int:
    value = answers.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def win_conditions(answers: Mapping[str, Any]) -> list[Any]:
    """The win conditions the writer ticked and filled in, as core objects, in page order."""
    from fineauthor.core.writing import win_conditions as wc

    found: list[Any] = []
    if answers.get(LENGTH_ON):
        low = _int(answers, LENGTH_MIN, DEFAULT_WIN_LENGTH[0])
        high = _int(answers, LENGTH_MAX, DEFAULT_WIN_LENGTH[1])
        found.append(wc.LengthBand(min_words=min(low, high), max_words=max(low, high)))
    if answers.get(DIALOGUE_ON):
        percent = _int(answers, DIALOGUE_PERCENT, DEFAULT_DIALOGUE_PERCENT)
        found.append(wc.DialogueFromStart(min_share=percent / 100))
    if answers.get(BANNED_ON) and lines(_text(answers, BANNED_PHRASES)):
        found.append(wc.BannedPhrases(phrases=tuple(lines(_text(answers, BANNED_PHRASES)))))
    if answers.get(POV_ON) and _text(answers, POV_TEXT):
        found.append(wc.PointOfViewNote(text=_text(answers, POV_TEXT)))
    if answers.get(FREE_ON) and _text(answers, FREE_TEXT):
        found.append(wc.FreeText(text=_text(answers, FREE_TEXT)))
    if answers.get(KNOWLEDGE_ON):
        found.append(wc.KnowledgeGoal(text=_text(answers, KNOWLEDGE_TEXT)))
    return found


def has_knowledge_goal(answers: Mapping[str, Any]) -> bool:
    return bool(answers.get(KNOWLEDGE_ON))


def default_model_id() -> str:
    from fineauthor.core.catalog import load_catalog

    return load_catalog().default_model


def chosen_model_id(answers: Mapping[str, Any]) -> str:
    """The base model the writer chose, or the catalog's recommendation."""
    chosen = _text(answers, BASE_MODEL)
    return chosen or default_model_id()


def project_settings(answers: Mapping[str, Any], title: str) -> dict[str, Any]:
    """The settings a finished wizard gives its project."""
    from fineauthor.core.catalog import load_catalog

    model_id = chosen_model_id(answers)
    try:
        provider = load_catalog().model(model_id).provider
    except FineAuthorError:
        provider = ""
    target = answers.get(TARGET_WORDS)
    tolerance = answers.get(TOLERANCE_WORDS)
    stored = {key: value for key, value in answers.items() if key != PAGE}
    stored["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "title": title,
        "system_prompt": _text(answers, SYSTEM_PROMPT),
        "style_name": _text(answers, STYLE_NAME),
        "target_words": target if isinstance(target, int) and target > 0 else None,
        "tolerance_words": tolerance if isinstance(tolerance, int) and tolerance >= 0 else None,
        "win_conditions": [condition.to_json() for condition in win_conditions(answers)],
        "provider": provider,
        "base_model": model_id,
        "wizard": stored,
    }


def slot_prompt(answers: Mapping[str, Any]) -> str:
    """The user prompt every new slot starts with: the writer's template, blanks and all (the
    writer fills in {beat}, {chapter}… for each example in the editor)."""
    return _text(answers, TEMPLATE)


def slot_examples(answers: Mapping[str, Any], count: int) -> list[Example]:
    """``count`` examples with the system prompt, the template as prompt and no response yet."""
    from fineauthor.core.dataset.example import Example, Message

    system = _text(answers, SYSTEM_PROMPT)
    prompt = slot_prompt(answers)
    messages = [Message("user", prompt), Message("assistant", "")]
    if system:
        messages.insert(0, Message("system", system))
    return [Example(tuple(messages)) for _ in range(max(0, count))]


def free_project_path(folder: Path, title: str) -> Path:
    """``folder/<title>.fineauthor``, or ``<title> 2.fineauthor``… if that is taken."""
    safe = "".join("-" if c in '/\\:*?"<>|' else c for c in title).strip(" .") or "My novel"
    path = folder / f"{safe}{SUFFIX}"
    number = 2
    while path.exists():
        path = folder / f"{safe} {number}{SUFFIX}"
        number += 1
    return path
