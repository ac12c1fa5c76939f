"""The question a watch window asks before it stops a training: a stopped training cannot be
carried on, the service may still charge, and keeping it going is the default answer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def stop_question(parent: QWidget, service_name: str, on_stop: Callable[[], None]) -> QMessageBox:
    """The question over ``parent``, not yet shown; ``on_stop`` when the writer says Stop
    Training. It deletes itself once closed."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QCoreApplication.translate("WatchView", "Stop training?"),
        QCoreApplication.translate("WatchView", "Stop this training now?"),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "WatchView",
            "It cannot be carried on later, and no model is made. %1 may still charge for "
            "the training done so far. Your examples stay safe in your project.",
        ).replace("%1", service_name)
    )
    stop = box.addButton(
        QCoreApplication.translate("WatchView", "Stop Training"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    keep = box.addButton(
        QCoreApplication.translate("WatchView", "Keep Training"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_stop() if button is stop else None)
    return box
