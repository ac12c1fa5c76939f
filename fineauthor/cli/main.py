"""The command line: ``fineauthor [PROJECT]`` opens the app; subcommands work without it.

The contract (commands, JSON shapes, exit statuses) is DESIGN §6. Each command group lives in a
module of its own; this one builds the parser, sends each command to its module, and turns
whatever goes wrong into one plain sentence on stderr (exit_codes), never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from fineauthor import APP_NAME, __version__
from fineauthor.cli.exit_codes import INTERRUPTED, OK, UNUSABLE, fail
from fineauthor.cli.parsing import Parser
from fineauthor.core.errors import FineAuthorError

# Each command and the line that sums it up in ``fineauthor --help``.
_SUMMARIES = {
    "check": "check a training file or a project against a service's rules",
    "export": "write a project's examples (or choices) as a training file",
    "import": "bring examples, a manuscript or a spreadsheet into a project",
    "key": "keep a service's API key in your system keychain",
    "train": "send a project to a service and start training",
    "jobs": "list the training jobs you have started",
    "watch": "follow a training job until it finishes",
    "prompts": "write the missing prompts for a project's scenes",
}
COMMANDS = tuple(_SUMMARIES)

log = logging.getLogger("fineauthor.cli")


def _command_parser() -> argparse.ArgumentParser:
    # The command modules load only for a command: opening the app never waits for them.
    from fineauthor.cli.check import add_check_command
    from fineauthor.cli.import_export import add_import_export_commands
    from fineauthor.cli.keys import add_key_command
    from fineauthor.cli.prompts import add_prompts_command
    from fineauthor.cli.training import add_training_commands

    parser = Parser(prog="fineauthor", description=f"{APP_NAME} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    add_check_command(commands)
    add_import_export_commands(commands)
    add_key_command(commands)
    add_training_commands(commands)
    add_prompts_command(commands)
    return parser


def _app_parser() -> argparse.ArgumentParser:
    width = max(map(len, COMMANDS))
    listing = "\n".join(f"  {name:<{width}}  {line}" for name, line in _SUMMARIES.items())
    parser = Parser(
        prog="fineauthor",
        description=f"{APP_NAME} {__version__}: teach an AI model to write in your voice.",
        # Raw, so the command list keeps one command a line at any terminal width.
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"commands (see “fineauthor COMMAND --help”):\n{listing}",
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
            return options.run(options)  # each command module sets its run function
        options = _parse(_app_parser(), args)
        from fineauthor.ui.shell.app import run_app

        return run_app(options.project, exit_when_ready=options.exit_when_ready)
    except _Finished as finished:
        return finished.status
    except FineAuthorError as problem:
        return fail(str(problem), UNUSABLE)
    except KeyboardInterrupt:
        return fail("Stopped.", INTERRUPTED)
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


def _os_message(problem: OSError) -> str:
    where = f" “{problem.filename}”" if problem.filename else ""
    return f"Could not use{where}: {problem.strerror or problem}."
