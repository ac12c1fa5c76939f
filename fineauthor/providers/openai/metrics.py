"""Training and validation loss by step for an OpenAI job, gathered from its metrics events
and, once the job has ended, completed from its result file."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from dataclasses import dataclass, field

from openai import OpenAI

from fineauthor.providers.base import FINISHED_STATES, MetricPoint
from fineauthor.providers.openai.errors import call_sdk
from fineauthor.providers.openai.records import STATES, number


@dataclass
class MetricsSoFar:
    """What metrics() has already read for one job, so each call reads only new events."""

    last_event: str | None = None
    points: dict[int, MetricPoint] = field(default_factory=dict)
    from_result_file: bool = False


def merge_metric(so_far: MetricsSoFar, data: dict[str, object]) -> None:
    """Add one measurement (a metrics event's data or a result file's row) to ``so_far``."""
    step = number(data.get("step"))
    if step is None:
        return
    train = number(data.get("train_loss"))
    valid = number(data.get("valid_loss"))
    if valid is None:
        valid = number(data.get("full_valid_loss"))
    known = so_far.points.get(int(step))
    so_far.points[int(step)] = MetricPoint(
        step=int(step),
        train_loss=train if train is not None else (known.train_loss if known else None),
        valid_loss=valid if valid is not None else (known.valid_loss if known else None),
    )


def read_result_file(client: OpenAI, secret: str, job_id: str, so_far: MetricsSoFar) -> None:
    """Once the job has ended with a result file, its CSV completes (and, where both
    have a value, overrides) what the metrics events said."""
    job = call_sdk(
        secret, "checking on the training", lambda: client.fine_tuning.jobs.retrieve(job_id)
    )
    if STATES.get(job.status) not in FINISHED_STATES or not job.result_files:
        return
    raw = call_sdk(
        secret,
        "reading the training's results",
        lambda: client.files.content(job.result_files[0]).content,
    )
    for row in _result_rows(raw):
        merge_metric(so_far, row)
    so_far.from_result_file = True


def _result_rows(raw: bytes) -> list[dict[str, str]]:
    """The rows of a fine-tuning result file. OpenAI has served these as plain CSV and as
    base64-encoded CSV, so both are read."""
    text = raw.decode("utf-8", "replace").lstrip("\ufeff")
    if not text.lstrip().lower().startswith("step"):
        try:
            text = base64.b64decode(raw, validate=False).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return []
    return list(csv.DictReader(io.StringIO(text.strip())))
