"""The work that streams one model's reply on the thread pool: find the writer's key, ask the
service, and relay each piece to the GUI thread through the column's :class:`Reply`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from fineauthor.core.errors import FineAuthorError
from fineauthor.ui.bench.output_column import Reply


def chat_work(
    reply: Reply,
    *,
    provider_id: str,
    model: str,
    messages: list[dict[str, str]],
    temperature: float,
    max_tokens: int,
    no_key: str,
) -> Callable[[Callable[[int], None], Callable[[], bool]], bool]:
    """The work of one reply: find the key, ask, relay each piece. True when the reply came to
    its end, False when it was stopped."""

    def work(_progress: Callable[[int], None], cancelled: Callable[[], bool]) -> bool:
        from fineauthor.providers import keys
        from fineauthor.providers.registry import open_provider

        try:
            stored = keys.key_for(provider_id)
            if stored is None:
                raise FineAuthorError(no_key)
            provider = open_provider(provider_id, stored.value)
            if cancelled():
                return False
            pieces = provider.chat(model, messages, temperature=temperature, max_tokens=max_tokens)
            try:
                for piece in pieces:
                    if cancelled():
                        return False
                    try:
                        reply.piece.emit(piece)
                    except RuntimeError:  # the window and its reply are gone
                        return False
            finally:
                close = getattr(pieces, "close", None)
                if callable(close):
                    close()
        except FineAuthorError:
            raise
        except Exception:
            # A bug: the error dialog reports it (the worker passes it on); the column says so.
            with contextlib.suppress(RuntimeError):
                reply.broke.emit()
            raise
        return True

    return work
