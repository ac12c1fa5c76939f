"""The preview in the ChatGPT import dialog: the example the highlighted conversation makes,
headed and counted as the writer will find it in the editor, and what was left out of it."""

from __future__ import annotations

import html

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.importers.chatgpt.conversation import Conversation
from fineauthor.ui.importing.chatgpt_left_out import skipped_text


class ConversationPreview(QWidget):
    """The example one conversation makes, in ``browser`` under ``title``, with ``notes`` on
    what it leaves out."""

    def __init__(self, title_font: QFont, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(wordWrap=True)
        self.title.setFont(title_font)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(self.tr("The example this conversation makes"))
        self.browser.setOpenLinks(False)
        self.notes = QLabel(wordWrap=True)
        self.notes.setAccessibleName(self.tr("What was left out of this conversation"))
        self.notes.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.notes)

    def show_nothing(self) -> None:
        """What is shown while no conversation is highlighted."""
        self.title.setText(self.tr("Preview"))
        self.browser.setHtml(
            "<p>"
            + html.escape(self.tr("Click a conversation to see the example it makes."))
            + "</p>"
        )
        self.notes.clear()

    def show_example(
        self,
        conversation: Conversation,
        example: Example,
        *,
        ticked: bool,
        fold: bool,
        target_words: int | None,
    ) -> None:
        """Show ``example``, made from ``conversation`` with its follow-ups folded in or not."""
        title = self.tr("The example from “{title}”").format(title=conversation.title)
        if not ticked:
            title += " " + self.tr("(not ticked, so it won’t be added)")
        self.title.setText(title)
        scroll = self.browser.verticalScrollBar().value()
        same = self.browser.property("conversation") == conversation.number
        self.browser.setHtml(self._example_html(conversation, example, fold, target_words))
        self.browser.setProperty("conversation", conversation.number)
        if same:  # ticking keeps the writer's place; another conversation starts at the top
            self.browser.verticalScrollBar().setValue(scroll)
        notes = []
        if conversation.left_out:
            notes.append(
                self.tr("Left out of this example: {what}.").format(
                    what=skipped_text(conversation.left_out)
                )
            )
        # Folded, only the last answer is used; kept, every answer is.
        answers = conversation.turns[-1:] if fold else conversation.turns
        if any(turn.canvas is not None for turn in answers):
            notes.append(
                self.tr(
                    "ChatGPT wrote this in its canvas (a document it keeps beside the chat): the "
                    "text is the canvas as ChatGPT left it, not its short note in the chat."
                )
            )
        if conversation.other_versions:
            notes.append(
                self.tr(
                    "You regenerated or edited here: this is the version you last saw; the "
                    "others aren’t used."
                )
            )
        self.notes.setText(" ".join(notes))
        self.notes.setVisible(bool(notes))

    def _example_html(
        self, conversation: Conversation, example: Example, fold: bool, target_words: int | None
    ) -> str:
        """The example as the writer will find it in the editor: headed parts, word counts."""
        palette = self.palette()
        mark = palette.color(QPalette.ColorRole.Highlight)
        mark.setAlpha(60)
        mark_css = f"rgba({mark.red()},{mark.green()},{mark.blue()},0.25)"
        muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
        parts: list[str] = []
        messages = example.messages
        last_answer = max(i for i, m in enumerate(messages) if m.role == "assistant")
        user_seen = 0
        for index, message in enumerate(messages):
            body = _paragraphs(message.content)
            if message.role == "system":
                heading = self.tr("System prompt (your project’s)")
            elif message.role == "user":
                user_seen += 1
                if fold and conversation.prompts > 1:
                    heading = self.tr("Prompt, with your follow-ups folded in (highlighted)")
                    first = conversation.turns[0].text
                    kept = _common_start(first, message.content)
                    body = _paragraphs(message.content[:kept]) + (
                        f'<span style="background-color:{mark_css}">'
                        + _paragraphs(message.content[kept:])
                        + "</span>"
                    )
                elif user_seen == 1:
                    heading = self.tr("Prompt")
                else:
                    heading = self.tr("Follow-up prompt {number}").format(number=user_seen - 1)
            elif index == last_answer:
                words = count_words(message.content)
                heading = self._response_heading(words, conversation, fold, target_words)
            else:
                heading = self.tr("Answer")
            parts.append(
                f'<p style="margin-top:10px;margin-bottom:2px;color:{muted}">'
                f"<b>{html.escape(heading)}</b></p>"
                f'<p style="margin-top:0">{body}</p>'
            )
        return "".join(parts)

    def _response_heading(
        self, words: int, conversation: Conversation, fold: bool, target_words: int | None
    ) -> str:
        if fold and conversation.prompts > 1:
            heading = self.tr("Response: ChatGPT’s last answer")
        else:
            heading = self.tr("Response") if conversation.prompts == 1 else self.tr("Last answer")
        heading += " · " + (
            self.tr("1 word") if words == 1 else self.tr("{count} words").format(count=f"{words:,}")
        )
        if target_words:
            heading += " " + self.tr("(your target: {target})").format(target=f"{target_words:,}")
        return heading


def _paragraphs(text: str) -> str:
    """Plain text as HTML that keeps its line breaks."""
    return html.escape(text).replace("\n", "<br>")


def _common_start(first: str, second: str) -> int:
    """How many characters ``first`` and ``second`` share at their start."""
    length = min(len(first), len(second))
    for index in range(length):
        if first[index] != second[index]:
            return index
    return length
