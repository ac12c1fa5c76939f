"""The bench's "How they write" box: the temperature both models write at and the longest reply,
in words and in the tokens the services count."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.writing import bench_scoring as bench
from fineauthor.ui.bench.hint import hint


class ReplySettingsBox(QGroupBox):
    """A temperature slider (0.0 to 2.0) and the longest reply in words, each explained."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("How they write"))
        settings_layout = QVBoxLayout(self)
        temperature_row = QHBoxLayout()
        temperature_row.addWidget(QLabel(self.tr("Temperature:")))
        self.temperature_slider = QSlider(Qt.Orientation.Horizontal)
        self.temperature_slider.setRange(0, 20)  # tenths: 0.0 to 2.0
        self.temperature_slider.setValue(10)
        self.temperature_slider.setPageStep(2)
        self.temperature_slider.setAccessibleName(self.tr("Temperature"))
        self.temperature_slider.valueChanged.connect(self._show_temperature)
        temperature_row.addWidget(self.temperature_slider, 1)
        self.temperature_value = QLabel()
        self.temperature_value.setMinimumWidth(28)
        temperature_row.addWidget(self.temperature_value)
        settings_layout.addLayout(temperature_row)
        settings_layout.addWidget(
            hint(
                self.tr(
                    "Higher is more surprising, lower is safer and more predictable. Above "
                    "about 1.3 a reply can start to ramble."
                )
            )
        )
        length_row = QHBoxLayout()
        length_row.addWidget(QLabel(self.tr("Longest reply:")))
        self.length_spin = QSpinBox()
        self.length_spin.setRange(50, bench.MAX_WORDS)
        self.length_spin.setSingleStep(50)
        self.length_spin.setSuffix(self.tr(" words"))
        self.length_spin.setGroupSeparatorShown(True)
        self.length_spin.setAccessibleName(self.tr("Longest reply, in words"))
        self.length_spin.valueChanged.connect(self._show_tokens)
        length_row.addWidget(self.length_spin, 1)
        settings_layout.addLayout(length_row)
        self.tokens_hint = hint("")
        settings_layout.addWidget(self.tokens_hint)
        self._show_temperature()

    @property
    def temperature(self) -> float:
        return self.temperature_slider.value() / 10

    def _show_temperature(self) -> None:
        self.temperature_value.setText(QLocale().toString(self.temperature, "f", 1))

    def _show_tokens(self) -> None:
        tokens = QLocale().toString(bench.tokens_for_words(self.length_spin.value()))
        self.tokens_hint.setText(
            self.tr(
                "About %1 tokens, the word pieces models count in (about 1.4 a word). A reply "
                "stops there, even mid-sentence."
            ).replace("%1", tokens)
        )
