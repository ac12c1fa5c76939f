"""The planning guide with the keyboard alone: Tab goes through a page's questions in reading
order and then the buttons from left to right, the table of models is one Tab stop (arrow keys
choose), and on a 1024 × 640 screen no page squeezes its questions."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWizard

from fineauthor.ui.wizard.wizard import FINISH, MODEL, WIN
from tests.ui.screen_checks import controls, names, out_of_reading_order, squeezed, tab_walk
from tests.ui.wizard import test_wizard as guide

wizard = guide.wizard  # the planning guide, shown off screen
before_openai_closes = guide.before_openai_closes  # the day OpenAI still takes new training

BUTTONS = ["Start over", "Back", "Next", "Close, and carry on later"]


def test_tab_goes_through_the_questions_then_the_buttons_left_to_right(qtbot, wizard):
    guide._go_to(wizard, WIN)
    guide._fill_win_conditions(wizard)
    page = wizard.win_page
    first = page.length_box
    stops = tab_walk(first)
    start_over = wizard.button(QWizard.WizardButton.CustomButton1)
    questions, after = stops[: stops.index(start_over)], stops[stops.index(start_over) :]
    assert set(questions) == set(controls(page)) - {page.scroll}
    assert out_of_reading_order(questions, wizard) == []
    # Then the buttons, and the page itself (a stop to scroll it by keys) before the top.
    assert names(after) == [*BUTTONS, "How will you know it worked?"]


def test_the_table_of_models_is_one_tab_stop_and_arrows_choose(qtbot, wizard):
    guide._go_to(wizard, MODEL)
    table = wizard.model_page.table
    assert table.rowCount() > 1
    stops = tab_walk(table)
    assert stops.count(table) == 1
    assert names(stops[1:5]) == BUTTONS
    table.setFocus()
    chosen = table.currentRow()
    QTest.keyClick(table, Qt.Key.Key_Down)
    assert table.currentRow() == chosen + 1
    assert QApplication.focusWidget() is table


def test_no_page_squeezes_its_questions_on_a_small_screen(qtbot, wizard):
    wizard.resize(1024, 600)
    for page_id in range(FINISH + 1):
        guide._go_to(wizard, page_id)
        for _ in range(3):
            QCoreApplication.sendPostedEvents()
            QCoreApplication.processEvents()
        page = wizard.currentPage()
        assert squeezed(page) == [], page.plain_title
        assert not wizard.button(QWizard.WizardButton.CancelButton).visibleRegion().isEmpty()
