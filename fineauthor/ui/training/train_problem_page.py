"""The Train dialog's Problem page: a refusal or a lost connection in the service's own
sentence, what to do next, and a button that does it (open Settings → Accounts, switch to
Together AI, try again)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import ProviderError
from fineauthor.ui.training.job_words import next_step
from fineauthor.ui.training.train_layout import button_row, heading_label, wrapped_label


def key_problem_text(problem: FineAuthorError, key: str | None) -> str:
    """A problem's sentence, with the key masked should a service ever have echoed it."""
    text = str(problem)
    if key:
        from fineauthor.providers.keys import redact

        text = redact(text, key)
    return text


class ProblemPageMixin:
    """The Problem page, mixed into ``TrainDialog`` (which provides the Choose page's service
    box, ``_retry``, ``_key`` and ``_show_page``)."""

    def _build_problem_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Something went wrong"))
        self.problem_title = heading_label("")
        self.problem_message = wrapped_label()
        self.problem_message.setAccessibleName(self.tr("What happened"))
        self.problem_next = wrapped_label()
        font = self.problem_next.font()
        font.setWeight(QFont.Weight.DemiBold)
        self.problem_next.setFont(font)
        self.problem_next.setAccessibleName(self.tr("What to do next"))
        self.problem_action = QPushButton()
        self.problem_action.clicked.connect(self._problem_action_clicked)
        self.problem_back = QPushButton(self.tr("Back"))
        self.problem_back.clicked.connect(lambda: self._show_page(self.choose_page, 0))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_message)
        layout.addWidget(self.problem_next)
        layout.addStretch(1)
        layout.addLayout(button_row(self.problem_back, close, self.problem_action))
        return page

    def _show_problem(self, problem: FineAuthorError) -> None:
        """A refusal, a lost connection or any other plain problem, with what to do next."""
        from fineauthor.training.prepare import TrainingRefused

        if isinstance(problem, TrainingRefused):
            self._show_refused(problem.report)
            return
        self.check_button.setEnabled(True)
        self.check_button.setText(self.tr("Check My Examples"))
        message = key_problem_text(problem, self._key)
        name = self.service.name
        if not isinstance(problem, ProviderError):
            self._show_problem_text(
                self.tr("Training could not start."), message, self.tr("Try Again"), self._retry
            )
            return
        if problem.kind == ProviderError.CANCELLED:
            self._show_problem_text(
                self.tr("Sending stopped."),
                self.tr(
                    "You stopped sending the examples. Nothing was trained and no job was started."
                ),
                self.tr("Back to the Start"),
                lambda: self._show_page(self.choose_page, 0),
                next_text=self.tr("Press Check again whenever you are ready."),
            )
            return
        action: tuple[str, Callable[[], None] | None]
        if problem.kind == ProviderError.AUTH:
            action = (self.tr("Open Settings → Accounts…"), self._accounts_then_choose)
        elif problem.kind == ProviderError.NOT_ALLOWED and self._can_switch_to("together"):
            action = (self.tr("Train with Together AI Instead"), self._switch_to_together)
        elif problem.kind in (
            ProviderError.MODEL_UNAVAILABLE,
            ProviderError.FILE_REJECTED,
            ProviderError.REFUSED,
        ):
            action = (self.tr("Back"), lambda: self._show_page(self.choose_page, 0))
        else:
            action = (self.tr("Try Again"), self._retry)
        title = {
            ProviderError.AUTH: self.tr("%1 did not accept your key."),
            ProviderError.NOT_ALLOWED: self.tr("%1 will not train a model for this account."),
            ProviderError.NETWORK: self.tr("FineAuthor could not reach %1."),
            ProviderError.BILLING: self.tr("%1 needs credit on your account."),
        }.get(problem.kind, self.tr("%1 could not start the training."))
        self._show_problem_text(
            title.replace("%1", name), message, *action, next_text=next_step(problem, name)
        )

    def _show_problem_text(
        self,
        title: str,
        message: str,
        action_text: str,
        action: Callable[[], None] | None,
        *,
        next_text: str = "",
    ) -> None:
        self.problem_title.setText(title)
        self.problem_message.setText(message)
        self.problem_next.setText(next_text)
        self.problem_next.setVisible(bool(next_text))
        self.problem_action.setText(action_text)
        self.problem_action.setVisible(action is not None)
        self.problem_action.setDefault(True)
        self._problem_callback = action
        self._show_page(self.problem_page, None)

    @Slot()
    def _problem_action_clicked(self) -> None:
        if self._problem_callback is not None:
            self._problem_callback()

    def _can_switch_to(self, provider_id: str) -> bool:
        """Whether ``provider_id`` is offered here and is not the service already chosen."""
        return self.service_box.findData(provider_id) >= 0 and self.service.id != provider_id

    def _switch_to_together(self) -> None:
        self.select_service("together")
        self._show_page(self.choose_page, 0)

    def _accounts_then_choose(self) -> None:
        self._show_page(self.choose_page, 0)
        self.open_accounts()
