"""The check report panel on real project files: findings grouped by kind and linked to their
examples, reruns after edits, statuses for the example list, totals and cost for the chosen
model, and the length histogram. Real widgets, drawn off screen."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QLocale, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPalette
from PySide6.QtWidgets import QApplication, QToolTip, QTreeWidgetItem

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.estimate import estimate
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.ui.report import model_chooser
from fineauthor.ui.report.check_report import CheckReportPanel
from fineauthor.ui.report.check_runner import CheckRunner, chosen_model
from fineauthor.ui.report.finding_groups import split_message
from fineauthor.ui.report.findings_tree import KIND_ROLE, QUOTE_ROLE
from fineauthor.ui.report.length_histogram import MAX_BINS, Bin, LengthHistogram, bin_word_counts
from fineauthor.ui.report.model_chooser import MODEL_ID_ROLE
from fineauthor.ui.shell.document import ProjectDocument

SYSTEM = "You are Outline Mageddon, a novelist of tense, close scenes."
PHRASE = "She bit her lip and looked away."
MINI = "gpt-4.1-mini-2025-04-14"
WAIT_MS = 20_000  # a check takes well under a second; this only bounds a broken test

# Made-up words from syllables: random prose from them repeats no phrase by chance.
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gu", "hi", "jo"]
WORDS = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES[:6]})


def prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def example(prompt: str, response: str) -> Example:
    return Example(
        (Message("system", SYSTEM), Message("user", prompt), Message("assistant", response))
    )


@pytest.fixture(autouse=True)
def british_locale() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture(autouse=True)
def before_openai_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read OpenAI's notes as they stand before 6 January 2027, when it stops
    taking new training (tests/ui/report/test_model_chooser_closing.py covers after)."""
    monkeypatch.setattr(model_chooser, "clock", lambda: date(2026, 12, 2))


@pytest.fixture
def open_documents() -> Iterator[list[tuple[ProjectDocument, CheckRunner]]]:
    """Documents a test opened; their checks are stopped and their files closed afterwards."""
    opened: list[tuple[ProjectDocument, CheckRunner]] = []
    yield opened
    for document, runner in opened:
        runner.stop()
        document.close()


def make_document(
    path: Path,
    examples: list[Example],
    **settings: object,
) -> ProjectDocument:
    project = Project.create(path, title="The Lighthouse Keeper")
    project.update_settings(system_prompt=SYSTEM, **{"base_model": MINI, **settings})
    project.add_examples(examples)
    return ProjectDocument(project)


def known_problems() -> list[Example]:
    """Nine examples: 2 is empty, 3/5/7 share a phrase, 8 is far too long for the target
    (100 ± 15 words), 9 is an exact copy of 4."""
    rng = random.Random(3)
    rows = []
    for n in range(1, 9):
        words = 300 if n == 8 else 100
        text = prose(rng, words)
        if n in (3, 5, 7):
            text = prose(rng, 40) + " " + PHRASE + " " + prose(rng, 53)
        if n == 2:
            text = ""
        rows.append(example(f"Scene {n}: the storm reaches the lighthouse.", text))
    rows.append(rows[3])
    return rows


def open_panel(qtbot, document: ProjectDocument, opened: list) -> CheckReportPanel:
    panel = CheckReportPanel(document)
    opened.append((document, panel.runner))
    qtbot.addWidget(panel)
    panel.resize(420, 800)
    panel.show()
    return panel


def wait_for_report(qtbot, panel: CheckReportPanel) -> None:
    with qtbot.waitSignal(panel.runner.reportReady, timeout=WAIT_MS):
        pass


def groups(panel: CheckReportPanel) -> dict[str, tuple[str, int]]:
    """Group key → (heading, number of findings)."""
    found = {}
    for key, item in panel.group_items().items():
        findings = [
            item.child(i)
            for i in range(item.childCount())
            if item.child(i).data(0, KIND_ROLE) == "finding"
        ]
        found[key] = (item.text(0), len(findings))
    return found


def findings(panel: CheckReportPanel, key: str) -> list[QTreeWidgetItem]:
    group = panel.group_items()[key]
    return [
        group.child(i)
        for i in range(group.childCount())
        if group.child(i).data(0, KIND_ROLE) == "finding"
    ]


