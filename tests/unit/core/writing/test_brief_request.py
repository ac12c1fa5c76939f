"""The request that asks a model for a scene's prompt: it carries the scene, the writer's way of
prompting (the wizard's template and follow-ups, the system prompt, a few of their own prompts)
and the length to ask for; the instructions come after the scene. And reading the answer: what
models wrap around a prompt is taken off."""

from __future__ import annotations

import pytest

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.prompt_origin import BY_TEMPLATE, BY_WRITER, MODEL, PromptOrigin
from fineauthor.core.project.project_settings import ProjectSettings
from fineauthor.core.writing import brief_request as br
from fineauthor.core.writing.brief_checks import check_brief
from fineauthor.core.writing.brief_request import (
    PromptStyle,
    brief_request,
    brief_target_words,
    clean_brief,
    prompt_style,
    retry_request,
    round_words,
    scene_of,
    writer_prompts,
)
from fineauthor.ui.wizard import draft

SCENE = "Rain hammered the lighthouse roof. Ellen trimmed the wick and waited for the boat."
SETTINGS = ProjectSettings(
    system_prompt="You are Outline Mageddon, a novelist's assistant.",
    target_words=1800,
    tolerance_words=200,
    wizard={
        "prompt_template": "Write chapter {chapter}: {beat}. About 1,800 words, close third.",
        "follow_ups": "make it longer\n\ncan you add more dialogue?\n",
        "style_description": "spare and wet",
    },
)


def example(prompt: str, origin: PromptOrigin = BY_WRITER, n: int = 1) -> Example:
    return Example((Message("user", prompt), Message("assistant", f"scene {n}")), id=n,
                   prompt_origin=origin)  # fmt: skip


def test_the_wizard_keys_are_spelled_as_the_wizard_spells_them() -> None:
    assert br.WIZARD_FOLLOW_UPS == draft.FOLLOW_UPS
    assert draft.TEMPLATE == "prompt_template"


def test_the_style_comes_from_the_project_and_its_wizard() -> None:
    assert prompt_style(SETTINGS) == PromptStyle(
        template="Write chapter {chapter}: {beat}. About 1,800 words, close third.",
        follow_ups=("make it longer", "can you add more dialogue?"),
        system_prompt="You are Outline Mageddon, a novelist's assistant.",
    )
    assert prompt_style(ProjectSettings()) == PromptStyle()
    # A wizard value of the wrong type is no style at all, not a crash.
    assert prompt_style(ProjectSettings(wizard={"follow_ups": 3, "prompt_template": []})) == (
        PromptStyle()
    )


def test_the_request_carries_the_scene_first_then_the_writers_way_then_the_rules() -> None:
    messages = brief_request(
        SCENE,
        target_words=1800,
        style=prompt_style(SETTINGS),
        examples=["Write the storm from Ellen's side. About 1,800 words."],
    )
    assert [m["role"] for m in messages] == ["system", "user"]
    text = messages[1]["content"]
    assert f"<scene>\n{SCENE}\n</scene>" in text
    assert "(about 14 words)" in text
    assert "Write chapter {chapter}: {beat}. About 1,800 words, close third." in text
    assert "Make it longer. Add more dialogue." in text
    assert "<their prompt 1>\nWrite the storm from Ellen's side. About 1,800 words." in text
    assert "You are Outline Mageddon" in text
    assert "“about 1,800 words”" in text
    assert "the passage" in text  # it is told not to talk about one
    # The rules come after the scene, so a model that cuts a long scene still reads them.
    assert text.index("</scene>") < text.index("Rules:") < text.index("about 1,800 words")
    assert "style_description" not in text and "spare and wet" not in text


def test_with_nothing_known_of_the_writer_it_asks_for_a_plain_brief() -> None:
    text = brief_request(SCENE, target_words=600)[1]["content"]
    assert "How this novelist writes prompts" not in text
    assert "plain and direct" in text
    assert "“about 600 words”" in text


