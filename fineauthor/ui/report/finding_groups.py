"""How the check report sorts its findings: the kinds they are grouped under, in display order,
a finding's first sentence apart from the explanation its group shares, and the status each
example gets in the example list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fineauthor.core.dataset.checks import CheckReport
from fineauthor.core.dataset.problems import Problem

PROBLEM, ADVICE = "problem", "advice"  # an example's status in the list, by its worst finding

FORMAT_CODES = frozenset(
    {
        "data_type",
        "missing_messages_list",
        "message_missing_key",
        "message_unrecognized_key",
        "unrecognized_role",
        "missing_content",
        "empty_content",
        "invalid_text",
        "invalid_weight",
        "example_missing_assistant_message",
        "unsupported_role",
        "invalid_json",
        "special_token_text",
    }
)


@dataclass(frozen=True)
class _Kind:
    key: str
    codes: frozenset[str]


# Display order: what blocks training first, then the advice most likely to matter.
_KINDS = (
    _Kind("format", FORMAT_CODES),
    _Kind("too_few", frozenset({"too_few_examples", "few_examples"})),
    _Kind("too_long", frozenset({"example_too_long"})),
    _Kind("length", frozenset({"off_target_length"})),
    _Kind("repeated", frozenset({"repeated_phrase"})),
    _Kind(
        "system",
        frozenset({"missing_system_prompt", "different_system_prompt", "style_name_missing"}),
    ),
    _Kind("duplicates", frozenset({"duplicate_example"})),
)


def kind_of(problem: Problem) -> str:
    """The group a finding is shown under (``other`` for a code the panel does not know)."""
    for kind in _KINDS:
        if problem.code in kind.codes:
            return kind.key
    return "other"


def grouped(problems: list[Problem]) -> list[tuple[str, list[Problem]]]:
    """``problems`` by kind, in display order, without empty groups."""
    order = [k.key for k in _KINDS] + ["other"]
    groups: dict[str, list[Problem]] = {key: [] for key in order}
    for problem in problems:
        groups[kind_of(problem)].append(problem)
    return [(key, items) for key, items in groups.items() if items]


_SENTENCE_END = re.compile(r"(?<=[.!?)])\s+(?=[A-Z“\"])")


def split_message(message: str) -> tuple[str, str]:
    """The first sentence of a finding (what is wrong with this example) and the rest (why it
    matters and what to do), which is often the same for every finding of a kind."""
    parts = _SENTENCE_END.split(message, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (message, "")


def shared_explanation(problems: list[Problem]) -> str:
    """The explanation every finding of a group gives word for word, or "" if they differ."""
    rests = {split_message(p.message)[1] for p in problems}
    return rests.pop() if len(problems) > 1 and len(rests) == 1 else ""


def example_statuses(report: CheckReport, ids: tuple[int, ...]) -> dict[int, tuple[str, str]]:
    """Example id → ("problem" or "advice", the first message about it), problems first."""
    statuses: dict[int, tuple[str, str]] = {}
    for status, problems in ((PROBLEM, report.errors), (ADVICE, report.warnings)):
        for problem in problems:
            for position in positions_of(problem):
                if 1 <= position <= len(ids):
                    statuses.setdefault(ids[position - 1], (status, problem.message))
    return statuses


def positions_of(problem: Problem) -> tuple[int, ...]:
    """Every example position a finding is about."""
    if problem.examples:
        return problem.examples
    return () if problem.line is None else (problem.line,)
