"""The page a writer sees when no project is open: what FineAuthor is for, and a way in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fineauthor.core.settings import load_settings, save_settings

MAX_RECENT_PROJECTS = 10


def recent_projects() -> list[Path]:
    """Projects opened before, most recent first, leaving out files that are no longer there.

    Files that have gone are also dropped from the saved list, so it does not fill up with them.
    """
    settings = load_settings()
    saved = [entry for entry in settings["recent_projects"] if isinstance(entry, str)]
    existing = [entry for entry in saved if Path(entry).is_file()]
    if existing != settings["recent_projects"]:
        settings["recent_projects"] = existing
        save_settings(settings)
    return [Path(entry) for entry in existing]


def remember_recent_project(path: Path) -> None:
    """Put ``path`` at the top of the recent projects list."""
    settings = load_settings()
    path_text = str(Path(path).resolve())
    saved = [entry for entry in settings["recent_projects"] if isinstance(entry, str)]
    others = [entry for entry in saved if entry != path_text]
    settings["recent_projects"] = [path_text, *others][:MAX_RECENT_PROJECTS]
    save_settings(settings)


def _bold_label(text: str, scale: float = 1.0) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class StartPage(QWidget):
    """A short welcome, buttons to start or open a project, and the recent projects list."""

    new_requested = Signal()
    continue_requested = Signal()  # carry on with an unfinished planning guide
    open_requested = Signal()
    sample_requested = Signal()
    recent_chosen = Signal(Path)

    PATH_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QWidget | None = None) -> None:  # noqa: PLR0915 - one page
        super().__init__(parent)
        self.setAccessibleName(self.tr("Start page"))

        heading = _bold_label(self.tr("Welcome to FineAuthor"), scale=1.8)
        heading.setAccessibleName(self.tr("Welcome"))

        welcome = QLabel(
            self.tr(
                "Teach an AI model to write in your voice, at your length. "
                "You collect examples: a prompt you would give the model, and the response "
                "you wish it had written. FineAuthor checks them and trains a model on them, "
                "so it picks up your style and habits."
            )
        )
        welcome.setWordWrap(True)
        welcome.setAccessibleName(self.tr("What FineAuthor does"))

        # Shown only when a project could not be opened; the text is the core's plain message.
        self.message_frame, self.message_label = self._create_message_box()
        self.message_frame.hide()

        self.new_button = QPushButton(self.tr("Start a new project…"))
        self.new_button.setAccessibleName(self.tr("Start a new project"))
        self.new_button.clicked.connect(self.new_requested)
        self.continue_button = self._create_continue_button()
        self.open_button = QPushButton(self.tr("Open a project…"))
        self.open_button.setAccessibleName(self.tr("Open a project"))
        self.open_button.clicked.connect(self.open_requested)
        self.sample_button = QPushButton(self.tr("Open the sample project"))
        self.sample_button.setAccessibleName(self.tr("Open the sample project"))
        self.sample_button.setToolTip(
            self.tr("A small finished project in a made-up voice, to look around and try things")
        )
        self.sample_button.clicked.connect(self.sample_requested)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)

        recent_heading = _bold_label(self.tr("Recent projects"))

        self.recent_list = self._create_recent_list()
        recent_heading.setBuddy(self.recent_list)

        self.no_recent_label = QLabel(self.tr("Projects you open will be listed here."))
        self.no_recent_label.setEnabled(False)  # greyed: a hint, not content

        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(heading)
        column.addWidget(welcome)
        column.addWidget(self.message_frame)
        column.addLayout(buttons)
        column.addSpacing(10)
        column.addWidget(recent_heading)
        column.addWidget(self.recent_list)
        column.addWidget(self.no_recent_label)
        column.addStretch(1)

        # A readable measure: the text column does not stretch across a wide window.
        content = QWidget()
        content.setLayout(column)
        content.setMaximumWidth(640)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(content, 8)
        outer.addStretch(1)

        self.refresh()

    def _create_continue_button(self) -> QPushButton:
        # Shown only while a planning guide was left part-way (see refresh).
        button = QPushButton()
        button.clicked.connect(self.continue_requested)
        button.hide()
        return button

    def _create_message_box(self) -> tuple[QFrame, QLabel]:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setBackgroundRole(QPalette.ColorRole.AlternateBase)  # follows light and dark mode
        frame.setAutoFillBackground(True)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) * 2
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(self.tr("Problem opening a project"))
        row = QHBoxLayout(frame)
        row.setContentsMargins(12, 10, 12, 10)
        row.setSpacing(12)
        row.addWidget(icon)
        row.addWidget(label, 1)
        return frame, label

    def _create_recent_list(self) -> QListWidget:
        recent = QListWidget()
        recent.setAccessibleName(self.tr("Recent projects"))
        recent.setAccessibleDescription(
            self.tr("Press Enter or double-click a project to open it.")
        )
        recent.setUniformItemSizes(True)
        recent.setSpacing(3)
        # As tall as its entries, no taller: an empty white box looks like something is missing.
        recent.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        recent.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        recent.itemActivated.connect(self._item_activated)
        return recent

    def refresh(self) -> None:
        """Reload the recent projects list from the settings, and look for an unfinished plan."""
        from fineauthor.ui.wizard.draft import find_draft

        draft = find_draft()
        if draft is not None:
            title = draft.title or self.tr("your new project")
            self.continue_button.setText(self.tr("Continue planning {title}…").format(title=title))
            self.continue_button.setAccessibleName(
                self.tr("Continue planning {title}").format(title=title)
            )
            self.continue_button.setToolTip(
                self.tr("Carry on with the planning guide where you left it")
            )
        self.continue_button.setVisible(draft is not None)
        self.recent_list.clear()
        for path in recent_projects():
            item = QListWidgetItem(f"{path.stem}\n{path.parent}")
            item.setData(self.PATH_ROLE, str(path))
            item.setToolTip(str(path))
            self.recent_list.addItem(item)
        has_recent = self.recent_list.count() > 0
        self.recent_list.setVisible(has_recent)
        self.no_recent_label.setVisible(not has_recent)

    def show_message(self, message: str) -> None:
        """Show why a project could not be opened ('' hides the message)."""
        self.message_label.setText(message)
        self.message_frame.setVisible(bool(message))

    @Slot(QListWidgetItem)
    def _item_activated(self, item: QListWidgetItem) -> None:
        self.recent_chosen.emit(Path(item.data(self.PATH_ROLE)))
