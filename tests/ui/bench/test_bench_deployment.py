"""The test bench with a Together model that runs only on a server of the writer's own, against
the fake Together API over real HTTP: the price per hour is shown and nothing starts without
"Start it"; while it runs a banner says it is costing money and for how long; "Stop it" stops
it; closing the bench or the app asks (Stop / Keep it running / Cancel); and a server started
before is found again when the project is reopened.

``FINEAUTHOR_SCREENSHOTS=/tmp/benchshots pytest tests/ui/bench/test_bench_deployment.py -k
screenshot`` saves the bench with the banner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fineauthor.core.project.project import Project
from fineauthor.providers import keys
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.bench.deployment_banner import DeploymentBanner
from fineauthor.ui.shell.document import ProjectDocument
from fineauthor.ui.shell.main_window import MainWindow
from tests.fakes.together_server import FakeTogetherServer

KEY = "tgp_v1_fake-bench-deployment-key-0000"
TRAINED = "saltmarrow/Qwen3-8B-hush-7f3e2a"


@pytest.fixture(autouse=True)
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTogetherServer]:
    backend = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    keys.forget_session_keys()
    monkeypatch.setattr(DeploymentBanner, "POLL_MS", 50)
    with FakeTogetherServer(api_key=KEY) as server:
        monkeypatch.setenv("TOGETHER_BASE_URL", server.base_url)
        monkeypatch.setenv("TOGETHER_API_KEY", KEY)
        yield server
    keyring.set_keyring(backend)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    project = Project.create(tmp_path / "Tidewrack.fineauthor", title="Tidewrack")
    project.update_settings(provider="together", base_model="Qwen/Qwen3-8B")
    project.record_job(
        provider="together",
        job_id="ft-1",
        model="Qwen/Qwen3-8B",
        status="succeeded",
        fine_tuned_model=TRAINED,
    )
    project.close()
    return tmp_path / "Tidewrack.fineauthor"


@pytest.fixture
def document(path: Path) -> Iterator[ProjectDocument]:
    doc = ProjectDocument(Project.open(path))
    yield doc
    doc.close()


def open_bench(qtbot, document: ProjectDocument) -> BenchWindow:
    bench = BenchWindow(document)
    qtbot.addWidget(bench)
    bench.resize(1280, 800)
    bench.show()
    qtbot.waitExposed(bench)
    return bench


def offered(qtbot, bench: BenchWindow) -> DeploymentBanner:
    banner = bench.deployment
    qtbot.waitUntil(lambda: banner.isVisible() and banner.start_button.isEnabled())
    return banner


def start(qtbot, bench: BenchWindow) -> DeploymentBanner:
    banner = offered(qtbot, bench)
    qtbot.mouseClick(banner.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: banner.running and "Costing money" in banner.message.text())
    return banner


def answer_next_question(button_text: str) -> None:
    """Click ``button_text`` in the next question box, once it is up."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        (button,) = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(0, click)


def test_the_price_is_shown_and_nothing_starts_without_say_so(
    qtbot, document: ProjectDocument, fake: FakeTogetherServer
) -> None:
    bench = open_bench(qtbot, document)
    banner = offered(qtbot, bench)
    assert "server of your own" in banner.message.text()
    assert "about $3.99 an hour" in banner.message.text()
    assert fake.endpoints == {}
    assert not banner.stop_button.isVisible()


def test_start_it_shows_the_money_banner_until_ready(
    qtbot, document: ProjectDocument, fake: FakeTogetherServer
) -> None:
    bench = open_bench(qtbot, document)
    banner = start(qtbot, bench)
    assert len(fake.endpoints) == 1
    assert "has been running for less than a minute" in banner.message.text()
    assert "about $3.99 an hour" in banner.message.text()
    assert banner.stop_button.isVisible() and not banner.start_button.isVisible()
    qtbot.waitUntil(lambda: "It is ready." in banner.message.text())
    assert document.settings.deployment["model"] == TRAINED
    answer_next_question("Stop it")
    bench.close()
    assert fake.endpoints == {}


