"""Asking a chat model to write, for one of the writer's finished scenes, the prompt that would
have produced it, in the writer's own way of prompting (instruction backtranslation, DESIGN §3),
and reading its answer.

The writer's way of prompting comes from the project: the planning wizard's prompt template and
follow-ups, the system prompt the trained model will be given, and a few prompts the writer
wrote themselves. The prompt must ask for the target length, so the trained model learns to
write that long. The instructions come after the scene, so a small local model that cuts a
long scene short still reads them last.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fineauthor.core.dataset.example import Example
from fineauthor.core.dataset.prompt_origin import WRITER
from fineauthor.core.dataset.summary import count_words
from fineauthor.core.project.project_settings import ProjectSettings
from fineauthor.core.writing.bench_scoring import wizard_template
from fineauthor.core.writing.brief_checks import MAX_WORDS, MIN_WORDS
from fineauthor.core.writing.prompt_template import as_sentence, placeholders

# Where the planning wizard keeps the follow-ups the writer keeps sending, in the project's
# ``wizard`` setting (spelled as in ui/wizard/draft.py: core cannot import the ui; a test checks
# they agree).
WIZARD_FOLLOW_UPS = "follow_ups"

#: How many of the writer's own prompts are shown as examples of their way of prompting.
EXAMPLE_PROMPTS = 3
# Longer texts are cut to this many words: they show a way of prompting, not a whole outline.
_EXAMPLE_WORDS, _TEMPLATE_WORDS, _SYSTEM_WORDS = 250, 400, 200
# What the model is asked for: comfortably inside what the checks accept.
ASK_MIN_WORDS, ASK_MAX_WORDS = max(30, MIN_WORDS), min(150, MAX_WORDS)

Messages = list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class PromptStyle:
    """How the writer prompts: their usual prompt (gaps in braces), what they keep asking
    after a first answer, and the system prompt the trained model is given."""

    template: str = ""
    follow_ups: tuple[str, ...] = ()
    system_prompt: str = ""


def prompt_style(settings: ProjectSettings) -> PromptStyle:
    """The writer's way of prompting, as the project and its planning wizard hold it."""
    wizard: Mapping[str, Any] = settings.wizard or {}
    follow_ups = wizard.get(WIZARD_FOLLOW_UPS)
    lines = follow_ups.splitlines() if isinstance(follow_ups, str) else []
    return PromptStyle(
        template=wizard_template(wizard).strip(),
        follow_ups=tuple(line.strip() for line in lines if line.strip()),
        system_prompt=settings.system_prompt.strip(),
    )


def writer_prompts(
    examples: Iterable[Example], *, limit: int = EXAMPLE_PROMPTS, leave_out: Container[int] = ()
) -> list[str]:
    """Up to ``limit`` different prompts the writer wrote themselves (not a template with
    gaps still open), in project order, from examples not in ``leave_out``."""
    found: list[str] = []
    for example in examples:
        if len(found) >= limit:
            break
        if example.id in leave_out or example.prompt_origin.by != WRITER:
            continue
        prompt = example.prompt.strip()
        if prompt and not placeholders(prompt) and prompt not in found:
            found.append(prompt)
    return found


def scene_of(example: Example) -> str:
    """The prose a prompt is written for: the reply to the example's first prompt (its first
    reply when it has no prompt yet); '' when there is none."""
    first_user = next((i for i, m in enumerate(example.messages) if m.role == "user"), -1)
    for message in example.messages[first_user + 1 :]:
        if message.role == "assistant":
            return message.content
    return ""


