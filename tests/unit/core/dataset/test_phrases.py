"""Repeated phrases: the overfitting warning a writer can act on."""

from __future__ import annotations

import random

from fineauthor.core.dataset.phrases import PhraseCounter, _contains, prepare

FILLER = """
    The harbour lights flickered as the ferry turned toward the island. Marguerite counted
    the gulls, lost count, began again. Somewhere below deck a radio played an old waltz.
    Tomas handed her a paper cup of bitter coffee and pointed at the cliffs.
    """.split()


def _response(rng: random.Random, words: int = 120) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(words))


def test_phrases_match_whole_words_only() -> None:
    text = prepare("She bit her lip—hard. “Didn’t,” she said. Orbit her lips.")
    assert _contains(text, "she bit her lip")
    assert _contains(text, "didn't")
    assert not _contains(text, "bit her lips")  # only inside “orbit her lips”
    assert not _contains(text, "her lip hard")  # not across punctuation


def test_the_lesson_phrases_are_found_with_their_examples() -> None:
    rng = random.Random(4)
    counter = PhraseCounter()
    for line in range(1, 41):
        text = _response(rng)
        if line % 4 == 0:
            text += " She bit her lip. "
        if line % 5 == 0:
            text += " They drove back to Willow Creek that night."
        counter.add(line, text)
    found = {p.phrase: p for p in counter.repeated()}
    assert "she bit her lip" in found
    assert found["she bit her lip"].examples == tuple(range(4, 41, 4))
    assert found["she bit her lip"].share == 0.25
    assert "they drove back to willow creek that night" in found
    # The shorter phrase inside the longer one is not reported separately.
    assert "bit her lip" not in found


def test_rare_phrases_and_function_word_phrases_are_not_flagged() -> None:
    counter = PhraseCounter()
    for line in range(1, 51):
        text = f"Scene {line}. It was one of the days when it was out of the question."
        if line in (3, 9):
            text += " She bit her lip."
        counter.add(line, text)
    phrases = [p.phrase for p in counter.repeated()]
    assert not any("bit her lip" in p for p in phrases)  # 2 of 50: not unusual
    assert "one of the" not in phrases and "out of the" not in phrases


def test_large_inputs_stay_bounded_and_still_count_known_phrases() -> None:
    rng = random.Random(9)
    counter = PhraseCounter(discovery_words=5_000)
    for line in range(1, 401):
        text = _response(rng, 200)
        if line % 3 == 0:
            text += " the lighthouse keeper never slept"
        counter.add(line, text)
    assert counter._candidates is not None  # discovery ended early: memory stays bounded
    found = {p.phrase: p for p in counter.repeated()}
    lighthouse = [p for p in found.values() if "lighthouse keeper" in p.phrase]
    assert lighthouse and len(lighthouse[0].examples) == 133  # counted past discovery too


def test_a_long_repeated_sentence_is_reported_once_whole() -> None:
    rng = random.Random(12)
    counter = PhraseCounter()
    sentence = " She bit her lip and looked out at the grey water beyond the harbour wall."
    for line in range(1, 21):
        counter.add(line, _response(rng) + (sentence if line % 4 == 0 else ""))
    found = counter.repeated()
    whole = "she bit her lip and looked out at the grey water beyond the harbour wall"
    assert found[0].phrase == whole
    assert found[0].examples == (4, 8, 12, 16, 20)
    # No piece of it is reported again (the filler's own chance repeats may be).
    assert not any("lip" in p.phrase or "harbour" in p.phrase for p in found[1:])
