"""The command line of DESIGN §6: check, import and export, their JSON and exit statuses, and a
one-line message (never a traceback) for every kind of bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fineauthor.cli.main import main
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project

SYSTEM = "You are Velvet Tidewater, a gothic romance voice."
RESPONSES = [
    "The lamp turned, slow as breath.",
    "Gulls argued over the jetty.",
    "Mara counted the steps twice.",
    "Salt had eaten the brass rail.",
    "Nobody answered the bell.",
    "Fog folded the harbour away.",
    "Her lantern guttered once.",
    "A boat knocked against stone.",
    "The keeper's log was blank.",
    "Wind found every loose shutter.",
    "Rain polished the black rocks.",
    "Somewhere a radio hissed.",
]


def row(i: int, response: str | None = None, **assistant_extra: object) -> dict:
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Write scene {i}: the lighthouse at dusk."},
            {
                "role": "assistant",
                "content": response or f"Scene {i}. {RESPONSES[i % len(RESPONSES)]}",
                **assistant_extra,
            },
        ]
    }


def dataset(path: Path, count: int = 12) -> Path:
    path.write_text("".join(json.dumps(row(i)) + "\n" for i in range(count)), encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_check_json_of_a_clean_file(tmp_path: Path, capsys) -> None:
    status, out, err = run(capsys, "check", dataset(tmp_path / "d.jsonl"), "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["file"].endswith("d.jsonl")
    assert data["model"] == "gpt-4.1-mini-2025-04-14"
    assert data["encoding"] == "o200k_base"
    assert data["examples"] == 12
    assert data["errors"] == []
    assert [w["code"] for w in data["warnings"]] == ["few_examples"]
    assert data["tokens"]["total"] > 0 and data["tokens"]["over_limit"] == 0
    assert data["estimate"]["epochs"] == 8  # 12 examples × 3 < 100 → 100 // 12
    assert data["estimate"]["cost_usd"] == pytest.approx(
        data["estimate"]["billed_tokens"] * 5 / 1e6, abs=1e-4
    )


def test_check_model_and_target_words(tmp_path: Path, capsys) -> None:
    path = dataset(tmp_path / "d.jsonl")
    status, out, _ = run(
        capsys,
        "check",
        path,
        "--json",
        "--model",
        "ft:gpt-4o-mini-2024-07-18:me::x",
        "--target-words",
        "500",
    )
    data = json.loads(out)
    assert status == 0
    assert data["model"] == "gpt-4o-mini-2024-07-18"
    assert sum(w["code"] == "off_target_length" for w in data["warnings"]) == 12


def test_check_errors_exit_1_with_lines(tmp_path: Path, capsys) -> None:
    path = dataset(tmp_path / "d.jsonl")
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(row(99, weight=3)) + "\n")
        stream.write("{oops\n")
    status, out, _ = run(capsys, "check", path, "--json")
    assert status == 1
    assert [(e["line"], e["code"]) for e in json.loads(out)["errors"]] == [
        (13, "invalid_weight"),
        (14, "invalid_json"),
    ]


def test_check_text_report_is_readable(tmp_path: Path, capsys) -> None:
    status, out, _ = run(capsys, "check", dataset(tmp_path / "d.jsonl", 8))
    assert status == 1
    assert "Checked “d.jsonl”: 8 examples, for GPT-4.1 mini" in out
    assert "Problems that stop training (1):" in out
    assert "OpenAI needs at least 10 examples to train" in out
    assert "Estimate: 12 passes over the examples (epochs)" in out
    assert "Traceback" not in out


def test_check_of_a_project_uses_its_settings_and_cache(tmp_path: Path, capsys) -> None:
    path = tmp_path / "book.fineauthor"
    with Project.create(path, title="Book") as project:
        project.update_settings(
            system_prompt=SYSTEM,
            style_name="Outline Mageddon",
            target_words=8,
            tolerance_words=1,
            base_model="gpt-4o-2024-08-06",
        )
        for i in range(12):
            project.add_example(
                Example(
                    (
                        Message("system", SYSTEM),
                        Message("user", f"P{i}"),
                        Message("assistant", "One two three four five six seven eight."),
                    )
                )
            )
        project.add_example(Example((Message("user", "P"), Message("assistant", "Too short."))))
    status, out, _ = run(capsys, "check", path, "--json")
    data = json.loads(out)
    assert status == 0
    assert data["model"] == "gpt-4o-2024-08-06"
    found = {(w["line"], w["code"]) for w in data["warnings"]}
    assert (None, "style_name_missing") in found
    assert (13, "missing_system_prompt") in found
    assert (13, "off_target_length") in found
    assert any("Example 13" in w["message"] for w in data["warnings"])
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from token_cache").fetchone()[0] > 0


def test_import_then_export_round_trips_losslessly(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    rows = [row(i) for i in range(11)]
    rows.append(
        {
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": "Première scène — « écrivez »", "name": "dean"},
                {"role": "assistant", "content": "First try", "weight": 0},
                {"role": "user", "content": "Make it longer, with dialogue."},
                {"role": "assistant", "content": "“Longer,” she said. 🌊", "weight": 1},
            ]
        }
    )
    source.write_text("\ufeff" + "".join(json.dumps(r) + "\r\n" for r in rows), encoding="utf-8")
    project = tmp_path / "book.fineauthor"
    status, out, err = run(capsys, "import", source, "-o", project)
    assert status == 0, err
    assert "Added 12 examples to a new project" in out
    with Project.open(project) as opened:
        assert opened.settings.system_prompt == SYSTEM  # shared by all, so adopted
    exported = tmp_path / "out.jsonl"
    status, out, _ = run(capsys, "export", project, "-o", exported)
    assert status == 0 and "Wrote 12 examples" in out
    assert [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()] == rows


def test_import_reports_skipped_lines_and_exits_1(tmp_path: Path, capsys) -> None:
    source = dataset(tmp_path / "in.jsonl", 3)
    with source.open("a") as stream:
        stream.write('{"messages": []}\n{"messages": [{"role": "user", "content": "x"}]}\n')
        stream.write(json.dumps({**row(7), "metadata": {"mood": "grim"}}) + "\n")
    status, out, err = run(capsys, "import", source, "-o", tmp_path / "p.fineauthor")
    assert status == 1
    assert "Added 4 examples" in out and "2 lines could not be imported" in out
    assert "Line 4" in err and "Line 5" in err
    assert "Line 6: the field “metadata”" in err


def test_import_counts_one_example_and_one_line_in_the_singular(tmp_path: Path, capsys) -> None:
    source = dataset(tmp_path / "in.jsonl", 1)
    with source.open("a") as stream:
        stream.write('{"messages": []}\n')
    status, out, _ = run(capsys, "import", source, "-o", tmp_path / "p.fineauthor")
    assert status == 1
    assert "Added 1 example to a new project" in out
    assert "1 line could not be imported (listed above)." in out


@pytest.mark.parametrize(
    ("make", "expected_status", "expected"),
    [
        (lambda p: p.write_bytes(b""), 2, "is empty"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)), 2, "PNG image"),
        (lambda p: p.write_bytes(bytes(range(256)) * 4), 2, "not a text file"),
        (lambda p: p.write_bytes(b'{"messages": "\xff\xfe"}\n' * 3), 1, None),
        (lambda p: p.mkdir(), 2, "is a folder"),
        (lambda p: None, 2, "There is no file"),
        (lambda p: p.write_text("x" * 50_000_000), 1, None),  # one 50 MB line
    ],
    ids=["empty", "image", "binary", "bad-utf8", "folder", "missing", "50MB-line"],
)
def test_bad_input_gets_one_line_and_status(
    tmp_path: Path, capsys, make, expected_status: int, expected: str | None
) -> None:
    path = tmp_path / "input.jsonl"
    make(path)
    status, out, err = run(capsys, "check", path)
    assert status == expected_status
    if expected:
        assert expected in err
        assert err.count("\n") == 1  # one line
    assert "Traceback" not in out + err


def test_project_from_the_future_is_refused_untouched(tmp_path: Path, capsys) -> None:
    path = tmp_path / "future.fineauthor"
    Project.create(path, title="Future").close()
    with sqlite3.connect(path) as db:
        db.execute("pragma user_version = 99")
    db.close()
    before = path.read_bytes()
    for command in (["check", path], ["export", path, "-o", tmp_path / "x.jsonl"]):
        status, _, err = run(capsys, *command)
        assert status == 2
        assert "newer version of FineAuthor" in err
    assert path.read_bytes() == before
    assert not (tmp_path / "x.jsonl").exists()


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    status, _, err = run(capsys, "check", dataset(tmp_path / "d.jsonl"), "--model", "gpt-2")
    assert status == 2 and "gpt-2" in err
    status, _, err = run(capsys, "check", "--target-words", "-5", tmp_path / "d.jsonl")
    assert status == 2 and "more than 0" in err
    status, _, err = run(capsys, "export", tmp_path / "d.fineauthor")
    assert status == 2 and "-o" in err


def test_real_entry_points_work(tmp_path: Path) -> None:
    path = dataset(tmp_path / "d.jsonl", 3)
    commands = [[sys.executable, "-m", "fineauthor"]]
    installed = shutil.which("fineauthor", path=str(Path(sys.executable).parent))
    if installed:
        commands.append([installed])
    for command in commands:
        done = subprocess.run(
            [*command, "check", str(path), "--json"], capture_output=True, text=True, check=False
        )
        assert done.returncode == 1
        assert json.loads(done.stdout)["errors"][0]["code"] == "too_few_examples"
        assert done.stderr == ""
