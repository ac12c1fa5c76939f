"""Writing prompts from prose (instruction backtranslation, DESIGN §3): for each scene that
still needs a prompt, a chat model chosen by the writer writes the prompt that would have
produced it, in the writer's way of prompting; each is checked, asked again once when it fails,
and saved the moment it arrives.

``plan_prompts`` says what a run would do (how many scenes, how much text goes out, a rough
cost and time, and who sees the prose) without any network; ``write_prompts`` does it. The
editor runs it in a worker, ``fineauthor prompts`` runs it directly. A prompt the writer wrote
is never touched unless they ask for every prompt; a prompt a model already wrote is not asked
again, so a run that was stopped, cancelled or crashed picks up where it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.prompt_origin import MODEL, TEMPLATE, WRITER, PromptOrigin
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.dataset.tokens import TOKENS_PER_MESSAGE, count_text
from fineauthor.core.errors import FineAuthorError
from fineauthor.core.project.project import Project
from fineauthor.core.writing.brief_checks import check_brief
from fineauthor.core.writing.brief_request import (
    PromptStyle,
    brief_request,
    brief_target_words,
    clean_brief,
    prompt_style,
    retry_request,
    scene_of,
    writer_prompts,
)
from fineauthor.providers.base import Provider, ProviderError, RemoteModel
from fineauthor.providers.local.address import LOCAL_ID, LOCAL_NAME, local_base_url
from fineauthor.providers.registry import needs_key, open_provider

#: How text is counted for the estimate: an approximation for models that are not OpenAI's.
ENCODING = "o200k_base"
#: Tokens a model is expected to send back per scene: a prompt of ~110 words, with room for
#: the odd second try.
TOKENS_BACK_PER_SCENE = 200
#: How freely the model writes: some variety between prompts, not wild.
TEMPERATURE = 0.7
# Rough speeds (tokens per second) for the time estimate: a chat program on an ordinary
# computer reads a scene and writes slowly; a service answers in a second or two.
_LOCAL_READ, _LOCAL_WRITE = 400.0, 30.0
_SERVICE_READ, _SERVICE_WRITE, _SERVICE_WAIT = 5000.0, 60.0, 1.5
# How many of the writer's own prompts are read to find a few worth showing as examples.
_CANDIDATES = 12


@dataclass(frozen=True, slots=True)
class PromptPlan:
    """What writing prompts would do: which examples (in project order), how much text goes
    out and comes back (approximate), the cost (0.0 on this computer, None when the price is
    not known), a rough time in seconds, and who will see the prose."""

    example_ids: tuple[int, ...]
    scenes: int
    words_sent: int
    tokens_sent: int
    tokens_back: int
    cost_usd: float | None
    seconds: float
    local: bool
    who_sees: str


@dataclass(frozen=True, slots=True)
class WrittenPrompt:
    """One prompt written and saved: what it replaced (for undo) and how many tries it took
    (2 when the first failed the checks; ``origin.problem`` says what the last still got
    wrong, '' when it passed)."""

    example_id: int
    prompt: str
    origin: PromptOrigin
    before_prompt: str
    before_origin: PromptOrigin
    attempts: int


# -- which service -------------------------------------------------------------------------


def prompt_services() -> list[tuple[str, str]]:
    """Every service that can write prompts, as (id, name for the writer): the chat program
    on this computer first (the prose stays here), then the catalog's services."""
    return [(LOCAL_ID, LOCAL_NAME), *((p.id, p.name) for p in load_catalog().providers)]


def service_name(provider_id: str) -> str:
    """The service's name for the writer; a plain FineAuthorError for one FineAuthor lacks."""
    for known, name in prompt_services():
        if known == provider_id:
            return name
    ids = ", ".join(known for known, _ in prompt_services())
    raise FineAuthorError(
        f"FineAuthor does not know the service “{provider_id}”. Prompts can be written with: {ids}."
    )


def open_prompt_writer(provider_id: str) -> Provider:
    """The service that will write the prompts, with the writer's key (none for ``local``);
    a plain FineAuthorError when there is no key yet."""
    name = service_name(provider_id)
    if not needs_key(provider_id):
        return open_provider(provider_id, "")
    from fineauthor.providers.keys import environment_variable, key_for

    stored = key_for(provider_id)
    if stored is None:
        raise FineAuthorError(
            f"There is no key for {name} yet. Add one in Settings → Accounts (or with "
            f"“fineauthor key set --provider {provider_id}”, or the "
            f"{environment_variable(provider_id)} environment variable), or write the prompts "
            "on this computer instead."
        )
    return open_provider(provider_id, stored.value)


