"""Checks of a project's preference pairs (the writer's choices between two replies), judged by
the rules of the service that will train on them, and what training on them would cost.

A pair is the prompt the models were given, the reply the writer preferred and the other one.
Preference fine-tuning (DPO, DESIGN §3) learns from the difference between the two, so a pair
whose replies are the same teaches nothing, and the preferred reply is what the model moves
towards: it is held to the writer's target length and banned phrases like any example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fineauthor.core.catalog import ModelInfo
from fineauthor.core.dataset.checks import CheckSettings, project_check_settings
from fineauthor.core.dataset.estimate import Estimate, estimate
from fineauthor.core.dataset.example import Message
from fineauthor.core.dataset.preference_pair import PreferencePair
from fineauthor.core.dataset.problems import Problem, error, warning
from fineauthor.core.dataset.service_rules import OPENAI, ServiceRules
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.dataset.tokens import TokenCache, count_texts, example_tokens
from fineauthor.core.project.project_settings import ProjectSettings
from fineauthor.core.writing.win_conditions import (
    BannedPhrases,
    conditions_from_json,
    phrase_pattern,
)

#: Below this many choices a preference round rarely changes a model much; the writer is told,
#: not stopped. (The services' own minimums are far lower; this is advice, not a rule.)
ADVISED_PAIRS = 30

UNIT = "Choice"  # how messages name a pair's place in the list: "Choice 3"


@dataclass(frozen=True, slots=True)
class PairFacts:
    number: int
    tokens: int  # billed per pass: the prompt with each of the two replies
    preferred_words: int


@dataclass
class PairReport:
    """What the check of the pairs found, and what training on them would cost."""

    model: ModelInfo
    pairs: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    facts: list[PairFacts] = field(default_factory=list)
    estimate: Estimate = field(default_factory=lambda: Estimate(0, 0, None))
    rules: ServiceRules = OPENAI

    @property
    def total_tokens(self) -> int:
        return sum(f.tokens for f in self.facts)

    def problems_of(self, number: int) -> list[Problem]:
        """The errors, then the warnings, about one pair (by its number, from 1)."""
        return [p for p in (*self.errors, *self.warnings) if p.line == number]


def pair_tokens(pair: PreferencePair, encoding: str, cache: TokenCache | None = None) -> int:
    """Tokens one pair costs per pass: the service reads the prompt once with each reply."""
    return _pair_tokens([pair], encoding, cache)[0]


def check_pairs(
    pairs: Sequence[PreferencePair],
    settings: CheckSettings,
    *,
    banned: Sequence[str] = (),
    epochs: int | None = None,
    lora: bool = True,
    cache: TokenCache | None = None,
) -> PairReport:
    """Check ``pairs`` for training ``settings.model`` on ``settings.service``; ``banned``
    are the writer's banned phrases, looked for in each preferred reply."""
    rules = settings.rules
    model = settings.model
    report = PairReport(model=model, pairs=len(pairs), rules=rules)
    tokens = _pair_tokens(pairs, model.encoding, cache)
    patterns = [(p, phrase_pattern(p)) for p in BannedPhrases(tuple(banned)).phrases]
    for number, (pair, count) in enumerate(zip(pairs, tokens, strict=True), start=1):
        words = count_words(pair.preferred)
        report.facts.append(PairFacts(number, count, words))
        for problem in _pair_problems(number, pair, count, settings):
            (report.errors if problem.level == "error" else report.warnings).append(problem)
        report.warnings.extend(_length_problems(number, words, settings))
        for phrase, pattern in patterns:
            if pattern.search(pair.preferred):
                report.warnings.append(
                    warning(
                        "pair_banned_phrase",
                        f"{UNIT} {number}: the reply you preferred says “{phrase}”, one of your "
                        "banned phrases, so training would teach it. Edit it out of the "
                        "preferred reply, or delete the choice.",
                        number,
                        quote=phrase,
                    )
                )
    for problem in _count_problems(len(pairs), rules):
        (report.errors if problem.level == "error" else report.warnings).append(problem)
    limit = model.example_token_limit
    billed = (count if limit is None else min(count, 2 * limit) for count in tokens)
    report.estimate = estimate(billed, model, epochs=epochs, lora=lora, preference=True)
    return report


def _pair_tokens(
    pairs: Sequence[PreferencePair], encoding: str, cache: TokenCache | None
) -> list[int]:
    texts: list[str] = []
    for pair in pairs:
        texts.extend(m.content for m in pair.messages)
        texts.extend((pair.preferred, pair.other))
    counts = iter(count_texts(texts, encoding, cache) if texts else [])
    totals = []
    for pair in pairs:
        prompt = [next(counts) for _ in pair.messages]
        replies = (next(counts), next(counts))
        totals.append(
            sum(
                example_tokens(
                    [*prompt, reply], (*pair.messages, Message("assistant", "")), encoding
                )
                for reply in replies
            )
        )
    return totals


