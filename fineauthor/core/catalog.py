"""The model catalog: which providers and base models FineAuthor offers, with their token
encodings, per-example limits, training prices, how trained models can be used, and important
dates. A service's terms (prices by size and method, passes, serving) are
:mod:`fineauthor.core.service_terms`.

The data lives in one human-editable file, ``resources/catalog.json``. This module reads and
checks it and answers lookups such as "which model is ``ft:gpt-4.1-mini:org::abc``?".
It never touches the network: refreshing the catalog from a provider is someone else's job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from fineauthor.core.catalog_fields import CatalogError, Fields
from fineauthor.core.errors import FineAuthorError, ResourceError, UnknownModelError
from fineauthor.core.resources import resource_path
from fineauthor.core.service_terms import (
    TRAINING_METHODS,
    Serving,
    TrainingTerms,
    method_key,
    parse_serving,
    parse_training_terms,
)

#: The tokenizer encodings FineAuthor ships in ``resources/``; every model counts with one.
SHIPPED_ENCODINGS: tuple[str, ...] = ("o200k_base", "cl100k_base")

_DATED_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}")


class UnknownProviderError(FineAuthorError):
    """A provider id that the catalog does not know."""


@dataclass(frozen=True)
class ProviderDate:
    """A dated event at a provider, e.g. the day new fine-tuning jobs stop."""

    date: date
    what: str


@dataclass(frozen=True)
class ProviderInfo:
    """A training service: where it is, how to authenticate, and what a writer should know."""

    id: str
    name: str
    base_url: str
    api_key_env: str
    base_url_env: str
    new_users_can_fine_tune: bool
    output_name_embeds_base_model: bool
    availability_note: str
    content_policy_note: str
    notes: str
    dates: tuple[ProviderDate, ...]
    training: TrainingTerms  # how it prices training and counts passes
    # The first day on which the service takes no new training jobs from anyone (None: no
    # such day is known). Jobs and models made before it stay until their own shutdown.
    new_jobs_end: date | None = None

    def takes_new_jobs(self, today: date) -> bool:
        """Whether the service still starts new training jobs on ``today``."""
        return self.new_jobs_end is None or today < self.new_jobs_end

    def upcoming_dates(self, today: date) -> tuple[ProviderDate, ...]:
        """The provider's dates on or after ``today``, earliest first."""
        return tuple(sorted((d for d in self.dates if d.date >= today), key=lambda d: d.date))


@dataclass(frozen=True)
class ModelInfo:
    """A base model that can be fine-tuned, as the catalog describes it.

    ``encoding`` is the shipped encoding used for counting; when ``encoding_exact`` is false the
    counts are an estimate (``encoding_note`` says why that encoding was chosen). ``None`` means
    unknown for ``example_token_limit``, ``training_price_per_1m_usd`` and ``shutdown_date``.

    ``training_price_per_1m_usd`` is the price of the default method (supervised, as a LoRA
    where the service offers the choice); ``training_prices`` has every method's, from the
    model's own price or from its service's band for ``size_b`` (billions of parameters).
    ``terms`` are its service's; ``serving`` says how a LoRA ("lora") or a fully trained
    ("full") model built on it can be used.
    """

    id: str
    name: str
    provider: str
    encoding: str
    encoding_exact: bool
    encoding_note: str
    example_token_limit: int | None
    training_price_per_1m_usd: float | None
    price_as_of: date | None
    price_note: str
    shutdown_date: date | None
    notes: str
    verified: bool
    size_b: float | None
    training_prices: Mapping[str, float | None]
    terms: TrainingTerms
    serving: Mapping[str, Serving]

    def training_price(self, *, lora: bool = True, preference: bool = False) -> float | None:
        """Dollars per 1M training tokens for the method, or ``None`` if not known."""
        return self.training_prices[method_key(lora=lora, preference=preference)]

    def training_cost_usd(
        self, billed_tokens: int, *, lora: bool = True, preference: bool = False
    ) -> float | None:
        """Estimated training cost for ``billed_tokens`` tokens by the method, or ``None`` if
        the price is unknown."""
        price = self.training_price(lora=lora, preference=preference)
        if price is None:
            return None
        return billed_tokens * price / 1_000_000

    def serving_for(self, *, lora: bool = True) -> Serving:
        """How the model trained by the method can be used, and what that costs."""
        return self.serving["lora" if lora else "full"]

    def days_until_shutdown(self, today: date) -> int | None:
        """Days from ``today`` to the shutdown date (negative once past), or ``None`` if none
        is known."""
        if self.shutdown_date is None:
            return None
        return (self.shutdown_date - today).days

    def is_shut_down(self, today: date) -> bool:
        """Whether the model has stopped working by ``today``."""
        return self.shutdown_date is not None and today >= self.shutdown_date


