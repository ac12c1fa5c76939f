"""A training service's terms, as the catalog records them: what it charges to train (by the
size of the base model and the method), how many passes it makes when the writer leaves that
to it, and how a trained model can be used afterwards and what that costs.

Read from ``resources/catalog.json`` by :mod:`fineauthor.core.catalog`; the estimate of a
training's cost is :mod:`fineauthor.core.dataset.estimate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from fineauthor.core.catalog_fields import CatalogError, Fields

#: Training methods, each with its own price: LoRA (a small add-on trained on top of the model,
#: the default) or full training, of supervised examples or of preference pairs (DPO).
TRAINING_METHODS: tuple[str, ...] = ("lora_sft", "full_sft", "lora_dpo", "full_dpo")

#: How a trained model can be used: "serverless" (straight away, paid per token), "dedicated"
#: (on a server rented for the time it runs) or "none" (the service offers no way we know of).
SERVING_KINDS: tuple[str, ...] = ("serverless", "dedicated", "none")


def method_key(*, lora: bool = True, preference: bool = False) -> str:
    """The price key of a training method: ``lora_sft``, ``full_sft``, ``lora_dpo``…"""
    return ("lora" if lora else "full") + ("_dpo" if preference else "_sft")


@dataclass(frozen=True)
class PriceBand:
    """Prices per 1M training tokens for base models up to ``up_to_b`` billion parameters
    (and above the band before it); a method's price is ``None`` when it is not known."""

    up_to_b: float
    prices_per_1m_usd: Mapping[str, float | None]


@dataclass(frozen=True)
class TrainingTerms:
    """How one service prices training and counts passes (epochs).

    ``default_epochs`` is the number of passes the service makes when not told; ``None``
    means it decides from the examples. ``epochs_known`` is false when no source says how
    it decides: FineAuthor's estimate then uses the usual rule and says the service picks.
    ``price_bands`` (smallest first) price models by size; a service without bands prices
    each model on its own (the model's ``training_price_per_1m_usd``).
    """

    default_epochs: int | None
    epochs_known: bool
    epochs_note: str
    price_bands: tuple[PriceBand, ...]
    price_as_of: date | None
    price_source: str

    def band_for(self, size_b: float | None) -> PriceBand | None:
        """The band a model of ``size_b`` billion parameters falls in, if any."""
        if size_b is None:
            return None
        return next((band for band in self.price_bands if size_b <= band.up_to_b), None)


@dataclass(frozen=True)
class Serving:
    """How a trained model can be used: ``kind`` is one of :data:`SERVING_KINDS`, or ``None``
    when not known; ``note`` says it in a writer's words; ``price_per_hour_usd`` is the cost
    of a rented server, ``None`` when not known (or when none is needed)."""

    kind: str | None
    note: str
    price_per_hour_usd: float | None
    price_as_of: date | None


_TERMS_FIELDS = (
    "default_epochs",
    "default_epochs_known",
    "default_epochs_note",
    "price_as_of",
    "price_source",
    "price_bands",
)
_BAND_FIELDS = ("up_to_billion_parameters", *TRAINING_METHODS)
_SERVING_METHODS = ("lora", "full")
_SERVING_FIELDS = ("kind", "note", "price_per_hour_usd", "price_as_of")


def parse_training_terms(provider: Fields) -> TrainingTerms:
    """The ``training`` object of one provider entry; :class:`CatalogError` names a problem."""
    f = provider.nested("training", _TERMS_FIELDS, '"training"')
    bands = []
    for number, item in enumerate(f.items("price_bands")):
        b = Fields(item, f"{f.where}, price band {number + 1}", _BAND_FIELDS)
        up_to = b.number_or_null("up_to_billion_parameters", kind="a number of billions")
        if up_to is None:
            raise CatalogError(f'{b.where}: "up_to_billion_parameters" must not be null')
        if bands and up_to <= bands[-1].up_to_b:
            raise CatalogError(f"{b.where}: the bands must go from the smallest models up")
        prices = {method: b.price_or_null(method) for method in TRAINING_METHODS}
        bands.append(PriceBand(up_to_b=up_to, prices_per_1m_usd=prices))
    price_as_of = f.day_or_null("price_as_of")
    priced = any(p is not None for band in bands for p in band.prices_per_1m_usd.values())
    if priced and price_as_of is None:
        raise CatalogError(f'{f.where}: prices need their "price_as_of" date')
    default_epochs = f.positive_int_or_null("default_epochs")
    known = f.flag("default_epochs_known")
    if default_epochs is not None and not known:
        raise CatalogError(f'{f.where}: a "default_epochs" number must be "default_epochs_known"')
    note = f.text("default_epochs_note")
    return TrainingTerms(
        default_epochs=default_epochs,
        epochs_known=known,
        epochs_note=note,
        price_bands=tuple(bands),
        price_as_of=price_as_of,
        price_source=f.text("price_source", empty=not bands),
    )


def parse_serving(model: Fields) -> dict[str, Serving]:
    """The ``serving`` object of one model entry: how a LoRA (``"lora"``) and a fully trained
    (``"full"``) model built on it can be used."""
    f = model.nested("serving", _SERVING_METHODS, '"serving"')
    found = {}
    for method in _SERVING_METHODS:
        s = f.nested(method, _SERVING_FIELDS, f'"{method}"')
        price = s.price_or_null("price_per_hour_usd")
        price_as_of = s.day_or_null("price_as_of")
        if price is not None and price_as_of is None:
            raise CatalogError(f'{s.where}: a price needs its "price_as_of" date')
        found[method] = Serving(
            kind=s.choice_or_null("kind", SERVING_KINDS),
            note=s.text("note"),
            price_per_hour_usd=price,
            price_as_of=price_as_of,
        )
    return found
