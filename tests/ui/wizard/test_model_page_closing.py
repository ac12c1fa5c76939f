"""The wizard's "Where to train" page on either side of the day OpenAI takes no more new training
(the catalog's ``new_jobs_end``, 6 January 2027), with a fixed clock: before it, OpenAI's models
can be chosen as always; from it, they are greyed out, cannot become the project's base, and one
sentence says why.

``FINEAUTHOR_SCREENSHOTS=/tmp/closeshots`` keeps the picture of the page after the day.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWizard

from fineauthor.core.catalog import load_catalog
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard import model_page
from fineauthor.ui.wizard.wizard import MODEL, FirstFineTuneWizard

BEFORE = date(2026, 12, 2)
AFTER = date(2027, 1, 6)  # the first day without new OpenAI training; its models still work


def open_page(qtbot, monkeypatch, today: date) -> FirstFineTuneWizard:
    monkeypatch.setattr(model_page, "clock", lambda: today)
    wizard = FirstFineTuneWizard()
    qtbot.addWidget(wizard)
    wizard.resize(1280, 800)
    wizard.show()
    qtbot.waitExposed(wizard)
    while wizard.currentId() < MODEL:
        before = wizard.currentId()
        wizard.button(QWizard.WizardButton.NextButton).click()
        assert wizard.currentId() == before + 1
    return wizard


def rows(page: model_page.ModelPage) -> dict[str, int]:
    return {page.table.item(r, 0).data(page.MODEL_ROLE): r for r in range(page.table.rowCount())}


def openai_ids() -> list[str]:
    return [m.id for m in load_catalog().models_for("openai")]


def test_before_the_day_openai_models_can_be_chosen(qtbot, monkeypatch) -> None:
    wizard = open_page(qtbot, monkeypatch, BEFORE)
    page = wizard.model_page
    found = rows(page)
    first = openai_ids()[0]
    assert page.table.item(found[first], 0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert "no new training" not in page.table.item(found[first], 0).text()
    assert "takes no new training" not in page.services_label.text()
    assert "at OpenAI" in page.estimate_note.text()
    page.select_model(first)
    assert page.selected_model() == first
    assert wizard.store.get(keys.BASE_MODEL) == first


def test_from_the_day_openai_models_are_greyed_and_cannot_be_the_base(
    qtbot, monkeypatch, screenshot_folder: Path
) -> None:
    wizard = open_page(qtbot, monkeypatch, AFTER)
    page = wizard.model_page
    found = rows(page)
    catalog = load_catalog()
    for model_id in openai_ids():  # still listed (they work until 14 January), but greyed
        cell = page.table.item(found[model_id], 0)
        assert not cell.flags() & Qt.ItemFlag.ItemIsEnabled, model_id
        assert not cell.flags() & Qt.ItemFlag.ItemIsSelectable, model_id
        assert cell.text().endswith("\nOpenAI · no new training")
        assert cell.toolTip().startswith(
            "OpenAI takes no new training since 6 January 2027, so this model cannot be chosen."
        )
    # They come after every model that can still be trained.
    trainable = [r for m, r in found.items() if catalog.model(m).provider != "openai"]
    assert max(trainable) < min(found[m] for m in openai_ids())
    assert "at OpenAI" not in page.estimate_note.text()  # its passes no longer matter
    assert (
        "OpenAI: takes no new training since 6 January 2027, so its models are greyed out "
        "below and cannot be chosen. What you trained there works until 14 January 2027."
    ) in page.services_label.text().replace("<b>", "").replace("</b>", "")

    page.select_model(openai_ids()[0])
    assert page.selected_model() == catalog.default_model
    greyed = page.table.item(found[openai_ids()[0]], 0)
    page.table.scrollToItem(greyed)
    spot = page.table.visualItemRect(greyed).center()  # a click on a greyed row does nothing
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert page.selected_model() == catalog.default_model
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.store.get(keys.BASE_MODEL) == catalog.default_model

    wizard.button(QWizard.WizardButton.BackButton).click()
    for _ in range(3):  # let layouts settle without sleeping
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
    wizard.grab().save(str(screenshot_folder / "wizard-where-to-train-after-openai-closed.png"))


def test_a_draft_that_chose_openai_gets_a_model_that_can_be_trained(qtbot, monkeypatch) -> None:
    wizard = open_page(qtbot, monkeypatch, BEFORE)
    wizard.model_page.select_model(openai_ids()[0])
    assert wizard.store.get(keys.BASE_MODEL) == openai_ids()[0]
    wizard.model_page.today = AFTER  # the writer comes back to the draft after the day
    wizard.model_page.fill()
    assert wizard.store.get(keys.BASE_MODEL) == load_catalog().default_model


@pytest.mark.parametrize("today", [date(2027, 1, 14), date(2027, 3, 1)])
def test_once_openai_models_stop_working_they_are_gone_and_the_page_says_so(
    qtbot, monkeypatch, today: date
) -> None:
    wizard = open_page(qtbot, monkeypatch, today)
    page = wizard.model_page
    assert not set(openai_ids()) & set(rows(page))
    text = page.services_label.text().replace("<b>", "").replace("</b>", "")
    assert (
        "OpenAI: takes no new training since 6 January 2027. What was trained there stopped "
        "working on 14 January 2027."
    ) in text
    assert "greyed out" not in text
