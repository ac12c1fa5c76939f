"""core.writing.bench_scoring: two outputs scored side by side, the blind A/B order, and the
tally of blind choices with its JSON round trip."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fineauthor.core.writing import bench_scoring as bench
from fineauthor.core.writing.bench_scoring import (
    BASE,
    FINE_TUNED,
    NEITHER,
    BenchTally,
    BlindOrder,
    PairTally,
    side_by_side,
)
from fineauthor.core.writing.fingerprint import StyleFingerprint, fingerprint
from fineauthor.core.writing.win_conditions import (
    BannedPhrases,
    DialogueFromStart,
    KnowledgeGoal,
    LengthBand,
    PointOfViewNote,
    UnknownCondition,
    score,
)

CONDITIONS = [
    LengthBand(20, 40),
    DialogueFromStart(0.5),
    BannedPhrases(("bit her lip", "Willow Creek")),
    PointOfViewNote("close third, past"),
    KnowledgeGoal("my characters' names"),
    UnknownCondition(kind="from_the_future", data={"kind": "from_the_future", "x": 1}),
]

# 3 paragraphs, 2 with dialogue, 31 words, 5 sentences (counted by hand).
FINE_TUNED_TEXT = (
    "“You’re late,” Odile said.\n\n"
    "The tide had already taken the lower stones. He set his cases down and looked back the "
    "way he had come.\n\n"
    "“Not yet,” he said. “Not quite.”"
)
# 2 paragraphs, no dialogue, 23 words, a banned phrase twice (once across a line break) and
# another once.
BASE_TEXT = (
    "She bit her lip as the storm rolled in over Willow Creek, and her heart pounded.\n\n"
    "Again she bit her\nlip. Nobody spoke."
)


# -- what is sent -------------------------------------------------------------------------------


def test_tokens_for_words_uses_about_one_and_a_half_tokens_a_word() -> None:
    assert bench.tokens_for_words(100) == 140
    assert bench.tokens_for_words(1) == 2  # 1.4 rounded up: never cut a word short
    assert bench.tokens_for_words(0) == 1
    assert bench.tokens_for_words(-5) == 1


def test_default_max_words_leaves_room_above_the_target() -> None:
    assert bench.default_max_words([LengthBand(1500, 2000)]) == 2500
    assert bench.default_max_words([], target_words=420, tolerance_words=60) == 600
    assert bench.default_max_words([LengthBand(10, 15)]) == 50  # rounded up to 50 words
    assert bench.default_max_words([PointOfViewNote("first person")]) == bench.DEFAULT_MAX_WORDS
    assert bench.default_max_words([LengthBand(0, 900_000)]) == bench.MAX_WORDS


def test_messages_are_the_system_prompt_then_the_prompt() -> None:
    assert bench.bench_messages("You are Saltmarrow Hush.", "Opening scene.") == [
        {"role": "system", "content": "You are Saltmarrow Hush."},
        {"role": "user", "content": "Opening scene."},
    ]
    assert bench.bench_messages("  ", "Opening scene.") == [
        {"role": "user", "content": "Opening scene."}
    ]


def test_an_output_becomes_an_example_marked_with_its_source() -> None:
    example = bench.example_from_output(
        "You are Saltmarrow Hush.",
        "Opening scene.",
        "“You’re late,” she said.",
        "ft:gpt-4.1-mini-2025-04-14:org::abc",
        date(2026, 11, 3),
    )
    assert [(m.role, m.content) for m in example.messages] == [
        ("system", "You are Saltmarrow Hush."),
        ("user", "Opening scene."),
        ("assistant", "“You’re late,” she said."),
    ]
    assert example.source == "Test bench: ft:gpt-4.1-mini-2025-04-14:org::abc, 2026-11-03"
    assert example.id is None
    without_system = bench.example_from_output("", "P", "R", "m", date(2026, 1, 2))
    assert [m.role for m in without_system.messages] == ["user", "assistant"]


# -- the writer's own fingerprint ----------------------------------------------------------------


def test_writer_fingerprint_comes_from_the_wizard_answers() -> None:
    passage = "“Go,” she said.\n\nHe went. The door shut behind him."
    stored = fingerprint(passage)
    assert bench.writer_fingerprint({"fingerprint": stored.to_json()}) == stored
    # No stored fingerprint, but the passage: measured from it.
    assert bench.writer_fingerprint({"style_passage": passage}) == stored
    # A damaged stored one falls back to the passage; nothing at all is None, never made up.
    assert bench.writer_fingerprint({"fingerprint": {"words": "many"}, "style_passage": passage})
    assert bench.writer_fingerprint({"fingerprint": "{not json"}) is None
    assert bench.writer_fingerprint({}) is None
    assert bench.writer_fingerprint({"style_passage": "   "}) is None
    assert bench.writer_fingerprint({"fingerprint": fingerprint("").to_json()}) is None


def test_wizard_template() -> None:
    assert bench.wizard_template({"prompt_template": "Write {beat}."}) == "Write {beat}."
    assert bench.wizard_template({"prompt_template": 3}) == ""
    assert bench.wizard_template({}) == ""


# -- scoring side by side ------------------------------------------------------------------------


def test_both_outputs_are_scored_exactly_as_score_does() -> None:
    result = side_by_side(FINE_TUNED_TEXT, BASE_TEXT, CONDITIONS)
    assert list(result.fine_tuned.scores) == score(FINE_TUNED_TEXT, CONDITIONS)
    assert list(result.base.scores) == score(BASE_TEXT, CONDITIONS)
    assert result.fine_tuned.fingerprint == fingerprint(FINE_TUNED_TEXT)
    assert result.base.fingerprint == fingerprint(BASE_TEXT)
    assert result.side(FINE_TUNED) is result.fine_tuned
    assert result.side(BASE) is result.base
    with pytest.raises(ValueError):
        result.side(NEITHER)


def test_only_what_can_be_measured_is_scored() -> None:
    result = side_by_side(FINE_TUNED_TEXT, BASE_TEXT, CONDITIONS)
    ours, theirs = result.fine_tuned, result.base
    # Length 20–40 words, dialogue in half the paragraphs, no banned phrase: all met.
    assert [s.condition.kind for s in ours.measured] == [
        "length_band",
        "dialogue_from_start",
        "banned_phrases",
    ]
    assert [s.passed for s in ours.measured] == [True, True, True]
    assert ours.met == 3
    # The base model's reply: 23 words is in the band, no dialogue, banned phrases found.
    assert [s.passed for s in theirs.measured] == [True, False, False]
    assert theirs.met == 1
    # Notes are listed as notes, never scored.
    for side in (ours, theirs):
        assert [s.condition.kind for s in side.notes] == [
            "point_of_view",
            "knowledge_goal",
            "from_the_future",
        ]
        assert all(s.passed is None for s in side.notes)


def test_banned_phrases_are_found_where_they_are() -> None:
    result = side_by_side(FINE_TUNED_TEXT, BASE_TEXT, CONDITIONS)
    assert result.fine_tuned.spans == ()
    found = [BASE_TEXT[start:end] for start, end in result.base.spans]
    assert found == ["bit her lip", "Willow Creek", "bit her\nlip"]


def test_fingerprints_are_compared_with_the_writers_own() -> None:
    yours = StyleFingerprint(
        sentences=10,
        words=80,
        average_sentence_words=8.0,
        dialogue_share=0.6,
        average_paragraph_words=10.0,
        paragraphs=8,
    )
    result = side_by_side(FINE_TUNED_TEXT, BASE_TEXT, CONDITIONS, yours)
    ours, theirs = result.fine_tuned.fingerprint, result.base.fingerprint
    for measure in bench.MEASURES:
        assert result.distance(FINE_TUNED, measure) == pytest.approx(
            abs(getattr(ours, measure) - getattr(yours, measure))
        )
        assert result.distance(BASE, measure) == pytest.approx(
            abs(getattr(theirs, measure) - getattr(yours, measure))
        )
    assert result.closer("average_sentence_words") == BASE  # 7.67 is nearer 8 than 6.2 is
    assert result.closer("dialogue_share") == FINE_TUNED  # 2/3 against 0/2, for 0.6
    assert result.closer("average_paragraph_words") == FINE_TUNED
    with pytest.raises(ValueError):
        result.closer("colour")


def test_nothing_is_compared_without_a_fingerprint_or_words() -> None:
    assert side_by_side(FINE_TUNED_TEXT, BASE_TEXT, CONDITIONS).closer("dialogue_share") is None
    yours = fingerprint(FINE_TUNED_TEXT)
    empty = side_by_side("", BASE_TEXT, CONDITIONS, yours)
    assert empty.distance(FINE_TUNED, "dialogue_share") is None
    assert empty.closer("dialogue_share") is None
    same = side_by_side(FINE_TUNED_TEXT, FINE_TUNED_TEXT, CONDITIONS, yours)
    assert same.closer("average_sentence_words") is None  # a tie is nobody's win


# -- blind order -----------------------------------------------------------------------------------


def test_a_seed_decides_the_order_and_the_letters_agree() -> None:
    for seed in range(50):
        order = BlindOrder(seed)
        assert order.fine_tuned_letter == BlindOrder(seed).fine_tuned_letter  # repeatable
        a, b = order.sides_in_order()
        assert {a, b} == {FINE_TUNED, BASE}
        for side in (FINE_TUNED, BASE):
            assert order.side_of(order.letter_of(side)) == side
        assert order.choice_for("A") == a
        assert order.choice_for("B") == b
        assert order.choice_for(None) == NEITHER
    with pytest.raises(ValueError):
        BlindOrder(1).side_of("C")
    with pytest.raises(ValueError):
        BlindOrder(1).letter_of(NEITHER)


def test_seeds_give_both_orders_about_equally() -> None:
    firsts = [BlindOrder(seed).fine_tuned_letter for seed in range(2000)]
    assert 900 < firsts.count("A") < 1100
    # Consecutive seeds are not simply alternating or stuck.
    assert any(firsts[i] == firsts[i + 1] for i in range(len(firsts) - 1))


def test_each_run_draws_a_fresh_seed_from_the_os(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter([11, 12])
    monkeypatch.setattr(bench.secrets, "randbits", lambda bits: next(drawn))
    assert BlindOrder.draw() == BlindOrder(11)
    assert BlindOrder.draw() == BlindOrder(12)
    monkeypatch.undo()
    seeds = {BlindOrder.draw().seed for _ in range(20)}
    assert len(seeds) == 20
    letters = {BlindOrder.draw().fine_tuned_letter for _ in range(200)}
    assert letters == {"A", "B"}


# -- the tally ------------------------------------------------------------------------------------

FT, BASE_MODEL = "ft:gpt-4.1-mini-2025-04-14:org::abc", "gpt-4.1-mini-2025-04-14"


def test_the_tally_adds_up_per_pair() -> None:
    tally = BenchTally()
    assert tally.for_pair(FT, BASE_MODEL) == PairTally(FT, BASE_MODEL)
    assert tally.for_pair(FT, BASE_MODEL).runs == 0
    for choice in [FINE_TUNED] * 7 + [BASE] * 2 + [NEITHER]:
        tally = tally.record(FT, BASE_MODEL, choice)
    tally = tally.record(FT, "gpt-4o-mini-2024-07-18", BASE)
    pair = tally.for_pair(FT, BASE_MODEL)
    assert (pair.fine_tuned_chosen, pair.base_chosen, pair.neither, pair.runs) == (7, 2, 1, 10)
    assert [pair.count(c) for c in bench.CHOICES] == [7, 2, 1]
    other = tally.for_pair(FT, "gpt-4o-mini-2024-07-18")
    assert (other.base_chosen, other.runs) == (1, 1)
    assert len(tally.pairs) == 2
    # The order of the pair matters: the fine-tune is always named first.
    assert tally.for_pair(BASE_MODEL, FT).runs == 0
    with pytest.raises(ValueError):
        tally.record(FT, BASE_MODEL, "maybe")


def test_the_tally_survives_a_json_round_trip() -> None:
    tally = BenchTally()
    for choice in (FINE_TUNED, BASE, FINE_TUNED, NEITHER):
        tally = tally.record(FT, BASE_MODEL, choice)
    stored = json.loads(json.dumps(tally.to_json()))
    assert stored == {
        "pairs": [
            {
                "fine_tuned": FT,
                "base": BASE_MODEL,
                "fine_tuned_chosen": 2,
                "base_chosen": 1,
                "neither": 1,
            }
        ]
    }
    assert BenchTally.from_json(stored) == tally
    assert BenchTally.from_json(stored).record(FT, BASE_MODEL, BASE).for_pair(
        FT, BASE_MODEL
    ) == PairTally(FT, BASE_MODEL, 2, 2, 1)


@pytest.mark.parametrize("stored", [None, {}, [], "pairs", {"pairs": {}}, {"pairs": None}])
def test_an_empty_or_unreadable_setting_is_an_empty_tally(stored: object) -> None:
    assert BenchTally.from_json(stored) == BenchTally()


def test_unreadable_entries_are_kept_and_duplicates_added_up() -> None:
    odd = [
        {"fine_tuned": FT, "base": BASE_MODEL, "fine_tuned_chosen": -1},
        {"fine_tuned": FT, "base": BASE_MODEL, "neither": True},
        {"fine_tuned": FT},
        "a note",
    ]
    stored = {
        "pairs": [
            {"fine_tuned": FT, "base": BASE_MODEL, "fine_tuned_chosen": 1},
            *odd,
            {"fine_tuned": FT, "base": BASE_MODEL, "fine_tuned_chosen": 2, "base_chosen": 1},
        ]
    }
    tally = BenchTally.from_json(stored)
    assert tally.for_pair(FT, BASE_MODEL) == PairTally(FT, BASE_MODEL, 3, 1, 0)
    assert list(tally.unreadable) == odd
    again = tally.record(FT, BASE_MODEL, NEITHER).to_json()
    assert again["pairs"][1:] == odd  # written back unchanged
    assert again["pairs"][0]["neither"] == 1