@contextlib.contextmanager
def prompt_writer(provider_id: str) -> Iterator[Provider]:
    """:func:`open_prompt_writer`, closed (its connections let go) when done."""
    provider = open_prompt_writer(provider_id)
    try:
        yield provider
    finally:
        close = getattr(provider, "close", None)
        if callable(close):
            close()


def who_sees(provider_id: str, scenes: int) -> str:
    """A plain sentence: which service will read the prose."""
    if provider_id == LOCAL_ID:
        return (
            "Your prose stays on this computer: only the chat program at "
            f"{local_base_url()} reads it."
        )
    name = service_name(provider_id)
    these = "this scene" if scenes == 1 else f"these {scenes:,} scenes"
    return f"{name} will see the prose of {these}: it is sent to {name} to write the prompts."


# -- what a run would do ---------------------------------------------------------------------


def _needs_asking(prompt_by: str, has_prompt: bool, include_all: bool) -> bool:
    """Empty or made from a template; with ``include_all`` also the writer's own. A model's
    prompt is never asked again unless ``include_all``, so a rerun asks nothing twice."""
    if include_all:
        return True
    return not has_prompt or prompt_by == TEMPLATE


def _chosen_ids(
    project: Project, include_all: bool, example_ids: Sequence[int] | None
) -> list[int]:
    allowed = None if example_ids is None else set(example_ids)
    return [
        summary.id
        for summary in project.summaries()
        if (allowed is None or summary.id in allowed)
        and summary.response_words > 0
        and _needs_asking(summary.prompt_by, bool(summary.prompt_preview), include_all)
    ]


def _writer_examples(project: Project, leave_out: set[int]) -> list[str]:
    """A few prompts the writer wrote themselves, to show the model their way of prompting."""
    candidates = [
        s.id
        for s in project.summaries()
        if s.prompt_by == WRITER and s.prompt_preview and s.id not in leave_out
    ][:_CANDIDATES]
    return writer_prompts(_examples(project, candidates))


def _examples(project: Project, ids: Iterable[int]) -> Iterable[Example]:
    for example_id in ids:
        try:
            yield project.example(example_id)
        except KeyError:  # deleted meanwhile
            continue


def _target(project_target: tuple[int | None, int | None], scene: str) -> int:
    return brief_target_words(count_words(scene), *project_target)


def _messages_tokens(messages: Sequence[dict[str, str]]) -> int:
    return sum(TOKENS_PER_MESSAGE + count_text(m["content"], ENCODING) for m in messages) + 3


def plan_prompts(
    project: Project,
    *,
    provider_id: str,
    model: str,
    include_all: bool = False,
    example_ids: Sequence[int] | None = None,
    model_info: RemoteModel | None = None,
) -> PromptPlan:
    """What writing prompts with ``model`` of ``provider_id`` would do. ``model_info`` is the
    model as the service lists it (``Provider.chat_models``), for its price when it has one;
    without a price the cost is None ("not known"). No network."""
    service_name(provider_id)  # an unknown service is said plainly
    del model  # the same request goes to any model; the model matters only for its price
    chosen = _chosen_ids(project, include_all, example_ids)
    settings = project.settings
    style = prompt_style(settings)
    samples = _writer_examples(project, set(chosen))
    target = (settings.target_words, settings.tolerance_words)
    ids: list[int] = []
    words = tokens = 0
    for example in _examples(project, chosen):
        scene = scene_of(example)
        if not scene.strip() or example.id is None:
            continue
        messages = brief_request(
            scene, target_words=_target(target, scene), style=style, examples=samples
        )
        ids.append(example.id)
        words += sum(count_words(m["content"]) for m in messages)
        tokens += _messages_tokens(messages)
    back = TOKENS_BACK_PER_SCENE * len(ids)
    local = provider_id == LOCAL_ID
    return PromptPlan(
        example_ids=tuple(ids),
        scenes=len(ids),
        words_sent=words,
        tokens_sent=tokens,
        tokens_back=back,
        cost_usd=0.0 if local else _cost(model_info, tokens, back),
        seconds=_seconds(local, len(ids), tokens, back),
        local=local,
        who_sees=who_sees(provider_id, len(ids)),
    )


def _cost(model: RemoteModel | None, sent: int, back: int) -> float | None:
    if model is None:
        return None
    price_in, price_out = model.input_price_per_1m_usd, model.output_price_per_1m_usd
    if price_in is None or price_out is None:
        return None
    return (sent * price_in + back * price_out) / 1_000_000


def _seconds(local: bool, scenes: int, sent: int, back: int) -> float:
    """A rough time: speeds vary tenfold between computers, models and services."""
    if local:
        return sent / _LOCAL_READ + back / _LOCAL_WRITE
    return scenes * _SERVICE_WAIT + sent / _SERVICE_READ + back / _SERVICE_WRITE


