"""The wizard's answers as a Qt object: each one written to the draft the moment it is given.

Every page listens to :attr:`AnswerStore.changed`, so a change made on one page (a name put into
the system prompt) shows on the others at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.wizard.draft import WizardDraft


class AnswerStore(QObject):
    """The answers of one wizard, written through to its draft as they are given."""

    changed = Signal(str)  # the key of the answer that changed
    saveFailed = Signal(str)  # noqa: N815 - a plain message: the draft could not be written

    def __init__(self, draft: WizardDraft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft = draft

    def get(self, key: str, default: Any = None) -> Any:
        return self.draft.get(key, default)

    def text(self, key: str) -> str:
        value = self.draft.get(key, "")
        return value if isinstance(value, str) else ""

    def number(self, key: str, default: int) -> int:
        value = self.draft.get(key, default)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def has(self, key: str) -> bool:
        return key in self.draft

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers

    def set(self, key: str, value: Any) -> None:
        """Remember an answer now. A failed write is reported and the answer kept in memory,
        so the wizard goes on working and the writer is told what happened."""
        if self.draft.get(key) == value and key in self.draft:
            return
        try:
            self.draft.set(key, value)
        except FineAuthorError as problem:
            self.saveFailed.emit(str(problem))
        self.changed.emit(key)

    def update(self, values: dict[str, Any]) -> None:
        try:
            self.draft.update(values)
        except FineAuthorError as problem:
            self.saveFailed.emit(str(problem))
        for key in values:
            self.changed.emit(key)
