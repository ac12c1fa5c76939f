"""Kill a process in the middle of editing a project, again and again, and prove nothing is lost.

A child process (crash_writer.py) streams edits into the project and acknowledges each one after
the Project method returned. The test SIGKILLs it at a random moment, reopens the file and
compares it with a pure-Python replay of the acknowledged steps: the file must hold exactly the
acknowledged steps, or one more (committed, but killed before it could say so). Each round
continues from the file the previous crash left, so damage, if any, would accumulate.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fineauthor.core.dataset.summary import summarize
from fineauthor.core.project.project import Project
from tests.paths import REPO_ROOT

HERE = Path(__file__).resolve().parent
WRITER = HERE / "crash_writer.py"

_spec = importlib.util.spec_from_file_location("crash_writer", WRITER)
assert _spec is not None and _spec.loader is not None
writer = importlib.util.module_from_spec(_spec)
sys.modules["crash_writer"] = writer  # dataclasses look their module up by name
_spec.loader.exec_module(writer)

ROUNDS = 60
SEED = 20261128

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX) to kill the writer outright"
)


def _lines(path: Path) -> list[str]:
    # Only whole lines count: a line without its newline was never fully written.
    text = path.read_text(encoding="ascii")
    return text.split("\n")[:-1]


def _wait_for(path: Path, process: subprocess.Popen[bytes], lines: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while len(_lines(path)) < lines and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


def _stored_words(path: Path) -> dict[int, tuple[int, ...]]:
    """Each example's stored word counts, in message order, read straight from the file."""
    counts: dict[int, list[int]] = {}
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        for example_id, words in connection.execute(
            "SELECT example_id, words FROM messages ORDER BY example_id, idx"
        ):
            counts.setdefault(example_id, []).append(words)
    finally:
        connection.close()
    return {example_id: tuple(words) for example_id, words in counts.items()}


def _actual(path: Path) -> writer.Model:
    """Reopen the project the way the app does and read it back as a Model."""
    with Project.open(path) as project:
        read = list(project.examples())
        settings = project.settings
        assert [e.id for e in read] == project.example_ids()
        assert all(tuple(m.role for m in example.messages) == writer.ROLES for example in read)
        # The example list agrees with the text it summarises.
        assert project.summaries() == [summarize(example) for example in read]
    stored = _stored_words(path)
    examples = [
        (
            example.id,
            tuple(m.content for m in example.messages),
            stored.get(example.id, ()),
            example.note,
        )
        for example in read
    ]
    model = writer.Model(examples)
    model.settings = {"title": settings.title, "target_words": settings.target_words}
    return model


def _same(actual: writer.Model, expected: writer.Model) -> bool:
    return actual.examples == expected.examples and actual.settings == expected.settings


def _check_file(path: Path) -> None:
    """SQLite's own checks, on a plain read-only connection."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        positions = [row[0] for row in connection.execute("SELECT position FROM examples")]
        assert sorted(positions) == list(range(len(positions)))
    finally:
        connection.close()


@pytest.mark.slow
def test_killed_writer_never_loses_or_damages_the_project(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "Crash course.fineauthor"
    Project.create(path).close()
    acks = tmp_path / "acks.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }

    model = writer.Model()  # what the file holds after `done` steps
    done = 0
    journals = 0  # rounds whose kill left a half-made change for the reopen to roll back
    unacknowledged = 0  # rounds where the last committed step had not been printed yet
    for round_number in range(ROUNDS):
        with acks.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, str(WRITER), str(path), str(done)],
                stdout=out,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp_path,
            )
        try:
            if rng.random() < 0.2:
                # Sometimes kill early: during start-up or while the project is being opened.
                time.sleep(rng.uniform(0.0, 0.15))
            else:
                _wait_for(acks, process, 1 + rng.randint(0, 3), limit=10.0)
                time.sleep(rng.uniform(0.0, 0.12))
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()  # harmless if it is already dead
            _, stderr = process.communicate()
        complaint = stderr.decode(errors="replace")
        assert process.returncode == -signal.SIGKILL, (
            f"round {round_number}: the writer stopped by itself:\n{complaint}"
        )

        if (path.parent / (path.name + "-journal")).exists():
            journals += 1
        steps = [int(line) for line in _lines(acks) if line != "ready"]
        assert steps == list(range(done, done + len(steps)))
        acknowledged = model
        for step in steps:
            acknowledged = writer.replay(acknowledged, step)
        one_more = writer.replay(acknowledged, done + len(steps))

        actual = _actual(path)  # rolls back a half-made change, if there is one
        _check_file(path)
        if _same(actual, acknowledged):
            model, done = acknowledged, done + len(steps)
        elif _same(actual, one_more):
            model, done = one_more, done + len(steps) + 1
            unacknowledged += 1
        else:
            pytest.fail(
                f"round {round_number}: the file matches neither step {done + len(steps) - 1} "
                f"nor step {done + len(steps)}"
            )

    print(
        f"{ROUNDS} kills, {done} steps survived, {journals} kills mid-change, "
        f"{unacknowledged} committed-but-unacknowledged"
    )
    assert done > ROUNDS  # the writer really did work between kills
    # Most of a step's time is spent committing, so some kills must land inside a change;
    # otherwise this test would not be testing recovery at all.
    assert journals >= 1
