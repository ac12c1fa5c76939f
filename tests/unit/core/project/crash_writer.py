"""Helper for test_project_crash.py: edit a project forever until someone kills the process.

Run as ``python crash_writer.py PROJECT FIRST_STEP``. It opens the project, prints ``ready``,
then applies step FIRST_STEP, FIRST_STEP + 1, … of a deterministic stream of edits (add, change
a message, change a note, move, delete, change settings). After each Project method has
returned it prints the step number and flushes, so the parent knows that step was committed.

The stream is a pure function of the step number and the number of examples, and
:func:`replay` applies the same steps to plain Python data: the parent uses it to work out
what the file must hold after a crash.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROLES = ("system", "user", "assistant")
MAX_EXAMPLES = 40


def _text(rng: random.Random, step: int) -> str:
    # From a few words to ~30,000 characters, so some edits span many pages of the file; words
    # apart by different whitespace, so the stored word counts are really counted.
    gap = rng.choice([" ", "\n\n", " \t "])
    return f"step {step}:{gap}" + f"word{rng.randint(0, 9)}{gap}" * rng.choice(
        [1, 5, 50, 500, 5000]
    )


def words(texts: tuple[str, ...]) -> tuple[int, ...]:
    """The word counts the project must store beside ``texts``: whitespace-separated words."""
    return tuple(len(text.split()) for text in texts)


def plan(step: int, count: int) -> tuple[Any, ...]:
    """The edit for ``step`` when the project holds ``count`` examples."""
    rng = random.Random(step * 7919 + 17)
    roll = rng.random()
    if count == 0 or (roll < 0.35 and count < MAX_EXAMPLES):
        index = rng.randint(0, count) if rng.random() < 0.5 else None
        texts = tuple(_text(rng, step) for _ in ROLES)
        return ("add", index, texts)
    if roll < 0.55:
        return ("content", rng.randrange(count), rng.randrange(len(ROLES)), _text(rng, step))
    if roll < 0.62:
        return ("note", rng.randrange(count), f"note {step}")
    if roll < 0.77:
        return ("move", rng.randrange(count), rng.randrange(count))
    if roll < 0.88:
        return ("delete", tuple(sorted(rng.sample(range(count), rng.randint(1, min(3, count))))))
    target = rng.choice([None, rng.randint(100, 5000)])
    return ("settings", {"title": f"Title {step}", "target_words": target})


@dataclass
class Model:
    """What the project should hold: examples as (id, contents, word counts, note), plus two
    settings."""

    examples: list[tuple[int, tuple[str, ...], tuple[int, ...], str]] = field(default_factory=list)
    next_id: int = 1  # AUTOINCREMENT: ids are never reused, and a rollback undoes the counter
    settings: dict[str, Any] = field(default_factory=lambda: {"title": "", "target_words": None})

    def copy(self) -> Model:
        return Model(list(self.examples), self.next_id, dict(self.settings))


def replay(model: Model, step: int) -> Model:
    """``model`` after ``step``, as a new Model."""
    result = model.copy()
    items = result.examples
    op = plan(step, len(items))
    kind = op[0]
    if kind == "add":
        _, index, texts = op
        items.insert(
            len(items) if index is None else index, (result.next_id, texts, words(texts), "")
        )
        result.next_id += 1
    elif kind == "content":
        _, position, message, text = op
        example_id, texts, _, note = items[position]
        texts = (*texts[:message], text, *texts[message + 1 :])
        items[position] = (example_id, texts, words(texts), note)
    elif kind == "note":
        _, position, note = op
        items[position] = (*items[position][:3], note)
    elif kind == "move":
        _, position, new_index = op
        items.insert(new_index, items.pop(position))
    elif kind == "delete":
        for position in reversed(op[1]):
            del items[position]
    else:
        result.settings.update(op[1])
    return result


def apply(project: Any, step: int) -> None:
    """Make ``step``'s edit through the real Project API."""
    from fineauthor.core.dataset.example import Example, Message

    ids = project.example_ids()
    op = plan(step, len(ids))
    kind = op[0]
    if kind == "add":
        _, index, texts = op
        messages = tuple(Message(role, text) for role, text in zip(ROLES, texts, strict=True))
        project.add_example(Example(messages), index=index)
    elif kind == "content":
        _, position, message, text = op
        project.set_message_content(ids[position], message, text)
    elif kind == "note":
        _, position, note = op
        project.set_note(ids[position], note)
    elif kind == "move":
        _, position, new_index = op
        project.move_example(ids[position], new_index)
    elif kind == "delete":
        project.delete_examples([ids[position] for position in op[1]])
    else:
        project.update_settings(**op[1])


def main(argv: list[str]) -> int:
    from fineauthor.core.project.project import Project

    path, first = Path(argv[1]), int(argv[2])
    with Project.open(path) as project:
        print("ready", flush=True)
        # Runs until killed; the bound only stops a forgotten process eventually.
        for step in range(first, first + 100_000):
            apply(project, step)
            print(step, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
