"""ChatGPT conversations as examples: every prompt and answer kept, or the follow-ups folded in."""

from __future__ import annotations

from fineauthor.core.dataset.validate import parse_example
from fineauthor.core.importers.chatgpt.examples import (
    as_multi_turn,
    fold_follow_up,
    folded,
    to_example,
)
from tests.paths import FIXTURES
from tests.unit.core.importers.chatgpt_samples import (
    CAFE,
    FIXTURE,
    LIGHTHOUSE,
    SYSTEM,
    TOKYO,
    read_all,
)

# Examples ---------------------------------------------------------------------------------


def _valid(example) -> None:
    parsed, problems = parse_example(example.to_json(), 1)
    assert parsed is not None, problems


def test_as_multi_turn_keeps_every_prompt_and_answer_in_order() -> None:
    lighthouse = read_all(FIXTURE)[0][LIGHTHOUSE]
    example = as_multi_turn(lighthouse, SYSTEM)
    assert [m.role for m in example.messages] == ["system"] + ["user", "assistant"] * 3
    assert example.system == SYSTEM
    assert [m.content for m in example.messages[1:]] == [t.text for t in lighthouse.turns]
    assert example.messages[3].content == "Can you make it longer?"
    assert example.source == f"ChatGPT: {LIGHTHOUSE}"
    assert example.note == "From your ChatGPT conversation of 2024-03-12."
    assert as_multi_turn(lighthouse).system is None  # no project system prompt: none added
    _valid(example)


def test_folded_puts_the_follow_ups_in_the_first_prompt_and_keeps_the_last_answer() -> None:
    lighthouse = read_all(FIXTURE)[0][LIGHTHOUSE]
    example = folded(lighthouse, SYSTEM)
    assert [m.role for m in example.messages] == ["system", "user", "assistant"]
    assert example.prompt == (
        "Write the opening of chapter 3: Mara climbs the lighthouse at dusk to find the lamp "
        "already lit, though the keeper has been dead a week. Close third person, past tense. "
        "Make it longer. Add dialogue between Mara and old Petrov's son."
    )
    assert example.response == lighthouse.turns[-1].text  # the final, better answer
    assert "Your 2 follow-ups are folded into the prompt" in example.note
    assert example.source == f"ChatGPT: {LIGHTHOUSE}"
    _valid(example)

    tokyo = folded(read_all(FIXTURE)[0][TOKYO])
    assert tokyo.prompt.startswith("この写真の通りを")
    assert tokyo.prompt.endswith("Shorter, please — and keep the neon. 🙏.")
    assert tokyo.response.startswith("雨の新宿。")


def test_a_single_exchange_is_the_same_example_either_way() -> None:
    cafe = read_all(FIXTURE)[0][CAFE]
    kept, made = to_example(cafe, fold=False), to_example(cafe, fold=True)
    assert kept.messages == made.messages
    assert kept.note == made.note == "From your ChatGPT conversation of 2024-05-02."


def test_fold_follow_up_keeps_long_requests_as_written_and_never_repeats_one() -> None:
    prompt = "Write scene 4: the inquest."
    assert fold_follow_up(prompt, "can you make it longer?") == (
        "Write scene 4: the inquest. Make it longer."
    )
    assert fold_follow_up("Write scene 4. Make it longer.", "make it longer") == (
        "Write scene 4. Make it longer."
    )
    request = "Use these notes:\n\n- Mara lies about the key\n- Andrei knows"
    assert fold_follow_up(prompt, request) == prompt + "\n\n" + request
    assert fold_follow_up(prompt + "\n\n" + request, request) == prompt + "\n\n" + request


def test_folding_keeps_a_real_question_a_question() -> None:
    prompt = "Write scene 4: the inquest."
    for question in (
        "What would a widow have worn to the inquest?",
        "Does Mara know about the key?",
        "Is that too dark? 🤔",
        "And what if the coroner was her uncle?”",
        "マラは鍵のことを知っている？",
        "Would you rather she lied?",  # asks the writer's mind, not for work
    ):
        assert fold_follow_up(prompt, question) == f"{prompt} {question}"
    assert fold_follow_up("Write scene 4", "Does Mara know?") == "Write scene 4. Does Mara know?"
    assert fold_follow_up("Write scene 4.\nKeep it short.", "Does Mara know?") == (
        "Write scene 4.\nKeep it short.\nDoes Mara know?"
    )
    asked = f"{prompt} Does Mara know?"
    assert fold_follow_up(asked, "does Mara know?") == asked  # never asked twice


def test_folding_turns_polite_requests_into_instructions() -> None:
    prompt = "Write scene 4: the inquest."
    for request, instruction in (
        ("Can you make it longer?", "Make it longer."),
        ("Could you add dialogue?", "Add dialogue."),
        ("Would you cut the last paragraph?", "Cut the last paragraph."),
        ("OK, could you end on the verdict?", "End on the verdict."),
        ("Please can you keep Mara's lie?", "Keep Mara's lie."),
    ):
        assert fold_follow_up(prompt, request) == f"{prompt} {instruction}"


def test_a_folded_conversation_keeps_its_question() -> None:
    gaslight = read_all(FIXTURES / "chatgpt" / "canvas-conversations.json")[0][
        "Gaslight and mourning, 1887"
    ]
    assert folded(gaslight).prompt == (
        "How were London streets lit in 1887? I need the inquest scene in chapter 9 to feel "
        "right. What would a widow have worn to the inquest?"
    )
