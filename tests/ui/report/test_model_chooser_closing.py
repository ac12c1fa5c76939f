"""The check report's model chooser on either side of the day OpenAI takes no more new training
(the catalog's ``new_jobs_end``, 6 January 2027), with a fixed clock: an old project can still be
checked for its OpenAI model, but the chooser says it can no longer be trained there; a new
project is offered a model that can be trained."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLabel

from fineauthor.core.catalog import load_catalog
from fineauthor.core.project.project import Project
from fineauthor.ui.report import model_chooser
from fineauthor.ui.report.model_chooser import MODEL_ID_ROLE, ModelChooser
from fineauthor.ui.shell.document import ProjectDocument

MINI = "gpt-4.1-mini-2025-04-14"
BEFORE = date(2026, 12, 2)
AFTER = date(2027, 1, 6)
CLOSED = (
    "OpenAI takes no new training since 6 January 2027, so this model can no longer be trained "
    "there. You can still check your examples for it."
)


@pytest.fixture(autouse=True)
def british_locale() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def documents() -> Iterator[list[ProjectDocument]]:
    opened: list[ProjectDocument] = []
    yield opened
    for document in opened:
        document.close()


def open_chooser(
    qtbot, monkeypatch, tmp_path: Path, documents: list, today: date, base_model: str | None
) -> ModelChooser:
    monkeypatch.setattr(model_chooser, "clock", lambda: today)
    project = Project.create(tmp_path / "p.fineauthor", title="The Lighthouse Keeper")
    if base_model:
        project.update_settings(base_model=base_model)
    document = ProjectDocument(project)
    documents.append(document)
    note = QLabel()
    chooser = ModelChooser(document, load_catalog(), note)
    qtbot.addWidget(chooser)
    qtbot.addWidget(note)
    chooser.fill()
    return chooser


def item_tips(chooser: ModelChooser) -> dict[str, str]:
    return {
        chooser.itemData(i, MODEL_ID_ROLE): chooser.itemData(i, Qt.ItemDataRole.ToolTipRole)
        for i in range(chooser.count())
    }


def test_before_the_day_an_openai_project_is_only_told_about_new_accounts(
    qtbot, monkeypatch, tmp_path, documents
) -> None:
    chooser = open_chooser(qtbot, monkeypatch, tmp_path, documents, BEFORE, MINI)
    assert chooser.currentData(MODEL_ID_ROLE) == MINI
    assert chooser.note.text().startswith("OpenAI no longer lets new accounts fine-tune.")
    assert "takes no new training" not in chooser.toolTip()
    assert not any("can no longer be trained" in tip for tip in item_tips(chooser).values())


def test_after_the_day_an_openai_project_can_be_checked_but_not_trained_there(
    qtbot, monkeypatch, tmp_path, documents
) -> None:
    chooser = open_chooser(qtbot, monkeypatch, tmp_path, documents, AFTER, MINI)
    assert chooser.currentData(MODEL_ID_ROLE) == MINI  # the old dataset is still checked for it
    assert chooser.note.text().startswith(CLOSED)
    assert "no longer lets new accounts" not in chooser.note.text()
    assert chooser.toolTip().startswith(CLOSED)
    catalog = load_catalog()
    tips = item_tips(chooser)
    for model in catalog.models:
        closed = model.provider == "openai"
        assert tips[model.id].startswith(CLOSED) == closed, model.id
    # Models that can still be trained are listed first.
    order = [chooser.itemData(i, MODEL_ID_ROLE) for i in range(chooser.count())]
    providers = [catalog.model(m).provider for m in order]
    first_openai = providers.index("openai")
    assert all(p == "openai" for p in providers[first_openai:])


def test_after_the_day_a_new_project_is_offered_a_model_that_can_be_trained(
    qtbot, monkeypatch, tmp_path, documents
) -> None:
    chooser = open_chooser(qtbot, monkeypatch, tmp_path, documents, AFTER, None)
    catalog = load_catalog()
    offered = catalog.model(chooser.currentData(MODEL_ID_ROLE))
    service = catalog.provider(offered.provider)
    assert service.takes_new_jobs(AFTER) and service.new_users_can_fine_tune
    assert chooser.note.text() == ""
    assert "can no longer be trained" not in chooser.toolTip()
