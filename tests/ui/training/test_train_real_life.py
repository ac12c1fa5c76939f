"""The Train dialog and the Jobs view in real life: OpenAI left out of the services from the day
it takes no new training (a fixed clock), with one sentence why; its jobs and trained models
still listed with the day they stop working; and a job creation whose answer is lost, found
instead of started twice, or said plainly when it cannot be found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.providers.base import ProviderError
from fineauthor.training import attempts
from fineauthor.training.attempts import StartUnconfirmedError
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.training.job_words import next_step
from fineauthor.ui.training.jobs_view import COL_RESULT, COL_UNTIL, JobsModel
from fineauthor.ui.training.train_dialog import TrainDialog
from fineauthor.ui.training.train_problem_page import TRY_AGAIN, ProblemPage
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.together_server import TRAINABLE_MODELS

KEY = "sk-test-train-real-life-window-key-0000"
MODEL = "gpt-4.1-mini-2025-04-14"
TRAINED = "ft:gpt-4.1-mini-2025-04-14:org:saltmarrow:abc123"
BEFORE, CLOSING_DAY = date(2027, 1, 5), date(2027, 1, 6)
TIMEOUT = 20_000  # ms: the first check loads the tokenizer
JOBS = "/v1/fine_tuning/jobs"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield fake


@pytest.fixture
def document(tmp_path: Path) -> Iterator[ProjectDocument]:
    project = Project.create(tmp_path / "tidewrack.fineauthor", title="Tidewrack")
    project.update_settings(system_prompt="You are Saltmarrow Hush.", provider="openai")
    project.update_settings(base_model=MODEL)
    for n in range(12):
        project.add_example(
            Example(
                (
                    Message("system", "You are Saltmarrow Hush."),
                    Message("user", f"Scene {n}: the causeway at dusk."),
                    Message("assistant", f"Water over the stones, number {n}, and a gull."),
                )
            )
        )
    opened = ProjectDocument(project)
    yield opened
    project.close()


def dialog_on(qtbot, document: ProjectDocument, today: date) -> TrainDialog:
    dialog = TrainDialog(document, today=today)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def services(dialog: TrainDialog) -> list[str]:
    box = dialog.choose_page.service_box
    return [box.itemData(i) for i in range(box.count())]


# -- OpenAI's closing day ---------------------------------------------------------------------


def test_openai_is_offered_the_day_before_it_closes(qtbot, document, server):
    dialog = dialog_on(qtbot, document, BEFORE)
    assert "openai" in services(dialog)
    assert dialog.choose_page.service.id == "openai"  # the project's choice
    assert dialog.choose_page.closed_label.isHidden()


def test_openai_is_left_out_from_its_closing_day_with_one_sentence_why(qtbot, document, server):
    dialog = dialog_on(qtbot, document, CLOSING_DAY)
    choose = dialog.choose_page
    assert "openai" not in services(dialog) and "together" in services(dialog)
    assert choose.service.id != "openai" and choose.service.new_users_can_fine_tune
    assert choose.closed_label.isVisible()
    assert choose.closed_label.text() == (
        "OpenAI is not listed: it takes no new training since 6 January 2027. What you "
        "trained there stays in Train ▸ Training Jobs, and works until 14 January 2027."
    )


def test_jobs_and_models_on_openai_stay_listed_with_their_shutdown_date(document):
    project = document.project
    project.record_job(provider="openai", job_id="ftjob-1", model=MODEL, status="succeeded")
    project.update_job(1, fine_tuned_model=TRAINED)
    project.record_job(provider="openai", job_id="ftjob-2", model=MODEL, status="failed")

    after_closing = JobsModel(document, today=date(2027, 1, 7))
    assert after_closing.rowCount() == 2  # every job is still there, newest first
    assert after_closing.headerData(COL_UNTIL, Qt.Orientation.Horizontal) == "Works until"
    assert after_closing.index(1, COL_RESULT).data() == TRAINED
    until = after_closing.index(1, COL_UNTIL)
    assert until.data() == "14 January 2027"
    assert "shuts this base model down on 14 January 2027" in until.data(
        Qt.ItemDataRole.ToolTipRole
    )

    after_shutdown = JobsModel(document, today=date(2027, 2, 1))
    assert after_shutdown.index(1, COL_UNTIL).data() == "Stopped on 14 January 2027"
    assert after_shutdown.index(1, COL_RESULT).data() == TRAINED


def test_a_model_with_no_shutdown_date_says_none(document):
    document.project.record_job(
        provider="together", job_id="ft-1", model=TRAINABLE_MODELS[0], status="succeeded"
    )
    assert JobsModel(document, today=date(2027, 2, 1)).index(0, COL_UNTIL).data() == ""


# -- a lost answer to the creation ------------------------------------------------------------


def send_and_train(qtbot, dialog: TrainDialog) -> None:
    qtbot.mouseClick(dialog.choose_page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.estimate_page, timeout=TIMEOUT)
    qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)


def test_a_lost_answer_to_the_creation_is_found_and_watched(qtbot, document, server):
    server.lose_next_creation_reply = 500
    dialog = dialog_on(qtbot, document, BEFORE)

    with qtbot.waitSignal(dialog.jobStarted, timeout=TIMEOUT) as started:
        send_and_train(qtbot, dialog)

    assert list(server.jobs) == [started.args[0].id]  # the one job, handed to the watch
    assert server.count("POST", JOBS) == 1


def test_a_start_that_may_have_happened_is_said_plainly_and_tried_again_safely(
    qtbot, document, server, monkeypatch
):
    monkeypatch.setattr(attempts, "LOST_REPLY_WAITS", (0.0, 0.0))  # no waiting in a test
    server.fail_next("POST", JOBS, status=502)
    dialog = dialog_on(qtbot, document, BEFORE)

    send_and_train(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.problem_page, timeout=TIMEOUT)

    page = dialog.problem_page
    assert page.problem_title.text() == "OpenAI may have started the training."
    said = f"{page.problem_message.text()} {page.problem_next.text()}"
    assert "looked for it 2 times" in said and "Look at the trainings" in said
    assert "nothing is lost" not in said.lower() and "nothing was lost" not in said.lower()
    assert page.problem_action.text() == "Try Again"

    with qtbot.waitSignal(dialog.jobStarted, timeout=TIMEOUT) as started:
        qtbot.mouseClick(page.problem_action, Qt.MouseButton.LeftButton)
    assert list(server.jobs) == [started.args[0].id]  # looked for first, then started once


def test_the_next_steps_after_trouble_never_promise_nothing_is_lost(qtbot):
    for kind in (ProviderError.NETWORK, ProviderError.SERVER):
        words = next_step(ProviderError(kind, "It dropped."), "Together AI")
        assert "nothing is lost" not in words.lower() and "first looks" in words
    page = ProblemPage()
    qtbot.addWidget(page)
    chosen: list[str] = []
    page.actionRequested.connect(chosen.append)
    page.show_problem(
        StartUnconfirmedError(ProviderError.NETWORK, "Together AI did not answer."),
        "Together AI",
        None,
        can_use_together=False,
    )
    assert page.problem_title.text() == "Together AI may have started the training."
    qtbot.mouseClick(page.problem_action, Qt.MouseButton.LeftButton)
    assert chosen == [TRY_AGAIN]
