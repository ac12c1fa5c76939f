"""The ``import`` and ``export`` commands: examples into a project from a training file, a
ChatGPT export, a manuscript (.txt, .md, .docx) or a spreadsheet (.csv), and a project's
examples out as a training file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fineauthor.cli.exit_codes import OK, PROBLEMS, UNUSABLE, fail
from fineauthor.core.importers.manuscript.pieces import LEVELS
from fineauthor.core.importers.manuscript.reading import SUFFIXES as MANUSCRIPT_SUFFIXES
from fineauthor.core.importers.spreadsheet import SUFFIXES as TABLE_SUFFIXES


def add_import_export_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``export`` and ``import`` on the command parser."""
    export = commands.add_parser(
        "export",
        help="write a project's examples (or its choices) as a JSONL file",
        description="Write a project's examples as a JSONL training file, or with "
        "--preferences its choices between two replies, one preference pair per line.",
    )
    export.set_defaults(run=run_export)
    export.add_argument("project", type=Path, metavar="PROJECT")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    export.add_argument(
        "--preferences",
        action="store_true",
        help="write the choices you made at the test bench (the prompt, the reply you "
        "preferred and the other one) instead of the examples",
    )

    importer = commands.add_parser(
        "import",
        help="bring examples into a project from a JSONL file, a ChatGPT export, a manuscript "
        "or a spreadsheet",
        description="Bring examples into a project (created if new): from a JSONL training "
        "file (a file of preference pairs becomes the project's choices); from your ChatGPT "
        "data export (the .zip ChatGPT emails you, or the "
        "conversations.json inside it), one example per conversation, following the version "
        "of each conversation you last saw; from a manuscript (.txt, .md, .docx), one example "
        "per chapter or scene, your prose as the response; or from a spreadsheet saved as "
        ".csv, one example per row.",
    )
    importer.set_defaults(run=run_import)
    importer.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="a .jsonl file, EXPORT.zip | conversations.json, a .txt | .md | .docx manuscript, "
        "or a .csv spreadsheet",
    )
    importer.add_argument("-o", "--output", type=Path, required=True, metavar="PROJECT")
    importer.add_argument(
        "--fold-follow-ups",
        action="store_true",
        help="ChatGPT exports: put your follow-up requests (“make it longer”) into the first "
        "prompt and keep only ChatGPT’s last answer, so the model learns to give it first time",
    )
    manuscripts = importer.add_argument_group("manuscripts (.txt, .md, .docx)")
    manuscripts.add_argument(
        "--split",
        choices=LEVELS,
        help="one example per chapter (a new one at every heading; the default) or per scene "
        "(also at every scene break: ***, #, a line drawn in Word)",
    )
    manuscripts.add_argument(
        "--template",
        metavar="T",
        help="the prompt of each example, with gaps filled from the piece: {chapter} or {title} "
        "(its title), {scene} (its number in the chapter), {number} (its place); without it, "
        "the project’s usual prompt from the setup questions, else empty prompts to write",
    )
    manuscripts.add_argument(
        "--plain-text",
        action="store_true",
        help="Word files: drop italics and bold (kept as *italics* and **bold** otherwise, "
        "the way Markdown writes them)",
    )
    spreadsheets = importer.add_argument_group("spreadsheets (.csv)")
    spreadsheets.add_argument(
        "--prompt-column",
        metavar="C",
        help="the column of your prompts: its name in the first row, its letter (A) or number "
        "(1); guessed from the names when left out",
    )
    spreadsheets.add_argument(
        "--response-column",
        metavar="C",
        help="the column of the writing the model should learn; guessed when left out",
    )


_MANUSCRIPT_OPTIONS = {"split": "--split", "template": "--template", "plain_text": "--plain-text"}
_TABLE_OPTIONS = {"prompt_column": "--prompt-column", "response_column": "--response-column"}


