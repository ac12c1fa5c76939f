"""ChatGPT's citation marks are taken out of its answers, the spacing left as if they had never
been there; brackets and marks that aren't citations stay."""

from __future__ import annotations

import pytest

from fineauthor.core.importers.chatgpt.citations import without_citations
from tests.paths import FIXTURES
from tests.unit.core.importers.chatgpt_samples import read_all

GASLIGHT = "Gaslight and mourning, 1887"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Widows wore crape for a year【5†source】.", "Widows wore crape for a year."),
        ("Widows wore crape 【12:1†source】 for a year.", "Widows wore crape for a year."),
        ("Crape.【3†L7-L9】 Then bombazine.", "Crape. Then bombazine."),
        ("Gas lamps【1†source】【2†source】, then arc lamps.", "Gas lamps, then arc lamps."),
        ("Fog\ue200cite\ue202turn0search1\ue202turn0search3\ue201 hid it.", "Fog hid it."),
        ("Jet was proper \ue200cite\ue202turn1search3\ue201.", "Jet was proper."),
        ("See your notes \ue200filecite\ue202turn0file0\ue202L8-L13\ue201.", "See your notes."),
        ("【4†source】 A line that began with one.", "A line that began with one."),
        ("First line 【4†source】\nSecond line", "First line\nSecond line"),
        ("(as the papers said 【6†source】)", "(as the papers said)"),
        # Not citations: CJK brackets without a dagger, and a name ChatGPT marked.
        ("【重要】雨の新宿。", "【重要】雨の新宿。"),
        ('Meet \ue200entity\ue202["people","Mara"]\ue201 at dusk.', None),
        ("A † dagger in prose stays.", None),
    ],
)
def test_citation_marks_are_removed_with_tidy_spacing(text: str, expected: str | None) -> None:
    assert without_citations(text) == (text if expected is None else expected)


def test_answers_in_an_export_lose_their_citation_marks() -> None:
    gaslight = read_all(FIXTURES / "chatgpt" / "canvas-conversations.json")[0][GASLIGHT]
    first, second = (turn.text for turn in gaslight.turns if turn.role == "assistant")
    assert first == (
        "By 1887 almost every London street was lit by gas lamps on cast-iron posts, lit at "
        "dusk by a lamplighter with a long pole. Electric arc lamps had been tried on the "
        "Embankment, but they were a novelty. Fog turned the gas flames into smudges of yellow, "
        "and a lamplighter’s round ended after midnight."
    )
    assert second.endswith(
        "a long crape veil over her face in public. Jet was the only jewellery thought proper."
    )
