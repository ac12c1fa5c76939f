"""Coined style names: offline, varied, steered by the writer's mood words, never the sample's."""

from __future__ import annotations

import itertools

import pytest

from fineauthor.core.writing import style_names
from fineauthor.core.writing.style_names import name_rarity, suggest_names

SEEDS = [
    "",
    "A haunted lighthouse on a foggy coast; the tide brings the drowned back.",
    "Neon, rain and a tired detective with a whisky habit.",
    "A cosy village tea shop, two cats and far too much cake.",
    "Space opera: starships, a dying colony, a signal from the void.",
    "Slow-burn romance over one long summer of longing.",
    "Dragons, a stolen crown and a prophecy nobody trusts.",
]


def test_same_seed_same_names() -> None:
    for seed in SEEDS:
        assert suggest_names(seed, rng_seed=7) == suggest_names(seed, rng_seed=7)
    assert suggest_names(rng_seed=1) != suggest_names(rng_seed=2)


@pytest.mark.parametrize("seed", SEEDS)
def test_distinct_two_word_names_of_several_tokens(seed: str) -> None:
    for rng_seed in range(5):
        names = suggest_names(seed, count=8, rng_seed=rng_seed)
        assert len(names) == 8
        assert len({n.lower() for n in names}) == 8
        for name in names:
            words = name.split(" ")
            assert len(words) == 2 and all(w[:1].isupper() and w.isalpha() for w in words), name
            assert name_rarity(name, "o200k_base") >= 2, name


def test_count() -> None:
    assert suggest_names(count=0) == []
    assert len(suggest_names(count=1)) == 1
    assert len(set(suggest_names(count=30, rng_seed=3))) == 30


def test_never_the_sample_or_the_lesson_name() -> None:
    for seed, rng_seed in itertools.product(SEEDS, range(40)):
        for name in suggest_names(seed, count=10, rng_seed=rng_seed):
            assert name.lower() not in {"saltmarrow hush", "outline mageddon"}
            assert not name.lower().startswith("saltmarrow")


def _mood_of(name: str) -> set[str]:
    first, second = name.split(" ")
    return {
        mood_name
        for mood_name, mood in style_names._MOODS.items()
        if first in mood.plain or second in mood.nouns
    }


@pytest.mark.parametrize(
    ("seed", "mood"),
    [(SEEDS[1], "sea"), (SEEDS[2], "noir"), (SEEDS[3], "whimsy"), (SEEDS[4], "space")],
)
def test_mood_words_steer_the_names(seed: str, mood: str) -> None:
    steered = sum(mood in _mood_of(n) for n in suggest_names(seed, count=8, rng_seed=11))
    unsteered = sum(mood in _mood_of(n) for n in suggest_names("", count=8, rng_seed=11))
    assert steered >= 4
    assert steered > unsteered


def test_no_rude_or_unsayable_joins() -> None:
    rude = style_names._RUDE
    for mood in style_names._MOODS.values():
        for head, tail in itertools.product(mood.heads, mood.tails):
            first = style_names._compound(head, tail)
            if first is not None:
                across = [
                    m for m in rude.finditer(first.lower()) if m.start() < len(head) < m.end()
                ]
                assert not across, first
                assert not style_names._UNSAYABLE.search(first), first
    # The filter does catch a join: "Ash" + "it".
    assert style_names._compound("Ash", "itwick") is None


def test_rarity_counts_tokens() -> None:
    assert name_rarity("Liz", "o200k_base") == 1
    assert name_rarity("Liz", "cl100k_base") == 2
    # A coinage is more pieces than an everyday phrase of the same length in words.
    assert name_rarity("Brinewake Vesper") > name_rarity("Quiet Night")
