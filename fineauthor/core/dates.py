"""Dates written out as a writer reads them, "14 January 2027", for the rooms without Qt (the
command line, the services' messages); the app's screens write them in the system's language
(ui/widgets/price_words.day_text)."""

from __future__ import annotations

from datetime import date


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
