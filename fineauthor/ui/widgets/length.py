"""How a response's length compares with the writer's target, in words and in plain English."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

NO_TARGET, SHORT, ON_TARGET, LONG = "none", "short", "on", "long"


def length_status(words: int, target: int | None, tolerance: int | None) -> str:
    if not target:
        return NO_TARGET
    band = tolerance or 0
    if words < target - band:
        return SHORT
    if words > target + band:
        return LONG
    return ON_TARGET


def length_verdict(words: int, target: int | None, tolerance: int | None) -> str:
    """e.g. “1,850 of 2,000 words — on target”, “900 of 2,000 words — 1,100 short”."""
    locale = QLocale()
    count = locale.toString(words)
    tr = QCoreApplication.translate
    if not target:
        return tr("length", "%1 words").replace("%1", count)
    status = length_status(words, target, tolerance)
    aim = locale.toString(target)
    if status == ON_TARGET:
        text = tr("length", "%1 of %2 words — on target")
    elif status == SHORT:
        text = tr("length", "%1 of %2 words — %3 short").replace(
            "%3", locale.toString(target - words)
        )
    else:
        text = tr("length", "%1 of %2 words — %3 over").replace(
            "%3", locale.toString(words - target)
        )
    return text.replace("%1", count).replace("%2", aim)
