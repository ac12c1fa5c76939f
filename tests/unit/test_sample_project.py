"""The sample project that ships with the app is a clean dataset: the check finds nothing to
fix in it except that it has fewer examples than a real fine-tune would want."""

from __future__ import annotations

import json

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.checks import CheckSettings, check_file
from fineauthor.core.resources import resource_path

STYLE_NAME = "Saltmarrow Hush"
SAMPLE = resource_path("sample", "sample.jsonl")


def _rows() -> list[dict]:
    with SAMPLE.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def test_the_sample_checks_clean_but_for_its_size() -> None:
    settings = CheckSettings(
        model=load_catalog().model("gpt-4.1-mini-2025-04-14"),
        target_words=420,
        tolerance_words=60,
        style_name=STYLE_NAME,
    )
    report = check_file(SAMPLE, settings)
    assert report.examples == 14
    assert report.errors == []
    assert [p.code for p in report.warnings] == ["few_examples"]


def test_the_sample_keeps_one_system_prompt_and_a_steady_length() -> None:
    rows = _rows()
    assert len(rows) == 14
    systems = {row["messages"][0]["content"] for row in rows}
    assert [row["messages"][0]["role"] for row in rows] == ["system"] * 14
    assert len(systems) == 1
    assert STYLE_NAME in systems.pop()
    for row in rows:
        response = row["messages"][-1]
        assert response["role"] == "assistant"
        assert 360 <= len(response["content"].split()) <= 480


def test_the_sample_shows_a_follow_up_with_an_untrained_first_draft() -> None:
    messages = _rows()[12]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant"]
    assert [m.get("weight") for m in messages if m["role"] == "assistant"] == [0, 1]


def test_the_sample_uses_typographic_quotes() -> None:
    for row in _rows():
        for message in row["messages"]:
            text = message["content"]
            assert '"' not in text and "'" not in text
            assert text.count("“") == text.count("”")