def _pair_problems(
    number: int, pair: PreferencePair, tokens: int, settings: CheckSettings
) -> list[Problem]:
    found: list[Problem] = []
    here = f"{UNIT} {number}"
    if not pair.prompt.strip():
        found.append(
            error(
                "pair_no_prompt",
                f"{here} has no prompt: the model would not know what the replies answer. "
                "Write the prompt, or delete the choice.",
                number,
            )
        )
    elif pair.messages[-1].role != "user":
        found.append(
            error(
                "pair_prompt_not_last",
                f"{here}: what the models were asked must end with your prompt, not with a "
                "reply. Delete the reply at the end of the prompt.",
                number,
            )
        )
    roles = sorted({m.role for m in pair.messages} - settings.rules.roles)
    if roles:
        found.append(
            error(
                "pair_unknown_role",
                f"{here} has a “{roles[0]}” turn, which {settings.rules.name} does not accept.",
                number,
            )
        )
    empty = [
        name
        for name, text in (("preferred", pair.preferred), ("other", pair.other))
        if not text.strip()
    ]
    if empty:
        which = "Both replies are" if len(empty) == 2 else f"The {empty[0]} reply is"
        found.append(
            error(
                "pair_empty_reply",
                f"{here}: {which} empty. A choice needs two replies to learn from: fill it in, "
                "or delete the choice.",
                number,
            )
        )
    elif " ".join(pair.preferred.split()) == " ".join(pair.other.split()):
        found.append(
            error(
                "pair_identical",
                f"{here}: the two replies are the same, so there is nothing to learn from the "
                "choice. Change one of them, or delete the choice.",
                number,
            )
        )
    limit = settings.model.example_token_limit
    if limit is not None and tokens > 2 * limit:
        found.append(
            error(
                "pair_too_long",
                f"{here} is too long for {settings.model.name}, which reads at most "
                f"{limit:,} tokens of prompt and reply; the rest would be cut off. Shorten the "
                "replies.",
                number,
            )
        )
    return found


def _length_problems(number: int, words: int, settings: CheckSettings) -> list[Problem]:
    target = settings.target_words
    if not target or not words:
        return []
    tolerance = settings.tolerance_words or 0
    if abs(words - target) <= tolerance:
        return []
    side = "shorter" if words < target else "longer"
    return [
        warning(
            "pair_off_target_length",
            f"{UNIT} {number}: the reply you preferred is {words:,} words, {side} than your "
            f"target of {target:,} (± {tolerance:,}). Training on it would pull the model's "
            "length that way.",
            number,
        )
    ]


def _count_problems(count: int, rules: ServiceRules) -> list[Problem]:
    if count < rules.min_examples:
        needed = rules.min_examples
        have = "none yet" if count == 0 else f"{count:,}"
        return [
            error(
                "too_few_pairs",
                f"{rules.name} needs at least {needed:,} "
                f"{'choice' if needed == 1 else 'choices'} to learn from, and there "
                f"{'is' if count == 1 else 'are'} {have}. Make more choices at the test bench.",
            )
        ]
    if rules.max_examples is not None and count > rules.max_examples:
        return [
            error(
                "too_many_pairs",
                f"{rules.name} takes at most {rules.max_examples:,} choices in one training, "
                f"and there are {count:,}.",
            )
        ]
    if count < ADVISED_PAIRS:
        return [
            warning(
                "few_pairs",
                f"{count:,} {'choice' if count == 1 else 'choices'} so far. A round of "
                f"preference training usually needs {ADVISED_PAIRS} or more to change how the "
                "model writes: a batch at the test bench gathers them quickly.",
            )
        ]
    return []


def banned_phrases(win_conditions: Sequence[Mapping[str, object]]) -> tuple[str, ...]:
    """Every banned phrase among a project's win conditions (its ``win_conditions`` setting);
    conditions that cannot be read are left out here (the bench says what is wrong with them)."""
    found: list[str] = []
    for item in win_conditions:
        try:
            conditions = conditions_from_json([item])
        except ValueError:
            continue
        for condition in conditions:
            if isinstance(condition, BannedPhrases):
                found.extend(condition.phrases)
    return tuple(found)


def check_project_pairs(
    pairs: Sequence[PreferencePair],
    project_settings: ProjectSettings,
    model: ModelInfo,
    service: str | None = None,
    *,
    epochs: int | None = None,
    lora: bool = True,
    cache: TokenCache | None = None,
) -> PairReport:
    """Check a project's pairs by its own choices (target length, banned phrases) for ``model``
    trained on ``service`` (the model's own when None)."""
    settings = project_check_settings(project_settings, model, service)
    return check_pairs(
        pairs,
        settings,
        banned=banned_phrases(project_settings.win_conditions),
        epochs=epochs,
        lora=lora,
        cache=cache,
    )
