"""The counts under each field are never cut short: at the window sizes writers use, and in a
field too narrow for the counts and its controls on one line, the controls move below."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox

from fineauthor.ui.editor.message_field import MessageField
from fineauthor.ui.shell.main_window import MainWindow


def _uncut(field: MessageField) -> bool:
    counts = field.counts
    return counts.width() >= counts.full_width()


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640)])
def test_every_fields_counts_show_whole_in_the_sample_project(
    qtbot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    assert window.open_sample_project()
    editor = window.view.editor
    fields = [editor.prompt_field, editor.response_field]
    qtbot.waitUntil(lambda: all(f.counts.text().endswith("tokens") for f in fields), timeout=15_000)
    qtbot.waitUntil(lambda: all(_uncut(f) for f in fields))
    for field in fields:
        assert field.counts.text().split(" · ")[0].endswith("words")
        bar = field.length_bar
        if bar is not None:  # the verdict under the response: whole, on two lines if need be
            text = bar.fontMetrics().boundingRect(
                0, 0, bar.width() - 14, 10_000, Qt.TextFlag.TextWordWrap, bar.text()
            )
            qtbot.waitUntil(lambda b=bar, t=text: b.height() >= t.height() + 19)  # bar above
            assert bar.text().endswith("on target")
        controls = field.footer.findChildren(QAbstractButton)
        assert controls  # "Show as tokens", and "Train on this answer" under the response
        for control in controls:  # never cut either
            assert control.width() >= control.sizeHint().width(), control.text()


def test_a_narrow_field_puts_its_controls_below_the_counts(qtbot) -> None:
    field = MessageField("Ideal response", accessible_name="the response")
    qtbot.addWidget(field)
    box = QCheckBox("Train on this answer")
    field.add_footer_widget(box)
    field.set_text("word " * 4321)
    field.resize(700, 300)
    field.show()
    qtbot.waitExposed(field)

    def beside() -> bool:
        return box.geometry().top() < field.counts.geometry().bottom()

    qtbot.waitUntil(lambda: not field.footer.stacked and beside())
    field.resize(230, 300)
    qtbot.waitUntil(lambda: field.footer.stacked and not beside())  # on its own line
    qtbot.waitUntil(lambda: _uncut(field))
    field.resize(700, 300)
    qtbot.waitUntil(lambda: not field.footer.stacked and beside())
    assert _uncut(field)
