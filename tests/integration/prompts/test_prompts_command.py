"""``fineauthor prompts PROJECT --provider P --model M [--all] [--yes] [--json]`` (DESIGN §6)
against a fake chat program on this computer: the estimate first, one line per prompt, the
last line says what was done; nothing starts without --yes when nobody can be asked."""

from __future__ import annotations

import json
from pathlib import Path

from fineauthor.cli.main import main
from fineauthor.core.project.project import Project
from tests.fakes.chat_server import FakeChatServer
from tests.lighthouse_novel import WRITER_PROMPT


def run(capsys, *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_lines_estimate_each_prompt_then_done(
    novel: Path, chat: FakeChatServer, capsys
) -> None:
    status, out, err = run(
        capsys, "prompts", novel, "--provider", "local", "--model", "qwen3:8b", "--yes", "--json"
    )
    assert status == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["estimate", "prompt", "prompt", "prompt", "done"]
    estimate, done = events[0], events[-1]
    assert (estimate["scenes"], estimate["cost_usd"], estimate["local"]) == (3, 0.0, True)
    assert "stays on this computer" in estimate["who_sees"]
    with Project.open(novel) as project:
        ids = project.example_ids()
        prompts = [e.prompt for e in project.examples()]
    assert [e["example"] for e in events[1:4]] == ids[:3]
    assert [e["prompt"] for e in events[1:4]] == prompts[:3]
    assert prompts[3] == WRITER_PROMPT
    assert (done["status"], done["written"], done["flagged"]) == ("finished", 3, 0)


def test_plain_text_then_a_rerun_has_nothing_left_to_ask(
    novel: Path, chat: FakeChatServer, capsys
) -> None:
    status, out, _ = run(capsys, "prompts", novel, "--provider", "local", "--model", "qwen3:8b",
                         "--yes")  # fmt: skip
    assert status == 0
    assert out.startswith("Prompts to write: 3 scenes, with “qwen3:8b” (On this computer).\n")
    assert "Free, on this computer." in out
    assert out.rstrip().endswith("Done: 3 prompts written and saved, waiting for you to review.")
    asked = len(chat.chat_bodies)
    status, out, _ = run(capsys, "prompts", novel, "--provider", "local", "--model", "qwen3:8b",
                         "--yes")  # fmt: skip
    assert status == 0
    assert "Every scene already has a prompt" in out
    assert len(chat.chat_bodies) == asked


def test_it_does_not_start_unasked_and_names_a_missing_model(
    novel: Path, chat: FakeChatServer, capsys
) -> None:
    status, _, err = run(capsys, "prompts", novel, "--provider", "local", "--model", "qwen3:8b")
    assert status == 2
    assert "Not started. Add --yes" in err
    status, _, err = run(
        capsys, "prompts", novel, "--provider", "local", "--model", "mistral:7b", "--yes"
    )
    assert status == 2
    assert "has no model called “mistral:7b”. The models it has: llama3.2:3b, qwen3:8b." in err
    assert chat.chat_bodies == []


def test_a_service_without_a_key_is_told_where_to_add_one(novel: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    status, _, err = run(
        capsys, "prompts", novel, "--provider", "together", "--model", "m", "--yes"
    )
    assert status == 2
    assert "There is no key for Together AI yet" in err
    assert "Traceback" not in err
