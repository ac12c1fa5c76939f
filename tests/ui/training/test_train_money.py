"""Money before anything is sent, in the Train dialog: the estimate page prices the training
by the service's size band and method, says who picks the passes and how the trained model can
be used and what that costs; after upload, Together's own quote (from the fake Together server's
estimate-price route, over real HTTP) is shown beside FineAuthor's estimate, with why they
differ.

``FINEAUTHOR_SCREENSHOTS=/tmp/shots pytest tests/ui/training/test_train_money.py`` also saves
the estimate page (train-together-estimate.png) and the price page (train-together-price.png).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.estimate import Estimate
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.providers.base import PriceEstimate
from fineauthor.ui.training.train_check_pages import EstimatePage
from fineauthor.ui.training.train_send_pages import PricePage
from fineauthor.ui.training.train_steps import check_work
from tests.fakes import together_server
from tests.fakes.together_server import FakeTogetherServer

TOGETHER_KEY = "tgp_v1_test-training-money-key-0123456789"
MODEL = "gpt-4.1-mini-2025-04-14"
TIMEOUT = 20_000  # ms: the first check loads the tokenizer


def check(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.choose_page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=TIMEOUT)


def _settle() -> None:
    for _ in range(3):  # let layouts settle (posted layout requests), without sleeping
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


LLAMA_8B = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
SCENE = (
    "The tide came over the causeway while Mara was still halfway across, grey and slow, and "
    "the gulls rose off the stones in one long complaint. "
)


def make_long_project(path: Path, provider: str, model: str, count: int = 60) -> Path:
    """A project of ``count`` examples of about 450 words each: enough for cents to show."""
    project = Project.create(path, title="Tidewrack")
    project.update_settings(system_prompt="You are Saltmarrow Hush.", provider=provider)
    project.update_settings(base_model=model)
    for n in range(count):
        project.add_example(
            Example(
                (
                    Message("system", "You are Saltmarrow Hush."),
                    Message("user", f"Scene {n}: the causeway at dusk."),
                    Message("assistant", f"Scene {n}. " + SCENE * 15),
                )
            )
        )
    project.close()
    return path


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTogetherServer]:
    with FakeTogetherServer(api_key=TOGETHER_KEY) as fake:
        monkeypatch.setenv("TOGETHER_BASE_URL", fake.base_url)
        monkeypatch.setenv("TOGETHER_API_KEY", TOGETHER_KEY)
        yield fake


def test_together_is_priced_before_sending_and_its_quote_shown_beside_ours(
    qtbot, window, together, tmp_path, monkeypatch, screenshot_folder: Path
) -> None:
    # Together's own quote here is $1 per million of its tokens: dearer than the price list.
    monkeypatch.setattr(together_server, "PRICE_PER_TOKEN", 0.000_001)
    path = make_long_project(tmp_path / "tidewrack.fineauthor", "together", LLAMA_8B)
    assert window.open_project(path)
    window.train_action.trigger()
    dialog = window.training.train_dialog
    assert (dialog.choose_page.service.id, dialog.choose_page.model.id) == ("together", LLAMA_8B)
    check(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.estimate_page
    values = dialog.estimate_page.estimate_values
    ours = dialog.dataset.report.estimate
    assert ours.epochs == 1  # Together's default, not OpenAI's 3
    assert values["passes"].text() == (
        "1 — what Together AI does unless told otherwise (one pass reads every example once)"
    )
    assert ours.cost_usd == pytest.approx(ours.billed_tokens * 0.48 / 1_000_000)  # LoRA, ≤16B
    assert ours.cost_usd >= 0.01
    assert values["cost"].text() == f"about ${ours.cost_usd:.2f} — an estimate"
    assert (
        values["use"]
        .text()
        .startswith("Straight away, pay per use. Ready as soon as training ends: Together runs it")
    )
    note = dialog.estimate_page.estimate_note.text()
    assert "Together AI's published price for LoRA training" in note
    assert "about 8 billion parameters" in note and "28 November 2026" in note
    dialog.resize(760, 620)
    _settle()
    dialog.grab().save(str(screenshot_folder / "train-together-estimate.png"))

    qtbot.mouseClick(dialog.estimate_page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.price_page, timeout=TIMEOUT)
    assert "n_epochs" not in together.estimate_bodies[-1]  # Together's default: the 1 we used
    quoted_tokens = len(dialog.dataset.jsonl) // 4  # how the fake counts
    quote = quoted_tokens * 0.000_001
    page = dialog.price_page
    locale = QLocale()
    assert page.price_label.text() == f"Together AI quotes ${quote:.2f} for this training."
    assert page.quote_title.text() == "Together AI’s quote:"
    assert page.quote_value.text() == (
        f"${quote:.2f}, for about {locale.toString(quoted_tokens)} tokens"
    )
    assert page.ours_value.text() == (
        f"about ${ours.cost_usd:.2f}, for about {locale.toString(ours.billed_tokens)} tokens"
    )
    assert page.difference_label.text() == (
        "They differ because Together AI splits your words into tokens (the pieces it bills) "
        "the way this model does and uses its current prices, while FineAuthor’s estimate "
        "used a close stand-in for that splitting and the published price list; Together AI’s "
        "quote is the one you would pay."
    )
    assert together.create_bodies == []  # nothing starts before the writer says yes again
    _settle()
    dialog.grab().save(str(screenshot_folder / "train-together-price.png"))


def test_the_price_page_says_when_the_figures_agree_or_ours_was_unknown(qtbot) -> None:
    page = PricePage()
    qtbot.addWidget(page)
    page.show_price(
        PriceEstimate(usd=1.234, billed_tokens=2_500_000),
        "Together AI",
        Estimate(1, 2_480_000, 1.2349),
    )
    assert page.ours_value.text().startswith("about $1.23, for about ")
    assert page.difference_label.text() == (
        "The two agree to the cent; Together AI’s quote is the one you would pay."
    )
    page.show_price(PriceEstimate(usd=0.5), "Together AI", Estimate(1, 1_000, None))
    assert page.quote_value.text() == "$0.50"  # Together gave no token count
    assert page.ours_value.text() == "price not known"
    assert page.difference_label.text() == (
        "FineAuthor had no price of its own for this model, so Together AI’s quote is the only "
        "figure; it is the one you would pay."
    )


def checked(tmp_path: Path, provider: str, model_id: str, epochs=None, *, lora=True):
    """The Train dialog's checked examples for ``model_id`` on ``provider``, made by its own
    first step (a real project, the real check), for the passes and method chosen."""
    path = make_long_project(tmp_path / f"{provider}.fineauthor", provider, model_id, count=12)
    with Project.open(path) as project:
        work = check_work(project, load_catalog().model(model_id), provider, epochs, lora=lora)
        return work(lambda _done: None, lambda: False)


def test_the_estimate_page_says_who_picks_the_passes_and_how_the_model_can_be_used(
    qtbot, tmp_path
) -> None:
    catalog = load_catalog()
    page = EstimatePage()
    qtbot.addWidget(page)

    fireworks = catalog.model("accounts/fireworks/models/llama-v3p1-8b-instruct")
    dataset = checked(tmp_path, "fireworks", fireworks.id)
    page.show_estimate(dataset, catalog.provider("fireworks"), fireworks, None)
    values = page.estimate_values
    assert dataset.report.estimate.epochs_guessed
    assert values["passes"].text() == (
        "about 8 — Fireworks AI decides this itself; FineAuthor guessed with the usual rule "
        "(one pass reads every example once)"
    )
    assert values["use"].text() == (
        "Rented server, pay for its time. Fireworks runs a trained add-on only on a "
        "deployment you start (a server of your own), billed for each second of GPU time "
        "while it runs. Price per hour: not known."
    )

    qwen = catalog.model("Qwen/Qwen3-8B")
    dataset = checked(tmp_path, "together", qwen.id, 2, lora=False)
    page.show_estimate(dataset, catalog.provider("together"), qwen, 2, lora=False)
    figures = dataset.report.estimate
    assert figures.cost_usd == pytest.approx(figures.billed_tokens * 0.54 / 1_000_000)  # full
    assert values["passes"].text() == "2"  # the writer's choice needs no explaining
    assert values["use"].text().startswith("Rented server, pay for its time. A fully")
    assert "Price per hour: not known." in values["use"].text()
    assert "full training (every part of the model)" in page.estimate_note.text()

    gpt = catalog.model(MODEL)
    dataset = checked(tmp_path, "openai", gpt.id)
    page.show_estimate(dataset, catalog.provider("openai"), gpt, None)
    assert values["passes"].text() == (
        "8 — chosen automatically, the way OpenAI does (one pass reads every example once)"
    )
    assert values["use"].text().startswith("Straight away, pay per use.")


def test_training_the_whole_model_is_a_choice_where_the_service_offers_it(
    qtbot, window, together, tmp_path
) -> None:
    path = make_long_project(tmp_path / "tidewrack.fineauthor", "together", LLAMA_8B)
    assert window.open_project(path)
    window.train_action.trigger()
    dialog = window.training.train_dialog
    advanced = dialog.choose_page.advanced_panel
    assert advanced.method_box.isEnabled()
    assert advanced.training_options().lora  # a small add-on unless the writer says otherwise
    advanced.method_box.setCurrentIndex(advanced.method_box.findData(False))
    assert not advanced.training_options().lora
    check(qtbot, dialog)
    ours = dialog.dataset.report.estimate
    assert ours.cost_usd == pytest.approx(ours.billed_tokens * 0.54 / 1_000_000)  # full, ≤16B
    assert "full training" in dialog.estimate_page.estimate_note.text()
    # Fireworks trains add-ons only: the choice goes back to one and cannot be changed.
    assert dialog.choose_page.select_service("fireworks")
    assert not advanced.method_box.isEnabled()
    assert advanced.training_options().lora
    assert advanced.method_box.toolTip() == "This service trains small add-ons only."
    assert dialog.choose_page.select_service("together")
    assert advanced.method_box.isEnabled()
    assert advanced.method_box.toolTip().startswith("An add-on learns your style")