def click(qtbot, panel: CheckReportPanel, item: QTreeWidgetItem) -> tuple[int, str]:
    """Click ``item`` with the mouse; the (example id, quote) the panel asked for."""
    tree = panel.tree
    parent = item.parent()
    while parent is not None:
        parent.setExpanded(True)
        parent = parent.parent()
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    assert rect.isValid()
    with qtbot.waitSignal(panel.exampleRequested, timeout=1000) as signal:
        qtbot.mouseClick(
            tree.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(rect.left() + 20, rect.center().y()),
        )
    return tuple(signal.args)  # type: ignore[return-value]


# The report -------------------------------------------------------------------------------


def test_known_problems_are_grouped_and_counted(qtbot, tmp_path: Path, open_documents) -> None:
    document = make_document(
        tmp_path / "p.fineauthor", known_problems(), target_words=100, tolerance_words=15
    )
    panel = open_panel(qtbot, document, open_documents)
    assert panel.is_busy()
    wait_for_report(qtbot, panel)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=WAIT_MS)

    assert groups(panel) == {
        "problem:format": ("Empty or not in the right format (1)", 1),
        "problem:too_few": ("Too few examples (1)", 1),
        "advice:length": ("Off your target length (1)", 1),
        "advice:repeated": ("Phrases repeated across many responses (1)", 1),
        "advice:duplicates": ("Duplicates (1)", 1),
    }
    assert panel._headline.text() == "2 problems to fix before training"
    assert panel._subline.text() == "3 pieces of advice"
    assert findings(panel, "problem:format")[0].text(0).startswith("Example 2:")
    assert (
        findings(panel, "advice:length")[0]
        .text(0)
        .startswith("Example 8: the response is 300 words, longer than your target of 100 (± 15).")
    )
    # A repeated phrase lists its examples underneath, each a link.
    phrase = findings(panel, "advice:repeated")[0]
    assert phrase.data(0, QUOTE_ROLE) == "she bit her lip and looked away"
    assert [phrase.child(i).text(0).split(" — ")[0] for i in range(phrase.childCount())] == [
        "Example 3",
        "Example 5",
        "Example 7",
    ]
    assert "Scene 3" in phrase.child(0).text(0)  # with the example's prompt as its title
    # Advice is not a reason to stop: the group says so.
    assert "can go ahead" in panel.group_items()["advice:length"].toolTip(0)


def test_a_clean_project_is_ready_to_train(qtbot, tmp_path: Path, open_documents) -> None:
    rng = random.Random(5)
    rows = [example(f"Scene {n}", prose(rng, 120)) for n in range(60)]
    document = make_document(tmp_path / "p.fineauthor", rows, target_words=120)
    panel = open_panel(qtbot, document, open_documents)
    wait_for_report(qtbot, panel)
    assert panel._headline.text() == "Ready to train"
    assert panel._subline.text().startswith("No advice")
    assert panel.tree.topLevelItemCount() == 0


def test_an_empty_project_needs_examples(qtbot, tmp_path: Path, open_documents) -> None:
    document = make_document(tmp_path / "p.fineauthor", [])
    panel = open_panel(qtbot, document, open_documents)
    with qtbot.waitSignal(panel.statusesChanged, timeout=WAIT_MS) as signal:
        pass
    assert signal.args == [{}]
    assert panel._headline.text() == "1 problem to fix before training"
    assert groups(panel) == {"problem:too_few": ("Too few examples (1)", 1)}
    assert panel.histogram.bins() == []
    assert panel.legend.text().startswith("No target length is set.")
    assert panel.examples_value.text() == "0"
    assert panel.cost_label.text().startswith("Estimated cost: about $0.00 for GPT-4.1 mini")


