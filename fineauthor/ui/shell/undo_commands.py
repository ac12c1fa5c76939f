"""Every change a writer makes, as an undoable command (Ctrl+Z / Ctrl+Shift+Z).

Each command calls one core Project method in ``redo`` and its opposite in ``undo``, so the
change is on disk the moment it is made and the moment it is taken back. Commands never touch
widgets: the document tells the views what changed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol, TypeVar

from PySide6.QtGui import QUndoCommand

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.core.dataset.prompt_origin import PromptOrigin

T = TypeVar("T")


class StoredEdits(Protocol):
    """What a command asks of the open project: each change stored in one transaction. The
    project document provides it; naming it here keeps the commands free of the document."""

    def insert_stored(self, index: int, examples: Sequence[Example]) -> list[Example]: ...

    def remove_stored(self, example_ids: Sequence[int]) -> list[tuple[int, Example]]: ...

    def move_stored(self, example_id: int, new_index: int) -> None: ...

    def set_text_stored(self, example_id: int, message_index: int, text: str) -> None: ...

    def replace_messages_stored(self, example_id: int, messages: tuple[Message, ...]) -> None: ...

    def set_note_stored(self, example_id: int, note: str) -> None: ...

    def update_settings_stored(self, changes: dict[str, object]) -> None: ...

    def set_prompts_stored(self, changes: Sequence[tuple[int, str, PromptOrigin]]) -> None: ...

    def set_prompt_origins_stored(self, origins: dict[int, PromptOrigin]) -> None: ...

    def insert_pairs_stored(
        self, index: int, pairs: Sequence[PreferencePair]
    ) -> list[PreferencePair]: ...

    def remove_pairs_stored(self, pair_ids: Sequence[int]) -> list[tuple[int, PreferencePair]]: ...

    def update_pair_stored(self, pair: PreferencePair) -> None: ...


# Typing in one field within this many seconds of the last keystroke joins the same undo step,
# so Ctrl+Z takes back a burst of typing, not one letter.
TYPING_MERGE_SECONDS = 1.5
_TYPING_ID = 1
_PAIR_TYPING_ID = 2


def runs(placed: Sequence[tuple[int, T]]) -> list[tuple[int, list[T]]]:
    """(index, item) pairs grouped into runs of neighbouring indexes, in index order, as
    (first index, items)."""
    found: list[tuple[int, list[T]]] = []
    for index, example in sorted(placed, key=lambda item: item[0]):
        if found and found[-1][0] + len(found[-1][1]) == index:
            found[-1][1].append(example)
        else:
            found.append((index, [example]))
    return found


class AddExamples(QUndoCommand):
    """New examples together at one place: a blank one, duplicates, or an import."""

    def __init__(
        self, document: StoredEdits, index: int, examples: list[Example], text: str
    ) -> None:
        super().__init__(text)
        self._document = document
        self._index = index
        self._examples = examples  # ids are filled in by the first redo
        self.ids: list[int] = []

    def redo(self) -> None:
        stored = self._document.insert_stored(self._index, self._examples)
        if stored:
            self._examples = stored  # a redo after an undo restores the same examples
            self.ids = [example.id for example in stored]  # type: ignore[misc]

    def undo(self) -> None:
        self._document.remove_stored(self.ids)


class DeleteExamples(QUndoCommand):
    def __init__(self, document: StoredEdits, ids: list[int], text: str) -> None:
        super().__init__(text)
        self._document = document
        self._ids = ids
        self._removed: list[tuple[int, Example]] = []

    def redo(self) -> None:
        self._removed = self._document.remove_stored(self._ids)

    def undo(self) -> None:
        # In index order, each run back where it was: the earlier runs are already in place.
        for index, examples in runs(self._removed):
            self._document.insert_stored(index, examples)


class MoveExample(QUndoCommand):
    def __init__(self, document: StoredEdits, example_id: int, new_index: int) -> None:
        super().__init__(document.tr("Move example"))
        self._document = document
        self._id = example_id
        self._old = document.index_of(example_id)
        self._new = new_index

    def redo(self) -> None:
        self._document.move_stored(self._id, self._new)

    def undo(self) -> None:
        self._document.move_stored(self._id, self._old)


class EditText(QUndoCommand):
    """Typing in one message. Bursts of typing in the same field merge into one step."""

    def __init__(
        self, document: StoredEdits, example_id: int, index: int, before: str, after: str
    ) -> None:
        super().__init__(document.tr("Typing"))
        self._document = document
        self._id = example_id
        self._index = index
        self._before = before
        self._after = after
        self._when = time.monotonic()

    def id(self) -> int:
        return _TYPING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, EditText) or (other._id, other._index) != (self._id, self._index):
            return False
        if other._when - self._when > TYPING_MERGE_SECONDS:
            return False
        self._after = other._after
        self._when = other._when
        return True

    def redo(self) -> None:
        self._document.set_text_stored(self._id, self._index, self._after)

    def undo(self) -> None:
        self._document.set_text_stored(self._id, self._index, self._before)


class ReplaceMessages(QUndoCommand):
    """A change to an example's turns: a weight switched, a turn added or removed."""

    def __init__(
        self,
        document: StoredEdits,
        example_id: int,
        before: tuple[Message, ...],
        after: tuple[Message, ...],
        text: str,
    ) -> None:
        super().__init__(text)
        self._document = document
        self._id = example_id
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document.replace_messages_stored(self._id, self._after)

    def undo(self) -> None:
        self._document.replace_messages_stored(self._id, self._before)


