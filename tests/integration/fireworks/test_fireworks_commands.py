"""``fineauthor train``, ``watch`` and ``jobs`` with ``--provider fireworks`` end to end against the
fake Fireworks API, found through ``FIREWORKS_BASE_URL``, ``FIREWORKS_API_KEY`` and
``FIREWORKS_ACCOUNT_ID`` as DESIGN §6 says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fineauthor.cli.main import main
from fineauthor.training import watch as watching
from tests.fakes.fireworks_server import FakeFireworksServer
from tests.integration.fireworks.fireworks_setup import ACCOUNT, KEY, MODEL, write_dataset


@pytest.fixture
def pointed_at(server: FakeFireworksServer, monkeypatch: pytest.MonkeyPatch) -> FakeFireworksServer:
    monkeypatch.setenv("FIREWORKS_BASE_URL", server.base_url)
    monkeypatch.setenv("FIREWORKS_API_KEY", KEY)
    monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setattr(watching, "FIRST_DELAY", 0.01)  # poll briskly: the fake is instant
    return server


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _train(path: Path) -> int:
    return main(
        ["train", str(path), "--provider", "fireworks", "--model", MODEL, "--yes", "--json"]
    )


def test_train_then_watch_a_fireworks_job_to_its_trained_model(
    pointed_at: FakeFireworksServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_dataset(tmp_path, name="saltmarrow.jsonl")

    assert _train(source) == 0
    out = _lines(capsys.readouterr().out)
    assert [line["event"] for line in out][-2:] == ["uploaded", "job"]
    dataset_id = out[-2]["file_id"].rsplit("/", 1)[-1]
    assert out[-2]["file_id"] == f"accounts/{ACCOUNT}/datasets/{dataset_id}"
    assert pointed_at.datasets[dataset_id].state == "READY"
    job_id = out[-1]["job_id"]
    assert out[-1]["provider"] == "fireworks" and job_id in pointed_at.jobs

    assert main(["watch", job_id, "--provider", "fireworks", "--json"]) == 0
    out = _lines(capsys.readouterr().out)
    statuses = [line["status"] for line in out if line["event"] == "status"]
    assert statuses[0] == "validating" and statuses[-1] == "completed"
    messages = [line["message"] for line in out if line["event"] == "message"]
    assert "Fireworks is checking your examples." in messages
    assert out[-1] == {
        "event": "done",
        "status": "succeeded",
        "model": f"accounts/{ACCOUNT}/models/{job_id}",
        "message": None,
    }

    assert main(["jobs", "--provider", "fireworks", "--json"]) == 0
    assert [line["job_id"] for line in _lines(capsys.readouterr().out)] == [job_id]


def test_training_the_same_file_again_starts_no_second_job(
    pointed_at: FakeFireworksServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_dataset(tmp_path, name="saltmarrow.jsonl")
    assert _train(source) == 0
    first = _lines(capsys.readouterr().out)[-1]["job_id"]

    assert _train(source) == 0

    assert _lines(capsys.readouterr().out)[-1]["job_id"] == first
    assert len(pointed_at.jobs) == 1 and len(pointed_at.datasets) == 1


def test_watch_exits_1_and_names_the_line_when_the_job_fails(
    pointed_at: FakeFireworksServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pointed_at.fail_next_job = "Line 3: the example is longer than the model's context"
    assert _train(write_dataset(tmp_path, name="saltmarrow.jsonl")) == 0
    job_id = _lines(capsys.readouterr().out)[-1]["job_id"]

    assert main(["watch", job_id, "--provider", "fireworks", "--json"]) == 1

    done = _lines(capsys.readouterr().out)[-1]
    assert done["event"] == "done" and done["status"] == "failed" and done["model"] is None
    assert "line 3 of the training file" in done["message"]
    assert KEY not in json.dumps(done)


def test_without_an_account_id_the_command_says_where_to_set_it(
    pointed_at: FakeFireworksServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FIREWORKS_ACCOUNT_ID")

    status = _train(write_dataset(tmp_path, name="saltmarrow.jsonl"))

    captured = capsys.readouterr()
    assert status != 0
    assert "FIREWORKS_ACCOUNT_ID" in captured.err and "Traceback" not in captured.err
    assert KEY not in captured.err + captured.out
    assert pointed_at.jobs == {}
