"""Project Gutenberg's own text around a book: the header before "*** START OF THE PROJECT
GUTENBERG EBOOK …" and, from "*** END OF …" on, the licence. Neither is the author's prose."""

from __future__ import annotations

import re

# Every edition since the 1990s marks the book with a START and an END line, in several
# spellings: "*** START OF THE PROJECT GUTENBERG EBOOK X ***", "*** START OF THIS PROJECT
# GUTENBERG EBOOK X ***", "***START OF THE PROJECT GUTENBERG E-BOOK X***".
_START = re.compile(
    r"^[ \t]*\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
_END = re.compile(
    r"^[ \t]*(?:\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b"
    r"|End of (?:the )?Project Gutenberg(?:'s|’s)? (?:E-?Book|Etext)?).*$",
    re.IGNORECASE | re.MULTILINE,
)
# The volunteers' credit just after the START line ("Produced by Daniel Lazarus and Jonesey").
_PRODUCED_BY = re.compile(r"\A\s*(?:Produced|Transcribed|E-text prepared) by\b[^\n]*(?:\n[^\n]+)*")

#: The note the writer reads when the header and licence were left out.
NOTE = "Project Gutenberg’s header and licence were left out: they are not the book’s text."


def without_gutenberg(text: str) -> tuple[str, bool]:
    """``text`` without Project Gutenberg's header and licence, and whether there were any.

    Only a file with a START line is touched: an "End of the Project Gutenberg EBook" line in
    a writer's own novel would be odd, but it is theirs.
    """
    start = _START.search(text)
    if start is None:
        return text, False
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = _START.search(text)
    assert start is not None  # the line ends changed, not the line
    body = text[start.end() :]
    end = _END.search(body)
    if end is not None:
        body = body[: end.start()]
    body = _PRODUCED_BY.sub("", body, count=1)
    return body, True
