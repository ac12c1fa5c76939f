"""The Train dialog's pages while the examples go: Sending (a byte progress bar and Cancel), the
service's own price when it gives one, beside FineAuthor's estimate (confirm again), and
Starting, while the service is asked to create the job."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.dataset.estimate import Estimate
from fineauthor.providers.base import PriceEstimate
from fineauthor.ui.training.train_layout import button_row, heading_label, wrapped_label
from fineauthor.ui.widgets.labels import muted
from fineauthor.ui.widgets.price_words import about_money, money


class SendingPage(QWidget):
    """The examples on their way: ``start`` it, ``set_progress`` as bytes go, ``mark_sent``
    once they are there. ``cancelRequested`` when the writer presses Cancel (the page then
    says it is stopping)."""

    cancelRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Sending your examples"))
        self.sending_label = heading_label("")
        self.upload_bar = QProgressBar()
        self.upload_bar.setAccessibleName(self.tr("Upload progress"))
        self.upload_bar.setTextVisible(True)
        self.upload_detail = muted(wrapped_label())
        self.upload_detail.setAccessibleName(self.tr("How much has been sent"))
        self.cancel_upload_button = QPushButton(self.tr("Cancel"))
        self.cancel_upload_button.setAccessibleName(self.tr("Stop sending"))
        self.cancel_upload_button.clicked.connect(self._cancel_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sending_label)
        layout.addWidget(self.upload_bar)
        layout.addWidget(self.upload_detail)
        layout.addStretch(1)
        layout.addLayout(button_row(self.cancel_upload_button))

    def start(self, service_name: str, total: int) -> None:
        """Nothing of ``total`` bytes sent yet to ``service_name``; Cancel can be pressed."""
        self.upload_bar.setRange(0, max(1, total))
        self.upload_bar.setValue(0)
        self._show_sent(0, total)
        self.sending_label.setText(
            self.tr("Sending your examples to %1…").replace("%1", service_name)
        )
        self.cancel_upload_button.setEnabled(True)

    @Slot(int)
    def set_progress(self, sent: int) -> None:
        """``sent`` bytes are there."""
        self.upload_bar.setValue(min(sent, self.upload_bar.maximum()))
        self._show_sent(sent, self.upload_bar.maximum())

    def mark_sent(self) -> None:
        """The sending is over: there is nothing left to cancel."""
        self.cancel_upload_button.setEnabled(False)

    def _show_sent(self, sent: int, total: int) -> None:
        locale = QLocale()
        self.upload_detail.setText(
            self.tr("%1 of %2 sent")
            .replace("%1", locale.formattedDataSize(sent))
            .replace("%2", locale.formattedDataSize(total))
        )

    @Slot()
    def _cancel_clicked(self) -> None:
        self.cancelRequested.emit()
        self.cancel_upload_button.setEnabled(False)
        self.upload_detail.setText(self.tr("Stopping…"))


class PricePage(QWidget):
    """The service's own price for the training beside FineAuthor's estimate, with why they
    differ, asked once more: ``show_price`` fills it. ``confirmed`` for Start Training,
    ``declined`` for Don't Train."""

    confirmed = Signal()
    declined = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("The service's price"))
        self.price_label = heading_label("")
        self.price_label.setAccessibleName(self.tr("The service's price"))
        self.quote_title = QLabel()
        self.quote_value = wrapped_label()
        self.ours_value = wrapped_label()
        self.ours_value.setAccessibleName(self.tr("FineAuthor’s estimate"))
        figures = QGridLayout()
        figures.setColumnStretch(1, 1)
        figures.setHorizontalSpacing(16)
        rows = (
            (self.quote_title, self.quote_value),
            (QLabel(self.tr("FineAuthor’s estimate:")), self.ours_value),
        )
        for row, (title, value) in enumerate(rows):
            title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            figures.addWidget(title, row, 0)
            figures.addWidget(value, row, 1)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setLayout(figures)
        self.difference_label = muted(wrapped_label())
        self.difference_label.setAccessibleName(self.tr("Why the two figures differ"))
        self.price_detail = wrapped_label()
        dont = QPushButton(self.tr("Don’t Train"))
        dont.setAccessibleName(self.tr("Do not start training"))
        dont.clicked.connect(self.declined)
        self.start_button = QPushButton(self.tr("Start Training"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.confirmed)
        self.setFocusProxy(self.start_button)  # the keyboard lands on the page's answer
        layout = QVBoxLayout(self)
        layout.addWidget(self.price_label)
        layout.addWidget(frame)
        layout.addWidget(self.difference_label)
        layout.addSpacing(12)
        layout.addWidget(self.price_detail)
        layout.addStretch(1)
        layout.addLayout(button_row(dont, self.start_button))

    def show_price(
        self, price: PriceEstimate, service_name: str, ours: Estimate | None = None
    ) -> None:
        """What ``service_name`` quotes for this training, beside ``ours``, the estimate the
        writer saw before sending (None when there was none)."""
        self.price_label.setText(
            self.tr("%1 quotes %2 for this training.")
            .replace("%1", service_name)
            .replace("%2", money(price.usd))
        )
        self.quote_title.setText(self.tr("%1’s quote:").replace("%1", service_name))
        self.quote_value.setAccessibleName(self.tr("%1’s quote").replace("%1", service_name))
        self.quote_value.setText(self._figure(money(price.usd), price.billed_tokens))
        if ours is not None and ours.cost_usd is not None:
            self.ours_value.setText(self._figure(about_money(ours.cost_usd), ours.billed_tokens))
        else:
            self.ours_value.setText(self.tr("price not known"))
        self.difference_label.setText(self._difference(price, ours, service_name))
        self.price_detail.setText(
            self.tr(
                "Your examples are on %1 now, but training has not started and costs nothing "
                "yet. Start training at this price?"
            ).replace("%1", service_name)
        )

    def _figure(self, amount: str, tokens: int | None) -> str:
        if not tokens:
            return amount
        return (
            self.tr("%1, for about %2 tokens")
            .replace("%1", amount)
            .replace("%2", QLocale().toString(tokens))
        )

    def _difference(self, price: PriceEstimate, ours: Estimate | None, service_name: str) -> str:
        """One plain sentence on why the two figures differ (or that they agree)."""
        if ours is None or ours.cost_usd is None:
            return self.tr(
                "FineAuthor had no price of its own for this model, so %1’s quote is the only "
                "figure; it is the one you would pay."
            ).replace("%1", service_name)
        if money(ours.cost_usd) == money(price.usd):
            return self.tr(
                "The two agree to the cent; %1’s quote is the one you would pay."
            ).replace("%1", service_name)
        return self.tr(
            "They differ because %1 splits your words into tokens (the pieces it bills) the "
            "way this model does and uses its current prices, while FineAuthor’s estimate used "
            "a close stand-in for that splitting and the published price list; %1’s quote is "
            "the one you would pay."
        ).replace("%1", service_name)


class StartingPage(QWidget):
    """A busy bar while the service is asked to start the training."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Starting the training"))
        self.starting_label = heading_label(self.tr("Starting the training…"))
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setAccessibleName(self.tr("Starting"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.starting_label)
        layout.addWidget(bar)
        layout.addStretch(1)

    def show_starting(self, service_name: str) -> None:
        """Say which service is being asked."""
        self.starting_label.setText(
            self.tr("Starting the training with %1…").replace("%1", service_name)
        )
