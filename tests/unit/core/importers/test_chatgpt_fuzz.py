"""Property-based tests of the ChatGPT export reader: whatever the bytes, whatever the JSON,
whatever the shape of a conversation, the reader gives conversations (or none) or one clear
DatasetError, never another exception; the streaming reader decodes exactly what json.loads
does, however the text is cut into pieces; and every conversation it gives makes valid
examples both ways."""

from __future__ import annotations

import itertools
import json
import string
import zipfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fineauthor.core.dataset.validate import parse_example
from fineauthor.core.errors import DatasetError
from fineauthor.core.importers.chatgpt import json_stream
from fineauthor.core.importers.chatgpt.conversation import Conversation, ExportSummary
from fineauthor.core.importers.chatgpt.conversation_list import matches, search_key
from fineauthor.core.importers.chatgpt.conversation_tree import read_conversation
from fineauthor.core.importers.chatgpt.examples import as_multi_turn, folded
from fineauthor.core.importers.chatgpt.export import read_export
from fineauthor.core.importers.chatgpt.json_stream import ArrayReader as _ArrayReader
from fineauthor.core.importers.chatgpt.sources import Source as _Source
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "chatgpt" / "conversations.json"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


def _read(path: Path) -> tuple[list[Conversation], ExportSummary] | str:
    """The reader's answer: its conversations, or the text of its one error."""
    summary = ExportSummary()
    try:
        return list(read_export(path, summary)), summary
    except DatasetError as problem:
        message = str(problem)
        assert message and "\n" not in message and "Traceback" not in message
        return message


def _check(conversations: list[Conversation]) -> None:
    """What every conversation given promises: turns that alternate, start with the writer and
    end with an answer; examples both ways that a training file accepts."""
    for conversation in conversations:
        roles = [turn.role for turn in conversation.turns]
        assert roles[0] == "user" and roles[-1] == "assistant"
        assert all(a != b for a, b in itertools.pairwise(roles))
        assert all(turn.text.strip() for turn in conversation.turns)
        for example in (as_multi_turn(conversation, "System."), folded(conversation)):
            parsed, problems = parse_example(example.to_json(), 1)
            assert parsed is not None, problems
            for message in example.messages:
                message.content.encode("utf-8")  # storable: no lone surrogates
        assert matches(search_key(conversation), "")


# Any bytes -----------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_give_conversations_or_one_clear_error(tmp_path: Path, data: bytes) -> None:
    for name in ("conversations.json", "export.zip"):
        path = tmp_path / name
        path.write_bytes(data)
        answer = _read(path)
        if not isinstance(answer, str):
            _check(answer[0])


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_inside_a_zip_give_conversations_or_one_clear_error(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", data)
    answer = _read(path)
    if not isinstance(answer, str):
        _check(answer[0])


@FUZZ
@given(cut=st.integers(min_value=0), flips=st.lists(st.integers(min_value=0), max_size=4))
def test_the_fixture_cut_or_damaged_anywhere_never_crashes(
    tmp_path: Path, cut: int, flips: list[int]
) -> None:
    data = bytearray(FIXTURE.read_bytes())
    data = data[: cut % (len(data) + 1)]
    for flip in flips:
        if data:
            data[flip % len(data)] ^= 0x5A
    path = tmp_path / "conversations.json"
    path.write_bytes(bytes(data))
    answer = _read(path)
    if not isinstance(answer, str):
        _check(answer[0])


@FUZZ
@given(cut=st.integers(min_value=0))
def test_a_zip_cut_anywhere_never_crashes(tmp_path: Path, cut: int) -> None:
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURE, "conversations.json")
    data = whole.read_bytes()
    path = tmp_path / "export.zip"
    path.write_bytes(data[: cut % (len(data) + 1)])
    answer = _read(path)
    if not isinstance(answer, str):
        _check(answer[0])


# Any JSON ------------------------------------------------------------------------------------


@FUZZ
@given(value=json_values, indent=st.sampled_from([None, 0, 2]))
def test_any_json_gives_conversations_or_one_clear_error(
    tmp_path: Path, value: object, indent: int | None
) -> None:
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(value, indent=indent), encoding="utf-8")
    answer = _read(path)
    if isinstance(value, list):
        assert not isinstance(answer, str), answer  # a list is read, element by element
        conversations, summary = answer
        assert summary.conversations == len(value)
        assert summary.usable + len(summary.left_out) == len(value)
        _check(conversations)
    else:
        assert isinstance(answer, str)


# Conversation-shaped JSON ------------------------------------------------------------------

ids = st.sampled_from(["root", "a", "b", "c", "d", "e"])
roles = st.sampled_from(["user", "assistant", "system", "tool", "critic", None, 3])
content_types = st.sampled_from(
    ["text", "multimodal_text", "code", "thoughts", "user_editable_context", None, []]
)
parts = st.lists(
    st.text(max_size=30)
    | st.none()
    | st.integers()
    | st.fixed_dictionaries(
        {"content_type": st.sampled_from(["image_asset_pointer", "audio_transcription", "x"])},
        optional={"text": st.text(max_size=10) | st.integers()},
    ),
    max_size=3,
)
messages = (
    st.none()
    | json_scalars
    | st.fixed_dictionaries(
        {},
        optional={
            "author": st.fixed_dictionaries({}, optional={"role": roles}) | json_scalars,
            "content": st.fixed_dictionaries(
                {}, optional={"content_type": content_types, "parts": parts | json_scalars}
            )
            | json_scalars,
            "metadata": st.fixed_dictionaries(
                {},
                optional={
                    "is_visually_hidden_from_conversation": st.booleans(),
                    "is_user_system_message": st.booleans(),
                },
            )
            | json_scalars,
            "recipient": st.sampled_from(["all", "browser", None, 5, []]),
            "channel": st.sampled_from([None, "analysis", "final", {}]),
            "create_time": st.none() | st.floats() | st.integers() | st.text(max_size=3),
        },
    )
)
nodes = st.fixed_dictionaries(
    {},
    optional={
        "message": messages,
        "parent": st.none() | ids | st.integers() | st.lists(ids, max_size=2),
        "children": st.lists(ids, max_size=3) | json_scalars,
    },
)
conversations = st.fixed_dictionaries(
    {"mapping": st.dictionaries(ids, nodes | json_scalars, max_size=6) | json_scalars},
    optional={
        "current_node": st.none() | ids | st.integers() | st.lists(ids, max_size=1),
        "title": st.none() | st.text(max_size=20) | st.integers(),
        "create_time": st.none() | st.floats() | st.integers(min_value=-(10**20), max_value=10**20),
        "update_time": st.floats(),
        "id": st.none() | st.text(max_size=5) | st.integers(),
    },
)


