"""The ``check`` command: a training file or a project judged for a model, by the rules of the
service that trains it, with token totals and the estimated cost, as readable lines or one JSON
object."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fineauthor.cli.exit_codes import OK, PROBLEMS
from fineauthor.cli.parsing import positive

if TYPE_CHECKING:
    from fineauthor.core.catalog import Catalog

_SQLITE_HEADER = b"SQLite format 3\x00"

#: Where ``check`` reads the day (tests set a fixed one).
clock: Callable[[], date] = date.today


def add_check_command(commands: argparse._SubParsersAction) -> None:
    """Register ``check`` on the command parser."""
    check = commands.add_parser(
        "check",
        help="check a training file or project for problems and estimate the cost",
        description="Check a JSONL training file or a FineAuthor project: problems that stop "
        "training, advice, token totals and the estimated cost.",
    )
    check.set_defaults(run=run_check)
    check.add_argument("file", type=Path, metavar="FILE", help="a .jsonl file or a project")
    check.add_argument(
        "--model", metavar="M", help="model to check against (its service's rules, limits, price)"
    )
    check.add_argument(
        "--target-words", type=positive, metavar="N", help="the response length you want"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")


def run_check(options: argparse.Namespace) -> int:
    """``fineauthor check FILE [--model M] [--target-words N] [--json]``."""
    from fineauthor.core.catalog import load_catalog
    from fineauthor.core.dataset.checks import (
        CheckSettings,
        check_file,
        check_items,
        example_items,
        project_check_settings,
    )

    catalog = load_catalog()
    fallback, why = _model_when_none_given(catalog)
    path: Path = options.file
    if path.is_file() and _is_project(path):
        from fineauthor.core.project.project import Project

        with Project.open(path) as project:
            chosen = project.settings
            given = options.model or chosen.base_model
            model = catalog.model(given or fallback)
            settings = project_check_settings(chosen, model)
            if options.target_words:
                settings = replace(
                    settings,
                    target_words=options.target_words,
                    tolerance_words=_tolerance(options.target_words),
                )
            items = example_items(project.examples(), settings.rules)
            report = check_items(items, settings, cache=project)
    else:
        given = options.model
        model = catalog.model(given or fallback)
        target = options.target_words
        settings = CheckSettings(
            model=model, target_words=target, tolerance_words=_tolerance(target)
        )
        report = check_file(path, settings)

    if options.json:
        print(json.dumps(report.to_json(str(path)), ensure_ascii=False))
    else:
        from fineauthor.cli.check_report import print_report

        if why and not given:
            print(why)
        print_report(report, path, catalog.as_of)
    return PROBLEMS if report.errors else OK


def _model_when_none_given(catalog: Catalog) -> tuple[str, str]:
    """The model to judge by when none is given, and a sentence when it is not the usual one:
    the catalog's check model while its service still trains, otherwise the model offered
    first to a new writer (a file is judged by the rules of the service that will train it)."""
    usual = catalog.model(catalog.default_check_model)
    service = catalog.provider(usual.provider)
    if service.takes_new_jobs(clock()):
        return usual.id, ""
    instead = catalog.model(catalog.default_model)
    assert service.new_jobs_end is not None  # takes_new_jobs is only false with a date
    day = service.new_jobs_end
    return instead.id, (
        f"No model was given, and {service.name} takes no new training since "
        f"{day.day} {day:%B %Y}, so this is checked for {instead.name} at "
        f"{catalog.provider(instead.provider).name}. Choose another with --model."
    )


def _tolerance(target: int | None) -> int | None:
    from fineauthor.core.dataset.checks import default_tolerance

    return None if target is None else default_tolerance(target)


def _is_project(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False
