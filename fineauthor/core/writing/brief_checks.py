"""Checking a prompt a model wrote for one of the writer's scenes (DESIGN §3, prompts from prose).

People who turned prose into training pairs this way found two ways it goes wrong: prompts that
echo the prose (the trained model learns to copy), and prompts with no length (it learns to
write short). So a prompt must not copy a run of the scene's words, must not talk about "the
passage" as a thing it was given, must be as long as a prompt a person types, and must ask for
the target length. Each problem is a plain sentence for the writer (and, asked again, for the
model).
"""

from __future__ import annotations

import re

from fineauthor.core.dataset.summary import count_words

MIN_WORDS, MAX_WORDS = 8, 200
#: This many words in a row, the same as in the scene, count as copied (names and stock
#: phrases are shorter).
COPIED_RUN = 8

# Words compared without case or punctuation; curly and straight apostrophes are the same.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# A prompt asks for a scene that does not exist yet; these treat it as a text handed over.
_GIVEN_TEXT = re.compile(
    r"\b(?:the|this|that)\s+(?:passage|excerpt|extract)\b"
    r"|\b(?:the|this)\s+(?:text|story|scene|chapter|prose|piece)\s+"
    r"(?:above|below|provided|given|shown|you\s+(?:have\s+)?(?:read|were\s+given))\b"
    r"|\b(?:above|provided|given|preceding|following|original)\s+"
    r"(?:passage|text|excerpt|scene|story|chapter|prose)\b"
    r"|\bthis\s+story\b"
    r"|\bthe\s+text\b(?!\s+(?:of|on|from|message|messages)\b)",
    re.IGNORECASE,
)

_NUMBER = r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+(?:\.\d+)?\s*k|\d+"
_LENGTH = re.compile(
    rf"(?<![\w.,])({_NUMBER})(?:\s*(?:-|–|—|to|or)\s*({_NUMBER}))?\s*(?:-\s*)?words?\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, without punctuation."""
    return [word.replace("’", "'") for word in _WORD.findall(text.casefold())]


def copied_run(brief: str, scene: str, length: int = COPIED_RUN) -> str | None:
    """The first stretch of at least ``length`` words the brief shares with the scene (as
    long as it goes on), or None."""
    said = words(brief)
    if len(said) < length:
        return None
    prose = words(scene)
    runs = {tuple(prose[i : i + length]) for i in range(len(prose) - length + 1)}
    starts = [tuple(said[i : i + length]) in runs for i in range(len(said) - length + 1)]
    if True not in starts:
        return None
    first = starts.index(True)
    last = first
    while last + 1 < len(starts) and starts[last + 1]:
        last += 1
    return " ".join(said[first : last + length])


def given_text(brief: str) -> str | None:
    """The words with which the brief treats the scene as a text it was given, or None."""
    found = _GIVEN_TEXT.search(brief)
    return " ".join(found.group().split()) if found else None


def _number(text: str) -> float | None:
    """ "1,850", "1 850", "2k" or "2.5k" as a number of words."""
    text = text.strip().lower()
    try:
        if text.endswith("k"):
            return float(text[:-1].strip()) * 1000
        return float(re.sub(r"[,.\u00a0\u202f ]", "", text))
    except ValueError:
        return None


def asked_lengths(brief: str) -> list[tuple[float, float]]:
    """Every length the brief asks for, in words, as (lowest, highest)."""
    found = []
    for match in _LENGTH.finditer(brief):
        low = _number(match.group(1))
        high = _number(match.group(2)) if match.group(2) else low
        if low is not None and high is not None:
            found.append((min(low, high), max(low, high)))
    return found


def near(target_words: int) -> tuple[float, float]:
    """The lengths that count as asking for ``target_words``."""
    give = max(0.2 * target_words, 20)
    return target_words - give, target_words + give


def states_length(brief: str, target_words: int) -> bool:
    """Whether the brief asks for about ``target_words`` words (a range around it counts)."""
    low, high = near(target_words)
    return any(a <= high and b >= low for a, b in asked_lengths(brief))


def check_brief(brief: str, scene: str, target_words: int) -> list[str]:
    """What is wrong with ``brief`` as the prompt for ``scene`` (empty when nothing), each a
    plain sentence."""
    count = count_words(brief)
    if count == 0:
        return ["The model sent back no prompt."]
    problems: list[str] = []
    if count < MIN_WORDS:
        problems.append(
            f"The prompt is only {count} word{'s' if count != 1 else ''}: too short to say "
            f"what the scene is about (a prompt needs at least {MIN_WORDS})."
        )
    elif count > MAX_WORDS:
        problems.append(
            f"The prompt is {count:,} words, longer than a prompt anyone types (at most "
            f"{MAX_WORDS})."
        )
    copied = copied_run(brief, scene)
    if copied:
        problems.append(
            f"The prompt copies words straight from the scene (“{copied}”): a prompt that "
            "repeats the prose teaches the model to copy instead of write."
        )
    given = given_text(brief)
    if given:
        problems.append(
            f"The prompt talks about “{given}” as if the scene were already written: it "
            "should ask for a scene that does not exist yet."
        )
    if not states_length(brief, target_words):
        asked = asked_lengths(brief)
        if asked:
            low, high = asked[0]
            said = f"{low:,.0f}" if low == high else f"{low:,.0f} to {high:,.0f}"
            problems.append(
                f"The prompt asks for {said} words, but this scene is about "
                f"{target_words:,}: it should ask for about {target_words:,} words."
            )
        else:
            problems.append(
                f"The prompt does not ask for a length (about {target_words:,} words): "
                "without one, a trained model tends to write short."
            )
    return problems
