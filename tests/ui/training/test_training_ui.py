"""Training from the window, end to end, against the fake OpenAI server over real HTTP: the Train
dialog (check, estimate, confirm, upload with progress, create), the watch window following the
job to the end (loss chart, events, model id, Copy), the Jobs view, refusals and failures in
plain words, and watching again when the project is opened again.

``FINEAUTHOR_SCREENSHOTS=docs/screenshots LANG=en_GB.UTF-8 pytest
tests/ui/training/test_training_ui.py
-k screenshots`` also saves the train dialog at its estimate (train.png) and a watch window in
the middle of a training (watch.png), at 1280×800.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QLabel

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.providers.base import MetricPoint, ProviderError, TrainingOptions
from fineauthor.providers.openai import uploads as openai_provider
from fineauthor.providers.openai.service import OpenAIProvider
from fineauthor.training.attempts import start_training
from fineauthor.training.prepare import prepare
from fineauthor.ui.training import train_choose_page
from fineauthor.ui.training.job_words import next_step, state_text
from fineauthor.ui.training.jobs_view import COL_COST, COL_EXAMPLES, COL_RESULT, COL_STATUS
from fineauthor.ui.training.loss_chart import LossChart, nice_ticks
from fineauthor.ui.training.watch_view import WatchView
from tests.fakes.openai_holding import HoldingOpenAI
from tests.fakes.together_server import FakeTogetherServer

KEY = "sk-test-training-window-key-000000000000"
WRONG_KEY = "sk-test-a-key-that-was-revoked-99999999"
MODEL = "gpt-4.1-mini-2025-04-14"
TOGETHER_KEY = "tgp_v1_test-training-window-key-0123456789"
TIMEOUT = 20_000  # ms: the first check loads the tokenizer


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HoldingOpenAI]:
    """The fake OpenAI; the app reaches it through OPENAI_BASE_URL with the key it accepts."""
    with HoldingOpenAI(api_key=KEY) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
        # The fake moves a job on each time it is looked at, so no nap is needed between looks.
        monkeypatch.setattr(WatchView, "sleep", staticmethod(lambda _seconds: None))
        # OpenAI takes no new training from 6 January 2027; these tests train there, so the
        # Train dialog's day is one before it.
        monkeypatch.setattr(train_choose_page, "clock", lambda: date(2026, 12, 2))
        yield fake
        fake.release.set()


def make_project(path: Path, count: int = 12) -> Path:
    project = Project.create(path, title="Tidewrack")
    project.update_settings(
        system_prompt="You are Saltmarrow Hush.",
        style_name="Saltmarrow Hush",
        provider="openai",
        base_model=MODEL,
    )
    for n in range(count):
        project.add_example(
            Example(
                (
                    Message("system", "You are Saltmarrow Hush."),
                    Message("user", f"Scene {n}: the causeway at dusk."),
                    Message(
                        "assistant",
                        f"Water over the stones, number {n}, and a gull that would not settle.",
                    ),
                )
            )
        )
    project.close()
    return path


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return make_project(tmp_path / "tidewrack.fineauthor")


def open_train_dialog(qtbot, window, path: Path):
    assert window.open_project(path)
    window.train_action.trigger()  # Train ▸ Train a Model… (Ctrl+T)
    dialog = window.training.train_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.choose_page.service.id == "openai"  # the project's choice
    assert dialog.choose_page.model.id == MODEL
    return dialog


def check(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.choose_page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=TIMEOUT)


def texts_of(widget) -> str:
    """Everything a writer can read in ``widget``: its labels, buttons and list items."""
    parts = [label.text() for label in widget.findChildren(QLabel)]
    parts += [
        button.text() for button in widget.findChildren(type(widget.choose_page.check_button))
    ]
    return "\n".join(parts)


# -- training end to end ---------------------------------------------------------------------


def test_train_from_the_editor_and_watch_it_to_the_end(qtbot, window, server, project_path):
    dialog = open_train_dialog(qtbot, window, project_path)
    check(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.estimate_page
    assert (
        dialog.estimate_page.confirm_label.text()
        == "Send your 12 examples to OpenAI and start training?"
    )
    assert "estimate" in dialog.estimate_page.estimate_values["cost"].text()
    assert server.requests == []  # nothing has left the machine before the confirmation

    progress: list[tuple[int, int]] = []
    dialog.jobStarted.connect(
        lambda _job: progress.append(
            (dialog.sending_page.upload_bar.value(), dialog.sending_page.upload_bar.maximum())
        )
    )
    reports = dialog.upload_reports
    size = len(dialog.dataset.jsonl)
    with qtbot.waitSignal(dialog.jobStarted, timeout=TIMEOUT) as started:
        qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
    job = started.args[0]
    assert progress == [(size, size)]  # the bar reached 100%
    assert reports[-1] == size and reports == sorted(reports)
    assert server.count("POST", "/v1/fine_tuning/jobs") == 1
    assert server.job_requests[0]["suffix"] == "saltmarrow-hush"  # from the style name

    view = window.training.views[("openai", job.id)]
    assert view.isVisible()
    qtbot.waitUntil(lambda: view.finished, timeout=TIMEOUT)
    fake_job = server.jobs[job.id]
    assert view.status_panel.status_label.text() == "Done"

    # The loss chart: one point per step, none twice, the values the service reported.
    points = view.events_panel.chart.points()
    assert [p.step for p in points] == list(range(1, server.total_steps + 1))
    assert [p.train_loss for p in points] == [row["train_loss"] for row in fake_job.rows]
    assert (
        "Lower means the model's answers are closer"
        in view.events_panel.chart.accessibleDescription()
    )

    # Events: oldest first, each once, in plain words.
    ids = [
        view.events_panel.events_list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(view.events_panel.events_list.count())
    ]
    assert len(ids) == len(set(ids)) == len(view.events_panel.events_shown())
    assert view.events_panel.events_shown().count("Training began") == 1
    assert view.events_panel.events_shown()[-1] == "Training finished"
    assert view.events_panel.checkpoints_list.count() >= 1

    # The trained model's name, copied with one click.
    model_id = fake_job.data["fine_tuned_model"]
    assert view.result_box.isVisible() and view.result_box.model_edit.text() == model_id
    qtbot.mouseClick(view.result_box.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == model_id
    with qtbot.waitSignal(view.tryRequested) as tried:
        qtbot.mouseClick(view.result_box.try_button, Qt.MouseButton.LeftButton)
    assert tried.args == [model_id]
    assert model_id in view.notice  # the desktop notification (or status bar) said so

    # The project's history holds it all, so it survives closing the app.
    (row,) = window.project.jobs()
    assert (row["job_id"], row["status"], row["fine_tuned_model"]) == (
        job.id,
        "succeeded",
        model_id,
    )
    assert len(row["detail"]["watch"]["loss"]) == server.total_steps

    # The Jobs view lists it in plain words, and a double-click opens the same watch window.
    window.jobs_action.trigger()
    jobs = window.training.jobs_view
    model = jobs.model
    assert model.rowCount() == 1
    assert model.index(0, COL_STATUS).data() == "Done"
    assert model.index(0, COL_RESULT).data() == model_id
    assert model.index(0, COL_EXAMPLES).data() == f"12 examples · {row['dataset_sha256'][:8]}"
    assert model.index(0, COL_COST).data().endswith("(estimate)")
    view.hide()
    rect = jobs.table.visualRect(model.index(0, COL_STATUS))
    # A real double-click is a click then a double-click event (the view checks both).
    qtbot.mouseClick(jobs.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(jobs.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.isVisible()
    assert len(window.training.views) == 1


def test_problems_stop_training_before_anything_is_sent(qtbot, window, server, tmp_path):
    path = make_project(tmp_path / "short.fineauthor", count=3)
    dialog = open_train_dialog(qtbot, window, path)
    check(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.refused_page
    problems = [
        dialog.refused_page.problems_list.item(i).text()
        for i in range(dialog.refused_page.problems_list.count())
    ]
    assert problems and any("10" in problem for problem in problems)  # too few examples
    assert "Nothing was sent" in texts_of(dialog)
    assert server.requests == []  # no upload, no call at all
    assert window.project.jobs() == []


def test_cancel_during_the_upload_leaves_no_job(qtbot, window, server, project_path, monkeypatch):
    # Send in small parts (OpenAI's Uploads API) and hold the reply to the first one, so the
    # writer presses Cancel while the examples are half sent.
    monkeypatch.setattr(openai_provider, "UPLOADS_API_THRESHOLD", 0)
    monkeypatch.setattr(openai_provider, "UPLOAD_PART_SIZE", 512)
    server.hold_part = 1
    dialog = open_train_dialog(qtbot, window, project_path)
    check(qtbot, dialog)
    qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentWidget() is dialog.sending_page
    qtbot.waitUntil(server.holding.is_set, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: bool(dialog.upload_reports) and dialog.upload_reports[-1] > 0)
    assert dialog.sending_page.upload_bar.value() < dialog.sending_page.upload_bar.maximum()
    qtbot.mouseClick(dialog.sending_page.cancel_upload_button, Qt.MouseButton.LeftButton)
    server.release.set()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.problem_page, timeout=TIMEOUT)
    assert dialog.problem_page.problem_title.text() == "Sending stopped."
    assert "no job was started" in dialog.problem_page.problem_message.text()
    assert server.count("POST", "/v1/fine_tuning/jobs") == 0
    assert server.count("POST", "/v1/uploads/{upload_id}/complete") == 0
    assert server.files == {}
    (row,) = window.project.jobs()
    assert not row["job_id"] and row["status"] == "cancelled"
    assert window.training.views == {}


def test_a_wrong_key_is_said_plainly_without_the_key(
    qtbot, window, server, project_path, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", WRONG_KEY)
    dialog = open_train_dialog(qtbot, window, project_path)
    check(qtbot, dialog)
    qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.problem_page, timeout=TIMEOUT)
    assert dialog.problem_page.problem_title.text() == "OpenAI did not accept your key."
    assert "Settings → Accounts" in dialog.problem_page.problem_next.text()
    assert dialog.problem_page.problem_action.text() == "Open Settings → Accounts…"
    shown = texts_of(dialog)
    assert WRONG_KEY not in shown and WRONG_KEY[3:] not in shown
    assert "401" not in dialog.problem_page.problem_message.text()
    assert server.files == {} and server.job_requests == []


def test_reopening_the_project_carries_on_watching(
    qtbot, window, server, project_path, monkeypatch
):
    # The app started a training (as the dialog does) and the service has moved it on a little.
    project = Project.open(project_path)
    provider = OpenAIProvider(KEY, base_url=server.url + "/v1")
    dataset = prepare(project, load_catalog().model(MODEL), "openai")
    job = start_training(project, provider, MODEL, TrainingOptions(), dataset)
    project.close()
    server.advance(job.id, looks=3)  # running, two steps done

    # First opening: the watcher looks once, then naps until the project is closed.
    nap = threading.Event()
    monkeypatch.setattr(WatchView, "sleep", staticmethod(lambda _seconds: nap.wait(5)))
    assert window.open_project(project_path)
    assert "Still watching 1 training" in window.statusBar().currentMessage()
    view = window.training.views[("openai", job.id)]
    assert not view.isVisible()  # quietly, in the background
    qtbot.waitUntil(lambda: len(view.events_panel.chart.points()) == 4, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: len(window.project.jobs()[0]["detail"]["watch"]["loss"]) == 4)
    seen_before = view.events_panel.events_shown()
    window.close_project()
    nap.set()

    # Opening it again shows what was seen at once, then carries on to the end.
    monkeypatch.setattr(WatchView, "sleep", staticmethod(lambda _seconds: None))
    assert window.open_project(project_path)
    view = window.training.views[("openai", job.id)]
    qtbot.waitUntil(lambda: view.finished, timeout=TIMEOUT)
    assert [p.step for p in view.events_panel.chart.points()] == list(
        range(1, server.total_steps + 1)
    )
    events = view.events_panel.events_shown()
    assert events[: len(seen_before)] == seen_before
    ids = [
        view.events_panel.events_list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(view.events_panel.events_list.count())
    ]
    assert len(ids) == len(set(ids))
    assert events.count("Training began") == 1
    assert server.count("POST", "/v1/fine_tuning/jobs") == 1
    (row,) = window.project.jobs()
    assert row["status"] == "succeeded"
    assert row["fine_tuned_model"] == server.jobs[job.id].data["fine_tuned_model"]
    assert "finished" in view.notice  # it ended while we watched: the writer is told


def test_openai_refusing_a_new_account_leads_to_together_and_its_own_price(
    qtbot, window, server, project_path, monkeypatch
):
    server.fine_tuning_allowed = False  # OpenAI's wind-down: this account may not train
    with FakeTogetherServer(api_key=TOGETHER_KEY) as together:
        monkeypatch.setenv("TOGETHER_BASE_URL", together.base_url)
        monkeypatch.setenv("TOGETHER_API_KEY", TOGETHER_KEY)
        dialog = open_train_dialog(qtbot, window, project_path)
        assert "most new accounts can no longer start fine-tunes there" in (
            dialog.choose_page.availability_label.text()
        )
        check(qtbot, dialog)
        qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: dialog.pages.currentWidget() is dialog.problem_page, timeout=TIMEOUT
        )
        assert (
            dialog.problem_page.problem_title.text()
            == "OpenAI will not train a model for this account."
        )
        assert "Together AI" in dialog.problem_page.problem_next.text()
        assert window.project.jobs()[0]["job_id"] is None  # nothing was started

        qtbot.mouseClick(
            dialog.problem_page.problem_action, Qt.MouseButton.LeftButton
        )  # use Together
        assert dialog.pages.currentWidget() is dialog.choose_page
        assert dialog.choose_page.service.id == "together"
        assert "open to new accounts" in dialog.choose_page.availability_label.text()
        check(qtbot, dialog)
        # Together's size-band price: a few short examples cost less than a cent.
        assert dialog.estimate_page.estimate_values["cost"].text() == (
            "less than $0.01 — an estimate"
        )
        qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.price_page, timeout=TIMEOUT)
        assert (
            dialog.price_page.price_label.text()
            == "Together AI quotes less than $0.01 for this training."
        )
        assert together.create_bodies == []  # nothing starts before this second yes

        with qtbot.waitSignal(dialog.jobStarted, timeout=TIMEOUT) as started:
            qtbot.mouseClick(dialog.price_page.start_button, Qt.MouseButton.LeftButton)
        job = started.args[0]
        assert len(together.create_bodies) == 1
        view = window.training.views[("together", job.id)]
        qtbot.waitUntil(lambda: view.finished, timeout=TIMEOUT)
        assert view.status_panel.status_label.text() == "Done"
        assert view.result_box.model_edit.text() == together.jobs[job.id].output_name
        window.jobs_action.trigger()
        cost = window.training.jobs_view.model.index(0, COL_COST).data()
        assert cost == "less than $0.01 (Together AI’s quote)"


def test_stop_training_asks_first_then_cancels_the_job(
    qtbot, window, server, project_path, monkeypatch
):
    project = Project.open(project_path)
    provider = OpenAIProvider(KEY, base_url=server.url + "/v1")
    dataset = prepare(project, load_catalog().model(MODEL), "openai")
    job = start_training(project, provider, MODEL, TrainingOptions(), dataset)
    project.close()
    nap = threading.Event()  # the watcher looks once, then waits for the test
    monkeypatch.setattr(WatchView, "sleep", staticmethod(lambda _seconds: nap.wait(5)))
    assert window.open_project(project_path)
    window.jobs_action.trigger()
    view = window.training.watch("openai", job.id)
    qtbot.waitUntil(lambda: view.job is not None, timeout=TIMEOUT)
    assert view.stop_button.isVisible()

    qtbot.mouseClick(view.stop_button, Qt.MouseButton.LeftButton)
    box = view.stop_confirmation
    assert box.isVisible() and "cannot be carried on" in box.informativeText()
    keep, stop = (
        next(b for b in box.buttons() if b.text() == text)
        for text in ("Keep Training", "Stop Training")
    )
    assert box.defaultButton() is keep  # the safe choice is the default
    stop.click()
    qtbot.waitUntil(lambda: server.jobs[job.id].data["status"] == "cancelled", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.status_panel.status_label.text() == "Stopped", timeout=TIMEOUT)
    nap.set()
    qtbot.waitUntil(lambda: view.finished, timeout=TIMEOUT)
    assert not view.stop_button.isVisible()
    assert view.notice == "Training with OpenAI was stopped."
    assert window.project.jobs()[0]["status"] == "cancelled"
    assert window.training.jobs_view.model.index(0, COL_STATUS).data() == "Stopped"


# -- the pieces -----------------------------------------------------------------------------


def test_the_loss_chart_draws_each_step_once(qtbot) -> None:
    chart = LossChart()
    qtbot.addWidget(chart)
    assert "No loss figures yet" in chart.accessibleDescription()
    first = [MetricPoint(1, 2.0), MetricPoint(2, 1.5, 1.7)]
    assert chart.add_points(first) == 2
    assert chart.add_points([*first, MetricPoint(3, 1.2)]) == 1  # a second poll's overlap
    assert [p.step for p in chart.points()] == [1, 2, 3]
    assert chart.has_validation()
    assert chart.point_text(chart.points()[1]) == (
        "Step 2: training loss 1.500, validation loss 1.700"
    )
    assert chart.accessibleDescription().startswith(
        "Loss for 3 steps: training loss went from 2.00 at step 1 to 1.20 at step 3."
    )
    chart.resize(500, 240)
    picture = chart.grab()  # paints without trouble
    assert not picture.isNull()
    assert nice_ticks(1.93) == [0.0, 0.5, 1.0, 1.5, 2.0]


def test_job_states_in_plain_words() -> None:
    assert state_text("validating") == "Checking your file"
    assert state_text("queued") == "Waiting for a free machine"
    assert state_text("running", step=120, total_steps=300) == "Training — step 120 of about 300"
    assert state_text("running") == "Training"
    assert state_text("succeeded") == "Done"
    assert state_text("cancelled") == "Stopped"
    assert state_text("failed", error="The file had no examples.") == (
        "Failed: The file had no examples."
    )
    network = ProviderError(ProviderError.NETWORK, "The connection dropped.")
    assert next_step(network, "OpenAI").startswith("Check your internet connection")
    refused = ProviderError(ProviderError.NOT_ALLOWED, "No.")
    assert "Together AI" in next_step(refused, "OpenAI")


# -- screenshots (opt-in) --------------------------------------------------------------------


def _settle() -> None:
    for _ in range(3):  # let layouts settle (posted layout requests), without sleeping
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def test_screenshots(qtbot, window, server, tmp_path, monkeypatch, screenshot_folder: Path) -> None:
    from fineauthor.ui.shell.sample_project import sample_project_path

    folder = screenshot_folder
    projects = tmp_path / "projects"
    projects.mkdir()
    path = sample_project_path(projects)
    project = Project.open(path)
    project.update_settings(provider="openai", base_model=MODEL)
    project.close()

    # The train dialog at its estimate, over the main window, as the writer sees it.
    window.resize(1280, 800)
    assert window.open_project(path)
    report = window.view.report
    qtbot.waitUntil(lambda: report.runner.is_running() or report.is_busy(), timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: not report.is_busy() and not report.runner.is_pending(), timeout=TIMEOUT
    )
    window.train_action.trigger()
    dialog = window.training.train_dialog
    dialog.resize(760, 580)
    check(qtbot, dialog)
    _settle()
    picture = window.grab()
    assert (picture.width(), picture.height()) == (1280, 800)
    over = dialog.grab()
    where = QPoint((1280 - over.width()) // 2, (800 - over.height()) // 2)
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))  # a modal dialog sits over the window
    painter.drawPixmap(where, QPixmap(over))
    painter.setPen(QColor(0, 0, 0, 140))
    painter.drawRect(where.x() - 1, where.y() - 1, over.width() + 1, over.height() + 1)
    painter.end()
    picture.save(str(folder / "train.png"))

    # A watch window in the middle of a training.
    server.total_steps = 120
    server.steps_per_poll = 9
    nap = threading.Event()
    monkeypatch.setattr(WatchView, "sleep", staticmethod(lambda _seconds: nap.wait(10)))
    with qtbot.waitSignal(dialog.jobStarted, timeout=TIMEOUT) as started:
        qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
    job = started.args[0]
    window.training.views[("openai", job.id)].shutdown()  # a fresh one, opened mid-training
    window.training.views.clear()
    server.advance(job.id, looks=11)
    server.steps_per_poll = 0  # hold still while the picture is taken
    # The fake's clock stands still; a real service says when it expects to finish.
    server.jobs[job.id].data["estimated_finish"] = int(time.time()) + 25 * 60
    view = window.training.watch(job.provider, job.id)
    view.resize(1280, 800)
    qtbot.waitUntil(lambda: view.events_panel.checkpoints_list.count() > 0, timeout=TIMEOUT)
    _settle()
    picture = view.grab()
    assert (picture.width(), picture.height()) == (1280, 800)
    picture.save(str(folder / "watch.png"))
    view.shutdown()
    nap.set()
