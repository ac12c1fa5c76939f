"""A small loopback HTTP server for fake provider APIs.

Real HTTP over a real socket on 127.0.0.1 (port chosen by the OS), so the real SDKs and
clients are exercised end to end — transport mocks do not reach httpx2. It knows nothing about
any provider: a fake API subclasses or wraps :class:`FakeHTTPServer` and adds routes.

    server = FakeHTTPServer(api_key="sk-test")
    server.route("GET", "/v1/things/{thing_id}", lambda req: json_response({"id": "t1"}))
    with server:                      # or server.start() / server.stop()
        ...  # talk to server.url
    server.fail_next("POST", "/v1/things", status=429, headers={"Retry-After": "1"})
    server.fail_next("POST", "/v1/things", drop="after_handler")   # side effect, no reply
    server.count("POST", "/v1/things")

Faults apply to the next N matching requests, in the order they were added.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

DropMode = Literal["before_body", "mid_body", "after_handler"]

_REDACTED = "<redacted>"


# --------------------------------------------------------------------------- requests, replies


@dataclass(frozen=True)
class FilePart:
    """One file field of a multipart/form-data body."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class Multipart:
    """A parsed multipart/form-data body: plain fields as text, file fields as bytes."""

    fields: dict[str, str]
    files: dict[str, FilePart]


@dataclass
class Request:
    """What a route handler receives."""

    method: str
    path: str  # without the query string
    query: dict[str, str]  # first value of each query parameter
    headers: dict[str, str]  # header names lower-cased; Authorization included (handlers may check)
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # from the route's {placeholders}

    def json(self) -> Any:
        """The body as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None

    def form(self) -> Multipart:
        """The body as multipart/form-data."""
        return parse_multipart(self.headers.get("content-type", ""), self.body)

    @property
    def bearer(self) -> str | None:
        """The bearer token sent, if any."""
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else None


@dataclass
class Response:
    """What a route handler returns. ``stream`` (instead of ``body``) sends the pieces one by
    one with chunked transfer encoding, flushing after each (for server-sent events)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON reply."""
    return Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def text_response(
    text: str | bytes, status: int = 200, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    """A plain text (or raw bytes) reply."""
    body = text.encode() if isinstance(text, str) else text
    return Response(status=status, body=body, headers={"Content-Type": content_type})


def sse_response(events: Iterable[Any], *, final: str | None = None) -> Response:
    """Server-sent events: each item (a dict is sent as JSON) as one ``data:`` event, then
    ``data: <final>`` if given (OpenAI-style APIs end with ``[DONE]``)."""

    def pieces() -> Iterator[bytes]:
        for event in events:
            payload = event if isinstance(event, str) else json.dumps(event)
            yield f"data: {payload}\n\n".encode()
        if final is not None:
            yield f"data: {final}\n\n".encode()

    return Response(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
        stream=pieces(),
    )


def parse_multipart(content_type: str, body: bytes) -> Multipart:
    """Parse a multipart/form-data body (enough for what HTTP clients send)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise ValueError(f"not a multipart content type: {content_type!r}")
    delimiter = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    files: dict[str, FilePart] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _param(disposition, "name") or ""
        filename = _param(disposition, "filename")
        if filename is None:
            fields[name] = data.decode("utf-8")
        else:
            files[name] = FilePart(name, filename, headers.get("content-type"), data)
    return Multipart(fields, files)


def _param(header: str, name: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{name}="((?:[^"\\]|\\.)*)"', header) or re.search(
        rf"(?:^|;)\s*{name}=([^;]+)", header
    )
    return match.group(1) if match else None


# --------------------------------------------------------------------------- log and faults


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it. Authorization values are never kept."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # Authorization's value replaced by "<redacted>"
    body_size: int  # bytes of body read (fewer than sent when the connection was dropped)
    status: int | None  # the status answered; None when the connection was dropped
    handled: bool  # whether the route's handler ran (its side effects happened)
    # Which fault hit it: "status", "delay", "drop:<mode>", or "client_closed" when the client
    # stopped sending before the end of the body.
    fault: str | None = None


