"""Whether a dataset holds enough examples (and not too many) for the service that will train
on it, and the advice when it holds few."""

from __future__ import annotations

from fineauthor.core.dataset.problems import Problem, error, warning
from fineauthor.core.dataset.service_rules import ServiceRules

GOOD_EXAMPLES = 50  # where the effect usually starts to show


def count_problem(count: int, rules: ServiceRules) -> Problem | None:
    """The one finding about how many examples there are, or None when the number is good."""
    there = _there_are(count)
    if count < rules.min_examples:
        return error(
            "too_few_examples",
            f"{there}; {rules.name} needs at least {examples(rules.min_examples)} to train, "
            f"and {GOOD_EXAMPLES} to 100 usually show a clear effect.",
        )
    if rules.max_examples is not None and count > rules.max_examples:
        return error(
            "too_many_examples",
            f"{there}; {rules.name} takes at most {examples(rules.max_examples)} in one file. "
            "Leave some out, or train in parts.",
        )
    if count < GOOD_EXAMPLES:
        return warning(
            "few_examples",
            f"{there}. That is enough to train, but {GOOD_EXAMPLES} to 100 usually show a much "
            "clearer effect.",
        )
    return None


def examples(count: int) -> str:
    """'1 example', '3 examples', '3,000,000 examples'."""
    return f"{count:,} example" + ("" if count == 1 else "s")


def _there_are(count: int) -> str:
    if count == 0:
        return "There are no examples"
    return f"There {'is' if count == 1 else 'are'} {examples(count)}"
