"""A round of blind choices at the bench, against the fake OpenAI server over real HTTP: the
project's prompts one after another, each chosen blind, every A or B kept as a preference pair
with the example's own prompts; the progress follows; a stopped round is in the project file, so
a new window (or the app opened again) continues it without asking the finished prompts again,
skipping an example deleted meanwhile; a short project caps the round.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots LANG=en_GB.UTF-8 pytest
tests/ui/bench/test_bench_batch.py -k screenshot`` saves the 1280×800 picture of a round.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractButton

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.core.writing.bench_scoring import BlindOrder
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.shell.document import ProjectDocument
from tests.fakes.openai_server import FakeOpenAI
from tests.ui.bench.bench_setup import (
    BASE_MODEL,
    BASE_REPLY,
    EXAMPLE_PROMPTS,
    FT,
    FT_REPLY,
    KEY,
    SYSTEM,
)

pytestmark = pytest.mark.usefixtures("no_keys")

FINE_FIRST = next(BlindOrder(s) for s in range(100) if BlindOrder(s).fine_tuned_letter == "A")


@pytest.fixture
def fine_tune_is_a(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run draws A for the fine-tune, so a test knows which letter is which."""
    monkeypatch.setattr(BlindOrder, "draw", classmethod(lambda cls: FINE_FIRST))


