"""Text as the model sees it: a row of token "chips", each with its number.

A model does not read letters or words but tokens: pieces of text from a fixed vocabulary, each
with a number (its id). The viewer shows any text split that way for the project's model, and
for comparison the way the retired GPT-3.5 split it: "Liz" is one piece (159136) for GPT-4o and
two for GPT-3.5. The wizard uses it to show why an unusual style name helps; the editor's "Show
as tokens" opens it on the writer's text.

Splitting a short text takes well under a millisecond once the tokenizer is loaded, so it is
done at once on the GUI thread; a long text, or the first text before the tokenizer has been
loaded, is split in the background and the chips arrive a moment later.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLocale, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset import tokens
from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.shell.workers import Task, run_in_background

COMPARISON_ENCODING = "cl100k_base"  # GPT-3.5's and GPT-4's encoding, for comparison
FALLBACK_ENCODING = "o200k_base"
SYNC_LIMIT = 2_000  # characters: shorter texts are split on the GUI thread
MAX_CHIPS = 5_000  # more chips than anyone reads; a longer text shows its start

# Encodings this process has loaded through the viewer; until then even a short text is split in
# the background, because loading a tokenizer takes about a second.
_warm: set[str] = set()


# -- splitting (no widgets: runs in a worker too) -----------------------------------------------


@dataclass(frozen=True)
class Chip:
    """One token of a text.

    ``text`` is the characters this token completes, so the chips' texts joined give back the
    text. A character that takes several tokens (some emoji, some accented letters) is split
    over them: ``partial`` is set on each and ``label`` is that character, for display.
    """

    text: str
    token_id: int
    partial: bool = False
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.text


@dataclass(frozen=True)
class Tokenized:
    """A text split with one encoding: ``count`` tokens, the first :data:`MAX_CHIPS` as chips."""

    encoding: str
    count: int
    chips: tuple[Chip, ...]

    @property
    def complete(self) -> bool:
        return len(self.chips) == self.count


def tokenize(text: str, encoding: str, limit: int | None = None) -> Tokenized:
    """``text`` split into tokens of ``encoding``; chips for at most ``limit`` of them (all of
    them when None)."""
    ids = tokens.encode(text, encoding)
    tokenizer = tokens.get_encoding(encoding)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    # (characters completed, id, began inside a character, ended inside one)
    pieces: list[tuple[str, int, bool, bool]] = []
    pending = False
    for token_id in ids if limit is None else ids[:limit]:
        completed = decoder.decode(tokenizer.decode_single_token_bytes(token_id))
        unfinished = bool(decoder.getstate()[0])
        pieces.append((completed, token_id, pending, unfinished))
        pending = unfinished
    chips: list[Chip] = []
    for index, (completed, token_id, began_inside, ends_inside) in enumerate(pieces):
        label = ""
        if ends_inside:
            # Show the character this piece starts or continues: the next one completed.
            following = next((p[0][:1] for p in pieces[index + 1 :] if p[0]), "�")
            label = completed + following
        elif began_inside:
            label = completed
        chips.append(Chip(completed, token_id, began_inside or ends_inside, label))
    return Tokenized(encoding, len(ids), tuple(chips))


def _both(text: str, encoding: str) -> tuple[Tokenized, Tokenized]:
    """The text split for the model and for GPT-3.5."""
    return tokenize(text, encoding, MAX_CHIPS), tokenize(text, COMPARISON_ENCODING, MAX_CHIPS)


# -- the painted chips ----------------------------------------------------------------------------

# Calm hues, cycled so neighbouring chips never share a colour.
_HUES = (210, 150, 40, 340, 265)
_VISIBLE_SPACE = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}

_PAD_X, _PAD_Y = 5.0, 3.0
_GAP_X, _GAP_Y = 3.0, 6.0
_RADIUS = 4.0
_MARGIN = 8.0  # between the chips and the frame around them


@dataclass(frozen=True)
class _Placed:
    chip: Chip
    rect: QRectF
    runs: tuple[tuple[str, bool], ...]  # (text, faint) pieces of the chip's face
    text_width: float


def _runs(shown: str) -> tuple[tuple[str, bool], ...]:
    """The chip's face as runs of ordinary and faint text: spaces and line breaks made visible."""
    runs: list[tuple[str, bool]] = []
    for char in shown:
        faint = char.isspace()
        face = _VISIBLE_SPACE.get(char, "·") if faint else char
        if runs and runs[-1][1] == faint:
            runs[-1] = (runs[-1][0] + face, faint)
        else:
            runs.append((face, faint))
    return tuple(runs)


