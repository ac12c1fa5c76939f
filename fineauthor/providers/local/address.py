"""Where the chat server on the writer's computer answers, and finding one that is running.

The address is, in order: ``LOCAL_BASE_URL`` (how the tests point FineAuthor at a fake), the
address set in Settings (``local_base_url``), or Ollama's usual one. Ollama, LM Studio,
llama.cpp's server and vLLM all answer OpenAI's ``/v1/models`` and ``/v1/chat/completions``
with no key (DESIGN §3).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fineauthor.core.settings import load_settings
from fineauthor.providers.json_fields import as_dict, as_list, as_text

LOCAL_ID = "local"
LOCAL_NAME = "On this computer"
BASE_URL_ENV = "LOCAL_BASE_URL"
OLLAMA_URL = "http://localhost:11434/v1"
LM_STUDIO_URL = "http://localhost:1234/v1"

#: The programs looked for, at the address each uses unless told otherwise.
USUAL_SERVERS: tuple[tuple[str, str], ...] = (
    ("Ollama", OLLAMA_URL),
    ("LM Studio", LM_STUDIO_URL),
    ("llama.cpp", "http://localhost:8080/v1"),
    ("vLLM", "http://localhost:8000/v1"),
)


def normal_address(text: str) -> str:
    """An address as a writer may type it ("localhost:11434") as the API root the servers
    answer at ("http://localhost:11434/v1"); '' stays ''."""
    address = text.strip().rstrip("/")
    if not address:
        return ""
    if "://" not in address:
        address = "http://" + address
    scheme, _, rest = address.partition("://")
    if "/" not in rest:  # only a host and port: the servers answer under /v1
        address = f"{scheme}://{rest}/v1"
    return address


def local_base_url() -> str:
    """The address in use: the environment's, else the one set in Settings, else Ollama's."""
    override = normal_address(os.environ.get(BASE_URL_ENV, ""))
    if override:
        return override
    saved = load_settings()["local_base_url"]
    chosen = normal_address(saved) if isinstance(saved, str) else ""
    return chosen or OLLAMA_URL


@dataclass(frozen=True, slots=True)
class LocalServer:
    """A chat server found answering on this computer, and the models it offers."""

    name: str  # "Ollama", "LM Studio", … or "Your server" for the address set in Settings
    base_url: str
    models: tuple[str, ...]


def model_ids(data: object) -> tuple[str, ...]:
    """The model ids of a ``/v1/models`` answer (``{"data": [{"id": …}, …]}``), in its order."""
    found: list[str] = []
    for entry in as_list(as_dict(data).get("data")):
        model = as_text(as_dict(entry).get("id")).strip()
        if model and model not in found:
            found.append(model)
    return tuple(found)


def find_local_servers(
    addresses: Sequence[tuple[str, str]] | None = None, *, timeout: float = 0.5
) -> list[LocalServer]:
    """The chat servers answering on this computer, in the order of ``addresses`` (the
    address in use first, then the usual ones). Each is asked at once, all at the same time,
    and waited for at most ``timeout`` seconds: a quick look for the writer to choose from,
    never an error."""
    if addresses is None:
        current = local_base_url()
        usual = [(name, url) for name, url in USUAL_SERVERS if url != current]
        known = dict((url, name) for name, url in USUAL_SERVERS)
        addresses = [(known.get(current, "Your server"), current), *usual]
    if not addresses:
        return []
    with ThreadPoolExecutor(max_workers=len(addresses)) as pool:
        answers = list(pool.map(lambda pair: _ask(pair[0], pair[1], timeout), addresses))
    return [server for server in answers if server is not None]


def _ask(name: str, base_url: str, timeout: float) -> LocalServer | None:
    import httpx2  # only when looking: the address alone needs no network library

    try:
        response = httpx2.get(
            base_url.rstrip("/") + "/models",
            timeout=httpx2.Timeout(timeout),
            headers={"Accept": "application/json"},
            trust_env=False,  # never through a proxy: the prose is meant to stay here
        )
        if response.status_code != 200:
            return None
        data = response.json()
    except (httpx2.HTTPError, ValueError):
        return None
    if not isinstance(as_dict(data).get("data"), list):
        return None  # something else answers there, not a chat server
    return LocalServer(name, base_url.rstrip("/"), model_ids(data))
