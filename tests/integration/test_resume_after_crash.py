"""The app dies in the middle of training — killed with SIGKILL, nothing tidied up — and the next
press of Train carries on without a second job.

A child process (``sys.executable`` running a small script) calls ``start_training`` on a real
project file against the fake OpenAI server over real HTTP. The fake holds one reply at the
chosen moment and tells the test it is holding it, so the kill lands exactly there:

* **mid-upload**: the examples go in small parts (OpenAI's Uploads API, as for a big file);
  the fake has the second part and holds its reply, so the upload is never completed;
* **after the job was created, before the project recorded it**: the fake has created the job
  and holds the reply to the creation (a slow response), so the child never learns the job id.

Then ``start_training`` runs again in this process, as the reopened app would: exactly one job
exists on the fake for the file (its request log has one job creation), and the project's
history holds one attempt, with that job's id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.providers.base import TrainingOptions
from fineauthor.providers.openai.service import OpenAIProvider
from fineauthor.training.attempts import CREATING, UPLOADING, start_training
from fineauthor.training.prepare import prepare
from tests.fakes.openai_holding import HoldingOpenAI
from tests.paths import REPO_ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

KEY = "sk-test-resume-after-crash-key-00000000"
MODEL = "gpt-4.1-mini-2025-04-14"
WAIT = 30.0  # seconds; generous for a slow machine, never reached when things work

CHILD = """
import os, sys
from fineauthor.core.catalog import load_catalog
from fineauthor.core.project.project import Project
from fineauthor.providers.openai import uploads as openai_provider
from fineauthor.providers.base import TrainingOptions
from fineauthor.providers.registry import open_provider
from fineauthor.training.attempts import start_training
from fineauthor.training.prepare import prepare

path, model, in_parts = sys.argv[1], sys.argv[2], sys.argv[3] == "parts"
if in_parts:  # send the file in small parts, as the app does with a big one
    openai_provider.UPLOADS_API_THRESHOLD = 0
    openai_provider.UPLOAD_PART_SIZE = 512
project = Project.open(path)
dataset = prepare(project, load_catalog().model(model), "openai")
provider = open_provider("openai", os.environ["OPENAI_API_KEY"])
start_training(project, provider, model, TrainingOptions(suffix="saltmarrow"), dataset)
print("finished: the test should have killed this process before now", flush=True)
"""


@pytest.fixture
def server() -> Iterator[HoldingOpenAI]:
    with HoldingOpenAI(api_key=KEY, hold_seconds=WAIT) as fake:
        yield fake
        fake.release.set()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "tidewrack.fineauthor"
    project = Project.create(path, title="Tidewrack")
    project.update_settings(system_prompt="You are Saltmarrow Hush.", style_name="Saltmarrow Hush")
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
    project.close()
    return path


def train_and_kill(server: HoldingOpenAI, project_path: Path, tmp_path: Path, hold: str) -> None:
    """Run training in a child process and SIGKILL it while the fake holds ``hold``."""
    script = tmp_path / "train_child.py"
    script.write_text(CHILD, encoding="utf-8")
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "OPENAI_BASE_URL": server.url + "/v1",
        "OPENAI_API_KEY": KEY,
        "FINEAUTHOR_HOME": str(tmp_path / "child-home"),
    }
    if hold == "part":
        server.hold_part = 2
    else:
        server.hold_job = True
    child = subprocess.Popen(
        [sys.executable, str(script), str(project_path), MODEL, "parts" if hold == "part" else ""],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        held = server.holding.wait(WAIT)
        if not held:
            child.kill()
            out, err = child.communicate()
            pytest.fail(f"the child never reached the held moment:\n{out.decode()}{err.decode()}")
        child.send_signal(signal.SIGKILL)
        assert child.wait(WAIT) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    server.release.set()  # the held reply goes to a process that no longer exists
    assert server.logged.wait(WAIT)


def train_again(project_path: Path, server: HoldingOpenAI):
    """What the reopened app does when the writer presses Train again."""
    project = Project.open(project_path)
    try:
        dataset = prepare(project, load_catalog().model(MODEL), "openai")
        provider = OpenAIProvider(KEY, base_url=server.url + "/v1", timeout=10)
        job = start_training(
            project, provider, MODEL, TrainingOptions(suffix="saltmarrow"), dataset
        )
        return job, project.jobs()
    finally:
        project.close()


def history(project_path: Path) -> list[dict[str, Any]]:
    project = Project.open(project_path)
    try:
        return project.jobs()
    finally:
        project.close()


def test_killed_mid_upload_then_trained_again_makes_one_job(server, project_path, tmp_path):
    train_and_kill(server, project_path, tmp_path, "part")

    # The upload was cut off: the service has an unfinished upload and no file, and the
    # project knows only that sending had begun.
    (row,) = history(project_path)
    assert row["status"] == UPLOADING and not row["file_id"] and not row["job_id"]
    assert server.files == {}
    assert server.count("POST", "/v1/uploads/{upload_id}/parts") == 2
    assert server.count("POST", "/v1/uploads/{upload_id}/complete") == 0
    assert server.count("POST", "/v1/fine_tuning/jobs") == 0

    job, rows = train_again(project_path, server)

    assert server.count("POST", "/v1/fine_tuning/jobs") == 1  # exactly one job, ever
    (file_id,) = server.files
    assert [j for j in server.jobs.values() if j.data["training_file"] == file_id] == [
        server.jobs[job.id]
    ]
    assert len(rows) == 1  # the interrupted attempt, picked up again, not a second one
    assert (rows[0]["id"], rows[0]["job_id"], rows[0]["file_id"]) == (row["id"], job.id, file_id)


def test_killed_after_the_job_was_created_finds_it_instead_of_a_second(
    server, project_path, tmp_path
):
    train_and_kill(server, project_path, tmp_path, "job")

    # The service made the job, but the child died before hearing its id.
    (row,) = history(project_path)
    assert row["status"] == CREATING and row["file_id"] and not row["job_id"]
    assert server.count("POST", "/v1/fine_tuning/jobs") == 1
    (made,) = server.jobs

    job, rows = train_again(project_path, server)

    assert job.id == made
    assert server.count("POST", "/v1/fine_tuning/jobs") == 1  # still one: found, not repeated
    assert [j for j in server.jobs.values() if j.data["training_file"] == row["file_id"]] == [
        server.jobs[made]
    ]
    assert len(server.files) == 1  # nor was anything sent twice
    assert len(rows) == 1
    assert (rows[0]["id"], rows[0]["job_id"], rows[0]["status"]) == (row["id"], made, "validating")
