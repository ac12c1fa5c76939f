"""The Train dialog's steps 2 and 3: sending the examples (``upload_dataset`` in a worker, with
a byte progress bar and Cancel), the service's own price when it gives one, and starting the job
(``create_job``), which is then handed over through ``jobStarted``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLocale, Slot
from PySide6.QtWidgets import QProgressBar, QPushButton, QVBoxLayout, QWidget

from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import Job, PriceEstimate, Provider, ProviderError
from fineauthor.ui.training.price_words import money
from fineauthor.ui.training.train_layout import button_row, heading_label, wrapped_label
from fineauthor.ui.widgets.labels import muted


@dataclass(frozen=True)
class Sent:
    """Examples on the service: the open service, the recorded attempt, and the service's own
    price when it quoted one."""

    provider: Provider
    attempt: Any  # providers.training.Attempt
    price: PriceEstimate | None


class SendPagesMixin:
    """Sending, the service's price and starting, mixed into ``TrainDialog`` (which provides the
    checked ``dataset``, the ``options``, ``_run`` and ``_show_page``)."""

    # Step 2: send ---------------------------------------------------------------------------

    def _build_sending_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Sending your examples"))
        self.sending_label = heading_label("")
        self.upload_bar = QProgressBar()
        self.upload_bar.setAccessibleName(self.tr("Upload progress"))
        self.upload_bar.setTextVisible(True)
        self.upload_detail = muted(wrapped_label())
        self.upload_detail.setAccessibleName(self.tr("How much has been sent"))
        self.cancel_upload_button = QPushButton(self.tr("Cancel"))
        self.cancel_upload_button.setAccessibleName(self.tr("Stop sending"))
        self.cancel_upload_button.clicked.connect(self.cancel_upload)
        layout = QVBoxLayout(page)
        layout.addWidget(self.sending_label)
        layout.addWidget(self.upload_bar)
        layout.addWidget(self.upload_detail)
        layout.addStretch(1)
        layout.addLayout(button_row(self.cancel_upload_button))
        return page

    @Slot()
    def send(self) -> None:
        """The writer confirmed: send the examples (or find them already sent)."""
        from fineauthor.providers.registry import open_provider
        from fineauthor.training.attempts import upload_dataset

        dataset, info, model_id = self.dataset, self.service, self.model.id
        project, options, key = self.document.project, self.options, self._key
        existing = (
            self.provider if self.provider is not None and self.provider.id == info.id else None
        )
        total = len(dataset.jsonl)
        self.upload_reports.clear()
        self.upload_bar.setRange(0, max(1, total))
        self.upload_bar.setValue(0)
        self._show_sent(0, total)
        self.sending_label.setText(self.tr("Sending your examples to %1…").replace("%1", info.name))
        self.cancel_upload_button.setEnabled(True)

        def work(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> Sent:
            provider = existing or open_provider(info.id, key or "")
            try:
                attempt = upload_dataset(
                    project,
                    provider,
                    model_id,
                    options,
                    dataset,
                    progress=lambda sent, _total: progress(sent),
                    cancelled=cancelled,
                )
            except ProviderError as problem:
                if problem.kind == ProviderError.CANCELLED:
                    _mark_stopped(project, info.id, dataset.sha256, model_id)
                raise
            price = None
            if attempt.job is None:
                price = provider.estimate_price(model_id, attempt.file_id, options)
            return Sent(provider, attempt, price)

        self._show_page(self.sending_page, 2)
        self._run(work, self._sent_done, retry=self.send, on_progress=self._upload_progressed)

    @Slot(int)
    def _upload_progressed(self, sent: int) -> None:
        self.upload_reports.append(sent)
        self.upload_bar.setValue(min(sent, self.upload_bar.maximum()))
        self._show_sent(sent, self.upload_bar.maximum())

    def _show_sent(self, sent: int, total: int) -> None:
        locale = QLocale()
        self.upload_detail.setText(
            self.tr("%1 of %2 sent")
            .replace("%1", locale.formattedDataSize(sent))
            .replace("%2", locale.formattedDataSize(total))
        )

    @Slot()
    def cancel_upload(self) -> None:
        """Stop sending; nothing is trained."""
        if self._task is not None:
            self._task.cancel()
        self.cancel_upload_button.setEnabled(False)
        self.upload_detail.setText(self.tr("Stopping…"))

    def _sent_done(self, sent: Sent) -> None:
        self.provider = sent.provider
        self._sent = sent
        self.cancel_upload_button.setEnabled(False)
        if sent.attempt.job is not None:  # these examples already have a job: watch it
            self._hand_over(sent.attempt.job)
        elif sent.price is not None:
            self._record_service_price(sent)
            self._fill_price(sent.price)
            self._show_page(self.price_page, 3)
        else:
            self.create()

    # Page: the service's own price ----------------------------------------------------------

    def _build_price_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("The service's price"))
        self.price_label = heading_label("")
        self.price_label.setAccessibleName(self.tr("The service's price"))
        self.price_detail = wrapped_label()
        dont = QPushButton(self.tr("Don’t Train"))
        dont.setAccessibleName(self.tr("Do not start training"))
        dont.clicked.connect(self.reject)
        self.start_button = QPushButton(self.tr("Start Training"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.create)
        layout = QVBoxLayout(page)
        layout.addWidget(self.price_label)
        layout.addWidget(self.price_detail)
        layout.addStretch(1)
        layout.addLayout(button_row(dont, self.start_button))
        return page

    def _fill_price(self, price: PriceEstimate) -> None:
        name = self.service.name
        self.price_label.setText(
            self.tr("%1 quotes %2 for this training.")
            .replace("%1", name)
            .replace("%2", money(price.usd))
        )
        tokens = ""
        if price.billed_tokens:
            tokens = self.tr("That is for about %1 tokens. ").replace(
                "%1", QLocale().toString(price.billed_tokens)
            )
        self.price_detail.setText(
            tokens
            + self.tr(
                "Your examples are on %1 now, but training has not started and costs nothing "
                "yet. Start training at this price?"
            ).replace("%1", name)
        )

    def _record_service_price(self, sent: Sent) -> None:
        with contextlib.suppress(FineAuthorError, KeyError):
            project = self.document.project
            row = next(r for r in project.jobs() if r["id"] == sent.attempt.row_id)
            detail = dict(row["detail"])
            detail["service_price"] = {
                "usd": sent.price.usd if sent.price else None,
                "billed_tokens": sent.price.billed_tokens if sent.price else None,
            }
            project.update_job(sent.attempt.row_id, detail=detail)

    # Step 3: start --------------------------------------------------------------------------

    def _build_starting_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Starting the training"))
        self.starting_label = heading_label(self.tr("Starting the training…"))
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setAccessibleName(self.tr("Starting"))
        layout = QVBoxLayout(page)
        layout.addWidget(self.starting_label)
        layout.addWidget(bar)
        layout.addStretch(1)
        return page

    @Slot()
    def create(self) -> None:
        """Create the job for the sent examples (or pick up the one already made)."""
        from fineauthor.training.attempts import create_job

        sent = self._sent
        assert sent is not None
        project, model_id, options = self.document.project, self.model.id, self.options

        def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Job:
            return create_job(project, sent.provider, model_id, options, sent.attempt)

        self.starting_label.setText(
            self.tr("Starting the training with %1…").replace("%1", self.service.name)
        )
        self._show_page(self.starting_page, 3)
        self._run(work, self._hand_over, retry=self.create)

    def _hand_over(self, job: Job) -> None:
        self.job = job
        self.jobStarted.emit(job)
        self.accept()


def _mark_stopped(project: Any, provider_id: str, sha256: str, model_id: str) -> None:
    """The writer stopped sending: the attempt is recorded as stopped (nothing was trained).
    Training again still finds anything that did arrive, by its name on the service."""
    from fineauthor.providers.base import CANCELLED
    from fineauthor.training.attempts import UPLOADING

    with contextlib.suppress(FineAuthorError, KeyError):
        for row in reversed(project.jobs()):
            if (
                row["provider"] == provider_id
                and row["dataset_sha256"] == sha256
                and row["model"] == model_id
                and not row["job_id"]
                and row["status"] == UPLOADING
            ):
                detail = dict(row["detail"])
                detail["stopped"] = "while sending"
                project.update_job(row["id"], status=CANCELLED, detail=detail)
                return
