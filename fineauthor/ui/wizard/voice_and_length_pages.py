"""Pages 3 and 4 of the wizard: the voice in the writer's words with the fingerprint of a
passage, and the length of a response with the tolerance around it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage

# -- 3. Style ------------------------------------------------------------------------------------


class FingerprintView(QFrame):
    """Three plain measurements of a passage: sentence length, dialogue, paragraph length."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self.setAccessibleName(self.tr("Your passage’s fingerprint"))
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(24)
        self.values: list[QLabel] = []
        captions = (
            self.tr("words in an average sentence"),
            self.tr("of paragraphs have dialogue"),
            self.tr("words in an average paragraph"),
        )
        for column, caption in enumerate(captions):
            value = blocks.heading("–", 1.6)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft)
            self.values.append(value)
            grid.addWidget(value, 0, column)
            grid.addWidget(blocks.wrapping(caption), 1, column)
        self.summary = blocks.wrapping()
        grid.addWidget(self.summary, 2, 0, 1, 3)
        self.show_fingerprint(None)

    def show_fingerprint(self, fingerprint: Any | None) -> None:
        """Show a StyleFingerprint, or the invitation to paste one when None."""
        locale = QLocale()
        if fingerprint is None or not fingerprint.words:
            for value in self.values:
                value.setText("–")
            self.summary.setText(self.tr("Paste a passage above to see its fingerprint."))
            self.setAccessibleDescription(self.summary.text())
            return
        self.values[0].setText(locale.toString(float(fingerprint.average_sentence_words), "f", 1))
        self.values[1].setText(
            self.tr("{percent}%").format(percent=round(fingerprint.dialogue_share * 100))
        )
        self.values[2].setText(blocks.format_number(fingerprint.average_paragraph_words))
        self.summary.setText(
            self.tr("Measured on {words} words in {paragraphs} paragraphs.").format(
                words=blocks.format_number(fingerprint.words),
                paragraphs=blocks.format_number(fingerprint.paragraphs),
            )
        )
        self.setAccessibleDescription(
            self.tr(
                "{sentence} words in an average sentence; {dialogue} of paragraphs have "
                "dialogue; {paragraph} words in an average paragraph."
            ).format(
                sentence=self.values[0].text(),
                dialogue=self.values[1].text(),
                paragraph=self.values[2].text(),
            )
        )


class StylePage(GuidePage):
    """The voice in the writer's words, and the fingerprint of a passage."""

    FINGERPRINT_DELAY_MS = 200  # measure after a pause in typing, not on every key

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("Your voice"),
            self.tr("Describe the style you want the model to write in."),
            self.tr(
                "Putting the voice into words helps you write examples that agree with each "
                "other, and it seeds the name suggestions later on. The fingerprint is a few "
                "simple measurements of your passage; FineAuthor keeps it to compare the "
                "trained model’s writing with yours."
            ),
        )
        self.description = blocks.text_box(
            4,
            self.tr(
                "For example: quiet, salt-bitten suspense. Short sentences when things go "
                "wrong. Dialogue carries the scene; hardly any adverbs."
            ),
        )
        self.add_field(self.tr("The voice, in your own words"), self.description)
        self.bind_text(keys.STYLE_DESCRIPTION, self.description)

        self.passage = blocks.text_box(9, self.tr("Paste a scene or two you wrote in this voice…"))
        self.add_field(
            self.tr("A passage you wrote (optional)"),
            self.passage,
            self.tr("It stays on this computer; FineAuthor only measures it."),
        )
        self.bind_text(keys.STYLE_PASSAGE, self.passage)

        self.body.addWidget(blocks.heading(self.tr("Its fingerprint"), 1.0))
        self.fingerprint_view = FingerprintView()
        self.body.addWidget(self.fingerprint_view)
        self.body.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.FINGERPRINT_DELAY_MS)
        self._timer.timeout.connect(self.measure)
        self.passage.textChanged.connect(self._timer.start)
        self.measure()

    def measure(self) -> None:
        """Fingerprint the passage now, show it and keep it with the answers."""
        from fineauthor.core.writing.fingerprint import fingerprint

        self._timer.stop()
        text = self.passage.toPlainText()
        if not text.strip():
            self.fingerprint_view.show_fingerprint(None)
            if self.store.get(keys.FINGERPRINT) is not None:
                self.store.set(keys.FINGERPRINT, None)
            return
        found = fingerprint(text)
        self.fingerprint_view.show_fingerprint(found)
        self.store.set(keys.FINGERPRINT, found.to_json())

    def cleanupPage(self) -> None:  # noqa: N802 - Back: keep what is on screen
        self.measure()

    def validatePage(self) -> bool:  # noqa: N802 - Next: keep what is on screen
        if self._timer.isActive():
            self.measure()
        return True


# -- 4. Length -----------------------------------------------------------------------------------


