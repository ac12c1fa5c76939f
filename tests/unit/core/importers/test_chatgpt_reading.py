"""Reading ChatGPT conversations: the fixture export (the branch the writer last saw, what is
skipped and counted) and small conversations made by hand."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fineauthor.core.importers.chatgpt import conversation as chatgpt_export
from fineauthor.core.importers.chatgpt.conversation import ExportSummary, Skipped, Unusable
from fineauthor.core.importers.chatgpt.conversation_tree import read_conversation
from tests.unit.core.importers.chatgpt_samples import (
    CAFE,
    COUNT,
    COVER,
    FIXTURE,
    LIGHTHOUSE,
    MOURNING,
    TOKYO,
    VILLANELLE,
    fixture_export,
    read_all,
    texts,
)

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
