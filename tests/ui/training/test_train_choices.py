"""'Learn from your choices' in the Train dialog, against the fake Together API over real HTTP:
offered once the project has choices, explained in a sentence, checked and priced as a round
of choices that builds on the writer's first model, then sent as a DPO job on top of it.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots pytest tests/ui/training/test_train_choices.py``
refreshes train-choices.png (the estimate of a round of choices)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt

from fineauthor.cli.main import main
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PreferencePair
from fineauthor.core.project.project import Project
from fineauthor.providers.registry import open_provider
from fineauthor.training.attempts import record_progress
from fineauthor.ui.training.jobs_view import COL_EXAMPLES, JobsModel
from tests.fakes.together_server import FakeTogetherServer

KEY = "tgp_v1_test-train-choices-key-0123456789"
LLAMA_8B = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
TIMEOUT = 20_000  # ms: the first check loads the tokenizer


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTogetherServer]:
    with FakeTogetherServer(api_key=KEY) as fake:
        monkeypatch.setenv("TOGETHER_BASE_URL", fake.base_url)
        monkeypatch.setenv("TOGETHER_API_KEY", KEY)
        yield fake


def _project(path: Path, *, choices: int) -> Path:
    with Project.create(path, title="Tidewrack") as project:
        project.update_settings(provider="together", base_model=LLAMA_8B)
        for n in range(12):
            project.add_example(
                Example(
                    (
                        Message("user", f"Scene {n}: the causeway at dusk."),
                        Message("assistant", "The tide came over the stones, grey and slow. " * 6),
                    )
                )
            )
        project.preferences.insert(
            None,
            [
                PreferencePair(
                    (Message("user", f"Scene {n}: Mara waits at the quay."),),
                    preferred=f"“Not yet,” she said, and the tide came on — {n}.",
                    other=f"Mara was sad as she waited, number {n}.",
                    source=BLIND_CHOICE,
                )
                for n in range(choices)
            ],
        )
    return path


def _first_round(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Train the examples once and watch it to the end, as a writer's first round."""
    command = ["train", str(path), "--provider", "together", "--model", LLAMA_8B, "--yes"]
    assert main(command) == 0
    capsys.readouterr()
    with Project.open(path) as project:
        job_id = project.jobs()[-1]["job_id"]
        provider = open_provider("together", KEY)
        job = provider.get_job(job_id)
        while not job.finished:
            job = provider.get_job(job_id)
        record_progress(project, job)
    assert job.fine_tuned_model
    return job.fine_tuned_model


def _pick(qtbot, button) -> None:
    """Click a radio button where a writer would: on its circle, not the empty row beside it."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def test_a_round_of_choices_from_the_train_dialog_builds_on_the_first_model(
    qtbot, window, together, tmp_path: Path, capsys, screenshot_folder: Path
) -> None:
    path = _project(tmp_path / "tidewrack.fineauthor", choices=4)
    first_model = _first_round(path, capsys)
    assert window.open_project(path)
    window.train_action.trigger()
    dialog = window.training.train_dialog
    page = dialog.choose_page
    learn = page.learn_from
    assert learn.isVisible()
    assert learn.examples_button.isChecked()  # examples stay the usual choice
    assert learn.choices_button.text() == "Learn from your choices (4)"
    _pick(qtbot, learn.choices_button)
    assert learn.preference
    assert learn.explanation.text().startswith(
        "The model learns to lean towards the replies you preferred at the test bench"
    )
    assert page.check_button.text() == "Check My Choices"

    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=TIMEOUT)
    estimate = dialog.estimate_page
    assert dialog.pages.currentWidget() is estimate
    assert estimate.estimate_names["examples"].text() == "Choices:"
    assert estimate.estimate_values["examples"].text() == "4"
    assert estimate.start_label.text() == (
        f"This round builds on your trained model {first_model}, made from Llama 3.1 8B Instruct."
    )
    assert "LoRA training from choices between two replies" in estimate.estimate_note.text()
    assert estimate.confirm_label.text() == "Send your 4 choices to Together AI and start training?"
    # Priced at Together's preference rate for a model this size ($1.20 per million tokens).
    ours = dialog.dataset.report.estimate
    assert ours.cost_usd == pytest.approx(ours.billed_tokens * 1.20 / 1_000_000)
    dialog.resize(760, 640)
    _settle()
    dialog.grab().save(str(screenshot_folder / "train-choices.png"))

    qtbot.mouseClick(estimate.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.price_page, timeout=TIMEOUT)
    with qtbot.waitSignal(dialog.jobStarted, timeout=TIMEOUT) as started:
        qtbot.mouseClick(dialog.price_page.start_button, Qt.MouseButton.LeftButton)
    job = started.args[0]
    body = together.create_bodies[-1]
    assert body["training_method"] == {"method": "dpo"}
    assert body["from_checkpoint"] == first_model
    assert together.estimate_bodies[-1]["training_method"] == {"method": "dpo"}  # its quote too
    with Project.open(path) as project:
        row = project.jobs()[-1]
    assert row["job_id"] == job.id and row["detail"]["options"]["method"] == "preference"
    # The jobs view says what the round learned from.
    jobs = JobsModel(window.document)
    assert jobs.text(jobs.job(0), COL_EXAMPLES).startswith("4 choices · ")
    assert jobs.text(jobs.job(1), COL_EXAMPLES).startswith("12 examples · ")


def test_choices_are_not_offered_before_there_are_any(qtbot, window, together, tmp_path):
    path = _project(tmp_path / "first.fineauthor", choices=0)
    assert window.open_project(path)
    window.train_action.trigger()
    page = window.training.train_dialog.choose_page
    assert not page.learn_from.isVisible()  # a first training has only examples to learn from
    assert page.check_button.text() == "Check My Examples"


def test_too_few_choices_for_fireworks_stop_before_anything_is_sent(
    qtbot, window, tmp_path, monkeypatch
):
    monkeypatch.setenv("FIREWORKS_API_KEY", "fw_test-choices-key-0123456789")
    monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", "saltmarrow")
    path = _project(tmp_path / "few.fineauthor", choices=2)
    assert window.open_project(path)
    window.train_action.trigger()
    dialog = window.training.train_dialog
    page = dialog.choose_page
    page.select_service("fireworks")
    _pick(qtbot, page.learn_from.choices_button)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=TIMEOUT)
    refused = dialog.refused_page
    assert dialog.pages.currentWidget() is refused
    assert "Fix it in the Choices tab beside your examples" in refused.refused_summary.text()
    assert refused.problems_list.item(0).text() == (
        "Fireworks AI needs at least 3 choices to learn from, and there are 2. Make more "
        "choices at the test bench."
    )
    assert refused.nothing_sent.text() == "Nothing was sent: your choices are still only here."
