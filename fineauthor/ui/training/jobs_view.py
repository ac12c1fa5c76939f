"""Every training job of the project, and the object that keeps their watch windows.

``JobsModel`` is a table over the project's job history (``project.jobs()``), newest first:
when, service, base model, status in plain words, the examples sent (the snapshot's short
fingerprint and how many), the cost (the service's quote when it gave one, else FineAuthor's
estimate), the trained model, and the day it stops working when its base model has one
(OpenAI's models, after OpenAI's wind-down). ``JobsView`` shows it; a double-click opens the
job's watch window.

``TrainingJobs`` belongs to one open project: it opens the Train dialog, the Jobs view and one
watch window per job, resumes watching the jobs that had not finished when the project was last
open, and stops every watcher when the project closes.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import CANCELLED, PREFERENCE, Provider
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.training.job_words import short_hash, state_text, time_text
from fineauthor.ui.training.watch_view import WatchView
from fineauthor.ui.widgets.price_words import day_text, money
from fineauthor.ui.widgets.window_size import resize_to_fit

COL_WHEN, COL_SERVICE, COL_MODEL, COL_STATUS, COL_EXAMPLES, COL_COST, COL_RESULT = range(7)
COL_UNTIL = 7  # the day the base model, and every model trained on it, stops working
COLUMNS = 8

RowIndex = QModelIndex | QPersistentModelIndex


def _service_name(provider_id: str) -> str:
    try:
        return load_catalog().provider(provider_id).name
    except FineAuthorError:
        return provider_id


def _shutdown_date(model_id: str | None) -> date | None:
    """The day a base model (and every model trained on it) stops working, if one is known."""
    if not model_id:
        return None
    try:
        return load_catalog().model(model_id).shutdown_date
    except FineAuthorError:
        return None


def is_preference_round(row: dict[str, Any]) -> bool:
    """Whether a job-history row is a round of training on the writer's choices."""
    detail = row["detail"] if isinstance(row["detail"], dict) else {}
    options = detail.get("options")
    return isinstance(options, dict) and options.get("method") == PREFERENCE


def _model_name(model_id: str | None) -> str:
    """The catalog's name for a base model ("GPT-4.1 mini (April 2025)"), else its id."""
    if not model_id:
        return ""
    try:
        return load_catalog().model(model_id).name
    except FineAuthorError:
        return model_id


