"""What one row of the project's job history holds: the fields a caller may set, how they are
stored (``detail`` as JSON) and how a row is read back as a dict."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

JOB_FIELDS = (
    "provider",
    "job_id",
    "file_id",
    "dataset_sha256",
    "model",
    "status",
    "fine_tuned_model",
    "detail",
)

#: The columns :func:`job_from_row` expects, in order.
JOB_COLUMNS = ("id", *JOB_FIELDS, "created", "updated")


def job_values(fields_: Mapping[str, Any]) -> dict[str, Any]:
    """``fields_`` as column values; TypeError for a name that is not a job field."""
    values = {}
    for key, value in fields_.items():
        if key not in JOB_FIELDS:
            raise TypeError(f"unknown job field {key!r}")
        values[key] = json.dumps(value, ensure_ascii=False) if key == "detail" else value
    return values


def job_from_row(row: Sequence[Any]) -> dict[str, Any]:
    """A row of :data:`JOB_COLUMNS` as a dict; a ``detail`` that is not JSON reads as ``{}``."""
    job = dict(zip(JOB_COLUMNS, row, strict=True))
    try:
        job["detail"] = json.loads(job["detail"])
    except (TypeError, ValueError):
        job["detail"] = {}
    return job
