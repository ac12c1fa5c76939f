"""``fineauthor check FILE --model M`` judges the file by the rules of M's service (DESIGN §3),
with the error codes and exit statuses of DESIGN §6."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.cli.main import main
from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project


def model_id(service: str) -> str:
    return next(m.id for m in load_catalog().models if m.provider == service)


def chat(i: int, prompt_weight: int | None = None) -> dict:
    prompt = {"role": "user", "content": f"Write scene {i}: the docks at night."}
    if prompt_weight is not None:
        prompt["weight"] = prompt_weight
    return {"messages": [prompt, {"role": "assistant", "content": f"Scene {i}. Fog, then oars."}]}


def check(tmp_path: Path, capsys, rows: list[dict], service: str) -> tuple[int, dict]:
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    status = main(["check", str(path), "--model", model_id(service), "--json"])
    return status, json.loads(capsys.readouterr().out)


def codes(data: dict) -> set[str]:
    return {e["code"] for e in data["errors"]}


@pytest.mark.parametrize(
    ("service", "status", "expected"),
    [("together", 0, set()), ("fireworks", 0, set()), ("openai", 1, {"too_few_examples"})],
)
def test_three_examples(tmp_path, capsys, service, status, expected) -> None:
    found, data = check(tmp_path, capsys, [chat(i) for i in range(3)], service)
    assert (found, codes(data)) == (status, expected)


@pytest.mark.parametrize(
    ("service", "status", "expected"),
    [
        ("together", 0, set()),
        ("openai", 1, {"invalid_weight"}),
        ("fireworks", 1, {"invalid_weight"}),
    ],
)
def test_a_prompt_with_weight_0(tmp_path, capsys, service, status, expected) -> None:
    found, data = check(tmp_path, capsys, [chat(i, prompt_weight=0) for i in range(12)], service)
    assert (found, codes(data)) == (status, expected)


@pytest.mark.parametrize(("service", "status"), [("together", 0), ("openai", 1), ("fireworks", 1)])
def test_a_prompt_and_completion_file(tmp_path, capsys, service, status) -> None:
    rows = [{"prompt": f"Scene {i}.", "completion": f"Fog {i}."} for i in range(12)]
    found, data = check(tmp_path, capsys, rows, service)
    assert found == status
    assert codes(data) == (set() if status == 0 else {"missing_messages_list"})
    assert data["tokens"]["total"] > 0 if status == 0 else data["tokens"]["total"] == 0


def test_text_parts_pass_for_openai_and_an_extra_key_fails_for_together(tmp_path, capsys) -> None:
    rows = [chat(i) for i in range(12)]
    for row in rows:
        row["messages"][1]["content"] = [{"type": "text", "text": "Fog, then oars."}]
    assert check(tmp_path, capsys, rows, "openai")[0] == 0
    tagged = [{**chat(i), "id": i} for i in range(12)]
    found, data = check(tmp_path, capsys, tagged, "together")
    assert (found, codes(data)) == (1, {"example_unrecognized_key"})
    assert data["errors"][0]["line"] == 1


def test_a_line_that_teaches_nothing_is_a_warning_with_its_line(tmp_path, capsys) -> None:
    rows = [chat(i) for i in range(3)]
    rows[1]["messages"][1]["weight"] = 0
    found, data = check(tmp_path, capsys, rows, "together")
    assert found == 0
    flagged = [w for w in data["warnings"] if w["code"] == "nothing_to_learn"]
    assert [w["line"] for w in flagged] == [2]
    assert "teaches the model nothing" in flagged[0]["message"]


def test_the_text_report_names_the_service(tmp_path, capsys) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(chat(0)) + "\n", encoding="utf-8")
    assert main(["check", str(path), "--model", model_id("fireworks")]) == 1
    out = capsys.readouterr().out
    assert "1 example, for" in out and "by Fireworks AI’s rules." in out
    assert "There is 1 example; Fireworks AI needs at least 3 examples to train" in out


def test_a_project_is_checked_by_its_models_service(tmp_path, capsys) -> None:
    path = tmp_path / "book.fineauthor"
    with Project.create(path, title="Book") as project:
        project.update_settings(base_model=model_id("together"))
        for i in range(3):
            project.add_example(
                Example((Message("user", f"Scene {i}."), Message("assistant", f"Fog {i}.")))
            )
    assert main(["check", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == []
    assert main(["check", str(path), "--model", model_id("openai"), "--json"]) == 1
    assert codes(json.loads(capsys.readouterr().out)) == {"too_few_examples"}
