"""A reply's scores as its column shows them: the win conditions met and missed, the style
fingerprint beside the writer's own, and the conditions left to judge by reading (HTML)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLocale

from fineauthor.core.writing.bench_scoring import SideBySide
from fineauthor.core.writing.fingerprint import StyleFingerprint
from fineauthor.core.writing.win_conditions import WinCondition

_NOTES = frozenset({"point_of_view", "free_text"})  # notes whose own words say it all


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoreReport", text)


def score_report(
    result: SideBySide,
    side: str,
    conditions: Sequence[WinCondition],
    yours: StyleFingerprint | None,
) -> str:
    """The scores of one side as the column shows them (HTML)."""
    scored = result.side(side)
    esc = html.escape
    locale = QLocale()
    parts: list[str] = []
    measured = scored.measured
    if measured:
        parts.append(
            "<p><b>{}</b> {}</p>".format(
                esc(_tr("Your win conditions")),
                esc(
                    _tr("(%1 of %2 met)")
                    .replace("%1", locale.toString(scored.met))
                    .replace("%2", locale.toString(len(measured)))
                ),
            )
        )
        rows = []
        for found in measured:
            mark = "✓" if found.passed else "✗"
            colour = "#2e8b57" if found.passed else "#c0392b"
            highlighted = " " + esc(_tr("Marked in the text.")) if found.spans else ""
            rows.append(
                f'<tr><td style="color:{colour}; font-weight:bold; padding-right:6px">'
                f"{mark}</td><td><b>{esc(_condition_name(found.condition))}</b> — "
                f"{esc(found.detail)}{highlighted}</td></tr>"
            )
        parts.append("<table>" + "".join(rows) + "</table>")
    elif not conditions:
        parts.append(
            "<p>{}</p>".format(
                esc(
                    _tr(
                        "Your project has no win conditions to measure. The planning guide "
                        "sets them up."
                    )
                )
            )
        )
    parts.append(_fingerprint_report(result, side, yours))
    notes = scored.notes
    if notes:
        parts.append("<p><b>{}</b></p><ul>".format(esc(_tr("To judge by reading"))))
        for note in notes:
            parts.append(
                f"<li>{esc(note.condition.describe())}"
                + (
                    f" — <i>{esc(note.detail)}</i>"
                    if note.condition.about_knowledge or note.condition.kind not in _NOTES
                    else ""
                )
                + "</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


def _condition_name(condition: WinCondition) -> str:
    """A measured condition's short name (its details follow it)."""
    names = {
        "length_band": _tr("Length"),
        "dialogue_from_start": _tr("Dialogue"),
        "banned_phrases": _tr("Banned phrases"),
    }
    return names.get(condition.kind, condition.describe())


def _fingerprint_report(result: SideBySide, side: str, yours: StyleFingerprint | None) -> str:
    esc = html.escape
    locale = QLocale()
    found = result.side(side).fingerprint
    if not found.words:
        return ""

    def number(value: float) -> str:
        return locale.toString(value, "f", 1)

    def percent(value: float) -> str:
        return locale.toString(round(value * 100)) + "%"

    lines = [
        (
            "average_sentence_words",
            _tr("Sentences: %1 words on average"),
            number,
        ),
        ("dialogue_share", _tr("Dialogue: in %1 of paragraphs"), percent),
        (
            "average_paragraph_words",
            _tr("Paragraphs: %1 words on average"),
            number,
        ),
    ]
    rows = []
    for measure, text, shown in lines:
        line = esc(text.replace("%1", shown(getattr(found, measure))))
        if yours is not None:
            line += " " + esc(_tr("(yours: %1)").replace("%1", shown(getattr(yours, measure))))
            if result.closer(measure) == side:
                line += " <b>{}</b>".format(esc(_tr("· closer to yours")))
        rows.append(f"<li>{line}</li>")
    heading = esc(_tr("Style fingerprint"))
    if yours is None:
        note = esc(
            _tr("(paste a passage of your own in the planning guide to compare it with yours)")
        )
    else:
        note = ""
    return f"<p><b>{heading}</b> {note}</p><ul>{''.join(rows)}</ul>"
