"""Which code talks to which training service, and at which address.

The address of a service is, in order: its environment override (``OPENAI_BASE_URL``,
``TOGETHER_BASE_URL``, … — how the tests point the app at local fake servers), the custom
address the writer set in Settings (Azure OpenAI, Nebius, a proxy), or the catalog's default.
Fireworks also needs the writer's account id: ``FIREWORKS_ACCOUNT_ID``, else the one set in
Settings → Accounts. Without one it still opens (so it is offered), and its first call says
plainly where to enter the id. ``local``, a chat server on the writer's own computer, is not a
training service and not in the catalog: it has its own address (``providers/local/address``)
and no key.
"""

from __future__ import annotations

import os

from fineauthor.core.catalog import load_catalog
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.settings import load_settings
from fineauthor.providers.base import Provider
from fineauthor.providers.local.address import LOCAL_ID


def base_url_for(provider_id: str) -> str:
    info = load_catalog().provider(provider_id)
    override = os.environ.get(info.base_url_env, "").strip()
    if override:
        return override
    custom = load_settings()["base_urls"]
    if (
        isinstance(custom, dict)
        and isinstance(custom.get(provider_id), str)
        and custom[provider_id]
    ):
        return custom[provider_id]
    return info.base_url


ACCOUNT_ID_ENV = "FIREWORKS_ACCOUNT_ID"


def fireworks_account_id() -> str:
    """The Fireworks account id in use: the environment's, else the one in Settings."""
    override = os.environ.get(ACCOUNT_ID_ENV, "").strip()
    if override:
        return override
    saved = load_settings()["fireworks_account_id"]
    return saved.strip() if isinstance(saved, str) else ""


def needs_key(provider_id: str) -> bool:
    """Whether the service is reached with an API key (the writer's own computer is not)."""
    return provider_id != LOCAL_ID


def provider_class(provider_id: str) -> type[Provider]:
    """The class behind a service, for what it can do (``trains_preferences``…) before any key
    is at hand; FineAuthorError for a service FineAuthor cannot train with."""
    return type(open_provider(provider_id, "fineauthor-probe-not-a-key"))  # no network


def open_provider(provider_id: str, api_key: str) -> Provider:
    """The service ``provider_id`` (a catalog id, or ``local``), reached with ``api_key``
    (ignored for ``local``)."""
    if provider_id == LOCAL_ID:
        from fineauthor.providers.local.service import LocalProvider

        return LocalProvider()  # at local_base_url(): LOCAL_BASE_URL, Settings, or Ollama's
    base_url = base_url_for(provider_id)
    if provider_id == "openai":
        from fineauthor.providers.openai.service import OpenAIProvider

        return OpenAIProvider(api_key, base_url=base_url)
    if provider_id == "together":
        from fineauthor.providers.together.service import TogetherProvider

        return TogetherProvider(api_key, base_url=base_url)
    if provider_id == "fireworks":
        from fineauthor.providers.fireworks.service import FireworksProvider

        return FireworksProvider(api_key, fireworks_account_id(), base_url=base_url)
    name = load_catalog().provider(provider_id).name
    raise FineAuthorError(f"FineAuthor cannot train with {name} yet. Choose another service.")