def test_long_example_prompts_are_cut_short() -> None:
    long = "word " * 1000
    text = brief_request(SCENE, target_words=600, examples=[long])[1]["content"]
    assert text.count("word") < 300
    assert "…" in text


def test_the_writers_own_prompts_are_picked_in_order_without_templates_or_repeats() -> None:
    found = writer_prompts(
        [
            example("Write chapter {chapter}: {beat}.", n=1),  # the wizard's open template
            example("Chapter 2, scene 1", BY_TEMPLATE, n=2),
            example("Ellen meets the inspector on the causeway. 1,800 words.", n=3),
            example("  ", n=4),
            example("A model's words", PromptOrigin(MODEL, model="m"), n=5),
            example("Ellen meets the inspector on the causeway. 1,800 words.", n=6),
            example("The wreck, seen from the cliff. 1,800 words.", n=7),
            example("The funeral. 1,800 words.", n=8),
            example("The last one. 1,800 words.", n=9),
        ],
        leave_out={8},
    )
    assert found == [
        "Ellen meets the inspector on the causeway. 1,800 words.",
        "The wreck, seen from the cliff. 1,800 words.",
        "The last one. 1,800 words.",
    ]


@pytest.mark.parametrize(
    ("scene_words", "target", "tolerance", "asked"),
    [
        (1750, 1800, 200, 1800),  # within the tolerance: the writer's own target
        (1990, 1800, 200, 1800),
        (3120, 1800, 200, 3100),  # far off: the scene's own length, rounded
        (1530, 1800, None, 1800),  # no tolerance set: 15% of the target
        (1520, 1800, None, 1500),
        (437, None, None, 450),
        (37, None, None, 40),
        (0, None, None, 10),
    ],
)
def test_the_length_asked_for_is_one_the_scene_has(
    scene_words: int, target: int | None, tolerance: int | None, asked: int
) -> None:
    assert brief_target_words(scene_words, target, tolerance) == asked


def test_round_words_rounds_as_a_writer_would() -> None:
    assert [round_words(n) for n in (1847, 1850, 430, 37, 1)] == [1800, 1900, 450, 40, 10]


def test_the_scene_is_the_reply_to_the_first_prompt() -> None:
    conversation = Example(
        (
            Message("system", "S"),
            Message("user", "first"),
            Message("assistant", "the first reply"),
            Message("user", "longer"),
            Message("assistant", "the second reply"),
        )
    )
    assert scene_of(conversation) == "the first reply"
    assert scene_of(Example((Message("assistant", "prose only"),))) == "prose only"
    assert scene_of(Example((Message("user", "no reply yet"),))) == ""


def test_asking_again_says_what_was_wrong() -> None:
    first = brief_request(SCENE, target_words=600)
    problems = check_brief("Rewrite the passage.", SCENE, 600)
    again = retry_request(first, "Rewrite the passage.", problems)
    assert again[:2] == first
    assert again[2] == {"role": "assistant", "content": "Rewrite the passage."}
    assert again[3]["role"] == "user"
    assert problems[0] in again[3]["content"]
    assert "reply with the prompt only" in again[3]["content"]


@pytest.mark.parametrize(
    ("reply", "brief"),
    [
        ("Write the storm scene. About 600 words.", "Write the storm scene. About 600 words."),
        ("<think>Hmm, Ellen…</think>\n\nWrite the storm scene.", "Write the storm scene."),
        ("<think>I was cut off before the end", ""),
        ("Here is the prompt:\n\n“Write the storm scene.”", "Write the storm scene."),
        ("Sure! Here's a prompt for this scene: Write it.", "Write it."),
        ("**Prompt:** Write the storm scene.", "Write the storm scene."),
        ('```\n"Write the storm scene."\n```', "Write the storm scene."),
        ('"Write it," she said, "now."', '"Write it," she said, "now."'),  # not a wrapper
    ],
)
def test_what_models_wrap_around_a_prompt_is_taken_off(reply: str, brief: str) -> None:
    assert clean_brief(reply) == brief