def run_import(options: argparse.Namespace) -> int:
    """``fineauthor import FILE -o PROJECT [--fold-follow-ups]``."""
    from fineauthor.core.importers.chatgpt.export import is_chatgpt_export
    from fineauthor.core.importers.training_file import import_jsonl

    kind = _file_kind(options.file)
    misplaced = _misplaced_option(options, kind)
    if misplaced:
        return fail(misplaced, UNUSABLE)
    if kind == "manuscript":
        return run_manuscript_import(options)
    if kind == "table":
        return run_spreadsheet_import(options)
    if is_chatgpt_export(options.file):
        return _run_chatgpt_import(options)
    if options.fold_follow_ups:
        return fail(
            "--fold-follow-ups works with a ChatGPT export only (the .zip ChatGPT emails you, "
            "or the conversations.json inside it).",
            UNUSABLE,
        )

    from fineauthor.core.importers.preference_file import import_preferences, is_preference_file

    if is_preference_file(options.file):
        summary = import_preferences(options.file, options.output)
    else:
        summary = import_jsonl(options.file, options.output)
    for problem in summary.skipped:
        print(f"Skipped: {problem.message}", file=sys.stderr)
    for note in summary.notes:
        print(note, file=sys.stderr)
    print(summary.headline)
    return PROBLEMS if summary.skipped else OK


def _file_kind(path: Path) -> str:
    """ "manuscript" or "table" by the file's ending; '' for the others (told apart by content)."""
    suffix = path.suffix.lower()
    if suffix in MANUSCRIPT_SUFFIXES:
        return "manuscript"
    return "table" if suffix in TABLE_SUFFIXES else ""


def _misplaced_option(options: argparse.Namespace, kind: str) -> str:
    """What is wrong when an option for one kind of file is given with another ('' if none)."""
    for name, flag in {**_MANUSCRIPT_OPTIONS, **_TABLE_OPTIONS}.items():
        if getattr(options, name) in (None, False):
            continue
        if name in _MANUSCRIPT_OPTIONS and kind != "manuscript":
            return f"{flag} works with manuscripts (.txt, .md, .docx) only."
        if name in _TABLE_OPTIONS and kind != "table":
            return f"{flag} works with spreadsheets saved as .csv only."
    if kind and options.fold_follow_ups:
        return "--fold-follow-ups works with a ChatGPT export only."
    return ""


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


#: Pieces named one by one when they are left out as too short.
_LISTED_PIECES = 10


def run_manuscript_import(options: argparse.Namespace) -> int:
    """``fineauthor import BOOK.txt|.md|.docx -o PROJECT [--split …] [--template T]
    [--plain-text]``: every note on reading the file and every piece left out, then what was
    added."""
    from fineauthor.core.importers.manuscript.pieces import CHAPTERS
    from fineauthor.core.importers.manuscript.project_import import import_manuscript

    result = import_manuscript(
        options.file,
        options.output,
        level=options.split or CHAPTERS,
        template=options.template,
        emphasis=not options.plain_text,
    )
    for note in result.manuscript.notes:
        print(note, file=sys.stderr)
    short = result.too_short
    if short:
        print(
            "Left out as too short to teach anything (a title line, a dedication…):",
            file=sys.stderr,
        )
        for piece in short[:_LISTED_PIECES]:
            words = "1 word" if piece.words == 1 else f"{piece.words:,} words"
            print(f"  “{piece.title}” ({words})", file=sys.stderr)
        if len(short) > _LISTED_PIECES:
            print(f"  …and {len(short) - _LISTED_PIECES:,} more.", file=sys.stderr)
    print(result.headline)
    return OK


def run_spreadsheet_import(options: argparse.Namespace) -> int:
    """``fineauthor import TABLE.csv -o PROJECT [--prompt-column C] [--response-column C]``:
    notes on reading it and the rows left out, then what was added; status 1 when a row had to
    be left out."""
    from fineauthor.core.importers.spreadsheet_import import import_spreadsheet

    result = import_spreadsheet(
        options.file,
        options.output,
        prompt_column=options.prompt_column,
        response_column=options.response_column,
    )
    for line in (*result.table.notes, result.left_out, result.without_prompts):
        if line:
            print(line, file=sys.stderr)
    print(result.headline)
    return PROBLEMS if result.result.skipped_rows else OK


def run_export(options: argparse.Namespace) -> int:
    """``fineauthor export PROJECT -o FILE.jsonl [--preferences]``."""
    from fineauthor.core.dataset.export import write_preferences
    from fineauthor.core.dataset.jsonl import write_jsonl
    from fineauthor.core.project.project import Project

    with Project.open(options.project) as project:
        if options.preferences:
            count = write_preferences(project.preferences.all(), options.output)
            noun = "choice" if count == 1 else "choices"
        else:
            count = write_jsonl(project.examples(), options.output)
            noun = "example" if count == 1 else "examples"
    print(f"Wrote {count:,} {noun} to {options.output}.")
    return OK