class JobsModel(QAbstractTableModel):
    """The project's job history, newest first. ``JOB_ROLE`` gives the row's dict."""

    JOB_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        document: ProjectDocument,
        parent: QObject | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.today = today or date.today()  # for "works until" against "stopped working on"
        self._rows: list[dict[str, Any]] = []
        self.refresh()

    def refresh(self) -> None:
        """Read the history again from the project."""
        self.beginResetModel()
        try:
            self._rows = list(reversed(self.document.project.jobs()))
        except FineAuthorError:
            self._rows = []
        self.endResetModel()

    def job(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: RowIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: RowIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else COLUMNS

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("When"),
            self.tr("Service"),
            self.tr("Base model"),
            self.tr("Status"),
            self.tr("Sent"),
            self.tr("Cost"),
            self.tr("Your model"),
            self.tr("Works until"),
        )[section]

    def data(self, index: RowIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == self.JOB_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        return None

    def text(self, row: dict[str, Any], column: int) -> str:
        """What a cell says."""
        detail = row["detail"] if isinstance(row["detail"], dict) else {}
        if column == COL_WHEN:
            with contextlib.suppress(ValueError, AttributeError):
                return time_text(datetime.fromisoformat(row["created"].replace("Z", "+00:00")))
            return ""
        if column == COL_EXAMPLES:
            return self.examples_text(row)
        texts = {
            COL_SERVICE: lambda: _service_name(row["provider"]),
            COL_MODEL: lambda: _model_name(row["model"]),
            COL_STATUS: lambda: self.status_text(row),
            COL_COST: lambda: self.cost_text(detail, row["provider"]),
            COL_RESULT: lambda: row["fine_tuned_model"] or "",
            COL_UNTIL: lambda: self.until_text(row),
        }
        return texts[column]() if column in texts else ""

    def until_text(self, row: dict[str, Any]) -> str:
        """The day the base model (and so the trained one) stops working, when one is known."""
        shutdown = _shutdown_date(row["model"])
        if shutdown is None:
            return ""
        if self.today >= shutdown:
            return self.tr("Stopped on %1").replace("%1", day_text(shutdown))
        return day_text(shutdown)

    def examples_text(self, row: dict[str, Any]) -> str:
        """How many examples were sent and the snapshot's short fingerprint."""
        detail = row["detail"] if isinstance(row["detail"], dict) else {}
        count = detail.get("examples")
        fingerprint = short_hash(row["dataset_sha256"])
        if not isinstance(count, int):
            return fingerprint
        if is_preference_round(row):
            one, many = self.tr("1 choice"), self.tr("%1 choices")
        else:
            one, many = self.tr("1 example"), self.tr("%1 examples")
        examples = (one if count == 1 else many).replace("%1", f"{count:,}")
        return f"{examples} · {fingerprint}" if fingerprint else examples

    def status_text(self, row: dict[str, Any]) -> str:
        detail = row["detail"] if isinstance(row["detail"], dict) else {}
        if not row["job_id"] and row["status"] == CANCELLED:
            return self.tr("Stopped while sending; nothing was trained")
        watch = detail.get("watch") or {}
        loss = watch.get("loss") or []
        step = loss[-1][0] if loss and isinstance(loss[-1], list) else None
        total = watch.get("total_steps")
        return state_text(
            row["status"] or "",
            step=step if isinstance(step, int) else None,
            total_steps=total if isinstance(total, int) else None,
            error=detail.get("error"),
        )

    def cost_text(self, detail: dict[str, Any], provider_id: str) -> str:
        quote = detail.get("service_price") or {}
        if isinstance(quote.get("usd"), int | float):
            return (
                self.tr("%1 (%2’s quote)")
                .replace("%1", money(quote["usd"]))
                .replace("%2", _service_name(provider_id))
            )
        estimate = detail.get("estimate") or {}
        if isinstance(estimate.get("cost_usd"), int | float):
            return self.tr("about %1 (estimate)").replace("%1", money(estimate["cost_usd"]))
        return self.tr("price not known")

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column == COL_EXAMPLES and row["dataset_sha256"]:
            return self.tr(
                "The exact examples that were sent are kept in the project under this "
                "fingerprint (%1)."
            ).replace("%1", row["dataset_sha256"])
        if column == COL_COST:
            return self.tr(
                "An estimate made before training: the service's bill may differ a little."
            )
        if column == COL_STATUS and not row["job_id"]:
            return self.tr("Training again picks up from here without sending twice.")
        if column == COL_UNTIL:
            return self.until_tooltip(_shutdown_date(row["model"]))
        # A model id in full, where the cell may cut it short.
        return {COL_MODEL: row["model"], COL_RESULT: row["fine_tuned_model"]}.get(column) or None

    def until_tooltip(self, shutdown: date | None) -> str | None:
        if shutdown is None:
            return None
        return self.tr(
            "The service shuts this base model down on %1, with every model trained on it; "
            "after that they can no longer be used."
        ).replace("%1", day_text(shutdown))


class JobsView(QWidget):
    """Every training job of the project. Double-click (or Watch) opens one."""

    watchRequested = Signal(str, str)  # noqa: N815  (provider id, job id)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setWindowTitle(self.tr("Training Jobs — %1").replace("%1", document.title))
        self.setAccessibleName(self.tr("Training jobs"))
        self.model = JobsModel(document, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Training jobs, newest first"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_RESULT, QHeaderView.ResizeMode.Stretch)
        # The stretched column gives way to the others, but never below its own title.
        title = str(self.model.headerData(COL_RESULT, Qt.Orientation.Horizontal))
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        needed = header.fontMetrics().horizontalAdvance(title) + margin + 8
        header.setMinimumSectionSize(max(header.minimumSectionSize(), needed))
        # Arrow keys move between jobs; Tab moves on to the buttons instead of every cell.
        self.table.setTabKeyNavigation(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a model id keeps its end
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._open)
        self.empty_label = QLabel(
            self.tr("No training yet. Train ▸ Train a Model… sends your examples.")
        )
        self.empty_label.setWordWrap(True)
        intro = QLabel(
            self.tr(
                "Every time you trained a model from this project. Double-click one to watch "
                "it or see its result."
            )
        )
        intro.setWordWrap(True)
        self.watch_button = QPushButton(self.tr("Watch"))
        self.watch_button.setAccessibleName(self.tr("Watch the chosen training"))
        self.watch_button.clicked.connect(lambda: self._open(self.table.currentIndex()))
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        buttons.addWidget(self.watch_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        current = self.table.currentIndex()
        chosen = self.model.job(current.row())["id"] if current.isValid() else None
        self.model.refresh()
        self.empty_label.setVisible(self.model.rowCount() == 0)
        for row in range(self.model.rowCount()):
            if self.model.job(row)["id"] == chosen:
                self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        index = self.table.currentIndex()
        self.watch_button.setEnabled(
            index.isValid() and bool(self.model.job(index.row())["job_id"])
        )

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.job(index.row())
        if row["job_id"]:
            self.watchRequested.emit(row["provider"], row["job_id"])


class TrainingJobs(QObject):
    """The training windows of one open project: the Train dialog, the Jobs view and a watch
    window per job (each keeps watching while hidden, so its notification still comes)."""

    tryRequested = Signal(str)  # noqa: N815  (a trained model's id)
    jobStarted = Signal(object)  # noqa: N815  (a Job created from the Train dialog)

    def __init__(self, document: ProjectDocument, window: QWidget) -> None:
        # No QObject parent: the main window holds it and lets it go when the project closes
        # (a deleteLater here, racing the document's own, crashed in ~QObject).
        super().__init__()
        self.document = document
        self.host = window
        self.views: dict[tuple[str, str], WatchView] = {}
        self.jobs_view: JobsView | None = None
        self.train_dialog: Any = None

    def show_train_dialog(self) -> Any:
        """Open the Train dialog (or bring the open one forward)."""
        from fineauthor.ui.training.train_dialog import TrainDialog

        if self.train_dialog is not None:
            self.train_dialog.raise_()
            self.train_dialog.activateWindow()
            return self.train_dialog
        dialog = TrainDialog(self.document, self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.jobStarted.connect(lambda job: self._started(dialog, job))
        dialog.destroyed.connect(self._train_dialog_gone)
        self.train_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _train_dialog_gone(self) -> None:
        self.train_dialog = None

    def _started(self, dialog: Any, job: Any) -> None:
        self.watch(job.provider, job.id, provider=dialog.provider)
        if self.jobs_view is not None:
            self.jobs_view.refresh()
        self.jobStarted.emit(job)

    def show_jobs(self) -> JobsView:
        """Open the Jobs view (one window per project)."""
        if self.jobs_view is None:
            view = JobsView(self.document, self.host)
            view.setWindowFlag(Qt.WindowType.Window)
            resize_to_fit(view, 1100, 420)  # every column whole where the screen has room
            view.watchRequested.connect(self._watch_requested)
            self.jobs_view = view
        self.jobs_view.refresh()
        self.jobs_view.show()
        self.jobs_view.raise_()
        self.jobs_view.activateWindow()
        return self.jobs_view

    def watch(
        self,
        provider_id: str,
        job_id: str,
        *,
        show: bool = True,
        provider: Provider | None = None,
    ) -> WatchView:
        """The watch window of a job, made (and watching) when it is not already."""
        key = (provider_id, job_id)
        view = self.views.get(key)
        if view is None:
            view = WatchView(self.document, provider_id, job_id, self.host, provider=provider)
            view.setWindowFlag(Qt.WindowType.Window)
            view.keep_watching_when_closed = True
            resize_to_fit(view, 980, 760)
            view.tryRequested.connect(self.tryRequested)
            view.updated.connect(self._job_updated)
            self.views[key] = view
        elif not view.is_watching() and not view.finished:
            view.start()
        if show:
            view.show()
            view.raise_()
            view.activateWindow()
        return view

    @Slot(str, str)
    def _watch_requested(self, provider_id: str, job_id: str) -> None:
        self.watch(provider_id, job_id)

    @Slot()
    def _job_updated(self) -> None:
        if self.jobs_view is not None and self.jobs_view.isVisible():
            self.jobs_view.refresh()

    def resume_unfinished(self) -> int:
        """Watch again, without showing them, the jobs that had not finished; how many."""
        from fineauthor.training.attempts import unfinished_jobs

        try:
            rows = unfinished_jobs(self.document.project)
        except FineAuthorError:
            return 0
        for row in rows:
            self.watch(row["provider"], row["job_id"], show=False)
        return len(rows)

    def shutdown(self) -> None:
        """Stop every watcher and close the windows (the project is closing)."""
        if self.train_dialog is not None:
            self.train_dialog.reject()
        for view in self.views.values():
            view.shutdown()
            view.keep_watching_when_closed = False
            view.close()
            view.deleteLater()
        self.views.clear()
        if self.jobs_view is not None:
            self.jobs_view.close()
            self.jobs_view.deleteLater()
            self.jobs_view = None