class SetNote(QUndoCommand):
    def __init__(self, document: StoredEdits, example_id: int, before: str, after: str) -> None:
        super().__init__(document.tr("Edit note"))
        self._document = document
        self._id = example_id
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document.set_note_stored(self._id, self._after)

    def undo(self) -> None:
        self._document.set_note_stored(self._id, self._before)


class UpdateSettings(QUndoCommand):
    def __init__(
        self, document: StoredEdits, before: dict[str, object], after: dict[str, object]
    ) -> None:
        super().__init__(document.tr("Change project settings"))
        self._document = document
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document.update_settings_stored(self._after)

    def undo(self) -> None:
        self._document.update_settings_stored(self._before)


# Prompts a model wrote ------------------------------------------------------------------------


class WritePrompts(QUndoCommand):
    """A run of prompts a model wrote. They were saved one by one as they arrived, so the
    first redo does nothing; undo puts back every prompt (and who wrote it) as it was."""

    def __init__(
        self,
        document: StoredEdits,
        changes: Sequence[tuple[int, tuple[str, PromptOrigin], tuple[str, PromptOrigin]]],
        text: str,
    ) -> None:
        super().__init__(text)
        self._document = document
        self._before = [(i, prompt, origin) for i, (prompt, origin), _ in changes]
        self._after = [(i, prompt, origin) for i, _, (prompt, origin) in changes]
        self._stored = True

    def redo(self) -> None:
        if self._stored:
            self._stored = False
            return
        self._document.set_prompts_stored(self._after)

    def undo(self) -> None:
        self._document.set_prompts_stored(self._before)


class SetPromptOrigins(QUndoCommand):
    """Who the prompts are said to be by changes (the writer accepts a model's prompts)."""

    def __init__(
        self,
        document: StoredEdits,
        before: dict[int, PromptOrigin],
        after: dict[int, PromptOrigin],
        text: str,
    ) -> None:
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document.set_prompt_origins_stored(self._after)

    def undo(self) -> None:
        self._document.set_prompt_origins_stored(self._before)


# Preference pairs ------------------------------------------------------------------------------


class AddPairs(QUndoCommand):
    """New preference pairs together at one place: a choice at the bench, or an import."""

    def __init__(
        self, document: StoredEdits, index: int, pairs: list[PreferencePair], text: str
    ) -> None:
        super().__init__(text)
        self._document = document
        self._index = index
        self._pairs = pairs  # ids are filled in by the first redo
        self.ids: list[int] = []

    def redo(self) -> None:
        stored = self._document.insert_pairs_stored(self._index, self._pairs)
        if stored:
            self._pairs = stored  # a redo after an undo brings back the same pairs, same ids
            self.ids = [pair.id for pair in stored]  # type: ignore[misc]

    def undo(self) -> None:
        self._document.remove_pairs_stored(self.ids)


class DeletePairs(QUndoCommand):
    def __init__(self, document: StoredEdits, ids: list[int], text: str) -> None:
        super().__init__(text)
        self._document = document
        self._ids = ids
        self._removed: list[tuple[int, PreferencePair]] = []

    def redo(self) -> None:
        self._removed = self._document.remove_pairs_stored(self._ids)

    def undo(self) -> None:
        for index, pairs in runs(self._removed):
            self._document.insert_pairs_stored(index, pairs)


class ChangePair(QUndoCommand):
    """New text for one pair, or its two replies swapped. Typing in one of its fields
    (``field`` names it) merges into one step like typing in an example; other changes
    (``field`` empty) stand alone."""

    def __init__(
        self,
        document: StoredEdits,
        before: PreferencePair,
        after: PreferencePair,
        text: str,
        field: str = "",
    ) -> None:
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after
        self._field = field
        self._when = time.monotonic()

    def id(self) -> int:
        return _PAIR_TYPING_ID if self._field else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if (
            not isinstance(other, ChangePair)
            or not self._field
            or (other._after.id, other._field) != (self._after.id, self._field)
            or other._when - self._when > TYPING_MERGE_SECONDS
        ):
            return False
        self._after = other._after
        self._when = other._when
        return True

    def redo(self) -> None:
        self._document.update_pair_stored(self._after)

    def undo(self) -> None:
        self._document.update_pair_stored(self._before)
