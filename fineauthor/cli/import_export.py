"""The ``import`` and ``export`` commands: examples into a project from a training file or a
ChatGPT export, and a project's examples out as a training file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fineauthor.cli.exit_codes import OK, PROBLEMS, UNUSABLE, fail


def add_import_export_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``export`` and ``import`` on the command parser."""
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


def run_import(options: argparse.Namespace) -> int:
    """``fineauthor import FILE -o PROJECT [--fold-follow-ups]``."""
    from fineauthor.core.importers.chatgpt.export import is_chatgpt_export
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
    from fineauthor.core.importers.chatgpt.conversation import Unusable
    from fineauthor.core.importers.chatgpt.project_import import import_export

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


def run_export(options: argparse.Namespace) -> int:
    """``fineauthor export PROJECT -o FILE.jsonl``."""
    from fineauthor.core.dataset.jsonl import write_jsonl
    from fineauthor.core.project.project import Project

    with Project.open(options.project) as project:
        count = write_jsonl(project.examples(), options.output)
    print(f"Wrote {count:,} examples to {options.output}.")
    return OK
