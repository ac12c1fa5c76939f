"""Checking a prompt a model wrote for a scene: no run of the scene's words copied, no talk of
"the passage" as a thing handed over, a length a person types, and the target length asked for;
each problem a plain sentence. Any text in, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fineauthor.core.writing.brief_checks import (
    asked_lengths,
    check_brief,
    copied_run,
    given_text,
    states_length,
)

SCENE = (
    "The lamp had been failing since dusk. Ellen climbed the hundred and twelve steps with the "
    "oil can knocking against her knee, and at the top she found the wick black and curled like "
    "a burnt fern. Below her the sea kept on at the rocks. “Father,” she said to nobody, and "
    "trimmed it anyway."
)
GOOD = (
    "Write the scene where Ellen, alone at the lighthouse on a stormy night, climbs to the lamp "
    "and finds it dying. Close third person, her point of view, quiet dread, and the absent "
    "father in every line. About 1,800 words."
)


def test_a_good_prompt_has_no_problems() -> None:
    assert check_brief(GOOD, SCENE, 1800) == []


def test_eight_words_in_a_row_from_the_scene_are_copying_whatever_the_case_and_punctuation():
    brief = GOOD.replace("About", "She finds the wick BLACK, and curled — like a burnt fern! About")
    problems = check_brief(brief, SCENE, 1800)
    assert len(problems) == 1
    assert "copies words straight from the scene" in problems[0]
    assert "“the wick black and curled like a burnt fern”" in problems[0]
    # Seven words in a row are a turn of phrase, not a copy.
    assert copied_run("the wick black and curled like a", SCENE) is None
    assert copied_run("wick black and curled like a burnt fern", SCENE) is not None


def test_curly_and_straight_apostrophes_count_as_the_same_word() -> None:
    scene = "It wasn’t the storm that frightened her but the silence after the wind dropped."
    assert copied_run("it wasn't the storm that frightened her but the", scene)


@pytest.mark.parametrize(
    "talk",
    [
        "Rewrite the passage so that it is tense",
        "Expand the excerpt into a full scene",
        "Continue the scene above, keeping its mood",
        "Using the provided text, write a scene",
        "Write the opening of this story",
        "Base the scene on the text",
    ],
)
def test_talk_of_a_text_handed_over_is_a_problem(talk: str) -> None:
    problems = check_brief(f"{talk}: Ellen at the lamp, storm, about 1,800 words.", SCENE, 1800)
    assert any("as if the scene were already written" in p for p in problems)


@pytest.mark.parametrize(
    "fine",
    [
        "Write the scene where Ellen reads the text of her father's last letter",
        "Write the chapter where the storm breaks",
        "Write the scene in which she finally leaves",
    ],
)
def test_ordinary_words_about_scenes_and_texts_are_fine(fine: str) -> None:
    assert given_text(fine) is None


def test_too_short_and_too_long_prompts_say_their_length() -> None:
    short = check_brief("About 1,800 words.", SCENE, 1800)
    assert short == [
        "The prompt is only 3 words: too short to say what the scene is about (a prompt needs "
        "at least 8)."
    ]
    long = check_brief("Write it slowly and carefully. " * 50 + "About 1,800 words.", SCENE, 1800)
    assert long == ["The prompt is 253 words, longer than a prompt anyone types (at most 200)."]
    assert check_brief("   ", SCENE, 1800) == ["The model sent back no prompt."]


def test_a_prompt_without_a_length_says_why_a_length_matters() -> None:
    problems = check_brief(GOOD.replace(" About 1,800 words.", ""), SCENE, 1800)
    assert problems == [
        "The prompt does not ask for a length (about 1,800 words): without one, a trained "
        "model tends to write short."
    ]


def test_a_prompt_asking_for_another_length_names_both() -> None:
    problems = check_brief(GOOD.replace("1,800", "500"), SCENE, 1800)
    assert problems == [
        "The prompt asks for 500 words, but this scene is about 1,800: it should ask for "
        "about 1,800 words."
    ]


@pytest.mark.parametrize(
    ("said", "target", "ok"),
    [
        ("about 1,800 words", 1800, True),
        ("roughly 1800 words", 1800, True),
        ("a 2,000-word scene", 1800, True),  # within a fifth of the target
        ("1,500 to 2,000 words", 1800, True),
        ("1.5k words", 1500, True),
        ("2 000 words", 2000, True),
        ("about 900 words", 1800, False),
        ("3,000 words", 1800, False),
        ("about 1,800 characters", 1800, False),
        ("chapter 1800", 1800, False),
    ],
)
def test_which_lengths_count_as_the_target(said: str, target: int, ok: bool) -> None:
    assert states_length(f"Write the storm scene, {said}.", target) is ok


def test_every_length_asked_for_is_read() -> None:
    assert asked_lengths("Between 1,200–1,400 words; no more than 2k words") == [
        (1200.0, 1400.0),
        (2000.0, 2000.0),
    ]


@settings(max_examples=300, deadline=None)
@given(brief=st.text(), scene=st.text(), target=st.integers(min_value=1, max_value=100_000))
def test_any_text_gives_a_list_of_sentences_never_a_crash(
    brief: str, scene: str, target: int
) -> None:
    problems = check_brief(brief, scene, target)
    assert isinstance(problems, list)
    assert all(isinstance(p, str) and p.endswith(".") for p in problems)


@settings(max_examples=200, deadline=None)
@given(
    scene=st.lists(st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True), min_size=8, max_size=60),
    start=st.integers(min_value=0, max_value=52),
)
def test_any_eight_words_lifted_from_a_scene_are_found(scene: list[str], start: int) -> None:
    start = min(start, len(scene) - 8)
    lifted = " ".join(scene[start : start + 8]).upper()
    assert copied_run(f"Please. {lifted}, then stop", " ".join(scene)) is not None
