"""A text split into tokens for display: each token's number and the characters it completes.

No widgets, so the splitting runs in a worker too.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from fineauthor.core.dataset import tokens


@dataclass(frozen=True)
class Chip:
    """One token of a text.

    ``text`` is the characters this token completes, so the chips' texts joined give back the
    text. A character that takes several tokens (some emoji, some accented letters) is split
    over them: ``partial`` is set on each and ``label`` is that character, for display.
    """

    text: str
    token_id: int
    partial: bool = False
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.text


@dataclass(frozen=True)
class Tokenized:
    """A text split with one encoding: ``count`` tokens, the first of them as chips."""

    encoding: str
    count: int
    chips: tuple[Chip, ...]

    @property
    def complete(self) -> bool:
        return len(self.chips) == self.count


def tokenize(text: str, encoding: str, limit: int | None = None) -> Tokenized:
    """``text`` split into tokens of ``encoding``; chips for at most ``limit`` of them (all of
    them when None)."""
    ids = tokens.encode(text, encoding)
    tokenizer = tokens.get_encoding(encoding)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    # (characters completed, id, began inside a character, ended inside one)
    pieces: list[tuple[str, int, bool, bool]] = []
    pending = False
    for token_id in ids if limit is None else ids[:limit]:
        completed = decoder.decode(tokenizer.decode_single_token_bytes(token_id))
        unfinished = bool(decoder.getstate()[0])
        pieces.append((completed, token_id, pending, unfinished))
        pending = unfinished
    chips: list[Chip] = []
    for index, (completed, token_id, began_inside, ends_inside) in enumerate(pieces):
        label = ""
        if ends_inside:
            # Show the character this piece starts or continues: the next one completed.
            following = next((p[0][:1] for p in pieces[index + 1 :] if p[0]), "�")
            label = completed + following
        elif began_inside:
            label = completed
        chips.append(Chip(completed, token_id, began_inside or ends_inside, label))
    return Tokenized(encoding, len(ids), tuple(chips))
