"""Token counts that never hold up typing.

Counting the tokens of a long response takes a few milliseconds and loading a tokenizer the
first time takes longer, so a field never counts on the GUI thread. It hands its latest text to a
:class:`TokenCounter`, which waits for a pause in the typing (debounce), counts in the
background with :func:`~fineauthor.ui.shell.workers.run_in_background`, and announces the count only
if the text has not changed meanwhile. At most one count per field runs at a time; while it runs,
newer text simply waits for it to finish.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal

from fineauthor.core.dataset import tokens
from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.shell.workers import Task, run_in_background

DEBOUNCE_MS = 250
FALLBACK_ENCODING = "o200k_base"  # the encoding of every model offered to new writers


def encoding_for(model_id: str) -> str:
    """The token encoding of the project's base model.

    With no model chosen yet, or one the catalog does not know, the catalog's default check
    model is used, and if even the catalog cannot be read, the encoding current models use.
    """
    try:
        from fineauthor.core.catalog import load_catalog

        catalog = load_catalog()
    except FineAuthorError:
        return FALLBACK_ENCODING
    for candidate in (model_id, catalog.default_check_model):
        if candidate and candidate.strip():
            try:
                return catalog.model(candidate).encoding
            except FineAuthorError:
                continue
    return FALLBACK_ENCODING


class TokenCounter(QObject):
    """The token count of one changing text, kept up to date in the background.

    Call :meth:`set_text` on every change (it only restarts a timer) and listen to
    :attr:`counted`. :attr:`count` is the count of the current text, or None while it is being
    worked out.
    """

    counted = Signal(int)  # the count of the text as it is now
    failed = Signal(str)  # a plain message: the tokenizer could not be loaded

    def __init__(
        self,
        encoding: str = FALLBACK_ENCODING,
        delay_ms: int = DEBOUNCE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._encoding = encoding
        self._text = ""
        self._generation = 0  # bumped on every change: a result from an older one is stale
        self._count: int | None = None
        self._counted_generation = -1
        self._task: Task | None = None
        self._task_generation = -1
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)

    @property
    def encoding(self) -> str:
        return self._encoding

    @property
    def count(self) -> int | None:
        """Tokens in the current text, or None until the count for it has arrived."""
        return self._count if self._counted_generation == self._generation else None

    @property
    def last_count(self) -> int | None:
        """The most recent count, even if the text has changed since (for a steady display)."""
        return self._count

    def set_text(self, text: str, *, now: bool = False) -> None:
        """The text changed: count it after a pause in typing (or at once, ``now``)."""
        self._text = text
        self._generation += 1
        if now:
            self._timer.stop()
            self._start()
        else:
            self._timer.start()  # restarts: only a pause in typing gets as far as counting

    def set_encoding(self, encoding: str) -> None:
        """Count with another encoding (the project's model changed)."""
        if encoding != self._encoding:
            self._encoding = encoding
            self._count = None
            self.set_text(self._text, now=True)

    def cancel(self) -> None:
        """Stop waiting; a count already running is ignored when it arrives."""
        self._timer.stop()
        self._generation += 1
        if self._task is not None:
            self._task.cancel()

    def _start(self) -> None:
        if self._task is not None:
            return  # one at a time: the newest text is counted when this one is done
        if self._counted_generation == self._generation:
            return
        generation, text, encoding = self._generation, self._text, self._encoding

        def work(_progress: object, _cancelled: object) -> tuple[int, str, int, object]:
            # Only the callbacks connected before the work starts are sure to be called, so a
            # bug comes back as a result too (and still reaches the error dialog, below).
            try:
                return generation, encoding, tokens.count_text(text, encoding), None
            except FineAuthorError:
                raise
            except Exception:
                return generation, encoding, 0, sys.exc_info()

        self._task_generation = generation
        self._task = run_in_background(work, on_success=self._arrived, on_failure=self._failed)

    def _arrived(self, result: tuple[int, str, int, object]) -> None:
        self._task = None
        generation, encoding, count, crash = result
        if crash is not None:
            from fineauthor.ui.shell.error_dialog import report_exception

            report_exception(*crash)  # type: ignore[misc]
        elif generation == self._generation and encoding == self._encoding:
            self._count = count
            self._counted_generation = generation
            self.counted.emit(count)
        self._next()

    def _failed(self, message: str) -> None:
        self._task = None
        self._count = None
        self.failed.emit(message)
        self._next()

    def _next(self) -> None:
        """Newer text arrived while the last one was counted and its pause is over: count it
        now. (Text that failed to count is not retried until it changes.)"""
        newer = self._task_generation != self._generation
        if newer and not self._timer.isActive():
            self._start()
