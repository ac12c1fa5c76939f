"""The real app is killed in the middle of sending the examples — SIGKILL, nothing tidied up —
and the app started again trains from the Train dialog without a second job.

The fake OpenAI server runs in this process. A child process (``sys.executable`` running a small
script) runs FineAuthor itself off screen, with its own home and the environment pointing at the
fake: ``create_application``, ``MainWindow``, the project opened, Train ▸ Train a Model…, Check
My Examples, Send and Train — the writer's own steps, through the dialog's buttons. The examples
go in small parts (OpenAI's Uploads API, as for a big file). The fake stores the second part and
then holds its reply, telling the test it is holding it: the child's upload is stuck right there,
waiting for that reply, when the test kills it. So the kill lands exactly mid-upload, every time,
whatever the load on the machine.

Then the app "restarts" in this process: a new main window opens the same project, and the
writer trains again through the Train dialog. The fake's request log has exactly one job
creation, the project's history has one attempt (the interrupted one, picked up again) with that
job's id, and the watch window follows the job to success. The killed app also left the project
file whole: it opens, and SQLite's integrity check says ok.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.job_history import key_fingerprint
from fineauthor.core.project.project import Project
from fineauthor.training.attempts import UPLOADING
from fineauthor.ui.shell.main_window import MainWindow
from fineauthor.ui.training import train_choose_page
from fineauthor.ui.training.watch_view import WatchView
from tests.fakes.openai_holding import HoldingOpenAI
from tests.paths import REPO_ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

KEY = "sk-test-app-killed-mid-upload-key-000000"
MODEL = "gpt-4.1-mini-2025-04-14"
PART_SIZE = 512  # bytes per upload part in the child: the examples need several parts
# Bounds, generous for a loaded machine and never reached when things work.
CHILD_MS = 60_000  # for the child to start, check and reach the held part
STEP_MS = 30_000  # for each step of the restarted app
HOLD_SECONDS = 90.0  # the fake holds the part at most this long
WATCHDOG_MS = 120_000  # the child quits on its own after this, should the test be gone

CHILD = """
import sys
from pathlib import Path

from datetime import date

from PySide6.QtCore import QTimer

from fineauthor.providers.openai import uploads as openai_provider
from fineauthor.ui.shell.app import create_application
from fineauthor.ui.shell.main_window import MainWindow
from fineauthor.ui.training import train_choose_page

project_path, part_size, watchdog_ms = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
train_choose_page.clock = lambda: date(2026, 12, 2)  # a day OpenAI still takes new training
# Send in small parts (OpenAI's Uploads API), as the app does with a big file.
openai_provider.UPLOADS_API_THRESHOLD = 0
openai_provider.UPLOAD_PART_SIZE = part_size


def say(line):
    print(line, flush=True)


app = create_application([sys.argv[0]])
window = MainWindow()
window.show()
if not window.open_project(project_path):
    say("could not open the project: " + window.start_page.message_label.text())
    sys.exit(2)
window.train_action.trigger()  # Train > Train a Model...
dialog = window.training.train_dialog
uploading = []


def page_changed(_index):
    page = dialog.pages.currentWidget()
    if page is dialog.estimate_page:
        say("estimate: " + dialog.estimate_page.confirm_label.text())
        QTimer.singleShot(0, dialog.estimate_page.send_button.click)  # the writer says yes
    elif page is dialog.sending_page:
        say("sending page shown")
    elif page in (dialog.problem_page, dialog.refused_page):
        problem = dialog.problem_page
        say("stopped: " + problem.problem_title.text() + " " + problem.problem_message.text())
        app.exit(2)


def progressed(sent):
    if sent > 0 and not uploading:
        uploading.append(sent)
        say(f"upload started: {sent} of {dialog.sending_page.upload_bar.maximum()} bytes")


def job_started(job):
    say(f"job started: {job.id} (the test should have killed this process before now)")
    app.exit(3)


