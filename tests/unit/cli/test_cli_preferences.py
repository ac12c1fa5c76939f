"""`fineauthor import` of a preference file and `fineauthor export --preferences`: the writer's
choices go in and out whole, in the format the services train on."""

from __future__ import annotations

import json
from pathlib import Path

from fineauthor.cli.main import main
from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, IMPORTED, PreferencePair
from fineauthor.core.project.project import Project


def run(capsys, *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def pair_line(prompt: str, preferred: str, other: str) -> dict:
    return {
        "input": {"messages": [{"role": "system", "content": "Quiet prose."},
                               {"role": "user", "content": prompt}]},
        "preferred_output": [{"role": "assistant", "content": preferred}],
        "non_preferred_output": [{"role": "assistant", "content": other}],
    }  # fmt: skip


def test_choices_round_trip_through_a_preference_file(tmp_path: Path, capsys) -> None:
    project = tmp_path / "hush.fineauthor"
    with Project.create(project) as made:
        made.preferences.insert(None, [
            PreferencePair((Message("user", f"Scene {n}. “Quoted” é"),), f"Good {n}.",
                           f"Flat {n}.", "you/hush", "base", BLIND_CHOICE)
            for n in range(1, 4)
        ])  # fmt: skip
    exported = tmp_path / "choices.jsonl"
    status, out, _ = run(capsys, "export", project, "-o", exported, "--preferences")
    assert (status, out.strip()) == (0, f"Wrote 3 choices to {exported}.")
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "input": {"messages": [{"role": "user", "content": "Scene 1. “Quoted” é"}]},
        "preferred_output": [{"role": "assistant", "content": "Good 1."}],
        "non_preferred_output": [{"role": "assistant", "content": "Flat 1."}],
    }
    # The same file brought into another project becomes its choices, not its examples.
    other = tmp_path / "other.fineauthor"
    status, out, err = run(capsys, "import", exported, "-o", other)
    assert status == 0 and err == ""
    assert out.strip() == f"Added 3 choices to a new project “{other}”."
    with Project.open(other) as opened:
        pairs = opened.preferences.all()
        assert opened.example_count() == 0
    assert [(p.prompt, p.preferred, p.other, p.source) for p in pairs] == [
        (f"Scene {n}. “Quoted” é", f"Good {n}.", f"Flat {n}.", IMPORTED) for n in range(1, 4)
    ]
    assert pairs[0].note == "choices.jsonl:1"


def test_the_examples_are_still_exported_without_the_option(tmp_path: Path, capsys) -> None:
    project = tmp_path / "hush.fineauthor"
    with Project.create(project) as made:
        made.preferences.add(PreferencePair((Message("user", "Hi"),), "A.", "B."))
    status, out, _ = run(capsys, "export", project, "-o", tmp_path / "out.jsonl")
    assert (status, out.strip()) == (0, f"Wrote 0 examples to {tmp_path / 'out.jsonl'}.")


def test_a_bad_line_is_named_and_the_rest_come_in(tmp_path: Path, capsys) -> None:
    source = tmp_path / "mixed.jsonl"
    good = pair_line("Write the storm.", "Rain hit the glass.", "It was stormy.")
    broken = pair_line("Write the calm.", "Still water.", "Calm.")
    broken["non_preferred_output"] = [{"role": "user", "content": "Calm."}]
    example = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    }
    source.write_text(
        "\n".join(json.dumps(v) for v in (good, broken, example, good)) + "\n", encoding="utf-8"
    )
    project = tmp_path / "storm.fineauthor"
    status, out, err = run(capsys, "import", source, "-o", project)
    assert status == 1  # a line had to be left out
    assert "Skipped: Line 2: the other answer should be a list holding exactly one message" in err
    assert "Line 3 is an example, not a choice between two replies, and was left out." in err
    assert out.strip().startswith("Added 2 choices to a new project")
    assert "1 line could not be imported" in out


def test_a_file_with_no_usable_choice_adds_nothing(tmp_path: Path, capsys) -> None:
    source = tmp_path / "empty-choices.jsonl"
    broken = pair_line("Write.", "A.", "B.")
    broken["preferred_output"] = "A."
    source.write_text(json.dumps(broken) + "\n", encoding="utf-8")
    project = tmp_path / "none.fineauthor"
    status, _, err = run(capsys, "import", source, "-o", project)
    assert status != 0
    assert "No choices could be imported from “empty-choices.jsonl”." in err
    assert not project.exists()
