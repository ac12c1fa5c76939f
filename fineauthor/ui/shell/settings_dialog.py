"""Settings: the font you write in, light or dark, where new projects are kept and where the
chat program on this computer answers (General), and the key for each training service
(Accounts, which applies at once).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.settings import DEFAULTS, folders, load_settings, save_settings
from fineauthor.ui.training.accounts_page import AccountsPage
from fineauthor.ui.widgets.window_size import resize_to_fit

FONT_SIZE_MIN = 8
FONT_SIZE_MAX = 40
# Serif faces that read well for long prose, most wanted first; "serif" asks the system.
_SERIF_FAMILIES = ["Iowan Old Style", "Charter", "Georgia", "Cambria", "Noto Serif", "serif"]


def editor_font(family: str = "", size: int | None = None) -> QFont:
    """The font for writing: ``family`` if given, otherwise a readable serif of the system."""
    font = QFont()
    if family:
        font.setFamily(family)
    else:
        font.setFamilies(_SERIF_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Serif)
    default_size = DEFAULTS["editor_font_size"]
    font.setPointSize(size if size else default_size)  # type: ignore[arg-type]
    return font


def _default_folder() -> Path:
    return folders().documents


class SettingsDialog(QDialog):
    """The writer's preferences, saved with :func:`save_settings` on OK.

    ``settingsApplied`` carries every setting (the dict ``load_settings`` returns) so the
    main window can restyle at once.
    """

    settingsApplied = Signal(dict)  # noqa: N815

    THEMES = ("system", "light", "dark")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.setMinimumWidth(600)
        self._values = load_settings()

        self.font_box = QFontComboBox()
        self.font_box.setAccessibleName(self.tr("Font for your writing"))
        self.font_box.setToolTip(self.tr("The font of the prompts and responses you write"))
        self.size_box = QSpinBox()
        self.size_box.setRange(FONT_SIZE_MIN, FONT_SIZE_MAX)
        self.size_box.setSuffix(self.tr(" pt"))
        self.size_box.setAccessibleName(self.tr("Font size"))
        font_row = QHBoxLayout()
        font_row.addWidget(self.font_box, 1)
        font_row.addWidget(self.size_box)
        self.preview = QLabel(
            self.tr(
                "The lamp swung once in the wind, and Mara counted the seconds to the next wave."
            ),
            wordWrap=True,
        )
        self.preview.setAccessibleName(self.tr("Font preview"))
        self.font_box.currentFontChanged.connect(self._update_preview)
        self.size_box.valueChanged.connect(self._update_preview)

        self.theme_box = QComboBox()
        self.theme_box.setAccessibleName(self.tr("Light or dark"))
        labels = (self.tr("Follow the system"), self.tr("Light"), self.tr("Dark"))
        for theme, label in zip(self.THEMES, labels, strict=True):
            self.theme_box.addItem(label, theme)

        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName(self.tr("Folder for new projects"))
        self.folder_edit.setToolTip(
            self.tr("New projects are suggested here; you can still save one anywhere.")
        )
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.setAccessibleName(self.tr("Choose the folder for new projects"))
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)

        form = QFormLayout()
        form.addRow(self.tr("Writing font:"), font_row)
        form.addRow("", self.preview)
        form.addRow(self.tr("Appearance:"), self.theme_box)
        form.addRow(self.tr("New projects go in:"), folder_row)
        self._add_local_chat_rows(form)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setAccessibleName(self.tr("Restore the default settings"))
        restore.clicked.connect(self.restore_defaults)

        layout = QVBoxLayout(self)
        layout.addWidget(self._pages(form), 1)
        layout.addWidget(self.buttons)
        # Room for the Accounts page too: sized for General alone, it opened cramped, each
        # service's note in a scrolled slot a few lines high.
        resize_to_fit(self, 760, 600)

        self._show(self._values)

    def _add_local_chat_rows(self, form: QFormLayout) -> None:
        """Where the chat program on this computer answers (for writing prompts from prose)."""
        from fineauthor.providers.local.address import OLLAMA_URL

        self.local_edit = QLineEdit()
        self.local_edit.setPlaceholderText(
            self.tr("{address} (Ollama's usual address)").format(address=OLLAMA_URL)
        )
        self.local_edit.setAccessibleName(self.tr("Address of the chat program on this computer"))
        self.local_edit.setToolTip(
            self.tr(
                "Ollama, LM Studio or another chat program on your computer can write prompts "
                "from your scenes without your prose leaving it. Leave empty for Ollama; LM "
                "Studio's is localhost:1234."
            )
        )
        self.find_local_button = QPushButton(self.tr("Find it"))
        self.find_local_button.setToolTip(
            self.tr("Look for a chat program running on this computer")
        )
        self.find_local_button.clicked.connect(self.find_local_program)
        row = QHBoxLayout()
        row.addWidget(self.local_edit, 1)
        row.addWidget(self.find_local_button)
        self.local_status = QLabel(wordWrap=True)
        form.addRow(self.tr("Chat program on this computer:"), row)
        form.addRow("", self.local_status)

    @Slot()
    def find_local_program(self) -> None:
        """Look (off the GUI thread, a second at most) for a chat program that answers."""
        from fineauthor.providers.local.address import USUAL_SERVERS, normal_address
        from fineauthor.ui.shell.workers import run_in_background

        typed = normal_address(self.local_edit.text())
        addresses = [(self.tr("your chat program"), typed)] if typed else []
        addresses += [pair for pair in USUAL_SERVERS if pair[1] != typed]
        self.find_local_button.setEnabled(False)
        self.local_status.setText(self.tr("Looking…"))

        def work(_progress, _cancelled) -> list:
            from fineauthor.providers.local.address import find_local_servers

            return find_local_servers(addresses)

        self._finding = run_in_background(work, on_success=self._local_found)

    def _local_found(self, servers: list) -> None:
        self.find_local_button.setEnabled(True)
        if not servers:
            self.local_status.setText(
                self.tr(
                    "No chat program is answering on this computer. Start Ollama (or LM "
                    "Studio and its local server) and press Find it again."
                )
            )
            return
        server = servers[0]
        self.local_edit.setText(server.base_url)
        models = len(server.models)
        self.local_status.setText(
            (
                self.tr("Found {name} at {address}, with 1 model.")
                if models == 1
                else self.tr("Found {name} at {address}, with {count} models.")
            ).format(name=server.name, address=server.base_url, count=f"{models:,}")
        )

    def _pages(self, general_form: QFormLayout) -> QTabWidget:
        """General (the form above, saved on OK) and Accounts (keys, kept at once)."""
        general = QWidget()
        general.setAccessibleName(self.tr("General"))
        general_layout = QVBoxLayout(general)
        general_layout.addLayout(general_form)
        general_layout.addStretch()
        self.accounts_page = AccountsPage()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Settings pages"))
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self.accounts_page, self.tr("Accounts"))
        self.tabs.currentChanged.connect(self._page_changed)
        return self.tabs

    @Slot(int)
    def _page_changed(self, _index: int) -> None:
        # Restore Defaults is about the General page; keys are never reset by it.
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setVisible(self.tabs.currentWidget() is not self.accounts_page)

    def show_accounts(self) -> None:
        """Turn to the Accounts page (for "add a key first" on the way to training)."""
        self.tabs.setCurrentWidget(self.accounts_page)

    def _show(self, values: dict[str, object]) -> None:
        family = str(values["editor_font_family"])
        size = int(values["editor_font_size"])  # type: ignore[call-overload]
        self._default_family = QFontInfo(editor_font()).family()
        self.font_box.setCurrentFont(editor_font(family, size))
        self.size_box.setValue(size)
        index = self.theme_box.findData(values["theme"])
        self.theme_box.setCurrentIndex(max(0, index))
        folder = str(values["projects_folder"]) or str(_default_folder())
        self.folder_edit.setText(folder)
        self.local_edit.setText(str(values["local_base_url"]))
        self.local_status.setText("")
        self._update_preview()

    @Slot()
    def _update_preview(self) -> None:
        font = QFont(self.font_box.currentFont())
        font.setPointSize(self.size_box.value())
        self.preview.setFont(font)

    @Slot()
    def restore_defaults(self) -> None:
        self._show(dict(DEFAULTS))

    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Where should new projects go?"), self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)

    def values(self) -> dict[str, object]:
        """Every setting, with this dialog's choices in place of the saved ones."""
        values = dict(self._values)
        family = self.font_box.currentFont().family()
        # The system's serif stays "the system's serif", so it follows the system later.
        values["editor_font_family"] = "" if family == self._default_family else family
        values["editor_font_size"] = self.size_box.value()
        values["theme"] = str(self.theme_box.currentData())
        folder = self.folder_edit.text().strip()
        chosen = Path(folder).expanduser() if folder else _default_folder()
        values["projects_folder"] = "" if chosen == _default_folder() else str(chosen)
        from fineauthor.providers.local.address import OLLAMA_URL, normal_address

        local = normal_address(self.local_edit.text())
        values["local_base_url"] = "" if local == OLLAMA_URL else local
        return values

    def accept(self) -> None:
        """Save, tell the app, close. A settings file that cannot be written is said so."""
        values = self.values()
        try:
            save_settings(values)
        except OSError as problem:
            QMessageBox.warning(
                self,
                self.tr("Settings not saved"),
                self.tr(
                    "FineAuthor could not save your settings ({reason}). They apply until you quit."
                ).format(reason=problem.strerror or problem),
            )
        self._values = values
        self.settingsApplied.emit(values)
        super().accept()
