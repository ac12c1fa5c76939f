"""Hiding anything that looks like an API key in text that came from a service, before it can
reach a message, a log or a crash report. One place, for every provider."""

from __future__ import annotations

import re

HIDDEN = "[hidden]"
_KEY_LIKE = (
    re.compile(r"\b(?:sk|rk|pk|sess)-[A-Za-z0-9_\-*.]{6,}"),  # OpenAI-style keys, masked or not
    re.compile(r"(?i)\btgp_v\d+_[A-Za-z0-9_\-]{8,}"),  # Together AI keys
    re.compile(r"(?i)\bBearer\s+\S+"),
    re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+"),  # JSON web tokens
    re.compile(r"\b[0-9a-fA-F]{32,}\b"),  # long hex keys (Azure, Together)
    re.compile(r"(?i)(?<=key provided: )\S+"),  # "Incorrect API key provided: …"
)


def scrub(text: str, secret: str | None = None) -> str:
    """``text`` with ``secret`` and anything key-like replaced by ``[hidden]``."""
    if secret:
        text = text.replace(secret, HIDDEN)
    for pattern in _KEY_LIKE:
        text = pattern.sub(HIDDEN, text)
    return text
