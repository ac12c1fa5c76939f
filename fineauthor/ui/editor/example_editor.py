"""The side-by-side editor: one example's prompt on the left, its ideal response on the right.

The left column holds the system prompt (one quiet line while the example uses the project's,
clearly marked when it has its own) and the writer's prompt; the right column, the wider one,
holds the response with its length against the target. Follow-up turns of a multi-turn example
are further rows below, each answer with a “Train on this answer” switch.

The editor never writes to the project itself: every keystroke goes to
``ProjectDocument.set_text`` (on disk at once, undoable in bursts) and every other change to the
document's edit methods. What the document then reports (``exampleChanged``, ``settingsChanged``,
``reset``) is shown without being echoed back as an edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.settings import load_settings
from fineauthor.ui.editor.message_field import MessageField
from fineauthor.ui.editor.token_count import encoding_for
from fineauthor.ui.shell.document import ProjectDocument

# Readable book faces found on common systems, best first; the platform's serif is the last
# resort. A family chosen in Settings goes in front of them.
SERIF_FAMILIES = (
    "Charter",
    "Iowan Old Style",
    "Georgia",
    "Palatino Linotype",
    "Book Antiqua",
    "Palatino",
    "Cambria",
    "Source Serif 4",
    "Source Serif Pro",
    "Literata",
    "Noto Serif",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
    "serif",
)
MIN_FONT_SIZE = 8
MAX_FONT_SIZE = 40

# The system prompt's three states.
SAME, OWN, MISSING = "same", "own", "missing"

# Left and right columns share the width 2 : 3, in every row, so the columns line up.
_LEFT_STRETCH, _RIGHT_STRETCH = 2, 3
_COLUMN_GAP = 24


def prose_font(family: str = "", size: float = 13) -> QFont:
    """The font for prose: ``family`` if given and installed, else a readable serif."""
    font = QFont()
    families = [family, *SERIF_FAMILIES] if family else list(SERIF_FAMILIES)
    font.setFamilies(families)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(size)
    return font


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


def system_state(example_system: str | None, project_system: str) -> str:
    """SAME when the example uses the project's system prompt, OWN when it has another (an
    empty one included), MISSING when it has none."""
    if example_system is None:
        return MISSING
    if project_system and example_system == project_system:
        return SAME
    return OWN


class SystemPromptPanel(QFrame):
    """The system prompt: one line while it is the project's, the text when it is the example's
    own (marked with a bar in the accent colour), a plain note when there is none."""

    def __init__(self, field: MessageField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.state = SAME
        self.expanded = False
        self._shown: tuple[str, bool, bool] | None = None
        self.setObjectName("systemPromptPanel")

        # The line reads as a sentence in every state, so it needs no heading; the technical
        # word is explained in its tooltip.
        self.explanation = self.tr(
            "A system prompt holds standing instructions the model reads before every prompt, "
            "such as the voice to write in."
        )
        self.status = QLabel(self)
        self.status.setWordWrap(True)  # never widens the left column
        self.status.setAccessibleName(self.tr("System prompt"))
        self.status.setBuddy(field.editor)
        self.action = QPushButton(self)

        # The sentence above, the button under it: side by side they squeeze the sentence into
        # a narrow column of single words.
        top = QVBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        top.addWidget(self.status)
        top.addWidget(self.action, 0, Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(field, 1)
        field.hide()

    def show_state(self, state: str, expanded: bool, project_has_prompt: bool) -> None:
        if self._shown == (state, expanded, project_has_prompt):
            return
        self._shown = (state, expanded, project_has_prompt)
        self.state, self.expanded = state, expanded and state != MISSING
        if state == MISSING:
            text = self.tr("No system prompt")
            note = self.tr(
                "Examples that carry the project’s system prompt teach the model to link your "
                "voice to it. Most examples should have it."
            )
            action = (
                self.tr("Add the project’s")
                if project_has_prompt
                else self.tr("Write one for this example…")
            )
        elif state == OWN:
            text = self.tr("This example has its own system prompt")
            note = (
                self.tr("It differs from the project’s, which your other examples use.")
                if project_has_prompt
                else self.tr("The project has no system prompt of its own.")
            )
            action = (
                self.tr("Use the project’s again") if project_has_prompt else self.tr("Remove it")
            )
        elif self.expanded:
            text = self.tr("This example’s system prompt, the same as the project’s so far")
            note = self.tr("Change it here to give this example its own.")
            action = self.tr("Use the project’s again")
        else:
            text = self.tr("Uses the project’s system prompt")
            prompt = self.field.text()
            note = (
                self.tr("The project’s system prompt:")
                + "\n"
                + (prompt if len(prompt) <= 400 else prompt[:400] + "…")
            )
            action = self.tr("Give this example its own…")
        self.status.setText(text)
        self.status.setToolTip(f"{self.explanation}\n\n{note}")
        self.action.setText(action)
        self.action.setAccessibleName(action.rstrip("…"))
        accent = state == OWN
        # muted while all is as usual; in the normal text colour when it deserves a look
        self.status.setForegroundRole(
            QPalette.ColorRole.PlaceholderText if state == SAME else QPalette.ColorRole.WindowText
        )
        status_font = self.status.font()
        status_font.setBold(accent)
        self.status.setFont(status_font)
        self.setContentsMargins(12 if accent else 0, 0, 0, 0)
        self.field.setVisible(self.expanded)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.state == OWN:
            painter = QPainter(self)
            accent = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            painter.fillRect(0, 0, 4, self.height(), accent)


class _FollowUpRow:
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


class ExampleEditor(QWidget):
    """Edit one example of a :class:`ProjectDocument` side by side.

    ``show_example(id)`` shows an example (None: a calm empty state). The main window calls
    ``zoom_in``/``zoom_out``/``zoom_reset`` for Ctrl+= / Ctrl+- / Ctrl+0, and the check report
    calls ``highlight`` to show the writer the text a problem is about.
    """

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._id: int | None = None
        self._roles: tuple[str, ...] | None = None
        self._system_open = False  # the writer opened the system prompt of this example
        self._encoding = encoding_for(document.settings.base_model)
        settings = load_settings()
        self._family = str(settings.get("editor_font_family") or "")
        self._base_size = int(settings.get("editor_font_size") or 12)  # type: ignore[call-overload]
        self._zoom = 0
        self._font = prose_font(self._family, self._base_size)
        self._follow_ups: list[_FollowUpRow] = []
        self._weights: dict[MessageField, QCheckBox] = {}
        self._length_field: MessageField | None = None
        self.setAccessibleName(self.tr("Example editor"))

        self._empty = self._build_empty_state()

        # The example: rows in a scroll area, which only scrolls when many turns need it.
        self._page = QWidget()
        self._page.setAccessibleName(self.tr("Example"))
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidget(self._page)
        page_layout = QVBoxLayout(self._page)
        page_layout.setContentsMargins(24, 18, 24, 16)
        page_layout.setSpacing(14)
        # One grid for every row: the left columns and the right columns line up.
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(_COLUMN_GAP)
        self._grid.setVerticalSpacing(12)
        self._grid.setColumnStretch(0, _LEFT_STRETCH)
        self._grid.setColumnStretch(1, _RIGHT_STRETCH)
        page_layout.addLayout(self._grid, 1)

        self._build_first_row()

        self.add_follow_up_button = QPushButton(self.tr("Add a follow-up"), self._page)
        self.add_follow_up_button.setToolTip(
            self.tr(
                "Continue the conversation: a further prompt, such as “Make it longer” or “Add "
                "dialogue”, and the answer you want to it."
            )
        )
        self.add_follow_up_button.setAccessibleName(self.tr("Add a follow-up"))
        self.add_follow_up_button.clicked.connect(self._add_follow_up)
        self.add_follow_up_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        page_layout.addWidget(self.add_follow_up_button, 0, Qt.AlignmentFlag.AlignLeft)

        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self._scroll)
        self._stack.setCurrentWidget(self._empty)

        document.exampleChanged.connect(self._example_changed)
        document.examplesRemoved.connect(self._examples_removed)
        document.settingsChanged.connect(self._settings_changed)
        document.reset.connect(self._document_reset)

    # -- public ---------------------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        """The id of the example shown, or None."""
        return self._id

    @property
    def font_size(self) -> float:
        """The prose font's size in points, zoom included."""
        return self._font.pointSizeF()

    def fields(self) -> list[MessageField]:
        """Every text field of the example shown, in reading order."""
        fields = [self.system_field, self.prompt_field, self.response_field]
        for row in self._follow_ups:
            fields.extend(row.fields())
        return fields

    def field_for(self, message_index: int) -> MessageField | None:
        """The field that shows message ``message_index`` of the example."""
        for field in self.fields():
            if field.message_index == message_index:
                return field
        return None

    def weight_box(self, field: MessageField) -> QCheckBox | None:
        """The “Train on this answer” switch of an answer's field."""
        return self._weights.get(field)

    def follow_up_rows(self) -> list[_FollowUpRow]:
        return list(self._follow_ups)

    @property
    def length_field(self) -> MessageField | None:
        """The answer measured against the target length (the example's last one)."""
        return self._length_field

    def show_example(self, example_id: int | None) -> None:
        """Show an example, or the empty state for None (or an id the project lacks)."""
        example = None
        if example_id is not None:
            try:
                example = self._document.example(example_id)
            except KeyError:
                example = None
        if example is None:
            self._id = None
            self._roles = None
            self._stack.setCurrentWidget(self._empty)
            for field in self.fields():
                field.load("")  # let go of a long text
            return
        self._id = example_id
        self._system_open = False
        self._roles = None
        self._apply(example, reload=True)
        self._stack.setCurrentWidget(self._scroll)

    def highlight(self, quote: str, message_index: int | None = None) -> bool:
        """Select the first occurrence of ``quote`` (any case) in the response, or in message
        ``message_index``, scroll to it and give it focus. False if it is not there."""
        if self._id is None:
            return False
        if message_index is None:
            field = self._length_field or self.response_field
        else:
            field = self.field_for(message_index)
        if field is None:
            return False
        if field is self.system_field and not self.system_panel.expanded:
            self._system_open = True
            self._refresh_system()
        found = field.select_quote(quote)
        if found:
            self._scroll.ensureWidgetVisible(field, 0, 0)
        else:
            field.setFocus()
        return found

    def focus_response(self) -> None:
        """Put the cursor in the ideal response."""
        self.response_field.setFocus()

    def zoom_in(self) -> None:
        self._zoom_by(1)

    def zoom_out(self) -> None:
        self._zoom_by(-1)

    def zoom_reset(self) -> None:
        self._zoom = 0
        self._apply_font()

    def set_editor_font(self, family: str, size: int) -> None:
        """The writer chose a font in Settings (an empty family: the default serif)."""
        self._family = family
        self._base_size = size
        self._zoom = 0
        self._apply_font()

    # -- building --------------------------------------------------------------------------

    def _build_empty_state(self) -> QLabel:
        """The calm page shown when no example is chosen."""
        empty = QLabel(self.tr("Choose an example on the left, or add one."), self)
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        empty_font = empty.font()
        empty_font.setPointSizeF(empty_font.pointSizeF() * 1.15)
        empty.setFont(empty_font)
        return empty

    def _build_first_row(self) -> None:
        """System prompt and prompt on the left, the ideal response on the right."""
        self.system_field = self._make_field(
            None,
            self.tr("System prompt"),
            self.tr(
                "Standing instructions the model reads before every prompt, such as the voice "
                "to write in."
            ),
            self.tr("Standing instructions, such as the voice to write in."),
            minimum_height=90,
        )
        self.system_panel = SystemPromptPanel(self.system_field, self._page)
        self.system_panel.action.clicked.connect(self._system_action)
        self.prompt_field = self._make_field(
            self.tr("Your prompt"),
            self.tr("Your prompt"),
            self.tr("What you would ask the model: the request this example answers."),
            self.tr("What you would ask the model, e.g. “Write the scene where…”"),
        )
        self.response_field = self._make_field(
            self.tr("Ideal response"),
            self.tr("Ideal response"),
            self.tr(
                "The answer you want the model to learn to give, in your own voice and at your "
                "length."
            ),
            self.tr("The response you wish the model had written, in your voice, at your length."),
            minimum_height=200,
        )
        self._add_weight_box(self.response_field, self.tr("Train on this answer"))

        left = QWidget(self._page)
        self._left = QVBoxLayout(left)
        self._left.setContentsMargins(0, 0, 0, 0)
        self._left.setSpacing(14)
        self._left.addWidget(self.system_panel, 0)
        self._left.addWidget(self.prompt_field, 1)
        self._grid.addWidget(left, 0, 0)
        self._grid.addWidget(self.response_field, 0, 1)
        self._grid.setRowStretch(0, 3)
        self._grid_rows = 1  # rows of the grid in use

    def _make_field(
        self,
        title: str | None,
        name: str,
        tooltip: str,
        placeholder: str,
        minimum_height: int = 120,
    ) -> MessageField:
        field = MessageField(
            title,
            accessible_name=name,
            tooltip=tooltip,
            placeholder=placeholder,
            undo_stack=self._document.undo_stack,
            encoding=self._encoding,
            minimum_height=minimum_height,
            parent=self._page,
        )
        field.set_prose_font(self._font)
        field.edited.connect(lambda text, f=field: self._field_edited(f, text))
        field.zoomRequested.connect(self._zoom_by)
        tokens_button = QToolButton(field)
        tokens_button.setObjectName("showTokens")
        tokens_button.setText(self.tr("Show as tokens"))
        tokens_button.setAutoRaise(True)
        tokens_button.setToolTip(
            self.tr("See this text, or the part you selected, as the pieces the model reads.")
        )
        tokens_button.setAccessibleName(self.tr("Show %1 as tokens").replace("%1", name))
        tokens_button.clicked.connect(lambda _checked=False, f=field: self._show_tokens(f))
        field.add_footer_widget(tokens_button)
        return field

    def _show_tokens(self, field: MessageField) -> None:
        from fineauthor.ui.widgets.token_viewer import (
            show_tokens_dialog,  # loaded when first wanted
        )

        selected = field.editor.textCursor().selectedText()
        selected = selected.replace("\u2029", "\n").replace("\u2028", "\n")
        show_tokens_dialog(self, selected or field.text(), self._document.settings.base_model)

    def _add_weight_box(self, field: MessageField, name: str) -> QCheckBox:
        box = QCheckBox(self.tr("Train on this answer"), field)
        box.setAccessibleName(name)
        box.setToolTip(
            self.tr(
                "Ticked: the model learns to write answers like this one.\n"
                "Unticked: the model still reads this answer as part of the conversation but "
                "does not learn from it, for instance a first, weaker answer that your "
                "follow-up then improves."
            )
        )
        box.setChecked(True)
        box.toggled.connect(lambda checked, f=field: self._weight_toggled(f, checked))
        field.add_footer_widget(box)
        self._weights[field] = box
        return box

    def _make_follow_up(
        self, number: int, left: int | None, right: int | None, messages: tuple[Message, ...]
    ) -> _FollowUpRow:
        left_field = right_field = None
        if left is not None:
            prompt = messages[left].role == "user"
            name = (
                self.tr("Follow-up prompt %1") if prompt else self.tr("System message %1")
            ).replace("%1", str(number))
            left_field = self._make_field(
                self.tr("Follow-up prompt") if prompt else self.tr("System message"),
                name,
                self.tr(
                    "A further request in the same conversation, such as “Make it longer” or "
                    "“Add dialogue”."
                ),
                self.tr("e.g. “Make it longer” or “Bring in dialogue”"),
            )
            left_field.message_index = left
            left_field.load(messages[left].content)
        if right is not None:
            right_field = self._make_field(
                self.tr("Answer"),
                self.tr("Answer %1").replace("%1", str(number)),
                self.tr("The answer you want the model to give to this follow-up."),
                self.tr("The answer you want to this follow-up."),
                minimum_height=160,
            )
            right_field.message_index = right
            right_field.load(messages[right].content)
            self._add_weight_box(
                right_field, self.tr("Train on answer %1").replace("%1", str(number))
            )
        # A follow-up can be removed when it is a prompt with the answer right after it (or
        # a last prompt without one): exactly what ProjectDocument.remove_turn takes away.
        removable = (
            left is not None
            and messages[left].role == "user"
            and (right == left + 1 or (right is None and left == len(messages) - 1))
        )
        row = _FollowUpRow(number, left_field, right_field, removable, self._page)
        if row.remove_button is not None:
            row.remove_button.clicked.connect(lambda _=False, r=row: self._remove_follow_up(r))
        return row

    # -- showing the example ---------------------------------------------------------------

    def _apply(self, example: Example, *, reload: bool) -> None:
        messages = example.messages
        roles = tuple(m.role for m in messages)
        if reload or roles != self._roles:
            self._arrange(messages, reload=reload)
            self._roles = roles
        for field in self.fields():
            index = field.message_index
            if index is None:
                continue
            if reload:
                field.load(messages[index].content)
            else:
                field.set_text(messages[index].content)
        for field, box in self._weights.items():
            index = field.message_index
            if index is not None and index < len(messages):
                box.blockSignals(True)
                box.setChecked(messages[index].weight != 0)
                box.blockSignals(False)
        self._refresh_system(example)
        self._refresh_length()

    def _arrange(self, messages: tuple[Message, ...], *, reload: bool) -> None:
        """Give each field its message and make the follow-up rows the example needs."""
        plan = plan_layout(messages)
        self.system_field.message_index = plan.system
        if plan.system is None:
            self.system_field.load("")
        left, right = plan.rows[0]
        for field, index in ((self.prompt_field, left), (self.response_field, right)):
            field.message_index = index
            field.set_read_only(index is None)
            if index is None:
                field.load("")
        self._weights[self.response_field].setEnabled(right is not None)

        wanted = plan.rows[1:]
        rows: list[_FollowUpRow] = []
        for number, (l_index, r_index) in enumerate(wanted, start=1):
            kept = self._follow_ups[number - 1] if number - 1 < len(self._follow_ups) else None
            if kept is not None and not reload and kept.indexes == (l_index, r_index):
                rows.append(kept)
            else:
                rows.append(self._make_follow_up(number, l_index, r_index, messages))
        for old in self._follow_ups:
            if old not in rows:
                self._drop_row(old)
        if rows != self._follow_ups:
            self._follow_ups = rows
            self._place_rows()

        last_answer = max((r for _, r in plan.rows if r is not None), default=None)
        self._length_field = self.field_for(last_answer) if last_answer is not None else None

    def _drop_row(self, row: _FollowUpRow) -> None:
        for field in row.fields():
            self._weights.pop(field, None)
            field.message_index = None
        for widget in row.widgets():
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()  # maybe from inside its own button's click

    def _place_rows(self) -> None:
        """Put the follow-ups in the grid: a header row, then the two fields, for each."""
        for row in self._follow_ups:
            for widget in row.widgets():
                self._grid.removeWidget(widget)
        for grid_row in range(1, self._grid_rows):
            self._grid.setRowStretch(grid_row, 0)
            self._grid.setRowMinimumHeight(grid_row, 0)
        for number, row in enumerate(self._follow_ups, start=1):
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
        self._grid_rows = max(self._grid_rows, 2 * len(self._follow_ups) + 1)

    def _refresh_system(self, example: Example | None = None) -> None:
        if self._id is None:
            return
        if example is None:
            example = self._document.example(self._id)
        project = self._document.settings.system_prompt
        state = system_state(example.system, project)
        expanded = state == OWN or (state == SAME and self._system_open)
        self.system_panel.show_state(state, expanded, bool(project))
        stretch = 1 if self.system_panel.expanded else 0
        if self._left.stretch(0) != stretch:  # only when it changes: no re-layout per keystroke
            self._left.setStretch(0, stretch)

    def _refresh_length(self) -> None:
        settings = self._document.settings
        for field in self.fields():
            if field is self._length_field:
                label = "" if field is self.response_field else self.tr("Last answer:")
                field.show_length(settings.target_words, settings.tolerance_words, label)
            else:
                field.hide_length()

    def _apply_font(self) -> None:
        size = max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, self._base_size + self._zoom))
        self._zoom = size - self._base_size
        self._font = prose_font(self._family, size)
        for field in self.fields():
            field.set_prose_font(self._font)

    def _zoom_by(self, step: int) -> None:
        self._zoom += step
        self._apply_font()

    # -- the writer's edits ----------------------------------------------------------------

    def _field_edited(self, field: MessageField, text: str) -> None:
        if self._id is None or field.message_index is None:
            return
        if field is self.system_field:
            self._system_open = True  # keep it open while it is edited, even if it matches
        self._document.set_text(self._id, field.message_index, text)

    def _weight_toggled(self, field: MessageField, checked: bool) -> None:
        if self._id is not None and field.message_index is not None:
            self._document.set_weight(self._id, field.message_index, 1 if checked else 0)

    def _system_action(self) -> None:
        if self._id is None:
            return
        project = self._document.settings.system_prompt
        state, expanded = self.system_panel.state, self.system_panel.expanded
        if state == SAME and not expanded:
            self._system_open = True  # give this example its own: open it to be changed
            self._refresh_system()
            self._focus_system()
        elif state in (SAME, OWN):
            self._system_open = False
            self._document.set_system_prompt(self._id, project or None)
            self._refresh_system()
        elif project:
            self._document.set_system_prompt(self._id, project)
        else:
            self._system_open = True
            self._document.set_system_prompt(self._id, "")
            self._focus_system()

    def _focus_system(self) -> None:
        self.system_field.setFocus()
        self.system_field.editor.moveCursor(QTextCursor.MoveOperation.End)

    def _add_follow_up(self) -> None:
        if self._id is None:
            return
        self._document.add_turn(self._id)
        if self._follow_ups and self._follow_ups[-1].left is not None:
            newest = self._follow_ups[-1]
            assert newest.left is not None
            newest.left.setFocus()
            QTimer.singleShot(
                0, self, lambda: self._scroll.ensureWidgetVisible(newest.header, 0, 0)
            )

    def _remove_follow_up(self, row: _FollowUpRow) -> None:
        index = row.indexes[0]
        if self._id is not None and index is not None:
            self._document.remove_turn(self._id, index)

    # -- what the document tells us ---------------------------------------------------------

    def _example_changed(self, example_id: int) -> None:
        if example_id != self._id:
            return
        try:
            example = self._document.example(example_id)
        except KeyError:
            self.show_example(None)
            return
        self._apply(example, reload=False)

    def _examples_removed(self, _first: int, ids: list[int]) -> None:
        if self._id in ids:
            self.show_example(None)

    def _settings_changed(self) -> None:
        encoding = encoding_for(self._document.settings.base_model)
        if encoding != self._encoding:
            self._encoding = encoding
            for field in self.fields():
                field.set_encoding(encoding)
        self._refresh_system()
        self._refresh_length()

    def _document_reset(self) -> None:
        # Later, not now: a reset can arrive from inside a keystroke that is still being handled.
        QTimer.singleShot(0, self, self._reload)

    def _reload(self) -> None:
        if self._id is None:
            return
        if self._id not in self._document.ids():
            self.show_example(None)
            return
        self._apply(self._document.example(self._id), reload=False)
