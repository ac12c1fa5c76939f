"""The training windows at their smallest and with the keyboard alone: the Train dialog with its
Advanced settings open at its minimum size (the choice scrolls instead of squeezing its notes
into each other), where the keyboard lands on each page, the Tab walk through the choice, and
the Jobs view's column titles and Tab stops."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from tests.ui.screen_checks import controls, names, out_of_reading_order, squeezed, tab_walk
from tests.ui.training import test_training_ui as training
from tests.ui.training.test_training_ui import check, open_train_dialog

server = training.server  # the fake OpenAI, reached with the key it accepts
project_path = training.project_path  # a project of 12 examples, ready to train


def _settle() -> None:
    for _ in range(3):  # posted layout requests, then the timers at zero they start
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def test_advanced_settings_scroll_instead_of_squeezing_the_choice(
    qtbot, window, server, project_path
):
    dialog = open_train_dialog(qtbot, window, project_path)
    page = dialog.choose_page
    dialog.resize(dialog.minimumSize())  # 620 × 560: what fits a 1024 × 640 screen
    assert dialog.width() <= 1024 and dialog.height() <= 600
    page.advanced_button.click()
    _settle()
    assert squeezed(page) == []
    # The open panel is brought into view, and the buttons below the choice stay in view.
    assert not page.advanced_panel.visibleRegion().isEmpty()
    assert not page.check_button.visibleRegion().isEmpty()


def test_the_keyboard_starts_on_the_first_choice_and_tabs_through_it_in_reading_order(
    qtbot, window, server, project_path
):
    dialog = open_train_dialog(qtbot, window, project_path)
    page = dialog.choose_page
    assert dialog.focusWidget() is page.service_box  # not the page, which Tab must leave first
    page.advanced_button.click()
    _settle()

    stops = tab_walk(page.service_box)
    assert set(stops) == set(controls(page)), names(stops)
    assert out_of_reading_order(stops, dialog) == []
    assert stops[-1] is page.check_button
    # The last Advanced field was scrolled into view when Tab reached it.
    suffix = page.advanced_panel.suffix_edit
    assert suffix in stops
    suffix.setFocus()
    _settle()
    assert not suffix.visibleRegion().isEmpty()

    # After the check the keyboard is on the question's answer, Send and Train, the button
    # Enter presses (the focus shows it); Back is one Shift+Tab away.
    page.advanced_button.click()
    check(qtbot, dialog)
    estimate = dialog.estimate_page
    assert dialog.pages.currentWidget() is estimate
    assert dialog.focusWidget() is estimate.send_button, dialog.focusWidget().text()
    assert names(tab_walk(estimate.send_button)) == [
        "Send the examples and start training",
        "Back",
    ]


def test_jobs_view_shows_every_column_title_whole_and_tab_moves_past_the_table(
    qtbot, window, server, project_path
):
    assert window.open_project(project_path)
    window.jobs_action.trigger()
    jobs = window.training.jobs_view
    jobs.resize(1024, 640)
    _settle()
    header = jobs.table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(jobs.model.columnCount()):
        title = jobs.model.headerData(column, header.orientation())
        assert header.sectionSize(column) >= metrics.horizontalAdvance(title), title

    jobs.activateWindow()
    stops = tab_walk(jobs.table)
    assert stops.count(jobs.table) == 1  # Tab does not walk the cells one by one
    assert QApplication.focusWidget() is jobs.table
