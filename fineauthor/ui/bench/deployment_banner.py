"""The bench's word on a trained model that runs only on a server of the writer's own (a
"deployment": Fireworks add-ons, some Together models): what it costs an hour, a "Start it" that
is the writer's say-so, and while it runs a banner that it is costing money, for how long, with
"Stop it". The running server is kept in the project (its ``deployment`` setting) until it is
stopped, so reopening the project finds it again, and closing the bench or the app asks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import DEPLOYMENT_READY, Deployment, Provider, ProviderError
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.workers import run_in_background

STOP, KEEP, CANCEL = "stop", "keep", "cancel"

# A running server must be hard to miss: amber, bold, framed; the offer is quieter.
_RUNNING_LOOK = (
    "DeploymentBanner { background: #ffe3a3; border: 2px solid #c07800; border-radius: 4px; }"
    " QLabel { font-weight: bold; color: #3d2600; }"
)
_OFFER_LOOK = (
    "DeploymentBanner { background: #eef3fa; border: 1px solid #9fb4d0; border-radius: 4px; }"
)


def _provider_work(provider_id: str, act: Callable[[Provider], Any]) -> Callable[..., Any]:
    """Work for a worker: open the service with the writer's key and do ``act`` with it."""

    def work(_progress: Callable[[int], None], _cancelled: Callable[[], bool]) -> Any:
        from fineauthor.providers import keys
        from fineauthor.providers.registry import open_provider

        stored = keys.key_for(provider_id)
        if stored is None:
            name = load_catalog().provider(provider_id).name
            raise FineAuthorError(
                f"FineAuthor needs your {name} key for this. Add it in Settings → Accounts."
            )
        return act(open_provider(provider_id, stored.value))

    return work


def _money(price: float | None) -> str:
    return f"about ${price:,.2f} an hour" if price is not None else "price not known"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours != 1 else ''} {rest} minute{'s' if rest != 1 else ''}"


