"""The test bench with a Fireworks add-on, which runs only on a deployment of the writer's own,
against the fake Fireworks API over real HTTP: nothing starts without "Start it", replies wait
for the deployment to be ready, then come from the add-on through it (asked for as
"<model>#<deployment>"), and closing the bench stops it on the writer's say-so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

from fineauthor.core.project.project import Project
from fineauthor.providers import keys
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.bench.deployment_banner import DeploymentBanner
from fineauthor.ui.shell.document import ProjectDocument
from tests.fakes.fireworks_account import ACCOUNT_ID
from tests.fakes.fireworks_server import TUNABLE_MODELS, FakeFireworksServer
from tests.ui.bench.test_bench_deployment import answer_next_question

KEY = "fw_test-bench-deployment-key-0000"
BASE = TUNABLE_MODELS[0]
TRAINED = f"accounts/{ACCOUNT_ID}/models/hush-a1b2c3"


@pytest.fixture(autouse=True)
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFireworksServer]:
    backend = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    keys.forget_session_keys()
    monkeypatch.setattr(DeploymentBanner, "POLL_MS", 50)
    with FakeFireworksServer(api_key=KEY) as server:
        monkeypatch.setenv("FIREWORKS_BASE_URL", server.base_url)
        monkeypatch.setenv("FIREWORKS_API_KEY", KEY)
        monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", ACCOUNT_ID)
        yield server
    keyring.set_keyring(backend)


@pytest.fixture
def document(tmp_path: Path) -> Iterator[ProjectDocument]:
    project = Project.create(tmp_path / "Tidewrack.fineauthor", title="Tidewrack")
    project.update_settings(provider="fireworks", base_model=BASE)
    project.record_job(
        provider="fireworks",
        job_id="sft-1",
        model=BASE,
        status="succeeded",
        fine_tuned_model=TRAINED,
    )
    doc = ProjectDocument(project)
    yield doc
    doc.close()


def test_replies_come_from_the_add_on_through_its_deployment(
    qtbot, document: ProjectDocument, fake: FakeFireworksServer
) -> None:
    bench = BenchWindow(document)
    qtbot.addWidget(bench)
    bench.resize(1280, 800)
    bench.show()
    qtbot.waitExposed(bench)
    bench.blind_check.setChecked(False)
    bench.prompt_box.prompt_edit.setPlainText("The ferry leaves without Odile.")
    banner = bench.deployment
    qtbot.waitUntil(lambda: banner.isVisible() and banner.start_button.isEnabled())
    assert fake.deployments == {}  # nothing is rented before the writer says so
    assert not bench.run_button.isEnabled()

    qtbot.mouseClick(banner.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "It is ready." in banner.message.text(), timeout=10_000)
    qtbot.waitUntil(bench.run_button.isEnabled)
    with qtbot.waitSignal(bench.runEnded, timeout=10_000):
        qtbot.mouseClick(bench.run_button, Qt.MouseButton.LeftButton)

    (name,) = [d["name"] for d in fake.deployments.values()]
    assert {body["model"] for body in fake.chat_bodies} == {f"{TRAINED}#{name}", BASE}
    assert all(column.text() for column in bench._columns())
    answer_next_question("Stop it")
    bench.close()
    assert fake.deployments == {}
