"""Pieces as examples: the writer's prompt template filled in for a piece as the prompt, and the
piece's prose as the response."""

from __future__ import annotations

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.prompt_origin import BY_TEMPLATE
from fineauthor.core.importers.manuscript.pieces import Piece
from fineauthor.core.writing.prompt_template import fill

#: The gaps :func:`template_values` fills; any other gap ({beat}…) stays for the writer.
PLACEHOLDERS = ("title", "chapter", "scene", "number")


def template_values(piece: Piece) -> dict[str, str]:
    """What a piece puts into the writer's prompt template: {title}, {chapter}, {number} and,
    for a scene, {scene} (its number within the chapter)."""
    values = {"title": piece.title, "chapter": piece.chapter, "number": str(piece.index + 1)}
    if piece.scene:
        values["scene"] = str(piece.scene)
    return values


def piece_prompt(piece: Piece, template: str) -> str:
    """The user prompt for ``piece``: the template with its gaps filled ('' without one)."""
    return fill(template, template_values(piece)) if template.strip() else ""


def piece_example(piece: Piece, template: str, source_name: str, system: str = "") -> Example:
    """``piece`` as an example: the filled template as prompt, the prose as response, and its
    source as "Manuscript: <file>, <title>". The prompt is marked as made from a template, so
    writing prompts from prose knows it still needs a real one."""
    messages = [Message("user", piece_prompt(piece, template)), Message("assistant", piece.text)]
    if system:
        messages.insert(0, Message("system", system))
    return Example(
        tuple(messages),
        source=f"Manuscript: {source_name}, {piece.title}",
        prompt_origin=BY_TEMPLATE,
    )
