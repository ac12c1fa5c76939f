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

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
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
from fineauthor.ui.editor.prompt_review_bar import PromptReviewBar
from fineauthor.ui.editor.prose_edit import prose_font
from fineauthor.ui.editor.system_prompt_panel import OWN, SAME, SystemPromptPanel, system_state
from fineauthor.ui.editor.token_count import encoding_for
from fineauthor.ui.editor.turn_rows import (
    FollowUpRow,
    FollowUpTurns,
    make_follow_up,
    plan_layout,
)
from fineauthor.ui.shell.document import ProjectDocument

MIN_FONT_SIZE = 8
MAX_FONT_SIZE = 40

# Left and right columns share the width 2 : 3, in every row, so the columns line up.
_LEFT_STRETCH, _RIGHT_STRETCH = 2, 3
_COLUMN_GAP = 24


class ExampleEditor(QWidget):
    """Edit one example of a :class:`ProjectDocument` side by side.

    ``show_example(id)`` shows an example (None: a calm empty state). The main window calls
    ``zoom_in``/``zoom_out``/``zoom_reset`` for Ctrl+= / Ctrl+- / Ctrl+0, and the check report
    calls ``highlight`` to show the writer the text a problem is about.
    """

    fontChanged = Signal(QFont)  # noqa: N815  (the writer's font or zoom changed)

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
        self._follow_ups = FollowUpTurns(
            self._grid, forget=lambda field: self._weights.pop(field, None)
        )

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
    def prose_font(self) -> QFont:
        """The font the prose is shown in, zoom included."""
        return self._font

    @property
    def font_size(self) -> float:
        """The prose font's size in points, zoom included."""
        return self._font.pointSizeF()

    def fields(self) -> list[MessageField]:
        """Every text field of the example shown, in reading order."""
        fields = [self.system_field, self.prompt_field, self.response_field]
        for row in self._follow_ups.rows:
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

    def follow_up_rows(self) -> list[FollowUpRow]:
        return list(self._follow_ups.rows)

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
        self.zoom_by(1)

    def zoom_out(self) -> None:
        self.zoom_by(-1)

    def zoom_by(self, step: int) -> None:
        """Make the prose ``step`` points larger (smaller when negative), within limits."""
        self._zoom += step
        self._apply_font()

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
        self.review_bar = PromptReviewBar(self._document, left)
        self._left.addWidget(self.review_bar, 0)
        self._left.addWidget(self.prompt_field, 1)
        self._grid.addWidget(left, 0, 0)
        self._grid.addWidget(self.response_field, 0, 1)
        self._grid.setRowStretch(0, 3)

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
        field.zoomRequested.connect(self.zoom_by)
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
    ) -> FollowUpRow:
        row = make_follow_up(
            number,
            left,
            right,
            messages,
            make_field=self._make_field,
            add_weight_box=self._add_weight_box,
            parent=self._page,
        )
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
        self.review_bar.show_for(example)

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

        self._follow_ups.arrange(
            plan.rows[1:],
            lambda number, prompt, answer: self._make_follow_up(number, prompt, answer, messages),
            reload=reload,
        )

        last_answer = max((r for _, r in plan.rows if r is not None), default=None)
        self._length_field = self.field_for(last_answer) if last_answer is not None else None

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
        self.fontChanged.emit(self._font)

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
        rows = self._follow_ups.rows
        if rows and rows[-1].left is not None:
            newest = rows[-1]
            assert newest.left is not None
            newest.left.setFocus()
            QTimer.singleShot(
                0, self, lambda: self._scroll.ensureWidgetVisible(newest.header, 0, 0)
            )

    def _remove_follow_up(self, row: FollowUpRow) -> None:
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
