"""Searching ChatGPT conversations without case or accents, and packing them small for the list."""

from __future__ import annotations

import pytest

from fineauthor.core.importers.chatgpt.conversation_list import matches, pack, search_key
from tests.unit.core.importers.chatgpt_samples import (
    CAFE,
    COUNT,
    COVER,
    FIXTURE,
    LIGHTHOUSE,
    MOURNING,
    TOKYO,
    VILLANELLE,
    read_all,
)

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
