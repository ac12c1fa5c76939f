"""The Train dialog's first page, Choose: the service (only those FineAuthor can talk to and
that still take new training on ``today``, each with what a new writer should know about it,
and one sentence for a service left out because it closed), the base model, whether a key is
set, and the collapsed Advanced settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import cache

from PySide6.QtCore import QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import Catalog, ModelInfo, ProviderInfo, load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import PREFERENCE, TrainingOptions
from fineauthor.ui.report.check_runner import chosen_model
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.training.accounts_shortcut import open_accounts_settings
from fineauthor.ui.training.learn_from import LearnFromChoice
from fineauthor.ui.training.train_advanced_settings import AdvancedSettings
from fineauthor.ui.training.train_layout import button_row, wrapped_label
from fineauthor.ui.widgets.labels import muted
from fineauthor.ui.widgets.price_words import day_text, money

#: Where the page reads the day when it is given none (tests and scripts set a fixed one).
clock: Callable[[], date] = date.today


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


class ChoosePage(QWidget):
    """Where to train and on which model, for ``document``'s project. ``checkRequested`` when
    the writer presses Check My Examples, ``cancelRequested`` for Cancel; ``service``,
    ``model``, ``key`` and ``training_options()`` are the choice. ``today`` decides which
    services still take new training (the catalog's closing dates)."""

    checkRequested = Signal()  # noqa: N815
    cancelRequested = Signal()  # noqa: N815

    def __init__(
        self,
        document: ProjectDocument,
        catalog: Catalog,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.catalog = catalog
        self.today = today or clock()
        self._key: str | None = None
        self.setAccessibleName(self.tr("Choose where to train"))

        self.service_box = QComboBox()
        self.service_box.setAccessibleName(self.tr("Training service"))
        self.service_box.setToolTip(self.tr("The company whose computers will train your model"))
        self.service_box.currentIndexChanged.connect(self._service_changed)
        self.availability_label = wrapped_label()
        self.availability_label.setAccessibleName(self.tr("Who can train with this service"))
        self.availability_label.setTextFormat(Qt.TextFormat.RichText)
        self.policy_label = muted(wrapped_label())
        self.policy_label.setAccessibleName(self.tr("The service's rules about content"))
        self.closed_label = muted(wrapped_label())
        self.closed_label.setAccessibleName(self.tr("Services no longer taking new training"))
        self.closed_label.setVisible(False)

        self.model_box = QComboBox()
        self.model_box.setAccessibleName(self.tr("Base model"))
        self.model_box.setToolTip(
            self.tr("The ready-made model your examples will teach your style to")
        )
        self.model_box.currentIndexChanged.connect(self._model_changed)
        self.model_note = muted(wrapped_label())
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
        self.advanced_panel = AdvancedSettings(document.settings.style_name)
        self.advanced_panel.setVisible(False)

        self.learn_from = LearnFromChoice(document)
        self.learn_from.changed.connect(self._learn_from_changed)

        self.check_button = QPushButton()
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.checkRequested)
        self._learn_from_changed()
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.cancelRequested)

        form = _label_grid(
            (
                (self.tr("Learn from:"), self.learn_from),
                (self.tr("Train with:"), self.service_box),
                ("", self.availability_label),
                ("", self.policy_label),
                ("", self.closed_label),
                (self.tr("Base model:"), self.model_box),
                ("", self.model_note),
                (self.tr("Key:"), key_row),
            )
        )
        self._offer_learn_from(form)
        layout = QVBoxLayout(self)
        layout.addWidget(self._scrolling(form), 1)
        layout.addLayout(button_row(cancel, self.check_button))

    def _offer_learn_from(self, form: QGridLayout) -> None:
        """The question (the form's first row) is asked once the writer has made choices at
        the test bench: a first training has only examples to learn from."""
        has_choices = self.document.pair_count() > 0
        self.learn_from.setVisible(has_choices)
        title = form.itemAtPosition(0, 0)
        if title is not None and title.widget() is not None:
            title.widget().setVisible(has_choices)

    def _scrolling(self, form: QGridLayout) -> QScrollArea:
        """The choice in a scroll area, the buttons below it staying put: with Advanced open on
        a small screen the page is taller than the dialog, and squeezing it made notes overlap."""
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(self.advanced_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.advanced_panel)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls in it
        return self.scroll

    def _build_key_row(self) -> QHBoxLayout:
        self.key_label = wrapped_label()
        self.key_label.setAccessibleName(self.tr("Your key for this service"))
        self.key_button = QPushButton(self.tr("Add a Key in Settings → Accounts…"))
        self.key_button.setAccessibleName(self.tr("Open Settings on the Accounts page"))
        self.key_button.clicked.connect(self.open_accounts)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(self.key_button, 0, Qt.AlignmentFlag.AlignTop)
        return key_row

    def fill_services(self) -> None:
        """List the services FineAuthor can train with and choose the project's (or else the
        first open to new accounts). A service that takes no new training any more is left
        out, with one sentence saying why."""
        supported = supported_services()
        closed = [
            info
            for info in self.catalog.providers
            if info.id in supported and not info.takes_new_jobs(self.today)
        ]
        self._say_closed(closed)
        self.service_box.blockSignals(True)
        for info in self.catalog.providers:
            if info.id not in supported or info in closed:
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

    def _say_closed(self, closed: list[ProviderInfo]) -> None:
        lines = []
        for info in closed:
            assert info.new_jobs_end is not None  # takes_new_jobs is only false with a date
            line = (
                self.tr("%1 is not listed: it takes no new training since %2.")
                .replace("%1", info.name)
                .replace("%2", day_text(info.new_jobs_end))
            )
            shutdowns = {m.shutdown_date for m in self.catalog.models_for(info.id)}
            shutdowns.discard(None)
            if len(shutdowns) == 1:
                line += " " + self.tr(
                    "What you trained there stays in Train ▸ Training Jobs, and works until %1."
                ).replace("%1", day_text(shutdowns.pop()))
            lines.append(line)
        self.closed_label.setText(" ".join(lines))
        self.closed_label.setVisible(bool(lines))

    @property
    def service(self) -> ProviderInfo:
        return self.catalog.provider(str(self.service_box.currentData()))

    @property
    def model(self) -> ModelInfo:
        return self.catalog.model(str(self.model_box.currentData()))

    @property
    def key(self) -> str | None:
        """The chosen service's key, as last looked up (None when there is none)."""
        return self._key

    def select_service(self, provider_id: str) -> bool:
        """Choose ``provider_id`` in the list (False when FineAuthor cannot train there)."""
        index = self.service_box.findData(provider_id)
        if index >= 0:
            self.service_box.setCurrentIndex(index)
        return index >= 0

    def can_switch_to(self, provider_id: str) -> bool:
        """Whether ``provider_id`` is offered here and is not the service already chosen."""
        return self.service_box.findData(provider_id) >= 0 and self.service.id != provider_id

    def set_checking(self, checking: bool) -> None:
        """Check My Examples, or "Checking…" (and not pressable) while the check runs."""
        self.check_button.setEnabled(not checking)
        self.check_button.setText(
            self.tr("Checking…") if checking else self.tr("Check My Examples")
        )

    @Slot()
    def _service_changed(self) -> None:
        if self.service_box.currentIndex() < 0:
            return
        info = self.service
        self.advanced_panel.set_service(info.id)
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
            if model.is_shut_down(self.today):
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
        """Open Settings on the Accounts page, over the window this page is in; the key is
        looked for again when it closes."""
        open_accounts_settings(self.window(), self.refresh_key)

    @Slot(bool)
    def _toggle_advanced(self, shown: bool) -> None:
        self.advanced_panel.setVisible(shown)
        if shown:  # once the panel has its height, bring it into view
            QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(self.advanced_panel))
        self.advanced_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.advanced_button.setAccessibleName(
            self.tr("Hide the advanced settings")
            if shown
            else self.tr("Show the advanced settings")
        )

    def training_options(self) -> TrainingOptions:
        """What the Advanced settings say ("Automatic" leaves the service's choice), and
        whether the model learns from the examples or from the writer's choices."""
        options = self.advanced_panel.training_options()
        if self.learn_from.preference:
            return replace(options, method=PREFERENCE)
        return options

    def _learn_from_changed(self) -> None:
        if self.learn_from.preference:
            self.check_button.setText(self.tr("Check My Choices"))
            self.check_button.setAccessibleName(self.tr("Check the choices and see the estimate"))
        else:
            self.check_button.setText(self.tr("Check My Examples"))
            self.check_button.setAccessibleName(self.tr("Check the examples and see the estimate"))


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
