"""Keeping thousands of conversations for a list to choose from: each packed small, and found by
the words of a search without regard to case or accents."""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from fineauthor.core.importers.chatgpt.conversation import Conversation, Skipped, Turn

_ACCENTS = re.compile("[\u0300-\u036f]+")  # combining accents, once NFKD has split them off


def search_key(conversation: Conversation) -> str:
    """The conversation's title and text, folded for :func:`matches`."""
    return fold_for_search(
        "\n".join([conversation.title, *(turn.text for turn in conversation.turns)])
    )


def fold_for_search(text: str) -> str:
    """``text`` without case or accents, so “cafe” finds “Café” and “ÉTÉ” finds “été”."""
    text = unicodedata.normalize("NFKD", text.casefold())
    if text.isascii():
        return text
    # Only the accents Latin, Greek and Cyrillic letters carry: a kana's voicing mark
    # (が = か + ゙) changes the word, so it stays.
    return _ACCENTS.sub("", text)


def matches(key: str, query: str) -> bool:
    """Whether every word of ``query`` appears in ``key`` (a :func:`search_key`)."""
    return all(word in key for word in fold_for_search(query).split())


# Keeping many conversations ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class PackedConversation:
    """A conversation kept small, for a list of thousands: what the list shows, its search key
    as UTF-8 (a Python string with one curly quote in it takes two bytes a character), and its
    text compressed until it is needed (:meth:`unpack`)."""

    number: int
    id: str
    title: str
    created: datetime | None
    updated: datetime | None
    prompts: int
    preview: str
    other_versions: int
    left_out: tuple[tuple[Skipped, int], ...]
    key: bytes
    packed: bytes

    def unpack(self) -> Conversation:
        turns = tuple(Turn(*turn) for turn in json.loads(zlib.decompress(self.packed)))
        return Conversation(
            number=self.number,
            id=self.id,
            title=self.title,
            created=self.created,
            updated=self.updated,
            turns=turns,
            left_out=Counter(dict(self.left_out)),
            other_versions=self.other_versions,
        )

    def matches(self, query: str) -> bool:
        """Whether every word of ``query`` is in its title or text (case and accents aside)."""
        return all(word.encode("utf-8") in self.key for word in fold_for_search(query).split())


def pack(conversation: Conversation) -> PackedConversation:
    """``conversation`` kept small (see :class:`PackedConversation`)."""
    text = json.dumps(
        [
            [turn.role, turn.text] if turn.canvas is None else [turn.role, turn.text, turn.canvas]
            for turn in conversation.turns
        ],
        ensure_ascii=False,
    )
    return PackedConversation(
        number=conversation.number,
        id=conversation.id,
        title=conversation.title,
        created=conversation.created,
        updated=conversation.updated,
        prompts=conversation.prompts,
        preview=conversation.preview,
        other_versions=conversation.other_versions,
        left_out=tuple(conversation.left_out.items()),
        key=search_key(conversation).encode("utf-8"),
        packed=zlib.compress(text.encode("utf-8"), 1),  # fast; prose still shrinks to ~40%
    )
