"""Importing a ChatGPT export into a project: in one step from code, and the ``import`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.cli.main import main
from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.chatgpt.project_import import import_export
from fineauthor.core.project.project import Project
from tests.unit.core.importers.chatgpt_samples import (
    COUNT,
    COVER,
    FIXTURE,
    LIGHTHOUSE,
    SYSTEM,
    TOKYO,
    fixture_export,
)
from tests.unit.core.importers.chatgpt_samples import write_zip as _zip

# Into a project ---------------------------------------------------------------------------


def test_import_export_adds_every_usable_conversation_in_one_step(tmp_path: Path) -> None:
    project_path = tmp_path / "salt.fineauthor"
    with Project.create(project_path, title="Salt") as project:
        project.update_settings(system_prompt=SYSTEM)
    result = import_export(fixture_export(tmp_path), project_path, fold_follow_ups=True)
    assert result.added == 7 and result.folded == 3 and not result.created
    assert result.headline == (
        f"Added 7 examples from your ChatGPT conversations to “{project_path}”. 3 had their "
        "follow-ups folded into the first prompt."
    )
    with Project.open(project_path) as project:
        examples = list(project.examples())
    assert [e.source for e in examples][:2] == [f"ChatGPT: {COUNT}", f"ChatGPT: {COVER}"]
    assert all(e.system == SYSTEM for e in examples)
    assert all(len(e.messages) == 3 for e in examples)


def test_import_export_with_nothing_usable_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    path.write_text('[{"title": "New chat", "mapping": {}}]')
    with pytest.raises(DatasetError, match="“New chat” has no written messages"):
        import_export(path, tmp_path / "p.fineauthor")
    assert not (tmp_path / "p.fineauthor").exists()
    path.write_text("[]")
    with pytest.raises(DatasetError, match="It holds no conversations"):
        import_export(path, tmp_path / "p.fineauthor")


# The command line -------------------------------------------------------------------------


def run(capsys, *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_imports_a_zip_export_as_multi_turn_examples(tmp_path: Path, capsys) -> None:
    project = tmp_path / "salt.fineauthor"
    status, out, err = run(capsys, "import", fixture_export(tmp_path), "-o", project)
    assert status == 0, err
    assert out.strip() == (
        f"Added 7 examples from your ChatGPT conversations to a new project “{project}”."
    )
    assert "These conversations were left out:" in err
    assert "“Scene 14 draft” has no written answer from ChatGPT." in err
    assert "“New chat” has no written messages." in err
    assert "pictures (1)" in err and "ChatGPT’s thinking notes (2)" in err
    assert "2 conversations had other versions" in err
    with Project.open(project) as opened:
        examples = {e.source: e for e in opened.examples()}
    lighthouse = examples[f"ChatGPT: {LIGHTHOUSE}"]
    assert [m.role for m in lighthouse.messages] == ["user", "assistant"] * 3
    assert examples[f"ChatGPT: {TOKYO}"].messages[-1].content.endswith("🌃")


def test_cli_folds_follow_ups_on_request(tmp_path: Path, capsys) -> None:
    project = tmp_path / "salt.fineauthor"
    status, out, _ = run(capsys, "import", FIXTURE, "-o", project, "--fold-follow-ups")
    assert status == 0
    assert "3 had their follow-ups folded into the first prompt." in out
    with Project.open(project) as opened:
        lighthouse = next(e for e in opened.examples() if e.source == f"ChatGPT: {LIGHTHOUSE}")
    assert lighthouse.prompt.endswith(
        "Make it longer. Add dialogue between Mara and old Petrov's son."
    )
    assert [m.role for m in lighthouse.messages] == ["user", "assistant"]


def test_cli_damaged_conversations_are_listed_and_exit_1(tmp_path: Path, capsys) -> None:
    conversations = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([*conversations, 42, {"title": "Broken", "mapping": "?"}]))
    status, out, err = run(capsys, "import", path, "-o", tmp_path / "p.fineauthor")
    assert status == 1
    assert "Skipped: Conversation 10 is damaged." in err
    assert "Skipped: “Broken” is damaged." in err
    assert "2 damaged conversations could not be imported" in out


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"user.json": b"{}"}, "has no conversations.json in it"),
        ({"conversations.json": b'[{"title": '}, "ends in the middle of a conversation"),
    ],
)
def test_cli_unusable_exports_get_one_line_and_exit_2(
    tmp_path: Path, capsys, files: dict, expected: str
) -> None:
    project = tmp_path / "p.fineauthor"
    status, out, err = run(capsys, "import", _zip(tmp_path / "e.zip", files), "-o", project)
    assert status == 2 and out == ""
    assert err.startswith("fineauthor: ") and expected in err
    assert len(err.strip().splitlines()) == 1
    assert not project.exists()


def test_cli_fold_follow_ups_needs_an_export_and_jsonl_still_imports(
    tmp_path: Path, capsys
) -> None:
    training = tmp_path / "in.jsonl"
    line = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    training.write_text(json.dumps(line) + "\n")
    status, _, err = run(
        capsys, "import", training, "-o", tmp_path / "p.fineauthor", "--fold-follow-ups"
    )
    assert status == 2 and "--fold-follow-ups works with a ChatGPT export only" in err
    status, out, _ = run(capsys, "import", training, "-o", tmp_path / "p.fineauthor")
    assert status == 0 and "Added 1 example to a new project" in out
