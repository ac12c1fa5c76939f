"""Reading the model catalog's JSON objects with types checked: each value comes out as what
the catalog promises (text, a date, a price, a size) or a :class:`CatalogError` that names the
object and the key, so a damaged file is reported in words a reader can act on."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CatalogError(Exception):
    """One problem found while checking the catalog; the text names where it is."""


class Fields:
    """Typed access to one JSON object, with errors that say which object and which key."""

    def __init__(self, value: object, where: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(value, dict):
            raise CatalogError(f"{where} must be an object")
        extra = [k for k in value if k not in allowed and not k.startswith("_")]
        if extra:
            raise CatalogError(f'{where} has an unknown field "{extra[0]}"')
        self.value: Mapping[str, Any] = value
        self.where = where

    def _get(self, key: str) -> object:
        if key not in self.value:
            raise CatalogError(f'{self.where} is missing "{key}"')
        return self.value[key]

    def _typed(self, key: str, check: Callable[[object], bool], kind: str) -> Any:
        value = self._get(key)
        if not check(value):
            raise CatalogError(f'{self.where}: "{key}" must be {kind}, not {json.dumps(value)}')
        return value

    def text(self, key: str, *, empty: bool = False) -> str:
        value: str = self._typed(key, lambda v: isinstance(v, str), "text")
        if not empty and not value.strip():
            raise CatalogError(f'{self.where}: "{key}" must not be empty')
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
        raise CatalogError(f'{self.where}: "{key}" must be {kind}, not {json.dumps(value)}')

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

    def number_or_null(self, key: str, *, kind: str) -> float | None:
        """A number above 0 (``kind`` says what it counts, for the error), or ``None``."""

        def check(v: object) -> bool:
            return v is None or (isinstance(v, int | float) and not isinstance(v, bool) and v > 0)

        value = self._typed(key, check, f"{kind} above 0 or null")
        return None if value is None else float(value)

    def choice_or_null(self, key: str, choices: tuple[str, ...]) -> str | None:
        """One of ``choices``, or ``None``."""
        kind = "one of " + ", ".join(f'"{c}"' for c in choices) + " or null"
        value: str | None = self._typed(key, lambda v: v is None or v in choices, kind)
        return value

    def nested(self, key: str, allowed: tuple[str, ...], name: str) -> Fields:
        """The object under ``key``, read the same way; ``name`` says what it is in errors."""
        return Fields(self._get(key), f"{self.where}, {name}", allowed)
