"""Sending a training file to OpenAI with progress and cancel: in one request, or through the
Uploads API in parts when it is large; and finding an earlier upload of the same name."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import httpx2
import openai
from openai import OpenAI

from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import Cancelled, Progress, ProviderError, UploadedFile
from fineauthor.providers.openai.errors import UploadCancelledError, call_sdk, cancelled_error

#: Files larger than this go through the Uploads API in parts; OpenAI's ``/files`` takes up to
#: 512 MB in one request. Read at call time, so tests can lower it.
UPLOADS_API_THRESHOLD = 512 * 1024 * 1024
#: The size of each part sent through the Uploads API (OpenAI takes at most 64 MB per part).
UPLOAD_PART_SIZE = 64 * 1024 * 1024


class _ProgressReader(io.RawIOBase):
    """A window of an open file, read by the SDK (httpx reads 64 KiB at a time and seeks back
    to the start before a retry): counts the bytes handed over and stops when cancelled."""

    def __init__(
        self,
        handle: BinaryIO,
        start: int,
        length: int,
        on_read: Callable[[int], None],
        cancelled: Cancelled | None,
    ) -> None:
        super().__init__()
        self._handle = handle
        self._start = start
        self._length = length
        self._position = 0
        self._on_read = on_read
        self._cancelled = cancelled

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = min(max(0, base + offset), self._length)
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        if self._cancelled is not None and self._cancelled():
            raise UploadCancelledError
        remaining = self._length - self._position
        wanted = remaining if size is None or size < 0 else min(size, remaining)
        if wanted <= 0:
            return b""
        self._handle.seek(self._start + self._position)
        data = self._handle.read(wanted)
        self._position += len(data)
        self._on_read(self._position)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def upload_file(
    client: OpenAI,
    secret: str,
    path: Path,
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> UploadedFile:
    """Send ``path`` for fine-tuning (see :meth:`Provider.upload`)."""
    name = filename or path.name
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as error:
        raise FineAuthorError(
            f"FineAuthor could not read the file it was about to send ({error.strerror}). "
            "Nothing was sent; try again."
        ) from None

    def report(sent: int) -> None:
        if progress is not None:
            progress(sent, size)

    with handle:
        if cancelled is not None and cancelled():
            raise cancelled_error()
        report(0)
        if size > UPLOADS_API_THRESHOLD:
            return _upload_in_parts(
                client, secret, handle, name, size, report=report, cancelled=cancelled
            )
        reader = _ProgressReader(handle, 0, size, report, cancelled)
        file = call_sdk(
            secret,
            "sending your examples to OpenAI",
            lambda: client.files.create(
                file=(name, reader, "application/jsonl"), purpose="fine-tune"
            ),
        )
    report(size)
    return UploadedFile(id=file.id, filename=file.filename, bytes=file.bytes)


def find_uploaded_file(client: OpenAI, secret: str, filename: str) -> UploadedFile | None:
    """The newest fine-tuning file of that name that OpenAI still has (see
    :meth:`Provider.find_file`)."""

    def newest() -> Any:
        matches = [
            f
            for f in client.files.list(purpose="fine-tune")
            if f.filename == filename and getattr(f, "status", None) != "error"
        ]
        return max(matches, key=lambda f: f.created_at, default=None)

    found = call_sdk(secret, "looking for your earlier upload", newest)
    if found is None:
        return None
    return UploadedFile(id=found.id, filename=found.filename, bytes=found.bytes)


def _upload_in_parts(
    client: OpenAI,
    secret: str,
    handle: BinaryIO,
    name: str,
    size: int,
    *,
    report: Callable[[int], None],
    cancelled: Cancelled | None,
) -> UploadedFile:
    action = "sending your examples to OpenAI"
    upload = call_sdk(
        secret,
        action,
        lambda: client.uploads.create(
            bytes=size, filename=name, mime_type="text/jsonl", purpose="fine-tune"
        ),
    )
    part_ids: list[str] = []
    try:
        for start in range(0, size, UPLOAD_PART_SIZE):
            length = min(UPLOAD_PART_SIZE, size - start)
            reader = _ProgressReader(
                handle, start, length, lambda sent, s=start: report(s + sent), cancelled
            )
            part = call_sdk(
                secret,
                action,
                lambda r=reader: client.uploads.parts.create(
                    upload.id, data=(name, r, "application/octet-stream")
                ),
            )
            part_ids.append(part.id)
        done = call_sdk(
            secret, action, lambda: client.uploads.complete(upload.id, part_ids=part_ids)
        )
    except ProviderError:
        _abandon_upload(client, upload.id)
        raise
    file = done.file
    if file is None:  # the API promises the file with a completed upload
        raise ProviderError(
            ProviderError.SERVER,
            "OpenAI accepted the upload but did not say which file it made. Try again.",
        )
    report(size)
    return UploadedFile(id=file.id, filename=file.filename, bytes=file.bytes)


def _abandon_upload(client: OpenAI, upload_id: str) -> None:
    """Tell OpenAI to drop a half-sent upload; it expires on its own within an hour
    anyway, so a failure here changes nothing."""
    with contextlib.suppress(openai.OpenAIError, httpx2.HTTPError):
        client.with_options(max_retries=0, timeout=10).uploads.cancel(upload_id)
