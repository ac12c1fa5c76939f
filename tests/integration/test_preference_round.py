"""A second round that learns from the writer's choices, end to end through ``fineauthor train
--method preference`` against the fake Together and Fireworks APIs over real HTTP: the file
sent holds exactly the project's choices, the job asks for DPO at the preference price, it
builds on the model the first round trained (said plainly, and plainly when it cannot), and
pressing train again picks the same job up instead of starting a second."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.cli.main import main
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.export import preference_bytes
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PreferencePair
from fineauthor.core.project.project import Project
from fineauthor.providers.registry import open_provider
from fineauthor.training import watch as watching
from fineauthor.training.attempts import record_progress
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.fakes.together_server import TRAINABLE_MODELS, FakeTogetherServer
from tests.integration.fireworks.fireworks_setup import ACCOUNT
from tests.integration.fireworks.fireworks_setup import KEY as FIREWORKS_KEY
from tests.integration.fireworks.fireworks_setup import MODEL as FIREWORKS_MODEL

TOGETHER_KEY = "tgp_v1_preference-round-test-key-0123456789"
TOGETHER_MODEL = TRAINABLE_MODELS[0]


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTogetherServer]:
    with FakeTogetherServer(api_key=TOGETHER_KEY) as fake:
        monkeypatch.setenv("TOGETHER_BASE_URL", fake.base_url)
        monkeypatch.setenv("TOGETHER_API_KEY", TOGETHER_KEY)
        monkeypatch.setattr(watching, "FIRST_DELAY", 0.01)
        yield fake


@pytest.fixture
def fireworks(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFireworksServer]:
    with FakeFireworksServer(api_key=FIREWORKS_KEY, account=ACCOUNT) as fake:
        monkeypatch.setenv("FIREWORKS_BASE_URL", fake.base_url)
        monkeypatch.setenv("FIREWORKS_API_KEY", FIREWORKS_KEY)
        monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", ACCOUNT)
        yield fake


def choice(n: int) -> PreferencePair:
    return PreferencePair(
        messages=(
            Message("system", "You write as Saltmarrow Hush."),
            Message("user", f"Scene {n}: Élodie waits at the quay. About 40 words."),
        ),
        preferred=f"“Not yet,” she said, and the tide came on over the stones — {n}.",
        other=f"She waited for the boat and felt sad about it, number {n}.",
        preferred_model="you/hush-v1",
        other_model=TOGETHER_MODEL,
        source=BLIND_CHOICE,
    )


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "saltmarrow.fineauthor"
    with Project.create(path, title="Saltmarrow") as project:
        for n in range(12):
            project.add_example(
                Example(
                    (
                        Message("user", f"Scene {n}: the harbour at dusk."),
                        Message("assistant", "The fog came in over the quay. " * 8),
                    )
                )
            )
        project.preferences.insert(None, [choice(n) for n in range(1, 5)])
    return path


def train(path: Path, provider: str, model: str, *extra: str) -> int:
    command = ["train", str(path), "--provider", provider, "--model", model, "--yes", "--json"]
    return main([*command, *extra])


def events(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def messages(out: list[dict]) -> list[str]:
    return [line["message"] for line in out if line["event"] == "message"]


def finish_first_round(path: Path, job_id: str) -> str:
    """Watch the first training to its end, as the app's watch view does, so the project's
    history knows the model it made."""
    provider = open_provider("together", TOGETHER_KEY)
    for _ in range(60):
        job = provider.get_job(job_id)
        if job.finished:
            break
    assert job.fine_tuned_model
    with Project.open(path) as project:
        record_progress(project, job)
    return job.fine_tuned_model


def test_a_round_of_choices_on_together_builds_on_the_first_model(
    together: FakeTogetherServer, project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train(project_path, "together", TOGETHER_MODEL) == 0
    first_job = events(capsys)[-1]["job_id"]
    first_model = finish_first_round(project_path, first_job)

    assert train(project_path, "together", TOGETHER_MODEL, "--method", "preference") == 0
    out = events(capsys)
    said = messages(out)
    assert said[0] == (
        f"This round builds on your trained model {first_model}, made from Llama 3.1 8B Instruct."
    )
    assert said[1].startswith("estimated cost: about $")
    assert out[-2] == {
        "event": "uploaded",
        "file_id": out[-2]["file_id"],
    }
    second_job = out[-1]["job_id"]
    assert second_job != first_job

    # The file holds exactly the project's choices, in the format the services train on.
    with Project.open(project_path) as project:
        expected = preference_bytes(project.preferences.all())
        rows = project.jobs()
    assert together.files[out[-2]["file_id"]].data == expected
    body = together.create_bodies[-1]
    assert body["training_method"] == {"method": "dpo"}
    assert body["from_checkpoint"] == first_model and "model" not in body
    assert rows[-1]["detail"]["options"]["method"] == "preference"
    assert rows[-1]["detail"]["options"]["from_model"] == first_model
    # The estimate uses the preference price: dearer per token than the first round's.
    first, second = rows[0]["detail"]["estimate"], rows[-1]["detail"]["estimate"]
    assert second["cost_usd"] / second["billed_tokens"] > first["cost_usd"] / first["billed_tokens"]

    # Pressing train again picks the same job up: nothing is sent twice.
    assert train(project_path, "together", TOGETHER_MODEL, "--method", "preference") == 0
    assert events(capsys)[-1]["job_id"] == second_job
    assert len(together.create_bodies) == 2


def test_fireworks_starts_from_the_base_model_when_nothing_was_trained_there(
    fireworks: FakeFireworksServer, project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["train", str(project_path), "--provider", "fireworks", "--model", FIREWORKS_MODEL]
    assert main([*command, "--method", "preference", "--yes"]) == 0
    said = capsys.readouterr().out.splitlines()
    base = "Llama 3.1 8B Instruct (Fireworks)"
    assert said[0] == (
        f"This project has no model trained on Fireworks AI from {base} yet, so this round "
        f"starts from {base} itself."
    )
    assert said[1].startswith("4 choices, ")
    assert "on Fireworks AI at its preference-training price (an estimate)." in said[1]
    assert said[2].startswith("Uploaded the choices (")
    (body,) = fireworks.dpo_bodies
    assert body["trainingConfig"]["baseModel"] == FIREWORKS_MODEL
    assert "warmStartFrom" not in body["trainingConfig"]
    assert body["lossConfig"]["method"] == "DPO"
    assert fireworks.create_bodies == []  # no supervised job was asked for


def test_choices_with_problems_are_not_sent(
    together: FakeTogetherServer, project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(project_path) as project:
        second = project.preferences.all()[1]
        same = PreferencePair(second.messages, second.preferred, second.preferred, id=second.id)
        project.preferences.update(same)
    code = train(project_path, "together", TOGETHER_MODEL, "--method", "preference")
    assert code != 0
    err = capsys.readouterr().err
    assert "Training can’t start yet" in err
    assert "Choice 2: the two replies are the same" in err
    assert together.files == {} and together.create_bodies == []


def test_a_plain_file_cannot_be_a_round_of_choices(
    together: FakeTogetherServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "examples.jsonl"
    source.write_text('{"messages": []}\n', encoding="utf-8")
    assert train(source, "together", TOGETHER_MODEL, "--method", "preference") != 0
    assert "learns from a project's choices" in capsys.readouterr().err
    assert together.files == {}
