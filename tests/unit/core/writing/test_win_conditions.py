"""Win conditions: stored as plain dicts, scored against a response in plain words."""

from __future__ import annotations

import json

import pytest

from fineauthor.core.writing.win_conditions import (
    KINDS,
    BannedPhrases,
    DialogueFromStart,
    FreeText,
    KnowledgeGoal,
    LengthBand,
    PointOfViewNote,
    UnknownCondition,
    WinCondition,
    conditions_from_json,
    conditions_to_json,
    knowledge_goals,
    looks_like_knowledge,
    score,
)

EVERY_KIND: list[WinCondition] = [
    LengthBand(400, 600),
    DialogueFromStart(0.3),
    BannedPhrases(("she bit her lip", "Willow Creek")),
    PointOfViewNote("close third person, past tense"),
    FreeText("It should sound like me on a good day."),
    KnowledgeGoal("It should know my characters' names."),
]


def test_every_kind_round_trips_through_the_project_setting() -> None:
    stored = json.loads(json.dumps(conditions_to_json(EVERY_KIND)))
    assert [item["kind"] for item in stored] == list(KINDS)
    assert conditions_from_json(stored) == EVERY_KIND
    assert stored[0] == {"kind": "length_band", "min_words": 400, "max_words": 600}
    assert stored[2] == {"kind": "banned_phrases", "phrases": ["she bit her lip", "Willow Creek"]}


def test_each_variant_reads_its_own_kind() -> None:
    assert LengthBand.from_json({"kind": "length_band", "min_words": 1, "max_words": 2}) == (
        LengthBand(1, 2)
    )
    assert isinstance(LengthBand.from_json({"kind": "free_text", "text": "x"}), UnknownCondition)


@pytest.mark.parametrize(
    "stored",
    [
        {"kind": "mood_meter", "target": "wistful", "nested": {"a": [1, 2]}},  # a newer kind
        {"kind": "length_band", "min_words": "many", "max_words": 600},  # damaged
        {"kind": "length_band", "min_words": 700, "max_words": 600},  # impossible
        {"kind": "dialogue_from_start", "min_share": 3},
        {"kind": "banned_phrases", "phrases": "she bit her lip"},
        {"no kind": True},
    ],
)
def test_what_cannot_be_read_is_kept_untouched_and_not_scored(stored: dict) -> None:
    condition = WinCondition.from_json(stored)
    assert isinstance(condition, UnknownCondition)
    assert condition.to_json() == stored
    assert not condition.measurable
    (result,) = score("Any text.", [condition])
    assert (result.measured, result.passed) == (False, None)


def test_keys_a_newer_version_added_to_a_known_kind_survive() -> None:
    stored = {"kind": "length_band", "min_words": 400, "max_words": 600, "strict": True}
    condition = WinCondition.from_json(stored)
    assert condition == LengthBand(400, 600)
    assert condition.to_json() == stored


def test_invalid_conditions_are_refused_when_built() -> None:
    with pytest.raises(ValueError):
        LengthBand(600, 400)
    with pytest.raises(ValueError):
        LengthBand(-1, 400)
    with pytest.raises(ValueError):
        DialogueFromStart(1.5)
    with pytest.raises(ValueError):
        DialogueFromStart(float("nan"))


def test_banned_phrases_are_tidied() -> None:
    banned = BannedPhrases(("  she  bit her lip ", "", "She bit her lip", "Willow Creek"))
    assert banned.phrases == ("she bit her lip", "Willow Creek")


# -- scoring ------------------------------------------------------------------------------------


def _words(n: int) -> str:
    return " ".join(["word"] * n)


@pytest.mark.parametrize(
    ("words", "passed", "detail"),
    [
        (399, False, "399 words: 1 short of 400–600."),
        (400, True, "400 words: within 400–600."),
        (600, True, "600 words: within 400–600."),
        (1_601, False, "1,601 words: 1,001 over 400–600."),
    ],
)
def test_length_band(words: int, passed: bool, detail: str) -> None:
    (result,) = score(_words(words), [LengthBand(400, 600)])
    assert (result.measured, result.passed, result.detail) == (True, passed, detail)