class TokenChips(QWidget):
    """The chips, wrapped like words on a page; a line break in the text starts a new row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chips: tuple[Chip, ...] = ()
        self._placed: list[_Placed] = []
        self._laid_out_width = -1.0
        self._height = 0.0
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(self.tr("Tokens"))
        self.setBackgroundRole(QPalette.ColorRole.Base)  # a page, like the editor's fields
        self.setAutoFillBackground(True)
        self.setToolTip(
            self.tr("A token is a piece of text, often a whole word, that the model reads as one.")
        )

    # -- contents ------------------------------------------------------------------------------

    def set_chips(self, chips: tuple[Chip, ...]) -> None:
        self._chips = chips
        self._laid_out_width = -1.0
        self.updateGeometry()
        self.update()

    def chips(self) -> tuple[Chip, ...]:
        return self._chips

    def placed_rects(self) -> list[QRectF]:
        """Where each chip is drawn at the current width (for tests)."""
        self._lay_out(self.width())
        return [placed.rect for placed in self._placed]

    # -- geometry ------------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont]:
        # The pieces a little larger than the interface text: they are what is being read.
        face = QFont(self.font())
        face.setPointSizeF(face.pointSizeF() * 1.1)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.75))
        return face, small

    def _chip_height(self) -> float:
        face, small = self._fonts()
        return QFontMetricsF(face).height() + QFontMetricsF(small).height() + 2 * _PAD_Y

    def _lay_out(self, width: float) -> float:
        if width == self._laid_out_width:
            return self._height
        face, small = self._fonts()
        face_metrics, small_metrics = QFontMetricsF(face), QFontMetricsF(small)
        height = self._chip_height()
        x = y = _MARGIN
        right = width - _MARGIN
        placed: list[_Placed] = []
        for chip in self._chips:
            runs = _runs(chip.shown)
            text_width = sum(face_metrics.horizontalAdvance(text) for text, _ in runs)
            id_width = small_metrics.horizontalAdvance(str(chip.token_id))
            chip_width = max(text_width, id_width, 6.0) + 2 * _PAD_X
            if x > _MARGIN and x + chip_width > right:
                x, y = _MARGIN, y + height + _GAP_Y
            placed.append(_Placed(chip, QRectF(x, y, chip_width, height), runs, text_width))
            x += chip_width + _GAP_X
            if "\n" in chip.text:  # the text's line break starts a new row of chips
                x, y = _MARGIN, y + height + _GAP_Y
        self._placed = placed
        self._laid_out_width = width
        self._height = (placed[-1].rect.bottom() if placed else 0.0) + _MARGIN
        return self._height

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return int(self._lay_out(float(width)) + 0.5)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = max(200, self.width())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, int(self._chip_height() + 2 * _MARGIN))

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        self._lay_out(float(self.width()))
        super().resizeEvent(event)  # type: ignore[arg-type]

    # -- painting -------------------------------------------------------------------------------

    def _colours(self, index: int, dark: bool) -> QColor:
        hue = _HUES[index % len(_HUES)]
        return QColor.fromHsl(hue, 90, 62) if dark else QColor.fromHsl(hue, 150, 226)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._lay_out(float(self.width()))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        ink = palette.color(QPalette.ColorRole.Text)
        faint = QColor(ink)
        faint.setAlphaF(0.5)
        muted = QColor(ink)
        muted.setAlphaF(0.62)
        face, small = self._fonts()
        face_metrics, small_metrics = QFontMetricsF(face), QFontMetricsF(small)
        visible = QRectF(event.rect())
        for index, placed in enumerate(self._placed):
            rect = placed.rect
            if rect.bottom() < visible.top():
                continue
            if rect.top() > visible.bottom():
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._colours(index, dark))
            painter.drawRoundedRect(rect, _RADIUS, _RADIUS)
            if placed.chip.partial:  # a piece of a character: a dashed edge says "incomplete"
                edge = QPen(muted, 1, Qt.PenStyle.DashLine)
                painter.setPen(edge)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), _RADIUS, _RADIUS)
            # The token's text, centred, with spaces and line breaks drawn faintly.
            painter.setFont(face)
            x = rect.left() + (rect.width() - placed.text_width) / 2
            baseline = rect.top() + _PAD_Y + face_metrics.ascent()
            for text, is_faint in placed.runs:
                painter.setPen(faint if is_faint or placed.chip.partial else ink)
                painter.drawText(QPointF(x, baseline), text)
                x += face_metrics.horizontalAdvance(text)
            # Its number underneath, small.
            painter.setFont(small)
            painter.setPen(muted)
            number = str(placed.chip.token_id)
            x = rect.left() + (rect.width() - small_metrics.horizontalAdvance(number)) / 2
            baseline = rect.top() + _PAD_Y + face_metrics.height() + small_metrics.ascent()
            painter.drawText(QPointF(x, baseline), number)

    # -- tooltips -------------------------------------------------------------------------------

    def chip_at(self, x: float, y: float) -> Chip | None:
        self._lay_out(float(self.width()))
        for placed in self._placed:
            if placed.rect.contains(QPointF(x, y)):
                return placed.chip
        return None

    def describe_chip(self, chip: Chip) -> str:
        if chip.partial:
            return (
                self.tr("Token %1 is part of “%2”: this character takes more than one token.")
                .replace("%1", str(chip.token_id))
                .replace("%2", chip.shown.strip() or chip.shown)
            )
        shown = "".join(face for face, _ in _runs(chip.text))
        return (
            self.tr("“%1” is token number %2.")
            .replace("%1", shown)
            .replace("%2", str(chip.token_id))
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            chip = self.chip_at(event.position().x(), event.position().y())
            if chip is not None:
                QToolTip.showText(event.globalPos(), self.describe_chip(chip), self)
                return True
        return super().event(event)


# -- the viewer -----------------------------------------------------------------------------------


def _short_name(name: str) -> str:
    """ "GPT-4o (August 2024)" → "GPT-4o": the summary line has little room."""
    return name.split(" (", 1)[0]


class TokenViewer(QWidget):
    """Any text as token chips for a model, with GPT-3.5's split for comparison.

    :meth:`set_text` and :meth:`set_model` may be called at any time; :attr:`updated` is emitted
    each time the chips and the summary show the current text.
    """

    updated = Signal()

    MODEL, COMPARISON = 0, 1  # the combo's two choices

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        model_id: str = "",
        show_explanation: bool = True,
    ) -> None:
        super().__init__(parent)
        self._text = ""
        self._generation = 0
        self._results: tuple[Tokenized, Tokenized] | None = None
        self._task: Task | None = None
        self._problem = ""
        self._model_label = "GPT-4o"
        self._encoding = FALLBACK_ENCODING
        self._exact = True
        self.setAccessibleName(self.tr("Text as tokens"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        layout.addLayout(self._build_top())

        self.explanation = QLabel(
            self.tr(
                "Each chip is one token, a piece of text the model reads as one unit, with its "
                "number underneath. A word the model knows well is one piece; an unusual name "
                "takes several."
            ),
            self,
        )
        self.explanation.setWordWrap(True)
        self.explanation.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.explanation.setVisible(show_explanation)
        layout.addWidget(self.explanation)

        self.chips_view = TokenChips()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.chips_view)
        self.scroll.setMinimumHeight(int(self.chips_view.minimumSizeHint().height()) + 16)
        layout.addWidget(self.scroll, 1)

        self.note_label = QLabel(self)
        self.note_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        layout.addWidget(self.note_label)

        self.set_model(model_id)

    def _build_top(self) -> QHBoxLayout:
        """The summary line, and the choice of whose pieces to show."""
        top = QHBoxLayout()
        top.setSpacing(8)
        self.summary_label = QLabel(self)
        self.summary_label.setAccessibleName(self.tr("Number of tokens"))
        self.summary_label.setWordWrap(True)
        heading = self.summary_label.font()
        heading.setBold(True)
        self.summary_label.setFont(heading)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.summary_label, 1)
        self.combo_label = QLabel(self.tr("Show the pieces for"), self)
        self.combo = QComboBox(self)
        self.combo.addItems(["", self.tr("GPT-3.5 (retired)")])
        self.combo.setAccessibleName(self.tr("Show the pieces for"))
        self.combo.setToolTip(
            self.tr(
                "Compare with GPT-3.5, an older, retired model with a smaller vocabulary: it "
                "often needs more pieces for the same words."
            )
        )
        self.combo_label.setBuddy(self.combo)
        self.combo.currentIndexChanged.connect(self._show)
        top.addWidget(self.combo_label)
        top.addWidget(self.combo)
        return top

    # -- public ---------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    @property
    def encoding(self) -> str:
        """The encoding of the chips on show."""
        return (
            COMPARISON_ENCODING
            if self.combo.currentIndex() == self.COMPARISON
            else (self._encoding)
        )

    @property
    def model_encoding(self) -> str:
        return self._encoding

    @property
    def busy(self) -> bool:
        """Whether the current text is still being split in the background."""
        return self._results is None and bool(self._text) and not self._problem

    def chips(self) -> tuple[Chip, ...]:
        """The chips on show (empty while the text is being split)."""
        return self.chips_view.chips()

    def counts(self) -> tuple[int, int] | None:
        """Tokens of the text for the model and for GPT-3.5, once known."""
        if self._results is None:
            return None
        return self._results[0].count, self._results[1].count

    def summary(self) -> str:
        return self.summary_label.text()

    def set_comparing(self, comparing: bool) -> None:
        """Show GPT-3.5's pieces (True) or the model's (False)."""
        self.combo.setCurrentIndex(self.COMPARISON if comparing else self.MODEL)

    def set_model(self, model_id: str) -> None:
        """Split for this model (its encoding comes from the catalog). An empty or unknown id
        means the model FineAuthor counts with by default."""
        label, encoding, exact = self._model_facts(model_id)
        changed = encoding != self._encoding
        self._model_label, self._encoding, self._exact = label, encoding, exact
        self.combo.setItemText(self.MODEL, label)
        if changed:
            self._split()
        else:
            self._show()

    def set_text(self, text: str) -> None:
        """Show ``text`` as tokens."""
        if text == self._text and (self._results is not None or self._task is not None):
            return
        self._text = text
        self._split()

    # -- splitting ------------------------------------------------------------------------------

    def _model_facts(self, model_id: str) -> tuple[str, str, bool]:
        try:
            from fineauthor.core.catalog import load_catalog

            catalog = load_catalog()
            try:
                model = catalog.model(model_id)
            except FineAuthorError:
                model = catalog.model(catalog.default_check_model)
        except FineAuthorError:
            return "GPT-4o", FALLBACK_ENCODING, True
        return _short_name(model.name), model.encoding, model.encoding_exact

    def _split(self) -> None:
        self._generation += 1
        self._results = None
        self._problem = ""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        text, encoding = self._text, self._encoding
        if not text:
            self._show()
            return
        warm = encoding in _warm and COMPARISON_ENCODING in _warm
        if warm and len(text) < SYNC_LIMIT:
            try:
                self._results = _both(text, encoding)
            except FineAuthorError as problem:
                self._problem = str(problem)
            self._show()
            return
        generation = self._generation
        self._show()  # "splitting…" meanwhile
        self._task = run_in_background(
            lambda _progress, _cancelled: _both(text, encoding),
            on_success=lambda result: self._arrived(generation, result),
            on_failure=lambda message: self._failed(generation, message),
        )

    def _arrived(self, generation: int, result: tuple[Tokenized, Tokenized]) -> None:
        _warm.update(r.encoding for r in result)
        if generation != self._generation:
            return  # the text or the model changed meanwhile
        self._task = None
        self._results = result
        self._show()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._problem = message
        self._show()

    # -- showing --------------------------------------------------------------------------------

    def _show(self, *_args: object) -> None:
        locale = QLocale()
        results = self._results
        if self._problem:
            summary = self.tr("The text could not be split into tokens: %1").replace(
                "%1", self._problem
            )
            self.chips_view.set_chips(())
        elif not self._text:
            summary = self.tr("Type or choose some text to see its tokens.")
            self.chips_view.set_chips(())
        elif results is None:
            summary = self.tr("Splitting into tokens…")
            self.chips_view.set_chips(())
        else:
            ours, theirs = results
            count = locale.toString(ours.count)
            if ours.count == 1:
                first = self.tr("1 token for %2")
            elif self._exact:
                first = self.tr("%1 tokens for %2")
            else:  # the catalog counts this model with a stand-in encoding
                first = self.tr("about %1 tokens for %2")
            first = first.replace("%1", count).replace("%2", self._model_label)
            second = self.tr("%1 for GPT-3.5").replace("%1", locale.toString(theirs.count))
            summary = f"{first} · {second}"
            shown = theirs if self.combo.currentIndex() == self.COMPARISON else ours
            self.chips_view.set_chips(shown.chips)
            if not shown.complete:
                self.note_label.setText(
                    self.tr("Showing the first %1 of %2 tokens.")
                    .replace("%1", locale.toString(len(shown.chips)))
                    .replace("%2", locale.toString(shown.count))
                )
            self.note_label.setVisible(not shown.complete)
        if results is None:
            self.note_label.hide()
        self.summary_label.setText(summary)
        self._describe(summary)
        if results is not None or self._problem or not self._text:
            self.updated.emit()

    def _describe(self, summary: str) -> None:
        """What a screen reader says: the summary and the first pieces with their numbers."""
        chips = self.chips_view.chips()[:40]
        pieces = ", ".join(f"{self.chips_view.describe_chip(c)}" for c in chips)
        description = summary if not pieces else f"{summary}. {pieces}"
        self.chips_view.setAccessibleDescription(description)
        self.setAccessibleDescription(summary)


# -- the dialog ----------------------------------------------------------------------------------


def show_tokens_dialog(parent: QWidget | None, text: str, model_id: str) -> QDialog:
    """Open a small window showing ``text`` as tokens for ``model_id``; returns it (it closes
    itself and is deleted when the writer closes it)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(dialog.tr("Your text as tokens"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setAccessibleName(dialog.tr("Your text as the model reads it"))
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(16, 14, 16, 12)
    layout.setSpacing(10)
    viewer = TokenViewer(dialog, model_id=model_id)
    viewer.setObjectName("tokenViewer")
    layout.addWidget(viewer, 1)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.viewer = viewer  # type: ignore[attr-defined]  # for the editor and the tests
    viewer.set_text(text)
    dialog.resize(640, 400)
    dialog.show()
    return dialog