def _click_and_wait_for_replies(qtbot, bench: BenchWindow, button: QAbstractButton) -> None:
    """Press a round's button that asks the next prompt; wait until both replies are in."""
    with qtbot.waitSignal(bench.runEnded, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(qtbot, bench: BenchWindow, button: QAbstractButton) -> None:
    with qtbot.waitSignal(bench.batch.stepped):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _prompts_sent(server: FakeOpenAI) -> list[str]:
    """The prompt of each request, once per run (both models get the same)."""
    return [body["messages"][-1]["content"] for body in server.chat_requests][::2]


def _on_disk(path: Path) -> tuple[list, dict]:
    with Project.open(path) as reopened:
        return reopened.preferences.all(), reopened.settings.bench_tally


@pytest.fixture
def reopen(qtbot, path: Path) -> Iterator:
    """Open the project file again in a new document and bench, as after a restart."""
    opened: list[tuple[ProjectDocument, BenchWindow]] = []

    def open_again() -> BenchWindow:
        document = ProjectDocument(Project.open(path))
        window = BenchWindow(document)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        opened.append((document, window))
        return window

    yield open_again
    for document, window in opened:
        window.close()
        document.close()


@pytest.mark.usefixtures("fine_tune_is_a")
def test_a_round_of_three_blind_choices_keeps_two_pairs(
    qtbot, bench: BenchWindow, server: FakeOpenAI, document: ProjectDocument, path: Path
) -> None:
    # Each run sends its example's own system prompt, not the project's (changed since).
    document.update_settings_stored({"system_prompt": "A voice the examples never had."})
    setup, progress = bench.batch.setup, bench.batch.progress
    assert not bench.blind_check.isChecked()
    assert not progress.isVisible()
    setup.count_spin.setValue(3)
    assert setup.start_button.text() == "Start a Round of 3 Blind Choices"

    _click_and_wait_for_replies(qtbot, bench, setup.start_button)
    assert bench.blind_check.isChecked()  # the round is blind, and stays so
    assert not bench.blind_check.isEnabled()
    assert not bench.run_button.isEnabled()
    assert not setup.start_button.isEnabled()
    assert progress.isVisible()
    assert progress.step_label.text() == "Prompt 1 of 3"
    assert (progress.bar.value(), progress.bar.maximum()) == (0, 3)
    assert "the next prompt waits" in progress.status_label.text()
    assert not progress.next_button.isEnabled()  # choose first
    assert bench.left.title.text() == "A"  # which is which is hidden
    assert bench.prompt_box.prompt_edit.toPlainText() == EXAMPLE_PROMPTS[0]

    _choose(qtbot, bench, bench.choice_bar.choose_a)  # A is the fine-tune
    assert "Kept as a choice" in bench.choice_bar.reveal_label.text()
    assert progress.step_label.text() == "Prompt 1 of 3"  # still on screen, to read
    assert progress.bar.value() == 1
    assert progress.next_button.isEnabled()
    chosen_run = bench.run
    bench.start_run()  # what Run Both and Ctrl+Return do: they wait while the round asks
    assert bench.run is chosen_run

    _click_and_wait_for_replies(qtbot, bench, progress.next_button)
    assert progress.step_label.text() == "Prompt 2 of 3"
    assert bench.choice_bar.reveal_label.text() == ""
    _choose(qtbot, bench, bench.choice_bar.choose_b)  # B is the model it came from

    _click_and_wait_for_replies(qtbot, bench, progress.next_button)
    assert progress.step_label.text() == "Prompt 3 of 3"
    assert progress.bar.value() == 2
    _choose(qtbot, bench, bench.choice_bar.choose_neither)

    assert progress.step_label.text() == "Round finished"
    assert progress.bar.value() == 3
    assert not progress.next_button.isVisible()
    assert progress.status_label.text().startswith(
        "You chose your fine-tuned model once out of 3; 2 choices kept for the next round of "
        "training. Once you chose neither"
    )
    assert not bench.blind_check.isChecked()  # as the writer had it
    assert bench.blind_check.isEnabled()
    assert bench.run_button.isEnabled()
    assert not setup.continue_button.isVisible()  # nothing left to continue

    assert _prompts_sent(server) == list(EXAMPLE_PROMPTS)
    assert {body["messages"][0]["content"] for body in server.chat_requests} == {SYSTEM}
    pairs, tally = _on_disk(path)
    assert [p.messages for p in pairs] == [
        (Message("system", SYSTEM), Message("user", EXAMPLE_PROMPTS[0])),
        (Message("system", SYSTEM), Message("user", EXAMPLE_PROMPTS[1])),
    ]
    assert [(p.preferred, p.preferred_model, p.other, p.other_model) for p in pairs] == [
        (FT_REPLY, FT, BASE_REPLY, BASE_MODEL),
        (BASE_REPLY, BASE_MODEL, FT_REPLY, FT),
    ]
    assert "round" not in tally  # a finished round leaves no resume point
    [pair_tally] = tally["pairs"]
    assert (pair_tally["fine_tuned_chosen"], pair_tally["base_chosen"], pair_tally["neither"]) == (
        1,
        1,
        1,
    )


@pytest.mark.usefixtures("fine_tune_is_a")
def test_a_stopped_round_continues_in_a_new_window_where_it_stopped(
    qtbot, bench: BenchWindow, server: FakeOpenAI, document: ProjectDocument, path: Path, reopen
) -> None:
    setup, progress = bench.batch.setup, bench.batch.progress
    bench.blind_check.setChecked(True)  # the writer's own setting, given back after the round
    setup.count_spin.setValue(3)
    _click_and_wait_for_replies(qtbot, bench, setup.start_button)
    _choose(qtbot, bench, bench.choice_bar.choose_a)
    _click_and_wait_for_replies(qtbot, bench, progress.next_button)
    assert progress.step_label.text() == "Prompt 2 of 3"
    # Stopped with the second prompt on screen, not chosen.
    _choose(qtbot, bench, progress.stop_button)
    assert progress.step_label.text() == "Round stopped"
    assert "Stopped after 1 of 3 prompts" in progress.status_label.text()
    assert "1 choice kept" in progress.status_label.text()
    assert setup.continue_button.isVisible()
    assert setup.continue_button.text() == "Continue the Round (1 of 3 done)"
    assert bench.blind_check.isChecked() and bench.blind_check.isEnabled()
    pairs, tally = _on_disk(path)
    assert [p.messages[-1].content for p in pairs] == [EXAMPLE_PROMPTS[0]]
    assert tally["round"]["done"] == 1
    assert tally["round"]["examples"] == list(document.ids()[:3])

    # The app closes and opens again.
    bench.close()
    document.close()
    server.chat_requests.clear()
    again = reopen()
    setup, progress = again.batch.setup, again.batch.progress
    assert not progress.isVisible()
    assert setup.continue_button.isVisible()
    assert setup.continue_button.text() == "Continue the Round (1 of 3 done)"
    _click_and_wait_for_replies(qtbot, again, setup.continue_button)
    assert progress.step_label.text() == "Prompt 2 of 3"
    assert (progress.bar.value(), progress.bar.maximum()) == (1, 3)
    assert not setup.continue_button.isVisible()
    _choose(qtbot, again, again.choice_bar.choose_b)
    _click_and_wait_for_replies(qtbot, again, progress.next_button)
    _choose(qtbot, again, again.choice_bar.choose_a)
    assert progress.step_label.text() == "Round finished"
    # The finished first prompt was not asked again.
    assert _prompts_sent(server) == list(EXAMPLE_PROMPTS[1:])
    # The summary is the whole round's, the first window's choice too.
    assert progress.status_label.text() == (
        "You chose your fine-tuned model 2 times out of 3; 3 choices kept for the next round "
        "of training."
    )
    pairs, tally = _on_disk(path)
    assert [p.messages[-1].content for p in pairs] == list(EXAMPLE_PROMPTS)
    assert "round" not in tally
    assert tally["pairs"][0]["fine_tuned_chosen"] == 2  # the first window's choice and this one


@pytest.mark.usefixtures("fine_tune_is_a")
def test_a_prompt_whose_example_was_deleted_is_skipped(
    qtbot, bench: BenchWindow, server: FakeOpenAI, document: ProjectDocument, path: Path, reopen
) -> None:
    setup, progress = bench.batch.setup, bench.batch.progress
    setup.count_spin.setValue(3)
    _click_and_wait_for_replies(qtbot, bench, setup.start_button)
    _choose(qtbot, bench, bench.choice_bar.choose_a)
    qtbot.mouseClick(progress.stop_button, Qt.MouseButton.LeftButton)  # between two prompts
    document.delete([document.id_at(1)])
    bench.close()

    server.chat_requests.clear()
    again = BenchWindow(document)
    qtbot.addWidget(again)
    again.show()
    progress = again.batch.progress
    assert again.batch.setup.continue_button.text() == "Continue the Round (1 of 3 done)"
    _click_and_wait_for_replies(qtbot, again, again.batch.setup.continue_button)
    assert progress.step_label.text() == "Prompt 3 of 3"
    assert _prompts_sent(server) == [EXAMPLE_PROMPTS[2]]
    _choose(qtbot, again, again.choice_bar.choose_a)
    assert "1 prompt was skipped: its example had been deleted." in progress.status_label.text()
    assert "out of 2; 2 choices kept" in progress.status_label.text()
    again.close()


@pytest.mark.usefixtures("fine_tune_is_a")
def test_a_reply_that_did_not_come_is_asked_again(
    qtbot, bench: BenchWindow, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, progress = bench.batch.setup, bench.batch.progress
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-wrong-key-for-the-round-7Hq")
    setup.count_spin.setValue(2)
    _click_and_wait_for_replies(qtbot, bench, setup.start_button)
    assert "A reply did not come" in progress.status_label.text()
    assert progress.next_button.text() == "Ask Again"
    assert not bench.choice_bar.choose_a.isEnabled()
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.chat_requests.clear()
    _click_and_wait_for_replies(qtbot, bench, progress.next_button)
    assert progress.step_label.text() == "Prompt 1 of 2"  # the same prompt, not the next
    assert _prompts_sent(server) == [EXAMPLE_PROMPTS[0]]
    _choose(qtbot, bench, bench.choice_bar.choose_a)
    assert progress.next_button.text() == "Next Prompt"
    assert progress.bar.value() == 1


def test_a_short_project_caps_the_round(
    qtbot, bench: BenchWindow, document: ProjectDocument
) -> None:
    setup = bench.batch.setup
    # An example without a reply yet is no use to a round.
    unanswered = (Message("user", "Dawn, and no one at the slipway."), Message("assistant", ""))
    document.add_example(example=Example(unanswered))
    qtbot.waitUntil(lambda: document.count() == 4)
    setup.count_spin.setValue(10)
    assert setup.count_spin.maximum() == 3
    assert setup.count_spin.value() == 3
    assert setup.available_hint.text().startswith("From your 3 examples with a prompt and a reply.")
    assert setup.start_button.text() == "Start a Round of 3 Blind Choices"
    # A reply written: the example counts after a pause in editing.
    document.set_text(document.id_at(3), 1, "The slipway was empty.")
    qtbot.waitUntil(lambda: setup.count_spin.maximum() == 4)
    setup.count_spin.setValue(10)
    assert setup.start_button.text() == "Start a Round of 4 Blind Choices"


def test_no_round_without_prompts_or_models(qtbot, bench: BenchWindow) -> None:
    setup = bench.batch.setup
    assert setup.start_button.isEnabled()
    bench.models.trained_combo.setEditText("")
    assert not setup.start_button.isEnabled()
    assert "trained model" in setup.start_button.toolTip()


def test_a_round_of_an_empty_project_cannot_start(qtbot, tmp_path: Path) -> None:
    project = Project.create(tmp_path / "Empty.fineauthor", title="Empty")
    document = ProjectDocument(project)
    window = BenchWindow(document)
    qtbot.addWidget(window)
    try:
        setup = window.batch.setup
        assert not setup.start_button.isEnabled()
        assert not setup.count_spin.isEnabled()
        assert setup.available_hint.text() == (
            "None of your examples has both a prompt and a reply yet."
        )
    finally:
        window.close()
        document.close()


# -- the screenshot ---------------------------------------------------------------------------


@pytest.mark.usefixtures("fine_tune_is_a")
def test_screenshot(qtbot, bench: BenchWindow, server: FakeOpenAI, screenshot_folder: Path) -> None:
    setup, progress = bench.batch.setup, bench.batch.progress
    setup.count_spin.setValue(3)
    _click_and_wait_for_replies(qtbot, bench, setup.start_button)
    _choose(qtbot, bench, bench.choice_bar.choose_a)
    _click_and_wait_for_replies(qtbot, bench, progress.next_button)
    for _ in range(3):  # let layouts settle (posted layout requests), without sleeping
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
    assert progress.step_label.text() == "Prompt 2 of 3"
    picture = bench.grab()
    assert (picture.width(), picture.height()) == (1280, 800)
    picture.save(str(screenshot_folder / "bench-round.png"))