SCENE = (
    "The tide had gone out.\n\n"
    "“You came back,” Nell said.\n\n"
    "He set the lantern down.\n\n"
    "‘Only for the night,’ he said."
)


def test_dialogue_share_of_the_first_response() -> None:
    half = score(SCENE, [DialogueFromStart(0.5)])[0]
    assert (half.measured, half.passed) == (True, True)
    assert half.detail == "2 of 4 paragraphs have dialogue (50%); the aim is at least 50%."
    more = score(SCENE, [DialogueFromStart(0.75)])[0]
    assert more.passed is False
    assert score("", [DialogueFromStart(0.1)])[0].passed is False
    # 3 of 10 meets an aim of 30% whatever the floating point says.
    ten = "\n\n".join(['"Yes," she said.'] * 3 + ["Nothing."] * 7)
    assert score(ten, [DialogueFromStart(0.3)])[0].passed is True


def test_banned_phrases_are_found_as_whole_words_in_any_case() -> None:
    text = (
        "She bit her lip. She bit her lips.\n"
        "SHE BIT HER\nLIP again, then drove to Willow Creek's only diner; "
        "she didn’t go to Willow Creeky."
    )
    banned = BannedPhrases(("she bit her lip", "Willow Creek", "didn't"))
    (result,) = score(text, [banned])
    assert (result.measured, result.passed) == (True, False)
    found = [text[start:end] for start, end in result.spans]
    # "lips" and "Creeky" are other words; a line break between words still matches; a
    # typographic apostrophe matches a plain one.
    assert found == ["She bit her lip", "SHE BIT HER\nLIP", "Willow Creek", "didn’t"]
    assert result.detail == "Found “she bit her lip” twice, “Willow Creek” once and “didn't” once."
    assert result.spans == tuple(sorted(result.spans))


def test_no_banned_phrase_found_passes() -> None:
    (result,) = score("A clean page.", [BannedPhrases(("she bit her lip",))])
    assert (result.measured, result.passed, result.spans) == (True, True, ())
    assert result.detail == "None of the phrase appears."
    (empty,) = score("A clean page.", [BannedPhrases(())])
    assert (empty.measured, empty.passed) == (False, None)


def test_notes_are_not_measured() -> None:
    results = score("Anything.", EVERY_KIND[3:])
    assert [(r.measured, r.passed, r.spans) for r in results] == [(False, None, ())] * 3
    assert "not what it knows" in results[2].detail


def test_scores_come_in_the_order_of_the_conditions() -> None:
    results = score(SCENE, EVERY_KIND)
    assert [r.condition for r in results] == EVERY_KIND
    assert [r.measured for r in results] == [True, True, True, False, False, False]


# -- knowledge ------------------------------------------------------------------------------------


def test_knowledge_goals_are_flagged() -> None:
    assert knowledge_goals(EVERY_KIND) == [EVERY_KIND[5]]
    assert KnowledgeGoal("x").about_knowledge
    assert not FreeText("x").about_knowledge


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ("It should remember my characters' names", True),
        ("Know the lore of the Drowned Kingdom", True),
        ("keep the timeline of the series straight", True),
        ("Get the magic system right", True),
        ("Write 2,000 words every time", False),
        ("Bring dialogue in on the first answer", False),
        ("Stop writing 'she bit her lip'", False),
        ("Sound like my characters' voice", False),
        ("Make the world feel lived-in", False),
        ("My characters should talk less and do more", False),  # how they write, not facts
        ("Stay true to my world and its history", True),
    ],
)
def test_looks_like_knowledge(goal: str, expected: bool) -> None:
    assert looks_like_knowledge(goal) is expected
