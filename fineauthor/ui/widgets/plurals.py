"""Counted words the English way: "1 scene", "3 scenes". Qt's "%n" plurals need a translation
file to choose, and FineAuthor ships none, so both forms are written out and chosen here."""

from __future__ import annotations


def plural(count: int, one: str, many: str) -> str:
    """``one`` when ``count`` is 1, else ``many``, with ``{count}`` filled in ("1,234")."""
    return (one if count == 1 else many).format(count=f"{count:,}")
