"""An open project as the windows see it: the core Project, its undo history, and signals that
tell every view what changed.

Views never write to the project themselves. They call the edit methods here; each pushes an
undoable command (ui/commands.py) whose ``redo`` writes through the core, so every edit is on
disk the moment it is made. The ``*_stored`` methods are the commands' only way in.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QUndoStack

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.core.dataset.prompt_origin import PromptOrigin
from fineauthor.core.dataset.summary import ExampleSummary, summarize
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Project
from fineauthor.core.project.project_settings import ProjectSettings
from fineauthor.ui.shell import undo_commands as commands

#: One prompt a model wrote: (example id, (prompt, origin) before, (prompt, origin) after).
PromptChange = tuple[int, tuple[str, PromptOrigin], tuple[str, PromptOrigin]]

_CACHED_EXAMPLES = 64  # whole examples kept in memory; the rest stay on disk until shown


class ProjectDocument(QObject):
    """One open project. Indexes are positions in the project's order, ids are stable."""

    examplesInserted = Signal(int, int)  # noqa: N815  (first index, how many)
    examplesRemoved = Signal(int, list)  # noqa: N815  (first index, ids of a run that was there)
    exampleMoved = Signal(int, int)  # noqa: N815  (old index, new index)
    exampleChanged = Signal(int)  # noqa: N815  (example id)
    settingsChanged = Signal()  # noqa: N815
    reset = Signal()  # everything may have changed: views reload
    datasetChanged = Signal()  # noqa: N815  after any change above (checks rerun)
    saved = Signal()  # a change reached the disk
    writeFailed = Signal(str)  # noqa: N815  a plain message: the change could not be saved
    # The preference pairs (project.preferences), told apart so the examples' check stays put.
    pairsInserted = Signal(int, int)  # noqa: N815  (first index, how many)
    pairsRemoved = Signal(int, int)  # noqa: N815  (first index, how many)
    pairChanged = Signal(int)  # noqa: N815  (pair id)
    pairsChanged = Signal()  # noqa: N815  after any change to the pairs (their checks rerun)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        self._examples: OrderedDict[int, Example] = OrderedDict()
        self._load()

    def _load(self) -> None:
        summaries = self.project.summaries()
        self._ids = [s.id for s in summaries]
        self._summaries = {s.id: s for s in summaries}
        self._positions: dict[int, int] | None = None
        self._examples.clear()
        self._settings = self.project.settings
        self._pairs: list[PreferencePair] | None = None  # read when first asked for

    # Reading ----------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.project.path

    @property
    def title(self) -> str:
        return self._settings.title or self.project.path.stem

    @property
    def settings(self) -> ProjectSettings:
        return self._settings

    def count(self) -> int:
        return len(self._ids)

    def ids(self) -> Sequence[int]:
        """Example ids in order (a live view: do not change it)."""
        return self._ids

    def id_at(self, index: int) -> int:
        return self._ids[index]

    def index_of(self, example_id: int) -> int:
        if self._positions is None:
            self._positions = {example_id: i for i, example_id in enumerate(self._ids)}
        return self._positions[example_id]

    def summary(self, example_id: int) -> ExampleSummary:
        return self._summaries[example_id]

    def example(self, example_id: int) -> Example:
        """The whole example, from a small cache or from disk."""
        cached = self._examples.get(example_id)
        if cached is not None:
            self._examples.move_to_end(example_id)
            return cached
        example = self.project.example(example_id)
        self._remember(example)
        return example

    def _remember(self, example: Example) -> None:
        assert example.id is not None
        self._examples[example.id] = example
        self._examples.move_to_end(example.id)
        while len(self._examples) > _CACHED_EXAMPLES:
            self._examples.popitem(last=False)

    def new_example(self) -> Example:
        """A blank example: the project's system prompt, an empty prompt and response."""
        system = self._settings.system_prompt
        messages = [Message("user", ""), Message("assistant", "")]
        if system:
            messages.insert(0, Message("system", system))
        return Example(tuple(messages))

    def pairs(self) -> Sequence[PreferencePair]:
        """The preference pairs in the writer's order (do not change the list)."""
        if self._pairs is None:
            self._pairs = self.project.preferences.all()
        return self._pairs

    def pair_count(self) -> int:
        return len(self.pairs())

    def pair_index(self, pair_id: int) -> int:
        """Where the pair is in the order; KeyError if there is none with that id."""
        for index, pair in enumerate(self.pairs()):
            if pair.id == pair_id:
                return index
        raise KeyError(pair_id)

    def pair(self, pair_id: int) -> PreferencePair:
        """One pair by id; KeyError if there is none."""
        return self.pairs()[self.pair_index(pair_id)]

    # Editing: each pushes one undoable command --------------------------------------------

    def add_example(self, index: int | None = None, example: Example | None = None) -> int | None:
        """Add ``example`` (blank by default) at ``index`` (the end by default); its new id."""
        where = self.count() if index is None else index
        command = commands.AddExamples(
            self, where, [example or self.new_example()], self.tr("Add example")
        )
        self.undo_stack.push(command)
        return command.ids[0] if command.ids else None

    def duplicate(self, example_ids: Sequence[int]) -> list[int]:
        """Copies of the examples, each right after the last one chosen."""
        if not example_ids:
            return []
        ordered = sorted(example_ids, key=self.index_of)
        after = self.index_of(ordered[-1]) + 1
        copies = [replace(self.example(i), id=None, created=None, modified=None) for i in ordered]
        text = self.tr("Duplicate example") if len(copies) == 1 else self.tr("Duplicate examples")
        command = commands.AddExamples(self, after, copies, text)
        self.undo_stack.push(command)
        return command.ids

    def import_examples(self, examples: Sequence[Example]) -> list[int]:
        """Add ``examples`` at the end as one undo step ("Import 34 examples"); their new ids."""
        if not examples:
            return []
        if len(examples) == 1:
            text = self.tr("Import 1 example")
        else:
            text = self.tr("Import {count} examples").format(count=f"{len(examples):,}")
        command = commands.AddExamples(self, self.count(), list(examples), text)
        self.undo_stack.push(command)
        return command.ids

    def delete(self, example_ids: Sequence[int]) -> None:
        if not example_ids:
            return
        text = self.tr("Delete example") if len(example_ids) == 1 else self.tr("Delete examples")
        self.undo_stack.push(commands.DeleteExamples(self, list(example_ids), text))

    def move(self, example_id: int, new_index: int) -> None:
        new_index = max(0, min(new_index, self.count() - 1))
        if new_index != self.index_of(example_id):
            self.undo_stack.push(commands.MoveExample(self, example_id, new_index))

    def set_text(self, example_id: int, message_index: int, text: str) -> None:
        """Typing in one message; bursts of typing in one field undo together."""
        before = self.example(example_id).messages[message_index].content
        if text != before:
            self.undo_stack.push(commands.EditText(self, example_id, message_index, before, text))

    def set_weight(self, example_id: int, message_index: int, weight: int | None) -> None:
        """Whether the model trains on one of its answers (1), only reads it (0), or default."""
        before = self.example(example_id).messages
        after = list(before)
        after[message_index] = replace(before[message_index], weight=weight)
        text = self.tr("Train on this answer") if weight != 0 else self.tr("Skip this answer")
        self._push_messages(example_id, before, tuple(after), text)

    def add_turn(self, example_id: int) -> None:
        """Another exchange: a follow-up prompt and the answer to it."""
        before = self.example(example_id).messages
        after = (*before, Message("user", ""), Message("assistant", ""))
        self._push_messages(example_id, before, after, self.tr("Add a turn"))

    def remove_turn(self, example_id: int, message_index: int) -> None:
        """Remove the follow-up prompt at ``message_index`` and the answer after it."""
        before = self.example(example_id).messages
        end = message_index + 2 if message_index + 1 < len(before) else message_index + 1
        after = before[:message_index] + before[end:]
        self._push_messages(example_id, before, after, self.tr("Remove a turn"))

    def set_system_prompt(self, example_id: int, text: str | None) -> None:
        """Give one example its own system prompt (None removes it)."""
        before = self.example(example_id).messages
        rest = tuple(m for m in before if m.role != "system")
        after = rest if text is None else (Message("system", text), *rest)
        self._push_messages(example_id, before, after, self.tr("Change system prompt"))

    def _push_messages(
        self,
        example_id: int,
        before: tuple[Message, ...],
        after: tuple[Message, ...],
        text: str,
    ) -> None:
        if before != after:
            self.undo_stack.push(commands.ReplaceMessages(self, example_id, before, after, text))

    def set_note(self, example_id: int, note: str) -> None:
        before = self.example(example_id).note
        if note != before:
            self.undo_stack.push(commands.SetNote(self, example_id, before, note))

    def add_pairs(self, pairs: Sequence[PreferencePair], text: str = "") -> list[int]:
        """Add preference pairs at the end as one undo step; their new ids."""
        if not pairs:
            return []
        if not text:
            text = (
                self.tr("Save a choice")
                if len(pairs) == 1
                else self.tr("Save {count} choices").format(count=f"{len(pairs):,}")
            )
        command = commands.AddPairs(self, self.pair_count(), list(pairs), text)
        self.undo_stack.push(command)
        return command.ids

    def delete_pairs(self, pair_ids: Sequence[int]) -> None:
        if pair_ids:
            text = self.tr("Delete a choice") if len(pair_ids) == 1 else self.tr("Delete choices")
            self.undo_stack.push(commands.DeletePairs(self, list(pair_ids), text))

    def set_pair_text(self, pair_id: int, part: str, text: str) -> None:
        """Typing in one part of a pair: "prompt" (its last user turn), "preferred", "other"
        or "note". Bursts of typing in one part undo together."""
        before = self.pair(pair_id)
        if part == "prompt":
            after = replace(before, messages=_with_prompt(before.messages, text))
        else:
            after = replace(before, **{part: text})
        if after != before:
            self.undo_stack.push(commands.ChangePair(self, before, after, self.tr("Typing"), part))

    def swap_pair(self, pair_id: int) -> None:
        """The other reply becomes the preferred one, and the models with them."""
        before = self.pair(pair_id)
        after = replace(
            before,
            preferred=before.other,
            other=before.preferred,
            preferred_model=before.other_model,
            other_model=before.preferred_model,
        )
        self.undo_stack.push(commands.ChangePair(self, before, after, self.tr("Swap the replies")))

    def accept_prompts(self, example_ids: Sequence[int]) -> None:
        """The writer accepts the prompts a model wrote for these examples, as one undo step."""
        before = {
            i: self.example(i).prompt_origin
            for i in example_ids
            if self.summary(i).prompt_to_review
        }
        if before:
            after = {i: replace(origin, reviewed=True) for i, origin in before.items()}
            text = (
                self.tr("Accept the prompt")
                if len(before) == 1
                else self.tr("Accept {count} prompts").format(count=f"{len(before):,}")
            )
            self.undo_stack.push(commands.SetPromptOrigins(self, before, after, text))

    def prompt_saved(self, example_id: int) -> None:
        """A worker wrote this example's prompt through the project: show it everywhere."""
        self._examples.pop(example_id, None)
        if example_id in self._summaries:
            self._changed(self.project.example(example_id))
            self.datasetChanged.emit()

    def prompts_written(self, written: Sequence[PromptChange]) -> None:
        """A run of written prompts (already saved, one by one) becomes one undo step.
        (id, before, after) each; one the writer has changed since is left out of it."""
        kept = [
            (i, before, after)
            for i, before, after in written
            if i in self._summaries
            and (self.example(i).prompt, self.example(i).prompt_origin) == after
        ]
        if kept:
            text = (
                self.tr("Write a prompt")
                if len(kept) == 1
                else self.tr("Write {count} prompts").format(count=f"{len(kept):,}")
            )
            self.undo_stack.push(commands.WritePrompts(self, kept, text))

    def update_settings(self, **changes: object) -> None:
        current = asdict(self._settings)
        before = {key: current[key] for key in changes}
        if before != changes:
            self.undo_stack.push(commands.UpdateSettings(self, before, dict(changes)))

    # What the commands call: write through the core, then tell the views -------------------

    @contextlib.contextmanager
    def _writing(self, changed: SignalInstance | None = None) -> Iterator[None]:
        """A failed write (disk full, drive gone) is reported and the views reload from disk;
        the undo history no longer matches the file, so it is cleared. ``changed`` is the
        signal a successful write ends with (``datasetChanged`` unless told)."""
        try:
            yield
        except FineAuthorError as problem:
            self.writeFailed.emit(str(problem))
            self._load()
            self.reset.emit()
            self.datasetChanged.emit()
            self.pairsChanged.emit()
            QTimer.singleShot(0, self.undo_stack, self.undo_stack.clear)  # not inside a command
            return
        self.saved.emit()
        (changed if changed is not None else self.datasetChanged).emit()

    def insert_stored(self, index: int, examples: Sequence[Example]) -> list[Example]:
        """Store a block of examples at ``index`` in one transaction; them, as stored."""
        with self._writing():
            stored = self.project.insert_examples(index, examples)
            self._ids[index:index] = [example.id for example in stored]  # type: ignore[misc]
            self._positions = None
            for example in stored:
                self._summaries[example.id] = summarize(example)  # type: ignore[index]
            for example in stored[-_CACHED_EXAMPLES:]:
                self._remember(example)
            self.examplesInserted.emit(index, len(stored))
            return stored
        return []  # only when the write failed; the views have reloaded

    def remove_stored(self, example_ids: Sequence[int]) -> list[tuple[int, Example]]:
        """Delete examples in one transaction; returns (old index, example) pairs for undo."""
        removed: list[tuple[int, Example]] = []
        with self._writing():
            removed = self.project.delete_examples(example_ids)
            # Each run of neighbouring rows is announced once, the last run first, so the
            # indexes of the runs still to come stay right.
            for start, run in reversed(commands.runs(removed)):
                del self._ids[start : start + len(run)]
                self._positions = None
                self.examplesRemoved.emit(start, [example.id for example in run])
                # Only now: until its row is gone, a view may still ask about it.
                for example in run:
                    self._summaries.pop(example.id, None)  # type: ignore[arg-type]
                    self._examples.pop(example.id, None)  # type: ignore[arg-type]
        return removed

    def move_stored(self, example_id: int, new_index: int) -> None:
        with self._writing():
            old_index = self.index_of(example_id)
            self.project.move_example(example_id, new_index)
            self._ids.insert(new_index, self._ids.pop(old_index))
            self._positions = None
            self.exampleMoved.emit(old_index, new_index)

    def set_text_stored(self, example_id: int, message_index: int, text: str) -> None:
        with self._writing():
            self._changed(self.project.set_message_content(example_id, message_index, text))

    def replace_messages_stored(self, example_id: int, messages: tuple[Message, ...]) -> None:
        with self._writing():
            self._changed(self.project.replace_messages(example_id, messages))

    def set_note_stored(self, example_id: int, note: str) -> None:
        with self._writing():
            self._changed(self.project.set_note(example_id, note))

    def update_settings_stored(self, changes: dict[str, object]) -> None:
        with self._writing():
            self._settings = self.project.update_settings(**changes)
            self.settingsChanged.emit()

    def set_prompts_stored(self, changes: Sequence[tuple[int, str, PromptOrigin]]) -> None:
        with self._writing():
            for example in self.project.set_prompts(changes):
                self._changed(example)

    def set_prompt_origins_stored(self, origins: dict[int, PromptOrigin]) -> None:
        with self._writing():
            for example in self.project.set_prompt_origins(origins):
                self._changed(example)

    def insert_pairs_stored(
        self, index: int, pairs: Sequence[PreferencePair]
    ) -> list[PreferencePair]:
        """Store pairs at ``index`` in one transaction; them, as stored."""
        current = self.pairs()  # read before the write, so the cache never holds them twice
        with self._writing(self.pairsChanged):
            stored = self.project.preferences.insert(index, pairs)
            self._pairs = [*current[:index], *stored, *current[index:]]
            self.pairsInserted.emit(index, len(stored))
            return stored
        return []  # only when the write failed; the views have reloaded

    def remove_pairs_stored(self, pair_ids: Sequence[int]) -> list[tuple[int, PreferencePair]]:
        """Delete pairs in one transaction; (old index, pair) for undo."""
        removed: list[tuple[int, PreferencePair]] = []
        current = list(self.pairs())
        with self._writing(self.pairsChanged):
            removed = self.project.preferences.delete(pair_ids)
            # Each run is announced once, the last first, so the earlier indexes stay right.
            for start, run in reversed(commands.runs(removed)):
                del current[start : start + len(run)]
                self._pairs = list(current)
                self.pairsRemoved.emit(start, len(run))
        return removed

    def update_pair_stored(self, pair: PreferencePair) -> None:
        index = self.pair_index(pair.id)  # type: ignore[arg-type]
        current = self.pairs()
        with self._writing(self.pairsChanged):
            stored = self.project.preferences.update(pair)
            self._pairs = [*current[:index], stored, *current[index + 1 :]]
            self.pairChanged.emit(stored.id)

    def _changed(self, example: Example) -> None:
        assert example.id is not None
        self._remember(example)
        self._summaries[example.id] = summarize(example)
        self.exampleChanged.emit(example.id)

    def close(self) -> None:
        self.undo_stack.clear()
        self.project.close()


def _with_prompt(messages: tuple[Message, ...], text: str) -> tuple[Message, ...]:
    """``messages`` with ``text`` as the last user turn (added at the end when there is none)."""
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].role == "user":
            changed = replace(messages[index], content=text)
            return (*messages[:index], changed, *messages[index + 1 :])
    return (*messages, Message("user", text))
