"""Writing prompts from prose (training/write_prompts.py) against a fake chat program: the
scenes that need a prompt get one in the writer's way, each checked and saved the moment it
arrives; the writer's own prompts are left alone; a cancelled or killed run loses nothing and
a rerun asks nothing twice."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fineauthor.core.dataset.prompt_origin import MODEL, TEMPLATE, WRITER
from fineauthor.core.project.project import Project
from fineauthor.providers.base import ProviderError, RemoteModel
from fineauthor.providers.local.service import LocalProvider
from fineauthor.training.write_prompts import plan_prompts, who_sees, write_prompts
from tests.fakes.chat_server import FakeChatServer, good_brief, scene_in
from tests.lighthouse_novel import SCENES, WRITER_PROMPT

MODEL_NAME = "llama3.2:3b"


def _prompts(path: Path) -> list[tuple[str, str, str]]:
    with Project.open(path) as project:
        return [(e.prompt, e.prompt_origin.by, e.prompt_origin.problem) for e in project.examples()]


def test_the_plan_names_the_scenes_that_need_a_prompt_and_who_sees_them(
    novel: Path, chat: FakeChatServer
) -> None:
    with Project.open(novel) as project:
        plan = plan_prompts(project, provider_id="local", model=MODEL_NAME)
        ids = project.example_ids()
        everything = plan_prompts(project, provider_id="local", model=MODEL_NAME, include_all=True)
        priced = RemoteModel("meta-llama/Llama-3.3-70B", input_price_per_1m_usd=0.88,
                             output_price_per_1m_usd=0.88)  # fmt: skip
        paid = plan_prompts(project, provider_id="together", model=priced.id, model_info=priced)
        unpriced = plan_prompts(project, provider_id="together", model="some-model")
    assert plan.example_ids == tuple(ids[:3])  # the writer's own prompt is not asked for
    assert everything.scenes == 4
    assert (plan.local, plan.cost_usd) == (True, 0.0)
    assert "stays on this computer" in plan.who_sees
    assert chat.base_url in plan.who_sees
    assert plan.tokens_sent > sum(len(s.split()) for s in SCENES)  # the scenes go out whole
    assert paid.cost_usd == pytest.approx((paid.tokens_sent + paid.tokens_back) * 0.88 / 1_000_000)
    assert unpriced.cost_usd is None
    assert paid.who_sees == (
        "Together AI will see the prose of these 3 scenes: it is sent to Together AI to write "
        "the prompts."
    )
    assert who_sees("fireworks", 1).startswith("Fireworks AI will see the prose of this scene")
    assert chat.chat_bodies == []  # planning asks nothing


def test_each_scene_gets_a_checked_prompt_in_the_writers_way(
    novel: Path, chat: FakeChatServer
) -> None:
    progress: list[tuple[int, int]] = []
    with Project.open(novel) as project, LocalProvider() as provider:
        plan = plan_prompts(project, provider_id="local", model=MODEL_NAME)
        written = write_prompts(
            project, provider, MODEL_NAME, plan.example_ids, progress=lambda *p: progress.append(p)
        )
    assert [w.attempts for w in written] == [1, 1, 1]
    assert progress == [(0, 3), (1, 3), (2, 3), (3, 3)]
    prompts = _prompts(novel)
    assert [by for _, by, _ in prompts] == [MODEL, MODEL, MODEL, WRITER]
    assert prompts[3][0] == WRITER_PROMPT
    assert all(p.endswith("About 120 words.") for p, _, _ in prompts[:3])
    # Each request carried its own scene, the writer's own prompt as an example of their
    # way, and the length to ask for.
    assert [scene_in(body) for body in chat.chat_bodies] == list(SCENES)
    request = chat.chat_bodies[0]["messages"][-1]["content"]
    assert WRITER_PROMPT in request
    assert "“about 120 words”" in request
    with Project.open(novel) as project:
        origin = project.example(project.example_ids()[0]).prompt_origin
        assert (origin.model, origin.reviewed, origin.problem) == (MODEL_NAME, False, "")
        assert origin.when  # when it was written
        assert project.summaries()[0].prompt_to_review


def test_a_prompt_that_copies_the_scene_is_asked_for_again_once(
    novel: Path, chat: FakeChatServer
) -> None:
    copying = f"Write this: {SCENES[0][:200]} About 120 words."
    chat.script(copying)  # the first reply echoes the prose; the second is fine
    with Project.open(novel) as project, LocalProvider() as provider:
        first = project.example_ids()[0]
        written = write_prompts(project, provider, MODEL_NAME, [first])
    assert [w.attempts for w in written] == [2]
    again = chat.chat_bodies[1]["messages"]
    assert again[-2] == {"role": "assistant", "content": copying}
    assert "copies words straight from the scene" in again[-1]["content"]
    prompt, by, problem = _prompts(novel)[0]
    assert (by, problem) == (MODEL, "")
    assert prompt == good_brief(chat.chat_bodies[1])


def test_a_prompt_that_fails_twice_is_kept_and_flagged_for_the_writer(
    novel: Path, chat: FakeChatServer
) -> None:
    chat.script("Rewrite the passage above.", "Rewrite the passage above, please.")
    with Project.open(novel) as project, LocalProvider() as provider:
        write_prompts(project, provider, MODEL_NAME, project.example_ids()[:1])
    prompt, by, problem = _prompts(novel)[0]
    assert (prompt, by) == ("Rewrite the passage above, please.", MODEL)
    assert "“the passage”" in problem
    assert "does not ask for a length" in problem
    assert len(chat.chat_bodies) == 2  # asked again once, not more


def test_a_run_cancelled_while_a_reply_comes_keeps_what_came_and_a_rerun_asks_only_the_rest(
    novel: Path, chat: FakeChatServer
) -> None:
    chat.hold, chat.hold_from = threading.Event(), 2  # the second reply stops after a word
    stop = threading.Event()

    def writer_cancels() -> None:
        while len(chat.chat_bodies) < 2:  # the second scene is being answered
            stop.wait(0.01)
        stop.set()  # Cancel is pressed…
        chat.hold.set()  # …and the next word arrives: nothing more is read

    canceller = threading.Thread(target=writer_cancels)
    canceller.start()
    with Project.open(novel) as project, LocalProvider() as provider:
        plan = plan_prompts(project, provider_id="local", model=MODEL_NAME)
        written = write_prompts(
            project, provider, MODEL_NAME, plan.example_ids, cancelled=stop.is_set
        )
    canceller.join(5)
    assert len(written) == 1
    assert [by for _, by, _ in _prompts(novel)] == [MODEL, TEMPLATE, TEMPLATE, WRITER]
    asked_before = len(chat.chat_bodies)
    with Project.open(novel) as project, LocalProvider() as provider:
        plan = plan_prompts(project, provider_id="local", model=MODEL_NAME)
        assert plan.example_ids == tuple(project.example_ids()[1:3])
        write_prompts(project, provider, MODEL_NAME, plan.example_ids)
    assert [scene_in(b) for b in chat.chat_bodies[asked_before:]] == list(SCENES[1:])
    assert [by for _, by, _ in _prompts(novel)] == [MODEL, MODEL, MODEL, WRITER]


def test_a_program_killed_mid_run_loses_nothing_and_the_rerun_finishes(
    novel: Path, chat: FakeChatServer
) -> None:
    chat.die_after = 2  # it answers twice, then is gone
    with Project.open(novel) as project, LocalProvider(max_retries=0) as provider:
        plan = plan_prompts(project, provider_id="local", model=MODEL_NAME)
        with pytest.raises(ProviderError) as raised:
            write_prompts(project, provider, MODEL_NAME, plan.example_ids)
    assert "Nothing is answering" in str(raised.value) or "stopped answering" in str(raised.value)
    assert [by for _, by, _ in _prompts(novel)] == [MODEL, MODEL, TEMPLATE, WRITER]
    chat.revive()
    with Project.open(novel) as project, LocalProvider() as provider:
        plan = plan_prompts(project, provider_id="local", model=MODEL_NAME)
        assert plan.scenes == 1
        write_prompts(project, provider, MODEL_NAME, plan.example_ids)
    assert [by for _, by, _ in _prompts(novel)] == [MODEL, MODEL, MODEL, WRITER]


def test_a_prompt_the_writer_typed_meanwhile_wins(novel: Path, chat: FakeChatServer) -> None:
    with Project.open(novel) as project, LocalProvider() as provider:
        first = project.example_ids()[0]

        def writer_types(body) -> str:
            project.set_message_content(first, 0, "My own prompt for this scene. About 120 words.")
            return good_brief(body)

        chat.reply_for = writer_types
        assert write_prompts(project, provider, MODEL_NAME, [first]) == []
    prompt, by, _ = _prompts(novel)[0]
    assert (prompt, by) == ("My own prompt for this scene. About 120 words.", WRITER)


def test_a_slow_program_is_waited_for_and_its_pieces_joined(
    novel: Path, chat: FakeChatServer
) -> None:
    chat.piece_delay = 0.01
    with Project.open(novel) as project, LocalProvider() as provider:
        written = write_prompts(project, provider, MODEL_NAME, project.example_ids()[:1])
    assert written[0].prompt == good_brief(chat.chat_bodies[0])


def test_a_service_with_a_key_writes_them_through_its_own_provider(
    novel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fineauthor.training.write_prompts import prompt_writer

    key = "tgp_v1_prompt-writing-test-key-0000"
    with FakeChatServer(api_key=key) as service:  # an OpenAI-compatible chat API, as Together's
        monkeypatch.setenv("TOGETHER_API_KEY", key)
        monkeypatch.setenv("TOGETHER_BASE_URL", service.base_url)
        with Project.open(novel) as project, prompt_writer("together") as provider:
            listed = provider.chat_models()
            plan = plan_prompts(project, provider_id="together", model=listed[0].id)
            write_prompts(project, provider, listed[0].id, plan.example_ids)
    assert "Together AI will see the prose" in plan.who_sees
    assert service.bearers == [key, key, key]  # the writer's key went to that service only
    assert [by for _, by, _ in _prompts(novel)] == [MODEL, MODEL, MODEL, WRITER]
