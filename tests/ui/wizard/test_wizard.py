"""The first-fine-tune wizard, driven page by page (offscreen): answers saved as they are given,
resuming where the writer left off, the honest word about knowledge goals, and a finished
project that the main window opens in the editor.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots LANG=en_GB.UTF-8 pytest tests/ui/wizard/test_wizard.py -k
screenshots`` also saves a 1280×800 picture of every page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWizard

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.estimate import estimate
from fineauthor.core.project.project import Project
from fineauthor.core.project.schema import SUFFIX
from fineauthor.core.writing.win_conditions import WinCondition
from fineauthor.ui.shell.main_window import MainWindow
from fineauthor.ui.wizard import draft as keys
from fineauthor.ui.wizard import model_page
from fineauthor.ui.wizard.draft import WizardDraft, drafts_folder, find_draft
from fineauthor.ui.wizard.model_page import example_tokens_estimate
from fineauthor.ui.wizard.style_name_page import with_name
from fineauthor.ui.wizard.wizard import (
    CRAFT,
    FINISH,
    INTRO,
    LENGTH,
    MODEL,
    NAME,
    PROMPTS,
    STYLE,
    WIN,
    FirstFineTuneWizard,
)

PASSAGE = """The tide came over the causeway while Mara was still halfway across.

“Run,” said Tom. “Don’t look at it. Just run.”

She ran. The water was colder than she remembered, and the stones slid under her boots.

“I can’t,” she said. “Tom, I can’t feel my feet.”"""
SYSTEM = "You are a novelist writing quiet coastal suspense in close third person."
TEMPLATE = "Write chapter {chapter}. In this scene: {beat}."


@pytest.fixture(autouse=True)
def before_openai_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenAI is still offered until 6 January 2027 (test_model_page_closing.py: after)."""
    monkeypatch.setattr(model_page, "clock", lambda: date(2026, 12, 2))


@pytest.fixture
def wizard(qtbot):
    made = FirstFineTuneWizard()
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def _next(wizard: QWizard) -> None:
    wizard.button(QWizard.WizardButton.NextButton).click()


def _back(wizard: QWizard) -> None:
    wizard.button(QWizard.WizardButton.BackButton).click()


def _go_to(wizard: QWizard, page_id: int) -> None:
    while wizard.currentId() < page_id:
        before = wizard.currentId()
        _next(wizard)
        assert wizard.currentId() == before + 1, "Next must always work"


def _fill_win_conditions(wizard: FirstFineTuneWizard, *, knowledge: bool = False) -> None:
    page = wizard.win_page
    page.length_box.click()
    page.length_min.setValue(1500)
    page.length_max.setValue(2000)
    page.dialogue_box.click()
    page.dialogue_percent.setValue(40)
    page.banned_box.click()
    page.banned_text.setPlainText("she bit her lip\nWillow Creek")
    page.pov_box.click()
    QTest.keyClicks(page.pov_text, "close third person, past tense")
    page.free_box.click()
    page.free_text.setPlainText("Every scene ends on a hook.")
    if knowledge:
        page.knowledge_box.click()
        page.knowledge_text.setPlainText("That Mara is afraid of the sea")


def _fill_style(wizard: FirstFineTuneWizard) -> None:
    QTest.keyClicks(wizard.style_page.description, "Quiet, salt-bitten suspense.")
    wizard.style_page.passage.setPlainText(PASSAGE)


def _fill_prompts(wizard: FirstFineTuneWizard) -> None:
    page = wizard.prompt_page
    page.system.setPlainText(SYSTEM)
    page.template.setPlainText(TEMPLATE)
    page.follow_ups.setPlainText("can you make it longer?")
    assert page.fold_button.isEnabled()
    page.fold_button.click()
    assert page.template.toPlainText() == TEMPLATE + " Make it longer."
    assert not page.fold_button.isEnabled()  # already folded in


def _choose_name(qtbot, wizard: FirstFineTuneWizard) -> str:
    page = wizard.name_page
    button = page.suggestion_buttons[0]
    assert button.text()
    button.click()
    name = button.text()
    assert page.name_edit.text() == name
    qtbot.waitUntil(lambda: page.rarity_label.text() != "")  # the viewer split it
    page.place_button.click()
    return name


def _answers_in_file(path: Path) -> dict:
    with Project.open(path) as project:
        return project.settings.wizard


# -- the whole way through ---------------------------------------------------------------------


