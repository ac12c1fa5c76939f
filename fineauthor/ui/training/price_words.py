"""Prices and the catalog's dates in a writer's words, for the Train dialog and the Jobs view:
"$0.62", "less than $0.01", "28 November 2026"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QApplication


def money(usd: float) -> str:
    """ "$0.62", "$12.40", "less than $0.01"."""
    if 0 < usd < 0.005:
        return QApplication.translate("TrainDialog", "less than $0.01")
    return "$" + QLocale(QLocale.Language.English).toString(usd, "f", 2)


def day_text(day: date | None) -> str:
    """ "28 November 2026" (the catalog's dates, without a weekday)."""
    if day is None:
        return ""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")
