"""``fineauthor prompts PROJECT --provider P --model M [--all] [--yes] [--json]`` (DESIGN §6):
have a chat model write the prompt of every scene that still needs one (empty, or filled from
an import's template; every scene with ``--all``), each saved the moment it arrives.

First the plan: how many scenes, the cost (or "free, on this computer"), a rough time and who
sees the prose; then it asks before starting (``--yes`` does not ask). With ``--json`` it
prints ``{"event": "estimate", …}``, one ``{"event": "prompt", …}`` per prompt and last
``{"event": "done", …}``. Ctrl+C stops it and keeps what was saved; the same command again
writes only the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fineauthor.cli.exit_codes import INTERRUPTED, OK, PROBLEMS, UNUSABLE, fail
from fineauthor.core.errors import FineAuthorError

if TYPE_CHECKING:
    from fineauthor.providers.base import Provider, RemoteModel
    from fineauthor.training.write_prompts import PromptPlan


def add_prompts_command(commands: argparse._SubParsersAction) -> None:
    """Register ``prompts`` on the command parser."""
    prompts = commands.add_parser(
        "prompts",
        help="have a chat model write the prompts of scenes that have none (or only a template's)",
    )
    prompts.set_defaults(run=run_prompts)
    prompts.add_argument("project", type=Path, metavar="PROJECT")
    prompts.add_argument(
        "--provider",
        required=True,
        metavar="P",
        help="local (a chat program on this computer: the prose stays here), openai, "
        "together, fireworks",
    )
    prompts.add_argument("--model", required=True, metavar="M", help="the chat model to ask")
    prompts.add_argument(
        "--all",
        action="store_true",
        help="write a new prompt for every scene, even the ones you wrote yourself",
    )
    prompts.add_argument("--yes", action="store_true", help="start without asking to confirm")
    prompts.add_argument("--json", action="store_true", help="print JSON lines")


def _emit(as_json: bool, name: str, text: str, **fields: object) -> None:
    if as_json:
        print(json.dumps({"event": name, **fields}, ensure_ascii=False), flush=True)
    elif text:
        print(text, flush=True)


def rough_time(seconds: float) -> str:
    """A rough time in words: "under a minute", "about 12 minutes", "about 3 hours"."""
    minutes = seconds / 60
    if minutes < 1:
        return "under a minute"
    if minutes < 90:
        return f"about {round(minutes)} minute{'s' if round(minutes) != 1 else ''}"
    return f"about {round(minutes / 60)} hours"


def _plan_text(plan: PromptPlan, model: str, service: str) -> str:
    scenes = "1 scene" if plan.scenes == 1 else f"{plan.scenes:,} scenes"
    if plan.local:
        cost = "Free, on this computer."
    elif plan.cost_usd is None:
        cost = (
            f"Cost: not known ({service} does not list a price for “{model}”); about "
            f"{plan.tokens_sent:,} tokens go out and {plan.tokens_back:,} come back."
        )
    else:
        cost = f"Cost: about ${plan.cost_usd:,.2f} (an estimate)."
    return (
        f"Prompts to write: {scenes}, with “{model}” ({service}).\n{cost}\n"
        f"Time: {rough_time(plan.seconds)} (a rough guess).\n{plan.who_sees}"
    )


def _model_info(provider: Provider, model: str, local: bool) -> RemoteModel | None:
    """The model as the service lists it (for its price). A chat program on this computer
    must be running and have the model: that is said before anything starts."""
    from fineauthor.providers.base import ProviderError

    try:
        listed = provider.chat_models()
    except ProviderError:
        if local:
            raise
        return None  # no price then; the service still says no plainly if the model is wrong
    found = next((m for m in listed if m.id == model), None)
    if found is None and local:
        names = ", ".join(m.id for m in listed) or "none yet"
        raise FineAuthorError(
            f"The chat program on this computer has no model called “{model}”. The models it "
            f"has: {names}."
        )
    return found


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        return False
    print("Start? [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def run_prompts(options: argparse.Namespace) -> int:
    from fineauthor.core.project.project import Project
    from fineauthor.providers.base import ProviderError
    from fineauthor.providers.local.address import LOCAL_ID
    from fineauthor.training.write_prompts import (
        WrittenPrompt,
        plan_prompts,
        prompt_writer,
        service_name,
        write_prompts,
    )

    as_json: bool = options.json
    service = service_name(options.provider)
    local = options.provider == LOCAL_ID
    with Project.open(options.project) as project, prompt_writer(options.provider) as provider:
        try:
            info = _model_info(provider, options.model, local)
        except ProviderError as problem:
            return fail(str(problem), PROBLEMS)
        plan = plan_prompts(
            project,
            provider_id=options.provider,
            model=options.model,
            include_all=options.all,
            model_info=info,
        )
        _emit(
            as_json,
            "estimate",
            _plan_text(plan, options.model, service),
            provider=options.provider,
            model=options.model,
            scenes=plan.scenes,
            examples=list(plan.example_ids),
            words_sent=plan.words_sent,
            tokens_sent=plan.tokens_sent,
            tokens_back=plan.tokens_back,
            cost_usd=plan.cost_usd,
            seconds=round(plan.seconds, 1),
            local=plan.local,
            who_sees=plan.who_sees,
        )
        if not plan.scenes:
            message = (
                "Every scene already has a prompt (yours, or one a model wrote). Add --all to "
                "have new ones written for every scene, your own included."
            )
            _emit(
                as_json, "done", message, written=0, flagged=0, status="finished", message=message
            )
            return OK
        if not options.yes and not _confirmed():
            return fail("Not started. Add --yes to start without being asked.", UNUSABLE)

        written: list[WrittenPrompt] = []

        def show(item: WrittenPrompt) -> None:
            written.append(item)
            flag = f"\n  Check it: {item.origin.problem}" if item.origin.problem else ""
            _emit(
                as_json,
                "prompt",
                f"Example {item.example_id} ({len(written)} of {plan.scenes:,}): "
                f"{item.prompt}{flag}",
                example=item.example_id,
                prompt=item.prompt,
                problem=item.origin.problem or None,
                attempts=item.attempts,
            )

        def done(status: str, message: str) -> None:
            flagged = sum(1 for item in written if item.origin.problem)
            _emit(
                as_json,
                "done",
                message,
                written=len(written),
                flagged=flagged,
                status=status,
                message=message,
            )

        try:
            write_prompts(project, provider, options.model, plan.example_ids, on_prompt=show)
        except KeyboardInterrupt:
            done("cancelled", _stopped(len(written)))
            return INTERRUPTED
        except ProviderError as problem:
            done("failed", f"{problem} {_kept(len(written))}")
            return fail(str(problem), PROBLEMS)
        flagged = sum(1 for item in written if item.origin.problem)
        done("finished", _finished(len(written), flagged))
    return OK


def _prompts(count: int) -> str:
    return "1 prompt" if count == 1 else f"{count:,} prompts"


def _kept(count: int) -> str:
    if not count:
        return "No prompt was written."
    return (
        f"The {_prompts(count)} written before that {'is' if count == 1 else 'are'} saved; "
        "the same command again writes only the rest."
    )


def _stopped(count: int) -> str:
    return f"Stopped. {_kept(count)}"


def _finished(count: int, flagged: int) -> str:
    text = f"Done: {_prompts(count)} written and saved, waiting for you to review."
    if flagged:
        these = "1 of them still fails" if flagged == 1 else f"{flagged:,} of them still fail"
        text += f" {these} a check (said beside it): look at those first."
    return text