def test_end_to_end_answers_land_in_the_project(qtbot, wizard, tmp_path) -> None:
    assert wizard.currentId() == INTRO
    draft_path = wizard.draft.path
    assert draft_path.parent == drafts_folder() and draft_path.suffix == SUFFIX
    _next(wizard)
    _fill_win_conditions(wizard)
    _next(wizard)
    _fill_style(wizard)
    _next(wizard)  # Next keeps the passage's fingerprint even inside the typing pause
    assert wizard.currentId() == LENGTH
    # The length starts from the win condition's band.
    assert (wizard.length_page.target.value(), wizard.length_page.tolerance.value()) == (1750, 250)
    wizard.length_page.tolerance.setValue(200)
    _next(wizard)
    _fill_prompts(wizard)
    _next(wizard)
    wizard.craft_page.detailed.click()
    wizard.craft_page.temperature.click()
    wizard.craft_page.falls_flat.setPlainText("It stops at 600 words.")
    assert not wizard.craft_page.warning_shown
    _next(wizard)
    name = _choose_name(qtbot, wizard)
    assert wizard.name_page.place_button.text() == "The name is in your system prompt"
    _next(wizard)
    assert wizard.currentId() == MODEL
    catalog = load_catalog()
    assert wizard.model_page.selected_model() == catalog.default_model  # the recommendation
    wizard.model_page.select_model("Qwen/Qwen3-8B")
    _next(wizard)
    finish = wizard.finish_page
    assert finish.title_edit.text() == name  # the style's name until the writer types one
    finish.title_edit.setText("The Tidewrack Books")
    assert finish.slots.value() == 50
    target = tmp_path / "Tidewrack.fineauthor"
    finish.set_save_path(target)
    with qtbot.waitSignal(wizard.projectCreated) as created:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert created.args == [target]
    assert not wizard.isVisible()
    assert not draft_path.exists()  # the draft became the project
    assert find_draft() is None

    with Project.open(target) as project:
        settings = project.settings
        examples = list(project.examples())
    assert settings.title == "The Tidewrack Books"
    assert settings.style_name == name
    assert settings.system_prompt == f"You are {name}, a novelist writing quiet coastal " + (
        "suspense in close third person."
    )
    assert (settings.target_words, settings.tolerance_words) == (1750, 200)
    assert (settings.provider, settings.base_model) == ("together", "Qwen/Qwen3-8B")
    conditions = [WinCondition.from_json(c) for c in settings.win_conditions]
    assert [c.kind for c in conditions] == [
        "length_band",
        "dialogue_from_start",
        "banned_phrases",
        "point_of_view",
        "free_text",
    ]
    assert (conditions[0].min_words, conditions[0].max_words) == (1500, 2000)
    assert conditions[1].min_share == pytest.approx(0.4)
    assert conditions[2].phrases == ("she bit her lip", "Willow Creek")
    assert conditions[3].text == "close third person, past tense"
    answers = settings.wizard
    assert answers[keys.STYLE_DESCRIPTION] == "Quiet, salt-bitten suspense."
    assert answers[keys.FINGERPRINT]["paragraphs"] == 4
    assert answers[keys.FINGERPRINT]["dialogue_share"] == pytest.approx(0.5)
    assert answers[keys.TRIED_DETAILED] and answers[keys.TRIED_TEMPERATURE]
    assert not answers.get(keys.TRIED_STEPS)
    assert answers[keys.FALLS_FLAT] == "It stops at 600 words."
    assert answers[keys.FOLLOW_UPS] == "can you make it longer?"
    assert keys.PAGE not in answers

    assert len(examples) == 50
    for example in examples:
        assert example.system == settings.system_prompt
        assert example.prompt == TEMPLATE + " Make it longer."  # blanks left for the writer
        assert example.response == ""


