"""The writer's choices at the bench become preference pairs in the project: every blind
choice of A or B (not "neither"), and "I prefer this one" side by side, with which model wrote
each reply, in one undo step each."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PREFERRED_AT_BENCH
from fineauthor.core.project.project import Project
from fineauthor.core.writing.bench_scoring import BlindOrder
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.shell.document import ProjectDocument
from tests.fakes.openai_server import FakeOpenAI
from tests.ui.bench.bench_setup import BASE_MODEL, BASE_REPLY, FT, FT_REPLY, PROMPT, SYSTEM, run

pytestmark = pytest.mark.usefixtures("no_keys")


def _stored(path: Path) -> list:
    with Project.open(path) as reopened:
        return reopened.preferences.all()


def test_a_blind_choice_is_kept_as_a_pair_and_neither_is_not(
    qtbot,
    bench: BenchWindow,
    server: FakeOpenAI,
    document: ProjectDocument,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fine_second = next(BlindOrder(s) for s in range(100) if BlindOrder(s).fine_tuned_letter == "B")
    monkeypatch.setattr(BlindOrder, "draw", classmethod(lambda cls: fine_second))
    bench.blind_check.setChecked(True)
    assert not bench.left.prefer_button.isVisible()  # blind: the choice bar decides

    run(qtbot, bench)
    with qtbot.waitSignal(bench.pairKept) as kept:
        qtbot.mouseClick(bench.choice_bar.choose_b, Qt.MouseButton.LeftButton)
    assert "Kept as a choice" in bench.choice_bar.reveal_label.text()
    [pair] = _stored(path)
    assert pair.id == kept.args[0]
    assert pair.messages == (Message("system", SYSTEM), Message("user", PROMPT))
    assert (pair.preferred, pair.preferred_model) == (FT_REPLY, FT)
    assert (pair.other, pair.other_model) == (BASE_REPLY, BASE_MODEL)
    assert pair.source == BLIND_CHOICE
    assert document.undo_stack.undoText() == "Keep your choice"

    run(qtbot, bench)
    qtbot.mouseClick(bench.choice_bar.choose_neither, Qt.MouseButton.LeftButton)
    assert len(_stored(path)) == 1  # "neither" teaches no preference
    assert "Kept" not in bench.choice_bar.reveal_label.text()

    document.undo_stack.undo()
    assert _stored(path) == []


def test_prefer_this_one_side_by_side_keeps_one_pair_per_run(
    qtbot, bench: BenchWindow, server: FakeOpenAI, document: ProjectDocument, path: Path
) -> None:
    assert not bench.left.prefer_button.isEnabled()  # nothing to prefer before a run
    run(qtbot, bench)
    assert bench.left.prefer_button.isVisible() and bench.right.prefer_button.isEnabled()
    with qtbot.waitSignal(bench.pairKept):
        qtbot.mouseClick(bench.right.prefer_button, Qt.MouseButton.LeftButton)
    [pair] = _stored(path)
    assert (pair.preferred_model, pair.other_model) == (BASE_MODEL, FT)
    assert pair.preferred == BASE_REPLY
    assert pair.source == PREFERRED_AT_BENCH
    assert "Undo" in bench.right.note.text()
    assert not bench.left.prefer_button.isEnabled()  # one choice per run
    assert not bench.right.prefer_button.isEnabled()

    run(qtbot, bench)  # a new run may be preferred again
    assert bench.left.prefer_button.isEnabled()
    bench.left.prefer_button.click()
    assert [p.preferred_model for p in _stored(path)] == [BASE_MODEL, FT]
