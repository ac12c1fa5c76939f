"""The command line: ``fineauthor [PROJECT]`` opens the app; subcommands work without it.

The contract (commands, JSON shapes, exit statuses) is DESIGN §6. Every failure is one plain
sentence on stderr, never a traceback: 0 means no problems, 1 problems found in the input,
2 the input or the arguments could not be used at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from fineauthor import APP_NAME, __version__
from fineauthor.core.errors import FineAuthorError

if TYPE_CHECKING:
    from fineauthor.core.catalog import ProviderInfo

OK, PROBLEMS, UNUSABLE = 0, 1, 2
COMMANDS = ("check", "export", "import", "key")
_SQLITE_HEADER = b"SQLite format 3\x00"

log = logging.getLogger("fineauthor.cli")


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
        "import", help="bring examples from a JSONL file into a project (created if new)"
    )
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument("-o", "--output", type=Path, required=True, metavar="PROJECT")

    key = commands.add_parser(
        "key",
        help="keep, show or remove the API key for a training service",
        description="Keep the API key for a training service in your system keychain, see "
        "whether one is set and where, or remove it. An environment variable such as "
        "OPENAI_API_KEY overrides the kept key.",
    )
    key_actions = key.add_subparsers(dest="action", required=True, parser_class=_Parser)
    for action, text in (
        ("set", "read a key from standard input (not shown) and keep it in the system keychain"),
        ("status", "say whether a key is set and where (exit 0 when set, 1 when not)"),
        ("delete", "remove the key kept in the system keychain"),
    ):
        action_parser = key_actions.add_parser(
            action, help=text, description=text[0].upper() + text[1:] + "."
        )
        action_parser.add_argument(
            "--provider", required=True, metavar="P", help="the service: openai, together, …"
        )
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
        from fineauthor.ui.app import run_app

        return run_app(options.project, exit_when_ready=options.exit_when_ready)
    except _Finished as finished:
        return finished.status
    except FineAuthorError as problem:
        return _fail(str(problem), UNUSABLE)
    except KeyboardInterrupt:
        return _fail("Stopped.", 130)
    except BrokenPipeError:
        return OK  # the reader of our output went away (e.g. “| head”): nothing to report
    except OSError as problem:
        return _fail(_os_message(problem), UNUSABLE)
    except Exception as problem:  # the promise is: never a traceback on the command line
        log.exception("unexpected error")
        return _fail(
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


def _fail(message: str, status: int) -> int:
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
    from fineauthor.core.checks import (
        CheckSettings,
        check_file,
        check_items,
        example_items,
        project_check_settings,
    )

    catalog = load_catalog()
    path: Path = options.file
    if path.is_file() and _is_project(path):
        from fineauthor.core.project import Project

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
        from fineauthor.cli_report import print_report

        print_report(report, path, catalog.as_of)
    return PROBLEMS if report.errors else OK


def _tolerance(target: int | None) -> int | None:
    from fineauthor.core.checks import default_tolerance

    return None if target is None else default_tolerance(target)


# --- import and export ---------------------------------------------------------------------


def _run_import(options: argparse.Namespace) -> int:
    from fineauthor.core.importing import import_jsonl

    summary = import_jsonl(options.file, options.output)
    for problem in summary.skipped:
        print(f"Skipped: {problem.message}", file=sys.stderr)
    for note in summary.notes:
        print(note, file=sys.stderr)
    print(summary.headline)
    return PROBLEMS if summary.skipped else OK


def _run_export(options: argparse.Namespace) -> int:
    from fineauthor.core.jsonl import write_jsonl
    from fineauthor.core.project import Project

    with Project.open(options.project) as project:
        count = write_jsonl(project.examples(), options.output)
    print(f"Wrote {count:,} examples to {options.output}.")
    return OK


# --- key ---------------------------------------------------------------------------------


def _run_key(options: argparse.Namespace) -> int:
    from fineauthor.core.catalog import load_catalog
    from fineauthor.providers.keys import KeychainError

    info = load_catalog().provider(options.provider)  # unknown: exit 2, naming the known ones
    action = {"set": _key_set, "status": _key_status, "delete": _key_delete}[options.action]
    try:
        return action(info)
    except KeychainError as problem:
        return _fail(str(problem), PROBLEMS)


def _no_keychain(why: str, info: ProviderInfo) -> int:
    return _fail(
        f"{why} The command line cannot keep a key for this session only, because each "
        f"command runs on its own: set the environment variable {info.api_key_env} instead.",
        PROBLEMS,
    )


def _overridden(info: ProviderInfo) -> bool:
    return bool(os.environ.get(info.api_key_env, "").strip())


def _key_set(info: ProviderInfo) -> int:
    from fineauthor.providers import keys

    usable, why = keys.keychain_status()
    if not usable:
        return _no_keychain(why, info)
    stored = keys.save_key(info.id, _read_key(info))
    print(f"Saved your {info.name} key ({stored.masked}) in the system keychain.")
    if _overridden(info):
        print(
            f"Note: {info.api_key_env} is set in your environment; FineAuthor uses that key "
            "instead while it is set.",
            file=sys.stderr,
        )
    return OK


def _read_key(info: ProviderInfo) -> str:
    """The key, typed or pasted without echo at a terminal, else the first line of stdin."""
    text = ""
    if sys.stdin is not None:
        if sys.stdin.isatty():
            import getpass

            try:
                text = getpass.getpass(f"Paste your {info.name} API key (it is not shown): ")
            except EOFError:
                text = ""
        else:
            text = sys.stdin.readline()
    if not text.strip():
        raise FineAuthorError(
            f"No key was given. Paste it when asked, or pipe it in: "
            f"… | fineauthor key set --provider {info.id}"
        )
    return text


def _key_status(info: ProviderInfo) -> int:
    from fineauthor.providers import keys

    stored = keys.key_for(info.id)
    usable, why = keys.keychain_status()
    if stored is None:
        print(f"{info.name}: not set")
        if not usable:
            print(f"Note: {why}", file=sys.stderr)
        return PROBLEMS
    if stored.source == keys.ENVIRONMENT:
        print(f"{info.name}: set, from environment ({info.api_key_env}): {stored.masked}")
        kept = keys.keychain_key(info.id) if usable else None
        if kept:
            print(
                f"Note: the {info.name} key in the system keychain ({keys.masked(kept)}) is "
                f"not used while {info.api_key_env} is set.",
                file=sys.stderr,
            )
    else:
        print(f"{info.name}: set, in the system keychain: {stored.masked}")
    return OK


def _key_delete(info: ProviderInfo) -> int:
    from fineauthor.providers import keys

    usable, why = keys.keychain_status()
    if not usable:
        return _fail(f"{why} There is no kept {info.name} key to remove.", PROBLEMS)
    if keys.delete_key(info.id):
        print(f"Removed your {info.name} key from the system keychain.")
    else:
        print(f"There was no {info.name} key in the system keychain.")
    if _overridden(info):
        print(
            f"Note: {info.api_key_env} is still set in your environment; FineAuthor uses it "
            "until you remove it there.",
            file=sys.stderr,
        )
    return OK


_COMMAND_FUNCTIONS = {
    "check": _run_check,
    "import": _run_import,
    "export": _run_export,
    "key": _run_key,
}
