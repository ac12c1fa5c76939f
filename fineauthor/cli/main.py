"""The command line: ``fineauthor [PROJECT]`` opens the app; subcommands work without it.

The contract (commands, JSON shapes, exit statuses) is DESIGN §6. Every failure is one plain
sentence on stderr, never a traceback: 0 means no problems, 1 problems found in the input,
2 the input or the arguments could not be used at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fineauthor import APP_NAME, __version__
from fineauthor.core.errors import FineAuthorError

OK, PROBLEMS, UNUSABLE = 0, 1, 2
COMMANDS = ("check", "export", "import", "key", "train", "jobs", "watch")
_SQLITE_HEADER = b"SQLite format 3\x00"

log = logging.getLogger("fineauthor.cli.main")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(UNUSABLE, f"{self.prog}: {message} (see “{self.prog} --help”)\n")


def _command_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fineauthor", description=f"{APP_NAME} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser(
        "check",
        help="check a training file or project for problems and estimate the cost",
        description="Check a JSONL training file or a FineAuthor project: problems that stop "
        "training, advice, token totals and the estimated cost.",
    )
    check.add_argument("file", type=Path, metavar="FILE", help="a .jsonl file or a project")
    check.add_argument("--model", metavar="M", help="model to check against (its limits, price)")
    check.add_argument(
        "--target-words", type=_positive, metavar="N", help="the response length you want"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")

    export = commands.add_parser("export", help="write a project's examples as a JSONL file")
    export.add_argument("project", type=Path, metavar="PROJECT")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")

    importer = commands.add_parser(
        "import",
        help="bring examples from a JSONL file or a ChatGPT export into a project",
        description="Bring examples into a project (created if new): from a JSONL training "
        "file, or from your ChatGPT data export (the .zip ChatGPT emails you, or the "
        "conversations.json inside it), one example per conversation, following the version "
        "of each conversation you last saw.",
    )
    importer.add_argument(
        "file", type=Path, metavar="FILE", help="a .jsonl file, or EXPORT.zip | conversations.json"
    )
    importer.add_argument("-o", "--output", type=Path, required=True, metavar="PROJECT")
    importer.add_argument(
        "--fold-follow-ups",
        action="store_true",
        help="ChatGPT exports: put your follow-up requests (“make it longer”) into the first "
        "prompt and keep only ChatGPT’s last answer, so the model learns to give it first time",
    )

    from fineauthor.cli.keys import add_key_command
    from fineauthor.cli.training import add_training_commands

    add_key_command(commands, _Parser)
    add_training_commands(commands, _positive)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("it must be more than 0")
    return value


def _app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fineauthor",
        description=f"{APP_NAME} {__version__}: teach an AI model to write in your voice. "
        f"Commands: {', '.join(COMMANDS)} (see “fineauthor COMMAND --help”).",
    )
    parser.add_argument("project", nargs="?", type=Path, metavar="PROJECT")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="start, show the main window, then quit (for start-up checks)",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911  (one exit per kind of failure)
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            options = _parse(_command_parser(), args)
            return _COMMAND_FUNCTIONS[options.command](options)
        options = _parse(_app_parser(), args)
        from fineauthor.ui.shell.app import run_app

        return run_app(options.project, exit_when_ready=options.exit_when_ready)
    except _Finished as finished:
        return finished.status
    except FineAuthorError as problem:
        return fail(str(problem), UNUSABLE)
    except KeyboardInterrupt:
        return fail("Stopped.", 130)
    except BrokenPipeError:
        return OK  # the reader of our output went away (e.g. “| head”): nothing to report
    except OSError as problem:
        return fail(_os_message(problem), UNUSABLE)
    except Exception as problem:  # the promise is: never a traceback on the command line
        log.exception("unexpected error")
        return fail(
            f"Something unexpected went wrong ({problem.__class__.__name__}). "
            "Please report it to the FineAuthor team.",
            UNUSABLE,
        )


class _Finished(Exception):  # noqa: N818
    """argparse has answered by itself (--help, --version or a usage mistake)."""

    def __init__(self, status: int) -> None:
        self.status = status


def _parse(parser: argparse.ArgumentParser, args: list[str]) -> argparse.Namespace:
    try:
        return parser.parse_args(args)
    except SystemExit as stop:  # argparse exits; main() returns a status instead
        raise _Finished(stop.code if isinstance(stop.code, int) else UNUSABLE) from None


def fail(message: str, status: int) -> int:
    """Say what went wrong in one line on stderr; returns ``status``."""
    print(f"fineauthor: {message}", file=sys.stderr)
    return status


def _os_message(problem: OSError) -> str:
    where = f" “{problem.filename}”" if problem.filename else ""
    return f"Could not use{where}: {problem.strerror or problem}."


def _is_project(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


# --- check -------------------------------------------------------------------------------


def _run_check(options: argparse.Namespace) -> int:
    from fineauthor.core.catalog import load_catalog
    from fineauthor.core.dataset.checks import (
        CheckSettings,
        check_file,
        check_items,
        example_items,
        project_check_settings,
    )

    catalog = load_catalog()
    path: Path = options.file
    if path.is_file() and _is_project(path):
        from fineauthor.core.project.project import Project

        with Project.open(path) as project:
            chosen = project.settings
            model = catalog.model(options.model or chosen.base_model or catalog.default_check_model)
            settings = project_check_settings(chosen, model)
            if options.target_words:
                settings = replace(
                    settings,
                    target_words=options.target_words,
                    tolerance_words=_tolerance(options.target_words),
                )
            report = check_items(example_items(project.examples()), settings, cache=project)
    else:
        model = catalog.model(options.model or catalog.default_check_model)
        target = options.target_words
        settings = CheckSettings(
            model=model, target_words=target, tolerance_words=_tolerance(target)
        )
        report = check_file(path, settings)

    if options.json:
        print(json.dumps(report.to_json(str(path)), ensure_ascii=False))
    else:
        from fineauthor.cli.check_report import print_report

        print_report(report, path, catalog.as_of)
    return PROBLEMS if report.errors else OK


def _tolerance(target: int | None) -> int | None:
    from fineauthor.core.dataset.checks import default_tolerance

    return None if target is None else default_tolerance(target)


# --- import and export ---------------------------------------------------------------------


def _run_import(options: argparse.Namespace) -> int:
    from fineauthor.core.importers.chatgpt import is_chatgpt_export
    from fineauthor.core.importers.training_file import import_jsonl

    if is_chatgpt_export(options.file):
        return _run_chatgpt_import(options)
    if options.fold_follow_ups:
        return fail(
            "--fold-follow-ups works with a ChatGPT export only (the .zip ChatGPT emails you, "
            "or the conversations.json inside it).",
            UNUSABLE,
        )

    summary = import_jsonl(options.file, options.output)
    for problem in summary.skipped:
        print(f"Skipped: {problem.message}", file=sys.stderr)
    for note in summary.notes:
        print(note, file=sys.stderr)
    print(summary.headline)
    return PROBLEMS if summary.skipped else OK


#: Conversations named one by one on the command line; beyond this, how many more.
_LISTED_CONVERSATIONS = 20


def _run_chatgpt_import(options: argparse.Namespace) -> int:
    from fineauthor.core.importers.chatgpt import Unusable, import_export

    result = import_export(options.file, options.output, fold_follow_ups=options.fold_follow_ups)
    for item in result.damaged:
        print(f"Skipped: {item.message}", file=sys.stderr)
    unused = [item for item in result.export.left_out if item.reason is not Unusable.DAMAGED]
    if unused:
        print("These conversations were left out:", file=sys.stderr)
        for item in unused[:_LISTED_CONVERSATIONS]:
            print(f"  {item.message}", file=sys.stderr)
        if len(unused) > _LISTED_CONVERSATIONS:
            print(f"  …and {len(unused) - _LISTED_CONVERSATIONS:,} more.", file=sys.stderr)
    if result.export.skipped:
        print(
            "Left out of the conversations, as they aren’t your prompts or ChatGPT’s answers: "
            f"{result.export.skipped_text()}.",
            file=sys.stderr,
        )
    branched = result.export.with_other_versions
    if branched:
        which = "1 conversation" if branched == 1 else f"{branched:,} conversations"
        print(
            f"{which} had other versions of a prompt or an answer (from Edit or Regenerate); "
            "the version you last saw was used.",
            file=sys.stderr,
        )
    print(result.headline)
    return PROBLEMS if result.damaged else OK


def _run_export(options: argparse.Namespace) -> int:
    from fineauthor.core.dataset.jsonl import write_jsonl
    from fineauthor.core.project.project import Project

    with Project.open(options.project) as project:
        count = write_jsonl(project.examples(), options.output)
    print(f"Wrote {count:,} examples to {options.output}.")
    return OK


def _run_key(options: argparse.Namespace) -> int:
    from fineauthor.cli.keys import run_key

    return run_key(options)


def _run_training(options: argparse.Namespace) -> int:
    from fineauthor.cli import training as cli_training

    command = {"train": cli_training.run_train, "jobs": cli_training.run_jobs}.get(
        options.command, cli_training.run_watch
    )
    return command(options)


_COMMAND_FUNCTIONS = {
    "check": _run_check,
    "import": _run_import,
    "export": _run_export,
    "key": _run_key,
    "train": _run_training,
    "jobs": _run_training,
    "watch": _run_training,
}
