"""Sending training examples to Fireworks as a dataset, with progress and cancel, and finding a
dataset sent earlier for the same examples.

The shapes used here, and where they were confirmed (stored copies, read in late 2026):

- ``POST /v1/accounts/{a}/datasets`` with ``{"datasetId", "dataset": {"displayName",
  "exampleCount", "userUploaded": {}, "format"}}`` → the dataset (``name``, ``state``
  ``UPLOADING``/``READY``, ``exampleCount``, …) (fw-ai-external/python-sdk
  ``types/dataset_create_params.py``, ``types/dataset.py``). ``GET .../datasets/{id}`` → the
  same object.
- Small files: ``POST .../datasets/{id}:upload`` as multipart/form-data with one ``file`` field
  → ``{"id", "bytes", "filename", …}``; "up to 150Mb" (docs.fireworks.ai/api-reference/
  upload-dataset-files).
- Larger files: ``POST .../datasets/{id}:getUploadEndpoint`` with ``{"filenameToSize":
  {name: "bytes"}}`` → ``{"filenameToSignedUrls": {name: url}}``; ``PUT`` the bytes to that
  address (no API key: the signature is the permission); then ``POST .../{id}:validateUpload``
  with ``{}`` (docs.fireworks.ai/api-reference/get-dataset-upload-endpoint,
  validate-dataset-upload).

The dataset's id comes from the file name FineAuthor gives the examples (their SHA-256), so the
same examples always land in the same dataset and an interrupted upload is found again. Its
display name carries the byte count, which the dataset object has no field for.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2

from fineauthor.providers.base import Cancelled, Progress, ProviderError, UploadedFile
from fineauthor.providers.fireworks.errors import NAME, network_error, upload_stopped
from fineauthor.providers.fireworks.transport import FireworksREST
from fineauthor.providers.json_fields import as_dict, as_text

DIRECT_UPLOAD_LIMIT = 150 * 1024 * 1024  # Fireworks' limit for the one-request upload
_CHUNK = 64 * 1024
_SIZE_NOTE = re.compile(r"\((\d+) bytes\)\s*$")


class _UploadStoppedError(Exception):
    """Raised inside an upload body when the writer cancels."""


def dataset_id_for(filename: str) -> str:
    """A Fireworks dataset id (lower-case letters, digits and hyphens, at most 63) for a file
    name: ``fineauthor-0123abcd.jsonl`` → ``fineauthor-0123abcd``."""
    stem = filename.rsplit(".", 1)[0] if filename.lower().endswith(".jsonl") else filename
    slug = re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")
    return (slug or "examples")[:63].rstrip("-")


def upload_dataset(
    rest: FireworksREST,
    path: Path,
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    direct_limit: int = DIRECT_UPLOAD_LIMIT,
) -> UploadedFile:
    """Send ``path`` as a dataset (see :meth:`Provider.upload`); its id is the dataset's
    full name, which is what a job is trained on."""
    name = filename or path.name
    try:
        total = path.stat().st_size
        examples = sum(1 for line in path.read_bytes().splitlines() if line.strip())
    except OSError:
        raise ProviderError(
            ProviderError.FILE_REJECTED,
            f'FineAuthor could not read the training file "{name}". Check that it still '
            "exists, then try again.",
        ) from None
    if cancelled is not None and cancelled():
        raise upload_stopped()

    dataset_id = dataset_id_for(name)
    existing = get_dataset(rest, dataset_id)
    if existing is not None and as_text(existing.get("state")) == "READY":
        return _uploaded(existing, name, total)
    if existing is None:  # a half-finished one is filled again instead
        rest.request(
            "POST",
            rest.account_path("/datasets"),
            json={
                "datasetId": dataset_id,
                "dataset": {
                    "displayName": f"{name} ({total} bytes)",
                    "exampleCount": str(examples),
                    "format": "CHAT",
                    "userUploaded": {},
                },
            },
            file_step=True,
        )
    base = rest.account_path(f"/datasets/{dataset_id}")
    body = _Body(path, total, progress, cancelled)
    try:
        if total <= direct_limit:
            _send_multipart(rest, base, name, body)
        else:
            _send_signed(rest, base, name, body)
    except _UploadStoppedError:
        raise upload_stopped() from None
    return UploadedFile(
        id=f"accounts/{rest.account}/datasets/{dataset_id}", filename=name, bytes=total
    )


def find_dataset(rest: FireworksREST, filename: str) -> UploadedFile | None:
    """The ready dataset sent earlier under that file name (see :meth:`Provider.find_file`)."""
    found = get_dataset(rest, dataset_id_for(filename))
    if found is None or as_text(found.get("state")) != "READY":
        return None  # a half-finished upload is no use
    size = _SIZE_NOTE.search(as_text(found.get("displayName")))
    return _uploaded(found, filename, int(size.group(1)) if size else 0)


def get_dataset(rest: FireworksREST, dataset_id: str) -> dict[str, Any] | None:
    try:
        return rest.json(rest.request("GET", rest.account_path(f"/datasets/{dataset_id}")))
    except ProviderError as problem:
        if problem.kind == ProviderError.NOT_FOUND:
            return None
        raise


def _uploaded(dataset: dict[str, Any], filename: str, size: int) -> UploadedFile:
    return UploadedFile(id=as_text(dataset.get("name")), filename=filename, bytes=size)


class _Body:
    """The file's bytes as a stream that counts what went out and stops on cancel; each call
    gives a fresh stream (a retried request sends it all again)."""

    def __init__(
        self, path: Path, total: int, progress: Progress | None, cancelled: Cancelled | None
    ) -> None:
        self.path, self.total = path, total
        self._progress, self._cancelled = progress, cancelled

    def stream(self, head: bytes = b"", tail: bytes = b"") -> Iterator[bytes]:
        if self._progress is not None:
            self._progress(0, self.total)
        yield head
        sent = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                if self._cancelled is not None and self._cancelled():
                    raise _UploadStoppedError
                yield chunk
                sent += len(chunk)
                if self._progress is not None:
                    self._progress(sent, self.total)
        yield tail


def _send_multipart(rest: FireworksREST, base: str, name: str, body: _Body) -> None:
    boundary = f"fineauthor-{uuid.uuid4().hex}"
    safe_name = name.replace('"', "").replace("\r", "").replace("\n", "")
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
        "Content-Type: application/jsonl\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    content: Callable[[], Iterator[bytes]] = lambda: body.stream(head, tail)  # noqa: E731
    rest.request(
        "POST",
        f"{base}:upload",
        content=content,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            # A fixed length, so the body is not sent in chunks.
            "Content-Length": str(len(head) + body.total + len(tail)),
        },
        file_step=True,
    )


def _send_signed(rest: FireworksREST, base: str, name: str, body: _Body) -> None:
    answer = rest.json(
        rest.request(
            "POST",
            f"{base}:getUploadEndpoint",
            json={"filenameToSize": {name: str(body.total)}},
            file_step=True,
        )
    )
    url = as_text(as_dict(answer.get("filenameToSignedUrls")).get(name))
    if not url:
        raise ProviderError(
            ProviderError.SERVER,
            f"{NAME} answered the upload in a way FineAuthor does not understand. Nothing was "
            "trained; try again later.",
        )
    # To the storage address: the bytes only, never the API key (it is another service).
    headers = {"Content-Type": "application/octet-stream", "Content-Length": str(body.total)}
    try:
        response = rest.client.request("PUT", url, content=body.stream(), headers=headers)
    except httpx2.TimeoutException:
        raise network_error(slow=True, upload=True) from None
    except httpx2.TransportError:
        raise network_error(upload=True) from None
    if response.status_code >= 300:
        raise ProviderError(
            ProviderError.SERVER,
            f"{NAME}'s storage did not accept the file. Nothing was trained; try the upload "
            "again in a few minutes.",
        )
    rest.request("POST", f"{base}:validateUpload", json={}, file_step=True)
