"""Together dedicated endpoints: the server of the writer's own that some trained models need
(Together runs LoRA add-ons of some bases for you; others, and every full fine-tune, need a
dedicated endpoint billed by the minute while it runs — DESIGN §3).

The endpoints (docs.together.ai/reference/createendpoint; docs.together.ai/docs/
dedicated-endpoints/manage, which also shows the hardware list with a price per minute; the
``inactive_timeout`` auto-stop, in minutes, from the same page's "auto-shutdown"):

- ``GET /hardware?model=M`` → ``{"data": [{"id", "pricing": {"cents_per_minute"},
  "availability": {"status"}}, …]}``: where the model can run and what that costs.
- ``POST /endpoints`` with ``model``, ``hardware``, ``autoscaling`` (``min_replicas``,
  ``max_replicas``), ``display_name``, ``inactive_timeout`` → the endpoint (``id``, ``model``,
  ``hardware``, ``state`` PENDING, STARTING, STARTED, STOPPING, STOPPED or ERROR,
  ``created_at``). It starts at once.
- ``GET /endpoints/{id}``; ``GET /endpoints?type=dedicated&mine=true`` → ``{"data": [...]}``;
  ``DELETE /endpoints/{id}`` stops and removes it.

Published prices (docs.together.ai/docs/dedicated-endpoints/overview, read late 2026): 1x H100
80GB $3.99 an hour; the hardware list's own price is the one used.
"""

from __future__ import annotations

from typing import Any

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.providers.base import (
    DEPLOYMENT_FAILED,
    DEPLOYMENT_READY,
    DEPLOYMENT_STARTING,
    DEPLOYMENT_STOPPED,
    DEPLOYMENT_STOPPING,
    Deployment,
    ProviderError,
)
from fineauthor.providers.json_fields import as_dict, as_list, as_number, as_text, as_time
from fineauthor.providers.together.records import PROVIDER_ID
from fineauthor.providers.together.transport import TogetherREST

_STATES = {
    "PENDING": DEPLOYMENT_STARTING,
    "STARTING": DEPLOYMENT_STARTING,
    "STARTED": DEPLOYMENT_READY,
    "STOPPING": DEPLOYMENT_STOPPING,
    "STOPPED": DEPLOYMENT_STOPPED,
    "ERROR": DEPLOYMENT_FAILED,
}
# Together stops an endpoint nobody has used for this many minutes: a last guard, should the
# app be gone before the writer could stop it.
AUTO_STOP_MINUTES = 60


def needs_deployment(model: str, *, lora: bool = True) -> bool:
    """Whether the catalog says a model trained on ``model``'s base needs a dedicated
    endpoint (no network)."""
    try:
        info = load_catalog().model(model)
    except FineAuthorError:
        return False
    return info.provider == PROVIDER_ID and info.serving_for(lora=lora).kind == "dedicated"


class TogetherDeployments:
    """Dedicated endpoints through one REST client; remembers the hardware prices it read."""

    def __init__(self, rest: TogetherREST) -> None:
        self._rest = rest
        self._prices: dict[str, float | None] = {}  # hardware id → dollars per hour

    def price(self, model: str) -> float | None:
        hardware = self._cheapest(model)
        return self._prices.get(hardware) if hardware else None

    def start(self, model: str) -> Deployment:
        hardware = self._cheapest(model)
        if hardware is None:
            raise ProviderError(
                ProviderError.MODEL_UNAVAILABLE,
                "Together AI has no server free for this model just now. Try again in a few "
                "minutes; nothing was started and nothing is being charged.",
            )
        body = {
            "model": model,
            "hardware": hardware,
            "autoscaling": {"min_replicas": 1, "max_replicas": 1},
            "display_name": "FineAuthor test bench",
            "inactive_timeout": AUTO_STOP_MINUTES,
        }
        # Never retried: a second request could rent a second server.
        response = self._rest.request(
            "POST", "/endpoints", json=body, retry=False, creating=True, model=model
        )
        return self._record(self._rest.json(response))

    def get(self, endpoint_id: str) -> Deployment:
        return self._record(self._rest.json(self._rest.request("GET", f"/endpoints/{endpoint_id}")))

    def stop(self, endpoint_id: str) -> None:
        self._rest.request("DELETE", f"/endpoints/{endpoint_id}")

    def every(self) -> list[Deployment]:
        params = {"type": "dedicated", "mine": "true"}
        data = self._rest.json(self._rest.request("GET", "/endpoints", params=params))
        return [self._record(as_dict(item)) for item in as_list(data.get("data"))]

    def _cheapest(self, model: str) -> str | None:
        response = self._rest.request("GET", "/hardware", params={"model": model}, model=model)
        offers: list[tuple[float, str]] = []
        for row in as_list(self._rest.json(response).get("data")):
            item = as_dict(row)
            hardware = as_text(item.get("id"))
            cents = as_number(as_dict(item.get("pricing")).get("cents_per_minute"))
            self._prices[hardware] = round(cents * 60 / 100, 2) if cents is not None else None
            status = as_text(as_dict(item.get("availability")).get("status")) or "available"
            if hardware and status == "available":
                offers.append((cents if cents is not None else float("inf"), hardware))
        return min(offers)[1] if offers else None

    def _record(self, data: dict[str, Any]) -> Deployment:
        word = as_text(data.get("state")).upper()
        return Deployment(
            id=as_text(data.get("id")),
            provider=PROVIDER_ID,
            model=as_text(data.get("model")),
            state=_STATES.get(word, DEPLOYMENT_STARTING),  # unknown: assume it is billed
            status=word.lower() or "unknown",
            price_per_hour_usd=self._prices.get(as_text(data.get("hardware"))),
            created_at=as_time(data.get("created_at")),
            # Replies come from the endpoint by its name ("<user>/<model>-<suffix>").
            chat_model=as_text(data.get("name")),
        )