def base_model_id(model_id: str) -> str:
    """The base model of an OpenAI fine-tuned model id; any other id is returned unchanged.

    ``ft:gpt-4.1-mini-2025-04-14:org:suffix:id`` -> ``gpt-4.1-mini-2025-04-14`` and
    ``ft:gpt-4.1-mini:org::id`` -> ``gpt-4.1-mini``.
    """
    if not model_id.startswith("ft:"):
        return model_id
    return model_id[3:].split(":", 1)[0]


@dataclass(frozen=True)
class Catalog:
    """Every provider and model FineAuthor knows, as of ``as_of``.

    ``default_model`` (proposed first to a new writer) and ``default_check_model`` (used by
    ``fineauthor check`` without ``--model``) are model ids; ``catalog.model(id)`` gives the
    entry.
    """

    as_of: date
    providers: tuple[ProviderInfo, ...]
    models: tuple[ModelInfo, ...]
    default_model: str
    default_check_model: str
    _providers_by_id: dict[str, ProviderInfo] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _models_by_id: dict[str, ModelInfo] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._providers_by_id.update((p.id, p) for p in self.providers)
        self._models_by_id.update((m.id, m) for m in self.models)

    def provider(self, provider_id: str) -> ProviderInfo:
        """The provider with this id; :class:`UnknownProviderError` if there is none."""
        try:
            return self._providers_by_id[provider_id]
        except KeyError:
            known = ", ".join(p.id for p in self.providers)
            raise UnknownProviderError(
                f'FineAuthor does not know the provider "{provider_id}". '
                f"The providers it knows are: {known}."
            ) from None

    def models_for(self, provider_id: str) -> tuple[ModelInfo, ...]:
        """The models of one provider, in catalog order."""
        self.provider(provider_id)
        return tuple(m for m in self.models if m.provider == provider_id)

    def model_or_default(self, model_id: str | None) -> ModelInfo:
        """``model_id`` when the catalog knows it, otherwise the model offered first."""
        if model_id:
            try:
                return self.model(model_id)
            except UnknownModelError:
                pass
        return self.model(self.default_model)

    def model(self, model_id: str) -> ModelInfo:
        """The catalog entry for ``model_id``, which may be an exact id, a fine-tuned id
        (``ft:…``, or a Together output name that carries its base), or an undated alias
        (``gpt-4.1-mini``) matching exactly one dated snapshot. :class:`UnknownModelError`
        otherwise."""
        wanted = model_id.strip()
        found = self._resolve(wanted) if wanted else None
        if found is None:
            found = self._resolve_ignoring_case(wanted) if wanted else None
        if found is None:
            raise UnknownModelError(self._unknown_message(model_id))
        return found

    def _resolve(self, model_id: str) -> ModelInfo | None:
        exact = self._models_by_id.get(model_id)
        if exact is not None:
            return exact
        base = base_model_id(model_id)
        if base != model_id and base in self._models_by_id:
            return self._models_by_id[base]
        snapshot = self._dated_snapshot(base, model_id)
        if snapshot is not None:
            return snapshot
        if base == model_id:
            return self._embedded_base(model_id)
        return None

    def _resolve_ignoring_case(self, model_id: str) -> ModelInfo | None:
        lowered = {m.id.lower(): m.id for m in self.models}
        original = lowered.get(model_id.lower())
        return self._models_by_id[original] if original is not None else None

    def _dated_snapshot(self, alias: str, asked: str) -> ModelInfo | None:
        """The one model whose id is ``alias`` plus a ``-YYYY-MM-DD`` date, if exactly one."""
        matches = [
            m
            for m in self.models
            if m.id.startswith(alias) and _DATED_SNAPSHOT.fullmatch(m.id[len(alias) :])
        ]
        if len(matches) > 1:
            ids = ", ".join(m.id for m in matches)
            raise UnknownModelError(
                f'"{asked}" could mean several models: {ids}. Please give the full name.'
            )
        return matches[0] if matches else None

    def _embedded_base(self, model_id: str) -> ModelInfo | None:
        """For providers whose fine-tuned names are ``<user>/<base name>-<suffix>-<id>``, the
        base model with the longest matching name."""
        if "/" not in model_id:
            return None
        name = model_id.rsplit("/", 1)[1]
        best: ModelInfo | None = None
        best_length = -1
        for m in self.models:
            provider = self._providers_by_id.get(m.provider)
            if provider is None or not provider.output_name_embeds_base_model:
                continue
            base_name = m.id.rsplit("/", 1)[-1]
            if name.startswith(base_name + "-") and len(base_name) > best_length:
                best, best_length = m, len(base_name)
        return best

    def _unknown_message(self, model_id: str) -> str:
        examples = [self.default_check_model, self.default_model]
        examples += [m.id for m in self.models if m.id not in examples]
        shown = ", ".join(examples[:5])
        return (
            f'FineAuthor does not know the model "{model_id.strip()}". '
            f"Check the spelling, or choose one it knows, such as: {shown}."
        )


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Read and check the catalog file: the shipped one (read once, then cached) or ``path``.

    Raises :class:`ResourceError` naming the problem if the file is missing or malformed.
    """
    if path is None:
        return _load_shipped()
    return _load(Path(path))


@cache
def _load_shipped() -> Catalog:
    return _load(resource_path("catalog.json"))


def _load(path: Path) -> Catalog:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _damaged(path, f"it could not be read ({type(error).__name__})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _damaged(
            path, f"it is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from error
    try:
        return _parse(data)
    except CatalogError as problem:
        raise _damaged(path, str(problem)) from None


def _damaged(path: Path, problem: str) -> ResourceError:
    return ResourceError(
        f"FineAuthor's model catalog ({path.name}) is damaged: {problem}. "
        "Reinstalling FineAuthor should fix it."
    )


_TOP_FIELDS = ("as_of", "default_model", "default_check_model", "providers", "models")
_PROVIDER_FIELDS = (
    "id",
    "name",
    "base_url",
    "api_key_env",
    "base_url_env",
    "new_users_can_fine_tune",
    "output_name_embeds_base_model",
    "availability_note",
    "content_policy_note",
    "notes",
    "dates",
    "training",
    "new_jobs_end",  # optional
)
_DATE_FIELDS = ("date", "what")
_MODEL_FIELDS = (
    "id",
    "name",
    "provider",
    "encoding",
    "encoding_exact",
    "encoding_note",
    "example_token_limit",
    "training_price_per_1m_usd",
    "price_as_of",
    "price_note",
    "shutdown_date",
    "notes",
    "verified",
    "size_billion_parameters",
    "serving",
)


def _parse(data: object) -> Catalog:
    top = Fields(data, "the catalog", _TOP_FIELDS)
    as_of = top.day("as_of")
    providers = tuple(
        _parse_provider(item, index) for index, item in enumerate(top.items("providers"))
    )
    if not providers:
        raise CatalogError("the catalog lists no providers")
    _check_unique([p.id for p in providers], "provider")
    by_provider = {p.id: p for p in providers}
    models = tuple(
        _parse_model(item, index, by_provider) for index, item in enumerate(top.items("models"))
    )
    _check_unique([m.id for m in models], "model")
    by_id = {m.id: m for m in models}

    def pick(key: str) -> str:
        model_id = top.text(key)
        if model_id not in by_id:
            raise CatalogError(
                f'"{key}" names the model "{model_id}", which the catalog does not list'
            )
        return model_id

    return Catalog(
        as_of=as_of,
        providers=providers,
        models=models,
        default_model=pick("default_model"),
        default_check_model=pick("default_check_model"),
    )


def _check_unique(ids: list[str], kind: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise CatalogError(f'the {kind} "{item_id}" is listed twice')
        seen.add(item_id)


def _label(value: object, index: int, kind: str) -> str:
    """``model 3 ("gpt-4o-2024-08-06")`` when the id can be read, else ``model 3``."""
    item_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(item_id, str) and item_id.strip():
        return f'{kind} {index + 1} ("{item_id}")'
    return f"{kind} {index + 1}"


def _parse_provider(value: object, index: int) -> ProviderInfo:
    where = _label(value, index, "provider")
    f = Fields(value, where, _PROVIDER_FIELDS)
    dates = []
    for number, item in enumerate(f.items("dates")):
        d = Fields(item, f"{where}, date {number + 1}", _DATE_FIELDS)
        dates.append(ProviderDate(date=d.day("date"), what=d.text("what")))
    return ProviderInfo(
        id=f.text("id"),
        name=f.text("name"),
        base_url=f.text("base_url"),
        api_key_env=f.text("api_key_env"),
        base_url_env=f.text("base_url_env"),
        new_users_can_fine_tune=f.flag("new_users_can_fine_tune"),
        output_name_embeds_base_model=f.flag("output_name_embeds_base_model"),
        availability_note=f.text("availability_note"),
        content_policy_note=f.text("content_policy_note"),
        notes=f.text("notes", empty=True),
        dates=tuple(dates),
        training=parse_training_terms(f),
        new_jobs_end=f.day_or_null("new_jobs_end") if "new_jobs_end" in f.value else None,
    )


def _parse_model(value: object, index: int, providers: Mapping[str, ProviderInfo]) -> ModelInfo:
    where = _label(value, index, "model")
    f = Fields(value, where, _MODEL_FIELDS)
    provider = f.text("provider")
    if provider not in providers:
        raise CatalogError(f'{where}: "provider" is "{provider}", which the catalog does not list')
    encoding = f.text("encoding")
    if encoding not in SHIPPED_ENCODINGS:
        raise CatalogError(
            f'{where}: "encoding" must be one of {", ".join(SHIPPED_ENCODINGS)}, not "{encoding}"'
        )
    encoding_exact = f.flag("encoding_exact")
    encoding_note = f.text("encoding_note", empty=True)
    if not encoding_exact and not encoding_note.strip():
        raise CatalogError(f'{where}: an estimated encoding needs an "encoding_note" saying why')
    price = f.price_or_null("training_price_per_1m_usd")
    price_as_of = f.day_or_null("price_as_of")
    if price is not None and price_as_of is None:
        raise CatalogError(f'{where}: a price needs its "price_as_of" date')
    terms = providers[provider].training
    size_b = f.number_or_null("size_billion_parameters", kind="a number of billions")
    if terms.price_bands:
        price, price_as_of, prices = _band_prices(where, terms, price, size_b)
    else:  # priced model by model; the LoRA/full choice does not change the price
        prices = {m: price if m.endswith("_sft") else None for m in TRAINING_METHODS}
    return ModelInfo(
        id=f.text("id"),
        name=f.text("name"),
        provider=provider,
        encoding=encoding,
        encoding_exact=encoding_exact,
        encoding_note=encoding_note,
        example_token_limit=f.positive_int_or_null("example_token_limit"),
        training_price_per_1m_usd=price,
        price_as_of=price_as_of,
        price_note=f.text("price_note", empty=True),
        shutdown_date=f.day_or_null("shutdown_date"),
        notes=f.text("notes", empty=True),
        verified=f.flag("verified"),
        size_b=size_b,
        training_prices=prices,
        terms=terms,
        serving=parse_serving(f),
    )


def _band_prices(
    where: str, terms: TrainingTerms, own_price: float | None, size_b: float | None
) -> tuple[float | None, date | None, dict[str, float | None]]:
    """The default method's price, its date and every method's price, from the size band."""
    if own_price is not None:
        raise CatalogError(
            f'{where}: its service prices models by size, so "training_price_per_1m_usd" '
            "must be null"
        )
    if size_b is None:
        raise CatalogError(f'{where}: "size_billion_parameters" is needed to find its price')
    band = terms.band_for(size_b)
    prices = dict(band.prices_per_1m_usd) if band else dict.fromkeys(TRAINING_METHODS)
    price = prices[method_key()]
    return price, terms.price_as_of if price is not None else None, prices
