"""What a ChatGPT export held that will not become examples, in the writer's words: the
conversations that can't be used and why, and the kinds of message left out of those that can.
Plain functions, so the words can be tested without a window; every string goes through Qt's
translation.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from fineauthor.core.importers.chatgpt.conversation import ExportSummary, Skipped, Unusable


def _tr(text: str) -> str:
    # The import dialog's context: these were its words before they had a module of their own.
    return QCoreApplication.translate("ChatGPTImportDialog", text)


def left_out_text(summary: ExportSummary) -> str:
    """One paragraph on what the export held that is not listed, or left out of what is."""
    sentences = []
    counts: dict[Unusable, int] = {}
    for item in summary.left_out:
        counts[item.reason] = counts.get(item.reason, 0) + 1
    if counts:
        total = len(summary.left_out)
        lead = (
            _tr("Not listed: 1 conversation that can’t become an example")
            if total == 1
            else _tr("Not listed: {count} conversations that can’t become examples").format(
                count=f"{total:,}"
            )
        )
        why = "; ".join(_unusable_text(reason, n) for reason, n in counts.items())
        sentences.append(f"{lead} ({why}).")
    if summary.skipped:
        sentences.append(
            _tr("Left out of the listed ones: {what}.").format(what=skipped_text(summary.skipped))
        )
    if summary.with_other_versions:
        sentences.append(
            _tr(
                "Where you regenerated an answer or edited a prompt, only the version you "
                "last saw is used."
            )
        )
    return " ".join(sentences)


def _unusable_text(reason: Unusable, count: int) -> str:
    one = count == 1
    if reason is Unusable.EMPTY:
        text = _tr("1 has no written messages") if one else _tr("{count} have no written messages")
    elif reason is Unusable.NO_ANSWER:
        text = (
            _tr("1 has no written answer from ChatGPT")
            if one
            else _tr("{count} have no written answer from ChatGPT")
        )
    elif reason is Unusable.NO_PROMPT:
        text = _tr("1 has no prompt of yours") if one else _tr("{count} have no prompt of yours")
    else:
        text = _tr("1 is damaged") if one else _tr("{count} are damaged")
    return text.format(count=f"{count:,}")


def skipped_text(skipped: Mapping[Skipped, int]) -> str:
    """The kinds of message left out, the most frequent first, each with its count."""
    labels = {
        Skipped.HIDDEN: _tr("hidden instructions ChatGPT was given"),
        Skipped.SETTINGS: _tr("your custom instructions and ChatGPT’s memory"),
        Skipped.TOOLS: _tr("web searches, code, picture making and their results"),
        Skipped.THINKING: _tr("ChatGPT’s thinking notes"),
        Skipped.PICTURES: _tr("pictures"),
        Skipped.ATTACHMENTS: _tr("attached files and audio"),
        Skipped.OTHER: _tr("other things that aren’t text"),
        Skipped.DAMAGED: _tr("damaged messages"),
    }
    ordered = sorted(skipped.items(), key=lambda item: -item[1])
    return ", ".join(f"{labels[reason]} ({count:,})" for reason, count in ordered)
