"""Reading ChatGPT export files: streaming in pieces of any size, exports split in parts, and
every kind of file that is not an export."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.chatgpt import json_stream
from fineauthor.core.importers.chatgpt.conversation import ExportSummary, Unusable
from fineauthor.core.importers.chatgpt.export import is_chatgpt_export, read_export
from fineauthor.core.project.project import Cancelled
from tests.unit.core.importers.chatgpt_samples import (
    CAFE,
    COUNT,
    COVER,
    FIXTURE,
    LIGHTHOUSE,
    MOURNING,
    TOKYO,
    VILLANELLE,
    fixture_export,
    read_all,
)
from tests.unit.core.importers.chatgpt_samples import write_zip as _zip

# Streaming --------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 16])
def test_any_piece_size_reads_the_same(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    expected = read_all(FIXTURE)
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    conversations, summary = read_all(FIXTURE)
    assert summary == expected[1]
    assert {t: c.turns for t, c in conversations.items()} == {
        t: c.turns for t, c in expected[0].items()
    }


def test_numbers_split_between_pieces_are_read_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 2)
    path = tmp_path / "conversations.json"
    path.write_text('[ 12345678 ,\n-0.5e10, "x" ,true,null,{}]', encoding="utf-8")
    summary = ExportSummary()
    assert list(read_export(path, summary)) == []
    assert summary.conversations == 6
    assert [item.reason for item in summary.left_out] == [Unusable.DAMAGED] * 6


def _export_of(tmp_path: Path, count: int) -> Path:
    one = json.loads(FIXTURE.read_text(encoding="utf-8"))[-1]  # the villanelle
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([one] * count), encoding="utf-8")
    return path


def test_conversations_come_one_at_a_time_without_reading_the_whole_file(
    tmp_path: Path,
) -> None:
    path = _export_of(tmp_path, 3000)
    seen: list[int] = []
    conversations = read_export(path, progress=seen.append)
    first = next(conversations)
    assert first.title == VILLANELLE
    assert seen and max(seen) <= 2  # a few pieces read, not the 8 MB
    rest = sum(1 for _ in conversations)
    assert rest == 2999
    assert seen == sorted(seen) and seen[-1] == 100


def test_cancelling_stops_reading(tmp_path: Path) -> None:
    path = _export_of(tmp_path, 50)
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 10

    with pytest.raises(Cancelled):
        list(read_export(path, cancelled=cancelled))


def test_a_split_export_is_read_part_by_part(tmp_path: Path) -> None:
    conversations = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("conversations-001.json", json.dumps(conversations[5:]))
        archive.writestr("conversations-000.json", json.dumps(conversations[:5]))
        archive.writestr("export_manifest.json", "{}")
    read, summary = read_all(path)
    assert list(read) == [COUNT, COVER, MOURNING, TOKYO, CAFE, LIGHTHOUSE, VILLANELLE]
    assert [c.number for c in read.values()] == [3, 4, 5, 6, 7, 8, 9]
    assert summary.conversations == 9


# Files that are not exports ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("missing.zip", None, "There is no file at"),
        ("folder", "folder", "is a folder"),
        ("conversations.json", b"", "is empty"),
        ("conversations.json", b"  \n ", "is empty"),
        ("conversations.json", b"hello", "isn\u2019t a ChatGPT export"),
        ("conversations.json", b'{"title": "x"}', "holds a single object"),
        ("conversations.json", b"\xff\xfe[\x00]\x00", "is not UTF-8 text"),
        ("conversations.json", b'[{"title": "x", "mapping": {', "ends in the middle"),
        ("conversations.json", b'[{"title": "x"}', "ends in the middle"),
        ("conversations.json", b'[{"a": 1} {"b": 2}' + b" " * 40 + b"]", "is damaged near"),
        ("conversations.json", b'[{"a": tru} ' + b" " * 40 + b"]", "is damaged near"),
        ("conversations.json", b"[]  x", "has something after"),
        ("conversations.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("export.zip", b"PK\x03\x04 not really a zip", "not a zip file, or it is damaged"),
        ("export.zip", b"just text", "not a zip file, or it is damaged"),
        ("export.zip", {"user.json": b"{}", "chat.html": b"<html>"}, "has no conversations.json"),
        ("export.zip", {"conversations.json": b'[{"mapping": '}, "ends in the middle"),
    ],
)
def test_unusable_files_raise_one_plain_error(
    tmp_path: Path, name: str, make: object, expected: str
) -> None:
    path = tmp_path / name
    if make == "folder":
        path.mkdir()
    elif isinstance(make, bytes):
        path.write_bytes(make)
    elif isinstance(make, dict):
        _zip(path, make)
    with pytest.raises(DatasetError) as raised:
        list(read_export(path))
    assert expected in str(raised.value)
    assert "Traceback" not in str(raised.value)


def test_a_zip_cut_short_or_damaged_inside_is_a_plain_error(tmp_path: Path) -> None:
    whole = fixture_export(tmp_path).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DatasetError, match="not a zip file, or it is damaged"):
        list(read_export(cut))
    # Damage inside the packed conversations.json: the zip's directory is intact.
    damaged = bytearray(whole)
    start = whole.index(b"conversations.json") + len("conversations.json") + 200
    damaged[start : start + 50] = bytes(50)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(damaged))
    with pytest.raises(DatasetError, match="is damaged"):
        list(read_export(broken))


def test_errors_are_raised_when_the_reader_is_made_for_files_that_are_not_exports(
    tmp_path: Path,
) -> None:
    with pytest.raises(DatasetError):
        read_export(_zip(tmp_path / "x.zip", {"a.txt": b"a"}))  # no next() needed


def test_is_chatgpt_export_tells_exports_from_training_files(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"messages": []}\n')
    (tmp_path / "b.json").write_text("\ufeff \n[{}]")
    (tmp_path / "c.txt").write_text('{"messages": []}\n')
    zipped = _zip(tmp_path / "d.bin", {"conversations.json": b"[]"})
    assert not is_chatgpt_export(tmp_path / "a.jsonl")
    assert is_chatgpt_export(tmp_path / "b.json")
    assert not is_chatgpt_export(tmp_path / "c.txt")
    assert is_chatgpt_export(zipped)
    assert is_chatgpt_export(tmp_path / "missing.zip")
    assert not is_chatgpt_export(tmp_path / "missing.jsonl")
