"""Train a model: choose the service and base model, check, confirm, send, start.

The dialog walks through the pages of one stack:

1. **Choose** — the service (only those FineAuthor can talk to, each with what a new writer
   should know about it), the base model, whether a key is set, and the collapsed Advanced
   settings.
2. **Check** — ``prepare`` in a worker. Problems stop here (``Refused`` page); otherwise the
   **Estimate** page shows what FineAuthor expects it to cost and asks "Send your N examples to
   <service> and start training?". Nothing has left the computer before this answer.
3. **Sending** — ``upload_dataset`` in a worker with a byte progress bar and Cancel; then the
   service's own price when it gives one (**Price** page, confirm again).
4. **Starting** — ``create_job``; the job is handed over (``jobStarted``) to the watch view.

Any refusal or lost connection shows the **Problem** page: the service's sentence, what to do
next, and a button that does it (open Settings → Accounts, switch to Together AI, try again).
The project records each step (providers.training), so trying again never sends the examples
twice or starts a second job.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import ModelInfo, ProviderInfo, load_catalog
from fineauthor.core.dataset.estimate import estimate
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import Job, PriceEstimate, Provider, ProviderError, TrainingOptions
from fineauthor.ui.report.check_runner import chosen_model
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import Task, run_in_background
from fineauthor.ui.training.job_words import next_step
from fineauthor.ui.widgets.labels import muted

SUFFIX_MAX_LENGTH = 40  # the shortest limit among the services (Together AI)


def model_suffix(style_name: str) -> str:
    """A name tag for the trained model from the project's unique style name: ASCII letters,
    digits and dashes, lower case ("Outline Mageddon" → "outline-mageddon")."""
    ascii_text = unicodedata.normalize("NFKD", style_name).encode("ascii", "ignore").decode()
    dashed = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return dashed[:SUFFIX_MAX_LENGTH].rstrip("-")


@cache
def supported_services() -> tuple[str, ...]:
    """The catalog's services FineAuthor can train with (the registry can open them)."""
    from fineauthor.providers.registry import open_provider

    found = []
    for info in load_catalog().providers:
        try:
            open_provider(info.id, "fineauthor-probe-not-a-key")  # builds a client; no network
        except (FineAuthorError, ImportError):
            continue
        found.append(info.id)
    return tuple(found)


def open_accounts_settings(parent: QWidget, on_closed: Callable[[], None] | None = None) -> None:
    """Open Settings on its Accounts page, over ``parent``; ``on_closed`` when it closes."""
    from fineauthor.ui.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog(parent)
    if hasattr(dialog, "show_accounts"):
        dialog.show_accounts()
    main = _main_window(parent)
    if main is not None and hasattr(main, "apply_settings"):
        dialog.settingsApplied.connect(main.apply_settings)
    if on_closed is not None:
        dialog.finished.connect(lambda _result: on_closed())
        page = getattr(dialog, "accounts_page", None)
        if page is not None and hasattr(page, "keyChanged"):
            page.keyChanged.connect(lambda _provider: on_closed())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    return None


def money(usd: float) -> str:
    """ "$0.62", "$12.40", "less than $0.01"."""
    if 0 < usd < 0.005:
        return QApplication.translate("TrainDialog", "less than $0.01")
    return "$" + QLocale(QLocale.Language.English).toString(usd, "f", 2)


def day_text(day: date | None) -> str:
    """ "28 November 2026" (the catalog's dates, without a weekday)."""
    if day is None:
        return ""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")


def key_problem_text(problem: FineAuthorError, key: str | None) -> str:
    """A problem's sentence, with the key masked should a service ever have echoed it."""
    text = str(problem)
    if key:
        from fineauthor.providers.keys import redact

        text = redact(text, key)
    return text


@dataclass(frozen=True)
class _Outcome:
    """What a worker hands back: its value, or the problem that stopped it."""

    value: Any = None
    problem: FineAuthorError | None = None


@dataclass(frozen=True)
class _Sent:
    provider: Provider
    attempt: Any  # providers.training.Attempt
    price: PriceEstimate | None