def test_where_to_train_prices_every_model_and_says_how_each_can_be_used(qtbot, wizard) -> None:
    _go_to(wizard, MODEL)
    page = wizard.model_page
    catalog = load_catalog()
    rows = {page.table.item(r, 0).data(page.MODEL_ROLE): r for r in range(page.table.rowCount())}
    assert page.table.horizontalHeaderItem(4).text() == "Using it\nafterwards"
    for model_id, row in rows.items():  # no "no estimate without a price" any more
        assert page.table.item(row, 3).text().startswith(("about $", "less than")), model_id
    default = catalog.model(catalog.default_model)
    row = rows[default.id]
    found = estimate([example_tokens_estimate(wizard.store.answers)] * 50, default)
    assert found.epochs == 1 and found.cost_usd >= 0.005  # Together's one pass, priced
    assert page.table.item(row, 3).text() == f"about ${found.cost_usd:.2f}"
    assert page.table.item(row, 1).text() == "$0.48 per million tokens"
    assert page.table.item(row, 4).text() == "Straight away, pay per use"
    qwen = rows["Qwen/Qwen3-8B"]
    assert page.table.item(qwen, 4).text() == "Rented server, pay for its time"
    assert page.table.item(qwen, 4).toolTip().endswith("Price per hour: not known.")
    note = page.estimate_note.text()
    assert "read as many times as each service does when left to choose" in note
    assert "once at Together AI, its usual number" in note
    assert "at Fireworks AI, which decides for itself" in note
    assert "LoRA training (a small add-on to the model, the cheaper way)" in note
    assert page.use_text.text().startswith(
        f"Using a model trained on {default.name}: Straight away, pay per use. Ready "
    )
    page.select_model("Qwen/Qwen3-8B")
    assert page.use_text.text().startswith("Using a model trained on Qwen3 8B: Rented server")
    assert page.use_text.text().endswith("Price per hour: not known.")


def test_every_answer_is_in_the_draft_the_moment_it_is_given(qtbot, wizard) -> None:
    path = wizard.draft.path
    _next(wizard)
    wizard.win_page.length_box.click()
    assert _answers_in_file(path)[keys.LENGTH_ON] is True
    assert _answers_in_file(path)[keys.PAGE] == WIN
    wizard.win_page.banned_box.click()
    QTest.keyClicks(wizard.win_page.banned_text, "she")
    assert _answers_in_file(path)[keys.BANNED_PHRASES] == "she"  # every keystroke is kept


# -- closing part-way and coming back ------------------------------------------------------------


def test_close_at_page_4_and_reopen_resumes_there(qtbot, wizard) -> None:
    _next(wizard)
    _fill_win_conditions(wizard)
    _next(wizard)
    _fill_style(wizard)
    _next(wizard)
    assert wizard.currentId() == LENGTH  # the fourth page
    wizard.length_page.target.setValue(1800)
    wizard.button(QWizard.WizardButton.CancelButton).click()  # "Close"
    assert not wizard.isVisible()

    found = find_draft()
    assert found is not None and found.page == LENGTH

    again = FirstFineTuneWizard()
    qtbot.addWidget(again)
    again.show()
    assert again.currentId() == LENGTH
    assert again.draft.path == found.path
    assert again.length_page.target.value() == 1800
    assert again.length_page.tolerance.value() == 250
    # Back works from a resumed page, and every earlier answer is there.
    _back(again)
    assert again.currentId() == STYLE
    assert again.style_page.description.toPlainText() == "Quiet, salt-bitten suspense."
    assert again.style_page.passage.toPlainText() == PASSAGE
    assert again.style_page.fingerprint_view.values[1].text() == "50%"
    _back(again)
    assert again.currentId() == WIN
    win = again.win_page
    assert win.length_box.isChecked() and win.dialogue_box.isChecked()
    assert (win.length_min.value(), win.length_max.value()) == (1500, 2000)
    assert win.dialogue_percent.value() == 40
    assert win.pov_text.text() == "close third person, past tense"
    assert not win.knowledge_box.isChecked()
    assert win.details[keys.LENGTH_ON].isVisible()
    assert not win.details[keys.KNOWLEDGE_ON].isVisible()


def test_an_untouched_wizard_leaves_no_draft(qtbot, wizard) -> None:
    path = wizard.draft.path
    assert path.exists()
    wizard.close()
    assert not path.exists()
    assert find_draft() is None