def test_clicking_a_finding_asks_for_its_example_even_after_reordering(
    qtbot, tmp_path: Path, open_documents
) -> None:
    document = make_document(
        tmp_path / "p.fineauthor", known_problems(), target_words=100, tolerance_words=15
    )
    ids = list(document.ids())
    long_one, empty_one = ids[7], ids[1]
    # Reordered before the first check has run: the long example is now the first.
    document.move(long_one, 0)
    panel = open_panel(qtbot, document, open_documents)
    wait_for_report(qtbot, panel)
    (length,) = findings(panel, "advice:length")
    assert length.text(0).startswith("Example 1:")
    assert click(qtbot, panel, length) == (long_one, "")

    # Reordered again after the check, before the next one reports: the report still speaks of
    # the order it was made in, and its links still lead to the right examples.
    document.move(empty_one, 8)
    (empty,) = findings(panel, "problem:format")
    assert click(qtbot, panel, empty) == (empty_one, "")
    phrase = findings(panel, "advice:repeated")[0]
    positions = [int(phrase.child(i).text(0).split()[1]) for i in range(phrase.childCount())]
    for i, position in enumerate(positions):
        assert click(qtbot, panel, phrase.child(i)) == (
            panel.runner.ids[position - 1],
            "she bit her lip and looked away",
        )
    assert {panel.runner.ids[p - 1] for p in positions} == {ids[2], ids[4], ids[6]}

    # The same without the mouse, straight from the report's findings.
    report = panel.report
    assert report is not None
    (too_long,) = [p for p in report.warnings if p.code == "off_target_length"]
    with qtbot.waitSignal(panel.exampleRequested, timeout=1000) as signal:
        panel.request_problem(too_long)
    assert signal.args == [long_one, ""]
    (repeated,) = [p for p in report.warnings if p.code == "repeated_phrase"]
    with qtbot.waitSignal(panel.exampleRequested, timeout=1000) as signal:
        panel.request_problem(repeated, positions[1])
    assert signal.args == [panel.runner.ids[positions[1] - 1], "she bit her lip and looked away"]


def test_enter_on_a_finding_asks_for_its_example(qtbot, tmp_path: Path, open_documents) -> None:
    document = make_document(
        tmp_path / "p.fineauthor", known_problems(), target_words=100, tolerance_words=15
    )
    panel = open_panel(qtbot, document, open_documents)
    wait_for_report(qtbot, panel)
    (duplicate,) = findings(panel, "advice:duplicates")
    panel.tree.setCurrentItem(duplicate)
    with qtbot.waitSignal(panel.exampleRequested, timeout=1000) as signal:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert signal.args == [document.ids()[8], ""]  # the copy, not the original


def test_an_edit_reruns_the_check(qtbot, tmp_path: Path, open_documents) -> None:
    document = make_document(
        tmp_path / "p.fineauthor", known_problems(), target_words=100, tolerance_words=15
    )
    panel = open_panel(qtbot, document, open_documents)
    wait_for_report(qtbot, panel)
    assert "advice:length" in panel.group_items()

    long_one = document.ids()[7]
    with qtbot.waitSignal(panel.runner.reportReady, timeout=WAIT_MS) as signal:
        document.set_text(long_one, 2, prose(random.Random(8), 104))
    report, ids = signal.args
    assert "off_target_length" not in {p.code for p in report.warnings}
    assert tuple(ids) == tuple(document.ids())
    assert "advice:length" not in panel.group_items()
    assert panel._subline.text() == "2 pieces of advice"

    # Filling the empty response and adding a tenth example clears both problems.
    with qtbot.waitSignal(panel.runner.reportReady, timeout=WAIT_MS):
        document.set_text(document.ids()[1], 2, prose(random.Random(9), 100))
        document.add_example(example=example("Scene 10", prose(random.Random(10), 100)))
    assert panel._headline.text() == "Ready to train"
    assert "problem:format" not in panel.group_items()


def test_a_burst_of_edits_gives_one_fresh_report(qtbot, tmp_path: Path, open_documents) -> None:
    document = make_document(tmp_path / "p.fineauthor", known_problems(), target_words=100)
    panel = open_panel(qtbot, document, open_documents)
    wait_for_report(qtbot, panel)
    reports = []
    panel.runner.reportReady.connect(lambda report, ids: reports.append(report))
    target = document.ids()[0]
    panel.runner.check_now()  # a check is running when the edits arrive: it is dropped
    for words in (10, 20, 30, 40, 250):
        document.set_text(target, 2, prose(random.Random(words), words))
    qtbot.waitUntil(lambda: bool(reports) and not panel.runner.is_pending(), timeout=WAIT_MS)
    assert len(reports) == 1
    assert reports[0].facts[0].response_words == 250


def test_a_change_behind_the_documents_back_is_checked_again_not_mislabelled(
    qtbot, tmp_path: Path, open_documents
) -> None:
    document = make_document(tmp_path / "p.fineauthor", known_problems())
    runner = CheckRunner(document)
    open_documents.append((document, runner))
    starts = []
    runner.running.connect(lambda busy: busy and starts.append(1))
    # Another program adds an example at the front; the document's order doesn't know it.
    stranger = document.project.add_example(example("Elsewhere", "x " * 50), index=0)
    with qtbot.waitSignal(runner.reportReady, timeout=WAIT_MS) as signal:
        pass
    report, ids = signal.args
    assert len(starts) == 2  # the first, inconsistent read was checked once more
    assert report.examples == 10 and ids[0] == stranger.id and len(ids) == 10