image_part = st.fixed_dictionaries(
    {"content_type": st.just("image_asset_pointer"), "asset_pointer": st.text(max_size=5)}
)

words = st.builds(
    str.__add__, st.sampled_from(["Mara ", "é", "雨", "🌊", "x"]), st.text(max_size=20)
)
part_lists = st.lists(words | image_part | st.just(""), min_size=1, max_size=2)


@st.composite
def chains(draw: st.DrawFn) -> dict:
    """A conversation as ChatGPT writes one: a chain from the root with mostly ordinary
    messages, some branches off it (regenerations, edits), and now and then something odd."""
    mapping: dict[str, dict] = {
        "root": {"id": "root", "message": None, "parent": None, "children": []}
    }
    parent = "root"
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        for branch in range(draw(st.integers(min_value=1, max_value=2))):
            node_id = f"n{number}-{branch}"
            if draw(st.integers(min_value=0, max_value=9)) == 9:  # odd now and then
                message = draw(messages)
            else:
                usual = "user" if number % 2 == 0 else "assistant"
                role = draw(st.sampled_from([usual] * 6 + ["user", "assistant", "system", "tool"]))
                kind = draw(st.sampled_from(["text"] * 6 + ["multimodal_text", "code"]))
                message = {
                    "author": {"role": role},
                    "content": {
                        "content_type": kind,
                        "parts": draw(part_lists)
                        if draw(st.integers(0, 3)) == 0
                        else [draw(words)],
                    },
                    "metadata": {"is_visually_hidden_from_conversation": draw(st.booleans())}
                    if draw(st.integers(min_value=0, max_value=4)) == 0
                    else {},
                    "recipient": draw(st.sampled_from(["all"] * 5 + ["browser"])),
                }
            mapping[node_id] = {"id": node_id, "message": message, "parent": parent, "children": []}
            mapping[parent]["children"].append(node_id)
        parent = node_id  # the last branch is the one followed
    current = draw(st.sampled_from([parent, parent, parent, None, "n0-0", "missing"]))
    return {"title": draw(st.text(max_size=10)), "mapping": mapping, "current_node": current}


any_conversation = chains() | conversations


@FUZZ
@given(raw=any_conversation)
def test_any_conversation_shape_gives_a_conversation_or_a_reason(raw: dict) -> None:
    summary = ExportSummary()
    conversation = read_conversation(raw, 1, summary)
    if conversation is None:
        assert len(summary.left_out) == 1
    else:
        assert not summary.left_out
        assert conversation.title
        _check([conversation])


@FUZZ
@given(items=st.lists(any_conversation, max_size=5))
def test_an_export_of_any_conversation_shapes_is_read_to_the_end(
    tmp_path: Path, items: list[dict]
) -> None:
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    answer = _read(path)
    assert not isinstance(answer, str), answer
    read, summary = answer
    assert summary.conversations == len(items) == summary.usable + len(summary.left_out)
    _check(read)


# The streaming reader against json.loads -----------------------------------------------------


def _pieces(text: str, cuts: list[int]) -> Iterator[str]:
    start = 0
    for cut in sorted({c % (len(text) + 1) for c in cuts}):
        yield text[start:cut]
        start = cut
    yield text[start:]


@FUZZ
@given(
    values=st.lists(json_values, max_size=6),
    indent=st.sampled_from([None, 0, 1, 3]),
    cuts=st.lists(st.integers(min_value=0), max_size=30),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_the_streaming_reader_decodes_exactly_what_json_loads_does(
    values: list, indent: int | None, cuts: list[int], chunk: int
) -> None:
    text = json.dumps(values, indent=indent, ensure_ascii=False)
    source = _Source("conversations.json", len(text), lambda: None)  # type: ignore[arg-type, return-value]
    original = json_stream.CHUNK
    json_stream.CHUNK = chunk
    try:
        decoded = list(_ArrayReader(_pieces(text, cuts), source))
    finally:
        json_stream.CHUNK = original
    assert decoded == json.loads(text)


@FUZZ
@given(
    text=st.text(alphabet=string.printable + '[]{},:"0123456789eE.-+ntrufalse', max_size=80),
    cuts=st.lists(st.integers(min_value=0), max_size=10),
)
def test_the_streaming_reader_agrees_with_json_loads_on_any_text(
    text: str, cuts: list[int]
) -> None:
    source = _Source("conversations.json", len(text), lambda: None)  # type: ignore[arg-type, return-value]
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        expected = None
    try:
        decoded = list(_ArrayReader(_pieces(text, cuts), source))
    except DatasetError:
        decoded = None
    if isinstance(expected, list):
        assert decoded == expected
    else:
        assert decoded is None