# -- writing them ------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reply(
    provider: Provider, model: str, messages: Sequence[dict[str, str]], stop: Callable[[], bool]
) -> str | None:
    """The model's whole reply, or None when the writer cancelled while it came in."""
    pieces = provider.chat(model, messages, temperature=TEMPERATURE)
    try:
        parts: list[str] = []
        for piece in pieces:
            if stop():
                return None
            parts.append(piece)
        return "".join(parts)
    finally:
        close = getattr(pieces, "close", None)
        if callable(close):
            close()


@dataclass(frozen=True, slots=True)
class _Run:
    """What every example of one run is asked with."""

    provider: Provider
    model: str
    style: PromptStyle
    samples: list[str]
    target: tuple[int | None, int | None]  # the project's target words and tolerance
    stop: Callable[[], bool]

    def reply(self, messages: Sequence[dict[str, str]]) -> str | None:
        return _reply(self.provider, self.model, messages, self.stop)


def _ask_for_brief(
    run: _Run, messages: list[dict[str, str]], scene: str, target_words: int
) -> tuple[str, list[str], int] | None:
    """(prompt, what is still wrong with it, tries), asking once more when the first fails
    the checks; None when cancelled."""
    reply = run.reply(messages)
    if reply is None:
        return None
    first = clean_brief(reply)
    problems = check_brief(first, scene, target_words)
    if not problems:
        return first, [], 1
    again = run.reply(retry_request(messages, first, problems))
    if again is None:
        return None
    second = clean_brief(again)
    second_problems = check_brief(second, scene, target_words)
    if not second and not first:
        raise ProviderError(
            ProviderError.SERVER,
            f"The model “{run.model}” sent back no prompt, twice, so FineAuthor stopped. The "
            "prompts written before are saved. Try again, or choose another model.",
        )
    # The better of the two (the second when they are as good): saved and flagged.
    if second and len(second_problems) <= len(problems):
        return second, second_problems, 2
    return first, problems, 2


def write_prompts(
    project: Project,
    provider: Provider,
    model: str,
    example_ids: Sequence[int],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_prompt: Callable[[WrittenPrompt], None] | None = None,
) -> list[WrittenPrompt]:
    """Have ``model`` write the prompt of each example in ``example_ids`` (usually a plan's),
    in that order, each saved the moment it arrives. ``progress(done, total)`` after each
    example; ``cancelled()`` is asked between examples and while a reply comes in, and stops
    the run keeping what was saved. A ProviderError from the service is raised as it is
    (what was saved stays). An example deleted, emptied or edited by the writer meanwhile is
    left alone."""
    ids = list(dict.fromkeys(example_ids))
    total = len(ids)
    settings = project.settings
    run = _Run(
        provider=provider,
        model=model,
        style=prompt_style(settings),
        samples=_writer_examples(project, set(ids)),
        target=(settings.target_words, settings.tolerance_words),
        stop=cancelled or (lambda: False),
    )
    written: list[WrittenPrompt] = []
    if progress is not None:
        progress(0, total)
    for done, example_id in enumerate(ids, start=1):
        if run.stop():
            break
        item = _write_one(project, run, example_id)
        if item is _CANCELLED:
            break
        if isinstance(item, WrittenPrompt):
            written.append(item)
            if on_prompt is not None:
                on_prompt(item)
        if progress is not None:
            progress(done, total)
    return written


_CANCELLED = object()


def _write_one(project: Project, run: _Run, example_id: int) -> WrittenPrompt | object | None:
    """The prompt of one example, saved; None when there was nothing to do, _CANCELLED when
    the writer stopped it."""
    try:
        before = project.example(example_id)
    except KeyError:
        return None
    scene = scene_of(before)
    if not scene.strip():
        return None
    words = _target(run.target, scene)
    messages = brief_request(scene, target_words=words, style=run.style, examples=run.samples)
    outcome = _ask_for_brief(run, messages, scene, words)
    if outcome is None:
        return _CANCELLED
    brief, problems, attempts = outcome
    try:
        now = project.example(example_id)
    except KeyError:
        return None
    if (now.prompt, now.prompt_origin) != (before.prompt, before.prompt_origin):
        return None  # the writer changed it while the model was writing: theirs wins
    origin = PromptOrigin(MODEL, model=run.model, when=_now(), problem=" ".join(problems))
    project.set_prompts([(example_id, brief, origin)])
    return WrittenPrompt(
        example_id=example_id,
        prompt=brief,
        origin=origin,
        before_prompt=before.prompt,
        before_origin=before.prompt_origin,
        attempts=attempts,
    )
