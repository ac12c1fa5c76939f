"""``fineauthor check`` without ``--model``, on either side of the day OpenAI takes no more new
training (the catalog's ``new_jobs_end``, 6 January 2027), with a fixed clock: before it the file
is judged by OpenAI's rules (the catalog's check model); from it, by the rules of the model
offered first to a new writer, and the report says so. A model the writer names is always the
one used."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fineauthor.cli import check as check_command
from fineauthor.cli.main import main
from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project

BEFORE = date(2026, 12, 2)
AFTER = date(2027, 1, 6)


def three_examples(tmp_path: Path) -> Path:
    """Three examples: too few for OpenAI (at least 10), enough for Together."""
    path = tmp_path / "scenes.jsonl"
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Write scene {n}: the docks at night."},
                {"role": "assistant", "content": f"Scene {n}. Fog, then oars."},
            ]
        }
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run(monkeypatch, capsys, today: date, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(check_command, "clock", lambda: today)
    status = main(["check", *args])
    return status, capsys.readouterr().out


def codes(out: str) -> set[str]:
    return {e["code"] for e in json.loads(out)["errors"]}


def test_before_the_day_a_file_is_judged_by_openais_rules(tmp_path, monkeypatch, capsys) -> None:
    catalog = load_catalog()
    status, out = run(monkeypatch, capsys, BEFORE, str(three_examples(tmp_path)), "--json")
    assert (status, codes(out)) == (1, {"too_few_examples"})
    assert json.loads(out)["model"] == catalog.default_check_model


def test_from_the_day_a_file_is_judged_for_the_model_offered_first(
    tmp_path, monkeypatch, capsys
) -> None:
    catalog = load_catalog()
    default = catalog.model(catalog.default_model)
    path = three_examples(tmp_path)
    status, out = run(monkeypatch, capsys, AFTER, str(path), "--json")
    assert (status, codes(out)) == (0, set())
    assert json.loads(out)["model"] == default.id  # one JSON object, naming the model

    status, out = run(monkeypatch, capsys, AFTER, str(path))
    assert status == 0
    first, second = out.splitlines()[:2]
    assert first == (
        "No model was given, and OpenAI takes no new training since 6 January 2027, so this is "
        f"checked for {default.name} at Together AI. Choose another with --model."
    )
    assert second == (
        f"Checked “scenes.jsonl”: 3 examples, for {default.name}, by Together AI’s rules."
    )


def test_from_the_day_a_model_the_writer_names_is_still_used(tmp_path, monkeypatch, capsys) -> None:
    path = str(three_examples(tmp_path))
    status, out = run(monkeypatch, capsys, AFTER, path, "--model", "gpt-4.1-mini")
    assert status == 1
    assert "No model was given" not in out
    assert "by OpenAI’s rules" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("base_model", "expected"),
    [(None, "default"), ("gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18")],
)
def test_from_the_day_a_project_keeps_its_own_model_or_gets_the_one_offered_first(
    tmp_path, monkeypatch, capsys, base_model: str | None, expected: str
) -> None:
    path = tmp_path / "novel.fineauthor"
    with Project.create(path, title="The Lighthouse Keeper") as project:
        if base_model:
            project.update_settings(base_model=base_model)
        project.add_examples(
            Example((Message("user", f"Scene {n}?"), Message("assistant", f"Scene {n}.")))
            for n in range(12)
        )
    status, out = run(monkeypatch, capsys, AFTER, str(path), "--json")
    wanted = load_catalog().default_model if expected == "default" else expected
    assert json.loads(out)["model"] == wanted
    assert status == 0
