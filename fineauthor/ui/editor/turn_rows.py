"""The rows of the editor: how an example's messages are laid out, a prompt beside the answer
that follows it, and the follow-up rows below the first (their widgets, how one is made for its
messages, and how they are kept in the editor's grid).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.example import Message
from fineauthor.ui.editor.message_field import MessageField


@dataclass(frozen=True)
class _Plan:
    """Which message goes where: the system prompt's index and, per row, the index shown on the
    left (a prompt) and on the right (an answer); None where a row has nothing."""

    system: int | None
    rows: tuple[tuple[int | None, int | None], ...]


def plan_layout(messages: tuple[Message, ...]) -> _Plan:
    """Rows for an example's messages: a prompt beside the answer that follows it. Unusual
    shapes from imported files (two prompts in a row, an answer with no prompt) get a row each
    rather than being hidden."""
    system = 0 if messages and messages[0].role == "system" else None
    rows: list[tuple[int | None, int | None]] = []
    i = 0 if system is None else 1
    while i < len(messages):
        if messages[i].role == "assistant":
            rows.append((None, i))
            i += 1
        elif i + 1 < len(messages) and messages[i + 1].role == "assistant":
            rows.append((i, i + 1))
            i += 2
        else:
            rows.append((i, None))
            i += 1
    if not rows:
        rows.append((None, None))
    return _Plan(system, tuple(rows))


class FollowUpRow:
    """A further exchange of a multi-turn example: a header line (with its remove button), then
    the follow-up prompt beside its answer. Its widgets sit in the editor's grid, so its
    columns line up with the first row's."""

    def __init__(
        self,
        number: int,
        left: MessageField | None,
        right: MessageField | None,
        removable: bool,
        parent: QWidget,
    ) -> None:
        self.left, self.right = left, right
        self.indexes = (
            left.message_index if left else None,
            right.message_index if right else None,
        )
        self.header = QWidget(parent)
        line = QFrame(self.header)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        line.setForegroundRole(QPalette.ColorRole.Mid)  # a quiet rule, light or dark
        title = QLabel(self.header.tr("Follow-up %1").replace("%1", str(number)), self.header)
        title_font = title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        title.setFont(title_font)
        self.remove_button: QPushButton | None = None
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(title)
        top.addStretch(1)
        if removable:
            self.remove_button = QPushButton(self.header.tr("Remove this follow-up"), self.header)
            self.remove_button.setAccessibleName(
                self.header.tr("Remove follow-up %1").replace("%1", str(number))
            )
            self.remove_button.setToolTip(
                self.header.tr(
                    "Removes this follow-up prompt and its answer (Undo brings them back)."
                )
            )
            top.addWidget(self.remove_button)
        layout = QVBoxLayout(self.header)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(line)
        layout.addLayout(top)

    def fields(self) -> list[MessageField]:
        return [f for f in (self.left, self.right) if f is not None]

    def widgets(self) -> list[QWidget]:
        return [self.header, *self.fields()]


def make_follow_up(
    number: int,
    left: int | None,
    right: int | None,
    messages: tuple[Message, ...],
    *,
    make_field: Callable[..., MessageField],
    add_weight_box: Callable[[MessageField, str], QCheckBox],
    parent: QWidget,
) -> FollowUpRow:
    """Follow-up row ``number`` for messages ``left`` (a prompt) and ``right`` (its answer):
    their fields made by the editor's ``make_field`` and loaded, the answer with its “Train on
    this answer” switch from ``add_weight_box``."""
    tr = parent.tr
    left_field = right_field = None
    if left is not None:
        prompt = messages[left].role == "user"
        name = (tr("Follow-up prompt %1") if prompt else tr("System message %1")).replace(
            "%1", str(number)
        )
        left_field = make_field(
            tr("Follow-up prompt") if prompt else tr("System message"),
            name,
            tr(
                "A further request in the same conversation, such as “Make it longer” or "
                "“Add dialogue”."
            ),
            tr("e.g. “Make it longer” or “Bring in dialogue”"),
        )
        left_field.message_index = left
        left_field.load(messages[left].content)
    if right is not None:
        right_field = make_field(
            tr("Answer"),
            tr("Answer %1").replace("%1", str(number)),
            tr("The answer you want the model to give to this follow-up."),
            tr("The answer you want to this follow-up."),
            minimum_height=160,
        )
        right_field.message_index = right
        right_field.load(messages[right].content)
        add_weight_box(right_field, tr("Train on answer %1").replace("%1", str(number)))
    # A follow-up can be removed when it is a prompt with the answer right after it (or
    # a last prompt without one): exactly what ProjectDocument.remove_turn takes away.
    removable = (
        left is not None
        and messages[left].role == "user"
        and (right == left + 1 or (right is None and left == len(messages) - 1))
    )
    return FollowUpRow(number, left_field, right_field, removable, parent)


class FollowUpTurns:
    """The follow-up rows of the example shown, in the editor's grid below its first row. A row
    stays while the example keeps its shape there; ``forget`` hears of each field of a row that
    goes."""

    def __init__(self, grid: QGridLayout, forget: Callable[[MessageField], object]) -> None:
        self._grid = grid
        self._forget = forget
        self._rows: list[FollowUpRow] = []
        self._grid_rows = 1  # rows of the grid in use, the editor's first row included

    @property
    def rows(self) -> list[FollowUpRow]:
        """The rows shown, in order (follow-up 1 first)."""
        return self._rows

    def arrange(
        self,
        wanted: Sequence[tuple[int | None, int | None]],
        make_row: Callable[[int, int | None, int | None], FollowUpRow],
        *,
        reload: bool,
    ) -> None:
        """Rows for ``wanted``, the message indexes on the left and on the right of each: a row
        that shows the same messages is kept (unless ``reload``), the others are made by
        ``make_row(number, left, right)``."""
        rows: list[FollowUpRow] = []
        for number, (l_index, r_index) in enumerate(wanted, start=1):
            kept = self._rows[number - 1] if number - 1 < len(self._rows) else None
            if kept is not None and not reload and kept.indexes == (l_index, r_index):
                rows.append(kept)
            else:
                rows.append(make_row(number, l_index, r_index))
        for old in self._rows:
            if old not in rows:
                self._drop_row(old)
        if rows != self._rows:
            self._rows = rows
            self._place_rows()

    def _drop_row(self, row: FollowUpRow) -> None:
        for field in row.fields():
            self._forget(field)
            field.message_index = None
        for widget in row.widgets():
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()  # maybe from inside its own button's click

    def _place_rows(self) -> None:
        """Put the follow-ups in the grid: a header row, then the two fields, for each."""
        for row in self._rows:
            for widget in row.widgets():
                self._grid.removeWidget(widget)
        for grid_row in range(1, self._grid_rows):
            self._grid.setRowStretch(grid_row, 0)
            self._grid.setRowMinimumHeight(grid_row, 0)
        for number, row in enumerate(self._rows, start=1):
            header_row, fields_row = 2 * number - 1, 2 * number
            self._grid.addWidget(row.header, header_row, 0, 1, 2)
            if row.left is not None:
                self._grid.addWidget(row.left, fields_row, 0)
            if row.right is not None:
                self._grid.addWidget(row.right, fields_row, 1)
            self._grid.setRowStretch(fields_row, 2)
            self._grid.setRowMinimumHeight(fields_row, 200)
            for widget in row.widgets():
                widget.show()
        self._grid_rows = max(self._grid_rows, 2 * len(self._rows) + 1)