class DeploymentBanner(QWidget):
    """The offer to start a model's server, or the banner while one runs."""

    changed = Signal()  # what it says changed (a look came back, it started or stopped)
    POLL_MS = 15_000  # how often a running server is looked at (tests make it short)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.provider_id = ""
        self.model = ""
        self.needed = False  # the chosen model runs only on a server of its own
        self.price: float | None = None
        self.state = ""  # the running server's state, once looked at
        self._pool = QThreadPool(self)  # its own, so closing can wait for a stop alone
        self.setAccessibleName(self.tr("Server for your model"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # paint the colour
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # model names are not markup
        self.message.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Start it"))
        self.start_button.setToolTip(
            self.tr("Rents the server now. It costs money until you stop it.")
        )
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop it"))
        self.stop_button.setToolTip(self.tr("Stops the server, so it costs nothing more."))
        self.stop_button.clicked.connect(self.stop)
        layout = QHBoxLayout(self)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.start_button)
        layout.addWidget(self.stop_button)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show)
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._look_at_running)
        self._show()
        if self.running:
            self._look_at_running()

    # What is known ---------------------------------------------------------------------------

    @property
    def record(self) -> dict[str, Any]:
        return dict(self.document.settings.deployment)

    @property
    def running(self) -> bool:
        """Whether a server the writer started is (as far as FineAuthor knows) still on."""
        return bool(self.record.get("id"))

    def holds_back(self) -> str:
        """Why replies cannot be asked for yet, in plain words, or "" when they can: the chosen
        model runs only on a server of its own, and that server is not ready."""
        if not self.needed:
            return ""
        if not self.running or self.record.get("model") != self.model:
            return self.tr("Your model needs its server first: press Start it above.")
        if self.state != DEPLOYMENT_READY:
            return self.tr("Your server is still starting; replies can come once it is ready.")
        return ""

    def chat_model_for(self, model: str) -> str:
        """The name to ask ``model`` for replies by: its server's, once one runs for it."""
        record = self.record
        if self.needed and record.get("model") == model and record.get("chat_model"):
            return str(record["chat_model"])
        return model

    def set_model(self, provider_id: str, model: str) -> None:
        """The bench's trained model changed: find out whether it needs a server, and its price."""
        self.provider_id, self.model = provider_id, model
        self.needed, self.price = False, None
        self._show()
        if not model or not provider_id:
            return

        def act(provider: Provider) -> tuple[bool, float | None]:
            needed = provider.needs_deployment(model)
            return needed, provider.deployment_price(model) if needed else None

        def found(result: tuple[bool, float | None]) -> None:
            if (provider_id, model) == (self.provider_id, self.model):
                self.needed, price = result
                self.price = price if price is not None else self._catalog_price(model)
                self._show()

        self._run(act, found, provider_id)

    def _catalog_price(self, model: str) -> float | None:
        try:
            return load_catalog().model(model).serving_for(lora=True).price_per_hour_usd
        except FineAuthorError:
            return None

    # Start and stop -------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        """The writer's say-so: rent the server for the chosen model."""
        if self.running or not self.needed:
            return
        provider_id, model, price = self.provider_id, self.model, self.price
        self.start_button.setEnabled(False)
        self.message.setText(self.tr("Starting the server…"))

        def started(deployment: Deployment) -> None:
            self.document.update_settings_stored(
                {
                    "deployment": {
                        "provider": provider_id,
                        "id": deployment.id,
                        "model": model,
                        "started": datetime.now(UTC).isoformat(),
                        "price_per_hour": deployment.price_per_hour_usd or price,
                        "chat_model": deployment.chat_model,
                    }
                }
            )
            self.state = deployment.state
            self._show()

        self._run(lambda p: p.start_deployment(model), started, provider_id)

    @Slot()
    def stop(self) -> None:
        """Stop the running server."""
        record = self.record
        if not record.get("id"):
            return
        self.stop_button.setEnabled(False)
        self.message.setText(self.tr("Stopping the server…"))
        self._run(lambda p: p.stop_deployment(record["id"]), self._stopped, record["provider"])

    def _stopped(self, _result: object = None) -> None:
        self.document.update_settings_stored({"deployment": {}})
        self.state = ""
        self._show()
        self.message.setText(self.tr("The server is stopped. It costs nothing more."))

    @Slot()
    def _look_at_running(self) -> None:
        record = self.record
        if not record.get("id"):
            return

        def act(provider: Provider) -> Deployment | None:
            try:
                return provider.get_deployment(record["id"])
            except ProviderError as problem:
                if problem.kind == ProviderError.NOT_FOUND:
                    return None  # stopped elsewhere (or by the service's own auto-stop)
                raise

        def seen(deployment: Deployment | None) -> None:
            # A look that comes back after the bench closed, or after this server was stopped
            # here, is old news (and its project may be closed by now).
            if not self.isVisible() or self.record.get("id") != record["id"]:
                return
            if deployment is None or not deployment.billed:
                self._stopped()
                return
            self.state = deployment.state
            if deployment.chat_model and deployment.chat_model != record.get("chat_model"):
                self.document.update_settings_stored(
                    {"deployment": record | {"chat_model": deployment.chat_model}}
                )
            self._show()

        self._run(act, seen, record["provider"])

    def _run(self, act: Callable[[Provider], Any], done: Callable[[Any], None], pid: str) -> None:
        def while_here(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            # An answer can come back after the bench (and this banner) closed: drop it then.
            def call(value: Any) -> None:
                if shiboken6.isValid(self):
                    callback(value)

            return call

        run_in_background(
            _provider_work(pid, act),
            on_success=while_here(done),
            on_failure=while_here(self._failed),
            pool=self._pool,
        )

    def _failed(self, message: str) -> None:
        self._show()
        self.message.setText(message)
        self.changed.emit()

    # Showing --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._show()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Nobody sees it: no clock and no looks until the bench is shown again.
        self._clock.stop()
        self._poll.stop()
        super().hideEvent(event)

    @Slot()
    def _show(self) -> None:
        record = self.record
        running = bool(record.get("id"))
        self.setVisible(running or self.needed)
        self.start_button.setVisible(not running)
        self.start_button.setEnabled(not running and self.needed)
        self.stop_button.setVisible(running)
        self.stop_button.setEnabled(running)
        self.setStyleSheet(_RUNNING_LOOK if running else _OFFER_LOOK)
        if running:
            started = datetime.fromisoformat(str(record.get("started")))
            since = _duration((datetime.now(UTC) - started).total_seconds())
            ready = (
                self.tr("It is ready.")
                if self.state == DEPLOYMENT_READY
                else self.tr("It is still starting; replies can come once it is ready.")
            )
            self.message.setText(
                self.tr(
                    "Costing money: your server for %1 has been running for %2 (%3). %4 Stop "
                    "it when you are done."
                )
                .replace("%1", str(record.get("model")))
                .replace("%2", since)
                .replace("%3", _money(record.get("price_per_hour")))
                .replace("%4", ready)
            )
            if self.isVisible():  # a hidden bench shows nothing and looks at nothing
                self._poll.setInterval(self.POLL_MS)
                if not self._clock.isActive():
                    self._clock.start()
                if not self._poll.isActive():
                    self._poll.start()
        else:
            self._clock.stop()
            self._poll.stop()
            self.message.setText(
                self.tr(
                    "This model runs only on a server of your own (a “deployment”), rented "
                    "while it is switched on: %1. Start it to try the model; stop it when you "
                    "are done."
                ).replace("%1", _money(self.price))
            )
        self.changed.emit()

    # Closing --------------------------------------------------------------------------------

    def settle(self, parent: QWidget) -> bool:
        """Before the bench or the app closes: ask about a running server. False to stay open."""
        if not self.running:
            return True
        answer = ask_about_running(parent, str(self.record.get("model")))
        if answer == CANCEL:
            return False
        if answer == KEEP:
            return True
        return self.stop_and_wait()

    def stop_and_wait(self) -> bool:
        """Stop the running server before closing; False (and a plain message) if it failed."""
        record = self.record
        outcome: list[str] = []

        def act(provider: Provider) -> None:
            provider.stop_deployment(record["id"])

        work = _provider_work(record["provider"], act)

        def stop_now(progress: Callable[[int], None], cancelled: Callable[[], bool]) -> None:
            try:
                work(progress, cancelled)
            except FineAuthorError as problem:
                outcome.append(str(problem))
                return
            outcome.append("")

        run_in_background(stop_now, pool=self._pool)
        self._pool.waitForDone(30_000)
        if outcome == [""]:
            self._stopped()
            return True
        QMessageBox.warning(
            self,
            self.tr("The server is still running"),
            self.tr(
                "FineAuthor could not stop the server, so it is still costing money. %1"
            ).replace("%1", outcome[0] if outcome else self.tr("The service did not answer.")),
        )
        return False


def ask_about_running(parent: QWidget, model: str) -> str:
    """The question on closing: STOP, KEEP or CANCEL."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("A server is still running"))
    box.setText(
        box.tr("Your server for %1 is still running and costing money. Stop it now?").replace(
            "%1", model
        )
    )
    box.setInformativeText(
        box.tr("If you keep it running, it goes on costing money until you stop it.")
    )
    stop = box.addButton(box.tr("Stop it"), QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(box.tr("Keep it running"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(stop)
    box.exec()
    clicked = box.clickedButton()
    return STOP if clicked is stop else KEEP if clicked is keep else CANCEL


def settle_deployments(window: QWidget, document: ProjectDocument) -> bool:
    """On quitting: ask about the project's running server (whether or not the bench is open).
    False when the writer chose to stay."""
    banner = next(
        (b for b in window.findChildren(DeploymentBanner) if b.document is document), None
    )
    if banner is None:
        if not document.settings.deployment.get("id"):
            return True
        banner = DeploymentBanner(document, window)
        banner.hide()
    return banner.settle(window)
