"""Training end to end without a window: check, freeze, upload, create, watch — against the
fake OpenAI server over real HTTP, with the steps recorded in a real project file — and the
``train``, ``watch`` and ``jobs`` commands of DESIGN §6."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fineauthor.cli import training as cli_training
from fineauthor.cli.main import main
from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.providers.base import FAILED, SUCCEEDED, ProviderError, TrainingOptions
from fineauthor.providers.openai.service import OpenAIProvider
from fineauthor.training import watch as watching
from fineauthor.training.attempts import start_training, upload_dataset
from fineauthor.training.prepare import TrainingRefused, prepare
from fineauthor.training.watch import JobWatcher
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-test-training-flow-key-000000000000"
MODEL = "gpt-4.1-mini-2025-04-14"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def provider(server: FakeOpenAI) -> OpenAIProvider:
    return OpenAIProvider(KEY, base_url=server.url + "/v1", timeout=10)


def _project(path: Path, count: int = 12) -> Project:
    project = Project.create(path, title="Tidewrack")
    project.update_settings(system_prompt="You are Saltmarrow Hush.", style_name="Saltmarrow Hush")
    for n in range(count):
        project.add_example(
            Example(
                (
                    Message("system", "You are Saltmarrow Hush."),
                    Message("user", f"Scene {n}: the causeway at dusk."),
                    Message("assistant", f"Water over the stones, number {n}, and a gull."),
                )
            )
        )
    return project


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    opened = _project(tmp_path / "tidewrack.fineauthor")
    yield opened
    opened.close()


def _dataset(project: Project):
    return prepare(project, load_catalog().model(MODEL), "openai")


def test_train_uploads_the_frozen_examples_and_records_every_step(project, provider, server):
    dataset = _dataset(project)
    seen: list[tuple[int, int]] = []
    job = start_training(
        project,
        provider,
        MODEL,
        TrainingOptions(suffix="saltmarrow"),
        dataset,
        progress=lambda sent, total: seen.append((sent, total)),
    )
    assert seen and seen[-1] == (len(dataset.jsonl), len(dataset.jsonl))
    assert server.job_requests == [server.job_requests[0]]  # exactly one job
    (row,) = project.jobs()
    assert (row["job_id"], row["provider"], row["model"]) == (job.id, "openai", MODEL)
    assert row["dataset_sha256"] == dataset.sha256
    assert server.file_contents[row["file_id"]] == dataset.jsonl  # what was sent is what is kept
    assert project.snapshot(dataset.sha256) == dataset.jsonl
    assert row["detail"]["estimate"]["billed_tokens"] == dataset.report.estimate.billed_tokens


def test_pressing_train_again_never_starts_a_second_job(project, provider, server):
    first = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    again = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    assert again.id == first.id
    assert len(server.job_requests) == 1
    assert len(server.files) == 1


def test_a_crash_after_the_upload_resumes_with_the_same_file(project, provider, server):
    dataset = _dataset(project)
    upload_dataset(project, provider, MODEL, TrainingOptions(), dataset)  # then the app died
    job = start_training(project, provider, MODEL, TrainingOptions(), dataset)
    assert len(server.files) == 1 and len(server.job_requests) == 1
    assert [row["job_id"] for row in project.jobs()] == [job.id]


def test_a_job_created_but_never_recorded_is_found_not_duplicated(project, provider, server):
    dataset = _dataset(project)
    attempt = upload_dataset(project, provider, MODEL, TrainingOptions(), dataset)
    lost = provider.create_job(MODEL, attempt.file_id, TrainingOptions())  # reply lost
    job = start_training(project, provider, MODEL, TrainingOptions(), dataset)
    assert job.id == lost.id
    assert len(server.job_requests) == 1


def test_after_a_failed_job_a_new_attempt_starts_a_new_job(project, provider, server):
    server.fail_next_job("The training file could not be read.", at_step=1)
    first = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    failed = JobWatcher(provider, first.id).run(lambda update: None, sleep=lambda s: None)
    assert failed.state == FAILED
    second = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    assert second.id != first.id
    assert len(server.job_requests) == 2
    assert len(project.jobs()) == 2


def test_problems_refuse_training_before_anything_is_sent(tmp_path, provider, server):
    with (
        _project(tmp_path / "thin.fineauthor", count=4) as thin,
        pytest.raises(TrainingRefused, match="fix first") as refused,
    ):
        prepare(thin, load_catalog().model(MODEL), "openai")
    assert refused.value.report.errors[0].code == "too_few_examples"
    assert server.files == {} and server.job_requests == []


def test_the_watcher_sees_every_step_once_and_the_end(project, provider, server):
    job = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    updates = []
    end = JobWatcher(provider, job.id).run(updates.append, sleep=lambda s: None)
    assert end.state == SUCCEEDED and end.fine_tuned_model
    steps = [m.step for u in updates for m in u.metrics]
    assert steps == list(range(1, server.total_steps + 1))
    event_ids = [e.id for u in updates for e in u.events]
    assert len(event_ids) == len(set(event_ids))
    statuses = [u.job.status for u in updates if u.status_changed]
    assert statuses[-1] == "succeeded" and len(statuses) == len(set(statuses))


def test_the_watcher_waits_out_a_service_in_trouble(project, provider, server):
    job = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    # The service fails more often than the SDK retries by itself (here: not at all), so the
    # watcher says so and tries again.
    server.fail_next("GET", f"/v1/fine_tuning/jobs/{job.id}", status=500, times=2)
    impatient = OpenAIProvider(KEY, base_url=server.url + "/v1", timeout=10, max_retries=0)
    waits: list[str] = []
    end = JobWatcher(impatient, job.id).run(
        lambda update: None, on_wait=waits.append, sleep=lambda s: None
    )
    assert end.state == SUCCEEDED
    assert waits and "Trying again" in waits[0]


def test_a_refusal_that_cannot_be_waited_out_is_raised(project, provider, server):
    job = start_training(project, provider, MODEL, TrainingOptions(), _dataset(project))
    watcher = JobWatcher(OpenAIProvider("sk-test-wrong-key", base_url=server.url + "/v1"), job.id)
    with pytest.raises(ProviderError) as refused:
        watcher.run(lambda update: None, sleep=lambda s: None)
    assert refused.value.kind == ProviderError.AUTH


# The commands ----------------------------------------------------------------------------


@pytest.fixture
def pointed_at(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setattr(watching, "FIRST_DELAY", 0.01)  # poll briskly: the fake is instant
    # A day OpenAI still takes new training (it stops on 6 January 2027).
    monkeypatch.setattr(cli_training, "today", lambda: date(2026, 12, 2))
    return server


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_train_watch_and_jobs_commands(pointed_at, tmp_path, capsys) -> None:
    path = tmp_path / "cli.fineauthor"
    _project(path).close()
    status = main(
        [
            "train",
            str(path),
            "--provider",
            "openai",
            "--model",
            MODEL,
            "--yes",
            "--json",
            "--suffix",
            "saltmarrow",
        ]
    )
    out = _lines(capsys.readouterr().out)
    assert status == 0
    events = [line["event"] for line in out]
    assert events[-2:] == ["uploaded", "job"]
    job_id = out[-1]["job_id"]
    assert out[-1]["provider"] == "openai"
    assert out[-2]["file_id"] in pointed_at.files

    status = main(["watch", job_id, "--provider", "openai", "--json"])
    out = _lines(capsys.readouterr().out)
    assert status == 0
    metrics = [line for line in out if line["event"] == "metrics"]
    assert [m["step"] for m in metrics] == list(range(1, pointed_at.total_steps + 1))
    assert all(isinstance(m["train_loss"], float) for m in metrics)
    assert out[-1]["event"] == "done" and out[-1]["status"] == "succeeded"
    assert out[-1]["model"].startswith("ft:")
    assert {line["event"] for line in out} <= {"status", "message", "metrics", "done"}

    assert main(["jobs", "--provider", "openai", "--json"]) == 0
    listed = _lines(capsys.readouterr().out)
    assert [line["job_id"] for line in listed] == [job_id]


def test_watch_exits_1_when_the_job_fails(pointed_at, tmp_path, capsys) -> None:
    path = tmp_path / "cli.fineauthor"
    _project(path).close()
    pointed_at.fail_next_job("The examples could not be read.", at_step=1)
    main(["train", str(path), "--provider", "openai", "--model", MODEL, "--yes", "--json"])
    job_id = _lines(capsys.readouterr().out)[-1]["job_id"]
    assert main(["watch", job_id, "--provider", "openai", "--json"]) == 1
    done = _lines(capsys.readouterr().out)[-1]
    assert done["event"] == "done" and done["status"] == "failed"
    assert "could not be read" in done["message"]


def test_train_refuses_without_confirmation_or_with_problems(pointed_at, tmp_path, capsys):
    path = tmp_path / "cli.fineauthor"
    _project(path).close()
    assert main(["train", str(path), "--provider", "openai", "--model", MODEL]) == 2
    assert "--yes" in capsys.readouterr().err
    thin = tmp_path / "thin.fineauthor"
    _project(thin, count=3).close()
    assert main(["train", str(thin), "--provider", "openai", "--model", MODEL, "--yes"]) == 2
    err = capsys.readouterr().err
    assert "fix first" in err and "Traceback" not in err
    assert pointed_at.files == {} and pointed_at.job_requests == []


def test_train_from_a_plain_file_keeps_its_history_in_the_ledger(pointed_at, tmp_path, capsys):
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Scene {n}"},
                {"role": "assistant", "content": f"Gulls, number {n}."},
            ]
        }
        for n in range(12)
    ]
    source = tmp_path / "scenes.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["train", str(source), "--provider", "openai", "--model", MODEL, "--yes"]) == 0
    assert "fineauthor watch" in capsys.readouterr().out
    from fineauthor.core.settings import folders

    with Project.open(folders().data / "command-line-jobs.fineauthor") as ledger:
        assert [row["model"] for row in ledger.jobs()] == [MODEL]
