"""The manuscript's pieces as a table model, without a view: which are ticked to start with,
what each row says against the target length, and ticks kept through merging and splitting."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fineauthor.core.importers.manuscript.pieces import make_piece
from fineauthor.ui.importing.pieces_model import PiecesModel


def _words(n: int, word: str) -> str:
    return " ".join([word] * n)


def _pieces():
    return [
        make_piece("Chapter 1", [_words(60, "tide"), _words(60, "salt")], 0),
        make_piece("Title page", ["THE HUSH"], 1),
        make_piece("Chapter 2", [_words(130, "gull")], 2),
    ]


def _ticked(model: PiecesModel) -> list[bool]:
    index = model.index
    return [
        model.data(index(row, model.TITLE), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        for row in range(model.rowCount())
    ]


def test_tiny_pieces_start_unticked_and_lengths_read_against_the_target(qapp):
    model = PiecesModel(target=120, tolerance=20)
    model.set_pieces(_pieces())

    assert _ticked(model) == [True, False, True]
    assert model.data(model.index(0, model.LENGTH)) == "120 of 120 words — on target"
    assert model.data(model.index(2, model.LENGTH)).startswith("130 of 120 words")
    assert model.data(model.index(1, model.BEGINS)) == "THE HUSH"
    assert model.data(model.index(1, model.TITLE), Qt.ItemDataRole.AccessibleTextRole) == (
        "Title page, left out"
    )
    assert [piece.title for piece in model.kept()] == ["Chapter 1", "Chapter 2"]


def test_a_tick_set_by_the_view_is_kept_and_announced(qapp, qtbot):
    model = PiecesModel()
    model.set_pieces(_pieces())
    with qtbot.waitSignal(model.changed):
        assert model.setData(
            model.index(1, model.TITLE), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
    assert _ticked(model) == [True, True, True]
    assert not model.setData(model.index(1, model.LENGTH), "x")  # only the tick is editable
    assert model.flags(model.index(0, model.TITLE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, model.LENGTH)) & Qt.ItemFlag.ItemIsUserCheckable


def test_merging_and_splitting_keep_the_ticks(qapp):
    model = PiecesModel()
    model.set_pieces(_pieces())

    model.merge_with_next(0)  # a kept piece and a left-out one: the whole is kept
    assert model.rowCount() == 2 and _ticked(model) == [True, True]
    assert "THE HUSH" in model.piece(0).text

    model.set_kept(1, False)
    model.split(0, 1)  # both halves keep the tick of the piece they came from
    assert model.rowCount() == 3 and _ticked(model) == [True, True, False]
    assert model.piece(0).words == 60

    model.set_all_kept(False)
    assert model.kept() == []
