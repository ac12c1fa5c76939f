"""What the Fireworks provider tests share: the key, account and model they use, a stand-in for
``time.sleep`` that records the waits it is asked for, and a small chat dataset on disk."""

from __future__ import annotations

import json
from pathlib import Path

from fineauthor.providers.base import Job
from fineauthor.providers.fireworks.service import FireworksProvider
from tests.fakes.fireworks_account import ACCOUNT_ID
from tests.fakes.fireworks_server import TUNABLE_MODELS

KEY = "fw_test-fineauthor-fake-key-0123456789"
ACCOUNT = ACCOUNT_ID
MODEL = TUNABLE_MODELS[0]


class Sleeps(list[float]):
    """A stand-in for time.sleep that remembers how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def write_dataset(
    folder: Path, examples: int = 12, *, name: str = "fineauthor-0a1b2c3d.jsonl"
) -> Path:
    path = folder / name
    lines = [
        json.dumps(
            {
                "messages": [
                    {"role": "system", "content": "You write as Outline Mageddon."},
                    {"role": "user", "content": f"Scene {number}: the print shop at night."},
                    {"role": "assistant", "content": "The press sighed and fell still. " * 20},
                ]
            }
        )
        for number in range(examples)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def poll_until_finished(fireworks: FireworksProvider, job_id: str) -> list[Job]:
    seen = []
    for _ in range(20):
        job = fireworks.get_job(job_id)
        seen.append(job)
        if job.finished:
            return seen
    raise AssertionError("the job never finished")
