"""Settings → Accounts: the API key for each training service.

One row per service in the catalog: what the service offers a new writer, where its key is kept
(the system keychain, an environment variable, or this session only), the key masked, and
buttons to add or replace it, remove it and test it. Testing makes one cheap authenticated call
in a worker thread. Keys go straight from the line edit to ``providers.keys``; this page never
logs them, and the line edit is emptied as soon as a key is saved. A service that also needs an
account id (Fireworks) gets a field for it beside the key, saved in the settings as it is typed:
the id is not a secret, so it is not kept in the keychain.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.catalog import ProviderInfo, load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.settings import load_settings, save_settings
from fineauthor.providers import keys
from fineauthor.providers.registry import ACCOUNT_ID_ENV
from fineauthor.ui.shell.workers import Task, run_in_background

# Where a writer creates a key, for each service in the catalog.
KEY_PAGES = {
    "openai": "https://platform.openai.com/api-keys",
    "together": "https://api.together.ai/settings/api-keys",
    "fireworks": "https://app.fireworks.ai/settings/users/api-keys",
}

# The services that also need an account id: the setting that keeps it and its variable.
ACCOUNT_IDS = {"fireworks": ("fireworks_account_id", ACCOUNT_ID_ENV)}


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ProviderAccount(QGroupBox):
    """One service's key: where it is kept, masked, and what can be done with it."""

    keyChanged = Signal(str)  # noqa: N815 - the provider id, after a key was saved or removed

    def __init__(self, info: ProviderInfo, parent: QWidget | None = None) -> None:
        super().__init__(info.name, parent)
        self.info = info
        self.setAccessibleName(self.tr("{name} account").format(name=info.name))
        self._keychain_usable = True
        self._stored: keys.StoredKey | None = None
        self._task: Task | None = None

        self.availability_label = _wrapped(info.availability_note)
        small = QFont(self.availability_label.font())
        small.setPointSizeF(small.pointSizeF() * 0.92)
        self.availability_label.setFont(small)
        self.availability_label.setAccessibleName(
            self.tr("Who can train with {name}").format(name=info.name)
        )

        state_row = self._build_state_row()
        self._build_editor()

        self.result_label = _wrapped()
        self.result_label.setAccessibleName(
            self.tr("Result of testing the {name} key").format(name=info.name)
        )
        self.result_label.hide()

        self._build_where_to_get()

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.availability_label)
        self.account_edit: QLineEdit | None = None
        if info.id in ACCOUNT_IDS:
            layout.addWidget(self._build_account_row())
        layout.addLayout(state_row)
        layout.addWidget(self.editor)
        layout.addWidget(self.result_label)
        layout.addWidget(self.where_to_get)

    def _build_state_row(self) -> QHBoxLayout:
        name = self.info.name
        self.where_label = _wrapped()
        self.where_label.setAccessibleName(
            self.tr("Where the {name} key is kept").format(name=name)
        )
        self.masked_label = QLabel()
        self.masked_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.masked_label.setAccessibleName(
            self.tr("The {name} key, partly hidden").format(name=name)
        )

        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.start_editing)
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.setAccessibleName(self.tr("Remove the {name} key").format(name=name))
        self.remove_button.clicked.connect(self.remove_key)
        self.test_button = QPushButton(self.tr("Test"))
        self.test_button.setAccessibleName(self.tr("Test the {name} key").format(name=name))
        self.test_button.setToolTip(
            self.tr("Ask {name} whether it accepts the key (one quick call, free)").format(
                name=name
            )
        )
        self.test_button.clicked.connect(self.test_key)
        state_row = QHBoxLayout()
        state_row.addWidget(self.where_label, 1)
        state_row.addWidget(self.masked_label)
        state_row.addSpacing(12)
        state_row.addWidget(self.add_button)
        state_row.addWidget(self.remove_button)
        state_row.addWidget(self.test_button)
        return state_row

    def _build_account_row(self) -> QWidget:
        name = self.info.name
        setting, variable = ACCOUNT_IDS[self.info.id]
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText(self.tr("for example: my-press"))
        self.account_edit.setAccessibleName(self.tr("{name} account ID").format(name=name))
        self.account_note = _wrapped()
        self.account_note.setAccessibleName(
            self.tr("What the {name} account ID is").format(name=name)
        )
        from_environment = os.environ.get(variable, "").strip()
        if from_environment:
            self.account_edit.setText(from_environment)
            self.account_edit.setReadOnly(True)
            self.account_note.setText(
                self.tr("From the environment variable {variable} — change it there.").format(
                    variable=variable
                )
            )
        else:
            saved = load_settings()[setting]
            self.account_edit.setText(saved if isinstance(saved, str) else "")
            self.account_note.setText(
                self.tr(
                    "The short name of your {name} account, shown under Account on its "
                    "website. It is not secret; FineAuthor keeps it with its settings."
                ).format(name=name)
            )
        self.account_edit.textChanged.connect(self._account_typed)
        label = QLabel(self.tr("Account ID"))
        label.setBuddy(self.account_edit)
        row = QWidget()
        grid = QVBoxLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        line.addWidget(label)
        line.addWidget(self.account_edit, 1)
        grid.addLayout(line)
        grid.addWidget(self.account_note)
        return row

    @Slot(str)
    def _account_typed(self, text: str) -> None:
        if self.account_edit is None or self.account_edit.isReadOnly():
            return
        setting, _variable = ACCOUNT_IDS[self.info.id]
        values = load_settings()
        values[setting] = text.strip()
        save_settings(values)  # as it is typed: nothing to press, nothing lost

    def _build_editor(self) -> None:
        # Adding or replacing: a password field, so a key pasted in is never on screen.
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setClearButtonEnabled(True)
        self.key_edit.setPlaceholderText(
            self.tr("Paste your {name} key here").format(name=self.info.name)
        )
        self.key_edit.setAccessibleName(self.tr("New {name} key").format(name=self.info.name))
        self.key_edit.returnPressed.connect(self.save_key)
        self.key_edit.textChanged.connect(self._key_text_changed)
        self.save_button = QPushButton()
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_key)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(
            self.tr("Cancel adding a key for {name}").format(name=self.info.name)
        )
        self.cancel_button.clicked.connect(self.stop_editing)
        self.edit_problem = _wrapped()
        self.edit_problem.setAccessibleName(self.tr("Problem with the key"))
        self.edit_problem.hide()
        edit_row = QHBoxLayout()
        edit_row.setContentsMargins(0, 0, 0, 0)
        edit_row.addWidget(self.key_edit, 1)
        edit_row.addWidget(self.save_button)
        edit_row.addWidget(self.cancel_button)
        self.editor = QWidget()
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(edit_row)
        editor_layout.addWidget(self.edit_problem)
        self.editor.hide()

    def _build_where_to_get(self) -> None:
        url = KEY_PAGES.get(self.info.id)
        self.where_to_get = QLabel()
        if url:
            self.where_to_get.setToolTip(url)
        self.where_to_get.setOpenExternalLinks(True)
        self.where_to_get.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.where_to_get.setAccessibleName(
            self.tr("Where to get a key for {name}").format(name=self.info.name)
        )
        self.where_to_get.setVisible(bool(url))

    # --- showing ------------------------------------------------------------------------

    def refresh(self, keychain_usable: bool) -> None:
        """Read the key again and show where it is kept."""
        self._keychain_usable = keychain_usable
        name, variable = self.info.name, self.info.api_key_env
        try:
            self._stored = keys.key_for(self.info.id)
        except FineAuthorError as problem:
            self._stored = None
            self._show_where(str(problem), "")
        else:
            self.where_label.setToolTip("")
            stored = self._stored
            if stored is None:
                self._show_where(self.tr("No key yet"), "")
            elif stored.source == keys.ENVIRONMENT:
                self._show_where(
                    self.tr("From the environment variable {variable} — change it there").format(
                        variable=variable
                    ),
                    stored.masked,
                )
            elif stored.source == keys.SESSION:
                self._show_where(self.tr("For this session only"), stored.masked)
                self.where_label.setToolTip(
                    self.tr("FineAuthor keeps this key in memory and forgets it when you quit.")
                )
            else:
                self._show_where(self.tr("Kept in your system keychain"), stored.masked)

        stored = self._stored
        from_environment = stored is not None and stored.source == keys.ENVIRONMENT
        self.add_button.setText(self.tr("Replace…") if stored else self.tr("Add a key…"))
        self.add_button.setAccessibleName(
            (
                self.tr("Replace the {name} key") if stored else self.tr("Add a key for {name}")
            ).format(name=name)
        )
        self.add_button.setEnabled(not from_environment)
        self.remove_button.setEnabled(stored is not None and not from_environment)
        self.test_button.setEnabled(stored is not None and self._task is None)
        for button in (self.add_button, self.remove_button):
            button.setToolTip(
                self.tr("This key comes from {variable}; change or remove it there.").format(
                    variable=variable
                )
                if from_environment
                else ""
            )
        if keychain_usable:
            self.save_button.setText(self.tr("Save key"))
            self.save_button.setToolTip(self.tr("Keep the key in your system keychain"))
        else:
            self.save_button.setText(self.tr("Use for this session only"))
            self.save_button.setToolTip(
                self.tr("Keep the key in memory until FineAuthor quits; it is never written down")
            )
        self.save_button.setAccessibleName(
            self.tr("Save the {name} key").format(name=name)
            if keychain_usable
            else self.tr("Use the {name} key for this session only").format(name=name)
        )
        self._key_text_changed(self.key_edit.text())
        self._show_where_to_get()

    def _show_where_to_get(self) -> None:
        url = KEY_PAGES.get(self.info.id)
        if not url:
            return
        if self._stored is None:
            text = self.tr('Create a key on <a href="{url}">{name}’s API keys page</a>.')
        else:
            text = self.tr('Your {name} keys are listed on <a href="{url}">its API keys page</a>.')
        self.where_to_get.setText(text.format(url=url, name=self.info.name))

    def _show_where(self, where: str, masked: str) -> None:
        self.where_label.setText(where)
        self.masked_label.setText(masked)
        self.masked_label.setVisible(bool(masked))

    @property
    def stored(self) -> keys.StoredKey | None:
        """The key shown now (its value stays in memory only)."""
        return self._stored

    # --- adding and replacing ------------------------------------------------------------

    @Slot()
    def start_editing(self) -> None:
        self.editor.show()
        self.edit_problem.hide()
        self.key_edit.clear()
        self.key_edit.setFocus()

    @Slot()
    def stop_editing(self) -> None:
        self.key_edit.clear()
        self.edit_problem.hide()
        self.editor.hide()

    @Slot(str)
    def _key_text_changed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()))
        self.edit_problem.hide()

    @Slot()
    def save_key(self) -> None:
        text = self.key_edit.text()
        if not text.strip():
            return
        try:
            keys.save_key(self.info.id, text, session_only=not self._keychain_usable)
        except FineAuthorError as problem:
            self.edit_problem.setText(str(problem))
            self.edit_problem.show()
            return
        self.stop_editing()
        self.result_label.hide()
        self.refresh(self._keychain_usable)
        self.keyChanged.emit(self.info.id)

    # --- removing ----------------------------------------------------------------------------

    @Slot()
    def remove_key(self) -> None:
        stored = self._stored
        if stored is None or stored.source == keys.ENVIRONMENT:
            return
        name = self.info.name
        if stored.source == keys.SESSION:
            question = self.tr(
                "Forget your {name} key? FineAuthor will ask for it again before training."
            )
        else:
            question = self.tr(
                "Remove your {name} key from your system keychain? FineAuthor will ask for it "
                "again before training. Your {name} account and the key itself stay as they "
                "are; to stop the key working everywhere, delete it on {name}’s website."
            )
        answer = QMessageBox.question(
            self,
            self.tr("Remove the {name} key?").format(name=name),
            question.format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            keys.delete_key(self.info.id)
        except FineAuthorError as problem:
            self._show_result(str(problem), ok=False)
            return
        self.result_label.hide()
        self.refresh(self._keychain_usable)
        self.keyChanged.emit(self.info.id)

    # --- testing -----------------------------------------------------------------------------

    @Slot()
    def test_key(self) -> None:
        stored = self._stored
        if stored is None or self._task is not None:
            return
        provider_id, value = self.info.id, stored.value
        self.test_button.setEnabled(False)
        self._show_result(
            self.tr("Asking {name} whether it accepts the key…").format(name=self.info.name),
            ok=None,
        )
        # Success and failure both end the test; ``finished`` could fire before a late connect.
        self._task = run_in_background(
            lambda _progress, _cancelled: keys.verify_key(provider_id, value),
            on_success=self._tested,
            on_failure=self._test_failed,
        )

    @property
    def testing(self) -> bool:
        return self._task is not None

    @Slot(object)
    def _tested(self, _result: object) -> None:
        self._test_finished()
        self._show_result(
            self.tr("{name} accepted the key. You are ready to train.").format(name=self.info.name),
            ok=True,
        )

    @Slot(str)
    def _test_failed(self, message: str) -> None:
        self._test_finished()
        self._show_result(message, ok=False)

    def _test_finished(self) -> None:
        self._task = None
        self.test_button.setEnabled(self._stored is not None)

    def _show_result(self, text: str, *, ok: bool | None) -> None:
        mark = {True: "✓ ", False: "✗ ", None: ""}[ok]
        self.result_label.setText(mark + text)
        font = QFont(self.result_label.font())
        font.setBold(ok is False)
        self.result_label.setFont(font)
        self.result_label.show()


class AccountsPage(QWidget):
    """Settings → Accounts: every training service with its key. Changes apply at once."""

    keyChanged = Signal(str)  # noqa: N815 - a provider id whose key was saved or removed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Accounts"))

        self.keychain_note = _wrapped()
        self.keychain_note.setAccessibleName(self.tr("Where FineAuthor keeps keys"))
        self.keychain_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.keychain_note.setMargin(8)

        self.rows: dict[str, ProviderAccount] = {}
        column = QWidget()
        rows_layout = QVBoxLayout(column)
        rows_layout.setContentsMargins(0, 0, 4, 0)
        rows_layout.addWidget(self.keychain_note)
        for info in load_catalog().providers:
            row = ProviderAccount(info)
            row.keyChanged.connect(self.keyChanged)
            self.rows[info.id] = row
            rows_layout.addWidget(row)
        rows_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the buttons in it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.refresh()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # Room for a service's note and its buttons without scrolling through every line.
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 95, metrics.lineSpacing() * 30)

    @Slot()
    def refresh(self) -> None:
        """Look at the keychain and every key again."""
        usable, description = keys.keychain_status()
        self.keychain_usable = usable
        if usable:
            self.keychain_note.setText(
                self.tr(
                    "FineAuthor keeps your keys in your system keychain, never in your projects "
                    "or its settings files. Changes here apply at once. A key set in an "
                    "environment variable is used instead of the one kept here."
                )
            )
        else:
            self.keychain_note.setText(
                description
                + " "
                + self.tr(
                    "You can still use a key for this session only: FineAuthor keeps it in "
                    "memory and forgets it when you quit."
                )
            )
        for row in self.rows.values():
            row.refresh(usable)

    def row(self, provider_id: str) -> ProviderAccount:
        return self.rows[provider_id]