@dataclass
class Fault:
    """Trouble for the next ``times`` requests matching ``method`` and ``pattern``.

    ``delay`` seconds pass first (then the request is handled normally unless something else
    is set); ``status`` replies with that status, ``body`` and ``headers`` without running the
    handler; ``drop`` closes the connection without a reply: ``"before_body"`` before reading
    the body, ``"mid_body"`` after reading ``drop_after_bytes`` of it (default: half), with a
    TCP reset; ``"after_handler"`` after the handler ran — the side effect happened but the
    client never hears about it.
    """

    method: str
    pattern: re.Pattern[str]
    times: int = 1
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: DropMode | None = None
    drop_after_bytes: int | None = None

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.pattern.fullmatch(path) is not None


Handler = Callable[[Request], Response]


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``/v1/files/{file_id}/content`` → a regex with a named group per placeholder, each
    matching one path segment."""
    parts = re.split(r"\{(\w+)\}", pattern)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex)


# --------------------------------------------------------------------------- the server


class FakeHTTPServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with routes, a request log, bearer-key checking
    and fault injection. Use as a context manager or with start()/stop()."""

    def __init__(self, *, api_key: str | None = None) -> None:
        # When set, every request must carry "Authorization: Bearer <api_key>"; change it at any
        # time (e.g. to None to accept anything, or to another value to "revoke" a key).
        self.api_key = api_key
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: list[Fault] = []
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- set-up

    def route(self, method: str, pattern: str, handler: Handler | None = None) -> Any:
        """Register ``handler`` for ``method`` on paths matching ``pattern`` (``{name}`` is one
        path segment, given to the handler in ``request.params``). Usable as a decorator.
        Earlier routes win."""

        def register(function: Handler) -> Handler:
            self._routes.append((method.upper(), compile_pattern(pattern), function))
            return function

        return register(handler) if handler is not None else register

    def unauthorized(self, request: Request) -> Response:
        """The reply to a missing or wrong key; fakes override it with their API's shape."""
        return json_response({"error": {"message": "Unauthorized"}}, status=401)

    def not_found(self, request: Request) -> Response:
        """The reply when no route matches; fakes may override it."""
        return json_response(
            {"error": {"message": f"No route for {request.method} {request.path}"}}, status=404
        )

    def fail_next(
        self,
        method: str,
        pattern: str,
        *,
        times: int = 1,
        status: int | None = None,
        json_body: Any = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drop: DropMode | None = None,
        drop_after_bytes: int | None = None,
    ) -> Fault:
        """Inject trouble into the next ``times`` requests matching (see :class:`Fault`).
        ``method`` may be ``"*"``. ``json_body`` is a shortcut for a JSON ``body``."""
        all_headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        fault = Fault(
            method=method.upper(),
            pattern=compile_pattern(pattern),
            times=times,
            status=status,
            body=body,
            headers=all_headers,
            delay=delay,
            drop=drop,
            drop_after_bytes=drop_after_bytes,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # -- the log

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._log)

    def count(
        self, method: str = "*", pattern: str | None = None, *, handled: bool | None = None
    ) -> int:
        """How many requests matched ``method`` and ``pattern`` (a route-style pattern, any path
        when None); with ``handled``, only those whose handler did (or did not) run."""
        regex = compile_pattern(pattern) if pattern is not None else None
        return sum(
            1
            for entry in self.requests
            if method.upper() in ("*", entry.method)
            and (regex is None or regex.fullmatch(entry.path))
            and (handled is None or entry.handled == handled)
        )

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- life cycle

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._httpd is None:
            raise RuntimeError("the fake server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHTTPServer:
        handler_class = type("_BoundHandler", (_RequestHandler,), {"fake": self})
        self._stopping.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes handlers sleeping in a delay
        self._httpd.shutdown()
        with self._lock:
            open_connections = list(self._connections)
        for connection in open_connections:  # idle keep-alive connections would linger
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeHTTPServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- used by the request handler

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _find_route(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route_method, pattern, handler in self._routes:
            if route_method in ("*", method):
                match = pattern.fullmatch(path)
                if match:
                    return handler, match.groupdict()
        return None

    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _RequestHandler(BaseHTTPRequestHandler):
    """Serves one connection for a :class:`FakeHTTPServer` (``fake`` is set on a subclass)."""

    fake: FakeHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs do
    timeout = 30  # an idle or stuck client never holds a thread forever
    # Headers and body go out as separate writes; without this, Nagle's algorithm and delayed
    # acknowledgements hold every reply back by ~40 ms.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.fake._lock:
            self.fake._connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def handle_one_request(self) -> None:
        # A client that hangs up (or a connection we reset on purpose) ends this connection only.
        try:
            super().handle_one_request()
        except OSError:
            self.close_connection = True

    def _serve(self) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        path = split.path
        query = {key: values[0] for key, values in parse_qs(split.query).items()}
        method = self.command
        headers = {key.lower(): value for key, value in self.headers.items()}
        logged_headers = {
            key: (_REDACTED if key == "authorization" else value) for key, value in headers.items()
        }

        def log(body_size: int, status: int | None, handled: bool, fault: str | None) -> None:
            fake._record(
                LoggedRequest(
                    method, path, query, logged_headers, body_size, status, handled, fault
                )
            )

        fault = fake._take_fault(method, path)
        fault_name: str | None = None
        if fault is not None and fault.delay:
            fault_name = "delay"
            fake._sleep(fault.delay)
        if fault is not None and fault.drop == "before_body":
            log(0, None, False, "drop:before_body")
            self._reset()
            return
        if fault is not None and fault.drop == "mid_body":
            size = self._read_partial_body(fault.drop_after_bytes)
            log(size, None, False, "drop:mid_body")
            self._reset()
            return

        body = self._read_body()
        if body is None:  # the client went away mid-body (e.g. it cancelled an upload)
            log(0, None, False, "client_closed")
            self._close_quietly()
            return
        request = Request(method, path, query, headers, body)

        if fault is not None and fault.status is not None:
            log(len(body), fault.status, False, "status")
            self._send(Response(fault.status, fault.body, dict(fault.headers)))
            return

        if fake.api_key is not None and request.bearer != fake.api_key:
            response = fake.unauthorized(request)
            handled = False
        else:
            found = fake._find_route(method, path)
            if found is None:
                response = fake.not_found(request)
                handled = False
            else:
                handler, request.params = found
                response = handler(request)
                handled = True

        if fault is not None and fault.drop == "after_handler":
            log(len(body), None, handled, "drop:after_handler")
            self._close_quietly()
            return
        log(len(body), response.status, handled, fault_name)
        self._send(response)

    # Every method goes through the same code (http.server looks up do_<METHOD>).
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve  # noqa: N815

    # -- bodies

    def _read_body(self) -> bytes | None:
        """The whole body, or None when the client stopped sending before its end."""
        try:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return b"".join(self._chunks())
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
        except (OSError, ValueError):
            return None
        return body if len(body) == length else None

    def _chunks(self) -> Iterator[bytes]:
        while True:
            size_line = self.rfile.readline()
            if not size_line:
                raise ValueError("the chunked body ended early")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Trailer lines up to the blank one.
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise ValueError("the chunked body ended early")
            yield chunk
            self.rfile.readline()  # the CRLF after each chunk

    def _read_partial_body(self, limit: int | None) -> int:
        length = int(self.headers.get("Content-Length") or 0)
        if limit is None:
            limit = length // 2 if length else 64 * 1024
        read = 0
        while read < limit:
            piece = self.rfile.read1(min(65536, limit - read))
            if not piece:
                break
            read += len(piece)
        return read

    # -- replies

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            if response.stream is None:
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for piece in response.stream:
                    if piece:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (ConnectionError, TimeoutError):  # the client gave up (e.g. its timeout)
            self.close_connection = True

    def _reset(self) -> None:
        """Close with a TCP reset: the client sees 'connection reset', not a tidy end."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._close_quietly()

    def _close_quietly(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.connection.close()