class LengthPage(GuidePage):
    """Target words per response and the tolerance around it."""

    def __init__(self, store: AnswerStore) -> None:
        super().__init__(
            store,
            self.tr("How long should a response be?"),
            self.tr("The length of one answer from the model, in words."),
            self.tr(
                "Length is the most common reason writers fine-tune, and the thing a "
                "fine-tune teaches most reliably, as long as every example is close to the "
                "length you want. The editor shows each response against this target, and the "
                "check report flags the ones that are too short or too long."
            ),
        )
        self.target = blocks.spin(50, 20000, 50, self.tr(" words"))
        self.tolerance = blocks.spin(0, 10000, 25, self.tr(" words"))
        self.target.setAccessibleName(self.tr("Target length of a response in words"))
        self.tolerance.setAccessibleName(self.tr("How far a response may be from the target"))
        grid = QGridLayout()
        target_label = blocks.heading(self.tr("Aim for"), 1.0)
        target_label.setBuddy(self.target)
        tolerance_label = blocks.heading(self.tr("Give or take"), 1.0)
        tolerance_label.setBuddy(self.tolerance)
        grid.addWidget(target_label, 0, 0)
        grid.addWidget(self.target, 0, 1)
        grid.addWidget(tolerance_label, 1, 0)
        grid.addWidget(self.tolerance, 1, 1)
        grid.setColumnStretch(2, 1)
        self.body.addLayout(grid)
        self.range_label = blocks.wrapping()
        self.range_label.setAccessibleName(self.tr("The length range"))
        self.body.addWidget(self.range_label)
        self.source_label = blocks.wrapping()
        self.body.addWidget(self.source_label)
        self.use_band_button = QPushButton(self.tr("Use the range from my win condition"))
        self.use_band_button.setAccessibleName(self.use_band_button.text())
        self.use_band_button.clicked.connect(self.use_band)
        band_row = QHBoxLayout()
        band_row.addWidget(self.use_band_button)
        band_row.addStretch(1)
        self.body.addLayout(band_row)

        self.body.addSpacing(8)
        self.body.addWidget(blocks.heading(self.tr("Examples teach length"), 1.0))
        self.body.addWidget(
            blocks.wrapping(
                self.tr(
                    "Asking for “2,000 words” in a prompt rarely works. Showing does: if your "
                    "examples all run close to the same length, the model learns to write that "
                    "much. If they range from 300 to 3,000 words, it learns that any length "
                    "will do. You may not love every word it writes at first, but it will hit "
                    "the length."
                )
            )
        )
        self.body.addStretch(1)

        self.bind_number(keys.TARGET_WORDS, self.target, keys.DEFAULT_TARGET_WORDS)
        self.bind_number(keys.TOLERANCE_WORDS, self.tolerance, keys.DEFAULT_TARGET_WORDS // 10)
        for key in (keys.TARGET_WORDS, keys.TOLERANCE_WORDS, keys.LENGTH_ON):
            self.follow(key, self._show_range)
        self._show_range()

    def band(self) -> tuple[int, int] | None:
        """The win condition's length band, if the writer ticked one."""
        if not self.store.get(keys.LENGTH_ON):
            return None
        low = self.store.number(keys.LENGTH_MIN, keys.DEFAULT_WIN_LENGTH[0])
        high = self.store.number(keys.LENGTH_MAX, keys.DEFAULT_WIN_LENGTH[1])
        return min(low, high), max(low, high)

    @staticmethod
    def from_band(band: tuple[int, int]) -> tuple[int, int]:
        low, high = band
        return (low + high) // 2, (high - low) // 2

    def initializePage(self) -> None:  # noqa: N802
        # First visit: start from the win condition's band (or a plain default) and keep it
        # as the answer, so what is on screen is what is saved.
        if not self.store.has(keys.TARGET_WORDS):
            band = self.band()
            if band is not None:
                target, tolerance = self.from_band(band)
            else:
                target, tolerance = keys.DEFAULT_TARGET_WORDS, keys.DEFAULT_TARGET_WORDS // 10
            self.store.update({keys.TARGET_WORDS: target, keys.TOLERANCE_WORDS: tolerance})
        self._show_range()

    def use_band(self) -> None:
        band = self.band()
        if band is not None:
            target, tolerance = self.from_band(band)
            self.store.update({keys.TARGET_WORDS: target, keys.TOLERANCE_WORDS: tolerance})

    def _show_range(self) -> None:
        target = self.target.value()
        tolerance = self.tolerance.value()
        low, high = max(0, target - tolerance), target + tolerance
        self.range_label.setText(
            self.tr("Responses from {low} to {high} words will count as on target.").format(
                low=blocks.format_number(low), high=blocks.format_number(high)
            )
        )
        band = self.band()
        if band is None:
            self.source_label.setText(
                self.tr("You didn’t set a length in your win condition, so this is a start.")
            )
            self.use_band_button.hide()
        elif (low, high) == band:
            self.source_label.setText(self.tr("This matches the length in your win condition."))
            self.use_band_button.hide()
        else:
            self.source_label.setText(
                self.tr("Your win condition says {low} to {high} words.").format(
                    low=blocks.format_number(band[0]), high=blocks.format_number(band[1])
                )
            )
            self.use_band_button.show()
