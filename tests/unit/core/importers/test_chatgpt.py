"""Reading ChatGPT data exports (tests/fixtures/chatgpt/conversations.json, a realistic export
written for these tests, and small hand-made ones): the branch the writer last saw, what is
skipped and counted, examples kept whole or folded, search, streaming, every kind of unusable
file, and the ``import`` command on an export."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from fineauthor.cli.main import main
from fineauthor.core.dataset.validate import parse_example
from fineauthor.core.errors import DatasetError
from fineauthor.core.importers import chatgpt as chatgpt_export
from fineauthor.core.importers.chatgpt import (
    Conversation,
    ExportSummary,
    Skipped,
    Unusable,
    as_multi_turn,
    fold_follow_up,
    folded,
    import_export,
    is_chatgpt_export,
    matches,
    pack,
    read_conversation,
    read_export,
    search_key,
    to_example,
)
from fineauthor.core.project.project import Cancelled, Project
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "chatgpt" / "conversations.json"
LIGHTHOUSE = "Lighthouse at dusk — chapter 3"
CAFE = "Café à Lyon — Élodie attend"
TOKYO = "東京の雨 — noir opening 🌧️"
MOURNING = "Victorian mourning customs"
COVER = "Cover idea for The Salt Keeper"
COUNT = "How long is chapter 7?"
VILLANELLE = "Villanelle about the sea"
SYSTEM = "You are Outline Mageddon, who writes literary suspense."


def fixture_export(tmp_path: Path, *, ascii_only: bool = True, folder: str = "") -> Path:
    """The fixture as ChatGPT sends it: a zip with conversations.json among other files,
    compact and (by default) with every non-ASCII character escaped."""
    conversations = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            folder + "conversations.json",
            json.dumps(conversations, ensure_ascii=ascii_only, separators=(",", ":")),
        )
        archive.writestr(folder + "user.json", json.dumps({"id": "user-1", "email": "a@b.c"}))
        archive.writestr(folder + "message_feedback.json", "[]")
        archive.writestr(folder + "chat.html", "<html><body>Your conversations</body></html>")
        archive.writestr(folder + "file-7Qm2kT9xVbY3wLp8RcN4sD-shinjuku-alley.jpeg", b"\xff\xd8")
    return path


def read_all(path: Path) -> tuple[dict[str, Conversation], ExportSummary]:
    summary = ExportSummary()
    conversations = {c.title: c for c in read_export(path, summary)}
    return conversations, summary


def texts(conversation: Conversation) -> str:
    return "\n".join(turn.text for turn in conversation.turns)


# The fixture export -----------------------------------------------------------------------


def test_lists_every_usable_conversation_with_title_date_prompts_and_preview() -> None:
    conversations, summary = read_all(FIXTURE)
    assert list(conversations) == [COUNT, COVER, MOURNING, TOKYO, CAFE, LIGHTHOUSE, VILLANELLE]
    assert summary.conversations == 9 and summary.usable == 7
    lighthouse = conversations[LIGHTHOUSE]
    raw = next(
        c for c in json.loads(FIXTURE.read_text(encoding="utf-8")) if c["title"] == LIGHTHOUSE
    )
    assert lighthouse.id == raw["conversation_id"] == raw["id"]
    assert lighthouse.created is not None and lighthouse.created.isoformat().startswith(
        "2024-03-12T16:00:00.52"
    )
    assert lighthouse.prompts == 3
    assert lighthouse.preview.startswith("Write the opening of chapter 3: Mara climbs")
    assert len(lighthouse.preview) <= chatgpt_export.PREVIEW_CHARS
    assert lighthouse.preview.endswith("…")
    assert conversations[VILLANELLE].preview == (
        "Write a villanelle about the sea taking back a lighthouse."
    )
    assert [c.prompts for c in conversations.values()] == [1, 1, 2, 2, 1, 3, 1]


def test_zip_is_read_without_unpacking_and_gives_the_same_conversations(tmp_path: Path) -> None:
    export = fixture_export(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    from_zip, zip_summary = read_all(export)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing unpacked
    from_json, json_summary = read_all(FIXTURE)
    assert list(from_zip) == list(from_json)
    for title, conversation in from_zip.items():
        assert conversation.turns == from_json[title].turns
    assert zip_summary == json_summary


def test_a_zip_made_again_from_the_unpacked_folder_is_read_too(tmp_path: Path) -> None:
    conversations, _ = read_all(fixture_export(tmp_path, folder="chatgpt-export-2024-08-01/"))
    assert LIGHTHOUSE in conversations


def test_follows_the_regenerated_answer_the_writer_last_saw() -> None:
    lighthouse = read_all(FIXTURE)[0][LIGHTHOUSE]
    assert [turn.role for turn in lighthouse.turns] == ["user", "assistant"] * 3
    final = lighthouse.turns[-1].text
    assert final.startswith("Mara climbed the last of the iron stairs")
    assert "“You’ve a key too, then,” said a voice from the gallery." in final
    # The first version of that answer, which the writer regenerated, is nowhere.
    assert "“You shouldn’t be up here,”" not in texts(lighthouse)
    assert lighthouse.other_versions == 1


def test_follows_the_edited_prompt_not_the_one_edited_away() -> None:
    cafe = read_all(FIXTURE)[0][CAFE]
    assert cafe.turns[0].text.startswith("Écris une scène courte : Élodie attend son frère au café")
    assert "« Les Négociants »" in cafe.turns[0].text
    assert "Son frère était en retard, comme toujours." not in texts(cafe)
    assert "son cœur se levait un peu — puis retombait." in cafe.turns[1].text
    assert cafe.other_versions == 1


def test_non_ascii_text_comes_through_exactly(tmp_path: Path) -> None:
    for source in (FIXTURE, fixture_export(tmp_path, ascii_only=True)):
        tokyo = read_all(source)[0][TOKYO]
        assert tokyo.title == TOKYO
        assert tokyo.turns[0].text.startswith(
            "この写真の通りを、ノワール小説の冒頭のように描写して。"
        )
        assert tokyo.turns[0].text.endswith("🌧️")
        assert "雨の新宿。ネオンが水たまりで溺れていた。" in tokyo.turns[-1].text
        assert tokyo.turns[-1].text.endswith("🌃")


def test_skipped_parts_are_counted_with_plain_reasons() -> None:
    conversations, summary = read_all(FIXTURE)
    assert conversations[LIGHTHOUSE].left_out == Counter({Skipped.SETTINGS: 1})
    assert conversations[TOKYO].left_out == Counter({Skipped.PICTURES: 1})
    assert conversations[MOURNING].left_out == Counter({Skipped.TOOLS: 3, Skipped.THINKING: 2})
    assert conversations[COVER].left_out == Counter({Skipped.TOOLS: 2})  # the call, the picture
    assert conversations[COUNT].left_out == Counter({Skipped.TOOLS: 2})  # the code, its output
    assert conversations[VILLANELLE].left_out == Counter()  # its system message was empty
    assert summary.skipped == Counter(
        {Skipped.TOOLS: 7, Skipped.THINKING: 2, Skipped.PICTURES: 1, Skipped.SETTINGS: 1}
    )
    assert summary.skipped_text() == (
        "web searches, code, picture making and their results (7), ChatGPT’s thinking notes (2), "
        "pictures (1), your custom instructions and ChatGPT’s memory (1)"
    )
    # None of what was skipped leaks into the text.
    everything = "\n".join(texts(c) for c in conversations.values())
    for hidden in (
        "Cornish coast",
        "search_query",
        "Mourning dress - Wikipedia",
        "Thought for",
        "len(text.split())",
        "checking period sources",
        "lone Cornish lighthouse",
    ):
        assert hidden.casefold() not in everything.casefold()
    mourning = conversations[MOURNING]
    assert [turn.role for turn in mourning.turns] == ["user", "assistant"] * 2
    assert mourning.turns[1].text.startswith("In the first year of deep mourning")


def test_empty_and_unanswered_conversations_are_left_out_with_their_reason() -> None:
    _, summary = read_all(FIXTURE)
    assert [(item.number, item.title, item.reason) for item in summary.left_out] == [
        (1, "Scene 14 draft", Unusable.NO_ANSWER),
        (2, "New chat", Unusable.EMPTY),
    ]
    assert summary.left_out[0].message == "“Scene 14 draft” has no written answer from ChatGPT."
    assert summary.left_out[1].message == "“New chat” has no written messages."
    assert summary.with_other_versions == 2


# Examples ---------------------------------------------------------------------------------


def _valid(example) -> None:
    parsed, problems = parse_example(example.to_json(), 1)
    assert parsed is not None, problems


def test_as_multi_turn_keeps_every_prompt_and_answer_in_order() -> None:
    lighthouse = read_all(FIXTURE)[0][LIGHTHOUSE]
    example = as_multi_turn(lighthouse, SYSTEM)
    assert [m.role for m in example.messages] == ["system"] + ["user", "assistant"] * 3
    assert example.system == SYSTEM
    assert [m.content for m in example.messages[1:]] == [t.text for t in lighthouse.turns]
    assert example.messages[3].content == "Can you make it longer?"
    assert example.source == f"ChatGPT: {LIGHTHOUSE}"
    assert example.note == "From your ChatGPT conversation of 2024-03-12."
    assert as_multi_turn(lighthouse).system is None  # no project system prompt: none added
    _valid(example)


def test_folded_puts_the_follow_ups_in_the_first_prompt_and_keeps_the_last_answer() -> None:
    lighthouse = read_all(FIXTURE)[0][LIGHTHOUSE]
    example = folded(lighthouse, SYSTEM)
    assert [m.role for m in example.messages] == ["system", "user", "assistant"]
    assert example.prompt == (
        "Write the opening of chapter 3: Mara climbs the lighthouse at dusk to find the lamp "
        "already lit, though the keeper has been dead a week. Close third person, past tense. "
        "Make it longer. Add dialogue between Mara and old Petrov's son."
    )
    assert example.response == lighthouse.turns[-1].text  # the final, better answer
    assert "Your 2 follow-ups are folded into the prompt" in example.note
    assert example.source == f"ChatGPT: {LIGHTHOUSE}"
    _valid(example)

    tokyo = folded(read_all(FIXTURE)[0][TOKYO])
    assert tokyo.prompt.startswith("この写真の通りを")
    assert tokyo.prompt.endswith("Shorter, please — and keep the neon. 🙏.")
    assert tokyo.response.startswith("雨の新宿。")


def test_a_single_exchange_is_the_same_example_either_way() -> None:
    cafe = read_all(FIXTURE)[0][CAFE]
    kept, made = to_example(cafe, fold=False), to_example(cafe, fold=True)
    assert kept.messages == made.messages
    assert kept.note == made.note == "From your ChatGPT conversation of 2024-05-02."


def test_fold_follow_up_keeps_long_requests_as_written_and_never_repeats_one() -> None:
    prompt = "Write scene 4: the inquest."
    assert fold_follow_up(prompt, "can you make it longer?") == (
        "Write scene 4: the inquest. Make it longer."
    )
    assert fold_follow_up("Write scene 4. Make it longer.", "make it longer") == (
        "Write scene 4. Make it longer."
    )
    request = "Use these notes:\n\n- Mara lies about the key\n- Andrei knows"
    assert fold_follow_up(prompt, request) == prompt + "\n\n" + request
    assert fold_follow_up(prompt + "\n\n" + request, request) == prompt + "\n\n" + request


# Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("lighthouse", {LIGHTHOUSE, COVER, VILLANELLE}),
        ("LIGHTHOUSE dusk", {LIGHTHOUSE}),
        ("cafe lyon", {CAFE}),  # without its accents
        ("ÉLODIE", {CAFE}),
        ("coeur", set()),  # œ is a letter of its own, not o + e
        ("cœur", {CAFE}),
        ("新宿", {TOKYO}),
        ("🌃", {TOKYO}),
        ("bombazine", {MOURNING}),  # in an answer, not a title
        ("Wikipedia", set()),  # only in the skipped search results
        ("You shouldn’t be up here", set()),  # only in the regenerated-away answer
        ("", {LIGHTHOUSE, CAFE, TOKYO, MOURNING, COVER, COUNT, VILLANELLE}),
    ],
)
def test_search_finds_title_and_text_without_case_or_accents(query: str, found: set) -> None:
    conversations = read_all(FIXTURE)[0]
    assert {t for t, c in conversations.items() if matches(search_key(c), query)} == found


def test_packed_conversations_unpack_to_the_same_and_search_alike() -> None:
    for conversation in read_all(FIXTURE)[0].values():
        packed = pack(conversation)
        again = packed.unpack()
        assert again.turns == conversation.turns
        assert (again.title, again.created, again.updated, again.left_out) == (
            conversation.title,
            conversation.created,
            conversation.updated,
            conversation.left_out,
        )
        assert (packed.prompts, packed.preview, packed.other_versions) == (
            conversation.prompts,
            conversation.preview,
            conversation.other_versions,
        )
        for query in ("lighthouse", "cafe", "ÉLODIE", "新宿", "🌃", "bombazine", "zzz"):
            assert packed.matches(query) == matches(search_key(conversation), query)


# Streaming --------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 16])
def test_any_piece_size_reads_the_same(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    expected = read_all(FIXTURE)
    monkeypatch.setattr(chatgpt_export, "CHUNK", chunk)
    conversations, summary = read_all(FIXTURE)
    assert summary == expected[1]
    assert {t: c.turns for t, c in conversations.items()} == {
        t: c.turns for t, c in expected[0].items()
    }


def test_numbers_split_between_pieces_are_read_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(chatgpt_export, "CHUNK", 2)
    path = tmp_path / "conversations.json"
    path.write_text('[ 12345678 ,\n-0.5e10, "x" ,true,null,{}]', encoding="utf-8")
    summary = ExportSummary()
    assert list(read_export(path, summary)) == []
    assert summary.conversations == 6
    assert [item.reason for item in summary.left_out] == [Unusable.DAMAGED] * 6


def _export_of(tmp_path: Path, count: int) -> Path:
    one = json.loads(FIXTURE.read_text(encoding="utf-8"))[-1]  # the villanelle
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([one] * count), encoding="utf-8")
    return path


def test_conversations_come_one_at_a_time_without_reading_the_whole_file(
    tmp_path: Path,
) -> None:
    path = _export_of(tmp_path, 3000)
    seen: list[int] = []
    conversations = read_export(path, progress=seen.append)
    first = next(conversations)
    assert first.title == VILLANELLE
    assert seen and max(seen) <= 2  # a few pieces read, not the 8 MB
    rest = sum(1 for _ in conversations)
    assert rest == 2999
    assert seen == sorted(seen) and seen[-1] == 100


def test_cancelling_stops_reading(tmp_path: Path) -> None:
    path = _export_of(tmp_path, 50)
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 10

    with pytest.raises(Cancelled):
        list(read_export(path, cancelled=cancelled))


def test_a_split_export_is_read_part_by_part(tmp_path: Path) -> None:
    conversations = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("conversations-001.json", json.dumps(conversations[5:]))
        archive.writestr("conversations-000.json", json.dumps(conversations[:5]))
        archive.writestr("export_manifest.json", "{}")
    read, summary = read_all(path)
    assert list(read) == [COUNT, COVER, MOURNING, TOKYO, CAFE, LIGHTHOUSE, VILLANELLE]
    assert [c.number for c in read.values()] == [3, 4, 5, 6, 7, 8, 9]
    assert summary.conversations == 9


# One conversation, by hand ----------------------------------------------------------------


def node(
    node_id: str,
    parent: str | None,
    role: str | None = None,
    *parts: object,
    children: list[str] | None = None,
    **message: object,
) -> tuple[str, dict]:
    body = None
    if role is not None:
        body = {
            "author": {"role": role},
            "content": {"content_type": "text", "parts": list(parts)},
            **message,
        }
    return node_id, {"id": node_id, "message": body, "parent": parent, "children": children or []}


def test_without_a_current_node_the_newest_branch_is_followed() -> None:
    mapping = dict(
        [
            node("root", None, children=["u"]),
            node("u", "root", "user", "Write it.", children=["old", "new"]),
            node("old", "u", "assistant", "Old answer.", create_time=100.0),
            node("new", "u", "assistant", "New answer.", create_time=200.0),
        ]
    )
    for current in (None, "missing", 42):
        conversation = read_conversation({"mapping": mapping, "current_node": current}, 1)
        assert conversation is not None
        assert [t.text for t in conversation.turns] == ["Write it.", "New answer."]
        assert conversation.title == "Conversation 1"


def test_a_loop_of_parents_ends() -> None:
    mapping = dict([node("a", "b", "user", "Hi"), node("b", "a", "assistant", "Hello")])
    conversation = read_conversation({"mapping": mapping, "current_node": "b"}, 3)
    assert conversation is not None and [t.text for t in conversation.turns] == ["Hi", "Hello"]


def test_answers_split_around_a_tool_call_become_one_turn_and_greetings_go() -> None:
    mapping = dict(
        [
            node("root", None),
            node("hello", "root", "assistant", "Hello! How can I help?"),
            node("u", "hello", "user", "Describe the harbour."),
            node("a1", "u", "assistant", "The harbour was quiet."),
            node("call", "a1", "assistant", "search()", recipient="browser"),
            node("a2", "call", "assistant", "Gulls argued on the jetty."),
            node("u2", "a2", "user", "And the boats?"),  # never answered
        ]
    )
    conversation = read_conversation({"mapping": mapping, "current_node": "u2", "title": "T"}, 1)
    assert conversation is not None
    assert [(t.role, t.text) for t in conversation.turns] == [
        ("user", "Describe the harbour."),
        ("assistant", "The harbour was quiet.\n\nGulls argued on the jetty."),
    ]
    assert conversation.left_out == Counter({Skipped.TOOLS: 1})


def test_hidden_messages_with_content_are_counted_and_voice_is_text() -> None:
    mapping = dict(
        [
            node("s", None, "system", "You are ChatGPT, a large language model."),
            node(
                "h",
                "s",
                "user",
                "Secret context",
                metadata={"is_visually_hidden_from_conversation": True},
            ),
            node("u", "h", "user"),
            node("a", "u", "assistant", "Of course.", {"content_type": "audio_asset_pointer"}, 7),
        ]
    )
    mapping["u"]["message"]["content"] = {
        "content_type": "multimodal_text",
        "parts": [{"content_type": "audio_transcription", "text": "Read it back to me."}],
    }
    conversation = read_conversation({"mapping": mapping, "current_node": "a"}, 1)
    assert conversation is not None
    assert [t.text for t in conversation.turns] == ["Read it back to me.", "Of course."]
    assert conversation.left_out == Counter(
        {Skipped.HIDDEN: 2, Skipped.ATTACHMENTS: 1, Skipped.OTHER: 1}
    )


def test_lone_surrogates_become_replacement_characters() -> None:
    mapping = dict(
        [node("u", None, "user", "Caf\udce9"), node("a", "u", "assistant", "Oui \ud83d")]
    )
    conversation = read_conversation(
        {"mapping": mapping, "current_node": "a", "title": "\udfff"}, 1
    )
    assert conversation is not None
    assert [t.text for t in conversation.turns] == ["Caf\ufffd", "Oui \ufffd"]
    assert conversation.title == "\ufffd"
    "".join(t.text for t in conversation.turns).encode("utf-8")  # storable


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (42, Unusable.DAMAGED),
        ({"title": "No mapping"}, Unusable.DAMAGED),
        ({"mapping": []}, Unusable.DAMAGED),
        ({"mapping": {}}, Unusable.EMPTY),
        (
            {"mapping": dict([node("a", None, "assistant", "Hi")]), "current_node": "a"},
            Unusable.NO_PROMPT,
        ),
        (
            {"mapping": dict([node("u", None, "user", "Hi")]), "current_node": "u"},
            Unusable.NO_ANSWER,
        ),
    ],
)
def test_conversations_that_cannot_be_examples_say_why(raw: object, reason: Unusable) -> None:
    summary = ExportSummary()
    assert read_conversation(raw, 4, summary) is None
    assert [item.reason for item in summary.left_out] == [reason]


# Files that are not exports ---------------------------------------------------------------


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("missing.zip", None, "There is no file at"),
        ("folder", "folder", "is a folder"),
        ("conversations.json", b"", "is empty"),
        ("conversations.json", b"  \n ", "is empty"),
        ("conversations.json", b"hello", "isn\u2019t a ChatGPT export"),
        ("conversations.json", b'{"title": "x"}', "holds a single object"),
        ("conversations.json", b"\xff\xfe[\x00]\x00", "is not UTF-8 text"),
        ("conversations.json", b'[{"title": "x", "mapping": {', "ends in the middle"),
        ("conversations.json", b'[{"title": "x"}', "ends in the middle"),
        ("conversations.json", b'[{"a": 1} {"b": 2}' + b" " * 40 + b"]", "is damaged near"),
        ("conversations.json", b'[{"a": tru} ' + b" " * 40 + b"]", "is damaged near"),
        ("conversations.json", b"[]  x", "has something after"),
        ("conversations.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("export.zip", b"PK\x03\x04 not really a zip", "not a zip file, or it is damaged"),
        ("export.zip", b"just text", "not a zip file, or it is damaged"),
        ("export.zip", {"user.json": b"{}", "chat.html": b"<html>"}, "has no conversations.json"),
        ("export.zip", {"conversations.json": b'[{"mapping": '}, "ends in the middle"),
    ],
)
def test_unusable_files_raise_one_plain_error(
    tmp_path: Path, name: str, make: object, expected: str
) -> None:
    path = tmp_path / name
    if make == "folder":
        path.mkdir()
    elif isinstance(make, bytes):
        path.write_bytes(make)
    elif isinstance(make, dict):
        _zip(path, make)
    with pytest.raises(DatasetError) as raised:
        list(read_export(path))
    assert expected in str(raised.value)
    assert "Traceback" not in str(raised.value)


def test_a_zip_cut_short_or_damaged_inside_is_a_plain_error(tmp_path: Path) -> None:
    whole = fixture_export(tmp_path).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DatasetError, match="not a zip file, or it is damaged"):
        list(read_export(cut))
    # Damage inside the packed conversations.json: the zip's directory is intact.
    damaged = bytearray(whole)
    start = whole.index(b"conversations.json") + len("conversations.json") + 200
    damaged[start : start + 50] = bytes(50)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(damaged))
    with pytest.raises(DatasetError, match="is damaged"):
        list(read_export(broken))


def test_errors_are_raised_when_the_reader_is_made_for_files_that_are_not_exports(
    tmp_path: Path,
) -> None:
    with pytest.raises(DatasetError):
        read_export(_zip(tmp_path / "x.zip", {"a.txt": b"a"}))  # no next() needed


def test_is_chatgpt_export_tells_exports_from_training_files(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"messages": []}\n')
    (tmp_path / "b.json").write_text("\ufeff \n[{}]")
    (tmp_path / "c.txt").write_text('{"messages": []}\n')
    zipped = _zip(tmp_path / "d.bin", {"conversations.json": b"[]"})
    assert not is_chatgpt_export(tmp_path / "a.jsonl")
    assert is_chatgpt_export(tmp_path / "b.json")
    assert not is_chatgpt_export(tmp_path / "c.txt")
    assert is_chatgpt_export(zipped)
    assert is_chatgpt_export(tmp_path / "missing.zip")
    assert not is_chatgpt_export(tmp_path / "missing.jsonl")


# Into a project ---------------------------------------------------------------------------


def test_import_export_adds_every_usable_conversation_in_one_step(tmp_path: Path) -> None:
    project_path = tmp_path / "salt.fineauthor"
    with Project.create(project_path, title="Salt") as project:
        project.update_settings(system_prompt=SYSTEM)
    result = import_export(fixture_export(tmp_path), project_path, fold_follow_ups=True)
    assert result.added == 7 and result.folded == 3 and not result.created
    assert result.headline == (
        f"Added 7 examples from your ChatGPT conversations to “{project_path}”. 3 had their "
        "follow-ups folded into the first prompt."
    )
    with Project.open(project_path) as project:
        examples = list(project.examples())
    assert [e.source for e in examples][:2] == [f"ChatGPT: {COUNT}", f"ChatGPT: {COVER}"]
    assert all(e.system == SYSTEM for e in examples)
    assert all(len(e.messages) == 3 for e in examples)


def test_import_export_with_nothing_usable_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    path.write_text('[{"title": "New chat", "mapping": {}}]')
    with pytest.raises(DatasetError, match="“New chat” has no written messages"):
        import_export(path, tmp_path / "p.fineauthor")
    assert not (tmp_path / "p.fineauthor").exists()
    path.write_text("[]")
    with pytest.raises(DatasetError, match="It holds no conversations"):
        import_export(path, tmp_path / "p.fineauthor")


# The command line -------------------------------------------------------------------------


def run(capsys, *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_imports_a_zip_export_as_multi_turn_examples(tmp_path: Path, capsys) -> None:
    project = tmp_path / "salt.fineauthor"
    status, out, err = run(capsys, "import", fixture_export(tmp_path), "-o", project)
    assert status == 0, err
    assert out.strip() == (
        f"Added 7 examples from your ChatGPT conversations to a new project “{project}”."
    )
    assert "These conversations were left out:" in err
    assert "“Scene 14 draft” has no written answer from ChatGPT." in err
    assert "“New chat” has no written messages." in err
    assert "pictures (1)" in err and "ChatGPT’s thinking notes (2)" in err
    assert "2 conversations had other versions" in err
    with Project.open(project) as opened:
        examples = {e.source: e for e in opened.examples()}
    lighthouse = examples[f"ChatGPT: {LIGHTHOUSE}"]
    assert [m.role for m in lighthouse.messages] == ["user", "assistant"] * 3
    assert examples[f"ChatGPT: {TOKYO}"].messages[-1].content.endswith("🌃")


def test_cli_folds_follow_ups_on_request(tmp_path: Path, capsys) -> None:
    project = tmp_path / "salt.fineauthor"
    status, out, _ = run(capsys, "import", FIXTURE, "-o", project, "--fold-follow-ups")
    assert status == 0
    assert "3 had their follow-ups folded into the first prompt." in out
    with Project.open(project) as opened:
        lighthouse = next(e for e in opened.examples() if e.source == f"ChatGPT: {LIGHTHOUSE}")
    assert lighthouse.prompt.endswith(
        "Make it longer. Add dialogue between Mara and old Petrov's son."
    )
    assert [m.role for m in lighthouse.messages] == ["user", "assistant"]


def test_cli_damaged_conversations_are_listed_and_exit_1(tmp_path: Path, capsys) -> None:
    conversations = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([*conversations, 42, {"title": "Broken", "mapping": "?"}]))
    status, out, err = run(capsys, "import", path, "-o", tmp_path / "p.fineauthor")
    assert status == 1
    assert "Skipped: Conversation 10 is damaged." in err
    assert "Skipped: “Broken” is damaged." in err
    assert "2 damaged conversations could not be imported" in out


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"user.json": b"{}"}, "has no conversations.json in it"),
        ({"conversations.json": b'[{"title": '}, "ends in the middle of a conversation"),
    ],
)
def test_cli_unusable_exports_get_one_line_and_exit_2(
    tmp_path: Path, capsys, files: dict, expected: str
) -> None:
    project = tmp_path / "p.fineauthor"
    status, out, err = run(capsys, "import", _zip(tmp_path / "e.zip", files), "-o", project)
    assert status == 2 and out == ""
    assert err.startswith("fineauthor: ") and expected in err
    assert len(err.strip().splitlines()) == 1
    assert not project.exists()


def test_cli_fold_follow_ups_needs_an_export_and_jsonl_still_imports(
    tmp_path: Path, capsys
) -> None:
    training = tmp_path / "in.jsonl"
    line = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    training.write_text(json.dumps(line) + "\n")
    status, _, err = run(
        capsys, "import", training, "-o", tmp_path / "p.fineauthor", "--fold-follow-ups"
    )
    assert status == 2 and "--fold-follow-ups works with a ChatGPT export only" in err
    status, out, _ = run(capsys, "import", training, "-o", tmp_path / "p.fineauthor")
    assert status == 0 and "Added 1 examples to a new project" in out
