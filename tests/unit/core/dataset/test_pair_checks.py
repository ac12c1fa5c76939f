"""The checks of a project's choices (preference pairs) and what training on them costs."""

from __future__ import annotations

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.checks import CheckSettings
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.pair_checks import (
    ADVISED_PAIRS,
    banned_phrases,
    check_pairs,
    pair_tokens,
)
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, PreferencePair
from fineauthor.core.dataset.tokens import count_example

TOGETHER_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
FIREWORKS_MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct"


def pair(number: int = 1, preferred: str = "", other: str = "", **extra: object) -> PreferencePair:
    return PreferencePair(
        messages=(
            Message("system", "You write quiet literary fiction."),
            Message("user", f"Write scene {number}: Mara finds the shoe on the beach."),
        ),
        preferred=preferred or f"She stood over the shoe a long time, scene {number}.",
        other=other or f"Mara was very sad when she found the shoe, scene {number}.",
        source=BLIND_CHOICE,
        **extra,  # type: ignore[arg-type]
    )


def settings(model_id: str = TOGETHER_MODEL, **extra: object) -> CheckSettings:
    return CheckSettings(model=load_catalog().model(model_id), unit="Example", **extra)  # type: ignore[arg-type]


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_enough_good_pairs_pass_and_are_priced_at_preference_rates() -> None:
    pairs = [pair(n) for n in range(1, ADVISED_PAIRS + 1)]
    report = check_pairs(pairs, settings(), epochs=2)
    assert report.errors == [] and report.warnings == []
    assert report.pairs == ADVISED_PAIRS
    model = load_catalog().model(TOGETHER_MODEL)
    assert report.estimate.billed_tokens == report.total_tokens * 2
    dpo = model.training_price(preference=True)
    assert dpo is not None and dpo > model.training_price()  # DPO costs more than SFT here
    assert report.estimate.cost_usd == pytest.approx(report.total_tokens * 2 * dpo / 1e6)


def test_a_pair_costs_its_prompt_once_with_each_reply() -> None:
    one = pair()
    encoding = load_catalog().model(TOGETHER_MODEL).encoding
    with_preferred = Example((*one.messages, Message("assistant", one.preferred)))
    with_other = Example((*one.messages, Message("assistant", one.other)))
    expected = count_example(with_preferred, encoding) + count_example(with_other, encoding)
    assert pair_tokens(one, encoding) == expected


def test_identical_and_empty_replies_are_problems_naming_the_choice() -> None:
    pairs = [
        pair(1),
        pair(2, preferred="The same words.", other="The  same words. "),
        pair(3, preferred="Only this one."),
    ]
    pairs[2] = PreferencePair(messages=pairs[2].messages, preferred="Only this one.", other=" ")
    report = check_pairs(pairs, settings())
    found = {p.line: p for p in report.errors}
    assert found[2].code == "pair_identical" and found[2].message.startswith("Choice 2:")
    assert found[3].code == "pair_empty_reply"
    assert "The other reply is empty" in found[3].message
    assert 1 not in found
    assert report.problems_of(2) == [found[2]]


def test_a_pair_without_a_prompt_or_ending_on_a_reply_is_refused() -> None:
    no_prompt = PreferencePair(messages=(Message("system", "Be brief."),), preferred="A", other="B")
    ends_on_reply = PreferencePair(
        messages=(Message("user", "Go on."), Message("assistant", "Earlier reply.")),
        preferred="A",
        other="B",
    )
    report = check_pairs([no_prompt, ends_on_reply, pair(3)], settings())
    assert codes(report.errors) == ["pair_no_prompt", "pair_prompt_not_last"]


def test_each_service_sets_how_few_choices_it_takes() -> None:
    fireworks = check_pairs([pair(1), pair(2)], settings(FIREWORKS_MODEL, service="fireworks"))
    assert codes(fireworks.errors) == ["too_few_pairs"]
    assert fireworks.errors[0].message == (
        "Fireworks AI needs at least 3 choices to learn from, and there are 2. "
        "Make more choices at the test bench."
    )
    together = check_pairs([pair(1), pair(2)], settings(service="together"))
    assert together.errors == []
    assert codes(together.warnings) == ["few_pairs"]
    assert together.warnings[0].message.startswith("2 choices so far.")
    nothing = check_pairs([], settings(service="together"))
    assert "and there are none yet" in nothing.errors[0].message


def test_the_preferred_reply_is_held_to_the_target_length_and_banned_phrases() -> None:
    long_reply = " ".join(["word"] * 40) + " a shiver ran down her spine."
    pairs = [pair(1), pair(2, preferred=long_reply)]
    found = check_pairs(
        pairs,
        settings(target_words=12, tolerance_words=4),
        banned=("shiver ran down her spine", "  "),
    )
    assert [(p.line, p.code) for p in found.warnings if p.line] == [
        (2, "pair_off_target_length"),
        (2, "pair_banned_phrase"),
    ]
    length, banned = (p for p in found.warnings if p.line == 2)
    assert "46 words, longer than your target of 12 (± 4)" in length.message
    assert banned.quote == "shiver ran down her spine"
    # Only the preferred reply is held to them: the other one is what the model moves away from.
    passed_over = [pair(1, other=long_reply)]
    quiet = check_pairs(
        passed_over, settings(target_words=12, tolerance_words=4), banned=("spine",)
    )
    assert [p.code for p in quiet.warnings if p.line] == []


def test_banned_phrases_are_read_from_the_project_win_conditions() -> None:
    conditions = (
        {"kind": "banned_phrases", "phrases": ["suddenly", "a shiver ran down"]},
        {"kind": "target_length", "words": 900},
        {"kind": "banned_phrases", "phrases": "not a list"},  # damaged: left out, no crash
    )
    assert banned_phrases(conditions) == ("suddenly", "a shiver ran down")
