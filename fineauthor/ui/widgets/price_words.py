"""Prices, the catalog's dates and what using a trained model costs, in a writer's words, for
the Train dialog, the Jobs view and the wizard: "$0.62", "about $0.62", "less than $0.01",
"28 November 2026",
"Straight away, pay per use"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QDateTime, QLocale
from PySide6.QtWidgets import QApplication

from fineauthor.core.service_terms import Serving


def _tr(text: str) -> str:
    return QApplication.translate("TrainDialog", text)


def money(usd: float) -> str:
    """ "$0.62", "$12.40", "less than $0.01"."""
    if 0 < usd < 0.005:
        return _tr("less than $0.01")
    return "$" + QLocale(QLocale.Language.English).toString(usd, "f", 2)


def about_money(usd: float) -> str:
    """An estimate: "about $0.62", but "less than $0.01" (never "about less than")."""
    if 0 < usd < 0.005:
        return money(usd)
    return _tr("about %1").replace("%1", money(usd))


def day_text(day: date | None) -> str:
    """ "28 November 2026" (the catalog's dates, without a weekday)."""
    if day is None:
        return ""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")


def moment_text(moment: QDateTime) -> str:
    """ "3 Dec 2026, 08:17" in the writer's local time: the month as a word, never a bare
    "3 12 2026" or a "12/3" that reads two ways, and the clock as their locale writes it."""
    local = moment.toLocalTime()
    locale = QLocale()
    day = locale.toString(local.date(), "d MMM yyyy")
    return f"{day}, {locale.toString(local.time(), QLocale.FormatType.ShortFormat)}"


def method_text(*, lora: bool, preference: bool = False) -> str:
    """The training method in a few plain words."""
    if preference:
        if lora:
            return _tr("LoRA training from choices between two replies (preference training)")
        return _tr("full training from choices between two replies (preference training)")
    if lora:
        return _tr("LoRA training (a small add-on to the model, the cheaper way)")
    return _tr("full training (every part of the model)")


def serving_kind_text(serving: Serving) -> str:
    """How the trained model can be used, in a few words: "Straight away, pay per use"."""
    if serving.kind == "serverless":
        return _tr("Straight away, pay per use")
    if serving.kind == "dedicated":
        return _tr("Rented server, pay for its time")
    if serving.kind == "none":
        return _tr("No known way to run it there")
    return _tr("Not known")


def serving_text(serving: Serving) -> str:
    """How the trained model can be used and what that costs, in full: the few words, the
    catalog's note and, for a rented server, its price per hour or "not known"."""
    text = serving_kind_text(serving) + ". " + serving.note
    if serving.kind != "dedicated":
        return text
    if serving.price_per_hour_usd is None:
        return text + " " + _tr("Price per hour: not known.")
    return (
        text
        + " "
        + _tr("About %1 an hour (price as of %2).")
        .replace("%1", money(serving.price_per_hour_usd))
        .replace("%2", day_text(serving.price_as_of))
    )
