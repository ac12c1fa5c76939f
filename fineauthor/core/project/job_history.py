"""What one row of the project's job history holds: the fields a caller may set, how they are
stored (``detail`` as JSON) and how a row is read back as a dict.

An attempt belongs to a service address (``base_url``) and an account, told apart by
``key_fingerprint``: a few hex digits of the key's SHA-256, enough to tell two keys apart and
useless for finding the key. The key itself is never stored.
"""

from __future__ import annotations

import hashlib
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
    "base_url",
    "key_fingerprint",
)

#: How many hex digits of the key's SHA-256 tell one account from another.
FINGERPRINT_DIGITS = 12

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


def key_fingerprint(api_key: str) -> str:
    """The first :data:`FINGERPRINT_DIGITS` hex digits of SHA-256 over the key (as the
    services read it: without surrounding spaces)."""
    return hashlib.sha256(api_key.strip().encode("utf-8")).hexdigest()[:FINGERPRINT_DIGITS]
