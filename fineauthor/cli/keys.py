"""The ``key`` command: keep, show or remove a training service's API key."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from fineauthor.cli.exit_codes import OK, PROBLEMS, fail
from fineauthor.cli.parsing import Parser
from fineauthor.core.errors import FineAuthorError

if TYPE_CHECKING:
    from fineauthor.core.catalog import ProviderInfo


def add_key_command(commands: argparse._SubParsersAction) -> None:
    """Register ``key`` on the command parser."""
    key = commands.add_parser(
        "key",
        help="keep, show or remove the API key for a training service",
        description="Keep the API key for a training service in your system keychain, see "
        "whether one is set and where, or remove it. An environment variable such as "
        "OPENAI_API_KEY overrides the kept key.",
    )
    key.set_defaults(run=run_key)
    key_actions = key.add_subparsers(dest="action", required=True, parser_class=Parser)
    for action, text in (
        ("set", "read a key from standard input (not shown) and keep it in the system keychain"),
        ("status", "say whether a key is set and where (exit 0 when set, 1 when not)"),
        ("delete", "remove the key kept in the system keychain"),
    ):
        action_parser = key_actions.add_parser(
            action, help=text, description=text[0].upper() + text[1:] + "."
        )
        action_parser.add_argument(
            "--provider", required=True, metavar="P", help="the service: openai, together, …"
        )


def run_key(options: argparse.Namespace) -> int:
    """``fineauthor key set|status|delete --provider P``."""
    from fineauthor.core.catalog import load_catalog
    from fineauthor.providers.keys import KeychainError

    info = load_catalog().provider(options.provider)  # unknown: exit 2, naming the known ones
    action = {"set": _key_set, "status": _key_status, "delete": _key_delete}[options.action]
    try:
        return action(info)
    except KeychainError as problem:
        return fail(str(problem), PROBLEMS)


def _no_keychain(why: str, info: ProviderInfo) -> int:
    return fail(
        f"{why} The command line cannot keep a key for this session only, because each "
        f"command runs on its own: set the environment variable {info.api_key_env} instead.",
        PROBLEMS,
    )


def _overridden(info: ProviderInfo) -> bool:
    return bool(os.environ.get(info.api_key_env, "").strip())


def _key_set(info: ProviderInfo) -> int:
    from fineauthor.providers import keys

    usable, why = keys.keychain_status()
    if not usable:
        return _no_keychain(why, info)
    stored = keys.save_key(info.id, _read_key(info))
    print(f"Saved your {info.name} key ({stored.masked}) in the system keychain.")
    if _overridden(info):
        print(
            f"Note: {info.api_key_env} is set in your environment; FineAuthor uses that key "
            "instead while it is set.",
            file=sys.stderr,
        )
    return OK


def _read_key(info: ProviderInfo) -> str:
    """The key, typed or pasted without echo at a terminal, else the first line of stdin."""
    text = ""
    if sys.stdin is not None:
        if sys.stdin.isatty():
            import getpass

            try:
                text = getpass.getpass(f"Paste your {info.name} API key (it is not shown): ")
            except EOFError:
                text = ""
        else:
            text = sys.stdin.readline()
    if not text.strip():
        raise FineAuthorError(
            f"No key was given. Paste it when asked, or pipe it in: "
            f"… | fineauthor key set --provider {info.id}"
        )
    return text


def _key_status(info: ProviderInfo) -> int:
    from fineauthor.providers import keys

    stored = keys.key_for(info.id)
    usable, why = keys.keychain_status()
    if stored is None:
        print(f"{info.name}: not set")
        if not usable:
            print(f"Note: {why}", file=sys.stderr)
        return PROBLEMS
    if stored.source == keys.ENVIRONMENT:
        print(f"{info.name}: set, from environment ({info.api_key_env}): {stored.masked}")
        kept = keys.keychain_key(info.id) if usable else None
        if kept:
            print(
                f"Note: the {info.name} key in the system keychain ({keys.masked(kept)}) is "
                f"not used while {info.api_key_env} is set.",
                file=sys.stderr,
            )
    else:
        print(f"{info.name}: set, in the system keychain: {stored.masked}")
    return OK


def _key_delete(info: ProviderInfo) -> int:
    from fineauthor.providers import keys

    usable, why = keys.keychain_status()
    if not usable:
        return fail(f"{why} There is no kept {info.name} key to remove.", PROBLEMS)
    if keys.delete_key(info.id):
        print(f"Removed your {info.name} key from the system keychain.")
    else:
        print(f"There was no {info.name} key in the system keychain.")
    if _overridden(info):
        print(
            f"Note: {info.api_key_env} is still set in your environment; FineAuthor uses it "
            "until you remove it there.",
            file=sys.stderr,
        )
    return OK