def test_back_and_next_keep_answers(qtbot, wizard) -> None:
    _next(wizard)
    _fill_win_conditions(wizard)
    _next(wizard)
    _fill_style(wizard)
    _next(wizard)
    _next(wizard)
    _fill_prompts(wizard)
    for _ in range(3):
        _back(wizard)
    assert wizard.currentId() == WIN
    assert wizard.win_page.banned_text.toPlainText() == "she bit her lip\nWillow Creek"
    _go_to(wizard, PROMPTS)
    assert wizard.prompt_page.system.toPlainText() == SYSTEM
    assert wizard.prompt_page.follow_ups.toPlainText() == "can you make it longer?"
    assert wizard.style_page.description.toPlainText() == "Quiet, salt-bitten suspense."
    # A length the writer chose is not overwritten by the band on a later visit.
    _back(wizard)
    wizard.length_page.target.setValue(900)
    _back(wizard)
    _next(wizard)
    assert wizard.length_page.target.value() == 900
    assert wizard.length_page.use_band_button.isVisible()  # the band now differs; offer it
    wizard.length_page.use_band_button.click()
    assert wizard.length_page.target.value() == 1750


def test_start_over_clears_every_answer(qtbot, wizard) -> None:
    _next(wizard)
    _fill_win_conditions(wizard)
    _next(wizard)
    wizard.start_over()
    assert wizard.currentId() == INTRO
    assert not wizard.win_page.length_box.isChecked()
    assert wizard.win_page.banned_text.toPlainText() == ""
    assert _answers_in_file(wizard.draft.path).get(keys.LENGTH_ON) is None


def test_an_answer_that_cannot_be_saved_is_reported_and_kept(qtbot, wizard, monkeypatch) -> None:
    from fineauthor.core.errors import ProjectError

    def full(**_changes: object) -> None:
        raise ProjectError("The disk is full.")

    monkeypatch.setattr(wizard.draft.project, "update_settings", full)
    _next(wizard)
    wizard.win_page.length_box.click()
    assert wizard.save_problem.isVisible()
    assert "The disk is full." in wizard.save_problem.text()
    assert wizard.store.get(keys.LENGTH_ON) is True  # kept in memory; the page goes on working
    _next(wizard)
    assert wizard.currentId() == STYLE


# -- the honest warning ----------------------------------------------------------------------------


def test_a_knowledge_goal_gets_the_honest_warning_and_the_writer_may_go_on(qtbot, wizard) -> None:
    _go_to(wizard, CRAFT)
    assert not wizard.craft_page.warning_shown
    _back(wizard)
    for _ in range(3):
        _back(wizard)
    assert wizard.currentId() == WIN
    wizard.win_page.knowledge_box.click()
    wizard.win_page.knowledge_text.setPlainText("That Mara is afraid of the sea")
    _go_to(wizard, CRAFT)
    page = wizard.craft_page
    assert page.warning_shown and page.warning.isVisible()
    assert "That Mara is afraid of the sea" in page.warning_heading.text()
    assert "won’t" in page.warning_text.text()
    assert "how the model writes, not what it remembers" in page.warning_text.text()
    # Going on anyway is allowed, and the goal is kept.
    _next(wizard)
    assert wizard.currentId() == NAME
    kinds = [c.kind for c in keys.win_conditions(wizard.store.answers)]
    assert kinds == ["knowledge_goal"]
    # Or the writer takes it off the list from the warning.
    _back(wizard)
    page.remove_button.click()
    assert not page.warning_shown
    assert not wizard.win_page.knowledge_box.isChecked()


# -- finishing ------------------------------------------------------------------------------------


def test_finish_refuses_an_existing_file_and_keeps_the_draft(qtbot, wizard, tmp_path) -> None:
    taken = tmp_path / "Taken.fineauthor"
    taken.write_bytes(b"someone else's file")
    _go_to(wizard, FINISH)
    wizard.finish_page.set_save_path(taken)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible()
    assert "already a file" in wizard.finish_page.problem_label.text()
    assert taken.read_bytes() == b"someone else's file"
    assert wizard.draft.path.exists()
    wizard.finish_page.set_save_path(tmp_path / "Fresh.fineauthor")
    with qtbot.waitSignal(wizard.projectCreated):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    with Project.open(tmp_path / "Fresh.fineauthor") as project:
        assert project.example_count() == 50


def test_default_location_is_documents_fineauthor(qtbot, wizard, fineauthor_home) -> None:
    _go_to(wizard, FINISH)
    wizard.finish_page.title_edit.setText("Saltwater")
    expected = fineauthor_home / "Documents" / "FineAuthor" / "Saltwater.fineauthor"
    assert wizard.finish_page.save_path() == expected
    expected.parent.mkdir(parents=True)
    expected.write_bytes(b"")
    assert wizard.finish_page.save_path().name == "Saltwater 2.fineauthor"


