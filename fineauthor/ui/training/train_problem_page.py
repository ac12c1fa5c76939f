"""The Train dialog's Problem page: a refusal or a lost connection in the service's own
sentence, what to do next, and a button that does it (open Settings → Accounts, switch to
Together AI, go back, try again)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import ProviderError
from fineauthor.training.attempts import StartUnconfirmedError
from fineauthor.ui.training.job_words import next_step
from fineauthor.ui.training.train_layout import button_row, heading_label, wrapped_label

# What the page's action button asks for, carried by ``ProblemPage.actionRequested``.
TRY_AGAIN = "try-again"
OPEN_ACCOUNTS = "open-accounts"  # Settings → Accounts, from the Choose page
USE_TOGETHER = "use-together"  # choose Together AI instead
BACK_TO_CHOOSE = "back-to-choose"


def key_problem_text(problem: FineAuthorError, key: str | None) -> str:
    """A problem's sentence, with the key masked should a service ever have echoed it."""
    text = str(problem)
    if key:
        from fineauthor.providers.keys import redact

        text = redact(text, key)
    return text


class ProblemPage(QWidget):
    """What went wrong and what to do: ``show_problem`` words a problem, ``show_text`` shows
    given words. ``actionRequested`` carries the action button's TRY_AGAIN, OPEN_ACCOUNTS,
    USE_TOGETHER or BACK_TO_CHOOSE; ``backRequested`` for Back, ``closeRequested`` for Close."""

    actionRequested = Signal(str)  # noqa: N815
    backRequested = Signal()  # noqa: N815
    closeRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._action: str | None = None
        self.setAccessibleName(self.tr("Something went wrong"))
        self.problem_title = heading_label("")
        self.problem_message = wrapped_label()
        self.problem_message.setAccessibleName(self.tr("What happened"))
        self.problem_next = wrapped_label()
        font = self.problem_next.font()
        font.setWeight(QFont.Weight.DemiBold)
        self.problem_next.setFont(font)
        self.problem_next.setAccessibleName(self.tr("What to do next"))
        self.problem_action = QPushButton()
        self.problem_action.clicked.connect(self._action_clicked)
        self.problem_back = QPushButton(self.tr("Back"))
        self.problem_back.clicked.connect(self.backRequested)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.closeRequested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_message)
        layout.addWidget(self.problem_next)
        layout.addStretch(1)
        layout.addLayout(button_row(self.problem_back, close, self.problem_action))

    def show_problem(
        self,
        problem: FineAuthorError,
        service_name: str,
        key: str | None,
        *,
        can_use_together: bool,
    ) -> None:
        """A refusal, a lost connection or any other plain problem from ``service_name``, with
        what to do next; ``key`` is masked should it appear. ``can_use_together`` offers
        Together AI when the service will not train for this account."""
        message = key_problem_text(problem, key)
        if not isinstance(problem, ProviderError):
            self.show_text(
                self.tr("Training could not start."), message, self.tr("Try Again"), TRY_AGAIN
            )
            return
        if problem.kind == ProviderError.CANCELLED:
            self.show_text(
                self.tr("Sending stopped."),
                self.tr(
                    "You stopped sending the examples. Nothing was trained and no job was started."
                ),
                self.tr("Back to the Start"),
                BACK_TO_CHOOSE,
                next_text=self.tr("Press Check again whenever you are ready."),
            )
            return
        action: tuple[str, str]
        if problem.kind == ProviderError.AUTH:
            action = (self.tr("Open Settings → Accounts…"), OPEN_ACCOUNTS)
        elif problem.kind == ProviderError.NOT_ALLOWED and can_use_together:
            action = (self.tr("Train with Together AI Instead"), USE_TOGETHER)
        elif problem.kind in (
            ProviderError.MODEL_UNAVAILABLE,
            ProviderError.FILE_REJECTED,
            ProviderError.REFUSED,
        ):
            action = (self.tr("Back"), BACK_TO_CHOOSE)
        else:
            action = (self.tr("Try Again"), TRY_AGAIN)
        if isinstance(problem, StartUnconfirmedError):
            self.show_text(
                self.tr("%1 may have started the training.").replace("%1", service_name),
                message,
                self.tr("Try Again"),
                TRY_AGAIN,
                next_text=self.tr(
                    "Look at the trainings on your %1 account first. Try Again looks for it "
                    "once more and uses it when it is there; only if it is not does it start one."
                ).replace("%1", service_name),
            )
            return
        title = {
            ProviderError.AUTH: self.tr("%1 did not accept your key."),
            ProviderError.NOT_ALLOWED: self.tr("%1 will not train a model for this account."),
            ProviderError.NETWORK: self.tr("FineAuthor could not reach %1."),
            ProviderError.BILLING: self.tr("%1 needs credit on your account."),
        }.get(problem.kind, self.tr("%1 could not start the training."))
        self.show_text(
            title.replace("%1", service_name),
            message,
            *action,
            next_text=next_step(problem, service_name),
        )

    def show_text(
        self,
        title: str,
        message: str,
        action_text: str,
        action: str | None,
        *,
        next_text: str = "",
    ) -> None:
        """``title``, ``message`` and ``next_text`` as given; the action button says
        ``action_text`` and asks for ``action`` (no button when None)."""
        self.problem_title.setText(title)
        self.problem_message.setText(message)
        self.problem_next.setText(next_text)
        self.problem_next.setVisible(bool(next_text))
        self.problem_action.setText(action_text)
        self.problem_action.setVisible(action is not None)
        self.problem_action.setDefault(True)
        self._action = action

    @Slot()
    def _action_clicked(self) -> None:
        if self._action is not None:
            self.actionRequested.emit(self._action)
