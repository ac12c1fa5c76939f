"""The test bench against the fake OpenAI server over real HTTP: both replies stream in side by
side, the scores are score()'s, banned phrases are highlighted, a blind run hides which model
wrote which until the writer chooses (the choice lands in the project file), a reply becomes an
example in one undo step, and a refused key is said plainly without the key.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots LANG=en_GB.UTF-8 pytest
tests/ui/bench/test_bench_window.py -k
screenshot`` also saves the 1280×800 picture of the bench after a run.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.core.writing import bench_scoring as core_bench
from fineauthor.core.writing.bench_scoring import BASE, FINE_TUNED, NEITHER, BlindOrder
from fineauthor.core.writing.fingerprint import fingerprint
from fineauthor.core.writing.win_conditions import (
    conditions_from_json,
    conditions_to_json,
    score,
)
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.bench.output_column import DONE, FAILED, STOPPED, STREAMING
from fineauthor.ui.shell.document import ProjectDocument
from tests.fakes.openai_server import FakeOpenAI
from tests.ui.bench.bench_setup import (
    BASE_MODEL,
    BASE_REPLY,
    CONDITIONS,
    EXAMPLE_PROMPTS,
    FT,
    FT_REPLY,
    PROMPT,
    SYSTEM,
    TEMPLATE,
    WRITER_PASSAGE,
    make_project,
    run,
    wait_for_workers,
)

pytestmark = pytest.mark.usefixtures("no_keys")


# -- choosing what to run -------------------------------------------------------------------------


def test_the_trained_model_comes_from_the_history_with_its_base_and_service(
    bench: BenchWindow,
) -> None:
    assert [
        bench.models.trained_combo.itemText(i) for i in range(bench.models.trained_combo.count())
    ] == [FT]
    assert bench.models.trained_model == FT
    assert bench.models.base_model == BASE_MODEL  # resolved through the catalog
    assert bench.models.provider_id == "openai"
    assert bench.left.title.text() == "Your fine-tune"
    assert bench.left.subtitle.text() == FT
    assert bench.right.subtitle.text() == BASE_MODEL
    assert bench.right.title.text() == "The model it came from"


def test_a_typed_model_asks_for_its_service(bench: BenchWindow) -> None:
    bench.models.trained_combo.setEditText("someone/Meta-Llama-3.1-8B-Instruct-Reference-hush-1a2b")
    assert bench.models.provider_id == "together"
    assert bench.models.base_model == "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    # Unknown: the project's service and model.
    bench.models.trained_combo.setEditText("my-own-model")
    assert bench.models.provider_id == "openai"
    assert bench.models.base_model == BASE_MODEL
    bench.models.service_combo.setCurrentIndex(bench.models.service_combo.findData("together"))
    assert bench.models.provider_id == "together"  # the writer says which service
    bench.models.base_combo.setEditText("Qwen/Qwen3-8B")
    assert bench.right.title.text() == "Compared with"  # not the model it came from


def test_the_prompt_comes_from_an_example_the_template_or_the_writer(
    qtbot, bench: BenchWindow, document: ProjectDocument
) -> None:
    combo = bench.prompt_box.example_combo
    titles = [combo.itemText(i) for i in range(combo.count())]
    assert len(titles) == 3
    assert titles[1].startswith("The morning after.")
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert bench.prompt_box.prompt_edit.toPlainText() == EXAMPLE_PROMPTS[2]
    # Searching: the completer finds titles by any word in them.
    completer = combo.completer()
    completer.setCompletionPrefix("causeway lamps")
    assert completer.completionCount() == 1
    # A new example shows up among the titles after a pause in editing.
    document.add_example(
        example=Example((Message("user", "Dawn. The lamps again."), Message("assistant", "")))
    )
    qtbot.waitUntil(lambda: combo.count() == 4)
    assert combo.itemText(3) == "Dawn. The lamps again."
    bench.prompt_box.template_button.click()
    assert bench.prompt_box.prompt_edit.toPlainText() == TEMPLATE
    bench.prompt_box.prompt_edit.clear()
    assert not bench.run_button.isEnabled()
    assert "prompt" in bench.run_button.toolTip()
    bench.prompt_box.prompt_edit.setPlainText("Anything at all.")
    assert bench.run_button.isEnabled()
    assert "system prompt is sent first" in bench.prompt_box.system_hint.text()
    assert bench.prompt_box.system_hint.toolTip() == SYSTEM


def test_temperature_and_length_are_explained(bench: BenchWindow) -> None:
    bench.reply_settings.temperature_slider.setValue(13)
    assert bench.reply_settings.temperature == 1.3
    assert bench.reply_settings.temperature_value.text() == "1.3"
    # 320 ± 80 and a band up to 400 words: a quarter more than 400.
    assert bench.reply_settings.length_spin.value() == 500
    assert "700 tokens" in bench.reply_settings.tokens_hint.text()
    assert "1.4" in bench.reply_settings.tokens_hint.text()


# -- running ------------------------------------------------------------------------------------


def test_both_replies_stream_in_side_by_side(qtbot, bench: BenchWindow, server: FakeOpenAI) -> None:
    server.chat_hold = threading.Event()
    server.chat_hold_after = 4
    bench.prompt_box.prompt_edit.setPlainText(PROMPT)
    bench.reply_settings.temperature_slider.setValue(7)
    bench.reply_settings.length_spin.setValue(600)
    with qtbot.waitSignal(bench.runStarted):
        qtbot.mouseClick(bench.run_button, Qt.MouseButton.LeftButton)
    # Both have begun and are held mid-reply by the server: what came so far is already shown.
    first = {
        bench.left: " ".join(FT_REPLY.split(" ")[:4]),
        bench.right: " ".join(BASE_REPLY.split(" ")[:4]),
    }
    qtbot.waitUntil(lambda: all(c.text() == first[c] for c in first), timeout=10_000)
    assert bench.left.state == bench.right.state == STREAMING
    # The counts and scores follow the text as it comes.
    qtbot.waitUntil(lambda: bench.left.status.text() == "Writing… 4 words so far")
    qtbot.waitUntil(lambda: "4 words: 246 short of 250–400" in bench.left.scores.toPlainText())
    assert bench.left.output.isReadOnly()
    assert bench.stop_button.isEnabled()
    assert not bench.run_button.isEnabled()
    with qtbot.waitSignal(bench.runEnded, timeout=10_000):
        server.chat_hold.set()
    assert bench.left.text() == FT_REPLY
    assert bench.right.text() == BASE_REPLY
    assert bench.left.state == bench.right.state == DONE
    assert "Finished" in bench.left.status.text()
    assert not bench.left.output.isReadOnly()  # editable in place now
    # The same messages went to both models, with the temperature and the length in tokens.
    sent = {body["model"]: body for body in server.chat_requests}
    assert set(sent) == {FT, BASE_MODEL}
    for body in sent.values():
        assert body["messages"] == [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": PROMPT},
        ]
        assert body["temperature"] == 0.7
        assert body["max_completion_tokens"] == 840  # 600 words × 1.4
        assert body["stream"] is True


def test_stop_keeps_what_came_and_nothing_more(
    qtbot, bench: BenchWindow, server: FakeOpenAI
) -> None:
    server.chat_hold = threading.Event()
    server.chat_hold_after = 3
    bench.prompt_box.prompt_edit.setPlainText(PROMPT)
    qtbot.mouseClick(bench.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(bench.left.text() and bench.right.text()), timeout=10_000)
    with qtbot.waitSignal(bench.runEnded):
        qtbot.mouseClick(bench.stop_button, Qt.MouseButton.LeftButton)
    kept = (bench.left.text(), bench.right.text())
    assert bench.left.state == bench.right.state == STOPPED
    assert "Stopped" in bench.left.status.text()
    assert bench.run_button.isEnabled()
    server.chat_hold.set()  # the rest arrives at the workers, which stop there
    wait_for_workers(qtbot, bench)
    QCoreApplication.processEvents()
    assert (bench.left.text(), bench.right.text()) == kept


def test_scores_are_what_score_says(qtbot, bench: BenchWindow, server: FakeOpenAI) -> None:
    run(qtbot, bench)
    conditions = conditions_from_json(conditions_to_json(CONDITIONS))
    assert list(bench.result.fine_tuned.scores) == score(FT_REPLY, conditions)
    assert list(bench.result.base.scores) == score(BASE_REPLY, conditions)
    shown = bench.left.scores.toPlainText()
    for found in score(FT_REPLY, conditions):
        if found.measured:
            assert found.detail in shown
    # Notes are listed to judge by reading, never with a tick or a cross.
    notes = shown.split("To judge by reading", 1)[1]
    assert "close third, past tense" in notes
    assert "never a backdrop" in notes
    assert "keep these facts in your prompt" in notes
    assert "✓" not in notes and "✗" not in notes
    # The fingerprint beside the writer's own.
    yours = fingerprint(WRITER_PASSAGE)
    assert f"(yours: {round(yours.dialogue_share * 100)}%)" in shown
    assert "closer to yours" in shown + bench.right.scores.toPlainText()


def test_banned_phrases_are_highlighted_and_follow_edits(
    qtbot, bench: BenchWindow, server: FakeOpenAI
) -> None:
    run(qtbot, bench)
    assert bench.left.highlighted() == []
    assert bench.right.highlighted() == [
        "heart pounded",
        "bit her lip",
        "held her breath",
        "chill ran down her spine",
    ]
    assert "✗" in bench.right.scores.toPlainText()
    assert "Marked in the text." in bench.right.scores.toPlainText()
    # The writer edits a phrase away: the highlight and the score follow.
    editor = bench.right.output
    start = BASE_REPLY.index("bit her lip")
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("bit her lip"), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    with qtbot.waitSignal(bench.scored):
        qtbot.keyClicks(editor, "looked away")
    assert "bit her lip" not in bench.right.highlighted()
    assert len(bench.right.highlighted()) == 3


def test_a_blind_run_hides_which_is_which_until_the_writer_chooses(
    qtbot, bench: BenchWindow, server: FakeOpenAI, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two runs, one in each order (seeds found here, so the test does not depend on luck).
    fine_first = next(BlindOrder(s) for s in range(100) if BlindOrder(s).fine_tuned_letter == "A")
    fine_second = next(BlindOrder(s) for s in range(100) if BlindOrder(s).fine_tuned_letter == "B")
    orders = iter([fine_first, fine_second, fine_first])
    monkeypatch.setattr(BlindOrder, "draw", classmethod(lambda cls: next(orders)))
    bench.blind_check.setChecked(True)
    assert bench.choice_bar.isVisible()
    assert "No blind runs" in bench.tally_label.text()

    run(qtbot, bench)
    texts = {FT_REPLY, BASE_REPLY}
    assert {bench.left.text(), bench.right.text()} == texts
    assert bench.left.text() == FT_REPLY  # A is the fine-tune this time
    for column, letter in ((bench.left, "A"), (bench.right, "B")):
        assert column.title.text() == letter
        shown = column.title.text() + column.subtitle.text() + column.status.text()
        assert FT not in shown and BASE_MODEL not in shown and "fine-tune" not in shown
        assert not column.use_button.isEnabled()  # keeping one would give it away
        # Scores and marked phrases would sway the choice: they wait until it is made.
        assert "appear once you have said" in column.scores.toPlainText()
        assert column.highlighted() == []
    assert bench.choice_bar.choose_a.isEnabled() and bench.choice_bar.choose_b.isEnabled()
    assert bench.choice_bar.reveal_label.text() == ""

    with qtbot.waitSignal(bench.choiceRecorded) as chosen:
        qtbot.mouseClick(bench.choice_bar.choose_a, Qt.MouseButton.LeftButton)
    assert chosen.args == [FINE_TUNED]
    assert bench.choice_bar.reveal_label.text() == (
        "You chose A: your fine-tune. Kept as a choice your next training can learn from."
    )
    assert bench.left.title.text() == "A — your fine-tune"
    assert bench.left.subtitle.text() == FT
    assert bench.right.title.text() == "B — the model it came from"
    assert bench.right.subtitle.text() == BASE_MODEL
    assert "Your win conditions" in bench.right.scores.toPlainText()
    assert len(bench.right.highlighted()) == 4
    assert not bench.choice_bar.choose_a.isEnabled()  # one choice per run
    assert bench.left.use_button.isEnabled()
    assert bench.tally_label.text() == "Your fine-tune was chosen in your one blind run so far."

    run(qtbot, bench)
    assert bench.left.text() == BASE_REPLY  # now A is the other model
    assert bench.left.title.text() == "A"
    with qtbot.waitSignal(bench.choiceRecorded) as chosen:
        qtbot.mouseClick(bench.choice_bar.choose_a, Qt.MouseButton.LeftButton)
    assert chosen.args == [BASE]
    assert bench.choice_bar.reveal_label.text().startswith("You chose A: the model it came from.")

    run(qtbot, bench)
    with qtbot.waitSignal(bench.choiceRecorded) as chosen:
        qtbot.mouseClick(bench.choice_bar.choose_neither, Qt.MouseButton.LeftButton)
    assert chosen.args == [NEITHER]
    assert bench.choice_bar.reveal_label.text() == "You chose neither. A was your fine-tune."
    assert bench.tally_label.text() == (
        "Your fine-tune was chosen in 1 of 3 blind runs (the other model in 1, neither in 1)."
    )
    # The tally is in the project file.
    with Project.open(path) as reopened:
        assert reopened.settings.bench_tally == {
            "pairs": [
                {
                    "fine_tuned": FT,
                    "base": BASE_MODEL,
                    "fine_tuned_chosen": 1,
                    "base_chosen": 1,
                    "neither": 1,
                }
            ]
        }


def test_a_blind_run_draws_its_order_from_the_os(
    qtbot, bench: BenchWindow, server: FakeOpenAI
) -> None:
    bench.blind_check.setChecked(True)
    run(qtbot, bench)
    order = bench.run.order
    assert order is not None
    assert (bench.left.text() == FT_REPLY) == (order.fine_tuned_letter == "A")
    with qtbot.waitSignal(bench.choiceRecorded) as chosen:
        bench.choice_bar.choose_b.click()
    assert chosen.args == [order.side_of("B")]


def test_a_reply_edited_in_place_becomes_an_example_in_one_undo_step(
    qtbot, bench: BenchWindow, server: FakeOpenAI, document: ProjectDocument, path: Path
) -> None:
    run(qtbot, bench)
    editor = bench.left.output
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " The lamp hissed.")
    before = document.count()
    with qtbot.waitSignal(bench.exampleAdded) as added:
        qtbot.mouseClick(bench.left.use_button, Qt.MouseButton.LeftButton)
    assert document.count() == before + 1
    example = document.example(added.args[0])
    assert [(m.role, m.content) for m in example.messages] == [
        ("system", SYSTEM),
        ("user", PROMPT),
        ("assistant", FT_REPLY + " The lamp hissed."),
    ]
    assert example.source == f"Test bench: {FT}, {date.today().isoformat()}"
    assert "Undo" in bench.left.note.text()
    with Project.open(path) as reopened:
        assert reopened.example_count() == before + 1
    document.undo_stack.undo()
    assert document.count() == before
    with Project.open(path) as reopened:
        assert reopened.example_count() == before
        assert all(not e.source for e in reopened.examples())


def test_a_refused_key_is_said_plainly_without_the_key(
    qtbot, bench: BenchWindow, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "sk-test-wrong-key-for-the-bench-9Q2x"
    monkeypatch.setenv("OPENAI_API_KEY", wrong)
    run(qtbot, bench)
    for column in (bench.left, bench.right):
        assert column.state == FAILED
        message = column.problem.text()
        assert column.problem.isVisible()
        assert "OpenAI did not accept your API key" in message
        assert "Settings → Accounts" in message
        assert wrong not in message and wrong[-4:] not in message and wrong[:8] not in message
        assert "401" not in message
        assert column.text() == ""
    assert not bench.choice_bar.choose_a.isEnabled()


def test_no_key_says_where_to_add_one(qtbot, bench: BenchWindow) -> None:
    run(qtbot, bench)
    for column in (bench.left, bench.right):
        assert column.state == FAILED
        assert column.problem.text() == (
            "FineAuthor needs your OpenAI key to ask the models. Add it in Settings → Accounts."
        )


# -- around the bench -----------------------------------------------------------------------------


def test_the_wizard_keys_are_the_ones_the_bench_reads() -> None:
    draft = pytest.importorskip("fineauthor.ui.wizard.draft")
    assert draft.FINGERPRINT == core_bench.WIZARD_FINGERPRINT
    assert draft.STYLE_PASSAGE == core_bench.WIZARD_STYLE_PASSAGE
    assert draft.TEMPLATE == core_bench.WIZARD_TEMPLATE


def test_the_main_window_opens_the_bench_from_the_menu_and_after_training(
    qtbot, window, path: Path
) -> None:
    make_project(path).close()
    assert window.open_project(path)
    train_menu = next(
        m for m in window.menuBar().findChildren(QMenu) if m.title().replace("&", "") == "Train"
    )
    action = next(a for a in train_menu.actions() if a.text().replace("&", "") == "Test Bench…")
    assert action.isEnabled()
    action.trigger()
    opened = window.view.findChild(BenchWindow)
    assert opened is not None and opened.isVisible()
    assert opened.models.trained_model == FT
    # A training that has just finished: "Try it" opens the bench on that model.
    window.training.tryRequested.emit("ft:gpt-4o-mini-2024-07-18:fineauthor::new1")
    assert window.view.findChildren(BenchWindow) == [opened]
    assert opened.models.trained_model == "ft:gpt-4o-mini-2024-07-18:fineauthor::new1"
    assert opened.models.base_model == "gpt-4o-mini-2024-07-18"
    window.close_project()


# -- the screenshot (opt-in) ----------------------------------------------------------------------


def test_screenshot(qtbot, bench: BenchWindow, server: FakeOpenAI, screenshot_folder: Path) -> None:
    bench.reply_settings.temperature_slider.setValue(8)
    run(qtbot, bench)
    for _ in range(3):  # let layouts settle (posted layout requests), without sleeping
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
    folder = screenshot_folder
    picture = bench.grab()
    assert (picture.width(), picture.height()) == (1280, 800)
    picture.save(str(folder / "test-bench.png"))
