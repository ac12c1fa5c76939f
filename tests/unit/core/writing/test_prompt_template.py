"""User-prompt templates: finding the gaps, filling them, folding a follow-up in."""

from __future__ import annotations

import pytest

from fineauthor.core.writing.prompt_template import as_sentence, fill, placeholders, with_follow_up

TEMPLATE = "Write chapter {chapter}: {beat}. Keep {main character} at the centre of {beat}."


def test_placeholders_in_order_each_once() -> None:
    assert placeholders(TEMPLATE) == ["chapter", "beat", "main character"]
    assert placeholders("No gaps here.") == []
    assert placeholders("{ beat } and {beat}") == ["beat"]


def test_what_is_not_a_placeholder() -> None:
    assert placeholders("{{beat}} {} {1} { } {2nd} a { lone brace") == []
    assert placeholders("{{{beat}}}") == ["beat"]
    assert placeholders("{line\nbreak}") == []


def test_fill_replaces_every_occurrence() -> None:
    filled = fill(TEMPLATE, {"chapter": "7", "beat": "the storm", "main character": "Nell"})
    assert filled == "Write chapter 7: the storm. Keep Nell at the centre of the storm."


def test_missing_values_stay_visible() -> None:
    assert fill(TEMPLATE, {"chapter": "7"}) == (
        "Write chapter 7: {beat}. Keep {main character} at the centre of {beat}."
    )
    assert fill("{ beat }", {}) == "{ beat }"  # left exactly as the writer typed it


def test_escaped_braces_and_values_with_braces() -> None:
    assert fill("{{beat}} is literal; {beat} is not", {"beat": "x"}) == (
        "{beat} is literal; x is not"
    )
    assert fill("{beat}", {"beat": "{chapter}"}) == "{chapter}"  # values are not re-read
    assert fill("{}, {1} and }{", {}) == "{}, {1} and }{"


@pytest.mark.parametrize(
    ("request_", "sentence"),
    [
        ("make it longer", "Make it longer."),
        ("Can you make that longer?", "Make that longer."),
        ("Now, please add more dialogue!", "Add more dialogue."),
        ("Add dialogue, please", "Add dialogue."),
        ("  expand   it  ", "Expand it."),
        ("", ""),
    ],
)
def test_follow_ups_become_instructions(request_: str, sentence: str) -> None:
    assert as_sentence(request_) == sentence


@pytest.mark.parametrize(
    ("template", "follow_up", "expected"),
    [
        (
            "Write the scene for {beat}.",
            "make it longer",
            "Write the scene for {beat}. Make it longer.",
        ),
        ("Write the scene for {beat}", "add dialogue", "Write the scene for {beat}. Add dialogue."),
        ("Write “{beat}”", "add dialogue", "Write “{beat}”. Add dialogue."),
        (
            "Beat: {beat}\nChapter: {chapter}\n",
            "make it longer",
            "Beat: {beat}\nChapter: {chapter}\nMake it longer.\n",
        ),
        ("", "make it longer", "Make it longer."),
        ("Write {beat}.", "", "Write {beat}."),
        # Already asked for: not added twice.
        (
            "Write {beat}. Make it longer.",
            "can you make it longer?",
            "Write {beat}. Make it longer.",
        ),
    ],
)
def test_with_follow_up(template: str, follow_up: str, expected: str) -> None:
    assert with_follow_up(template, follow_up) == expected


def test_folding_keeps_the_placeholders() -> None:
    folded = with_follow_up(TEMPLATE, "Can you make it 2,000 words?")
    assert placeholders(folded) == placeholders(TEMPLATE)
    assert folded.endswith("{beat}. Make it 2,000 words.")
