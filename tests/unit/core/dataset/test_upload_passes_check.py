"""What FineAuthor uploads to a service passes FineAuthor's own check for that service, and the
weights the writer set reach the uploaded bytes. The bytes come from the code the app uses
(training/prepare.py, which calls export.training_bytes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.core.catalog import ModelInfo, load_catalog
from fineauthor.core.dataset.checks import CheckSettings, check_file
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Project
from fineauthor.training.prepare import prepare, prepare_file

SYSTEM = "You are Ash Marlowe, a hard-boiled narrator."
SERVICES = ["openai", "together", "fireworks"]


def model_of(service: str) -> ModelInfo:
    return next(m for m in load_catalog().models if m.provider == service)


def conversation(i: int) -> Example:
    """A two-turn example: the writer keeps the first answer as context only (weight 0) and
    trains on the last one (weight 1); every fourth example leaves the weights unset."""
    marked = i % 4 != 0
    return Example(
        (
            Message("system", SYSTEM),
            Message("user", f"Open scene {i} in the rain."),
            Message("assistant", f"Scene {i} opened wet.", 0 if marked else None),
            Message("user", "Now the getaway."),
            Message("assistant", f"Tyres hissed through scene {i}.", 1 if marked else None),
        )
    )


def project_with_weights(path: Path) -> Project:
    project = Project.create(path, title="Rain")
    project.update_settings(system_prompt=SYSTEM)
    for i in range(12):
        project.add_example(conversation(i))
    return project


def lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


@pytest.mark.parametrize("service", SERVICES)
def test_the_uploaded_bytes_pass_the_check_for_their_service(tmp_path, service) -> None:
    with project_with_weights(tmp_path / "rain.fineauthor") as project:
        dataset = prepare(project, model_of(service), service)
    upload = tmp_path / "upload.jsonl"
    upload.write_bytes(dataset.jsonl)
    report = check_file(upload, CheckSettings(model=model_of(service), service=service))
    assert report.errors == []
    assert report.examples == 12
    assert not [w for w in report.warnings if w.code == "nothing_to_learn"]


@pytest.mark.parametrize("service", SERVICES)
def test_the_weights_the_writer_set_reach_the_uploaded_bytes(tmp_path, service) -> None:
    with project_with_weights(tmp_path / "rain.fineauthor") as project:
        dataset = prepare(project, model_of(service), service)
    sent = lines(dataset.jsonl)
    answers = [
        [m.get("weight") for m in row["messages"] if m["role"] == "assistant"] for row in sent
    ]
    assert answers[1] == [0, 1]  # the writer's "context only" and "learn from this"
    assert answers[0] == [None, None]  # no weights set: the service's default (train on it)
    prompts = [m.get("weight") for m in sent[1]["messages"] if m["role"] != "assistant"]
    # Together would also train on prompts once any message has a weight, so they get 0.
    assert prompts == ([0, 0, 0] if service == "together" else [None, None, None])


def test_a_together_file_with_weighted_prompts_is_sent_as_it_was_checked(tmp_path) -> None:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Scene {i}.", "weight": 1},
                {"role": "assistant", "content": f"Rain {i}.", "weight": 1},
            ]
        }
        for i in range(3)
    ]
    path = tmp_path / "together.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dataset = prepare_file(path, model_of("together"), "together")
    assert lines(dataset.jsonl) == rows  # the prompt the file trains on stays trained on


def test_a_file_that_is_not_conversations_is_not_sent(tmp_path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"prompt": "Write.", "completion": "Rain."}) + "\n", "utf-8")
    with pytest.raises(FineAuthorError, match="FineAuthor trains from conversations"):
        prepare_file(path, model_of("together"), "together")