def watchdog():
    say("watchdog: nobody killed this process")
    app.exit(4)


dialog.pages.currentChanged.connect(page_changed)
dialog.sending_page.upload_bar.valueChanged.connect(progressed)
dialog.jobStarted.connect(job_started)
QTimer.singleShot(0, dialog.choose_page.check_button.click)  # Check My Examples
QTimer.singleShot(watchdog_ms, watchdog)
say("app started")
sys.exit(app.exec())
"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HoldingOpenAI]:
    """The fake OpenAI; both the child app and this process reach it through the environment."""
    with HoldingOpenAI(api_key=KEY, hold_seconds=HOLD_SECONDS) as fake:
        fake.hold_part = 2
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
        # The fake moves a job on each time it is looked at: no nap is needed between looks.
        monkeypatch.setattr(WatchView, "sleep", staticmethod(lambda _seconds: None))
        # A day OpenAI still takes new training (it stops on 6 January 2027).
        monkeypatch.setattr(train_choose_page, "clock", lambda: date(2026, 12, 2))
        yield fake
        fake.release.set()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "tidewrack.fineauthor"
    project = Project.create(path, title="Tidewrack")
    project.update_settings(
        system_prompt="You are Saltmarrow Hush.",
        style_name="Saltmarrow Hush",
        provider="openai",
        base_model=MODEL,
    )
    for n in range(12):
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


def run_app_and_kill_it_mid_upload(qtbot, server: HoldingOpenAI, path: Path, folder: Path) -> str:
    """Start the app in a child process, let it train until the fake holds the second upload
    part, SIGKILL it there, and return what it printed."""
    script = folder / "fineauthor_child.py"
    script.write_text(CHILD, encoding="utf-8")
    out_path, err_path = folder / "child.out", folder / "child.err"
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "FINEAUTHOR_HOME": str(folder / "child-home"),  # not the home of this process
        "OPENAI_BASE_URL": server.url + "/v1",
        "OPENAI_API_KEY": KEY,
    }
    environment.pop("TOGETHER_API_KEY", None)

    def printed() -> str:
        return out_path.read_text(encoding="utf-8", errors="replace")

    def said() -> str:
        return printed() + err_path.read_text(encoding="utf-8", errors="replace")

    with out_path.open("wb") as out, err_path.open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, str(script), str(path), str(PART_SIZE), str(WATCHDOG_MS)],
            cwd=REPO_ROOT,
            env=environment,
            stdout=out,
            stderr=err,
        )
    try:
        # Held mid-upload, or the child gave up: whichever comes first.
        qtbot.waitUntil(
            lambda: (
                (server.holding.is_set() and "upload started" in printed())
                or child.poll() is not None
            ),
            timeout=CHILD_MS,
        )
        if child.poll() is not None:
            pytest.fail(f"the app ended before the held moment (exit {child.returncode})")
        child.send_signal(signal.SIGKILL)
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=STEP_MS)
        assert child.returncode == -signal.SIGKILL
    except BaseException:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        print(said(), file=sys.stderr)  # shown by pytest when the test fails
        raise
    server.release.set()  # the held reply goes to a process that no longer exists
    qtbot.waitUntil(server.logged.is_set, timeout=STEP_MS)
    return printed()


def open_whole(path: Path) -> list[dict[str, Any]]:
    """Open the project as the app does, read it all, and have SQLite check every page."""
    project = Project.open(path)
    try:
        assert len(list(project.examples())) == 12
        rows = project.jobs()
    finally:
        project.close()
    with contextlib.closing(sqlite3.connect(path)) as database:
        assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return rows


