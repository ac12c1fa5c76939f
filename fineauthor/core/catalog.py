"""The model catalog: which providers and base models FineAuthor offers, with their token
encodings, per-example limits, training prices and important dates.

The data lives in one human-editable file, ``resources/catalog.json``. This module reads and
checks it and answers lookups such as "which model is ``ft:gpt-4.1-mini:org::abc``?".
It never touches the network: refreshing the catalog from a provider is someone else's job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from fineauthor.core.errors import FineAuthorError, ResourceError, UnknownModelError
from fineauthor.core.resources import resource_path

#: The tokenizer encodings FineAuthor ships in ``resources/``; every model counts with one.
SHIPPED_ENCODINGS: tuple[str, ...] = ("o200k_base", "cl100k_base")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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

    def upcoming_dates(self, today: date) -> tuple[ProviderDate, ...]:
        """The provider's dates on or after ``today``, earliest first."""
        return tuple(sorted((d for d in self.dates if d.date >= today), key=lambda d: d.date))


@dataclass(frozen=True)
class ModelInfo:
    """A base model that can be fine-tuned, as the catalog describes it.

    ``encoding`` is the shipped encoding used for counting; when ``encoding_exact`` is false the
    counts are an estimate (``encoding_note`` says why that encoding was chosen). ``None`` means
    unknown for ``example_token_limit``, ``training_price_per_1m_usd`` and ``shutdown_date``.
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

    def training_cost_usd(self, billed_tokens: int) -> float | None:
        """Estimated training cost for ``billed_tokens`` tokens, or ``None`` if the price is
        unknown."""
        if self.training_price_per_1m_usd is None:
            return None
        return billed_tokens * self.training_price_per_1m_usd / 1_000_000

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
    except _CatalogError as problem:
        raise _damaged(path, str(problem)) from None


def _damaged(path: Path, problem: str) -> ResourceError:
    return ResourceError(
        f"FineAuthor's model catalog ({path.name}) is damaged: {problem}. "
        "Reinstalling FineAuthor should fix it."
    )


class _CatalogError(Exception):
    """One problem found while checking the catalog; the text names where it is."""


class _Fields:
    """Typed access to one JSON object, with errors that say which object and which key."""

    def __init__(self, value: object, where: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(value, dict):
            raise _CatalogError(f"{where} must be an object")
        extra = [k for k in value if k not in allowed and not k.startswith("_")]
        if extra:
            raise _CatalogError(f'{where} has an unknown field "{extra[0]}"')
        self.value: Mapping[str, Any] = value
        self.where = where

    def _get(self, key: str) -> object:
        if key not in self.value:
            raise _CatalogError(f'{self.where} is missing "{key}"')
        return self.value[key]

    def _typed(self, key: str, check: Callable[[object], bool], kind: str) -> Any:
        value = self._get(key)
        if not check(value):
            raise _CatalogError(f'{self.where}: "{key}" must be {kind}, not {json.dumps(value)}')
        return value

    def text(self, key: str, *, empty: bool = False) -> str:
        value: str = self._typed(key, lambda v: isinstance(v, str), "text")
        if not empty and not value.strip():
            raise _CatalogError(f'{self.where}: "{key}" must not be empty')
        return value

    def flag(self, key: str) -> bool:
        return bool(self._typed(key, lambda v: isinstance(v, bool), "true or false"))

    def day(self, key: str) -> date:
        found = self._date_or_null(key, optional=False)
        assert found is not None  # _date_or_null refuses null unless optional
        return found

    def day_or_null(self, key: str) -> date | None:
        return self._date_or_null(key, optional=True)

    def _date_or_null(self, key: str, *, optional: bool) -> date | None:
        value = self._get(key)
        if value is None and optional:
            return None
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        kind = "a date like 2026-01-31" + (" or null" if optional else "")
        raise _CatalogError(f'{self.where}: "{key}" must be {kind}, not {json.dumps(value)}')

    def positive_int_or_null(self, key: str) -> int | None:
        def check(v: object) -> bool:
            return v is None or (isinstance(v, int) and not isinstance(v, bool) and v > 0)

        value: int | None = self._typed(key, check, "a whole number above 0 or null")
        return value

    def price_or_null(self, key: str) -> float | None:
        def check(v: object) -> bool:
            return v is None or (isinstance(v, int | float) and not isinstance(v, bool) and v >= 0)

        value = self._typed(key, check, "a number of dollars or null")
        return None if value is None else float(value)

    def items(self, key: str) -> list[object]:
        value: list[object] = self._typed(key, lambda v: isinstance(v, list), "a list")
        return value


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
)


def _parse(data: object) -> Catalog:
    top = _Fields(data, "the catalog", _TOP_FIELDS)
    as_of = top.day("as_of")
    providers = tuple(
        _parse_provider(item, index) for index, item in enumerate(top.items("providers"))
    )
    if not providers:
        raise _CatalogError("the catalog lists no providers")
    _check_unique([p.id for p in providers], "provider")
    provider_ids = {p.id for p in providers}
    models = tuple(
        _parse_model(item, index, provider_ids) for index, item in enumerate(top.items("models"))
    )
    _check_unique([m.id for m in models], "model")
    by_id = {m.id: m for m in models}

    def pick(key: str) -> str:
        model_id = top.text(key)
        if model_id not in by_id:
            raise _CatalogError(
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
            raise _CatalogError(f'the {kind} "{item_id}" is listed twice')
        seen.add(item_id)


def _label(value: object, index: int, kind: str) -> str:
    """``model 3 ("gpt-4o-2024-08-06")`` when the id can be read, else ``model 3``."""
    item_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(item_id, str) and item_id.strip():
        return f'{kind} {index + 1} ("{item_id}")'
    return f"{kind} {index + 1}"


def _parse_provider(value: object, index: int) -> ProviderInfo:
    where = _label(value, index, "provider")
    f = _Fields(value, where, _PROVIDER_FIELDS)
    dates = []
    for number, item in enumerate(f.items("dates")):
        d = _Fields(item, f"{where}, date {number + 1}", _DATE_FIELDS)
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
    )


def _parse_model(value: object, index: int, provider_ids: set[str]) -> ModelInfo:
    where = _label(value, index, "model")
    f = _Fields(value, where, _MODEL_FIELDS)
    provider = f.text("provider")
    if provider not in provider_ids:
        raise _CatalogError(f'{where}: "provider" is "{provider}", which the catalog does not list')
    encoding = f.text("encoding")
    if encoding not in SHIPPED_ENCODINGS:
        raise _CatalogError(
            f'{where}: "encoding" must be one of {", ".join(SHIPPED_ENCODINGS)}, not "{encoding}"'
        )
    encoding_exact = f.flag("encoding_exact")
    encoding_note = f.text("encoding_note", empty=True)
    if not encoding_exact and not encoding_note.strip():
        raise _CatalogError(f'{where}: an estimated encoding needs an "encoding_note" saying why')
    price = f.price_or_null("training_price_per_1m_usd")
    price_as_of = f.day_or_null("price_as_of")
    if price is not None and price_as_of is None:
        raise _CatalogError(f'{where}: a price needs its "price_as_of" date')
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
    )
