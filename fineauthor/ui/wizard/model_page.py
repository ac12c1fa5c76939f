"""Page 8 of the wizard: where to train. Who can train today, and each base model with its
price, its limit, the estimated cost of a first run, and how the trained model can be used
afterwards and what that costs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from fineauthor.ui.widgets.price_words import (
    about_money,
    day_text,
    method_text,
    serving_kind_text,
    serving_text,
)
from fineauthor.ui.wizard import building_blocks as blocks
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard.answer_store import AnswerStore
from fineauthor.ui.wizard.guide_page import GuidePage

# Ordinary English prose runs at about four tokens to every three words in both encodings.
TOKENS_PER_WORD = 4 / 3
# Framing tokens of a three-message chat example (3 per message + 3 to prime the reply).
EXAMPLE_OVERHEAD_TOKENS = 3 * 3 + 3
ESTIMATE_EXAMPLES = 50

#: Where the page reads the day when it is given none (tests set a fixed one).
clock: Callable[[], date] = date.today


def example_tokens_estimate(answers: dict[str, Any]) -> int:
    """Roughly the tokens of one example at the target length: system prompt, prompt,
    response and the framing around them."""
    target = answers.get(keys.TARGET_WORDS) or keys.DEFAULT_TARGET_WORDS
    words = len(str(answers.get(keys.SYSTEM_PROMPT) or "").split())
    words += len(str(answers.get(keys.TEMPLATE) or "").split())
    words += int(target)
    return round(words * TOKENS_PER_WORD) + EXAMPLE_OVERHEAD_TOKENS


class ModelPage(GuidePage):
    """Who can train today, each base model with its price, limit, an estimated cost and how
    the trained model can be used."""

    MODEL_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, store: AnswerStore, today: date | None = None) -> None:
        super().__init__(
            store,
            self.tr("Where to train"),
            self.tr(
                "Training happens at an online service, on a model it offers. Here is who can "
                "train one for you today."
            ),
            self.tr(
                "Not every service trains every model, and OpenAI is closing fine-tuning. The "
                "model you choose also sets how FineAuthor counts your examples and what a "
                "training run will cost. You can change it later, before you train."
            ),
        )
        self.today = today or clock()
        self.services_label = blocks.wrapping(rich=True)
        self.services_label.setAccessibleName(self.tr("Who can train today"))
        self.body.addWidget(blocks.heading(self.tr("Who can train today"), 1.0))
        self.body.addWidget(self.services_label)

        self.body.addSpacing(6)
        self.body.addWidget(blocks.heading(self.tr("Choose a model"), 1.0))
        self.explain_label = blocks.wrapping()
        self.body.addWidget(self.explain_label)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(self.tr("Models you can train"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Price to train"),
                self.tr("Longest\nexample"),
                self.tr("Cost of 50\nexamples"),
                self.tr("Using it\nafterwards"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Arrow keys choose a model; Tab moves on instead of walking every cell.
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 120), (2, 100), (3, 95), (4, 150)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.body.addWidget(self.table)
        self.estimate_note = blocks.wrapping()
        self.estimate_note.setAccessibleName(self.tr("How the cost is estimated"))
        self.body.addWidget(self.estimate_note)

        self.provider_panel = blocks.panel()
        panel_layout = QVBoxLayout(self.provider_panel)
        panel_layout.setContentsMargins(14, 10, 14, 12)
        self.provider_heading = blocks.heading("", 1.0)
        self.provider_text = blocks.wrapping()
        self.policy_text = blocks.wrapping()
        self.provider_text.setAccessibleName(self.tr("About this service"))
        self.policy_text.setAccessibleName(self.tr("What this service allows"))
        self.use_text = blocks.wrapping()
        self.use_text.setAccessibleName(self.tr("Using the trained model"))
        panel_layout.addWidget(self.provider_heading)
        panel_layout.addWidget(self.use_text)
        panel_layout.addWidget(self.provider_text)
        panel_layout.addWidget(self.policy_text)
        self.body.addWidget(self.provider_panel)
        self.body.addStretch(1)
        self._filling = False

    def initializePage(self) -> None:  # noqa: N802
        # Estimates depend on the length and prompts, which may have changed since last time.
        self.fill()

    def fill(self) -> None:
        from fineauthor.core.catalog import load_catalog
        from fineauthor.core.dataset.estimate import estimate

        catalog = load_catalog()
        self.services_label.setText(self._services_html(catalog))
        answers = self.store.answers
        per_example = example_tokens_estimate(answers)
        chosen = keys.chosen_model_id(answers)
        models = [m for m in catalog.models if not m.is_shut_down(self.today)]
        # Services open to new writers first: they are the ones most writers can use. A
        # service that takes no new training goes last, its models shown but not choosable.
        open_ids = {p.id for p in catalog.providers if p.new_users_can_fine_tune}
        closed_ids = {p.id for p in catalog.providers if not p.takes_new_jobs(self.today)}
        models.sort(
            key=lambda m: (
                m.provider in closed_ids,
                m.provider not in open_ids,
                m.id != catalog.default_model,
            )
        )
        self._filling = True
        self.table.setRowCount(len(models))
        selected_row = 0
        passes: dict[str, tuple[str, Any, bool]] = {}  # per service: name, estimate, fixed
        for row, model in enumerate(models):
            provider = catalog.provider(model.provider)
            found = estimate([per_example] * ESTIMATE_EXAMPLES, model)
            fixed = model.terms.default_epochs is not None
            closed = provider.id in closed_ids
            if not closed:  # how a closed service would count passes no longer matters
                passes.setdefault(provider.id, (provider.name, found, fixed))
            self._fill_row(
                row, model, provider, found, closed=closed, default_id=catalog.default_model
            )
            if model.id == chosen and not closed:
                selected_row = row
        # Every cell holds at most two lines: equal rows read as a list, not a puzzle.
        row_height = 2 * self.table.fontMetrics().lineSpacing() + 12
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, row_height)
        # The header's hint, not its height: before the first layout it is not yet two lines tall.
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)
        self.table.selectRow(selected_row)
        self._filling = False
        self.explain_label.setText(
            self.tr(
                "Services charge by the token, the pieces of words a model reads: 1,000 words "
                "of prose are about 1,300 tokens. “Longest example” is the most a service "
                "reads of one example (prompts and response together); it cuts off the rest."
            )
        )
        self.estimate_note.setText(
            self.tr(
                "“Cost of 50 examples” is an estimate for {count} examples of about {words} "
                "words each (your target length plus your prompts), read as many times as each "
                "service does when left to choose: {passes}. Prices are for {method} where a "
                "service offers the choice. You see the estimate again, for your own examples, "
                "before anything is sent."
            ).format(
                count=ESTIMATE_EXAMPLES,
                words=blocks.format_number(per_example / TOKENS_PER_WORD),
                passes=self._passes_text(list(passes.values())),
                method=method_text(lora=True),
            )
        )
        self._selection_changed()

    def _fill_row(
        self, row: int, model: Any, provider: Any, found: Any, *, closed: bool, default_id: str
    ) -> None:
        """One model's row; greyed and not selectable when its service trains nothing new."""
        serving = model.serving_for(lora=True)
        if closed:
            service = self.tr("{service} · no new training").format(service=provider.name)
        elif not provider.new_users_can_fine_tune:
            service = self.tr("{service}, closed to new accounts").format(service=provider.name)
        elif model.id == default_id:
            service = self.tr("{service} · recommended").format(service=provider.name)
        else:
            service = provider.name
        cells = [
            f"{model.name}\n{service}",
            self._price_text(model.training_price_per_1m_usd),
            self._limit_text(model.example_token_limit),
            self._cost_text(found.cost_usd),
            serving_kind_text(serving),
        ]
        tips = [
            model.notes,
            model.price_note,
            self.tr("{tokens} tokens").format(tokens=blocks.format_number(limit))
            if (limit := model.example_token_limit)
            else "",
            model.price_note,
            serving_text(serving),
        ]
        if closed:
            why = self.tr(
                "{service} takes no new training since {day}, so this model cannot be chosen. "
                "Choose one of the models above."
            ).format(service=provider.name, day=day_text(provider.new_jobs_end))
            tips = [why] * len(cells)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(self.MODEL_ROLE, model.id)
            item.setToolTip(tips[column])
            if closed:  # greyed and not selectable: it cannot be the project's base
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            if column == 0 and model.id == default_id:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(row, column, item)

    def _services_html(self, catalog: Any) -> str:
        open_names = [p.name for p in catalog.providers if p.new_users_can_fine_tune]
        items = []
        if open_names:
            items.append(
                self.tr("<b>{names}</b>: open to new accounts.").format(
                    names=escape(self.tr(" and ").join(open_names))
                )
            )
        for provider in catalog.providers:
            if not provider.takes_new_jobs(self.today):
                items.append(
                    self.tr("<b>{name}</b>: {why}").format(
                        name=escape(provider.name), why=escape(self._closed_text(provider))
                    )
                )
            elif not provider.new_users_can_fine_tune:
                # The catalog's note gives the closing dates in plain words.
                items.append(
                    self.tr("<b>{name}</b>: closed to new accounts. {note}").format(
                        name=escape(provider.name), note=escape(provider.availability_note)
                    )
                )
        return "<p>" + "</p><p>".join(items) + "</p>"

    def _closed_text(self, provider: Any) -> str:
        """What a writer needs to know of a service that trains nothing new any more: its
        models are greyed out (while they still work), and until when its trained models
        work, when the catalog gives one date."""
        from fineauthor.core.catalog import load_catalog

        models = load_catalog().models_for(provider.id)
        shown = any(not m.is_shut_down(self.today) for m in models)
        text = self.tr("takes no new training since {day}").format(
            day=day_text(provider.new_jobs_end)
        )
        text += (
            self.tr(", so its models are greyed out below and cannot be chosen.") if shown else "."
        )
        shutdowns = {m.shutdown_date for m in models} - {None}
        if len(shutdowns) == 1:
            day = shutdowns.pop()
            text += " " + (
                self.tr("What you trained there works until {day}.")
                if self.today < day
                else self.tr("What was trained there stopped working on {day}.")
            ).format(day=day_text(day))
        return text

    def _passes_text(self, services: list[tuple[str, Any, bool]]) -> str:
        """ "once at Together AI, its usual number; about 8 times at Fireworks AI, which
        decides for itself"."""
        parts = []
        for name, found, fixed in services:
            times = (
                self.tr("once")
                if found.epochs == 1
                else self.tr("{count} times").format(count=found.epochs)
            )
            if found.epochs_guessed:
                text = self.tr("about {times} at {service}, which decides for itself")
            elif fixed:
                text = self.tr("{times} at {service}, its usual number")
            else:
                text = self.tr("{times} at {service}, by its own rule for this many examples")
            parts.append(text.format(times=times, service=name))
        return "; ".join(parts)

    def _price_text(self, price: float | None) -> str:
        if price is None:
            return self.tr("not published: you’ll see it before you pay")
        return self.tr("${price} per million tokens").format(
            price=QLocale().toString(price, "f", 2)
        )

    def _limit_text(self, limit: int | None) -> str:
        if limit is None:
            return self.tr("not published")
        return self.tr("about {words} words").format(
            words=blocks.format_number(round(limit / TOKENS_PER_WORD, -3))
        )

    def _cost_text(self, cost: float | None) -> str:
        if cost is None:
            return self.tr("no estimate without a price")
        return about_money(cost)

    def selected_model(self) -> str:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return ""
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(self.MODEL_ROLE)) if item is not None else ""

    def select_model(self, model_id: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(self.MODEL_ROLE) == model_id:
                if item.flags() & Qt.ItemFlag.ItemIsSelectable:  # greyed rows cannot be chosen
                    self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        from fineauthor.core.catalog import load_catalog

        model_id = self.selected_model()
        if not model_id:
            return
        catalog = load_catalog()
        model = catalog.model(model_id)
        provider = catalog.provider(model.provider)
        self.provider_heading.setText(self.tr("About {service}").format(service=provider.name))
        self.use_text.setText(
            self.tr("Using a model trained on {model}: {how}").format(
                model=model.name, how=serving_text(model.serving_for(lora=True))
            )
        )
        self.provider_text.setText(provider.availability_note)
        self.policy_text.setText(
            self.tr("What it allows: {policy}").format(policy=provider.content_policy_note)
        )
        if not self._filling or self.store.has(keys.BASE_MODEL):
            self.store.set(keys.BASE_MODEL, model_id)

    def validatePage(self) -> bool:  # noqa: N802
        # Going on with the recommendation untouched still records it as the choice.
        model_id = self.selected_model()
        if model_id:
            self.store.set(keys.BASE_MODEL, model_id)
        return True