def round_words(words: int) -> int:
    """A length as a writer says it: 1,847 → 1,800; 430 → 450; 37 → 40."""
    step = 10 if words < 100 else 50 if words < 1000 else 100
    return max(step, (words + step // 2) // step * step)  # halves up, as people round


def brief_target_words(
    scene_words: int, target_words: int | None = None, tolerance_words: int | None = None
) -> int:
    """The length the prompt for a scene of ``scene_words`` asks for: the project's target when
    the scene is within its tolerance (15% when none is set), else the scene's own length,
    rounded, so the prompt never asks for a length its scene does not have."""
    if target_words:
        give = tolerance_words if tolerance_words is not None else round(0.15 * target_words)
        if abs(scene_words - target_words) <= give:
            return target_words
    return round_words(max(1, scene_words))


def _cut(text: str, words: int) -> str:
    parts = text.split()
    return text.strip() if len(parts) <= words else " ".join(parts[:words]) + " …"


_SYSTEM = (
    "You help a novelist turn scenes they have finished into examples for training an AI "
    "model to write like them. Each example pairs a prompt with the scene it should produce. "
    "You write the prompt: the request the novelist would have typed to a writing assistant "
    "to get the scene written."
)


def _style_lines(style: PromptStyle, examples: Sequence[str]) -> list[str]:
    lines: list[str] = []
    if style.template:
        lines += [
            "Their usual prompt looks like this (the words in braces are filled in each time):",
            f"<usual prompt>\n{_cut(style.template, _TEMPLATE_WORDS)}\n</usual prompt>",
        ]
    if any(as_sentence(f) for f in style.follow_ups):
        asks = " ".join(as_sentence(f) for f in style.follow_ups if as_sentence(f))
        lines.append(
            f"After a first answer they often ask for more: {asks} Fold these into the prompt "
            "where they fit this scene."
        )
    if examples:
        lines.append("Prompts they wrote themselves:")
        lines += [
            f"<their prompt {n}>\n{_cut(text, _EXAMPLE_WORDS)}\n</their prompt {n}>"
            for n, text in enumerate(examples, start=1)
        ]
    if style.system_prompt:
        lines.append(
            "The trained model is given this system prompt before each prompt, so the prompt "
            f"need not repeat it:\n<system prompt>\n{_cut(style.system_prompt, _SYSTEM_WORDS)}"
            "\n</system prompt>"
        )
    return lines


def brief_request(
    scene: str,
    *,
    target_words: int,
    style: PromptStyle | None = None,
    examples: Sequence[str] = (),
) -> Messages:
    """The chat messages that ask a model for the prompt of ``scene``: in the writer's
    ``style``, like their own prompts ``examples``, asking for about ``target_words``."""
    style = style or PromptStyle()
    scene = scene.strip()
    known = _style_lines(style, examples)
    if known:
        how = [
            "How this novelist writes prompts:",
            *known,
            "Write the prompt their way: the same voice, tone, length and habits.",
        ]
    else:
        how = [
            "Write it as a novelist briefing an assistant: plain and direct, addressed to the "
            "assistant (“Write the scene where …”)."
        ]
    request = "\n\n".join(
        [
            f"Here is a finished scene from the novelist's book (about "
            f"{count_words(scene):,} words):",
            f"<scene>\n{scene}\n</scene>",
            "Write the prompt the novelist would have typed to a writing assistant to get "
            "this scene written, before any of it existed.",
            *how,
            "Rules:\n"
            "- Say what happens, who is in it, where and when, whose point of view it is told "
            "from, and its mood, so that a writer could write this scene from the prompt "
            "alone.\n"
            "- Use your own words: do not copy sentences or phrases from the scene (names of "
            "people and places are fine).\n"
            "- Ask for a scene that does not exist yet: never mention “the passage”, “the "
            "text”, “the excerpt” or “the scene above”.\n"
            f"- Ask for its length in these words: “about {target_words:,} words”.\n"
            f"- Keep the prompt between {ASK_MIN_WORDS} and {ASK_MAX_WORDS} words.\n"
            "- Reply with the prompt only: no title, no quotation marks, no explanation.",
        ]
    )
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": request}]


def retry_request(
    messages: Sequence[dict[str, str]], brief: str, problems: Sequence[str]
) -> Messages:
    """``messages`` asked again after the model answered ``brief``, which had ``problems``."""
    said = " ".join(problems)
    return [
        *(dict(m) for m in messages),
        {"role": "assistant", "content": brief},
        {
            "role": "user",
            "content": f"That prompt has a problem. {said} Write the prompt again, fixing "
            "this, and reply with the prompt only.",
        },
    ]


_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.IGNORECASE | re.DOTALL)
_UNCLOSED_THINKING = re.compile(r"^\s*<(?:think|thinking|reasoning)>.*", re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"^```[^\n]*\n(.*?)\n?```$", re.DOTALL)
_LABEL = re.compile(
    r"^(?:(?:here(?:'s| is)|sure[,!.]?\s*here(?:'s| is))\b[^\n:]{0,60}:\s*|\**prompt\**\s*:\**\s*)",
    re.IGNORECASE,
)
_QUOTES = (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’"))


def clean_brief(reply: str) -> str:
    """The prompt in a model's reply, without what models wrap around it: their thinking
    (``<think>…</think>``), a code fence, a "Here is the prompt:" or "Prompt:" label, and
    quotation marks around the whole."""
    text = _UNCLOSED_THINKING.sub("", _THINKING.sub("", reply)).strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    text = _LABEL.sub("", text, count=1).strip()
    for opening, closing in _QUOTES:
        inner = text[len(opening) : -len(closing)]
        if (
            len(text) > 2
            and text.startswith(opening)
            and text.endswith(closing)
            and opening not in inner
        ):
            text = inner.strip()
            break
    return text
