"""The command line's exit statuses, and how a failure is said (DESIGN §6).

0 means no problems, 1 problems found in the input, 2 the input or the arguments could not be
used at all; 130 is a stop by Ctrl+C, as shells expect.
"""

from __future__ import annotations

import sys

OK, PROBLEMS, UNUSABLE = 0, 1, 2
INTERRUPTED = 130


def fail(message: str, status: int) -> int:
    """Say what went wrong in one line on stderr; returns ``status``."""
    print(f"fineauthor: {message}", file=sys.stderr)
    return status
