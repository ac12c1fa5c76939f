"""The readable report of ``fineauthor check`` (without --json)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from fineauthor.core.dataset.checks import CheckReport
from fineauthor.core.dataset.example_count import examples
from fineauthor.core.dataset.problems import Problem

_SHOWN_PER_KIND = 10  # beyond this, a kind of problem is summarised in one line


def print_report(report: CheckReport, path: Path, catalog_date: object) -> None:
    model = report.model
    exact = "" if model.encoding_exact else " (an estimate: this model's own tokenizer differs)"
    print(
        f"Checked “{path.name}”: {examples(report.examples)}, for {model.name}, "
        f"by {report.rules.name}’s rules."
    )
    print(f"Tokens (the word pieces a model reads) counted with {report.encoding}{exact}.")
    _print_group("Problems that stop training", report.errors)
    _print_group("Advice", report.warnings)
    if not report.errors and not report.warnings:
        print("\nNo problems found.")
    limit = model.example_token_limit
    print(
        f"\nTokens: {report.total_tokens:,} in all; the longest example has "
        f"{report.max_example_tokens:,}" + (f" (the limit is {limit:,})." if limit else ".")
    )
    estimate = report.estimate
    cost = (
        f"about ${estimate.cost_usd:,.2f} at the price listed on {model.price_as_of}"
        if estimate.cost_usd is not None
        else "the price for this model is not known"
    )
    print(
        f"Estimate: {estimate.epochs} passes over the examples (epochs), "
        f"{estimate.billed_tokens:,} billed tokens; {cost}. Catalog dated {catalog_date}."
    )


def _print_group(title: str, problems: list[Problem]) -> None:
    if not problems:
        return
    print(f"\n{title} ({len(problems):,}):")
    by_kind: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_kind[problem.code].append(problem)
    for kind in by_kind.values():
        for problem in kind[:_SHOWN_PER_KIND]:
            print(f"  • {problem.message}")
        hidden = len(kind) - _SHOWN_PER_KIND
        if hidden > 0:
            print(f"  • … and {hidden:,} more like this (use --json to see them all).")
