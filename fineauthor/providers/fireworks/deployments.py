"""Fireworks deployments: the on-demand server a trained LoRA add-on needs before it can answer
(Fireworks runs LoRA models only there, billed per GPU-second — DESIGN §3).

The endpoints (docs.fireworks.ai/api-reference/create-deployment, list-deployments;
docs.fireworks.ai/fine-tuning/deploying-loras, "live merge": a deployment whose ``baseModel``
is the LoRA model itself):

- ``POST /v1/accounts/{a}/deployments`` with ``baseModel``, ``displayName``,
  ``minReplicaCount``, ``maxReplicaCount`` → the deployment (``name``
  ``accounts/{a}/deployments/{id}``, ``state``, ``createTime``).
- ``GET .../deployments?pageSize=&pageToken=`` → ``{"deployments": [...], "nextPageToken"}``;
  ``GET .../deployments/{id}`` → the deployment; ``DELETE .../deployments/{id}`` stops it.

Fireworks' pricing page gives per-GPU-hour prices by GPU type, and the GPU a deployment gets is
Fireworks' choice: no price per hour is stated here (None, "not known").
"""

from __future__ import annotations

from typing import Any

from fineauthor.providers.base import (
    DEPLOYMENT_FAILED,
    DEPLOYMENT_READY,
    DEPLOYMENT_STARTING,
    DEPLOYMENT_STOPPED,
    DEPLOYMENT_STOPPING,
    Deployment,
)
from fineauthor.providers.fireworks.records import PROVIDER_ID, last_segment
from fineauthor.providers.fireworks.transport import FireworksREST
from fineauthor.providers.json_fields import as_dict, as_list, as_text, as_time

_STATES = {
    "CREATING": DEPLOYMENT_STARTING,
    "UPDATING": DEPLOYMENT_STARTING,
    "READY": DEPLOYMENT_READY,
    "DELETING": DEPLOYMENT_STOPPING,
    "DELETED": DEPLOYMENT_STOPPED,
    "FAILED": DEPLOYMENT_FAILED,
}
_PUBLIC_MODELS = "accounts/fireworks/"  # Fireworks' own models; a writer's live in their account
_MAX_PAGES = 10


def needs_deployment(model: str) -> bool:
    """A model in the writer's own account (a trained add-on) runs only on a deployment."""
    return model.startswith("accounts/") and not model.startswith(_PUBLIC_MODELS)


def start(rest: FireworksREST, model: str) -> Deployment:
    body = {
        "baseModel": model,
        "displayName": "FineAuthor test bench",
        "minReplicaCount": 1,
        "maxReplicaCount": 1,
    }
    # Never retried: a second request could rent a second server.
    response = rest.request(
        "POST", rest.account_path("/deployments"), json=body, retry=False, creating=True
    )
    return record(rest.json(response))


def get(rest: FireworksREST, deployment_id: str) -> Deployment:
    path = rest.account_path(f"/deployments/{last_segment(deployment_id)}")
    return record(rest.json(rest.request("GET", path)))


def stop(rest: FireworksREST, deployment_id: str) -> None:
    # Asking twice to stop is harmless, so this one may be retried.
    rest.request("DELETE", rest.account_path(f"/deployments/{last_segment(deployment_id)}"))


def every(rest: FireworksREST) -> list[Deployment]:
    found: list[Deployment] = []
    token = ""
    for _ in range(_MAX_PAGES):
        params = {"pageSize": "100", **({"pageToken": token} if token else {})}
        data = rest.json(rest.request("GET", rest.account_path("/deployments"), params=params))
        found += [record(as_dict(item)) for item in as_list(data.get("deployments"))]
        token = as_text(data.get("nextPageToken"))
        if not token:
            break
    return found


def record(data: dict[str, Any]) -> Deployment:
    word = as_text(data.get("state")).upper()
    name, model = as_text(data.get("name")), as_text(data.get("baseModel"))
    return Deployment(
        id=last_segment(as_text(data.get("name"))),
        provider=PROVIDER_ID,
        model=model,
        state=_STATES.get(word, DEPLOYMENT_STARTING),  # an unknown word: assume it is billed
        status=word.lower() or "unknown",
        price_per_hour_usd=None,
        created_at=as_time(data.get("createTime")),
        # A model on a deployment of its own is asked for as "<model>#<deployment name>"
        # (docs.fireworks.ai "Deploying models", model identifier).
        chat_model=f"{model}#{name}" if model and name else "",
    )