def test_a_panel_closed_during_a_check_lets_it_finish_quietly(qtbot, tmp_path: Path) -> None:
    rng = random.Random(11)
    rows = [example(f"Scene {n}", prose(rng, 2000)) for n in range(300)]
    document = make_document(tmp_path / "p.fineauthor", rows)
    panel = CheckReportPanel(document)
    runner = panel.runner
    with qtbot.waitSignal(runner.running, timeout=WAIT_MS):
        runner.check_now()
    task = runner._task
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        panel.deleteLater()  # no stop(): the window just went away
    document.close()


def test_statuses_mark_the_examples_each_finding_is_about(
    qtbot, tmp_path: Path, open_documents
) -> None:
    document = make_document(
        tmp_path / "p.fineauthor", known_problems(), target_words=100, tolerance_words=15
    )
    ids = list(document.ids())
    panel = open_panel(qtbot, document, open_documents)
    with qtbot.waitSignal(panel.statusesChanged, timeout=WAIT_MS) as signal:
        pass
    (statuses,) = signal.args
    assert {i: s for i, (s, _) in statuses.items()} == {
        ids[1]: "problem",  # empty response
        ids[2]: "advice",  # the repeated phrase
        ids[4]: "advice",
        ids[6]: "advice",
        ids[7]: "advice",  # too long for the target
        ids[3]: "advice",  # the original of the duplicate
        ids[8]: "advice",  # its copy
    }
    assert statuses[ids[1]][1].startswith("Example 2:")
    assert "300 words" in statuses[ids[7]][1]


# Totals, cost and the model ---------------------------------------------------------------


def test_totals_and_cost_match_the_estimate_and_follow_the_chosen_model(
    qtbot, tmp_path: Path, open_documents
) -> None:
    rng = random.Random(6)
    rows = [example(f"Scene {n}", prose(rng, 200 + 10 * n)) for n in range(12)]
    document = make_document(tmp_path / "p.fineauthor", rows)
    panel = open_panel(qtbot, document, open_documents)
    wait_for_report(qtbot, panel)
    locale = QLocale()
    catalog = load_catalog()

    def expect(model_id: str) -> None:
        model = catalog.model(model_id)
        report = panel.report
        assert report is not None and report.model.id == model_id
        figures = estimate([f.tokens for f in report.facts], model)
        assert report.estimate == figures
        assert panel.examples_value.text() == "12"
        assert panel.tokens_value.text() == locale.toString(report.total_tokens)
        assert panel.epochs_value.text() == locale.toString(figures.epochs) == "8"
        assert panel.billed_value.text() == locale.toString(figures.billed_tokens)
        assert figures.cost_usd is not None
        assert panel.cost_label.text() == (
            f"Estimated cost: about ${figures.cost_usd:.2f} for {model.name}, "
            "at the price listed on 28 November 2026."
        )
        assert panel.model_box.currentData(MODEL_ID_ROLE) == model_id

    expect(MINI)
    assert "OpenAI no longer lets new accounts fine-tune" in panel.model_note.text()
    assert "14 January 2027" in panel.model_box.toolTip()

    # Choosing another model saves it in the project and brings a new estimate.
    with qtbot.waitSignal(panel.runner.reportReady, timeout=WAIT_MS):
        panel.model_box.setCurrentIndex(
            panel.model_box.findData("gpt-4o-2024-08-06", MODEL_ID_ROLE)
        )
    assert document.settings.base_model == "gpt-4o-2024-08-06"
    assert Project.open(document.path).settings.base_model == "gpt-4o-2024-08-06"
    expect("gpt-4o-2024-08-06")

    # A Together model is priced by its size band, over Together's own single pass.
    together = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    with qtbot.waitSignal(panel.runner.reportReady, timeout=WAIT_MS):
        panel.model_box.setCurrentIndex(panel.model_box.findData(together, MODEL_ID_ROLE))
    assert panel.report is not None and panel.report.model.id == together
    assert panel.epochs_value.text() == "1"
    assert panel.cost_label.text() == (
        "Estimated cost: less than $0.01 for Llama 3.1 8B Instruct, at the price listed on "
        "28 November 2026."
    )
    assert panel.model_note.isHidden()

    # Undo puts the previous model back, in the chooser too.
    document.undo_stack.undo()
    assert panel.model_box.currentData(MODEL_ID_ROLE) == "gpt-4o-2024-08-06"


