"""What every command's arguments share: a parser whose usage mistakes are one line and exit
status 2, and the whole-number argument type."""

from __future__ import annotations

import argparse

from fineauthor.cli.exit_codes import UNUSABLE


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(UNUSABLE, f"{self.prog}: {message} (see “{self.prog} --help”)\n")


def positive(text: str) -> int:
    """A whole number above 0, for ``--epochs`` and ``--target-words``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("it must be more than 0")
    return value
