"""Reading and writing chat JSONL: encodings, line numbers, unusable files, lossless writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.jsonl import read_jsonl, write_jsonl
from fineauthor.core.errors import DatasetError

LINE = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    body = (json.dumps(LINE) + "\r\n") * 3
    path = _write(tmp_path / "a.jsonl", b"\xef\xbb\xbf" + body.encode())
    lines = list(read_jsonl(path))
    assert [line.number for line in lines] == [1, 2, 3]
    assert all(line.value == LINE and line.problem is None for line in lines)


def test_each_problem_carries_its_line_number(tmp_path: Path) -> None:
    data = (
        json.dumps(LINE).encode()
        + b"\n"
        + b"{not json\n"
        + b"\n"  # a blank line is skipped but still counted
        + b'{"messages": "caf\xe9"}\n'
        + json.dumps(LINE).encode()
        + b"\n"
    )
    lines = list(read_jsonl(_write(tmp_path / "b.jsonl", data)))
    assert [(line.number, line.problem and line.problem.code) for line in lines] == [
        (1, None),
        (2, "invalid_json"),
        (4, "invalid_utf8"),
        (5, None),
    ]
    assert "Line 2" in lines[1].problem.message


def test_pretty_printed_json_gets_a_hint(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.jsonl", json.dumps(LINE, indent=2).encode())
    first = next(iter(read_jsonl(path)))
    assert "one line" in first.problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"PK\x03\x04" + bytes(30), "zip"),
        (b"\xff\xfe{\x00", "UTF-16"),
        (b"abc\x00def", "not a text file"),
    ],
)
def test_unusable_files_are_named_for_what_they_are(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = _write(tmp_path / "story.jsonl", content)
    with pytest.raises(DatasetError, match=expected):
        read_jsonl(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no file"):
        read_jsonl(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match="folder"):
        read_jsonl(tmp_path)


def test_reading_is_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text((json.dumps(LINE) + "\n") * 50_000)
    lines = read_jsonl(path)
    first = next(lines)
    assert first.number == 1  # the first line is available before the rest is read
    assert sum(1 for _ in lines) == 49_999


def test_write_keeps_names_weights_and_unicode_and_is_atomic(tmp_path: Path) -> None:
    example = Example(
        (
            Message("system", "Tu écris comme « Outline Mageddon »."),
            Message("user", "Go", name="dean"),
            Message("assistant", "First try", weight=0),
            Message("user", "Make it longer"),
            Message("assistant", "Second, better try 🌧", weight=1),
        )
    )
    out = tmp_path / "out.jsonl"
    assert write_jsonl([example], out) == 1
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == [example.to_json()]
    assert written[0]["messages"][2]["weight"] == 0
    assert written[0]["messages"][1]["name"] == "dean"
    assert "🌧" in out.read_text(encoding="utf-8")

    without = tmp_path / "no-weights.jsonl"
    write_jsonl([example], without, keep_weights=False)
    assert "weight" not in without.read_text(encoding="utf-8")

    def broken():
        yield example
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        write_jsonl(broken(), out)
    assert [json.loads(line) for line in out.read_text().splitlines()] == written  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no-weights.jsonl", "out.jsonl"]


def test_absurdly_nested_json_is_a_line_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "deep.jsonl", b"[" * 200_000 + b"\n" + json.dumps(LINE).encode())
    lines = list(read_jsonl(path))
    assert [(line.number, line.problem and line.problem.code) for line in lines] == [
        (1, "invalid_json"),
        (2, None),
    ]


def test_old_mac_line_endings_are_read_as_lines(tmp_path: Path) -> None:
    # A carriage return alone ends each line, as on classic Mac OS and in some exports.
    body = "\r".join(json.dumps(LINE) for _ in range(4)) + "\r"
    lines = list(read_jsonl(_write(tmp_path / "mac.jsonl", body.encode())))
    assert [line.number for line in lines] == [1, 2, 3, 4]
    assert all(line.value == LINE and line.problem is None for line in lines)


def test_old_mac_lines_longer_than_a_read_keep_their_numbers(tmp_path: Path) -> None:
    long = {"messages": [{"role": "user", "content": "x" * 3000}, *LINE["messages"][1:]]}
    body = "\r".join(json.dumps(long) for _ in range(600)) + "\r{broken\r"
    lines = list(read_jsonl(_write(tmp_path / "mac-big.jsonl", body.encode())))
    assert len(lines) == 601
    assert all(line.value == long for line in lines[:600])
    assert lines[600].number == 601 and lines[600].problem is not None


def test_a_line_that_is_not_json_says_what_to_do(tmp_path: Path) -> None:
    data = json.dumps(LINE).encode() + b"\n" + b"Chapter one, in plain text\n"
    lines = list(read_jsonl(_write(tmp_path / "c.jsonl", data)))
    problem = lines[1].problem
    assert problem is not None and problem.line == 2
    assert problem.message.startswith("Line 2 is not valid JSON")
    assert "one example as a JSON object" in problem.message
    assert "fix or remove this line" in problem.message


def test_a_json_settings_file_is_not_called_a_training_file(tmp_path: Path) -> None:
    settings = _write(tmp_path / "settings.json", b'{\n  "theme": "dark",\n  "zoom": 2\n}\n')
    with pytest.raises(DatasetError) as refused:
        list(read_jsonl(settings))
    message = str(refused.value)
    assert message.startswith("“settings.json” can’t be read as a training file: it is one JSON")
    assert "“theme”, “zoom”" in message and "one example per line" in message


def test_a_json_list_of_examples_is_told_to_put_one_per_line(tmp_path: Path) -> None:
    listed = _write(tmp_path / "examples.json", json.dumps([LINE, LINE], indent=2).encode())
    with pytest.raises(DatasetError, match="one JSON list, not one per line"):
        list(read_jsonl(listed))


def test_a_chatgpt_export_given_as_a_training_file_is_pointed_to_import(tmp_path: Path) -> None:
    export = [{"title": "Harbour", "mapping": {}}]
    path = _write(tmp_path / "conversations.json", json.dumps(export).encode())
    with pytest.raises(DatasetError, match=r"a ChatGPT export\. Bring it in with Import"):
        list(read_jsonl(path))


def test_a_json_file_holding_one_example_or_lines_of_them_still_reads(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.json", json.dumps(LINE).encode())
    assert [line.value for line in read_jsonl(one)] == [LINE]
    lines = _write(tmp_path / "lines.json", (json.dumps(LINE) + "\n").encode() * 2)
    assert [line.value for line in read_jsonl(lines)] == [LINE, LINE]
