"""What a project keeps besides its examples: settings, token counts and the training history."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from fineauthor.core.project.project import Project
from fineauthor.core.project.project_settings import ProjectSettings

# -- settings -----------------------------------------------------------------------------------


def test_settings_defaults(project: Project) -> None:
    assert project.settings == ProjectSettings(title="Chapter ideas")
    assert ProjectSettings().target_words is None
    assert ProjectSettings().win_conditions == ()


def test_update_settings_persists(path: Path, project: Project) -> None:
    wins = [{"kind": "length", "words": 2000}, {"kind": "avoid", "phrase": "bit her lip"}]
    updated = project.update_settings(
        system_prompt="You are Outline Mageddon.",
        style_name="Outline Mageddon",
        target_words=2000,
        tolerance_words=200,
        win_conditions=wins,
        provider="together",
        base_model="meta-llama/Llama-3.3-70B-Instruct",
        wizard={"style": "spare", "tried": ["temperature"]},
    )
    assert updated.win_conditions == tuple(wins)
    project.close()
    with Project.open(path) as reopened:
        assert reopened.settings == updated
        assert reopened.settings.target_words == 2000
        assert reopened.settings.wizard == {"style": "spare", "tried": ["temperature"]}
        reopened.update_settings(target_words=None)
        assert reopened.settings.target_words is None
        assert reopened.settings.style_name == "Outline Mageddon"


def test_bench_tally_setting_defaults_empty_and_persists(path: Path, project: Project) -> None:
    assert project.settings.bench_tally == {}
    tally = {
        "pairs": [
            {
                "fine_tuned": "ft:gpt-4.1-mini:org::a1",
                "base": "gpt-4.1-mini",
                "fine_tuned_chosen": 7,
                "base_chosen": 2,
                "neither": 1,
            }
        ]
    }
    project.update_settings(bench_tally=tally)
    with pytest.raises(TypeError):
        project.update_settings(bench_tally=["not", "a", "dict"])
    project.close()
    with Project.open(path) as reopened:
        assert reopened.settings.bench_tally == tally
        assert reopened.settings.title == "Chapter ideas"  # the other settings are untouched


def test_update_settings_rejects_unknown_or_wrong_values(project: Project) -> None:
    with pytest.raises(TypeError, match="unknown project setting 'colour'"):
        project.update_settings(title="New", colour="red")
    with pytest.raises(TypeError):
        project.update_settings(target_words="2000")
    with pytest.raises(TypeError):
        project.update_settings(target_words=True)
    with pytest.raises(TypeError):
        project.update_settings(win_conditions=["length"])
    assert project.settings.title == "Chapter ideas"  # nothing half-applied


def test_settings_of_the_wrong_type_fall_back_to_defaults(path: Path, project: Project) -> None:
    project.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE settings SET value = '{not json' WHERE key = 'title'")
        connection.execute("INSERT INTO settings VALUES ('target_words', '\"many\"')")
        connection.execute("INSERT INTO settings VALUES ('some_future_setting', '1')")
    connection.close()
    with Project.open(path) as reopened:
        assert reopened.settings == ProjectSettings()


# -- token cache ----------------------------------------------------------------------------


def test_token_cache_handles_thousands_of_digests(path: Path, project: Project) -> None:
    counts = {hashlib.sha256(str(n).encode()).digest(): n for n in range(3000)}
    project.store_token_counts("o200k_base", counts)
    project.store_token_counts("cl100k_base", {next(iter(counts)): 7})
    unknown = [hashlib.sha256(f"new {n}".encode()).digest() for n in range(1500)]
    asked = [*counts, *unknown, *counts]  # repeats are fine
    assert project.cached_token_counts("o200k_base", asked) == counts
    assert project.cached_token_counts("cl100k_base", counts) == {next(iter(counts)): 7}
    assert project.cached_token_counts("o200k_base", []) == {}
    project.store_token_counts("o200k_base", {unknown[0]: 42})
    project.close()
    with Project.open(path) as reopened:
        assert reopened.cached_token_counts("o200k_base", unknown[:2]) == {unknown[0]: 42}


# -- training history -----------------------------------------------------------------------


def test_snapshots_and_jobs(path: Path, project: Project) -> None:
    data = b'{"messages": []}\n'
    digest = hashlib.sha256(data).hexdigest()
    project.record_snapshot(digest, data)
    project.record_snapshot(digest, data)  # twice is harmless
    with pytest.raises(ValueError):
        project.record_snapshot("0" * 64, data)
    row = project.record_job(provider="together", dataset_sha256=digest, status="uploading")
    project.update_job(row, file_id="file-1", job_id="ft-1", status="queued", detail={"n": 1})
    with pytest.raises(TypeError):
        project.record_job(provider="together", colour="red")
    with pytest.raises(TypeError):
        project.record_job(job_id="no provider")
    with pytest.raises(KeyError):
        project.update_job(999, status="failed")
    project.close()
    with Project.open(path) as reopened:
        assert reopened.snapshot(digest) == data
        assert reopened.snapshot("f" * 64) is None
        (job,) = reopened.jobs()
    assert job["id"] == row
    assert {k: job[k] for k in ("provider", "job_id", "file_id", "status", "detail")} == {
        "provider": "together",
        "job_id": "ft-1",
        "file_id": "file-1",
        "status": "queued",
        "detail": {"n": 1},
    }
    assert job["updated"] >= job["created"]
