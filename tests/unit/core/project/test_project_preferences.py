"""The project's choices (preference pairs) and where each prompt came from, in a real SQLite
project file: kept in order, every edit on disk at once, undo-able deletes, damage survived."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.preference_pair import BLIND_CHOICE, IMPORTED, PreferencePair
from fineauthor.core.dataset.prompt_origin import BY_TEMPLATE, MODEL, WRITER, PromptOrigin
from fineauthor.core.project.project import Project
from tests.unit.core.project.project_samples import chat


def choice(n: int, **extra: object) -> PreferencePair:
    extra.setdefault("source", BLIND_CHOICE)
    return PreferencePair(
        messages=(Message("system", "Quiet prose."), Message("user", f"Write scene {n}.")),
        preferred=f"The good reply {n}.",
        other=f"The flat reply {n}.",
        preferred_model="you/llama-hush",
        other_model="meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
        **extra,  # type: ignore[arg-type]
    )


def prompts(project: Project) -> list[str]:
    return [p.prompt for p in project.preferences.all()]


def test_pairs_are_kept_in_order_and_on_disk_at_once(project: Project, path: Path) -> None:
    store = project.preferences
    first = store.add(choice(1))
    store.add(choice(2))
    store.add(choice(0), index=0)
    assert first.id is not None and first.created and first.modified
    # Another connection sees every pair the moment it is added: nothing waits for a save.
    with Project.open(path) as other:
        assert prompts(other) == ["Write scene 0.", "Write scene 1.", "Write scene 2."]
        kept = other.preferences.get(first.id)
    assert kept.preferred_model == "you/llama-hush" and kept.source == BLIND_CHOICE
    assert kept.system == "Quiet prose."
    with pytest.raises(IndexError):
        store.add(choice(9), index=7)


def test_an_edit_keeps_its_place_and_a_missing_pair_says_so(project: Project) -> None:
    store = project.preferences
    added = store.insert(None, [choice(1), choice(2)])
    swapped = PreferencePair(
        messages=added[1].messages,
        preferred=added[1].other,
        other=added[1].preferred,
        source=added[1].source,
        id=added[1].id,
    )
    stored = store.update(swapped)
    assert stored.preferred == "The flat reply 2." and stored.created == added[1].created
    assert prompts(project) == ["Write scene 1.", "Write scene 2."]
    store.delete([added[0].id])
    with pytest.raises(KeyError):
        store.update(
            PreferencePair(messages=added[0].messages, preferred="a", other="b", id=added[0].id)
        )


def test_deleting_and_putting_back_restores_the_same_pairs(project: Project) -> None:
    store = project.preferences
    ids = [p.id for p in store.insert(None, [choice(n) for n in range(5)])]
    removed = store.delete([ids[3], ids[1]])
    assert [index for index, _ in removed] == [1, 3]  # lowest first, as undo needs
    assert prompts(project) == ["Write scene 0.", "Write scene 2.", "Write scene 4."]
    for index, pair in removed:
        store.add(pair, index=index)
    assert [p.id for p in store.all()] == ids  # same ids, same order, same times
    with pytest.raises(KeyError):
        store.delete([ids[0], 999_999])
    assert store.count() == 5  # an unknown id deletes nothing at all


def test_bad_pairs_are_refused_before_anything_is_written(project: Project) -> None:
    with pytest.raises(TypeError):
        project.preferences.add("not a pair")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        choice(1, source="somewhere")
    with pytest.raises(TypeError):
        project.preferences.insert(None, [choice(1), choice(2, note=3)])
    assert project.preferences.count() == 0


def test_a_damaged_row_reads_as_a_pair_without_a_prompt(project: Project, path: Path) -> None:
    project.preferences.add(choice(1))
    project.preferences.add(choice(2, source=IMPORTED))
    project.close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE preference_pairs SET messages = '{not json' WHERE position = 0")
        raw.execute("UPDATE preference_pairs SET source = 'elsewhere' WHERE position = 1")
    with Project.open(path) as reopened:
        damaged, unknown_source = reopened.preferences.all()
    assert damaged.messages == () and damaged.prompt == ""  # the checks then say so
    assert damaged.preferred == "The good reply 1."
    assert unknown_source.source == "writer"


def test_prompt_origins_are_kept_and_only_the_origin_changes(project: Project, path: Path) -> None:
    project.add_examples(
        [chat("Write chapter 1, scene 1", "Prose one."), chat("My own prompt", "Prose two.")]
    )
    first, second = project.examples()
    project.set_prompts([(first.id, "Write chapter 1, scene 1", BY_TEMPLATE)])
    written = PromptOrigin(MODEL, model="llama3.2:3b", when="2026-12-03T08:00:00Z")
    project.set_prompts([(first.id, "Mara finds a shoe; 900 words.", written)])
    accepted = PromptOrigin(MODEL, model="llama3.2:3b", when=written.when, reviewed=True)
    project.set_prompt_origins({first.id: accepted})
    with Project.open(path) as other:
        kept = other.example(first.id)
        untouched = other.example(second.id)
    assert kept.prompt == "Mara finds a shoe; 900 words."
    assert (kept.prompt_origin.by, kept.prompt_origin.model) == (MODEL, "llama3.2:3b")
    assert kept.prompt_origin.reviewed and not kept.prompt_origin.to_review
    assert kept.messages[-1].content == "Prose one."  # the scene itself is never touched
    assert untouched.prompt_origin.by == WRITER
    with pytest.raises(KeyError):
        project.set_prompt_origins({999_999: BY_TEMPLATE})