def test_an_unknown_or_missing_model_falls_back_to_the_catalog_default(tmp_path: Path) -> None:
    catalog = load_catalog()
    with Project.create(tmp_path / "p.fineauthor") as project:
        assert chosen_model(project.settings).id == catalog.default_model
        project.update_settings(base_model="no-such-model")
        assert chosen_model(project.settings).id == catalog.default_model
        project.update_settings(base_model="ft:gpt-4o-mini-2024-07-18:org::abc")
        assert chosen_model(project.settings).id == "gpt-4o-mini-2024-07-18"


# The length histogram ---------------------------------------------------------------------


def test_histogram_bins_cover_every_length_with_round_widths() -> None:
    rng = random.Random(2)
    counts = [rng.randint(300, 560) for _ in range(60)]
    bins = bin_word_counts(counts, 420, 63)
    assert sum(b.count for b in bins) == 60
    assert len(bins) <= MAX_BINS
    widths = {b.end - b.start for b in bins if b.end is not None}
    assert len(widths) == 1 and widths.pop() in (10, 20, 25, 50)
    assert all(a.end == b.start for a, b in itertools.pairwise(bins))
    assert bins[0].start <= min(counts) and bins[-1].end > max(counts)
    for value in counts:  # each length is counted in the bar that holds it
        (holder,) = [b for b in bins if b.start <= value < (b.end or value + 1)]
        assert holder.count > 0


def test_histogram_bins_include_the_target_band_and_gather_a_long_tail() -> None:
    assert bin_word_counts([]) == []
    assert bin_word_counts([5, 5, 7]) == [Bin(5, 6, 2), Bin(6, 7, 0), Bin(7, 8, 1)]
    # The band reaches past the lengths: the bars reach it too.
    bins = bin_word_counts([1900, 2000, 2050], 2000, 300)
    assert bins[0].start <= 1700 and bins[-1].end is not None and bins[-1].end > 2300
    # One response far longer than the rest gets an open last bar, not a squashed picture.
    counts = [400 + n for n in range(50)] + [50_000]
    bins = bin_word_counts(counts, 420, 63)
    assert bins[-1].end is None and bins[-1].count == 1
    assert sum(b.count for b in bins) == 51
    assert bins[-2].end is not None and bins[-2].end - bins[-2].start <= 50


def test_histogram_paints_and_describes_itself(qtbot) -> None:
    histogram = LengthHistogram()
    qtbot.addWidget(histogram)
    histogram.resize(400, 140)
    counts = [1750] * 3 + [2000] * 12 + [2400]
    histogram.set_data(counts, 2000, 300)
    bins = histogram.bins()
    full = max(bins, key=lambda b: b.count)
    assert histogram.bin_text(full) == (
        f"12 responses between {full.start:,} and {full.end - 1:,} words"
    )
    assert histogram.accessibleDescription() == (
        "16 responses, from 1,750 to 2,400 words long. "
        "15 on your target of 2,000 words ± 300, 0 shorter and 1 longer."
    )
    # Hovering a bar says what it holds.
    histogram.show()
    index = bins.index(full)
    plot_left, slot = 34, (400 - 34 - 18) / len(bins)
    where = QPoint(int(plot_left + slot * (index + 0.5)), 70)
    QApplication.sendEvent(
        histogram, QHelpEvent(QEvent.Type.ToolTip, where, histogram.mapToGlobal(where))
    )
    qtbot.waitUntil(lambda: QToolTip.text() == histogram.bin_text(full), timeout=2000)
    QToolTip.hideText()

    image = QImage(histogram.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    histogram.render(image)
    accent = histogram.palette().color(QPalette.ColorRole.Highlight).rgb()
    painted = {image.pixel(x, y) for x in range(0, 400, 2) for y in range(0, 140, 2)}
    assert accent in painted  # the on-target bars
    assert len(painted) > 3  # and more: the band, the muted bar, the labels


def test_a_finding_is_split_into_what_and_why() -> None:
    assert split_message(
        "Example 8: the response is 300 words, longer than your target of 100 (± 15). "
        "Examples of a consistent length are what teach the model its length."
    ) == (
        "Example 8: the response is 300 words, longer than your target of 100 (± 15).",
        "Examples of a consistent length are what teach the model its length.",
    )
    assert split_message("Example 2: the third message has no text.") == (
        "Example 2: the third message has no text.",
        "",
    )
