"""The training commands: ``train``, ``jobs`` and ``watch`` (DESIGN §6).

With ``--json`` each prints one JSON object per line, each with an ``event`` field; otherwise
short readable lines. Problems go to stderr as one plain sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fineauthor.cli.exit_codes import OK, PROBLEMS, UNUSABLE
from fineauthor.cli.parsing import positive
from fineauthor.core.dates import long_date
from fineauthor.core.errors import FineAuthorError

#: The day the command line goes by when it asks whether a service still takes new training
#: (tests set a fixed day).
today: Callable[[], date] = date.today


def add_training_commands(commands: argparse._SubParsersAction) -> None:
    """Register train, jobs and watch on the command parser."""
    train = commands.add_parser(
        "train",
        help="send a project's (or a training file's) examples to a service and start training",
    )
    train.set_defaults(run=run_train)
    train.add_argument("source", type=Path, metavar="FILE|PROJECT")
    train.add_argument("--provider", required=True, metavar="P", help="openai, together, …")
    train.add_argument("--model", required=True, metavar="M", help="the base model to train")
    train.add_argument("--epochs", type=positive, metavar="N", help="passes over the examples")
    train.add_argument("--suffix", metavar="S", help="a word to put in the trained model's name")
    train.add_argument("--yes", action="store_true", help="start without asking to confirm")
    train.add_argument(
        "--new",
        action="store_true",
        help="start a fresh attempt: send the examples again and start a new training, even "
        "if these examples were sent or trained before",
    )
    train.add_argument(
        "--method",
        choices=("supervised", "preference"),
        default="supervised",
        help="what the model learns from: the project's examples (supervised, the default), "
        "or the choices you made between two replies at the test bench (preference; the "
        "round builds on your latest model trained there from the same base, where the "
        "service allows it)",
    )
    train.add_argument(
        "--on-top-of",
        metavar="MODEL",
        help="preference only: the trained model to build on, by the name the service gave it "
        "(the newest one this project trained there is used when left out)",
    )
    train.add_argument("--json", action="store_true", help="print JSON lines")

    jobs = commands.add_parser("jobs", help="list the training jobs on a service")
    jobs.set_defaults(run=run_jobs)
    jobs.add_argument("--provider", required=True, metavar="P")
    jobs.add_argument("--json", action="store_true")

    watch = commands.add_parser("watch", help="follow a training job until it ends")
    watch.set_defaults(run=run_watch)
    watch.add_argument("job_id", metavar="JOB_ID")
    watch.add_argument("--provider", required=True, metavar="P")
    watch.add_argument("--json", action="store_true")


@dataclass
class _Out:
    """Prints events as JSON lines or as sentences."""

    as_json: bool

    def event(self, name: str, text: str, **fields: object) -> None:
        if self.as_json:
            print(json.dumps({"event": name, **fields}, ensure_ascii=False), flush=True)
        elif text:
            print(text, flush=True)


def _key(provider_id: str) -> str:
    from fineauthor.core.catalog import load_catalog
    from fineauthor.providers.keys import key_for

    info = load_catalog().provider(provider_id)
    key = key_for(provider_id)
    if key is None:
        raise FineAuthorError(
            f"There is no key for {info.name} yet. Add one with “fineauthor key set --provider "
            f"{provider_id}” or set the {info.api_key_env} environment variable."
        )
    return key.value


def _provider(provider_id: str):
    from fineauthor.providers.registry import open_provider

    return open_provider(provider_id, _key(provider_id))


def _refuse_if_closed(provider_id: str, day: date) -> None:
    """Stop, in plain words, when the service takes no new training on ``day``."""
    from fineauthor.core.catalog import load_catalog

    catalog = load_catalog()
    info = catalog.provider(provider_id)
    if info.new_jobs_end is None or info.takes_new_jobs(day):
        return
    others = [
        f"{p.name} (--provider {p.id})"
        for p in catalog.providers
        if p.id != info.id and p.new_users_can_fine_tune and p.takes_new_jobs(day)
    ]
    instead = f" Train with {' or '.join(others)} instead." if others else ""
    shutdowns = {m.shutdown_date for m in catalog.models_for(info.id) if m.shutdown_date}
    until = f" on {long_date(min(shutdowns))}" if len(shutdowns) == 1 else ""
    raise FineAuthorError(
        f"{info.name} takes no new training since {long_date(info.new_jobs_end)}, so "
        f"FineAuthor cannot start one there.{instead} What you already trained on {info.name} "
        f"is still listed by “fineauthor jobs --provider {info.id}” until it stops "
        f"working{until}."
    )


def run_train(options: argparse.Namespace) -> int:
    from fineauthor.core.catalog import load_catalog
    from fineauthor.core.project.project import Project
    from fineauthor.providers.base import PREFERENCE, TrainingOptions
    from fineauthor.providers.registry import open_provider
    from fineauthor.training.attempts import service_account, start_training
    from fineauthor.training.prepare import prepare, prepare_file

    out = _Out(options.json)
    catalog = load_catalog()
    _refuse_if_closed(options.provider, today())
    model = catalog.model(options.model)
    preference = options.method == PREFERENCE
    if options.on_top_of and not preference:
        raise FineAuthorError("--on-top-of goes with --method preference only.")
    key = _key(options.provider)
    provider = open_provider(options.provider, key)
    source: Path = options.source
    from_model = None
    if preference:
        if source.suffix != ".fineauthor":
            raise FineAuthorError(
                "Preference training learns from a project's choices: give a .fineauthor "
                "project (a file of choices can be brought into one with fineauthor import)."
            )
        project, dataset, from_model = _preference_round(options, provider, model, out)
    elif source.suffix == ".fineauthor":
        project = Project.open(source)
        dataset = prepare(project, model, provider.id, epochs=options.epochs)
    else:
        dataset = prepare_file(source, model, provider.id, epochs=options.epochs)
        project = _ledger()
    with project:
        estimate = dataset.report.estimate
        cost = "unknown" if estimate.cost_usd is None else f"about ${estimate.cost_usd:,.2f}"
        what = (
            f"{dataset.examples:,} {'choice' if dataset.examples == 1 else 'choices'}"
            if preference
            else f"{dataset.examples:,} {'example' if dataset.examples == 1 else 'examples'}"
        )
        rates = " at its preference-training price" if preference else ""
        out.event(
            "message",
            f"{what}, {estimate.billed_tokens:,} billed tokens over {estimate.epochs} passes: "
            f"{cost} to train {model.name} on {provider.name}{rates} (an estimate).",
            level="info",
            message=f"estimated cost: {cost}",
        )
        if not options.yes and not _confirmed():
            print(
                "fineauthor: Not started. Add --yes to start without being asked.", file=sys.stderr
            )
            return UNUSABLE
        training = TrainingOptions(
            epochs=options.epochs, suffix=options.suffix, method=options.method,
            from_model=from_model,
        )  # fmt: skip
        job = start_training(
            project,
            provider,
            model.id,
            training,
            dataset,
            account=service_account(provider.id, key),
            fresh=options.new,
            log=lambda text: out.event("message", text, level="info", message=text),
        )
        file_id = next(
            (row["file_id"] for row in reversed(project.jobs()) if row["job_id"] == job.id),
            job.training_file,
        )
        sent = "choices" if preference else "examples"
        out.event("uploaded", f"Uploaded the {sent} ({file_id}).", file_id=file_id)
        out.event(
            "job",
            f"Training job {job.id} created on {provider.name}. Follow it with: "
            f"fineauthor watch {job.id} --provider {provider.id}",
            job_id=job.id,
            provider=provider.id,
        )
    return OK


def _preference_round(options: argparse.Namespace, provider, model, out: _Out):
    """The project, its choices frozen for ``provider``, and the trained model the round builds
    on (None: the base model), said in one line first."""
    from fineauthor.core.project.project import Project
    from fineauthor.training.preference_round import prepare_preferences

    project = Project.open(options.source)
    try:
        dataset = prepare_preferences(
            project, model, provider, epochs=options.epochs, on_top_of=options.on_top_of
        )
    except BaseException:
        project.close()
        raise
    out.event("message", dataset.start_note, level="info", message=dataset.start_note)
    return project, dataset, dataset.from_model


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input("Start training? [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _ledger():
    """Where training from a plain file keeps its history: a project of its own."""
    from fineauthor.core.errors import ProjectError
    from fineauthor.core.project.project import Project
    from fineauthor.core.settings import folders

    path = folders().data / "command-line-jobs.fineauthor"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Project.open(path)
    except ProjectError:
        if path.exists():
            raise
        return Project.create(path, title="Jobs started from the command line")


def run_jobs(options: argparse.Namespace) -> int:
    out = _Out(options.json)
    provider = _provider(options.provider)
    jobs = provider.list_jobs()
    for job in jobs:
        model = job.fine_tuned_model or "—"
        out.event(
            "job",
            f"{job.id}  {job.status:<12} {job.model}  →  {model}",
            job_id=job.id,
            provider=provider.id,
            status=job.status,
            model=job.model,
            fine_tuned_model=job.fine_tuned_model,
        )
    if not jobs and not options.json:
        print(f"No training jobs on {provider.name} yet.")
    return OK


def run_watch(options: argparse.Namespace) -> int:
    from fineauthor.providers.base import SUCCEEDED
    from fineauthor.training.watch import JobWatcher, WatchUpdate

    out = _Out(options.json)
    provider = _provider(options.provider)

    def show(update: WatchUpdate) -> None:
        if update.status_changed:
            out.event("status", f"Status: {update.job.status}", status=update.job.status)
        for event in update.events:
            if event.kind == "message":
                out.event("message", event.message, level=event.level, message=event.message)
        for point in update.metrics:
            loss = "" if point.train_loss is None else f" training loss {point.train_loss:.4f}"
            out.event(
                "metrics",
                f"Step {point.step}:{loss}",
                step=point.step,
                train_loss=point.train_loss,
                valid_loss=point.valid_loss,
            )

    job = JobWatcher(provider, options.job_id).run(
        show, on_wait=lambda text: out.event("message", text, level="warning", message=text)
    )
    assert job is not None  # only a cancel returns None, and the command has none
    done = {
        SUCCEEDED: f"Done: the trained model is {job.fine_tuned_model}.",
    }.get(job.state, f"The job ended: {job.state}. {job.error_message or ''}".strip())
    out.event(
        "done",
        done,
        status=job.state,
        model=job.fine_tuned_model,
        message=job.error_message,
    )
    return OK if job.state == SUCCEEDED else PROBLEMS
