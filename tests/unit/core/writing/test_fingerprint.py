"""The style fingerprint, checked against passages counted by hand."""

from __future__ import annotations

import json

import pytest

from fineauthor.core.writing.fingerprint import (
    StyleFingerprint,
    fingerprint,
    has_dialogue,
    paragraphs,
    split_sentences,
)

# Counted by hand:
#   1. "Mr. Ashby climbed the stairs." (5 words) "The lamp hissed." (3)
#   2. "“Is anyone there?” he called." (5) "Nobody answered..." (2) "Then a board creaked." (4)
#      — dialogue
#   3. "She waited—counting her breaths—until the house was still." (10)
# 29 words, 6 sentences, 3 paragraphs, one with dialogue.
BLANK_LINES = (
    "Mr. Ashby climbed the stairs. The lamp hissed.\n"
    "\n"
    '"Is anyone there?" he called. Nobody answered... Then a board creaked.\n'
    "   \n"  # a line of spaces is a blank line too
    "She waited—counting her breaths—until the house was still.\n"
)

# One paragraph a line (no blank line anywhere), typographic quotes and a scene break:
#   1. "‘I don’t know,’ said Dr. Reyes." (6 words, 1 sentence) — dialogue
#   2. "The dogs’ bowls were ‘clean’." (5, 1) — an apostrophe and a one-word quote: no dialogue
#   (* * * is a scene break, not a paragraph)
#   3. "“Wait—”" (1) "She stopped." (2) "“J. M. Barrie lived there.”" (5) — dialogue
# 19 words, 5 sentences, 3 paragraphs, two with dialogue.
ONE_PER_LINE = (
    "‘I don’t know,’ said Dr. Reyes.\r\n"
    "The dogs’ bowls were ‘clean’.\r\n"
    "* * *\r\n"
    "“Wait—” She stopped. “J. M. Barrie lived there.”\r\n"
)


def test_blank_line_paragraphs_counted_by_hand() -> None:
    assert fingerprint(BLANK_LINES) == StyleFingerprint(
        sentences=6,
        words=29,
        average_sentence_words=pytest.approx(29 / 6),
        dialogue_share=pytest.approx(1 / 3),
        average_paragraph_words=pytest.approx(29 / 3),
        paragraphs=3,
    )


def test_one_paragraph_per_line_counted_by_hand() -> None:
    print_ = fingerprint(ONE_PER_LINE)
    assert (print_.paragraphs, print_.words, print_.sentences) == (3, 19, 5)
    assert print_.dialogue_share == pytest.approx(2 / 3)
    assert print_.average_sentence_words == pytest.approx(19 / 5)
    assert print_.average_paragraph_words == pytest.approx(19 / 3)


def test_single_newlines_are_not_paragraphs_when_the_text_has_blank_lines() -> None:
    text = "A line\nthat wraps.\n\nA second paragraph."
    assert paragraphs(text) == ["A line\nthat wraps.", "A second paragraph."]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # Titles and Latin abbreviations run on; initials too.
        (
            "Mrs. Dale met Dr. Fell at St. Mary's. They spoke, e.g. About rent.",
            ["Mrs. Dale met Dr. Fell at St. Mary's.", "They spoke, e.g. About rent."],
        ),
        ("J. R. R. Tolkien wrote it. I agreed.", ["J. R. R. Tolkien wrote it.", "I agreed."]),
        # Dialogue: a question inside quotes followed by the speaker is one sentence.
        ('"Where?" she asked. "Here."', ['"Where?" she asked.', '"Here."']),
        ("“Go home,” he said, “now.”", ["“Go home,” he said, “now.”"]),
        ('"Stop!" "Why?"', ['"Stop!"', '"Why?"']),
        ('"No." She left.', ['"No."', "She left."]),
        # Ellipses end a sentence only before a capital.
        ("He paused… and went on.", ["He paused… and went on."]),
        ("He paused... Then he went on.", ["He paused...", "Then he went on."]),
        # A dash that cuts off speech ends it; a dash inside a sentence does not.
        ("“I can't—” He stopped.", ["“I can't—”", "He stopped."]),
        ("She turned — and there he was.", ["She turned — and there he was."]),
        ("It was 3.5 miles away. Far.", ["It was 3.5 miles away.", "Far."]),
        ("No full stop at the end", ["No full stop at the end"]),
    ],
)
def test_sentence_splitting(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ('"Come in," she said.', True),
        ("“Come in,” she said.", True),
        ("«Entrez», dit-elle.", True),
        ("»Komm herein«, sagte sie.", True),
        ("„Komm herein“, sagte sie.", True),
        ("‘Come in, quickly,’ she said.", True),
        ("‘I don’t know.’", True),
        ('"And then the storm came', True),  # speech running on into the next paragraph
        ("The dogs’ bowls were empty.", False),
        ("She called it ‘home’.", False),  # one word: more likely a term than speech
        ("He was 6' 2\" tall.", False),
        ("She said nothing at all.", False),
    ],
)
def test_dialogue_detection(paragraph: str, expected: bool) -> None:
    assert has_dialogue(paragraph) is expected


def test_empty_and_wordless_text() -> None:
    for text in ("", "   \n\n  ", "* * *\n\n---"):
        print_ = fingerprint(text)
        assert print_ == StyleFingerprint(0, 0, 0.0, 0.0, 0.0, 0)


def test_json_round_trip() -> None:
    print_ = fingerprint(BLANK_LINES)
    stored = json.loads(json.dumps(print_.to_json()))
    assert StyleFingerprint.from_json(stored) == print_
    assert StyleFingerprint.from_json(json.dumps(stored)) == print_
    assert set(stored) == {
        "sentences",
        "words",
        "average_sentence_words",
        "dialogue_share",
        "average_paragraph_words",
        "paragraphs",
    }


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {},
        {"sentences": "6"},
        {**fingerprint("One.").to_json(), "words": True},
        {**fingerprint("One.").to_json(), "words": 1.5},
    ],
)
def test_from_json_refuses_what_it_did_not_write(bad: object) -> None:
    with pytest.raises(ValueError):
        StyleFingerprint.from_json(bad)  # type: ignore[arg-type]
