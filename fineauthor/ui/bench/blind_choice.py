"""The writer's choices at the bench: the bar where they say, blind, which reply sounds like
them and then read which model wrote which; the tally of a pair's blind runs in a sentence;
and keeping each choice as a preference pair that a second round of training learns from."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from fineauthor.core.writing.bench_scoring import PairTally, pair_from_outputs
from fineauthor.ui.shell.document import ProjectDocument


def _tr(text: str) -> str:
    return QCoreApplication.translate("BlindChoice", text)


class ChoiceBar(QFrame):
    """ "Which one sounds like you?" with A, B and Neither, and the reveal once the writer has
    chosen. Hidden until the bench shows it for a blind run."""

    chosen = Signal(object)  # "A", "B" or None (neither)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        self.choice_question = QLabel(self.tr("Which one sounds like you?"))
        bold = QFont(self.choice_question.font())
        bold.setBold(True)
        self.choice_question.setFont(bold)
        layout.addWidget(self.choice_question)
        self.choose_a = QPushButton(self.tr("A Sounds Like Me"))
        self.choose_b = QPushButton(self.tr("B Sounds Like Me"))
        self.choose_neither = QPushButton(self.tr("Neither"))
        self.choose_a.clicked.connect(lambda: self.chosen.emit("A"))
        self.choose_b.clicked.connect(lambda: self.chosen.emit("B"))
        self.choose_neither.clicked.connect(lambda: self.chosen.emit(None))
        for button in (self.choose_a, self.choose_b, self.choose_neither):
            layout.addWidget(button)
        self.reveal_label = QLabel()
        self.reveal_label.setWordWrap(True)
        self.reveal_label.setAccessibleName(self.tr("Which model wrote which"))
        self.reveal_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.reveal_label, 1)
        self.hide()


def tally_sentence(pair: PairTally) -> str:
    """The tally of one pair of models, in a sentence."""
    if pair.runs == 0:
        return _tr(
            "No blind runs of these two models yet. A blind run hides which model wrote "
            "which, so you judge the writing alone."
        )
    if pair.runs == 1:
        if pair.fine_tuned_chosen:
            return _tr("Your fine-tune was chosen in your one blind run so far.")
        if pair.base_chosen:
            return _tr("In your one blind run so far, you chose the other model.")
        return _tr("In your one blind run so far, you chose neither.")
    locale = QLocale()
    others = []
    if pair.base_chosen:
        others.append(_tr("the other model in %1").replace("%1", locale.toString(pair.base_chosen)))
    if pair.neither:
        others.append(_tr("neither in %1").replace("%1", locale.toString(pair.neither)))
    text = (
        _tr("Your fine-tune was chosen in %1 of %2 blind runs")
        .replace("%1", locale.toString(pair.fine_tuned_chosen))
        .replace("%2", locale.toString(pair.runs))
    )
    if others:
        text += " (" + ", ".join(others) + ")"
    return text + "."


def keep_choice(
    document: ProjectDocument,
    asked: tuple[str, str],
    preferred: tuple[str, str],
    other: tuple[str, str],
    source: str,
) -> int | None:
    """Keep the writer's choice as a preference pair in the project (one undo step): what
    both models were ``asked`` (system prompt, prompt), and the ``preferred`` reply over the
    ``other``, each as (text, model). The new pair's id; None when a reply is empty or the
    write failed."""
    if not preferred[0].strip() or not other[0].strip():
        return None
    pair = pair_from_outputs(*asked, preferred, other, source)
    ids = document.add_pairs([pair], _tr("Keep your choice"))
    return ids[0] if ids else None