def test_run_waits_for_the_server_and_says_why(
    qtbot, document: ProjectDocument, fake: FakeTogetherServer
) -> None:
    bench = open_bench(qtbot, document)
    bench.prompt_box.prompt_edit.setPlainText("Odile meets the surveyor on the causeway.")
    offered(qtbot, bench)
    assert not bench.run_button.isEnabled()
    assert bench.run_button.toolTip() == "Your model needs its server first: press Start it above."
    banner = start(qtbot, bench)
    if "It is ready." not in banner.message.text():
        assert not bench.run_button.isEnabled()
        assert "still starting" in bench.run_button.toolTip()
    qtbot.waitUntil(lambda: "It is ready." in banner.message.text())
    qtbot.waitUntil(bench.run_button.isEnabled)
    answer_next_question("Stop it")
    bench.close()
    assert fake.endpoints == {}


def test_replies_come_from_the_trained_model_through_its_server(
    qtbot, document: ProjectDocument, fake: FakeTogetherServer
) -> None:
    bench = open_bench(qtbot, document)
    bench.blind_check.setChecked(False)
    bench.prompt_box.prompt_edit.setPlainText("Odile meets the surveyor on the causeway.")
    start(qtbot, bench)
    qtbot.waitUntil(bench.run_button.isEnabled)
    with qtbot.waitSignal(bench.runEnded, timeout=10_000):
        qtbot.mouseClick(bench.run_button, Qt.MouseButton.LeftButton)
    (endpoint,) = fake.endpoints.values()
    asked = {body["model"] for body in fake.chat_bodies}
    # The trained model is asked through its server by the server's name, the base directly.
    assert asked == {endpoint["name"], "Qwen/Qwen3-8B"}
    assert all(column.text() for column in bench._columns())
    answer_next_question("Stop it")
    bench.close()


def test_stop_it_stops_the_server(
    qtbot, document: ProjectDocument, fake: FakeTogetherServer
) -> None:
    bench = open_bench(qtbot, document)
    banner = start(qtbot, bench)
    qtbot.mouseClick(banner.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not banner.running)
    assert fake.endpoints == {}
    assert "costs nothing more" in banner.message.text()
    assert document.settings.deployment == {}


def test_closing_the_bench_asks_cancel_keep_and_stop(
    qtbot, document: ProjectDocument, fake: FakeTogetherServer
) -> None:
    bench = open_bench(qtbot, document)
    start(qtbot, bench)
    answer_next_question("Cancel")
    bench.close()
    assert bench.isVisible() and len(fake.endpoints) == 1

    answer_next_question("Keep it running")
    bench.close()
    assert not bench.isVisible() and len(fake.endpoints) == 1
    assert document.settings.deployment["id"] in fake.endpoints

    bench.show()
    answer_next_question("Stop it")
    bench.close()
    assert not bench.isVisible()
    assert fake.endpoints == {} and document.settings.deployment == {}


def test_a_running_server_is_found_again_after_reopening(
    qtbot, path: Path, fake: FakeTogetherServer
) -> None:
    first = ProjectDocument(Project.open(path))
    bench = open_bench(qtbot, first)
    start(qtbot, bench)
    answer_next_question("Keep it running")
    bench.close()
    first.close()

    again = ProjectDocument(Project.open(path))
    try:
        reopened = open_bench(qtbot, again)
        banner = reopened.deployment
        qtbot.waitUntil(lambda: "It is ready." in banner.message.text())
        assert "Costing money" in banner.message.text() and banner.stop_button.isVisible()
        answer_next_question("Stop it")
        reopened.close()
        assert fake.endpoints == {}
    finally:
        again.close()


def test_quitting_the_app_asks_about_a_running_server(
    qtbot, path: Path, fake: FakeTogetherServer
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(path)
    window.show_bench_window()
    (bench,) = window.findChildren(BenchWindow)
    start(qtbot, bench)
    answer_next_question("Cancel")
    window.close()
    assert window.isVisible() and len(fake.endpoints) == 1
    answer_next_question("Stop it")
    window.close()
    assert not window.isVisible() and fake.endpoints == {}


def test_screenshot_of_the_bench_with_the_banner(
    qtbot, document: ProjectDocument, screenshot_folder: Path
) -> None:
    bench = open_bench(qtbot, document)
    banner = start(qtbot, bench)
    qtbot.waitUntil(lambda: "It is ready." in banner.message.text())
    target = screenshot_folder / "bench-deployment-running.png"
    assert bench.grab().save(str(target))
    assert target.stat().st_size > 0
    answer_next_question("Stop it")
    bench.close()