def _wrapped(text: str = "", *, selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class TrainDialog(QDialog):
    """Train a model on the open project's examples. ``jobStarted`` carries the created (or
    resumed) Job; ``provider`` is then the open service, ready for the watch view."""

    jobStarted = Signal(object)  # noqa: N815  (a providers.base.Job)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.catalog = load_catalog()
        self.provider: Provider | None = None
        self.job: Job | None = None
        self.dataset: Any = None  # providers.training.PreparedDataset once checked
        self.options = TrainingOptions()
        self._sent: _Sent | None = None
        self._task: Task | None = None
        self._next: Callable[[Any], None] | None = None
        self._retry: Callable[[], None] | None = None
        self._key: str | None = None
        self._closed = False
        self._step = 0  # which of the four steps the pages are in
        self._problem_callback: Callable[[], None] | None = None
        self.upload_reports: list[int] = []  # bytes sent, as reported (tests look)

        self.setWindowTitle(self.tr("Train a Model"))
        self.setAccessibleName(self.tr("Train a model"))
        self.setMinimumSize(620, 560)

        self.steps_label = QLabel()
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.steps_label.setAccessibleName(self.tr("Where you are"))
        self.pages = QStackedWidget()
        self.choose_page = self._build_choose_page()
        self.refused_page = self._build_refused_page()
        self.estimate_page = self._build_estimate_page()
        self.sending_page = self._build_sending_page()
        self.price_page = self._build_price_page()
        self.starting_page = self._build_starting_page()
        self.problem_page = self._build_problem_page()
        for page in (
            self.choose_page,
            self.refused_page,
            self.estimate_page,
            self.sending_page,
            self.price_page,
            self.starting_page,
            self.problem_page,
        ):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.pages, 1)

        self._fill_services()
        self._show_page(self.choose_page, 0)

    # Page: choose ---------------------------------------------------------------------------

    def _build_choose_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Choose where to train"))

        self.service_box = QComboBox()
        self.service_box.setAccessibleName(self.tr("Training service"))
        self.service_box.setToolTip(self.tr("The company whose computers will train your model"))
        self.service_box.currentIndexChanged.connect(self._service_changed)
        self.availability_label = _wrapped()
        self.availability_label.setAccessibleName(self.tr("Who can train with this service"))
        self.availability_label.setTextFormat(Qt.TextFormat.RichText)
        self.policy_label = muted(_wrapped())
        self.policy_label.setAccessibleName(self.tr("The service's rules about content"))

        self.model_box = QComboBox()
        self.model_box.setAccessibleName(self.tr("Base model"))
        self.model_box.setToolTip(
            self.tr("The ready-made model your examples will teach your style to")
        )
        self.model_box.currentIndexChanged.connect(self._model_changed)
        self.model_note = muted(_wrapped())
        self.model_note.setAccessibleName(self.tr("About this model"))

        key_row = self._build_key_row()

        self.advanced_button = QToolButton()
        self.advanced_button.setText(self.tr("Advanced"))
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced_button.setAccessibleName(self.tr("Show the advanced settings"))
        self.advanced_button.toggled.connect(self._toggle_advanced)
        self.advanced_panel = self._build_advanced_panel()
        self.advanced_panel.setVisible(False)

        self.check_button = QPushButton(self.tr("Check My Examples"))
        self.check_button.setAccessibleName(self.tr("Check the examples and see the estimate"))
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)

        form = _label_grid(
            (
                (self.tr("Train with:"), self.service_box),
                ("", self.availability_label),
                ("", self.policy_label),
                (self.tr("Base model:"), self.model_box),
                ("", self.model_note),
                (self.tr("Key:"), key_row),
            )
        )
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.advanced_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced_panel)
        layout.addStretch(1)
        layout.addLayout(_buttons(cancel, self.check_button))
        return page

    def _build_key_row(self) -> QHBoxLayout:
        self.key_label = _wrapped()
        self.key_label.setAccessibleName(self.tr("Your key for this service"))
        self.key_button = QPushButton(self.tr("Add a Key in Settings → Accounts…"))
        self.key_button.setAccessibleName(self.tr("Open Settings on the Accounts page"))
        self.key_button.clicked.connect(self.open_accounts)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(self.key_button, 0, Qt.AlignmentFlag.AlignTop)
        return key_row

    def _build_advanced_panel(self) -> QWidget:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setAccessibleName(self.tr("Advanced settings"))
        automatic = self.tr("Automatic")

        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(0, 50)
        self.epochs_box.setSpecialValueText(automatic)
        self.epochs_box.setAccessibleName(self.tr("Passes over your examples (epochs)"))
        self.rate_box = QDoubleSpinBox()
        self.rate_box.setRange(0.0, 10.0)
        self.rate_box.setDecimals(2)
        self.rate_box.setSingleStep(0.1)
        self.rate_box.setSpecialValueText(automatic)
        self.rate_box.setAccessibleName(self.tr("Learning-rate multiplier"))
        self.batch_box = QSpinBox()
        self.batch_box.setRange(0, 256)
        self.batch_box.setSpecialValueText(automatic)
        self.batch_box.setAccessibleName(self.tr("Batch size"))
        self.suffix_edit = QLineEdit(model_suffix(self.document.settings.style_name))
        self.suffix_edit.setMaxLength(SUFFIX_MAX_LENGTH)
        self.suffix_edit.setPlaceholderText(self.tr("for example: outline-mageddon"))
        self.suffix_edit.setAccessibleName(self.tr("Name tag for your model"))

        form = QFormLayout(panel)
        rows = (
            (
                self.tr("Passes (epochs):"),
                self.epochs_box,
                self.tr(
                    "How many times the model reads all your examples. More passes copy them "
                    "more closely; too many and it parrots them."
                ),
            ),
            (
                self.tr("Learning-rate multiplier:"),
                self.rate_box,
                self.tr(
                    "How big a change each step makes. Lower is gentler; higher learns faster "
                    "but can overshoot."
                ),
            ),
            (
                self.tr("Batch size:"),
                self.batch_box,
                self.tr(
                    "How many examples it reads before each change. Larger batches make "
                    "steadier, slower progress."
                ),
            ),
            (
                self.tr("Name tag:"),
                self.suffix_edit,
                self.tr("Added to your model's name so you can tell it apart later."),
            ),
        )
        for label, field, explanation in rows:
            field.setToolTip(explanation)
            form.addRow(label, field)
            form.addRow("", muted(_wrapped(explanation)))
        return panel

    def _fill_services(self) -> None:
        supported = supported_services()
        self.service_box.blockSignals(True)
        for info in self.catalog.providers:
            if info.id not in supported:
                continue
            label = info.name
            if not info.new_users_can_fine_tune:
                label = self.tr("%1 — closed to most new accounts").replace("%1", info.name)
            else:
                label = self.tr("%1 — open to new accounts").replace("%1", info.name)
            self.service_box.addItem(label, info.id)
        self.service_box.blockSignals(False)
        wanted = self.document.settings.provider or chosen_model(self.document.settings).provider
        index = self.service_box.findData(wanted)
        if index < 0:
            index = next(
                (
                    i
                    for i in range(self.service_box.count())
                    if self.catalog.provider(self.service_box.itemData(i)).new_users_can_fine_tune
                ),
                0,
            )
        self.service_box.setCurrentIndex(index)
        self._service_changed()

    @property
    def service(self) -> ProviderInfo:
        return self.catalog.provider(str(self.service_box.currentData()))

    @property
    def model(self) -> ModelInfo:
        return self.catalog.model(str(self.model_box.currentData()))

    def select_service(self, provider_id: str) -> bool:
        """Choose ``provider_id`` in the list (False when FineAuthor cannot train there)."""
        index = self.service_box.findData(provider_id)
        if index >= 0:
            self.service_box.setCurrentIndex(index)
        return index >= 0

    @Slot()
    def _service_changed(self) -> None:
        if self.service_box.currentIndex() < 0:
            return
        info = self.service
        self.availability_label.setText(self._availability_html(info))
        self.policy_label.setText(
            self.tr("Content rules: %1").replace("%1", info.content_policy_note)
        )
        project_model = chosen_model(self.document.settings)
        self.model_box.blockSignals(True)
        self.model_box.clear()
        for model in self.catalog.models_for(info.id):
            self.model_box.addItem(model.name, model.id)
        self.model_box.blockSignals(False)
        index = self.model_box.findData(project_model.id)
        self.model_box.setCurrentIndex(max(0, index))
        self._model_changed()
        self.refresh_key()

    def _availability_html(self, info: ProviderInfo) -> str:
        def escape(text: str) -> str:
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        if info.new_users_can_fine_tune:
            head = self.tr(
                "<b>%1 is open to new accounts:</b> the one to use if you are starting out."
            ).replace("%1", escape(info.name))
            return f"{head}<br>{escape(info.availability_note)}"
        locale = QLocale()
        dates = "".join(
            f"<li>{escape(locale.toString(d.date, QLocale.FormatType.LongFormat))}: "
            f"{escape(d.what)}</li>"
            for d in sorted(info.dates, key=lambda d: d.date)
        )
        head = self.tr(
            "<b>%1 is closing its do-it-yourself training:</b> most new accounts can no longer "
            "start fine-tunes there. Use it only if your account already trains models."
        ).replace("%1", escape(info.name))
        return f"{head}<ul style='margin-top:2px; margin-bottom:0'>{dates}</ul>"

    @Slot()
    def _model_changed(self) -> None:
        if self.model_box.currentIndex() < 0:
            return
        model = self.model
        parts = []
        if model.training_price_per_1m_usd is not None:
            as_of = day_text(model.price_as_of)
            parts.append(
                self.tr("Training costs about %1 per million tokens (price as of %2).")
                .replace("%1", money(model.training_price_per_1m_usd))
                .replace("%2", as_of)
            )
        else:
            parts.append(
                self.tr(
                    "FineAuthor does not know this model's training price; %1 quotes it."
                ).replace("%1", self.service.name)
            )
        if model.shutdown_date is not None:
            when = QLocale().toString(model.shutdown_date, QLocale.FormatType.LongFormat)
            if model.is_shut_down(date.today()):
                parts.append(self.tr("This model stopped working on %1.").replace("%1", when))
            else:
                parts.append(
                    self.tr("It stops working on %1, with every model trained on it.").replace(
                        "%1", when
                    )
                )
        self.model_note.setText(" ".join(parts))

    @Slot()
    def refresh_key(self) -> None:
        """Look again for this service's key (after Settings → Accounts closed)."""
        from fineauthor.providers import keys

        info = self.service
        try:
            stored = keys.key_for(info.id)
            problem = ""
        except FineAuthorError as error:
            stored, problem = None, str(error)
        self._key = stored.value if stored is not None else None
        if stored is None:
            self.key_label.setText(
                problem
                or self.tr(
                    "No key for %1 yet. A key is the password FineAuthor uses to reach your "
                    "account; you create one on the service's website."
                ).replace("%1", info.name)
            )
            self.key_button.setText(self.tr("Add a Key in Settings → Accounts…"))
        else:
            where = {
                keys.ENVIRONMENT: self.tr("from the environment"),
                keys.SESSION: self.tr("for this session only"),
                keys.KEYCHAIN: self.tr("kept in your system keychain"),
            }.get(stored.source, "")
            self.key_label.setText(
                self.tr("Key %1 is set (%2).").replace("%1", stored.masked).replace("%2", where)
            )
            self.key_button.setText(self.tr("Change in Settings → Accounts…"))
        self.check_button.setEnabled(self.model_box.count() > 0)

    @Slot()
    def open_accounts(self) -> None:
        open_accounts_settings(self, self.refresh_key)

    @Slot(bool)
    def _toggle_advanced(self, shown: bool) -> None:
        self.advanced_panel.setVisible(shown)
        self.advanced_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.advanced_button.setAccessibleName(
            self.tr("Hide the advanced settings")
            if shown
            else self.tr("Show the advanced settings")
        )

    def training_options(self) -> TrainingOptions:
        """What the Advanced settings say; "Automatic" leaves the service's choice."""
        suffix = model_suffix(self.suffix_edit.text())
        return TrainingOptions(
            epochs=self.epochs_box.value() or None,
            learning_rate_multiplier=self.rate_box.value() or None,
            batch_size=self.batch_box.value() or None,
            suffix=suffix or None,
        )

    # Step 1: check --------------------------------------------------------------------------

    @Slot()
    def check(self) -> None:
        """Check the examples for the chosen model and freeze them (nothing is sent)."""
        if self._key is None:
            self.refresh_key()
        if self._key is None:
            self._show_problem_text(
                self.tr("There is no key for %1 yet.").replace("%1", self.service.name),
                self.tr(
                    "Add your key in Settings → Accounts, then press Check again. Nothing was sent."
                ),
                self.tr("Open Settings → Accounts…"),
                self._accounts_then_choose,
            )
            return
        from fineauthor.training.attempts import prepare

        project, model, provider_id = self.document.project, self.model, self.service.id
        self.options = self.training_options()
        epochs = self.options.epochs

        def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Any:
            dataset = prepare(project, model, provider_id)
            if epochs is not None:  # the estimate for the passes the writer chose
                tokens = [fact.tokens for fact in dataset.report.facts]
                report = replace(dataset.report, estimate=estimate(tokens, model, epochs=epochs))
                dataset = replace(dataset, report=report)
            return dataset

        self.check_button.setEnabled(False)
        self.check_button.setText(self.tr("Checking…"))
        self._run(work, self._checked, retry=self.check)

    def _checked(self, dataset: Any) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText(self.tr("Check My Examples"))
        self.dataset = dataset
        self._fill_estimate(dataset)
        self._show_page(self.estimate_page, 1)

    def _show_refused(self, report: Any) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setText(self.tr("Check My Examples"))
        count = len(report.errors)
        self.refused_summary.setText(
            self.tr(
                "The check found 1 problem that would stop the training. Fix it in the editor "
                "(the check report links to the example), then train again."
            )
            if count == 1
            else self.tr(
                "The check found %1 problems that would stop the training. Fix them in the "
                "editor (the check report links to each), then train again."
            ).replace("%1", QLocale().toString(count))
        )
        self.problems_list.clear()
        for problem in report.errors:
            self.problems_list.addItem(problem.message)
        self._show_page(self.refused_page, 1)

    # Page: refused --------------------------------------------------------------------------

    def _build_refused_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Training can't start yet"))
        self.refused_summary = _wrapped()
        self.problems_list = QListWidget()
        self.problems_list.setWordWrap(True)
        self.problems_list.setAccessibleName(self.tr("Problems to fix first"))
        nothing = muted(_wrapped(self.tr("Nothing was sent: your examples are still only here.")))
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(lambda: self._show_page(self.choose_page, 0))
        close = QPushButton(self.tr("Close"))
        close.setDefault(True)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(self.tr("Training can’t start yet")))
        layout.addWidget(self.refused_summary)
        layout.addWidget(self.problems_list, 1)
        layout.addWidget(nothing)
        layout.addLayout(_buttons(back, close))
        return page

    # Page: estimate -------------------------------------------------------------------------

    def _build_estimate_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Estimate and confirmation"))
        self.estimate_grid = QGridLayout()
        self.estimate_grid.setColumnStretch(1, 1)
        self.estimate_grid.setHorizontalSpacing(16)
        self.estimate_values: dict[str, QLabel] = {}
        rows = (
            ("service", self.tr("Training with:")),
            ("examples", self.tr("Examples:")),
            ("passes", self.tr("Passes over them:")),
            ("tokens", self.tr("Tokens billed:")),
            ("cost", self.tr("Cost:")),
        )
        for row, (key, title) in enumerate(rows):
            name = QLabel(title)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = _wrapped()
            value.setAccessibleName(title.rstrip(":"))
            self.estimate_grid.addWidget(name, row, 0)
            self.estimate_grid.addWidget(value, row, 1)
            self.estimate_values[key] = value
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setLayout(self.estimate_grid)
        self.estimate_note = muted(_wrapped())
        self.advice_label = _wrapped()
        self.confirm_label = _heading("")
        self.confirm_label.setAccessibleName(self.tr("Confirmation"))
        self.nothing_label = _wrapped()
        back = QPushButton(self.tr("Back"))
        back.clicked.connect(lambda: self._show_page(self.choose_page, 0))
        self.send_button = QPushButton(self.tr("Send and Train"))
        self.send_button.setAccessibleName(self.tr("Send the examples and start training"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(self.tr("Estimate")))
        layout.addWidget(frame)
        layout.addWidget(self.estimate_note)
        layout.addWidget(self.advice_label)
        layout.addSpacing(24)
        layout.addWidget(self.confirm_label)
        layout.addWidget(self.nothing_label)
        layout.addStretch(1)
        layout.addLayout(_buttons(back, self.send_button))
        return page

    def _fill_estimate(self, dataset: Any) -> None:
        locale = QLocale()
        report, model, info = dataset.report, self.model, self.service
        values = self.estimate_values
        values["service"].setText(f"{info.name} · {model.name}")
        values["examples"].setText(locale.toString(dataset.examples))
        passes = locale.toString(report.estimate.epochs)
        if self.options.epochs is None:
            passes = self.tr("%1 — chosen automatically, the way the service does").replace(
                "%1", passes
            )
        values["passes"].setText(passes)
        values["tokens"].setText(
            self.tr("about %1 (a token is a word or a piece of a word)").replace(
                "%1", locale.toString(report.estimate.billed_tokens)
            )
        )
        if report.estimate.cost_usd is not None:
            values["cost"].setText(
                self.tr("about %1 — an estimate").replace("%1", money(report.estimate.cost_usd))
            )
        else:
            values["cost"].setText(self.tr("price not known"))
        as_of = day_text(model.price_as_of)
        if report.estimate.cost_usd is not None:
            note = self.tr(
                "These figures are FineAuthor's estimate, from %1's published price as of %2. "
                "The bill from %1 may differ a little."
            )
        else:
            note = self.tr(
                "These figures are FineAuthor's estimate. It does not know %1's price for this "
                "model; if %1 quotes one once your examples are there, you will see it and "
                "confirm again before training starts."
            )
        self.estimate_note.setText(note.replace("%1", info.name).replace("%2", as_of))
        warnings = len(report.warnings)
        self.advice_label.setVisible(bool(warnings))
        self.advice_label.setText(
            (
                self.tr("The check also has 1 suggestion (not a problem) in the check report.")
                if warnings == 1
                else self.tr(
                    "The check also has %1 suggestions (not problems) in the check report."
                )
            ).replace("%1", locale.toString(warnings))
        )
        count = locale.toString(dataset.examples)
        question = (
            self.tr("Send your 1 example to %2 and start training?")
            if dataset.examples == 1
            else self.tr("Send your %1 examples to %2 and start training?")
        )
        self.confirm_label.setText(question.replace("%1", count).replace("%2", info.name))
        self.nothing_label.setText(
            self.tr(
                "Nothing has left this computer yet. Send and Train sends your examples to %1 "
                "and starts the training; if %1 quotes a price of its own, you see it and "
                "confirm once more first. You can stop the training while it runs."
            ).replace("%1", info.name)
        )

    # Step 2: send ---------------------------------------------------------------------------

    def _build_sending_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Sending your examples"))
        self.sending_label = _heading("")
        self.upload_bar = QProgressBar()
        self.upload_bar.setAccessibleName(self.tr("Upload progress"))
        self.upload_bar.setTextVisible(True)
        self.upload_detail = muted(_wrapped())
        self.upload_detail.setAccessibleName(self.tr("How much has been sent"))
        self.cancel_upload_button = QPushButton(self.tr("Cancel"))
        self.cancel_upload_button.setAccessibleName(self.tr("Stop sending"))
        self.cancel_upload_button.clicked.connect(self.cancel_upload)
        layout = QVBoxLayout(page)
        layout.addWidget(self.sending_label)
        layout.addWidget(self.upload_bar)
        layout.addWidget(self.upload_detail)
        layout.addStretch(1)
        layout.addLayout(_buttons(self.cancel_upload_button))
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

        def work(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> _Sent:
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
            return _Sent(provider, attempt, price)

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

    def _sent_done(self, sent: _Sent) -> None:
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
        self.price_label = _heading("")
        self.price_label.setAccessibleName(self.tr("The service's price"))
        self.price_detail = _wrapped()
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
        layout.addLayout(_buttons(dont, self.start_button))
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

    def _record_service_price(self, sent: _Sent) -> None:
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
        self.starting_label = _heading(self.tr("Starting the training…"))
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

    # Page: problem --------------------------------------------------------------------------

    def _build_problem_page(self) -> QWidget:
        page = QWidget()
        page.setAccessibleName(self.tr("Something went wrong"))
        self.problem_title = _heading("")
        self.problem_message = _wrapped()
        self.problem_message.setAccessibleName(self.tr("What happened"))
        self.problem_next = _wrapped()
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
        layout.addLayout(_buttons(self.problem_back, close, self.problem_action))
        return page

    def _show_problem(self, problem: FineAuthorError) -> None:
        """A refusal, a lost connection or any other plain problem, with what to do next."""
        from fineauthor.training.attempts import TrainingRefused

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

    # Plumbing -------------------------------------------------------------------------------

    def _show_page(self, page: QWidget, step: int | None) -> None:
        self.pages.setCurrentWidget(page)
        if step is not None:
            self._step = step
        current = self._step
        words = [self.tr("Choose"), self.tr("Check"), self.tr("Send"), self.tr("Train")]
        parts = []
        for index, word in enumerate(words):
            text = f"{index + 1}. {word}"
            parts.append(f"<b>{text}</b>" if index == current else text)
        self.steps_label.setText("  ›  ".join(parts))
        self.steps_label.setAccessibleDescription(
            self.tr("Step %1 of 4: %2")
            .replace("%1", str(current + 1))
            .replace("%2", words[current])
        )
        page.setFocus()

    def _run(
        self,
        work: Callable[[Callable[[int], None], Callable[[], bool]], Any],
        then: Callable[[Any], None],
        *,
        retry: Callable[[], None],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        """Run ``work`` off the GUI thread; ``then`` its result, or the problem page."""

        def guarded(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> _Outcome:
            try:
                return _Outcome(work(progress, cancelled))
            except FineAuthorError as problem:
                return _Outcome(problem=problem)

        self._next, self._retry = then, retry
        # Connected before the work starts: a quick result is never missed.
        self._task = run_in_background(guarded, on_success=self._finished, on_progress=on_progress)

    @Slot(object)
    def _finished(self, outcome: _Outcome) -> None:
        self._task = None
        if self._closed:
            return
        if outcome.problem is not None:
            self._show_problem(outcome.problem)
        elif self._next is not None:
            self._next(outcome.value)

    def busy(self) -> bool:
        """Whether a step is running in the background."""
        return self._task is not None

    def reject(self) -> None:
        # Once the service is asked to start, the answer is awaited: closing now would leave
        # a job nobody watches (the project would still record it, for the Jobs view).
        if self.pages.currentWidget() is self.starting_page and self.busy():
            return
        super().reject()

    def done(self, result: int) -> None:
        # Closing while sending stops the upload (the project remembers how far it got).
        if self._task is not None:
            self._task.cancel()
        self._closed = True
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        # Coming back from Settings or another window: the key may have changed.
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self.pages.currentWidget() is self.choose_page
        ):
            self.refresh_key()
        super().changeEvent(event)


def _label_grid(rows: tuple[tuple[str, QWidget | QHBoxLayout], ...]) -> QGridLayout:
    """Titles on the left, fields on the right. A grid rather than a QFormLayout, which gives
    wrapped notes far too much height."""
    grid = QGridLayout()
    grid.setColumnStretch(1, 1)
    for row, (title, field) in enumerate(rows):
        if title:
            label = QLabel(title)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 0)
        if isinstance(field, QHBoxLayout):
            grid.addLayout(field, row, 1)
        else:
            grid.addWidget(field, row, 1)
    return grid


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        row.addWidget(button)
    return row


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