def test_app_killed_mid_upload_then_restarted_trains_one_job(qtbot, server, project_path, tmp_path):
    printed = run_app_and_kill_it_mid_upload(qtbot, server, project_path, tmp_path)

    # The child really was the app, past the writer's confirmation, in the middle of sending.
    assert "estimate: Send your 12 examples to OpenAI and start training?" in printed
    assert "sending page shown" in printed
    started = next(line for line in printed.splitlines() if line.startswith("upload started"))
    sent, total = (int(word) for word in started.split() if word.isdigit())
    assert 0 < sent < total
    assert "job started" not in printed

    # The service has a half-sent upload and no file; nobody asked for a job.
    (upload,) = server.uploads.values()
    assert upload["status"] == "pending" and upload["bytes"] == total > 2 * PART_SIZE
    assert server.count("POST", "/v1/uploads/{upload_id}/parts") == 2
    assert server.count("POST", "/v1/uploads/{upload_id}/complete") == 0
    assert server.files == {}
    assert server.count("POST", "/v1/fine_tuning/jobs") == 0

    # The killed app left the project whole, knowing only that sending had begun, and to
    # which address and account (by the key's fingerprint, never the key).
    (killed,) = open_whole(project_path)
    assert killed["status"] == UPLOADING and not killed["file_id"] and not killed["job_id"]
    assert (killed["base_url"], killed["key_fingerprint"]) == (
        server.url + "/v1",
        key_fingerprint(KEY),
    )
    assert KEY.encode() not in project_path.read_bytes()

    # The app starts again and the writer trains again, the same way.
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert window.open_project(project_path)
        assert window.training.views == {}  # no job yet, so nothing to carry on watching
        window.train_action.trigger()
        dialog = window.training.train_dialog
        assert dialog is not None and dialog.isVisible()
        assert (dialog.choose_page.service.id, dialog.choose_page.model.id) == ("openai", MODEL)
        stopped = (dialog.problem_page, dialog.refused_page)

        qtbot.mouseClick(dialog.choose_page.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: dialog.pages.currentWidget() in (dialog.estimate_page, *stopped),
            timeout=STEP_MS,
        )
        assert dialog.pages.currentWidget() is dialog.estimate_page, (
            dialog.problem_page.problem_message.text()
        )

        jobs: list[Any] = []
        window.training.jobStarted.connect(jobs.append)
        qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
        # Once the job has started the dialog closes (and is deleted): look at it only before.
        qtbot.waitUntil(
            lambda: bool(jobs) or dialog.pages.currentWidget() in stopped, timeout=STEP_MS
        )
        assert jobs, (
            dialog.problem_page.problem_title.text()
            + " "
            + dialog.problem_page.problem_message.text()
        )
        (job,) = jobs

        # Exactly one job, ever, on the complete examples.
        assert server.count("POST", "/v1/fine_tuning/jobs") == 1
        # (The watch window is already looking: a result file may appear once the job is done.)
        (file_id,) = (i for i, f in server.files.items() if f["purpose"] == "fine-tune")
        assert server.job_requests[0]["training_file"] == file_id
        assert [j for j in server.jobs.values() if j.data["training_file"] == file_id] == [
            server.jobs[job.id]
        ]
        content = server.file_contents[file_id]
        assert len(content) == total
        assert hashlib.sha256(content).hexdigest() == killed["dataset_sha256"]

        # The watch window follows it to the end.
        view = window.training.views[("openai", job.id)]
        assert view.isVisible()
        qtbot.waitUntil(lambda: view.finished, timeout=STEP_MS)
        assert view.status_panel.status_label.text() == "Done"
        model_id = server.jobs[job.id].data["fine_tuned_model"]
        assert model_id and view.result_box.model_edit.text() == model_id

        # One attempt in the history: the interrupted one, carried on, with that job.
        (row,) = window.project.jobs()
        assert (row["id"], row["job_id"], row["file_id"]) == (killed["id"], job.id, file_id)
        assert (row["status"], row["fine_tuned_model"]) == ("succeeded", model_id)
        assert server.count("POST", "/v1/fine_tuning/jobs") == 1
    finally:
        window.close()