def test_the_finished_project_opens_in_the_editor(qtbot, tmp_path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.new_action.trigger()  # File → New Project
    wizard = window.wizard
    assert wizard is not None and wizard.isVisible()
    _go_to(wizard, PROMPTS)
    _fill_prompts(wizard)
    _go_to(wizard, FINISH)
    wizard.finish_page.slots.setValue(12)
    target = tmp_path / "Opened.fineauthor"
    wizard.finish_page.set_save_path(target)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: window.document is not None)
    assert window.project.path == target
    assert window.document.count() == 12
    editor = window.view.editor
    first = window.document.id_at(0)
    qtbot.waitUntil(lambda: editor.current_id == first)
    assert editor.prompt_field.text() == TEMPLATE + " Make it longer."
    assert editor.response_field.text() == ""
    assert window.wizard is None
    assert not window.start_page.continue_button.isVisibleTo(window.start_page)


def test_start_page_offers_to_continue_planning(qtbot) -> None:
    draft = WizardDraft.start()
    draft.update({keys.TITLE: "Saltwater", keys.PAGE: LENGTH, keys.TARGET_WORDS: 1200})
    draft.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    button = window.start_page.continue_button
    assert button.isVisible()
    assert button.text() == "Continue planning Saltwater…"
    button.click()
    wizard = window.wizard
    assert wizard is not None
    assert wizard.currentId() == LENGTH
    assert wizard.length_page.target.value() == 1200
    # Start a new project also resumes rather than losing the plan.
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert window.wizard is None and button.isVisible()
    window.start_page.new_button.click()
    assert window.wizard is not None and window.wizard.currentId() == LENGTH
    window.wizard.close()


# -- small pieces --------------------------------------------------------------------------------


def test_placing_the_name_in_the_system_prompt() -> None:
    assert with_name("", "Brinewake Vesper") == "You are Brinewake Vesper."
    assert (
        with_name("You are a novelist.", "Brinewake Vesper")
        == "You are Brinewake Vesper, a novelist."
    )
    assert with_name("Write tightly.", "Brinewake Vesper") == (
        "You are Brinewake Vesper. Write tightly."
    )
    assert with_name("You are Old Name, a novelist.", "New Name", previous="Old Name") == (
        "You are New Name, a novelist."
    )


def test_draft_suffix_matches_the_projects() -> None:
    assert keys.SUFFIX == SUFFIX


# -- screenshots (opt-in) ------------------------------------------------------------------------

SHOT_NAMES = (
    "what-a-fine-tune-does",
    "win-condition",
    "voice",
    "length",
    "prompts",
    "before-you-fine-tune",
    "name",
    "where-to-train",
    "finish",
)


def test_screenshots(qtbot, wizard, tmp_path, screenshot_folder: Path) -> None:
    folder = screenshot_folder
    wizard.resize(1280, 800)

    def shoot() -> None:
        page_id = wizard.currentId()
        for _ in range(3):  # let layouts settle (posted layout requests), without sleeping
            QCoreApplication.sendPostedEvents()
            QCoreApplication.processEvents()
        picture = wizard.grab()
        assert (picture.width(), picture.height()) == (1280, 800)
        picture.save(str(folder / f"wizard-{page_id + 1}-{SHOT_NAMES[page_id]}.png"))

    shoot()
    _next(wizard)
    _fill_win_conditions(wizard, knowledge=True)
    shoot()
    _next(wizard)
    _fill_style(wizard)
    wizard.style_page.measure()
    shoot()
    _next(wizard)
    shoot()
    _next(wizard)
    _fill_prompts(wizard)
    wizard.prompt_page.follow_ups.setPlainText("can you make it longer?\nadd more dialogue")
    shoot()
    _next(wizard)
    wizard.craft_page.detailed.click()
    wizard.craft_page.falls_flat.setPlainText(
        "It stops at 600 words, and nobody speaks until I ask for dialogue."
    )
    shoot()
    _next(wizard)
    _choose_name(qtbot, wizard)
    qtbot.waitUntil(lambda: not wizard.name_page.token_viewer.busy)
    shoot()
    _next(wizard)
    shoot()
    _next(wizard)
    wizard.finish_page.title_edit.setText("The Tidewrack Books")
    # A writer's own folder reads better in the picture than the test's temporary one.
    shown = Path("/home/mara/Documents/FineAuthor/The Tidewrack Books.fineauthor")
    wizard.finish_page.set_save_path(shown)
    shoot()
