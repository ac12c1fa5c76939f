"""Reading and writing chat JSONL, the training-file format of OpenAI, Together AI and Fireworks:
one JSON object per line, ``{"messages": [{"role": ..., "content": ...}, ...]}``.

Reading is a stream, so memory stays flat however many lines a file has. Each line arrives
with its number and either its parsed value or the problem that stopped it being read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fineauthor.core.atomic import atomic_write
from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.problems import Problem, error
from fineauthor.core.errors import DatasetError

_BOM = b"\xef\xbb\xbf"
_SNIFF = 8192
_WHOLE_JSON_LIMIT = 20 * 1024 * 1024  # a .json file up to this size is looked at as a whole
# Files people drop by mistake, named so the message can say what the file really is.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a compressed (zip) file, such as a Word document"),
    (b"SQLite format 3\x00", "a database, such as a FineAuthor project"),
    (b"\xff\xfe", "a text file saved as UTF-16"),
    (b"\xfe\xff", "a text file saved as UTF-16"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: its 1-based number and either ``value`` or ``problem``."""

    number: int
    value: object = None
    problem: Problem | None = None


def _unusable(path: Path, why: str) -> DatasetError:
    return DatasetError(f"“{path.name}” can’t be read as a training file: {why}")


def open_dataset(path: Path) -> Iterator[bytes]:
    """Yield the raw lines of ``path`` after checking it is a readable text file at all."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"There is no file at “{path}”.")
    if path.is_dir():
        raise _unusable(path, "it is a folder, not a file.")
    try:
        stream = path.open("rb")
    except OSError as problem:
        raise _unusable(path, f"{problem.strerror or 'it could not be opened'}.") from None
    return _raw_lines(path, stream)


def _raw_lines(path: Path, stream) -> Iterator[bytes]:
    with stream:
        head = stream.read(_SNIFF)
        if not head.strip():
            raise _unusable(path, "it is empty.")
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                advice = " Save it as UTF-8 and try again." if "UTF-16" in kind else ""
                raise _unusable(path, f"it is {kind}.{advice}")
        if b"\x00" in head:
            raise _unusable(path, "it is not a text file.")
        if path.suffix.lower() == ".json":
            _refuse_one_document(path, stream)
        stream.seek(0)
        if b"\r" in head and b"\n" not in head:
            # Old Mac line endings: each line ends with a carriage return alone.
            yield from _cr_lines(stream)
        else:
            yield from stream  # \n and \r\n (the \r is whitespace to the JSON reader)


def _refuse_one_document(path: Path, stream) -> None:
    """A .json file that is one JSON document other than a single example (settings, a list of
    examples, a ChatGPT export) is not a training file: say what it is instead."""
    stream.seek(0)
    data = stream.read(_WHOLE_JSON_LIMIT + 1)
    if len(data) > _WHOLE_JSON_LIMIT:
        return  # too big to be a settings file: read it line by line
    try:
        value = json.loads(data.removeprefix(_BOM).decode("utf-8"))
    except (ValueError, RecursionError):
        return  # not one document: perhaps lines of examples after all
    line_rule = ' A training file has one example per line, each like {"messages": [...]}.'
    if isinstance(value, dict) and "messages" not in value:
        fields = ", ".join(f"“{key}”" for key in list(value)[:3]) or "no fields"
        raise _unusable(path, f"it is one JSON document (with {fields}), not examples.{line_rule}")
    if isinstance(value, list):
        if value and all(isinstance(item, dict) and "mapping" in item for item in value[:5]):
            raise _unusable(
                path,
                "it looks like a ChatGPT export. Bring it in with Import (or “fineauthor import "
                f"{path.name} -o PROJECT”) to turn its conversations into examples.",
            )
        raise _unusable(
            path, f"it holds its examples as one JSON list, not one per line.{line_rule}"
        )


def _cr_lines(stream, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    rest = b""
    while chunk := stream.read(chunk_size):
        *lines, rest = (rest + chunk).split(b"\r")
        yield from lines
    if rest:
        yield rest


def read_jsonl(path: Path) -> Iterator[Line]:
    """Parse ``path`` line by line. Raises DatasetError before the first line if the file is
    unusable; after that, every problem is reported on its line and reading goes on."""
    lines = open_dataset(path)
    # Pull the first line now so unusable files fail when the reader is created.
    first = next(lines, None)
    return _parse(first, lines)


def _parse(first: bytes | None, rest: Iterable[bytes]) -> Iterator[Line]:
    if first is None:
        return
    number = 0
    for raw in _chain(first.removeprefix(_BOM), rest):
        number += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as problem:
            yield Line(
                number,
                problem=error(
                    "invalid_utf8",
                    f"Line {number} has characters that are not valid UTF-8 text "
                    f"(at position {problem.start + 1}). Save the file as UTF-8.",
                    number,
                ),
            )
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError as problem:
            yield Line(number, problem=_json_problem(number, text, problem))
            continue
        except RecursionError:  # thousands of nested brackets: no training example looks so
            yield Line(
                number,
                problem=error(
                    "invalid_json",
                    f"Line {number} is nested too deeply to be a training example.",
                    number,
                ),
            )
            continue
        yield Line(number, value)


def _chain(first: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _json_problem(number: int, text: str, problem: ValueError) -> Problem:
    where = getattr(problem, "colno", None)
    position = f" near character {where}" if where else ""
    stripped = text.strip()
    if stripped in ("[", "]", "{", "}") or stripped.endswith(","):
        hint = " It looks like a pretty-printed JSON file; each example must be on one line."
    else:
        hint = (
            " Each line must hold one example as a JSON object, such as "
            '{"messages": [...]}; fix or remove this line.'
        )
    return error(
        "invalid_json",
        f"Line {number} is not valid JSON{position}.{hint}",
        number,
    )


def jsonl_line(example: Example, *, keep_weights: bool = True) -> str:
    """One example as a line of training JSONL (with its newline)."""
    data = example.to_json()
    if not keep_weights:
        for message in data["messages"]:  # type: ignore[union-attr]
            message.pop("weight", None)
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def write_jsonl(
    examples: Iterable[Example],
    path: Path,
    *,
    keep_weights: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write examples as training JSONL, atomically: the file is complete or not there at all.

    Names and weights the writer set are kept; ``keep_weights=False`` leaves weights out for a
    service that does not accept them. Returns the number of examples written.
    """
    count = 0
    with atomic_write(Path(path)) as stream:
        for example in examples:
            stream.write(jsonl_line(example, keep_weights=keep_weights))
            count += 1
            if progress is not None:
                progress(count)
    return count
