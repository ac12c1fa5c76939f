"""Sending a training file to Together AI in its three steps, with progress and cancel, and
finding an earlier upload of the same name that Together still has and accepted."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2

from fineauthor.providers.base import Cancelled, Progress, ProviderError, UploadedFile
from fineauthor.providers.json_fields import as_dict, as_int, as_list, as_number, as_text
from fineauthor.providers.together.errors import network_error, raise_if_rejected, upload_stopped
from fineauthor.providers.together.transport import TogetherREST

# The shapes used here, and where they were confirmed (stored copies, read in late 2026):
#
# - Upload, three steps, as Together's official Python client does it
#   (``togethercomputer/together-python`` ``src/together/filemanager.py`` ``UploadManager`` and
#   ``togethercomputer/together-py`` ``src/together/lib/resources/files.py``):
#   ``POST /files`` with the form fields ``purpose=fine-tune``, ``file_name``, ``file_type=jsonl``
#   and no redirect following → ``302`` with ``Location`` (a pre-signed storage address) and
#   ``X-Together-File-Id``; ``PUT <Location>`` with the raw file bytes (no API key: the signed
#   address is the permission); then ``POST /files/{id}/preprocess`` → the file object
#   (``id``, ``filename``, ``bytes``, ``Processed``, ``LineCount``, …). A ``401`` on the first
#   step is, per that client, also what an account without credit gets. Together's API
#   reference also lists a one-step multipart ``POST /files/upload``
#   (docs.together.ai/reference/upload-file); we use the redirect-and-PUT flow because the
#   official client does and because a raw PUT body can be streamed from a generator that
#   counts bytes and stops on cancel.
#   Since June 2026 the file object may carry ``processing_status`` (``COMPLETED``,
#   ``INVALID_FORMAT``, ``FAILED``) and ``validation_report`` with reasons such as
#   "Line 7: messages[1] must contain a role field" (docs.together.ai changelog, 2026-06-08).
# - ``GET /files`` → ``{"data": [file, …]}`` (together-python ``resources/files.py``).

_CHUNK = 64 * 1024


class _UploadStoppedError(Exception):
    """Raised inside the upload body when the writer cancels."""


def upload_file(
    rest: TogetherREST,
    path: Path,
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> UploadedFile:
    """Send ``path`` for fine-tuning (see :meth:`Provider.upload`)."""
    name = filename or path.name
    try:
        total = path.stat().st_size
    except OSError:
        raise ProviderError(
            ProviderError.FILE_REJECTED,
            f'FineAuthor could not read the training file "{name}". Check that it still '
            "exists, then try again.",
        ) from None
    if cancelled is not None and cancelled():
        raise upload_stopped()

    # 1. Ask for an upload address. Only reserves a slot, so retrying it is harmless.
    response = rest.request(
        "POST",
        "/files",
        data={"purpose": "fine-tune", "file_name": name, "file_type": "jsonl"},
        accept_redirect=True,
        file_step=True,
    )
    location = response.headers.get("location")
    file_id = response.headers.get("x-together-file-id")
    if not response.is_redirect or not location or not file_id:
        raise ProviderError(
            ProviderError.SERVER,
            "Together AI answered the upload in a way FineAuthor does not understand. "
            "Nothing was lost; try again later.",
        )

    # 2. Send the bytes to that address, without the API key (it is another host).
    try:
        _put_file(rest, location, path, total, progress=progress, cancelled=cancelled)
    except ProviderError:
        _forget_file(rest, file_id)
        raise

    # 3. Have Together check and register the file.
    body = rest.json(rest.request("POST", f"/files/{file_id}/preprocess", file_step=True))
    raise_if_rejected(body, rest.api_key)
    return UploadedFile(
        id=as_text(body.get("id")) or file_id,
        filename=as_text(body.get("filename")) or name,
        bytes=as_int(body.get("bytes")) or total,
    )


def _put_file(
    rest: TogetherREST,
    url: str,
    path: Path,
    total: int,
    *,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    def body() -> Iterator[bytes]:
        sent = 0
        with path.open("rb") as handle:
            while True:
                if cancelled is not None and cancelled():
                    raise _UploadStoppedError
                chunk = handle.read(_CHUNK)
                if not chunk:
                    return
                yield chunk
                sent += len(chunk)
                if progress is not None:
                    progress(sent, total)

    if progress is not None:
        progress(0, total)
    # A fixed length: storage services refuse chunked uploads to signed addresses.
    headers = {"Content-Length": str(total)}
    try:
        response = rest.client.request("PUT", url, content=body(), headers=headers)
    except _UploadStoppedError:
        raise upload_stopped() from None
    except httpx2.TimeoutException:
        raise network_error(slow=True, upload=True) from None
    except (httpx2.TransportError, OSError):
        if cancelled is not None and cancelled():
            raise upload_stopped() from None
        raise network_error(upload=True) from None
    if response.status_code >= 300:
        raise ProviderError(
            ProviderError.SERVER,
            "Together AI's storage did not accept the file. Nothing was lost; try the "
            "upload again in a few minutes.",
        )


def _forget_file(rest: TogetherREST, file_id: str) -> None:
    """Best effort: remove a half-made upload so it is never taken for a finished one."""
    with contextlib.suppress(ProviderError):
        rest.request("DELETE", f"/files/{file_id}", retry=False)


def find_uploaded_file(rest: TogetherREST, filename: str) -> UploadedFile | None:
    """The newest accepted upload of that name (see :meth:`Provider.find_file`)."""
    data = rest.json(rest.request("GET", "/files"))
    found: list[dict[str, Any]] = []
    for entry in as_list(data.get("data")):
        item = as_dict(entry)
        purpose = as_text(item.get("purpose"))
        if as_text(item.get("filename")) != filename or purpose not in ("", "fine-tune"):
            continue
        if not _file_ready(item):  # a half-finished or rejected upload is no use
            continue
        found.append(item)
    if not found:
        return None
    newest = max(found, key=lambda item: as_number(item.get("created_at")) or 0)
    return UploadedFile(
        id=as_text(newest.get("id")),
        filename=filename,
        bytes=as_int(newest.get("bytes")) or 0,
    )


def _file_ready(item: dict[str, Any]) -> bool:
    state = as_text(item.get("processing_status")).upper()
    if state:
        return state == "COMPLETED"
    processed = item.get("Processed", item.get("processed"))
    return processed is not False
