"""The ``train`` command in real life (DESIGN §6): ``--new`` for a fresh attempt, OpenAI refused
for new training from the day it takes no more (a fixed clock), with what was already trained
there still listed, and a lost answer to the creation said truthfully."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fineauthor.cli import training as cli_training
from fineauthor.cli.main import main
from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.training import attempts
from fineauthor.training import watch as watching
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-test-train-command-key-000000000000"
MODEL = "gpt-4.1-mini-2025-04-14"
BEFORE, CLOSING_DAY = date(2027, 1, 5), date(2027, 1, 6)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setattr(cli_training, "today", lambda: BEFORE)
        monkeypatch.setattr(watching, "FIRST_DELAY", 0.01)  # poll briskly: the fake is instant
        yield fake


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "tidewrack.fineauthor"
    with Project.create(path, title="Tidewrack") as project:
        for n in range(12):
            project.add_example(
                Example(
                    (
                        Message("user", f"Scene {n}: the causeway at dusk."),
                        Message("assistant", f"Water over the stones, number {n}, and a gull."),
                    )
                )
            )
    return path


def train(project_path: Path, *extra: str) -> int:
    command = ["train", str(project_path), "--provider", "openai", "--model", MODEL, "--yes"]
    return main([*command, "--json", *extra])


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_train_new_always_starts_a_fresh_attempt(server, project_path, capsys):
    assert train(project_path) == 0
    first = lines(capsys.readouterr().out)[-1]["job_id"]
    assert train(project_path) == 0
    assert lines(capsys.readouterr().out)[-1]["job_id"] == first  # picked up, not repeated

    assert train(project_path, "--new") == 0

    out = lines(capsys.readouterr().out)
    fresh = out[-1]["job_id"]
    assert fresh != first and set(server.jobs) == {first, fresh}
    assert len(server.files) == 2
    assert any("fresh attempt" in line.get("message", "") for line in out)


def test_openai_is_refused_for_new_training_from_its_closing_day(
    server, project_path, capsys, monkeypatch
):
    assert train(project_path) == 0  # still offered the day before
    job_id = lines(capsys.readouterr().out)[-1]["job_id"]
    monkeypatch.setattr(cli_training, "today", lambda: CLOSING_DAY)
    asked = server.count()

    assert train(project_path, "--new") == 2

    err = capsys.readouterr().err
    assert "OpenAI takes no new training since 6 January 2027" in err
    assert "--provider together" in err and "Traceback" not in err
    assert "14 January 2027" in err  # what was trained there works until then
    assert len(err.strip().splitlines()) == 1
    assert server.count() == asked  # nothing was asked of the service
    # What was already trained there is still listed, and still followed.
    assert main(["jobs", "--provider", "openai", "--json"]) == 0
    assert [line["job_id"] for line in lines(capsys.readouterr().out)] == [job_id]
    assert main(["watch", job_id, "--provider", "openai", "--json"]) == 0


def test_the_closing_day_comes_from_the_catalog():
    openai = load_catalog().provider("openai")
    assert openai.new_jobs_end == CLOSING_DAY
    assert openai.takes_new_jobs(BEFORE) and not openai.takes_new_jobs(CLOSING_DAY)
    assert load_catalog().provider("together").takes_new_jobs(date(2030, 1, 1))


def test_a_lost_creation_never_found_is_said_truthfully(server, project_path, capsys, monkeypatch):
    monkeypatch.setattr(attempts, "LOST_REPLY_WAITS", (0.0, 0.0, 0.0))  # no waiting here
    server.fail_next("POST", "/v1/fine_tuning/jobs", status=500)

    assert train(project_path) == 2

    err = capsys.readouterr().err
    assert "may have started it anyway" in err and "looked for it 3 times" in err
    assert "nothing is lost" not in err.lower() and "nothing was lost" not in err.lower()
    assert server.jobs == {}


def test_the_estimate_is_for_the_passes_asked_for(server, project_path, capsys):
    def estimate_line(*extra: str) -> str:
        command = ["train", str(project_path), "--provider", "openai", "--model", MODEL]
        assert main([*command, "--yes", *extra]) == 0
        return next(line for line in capsys.readouterr().out.splitlines() if "billed" in line)

    def billed(line: str) -> int:
        return int(line.split(" billed tokens", maxsplit=1)[0].rsplit(" ", 1)[-1].replace(",", ""))

    twice = estimate_line("--epochs", "2")
    six = estimate_line("--epochs", "6", "--new")

    assert "over 2 passes" in twice and "over 6 passes" in six
    assert billed(six) == 3 * billed(twice) > 0
    last = server.jobs[server.job_order[-1]]
    assert last.data["hyperparameters"]["n_epochs"] == 6  # the service is asked for them too
