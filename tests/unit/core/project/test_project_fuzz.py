"""Any bytes at all in a .fineauthor file: opening gives a project or a ProjectError, never
another exception, and a file that was refused is left byte for byte as it was."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.errors import ProjectError
from fineauthor.core.project import schema as project_schema
from fineauthor.core.project.project import Project

FUZZ = settings(
    max_examples=300,
    deadline=None,
    # The autouse home-folder fixture is per test, not per example; nothing here depends on it.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

MAGIC = b"SQLite format 3\x00"


def _ours_header() -> bytes:
    """The first 100 bytes of a real project: fuzzing behind them reaches SQLite itself."""
    header = bytearray(100)
    header[:16] = MAGIC
    header[16:18] = (4096).to_bytes(2, "big")
    header[18:20] = b"\x01\x01"
    header[60:64] = project_schema.SCHEMA_VERSION.to_bytes(4, "big")
    header[68:72] = project_schema.APPLICATION_ID.to_bytes(4, "big")
    return bytes(header)


PREFIXES = [
    b"",
    MAGIC,
    _ours_header(),
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",
    b"%PDF-",
    b'{"messages": ',
]


def _folder(factory: pytest.TempPathFactory) -> Path:
    return factory.mktemp("fuzz")


def _open_and_read(path: Path) -> bool:
    """Open ``path`` and read everything; True if it opened. Only ProjectError may escape."""
    with Project.open(path) as project:
        project.settings  # noqa: B018
        ids = project.example_ids()
        examples = list(project.examples())
        assert [e.id for e in examples] == ids
        assert project.example_count() == len(ids)
        assert [summary.id for summary in project.summaries()] == ids
        project.text_size()
        for example_id in ids[:3]:
            project.example(example_id)
            project.summary(example_id)
        project.cached_token_counts("o200k_base", [b"\x00" * 32])
        project.jobs()
    return True


def _check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    mtime = path.stat().st_mtime_ns
    try:
        _open_and_read(path)
    except ProjectError as error:
        assert str(error)  # always a sentence to show
        assert path.read_bytes() == data
        assert path.stat().st_mtime_ns == mtime
    else:
        # Opened: only an older-version file may have been changed (by its migration).
        header_version = int.from_bytes(data[60:64], "big", signed=True)
        if header_version == project_schema.SCHEMA_VERSION and data[18:20] == b"\x01\x01":
            assert path.read_bytes() == data
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert leftovers == []


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), rest=st.binary(max_size=9000))
def test_arbitrary_bytes(tmp_path_factory: pytest.TempPathFactory, prefix: bytes, rest: bytes):
    _check(_folder(tmp_path_factory) / "Fuzz.fineauthor", prefix + rest)


@pytest.fixture(scope="module")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("source") / "Source.fineauthor"
    with Project.create(path, title="Source") as project:
        project.update_settings(target_words=800, wizard={"why": "voice"})
        project.add_examples(
            Example(
                (
                    Message("system", "You are Outline Mageddon."),
                    Message("user", f"Scene {n}"),
                    Message("assistant", f"Paragraph {n}. " * (20 + n * 40), weight=1),
                )
            )
            for n in range(30)
        )
        project.store_token_counts("o200k_base", {bytes([n]) * 32: n for n in range(50)})
        project.record_job(provider="together", status="queued", detail={"a": 1})
    with contextlib.closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA page_count").fetchone()[0] > 10
    return path  # a path, not its bytes, keeps Hypothesis's failure reports short


@FUZZ
@given(data=st.data())
def test_damaged_real_project(
    tmp_path_factory: pytest.TempPathFactory, real_project: Path, data: st.DataObject
) -> None:
    damaged = bytearray(real_project.read_bytes())
    size = len(damaged)
    # A few overwritten runs of bytes, anywhere (header included), and perhaps a cut-off end.
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        offset = data.draw(st.integers(0, size - 1), label="offset")
        chunk = data.draw(st.binary(min_size=1, max_size=64), label="bytes")
        damaged[offset : offset + len(chunk)] = chunk
    if data.draw(st.booleans(), label="truncate"):
        del damaged[data.draw(st.integers(0, size), label="length") :]
    _check(_folder(tmp_path_factory) / "Damaged.fineauthor", bytes(damaged))
