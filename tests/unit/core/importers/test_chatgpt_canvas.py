"""Answers ChatGPT wrote in its canvas: the canvas fixture export
(tests/fixtures/chatgpt/canvas-conversations.json) and canvases made by hand, whatever their
requests and replies."""

from __future__ import annotations

import itertools
import json
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from fineauthor.core.dataset.validate import parse_example
from fineauthor.core.importers.chatgpt.conversation import ExportSummary, Skipped
from fineauthor.core.importers.chatgpt.conversation_list import pack
from fineauthor.core.importers.chatgpt.conversation_tree import read_conversation
from fineauthor.core.importers.chatgpt.examples import as_multi_turn, folded
from tests.paths import FIXTURES
from tests.unit.core.importers.chatgpt_samples import read_all, texts

CANVAS_FIXTURE = FIXTURES / "chatgpt" / "canvas-conversations.json"
LAMP_ROOM = "The lamp room — chapter 4"
WORD_COUNT = "Counting words per chapter"
CREATE, UPDATE = "canmore.create_textdoc", "canmore.update_textdoc"


# The fixture ------------------------------------------------------------------------------


def test_each_answer_written_in_the_canvas_is_the_canvas_as_chatgpt_left_it() -> None:
    conversations, summary = read_all(CANVAS_FIXTURE)
    assert summary.conversations == summary.usable == 3
    lamp = conversations[LAMP_ROOM]
    assert [turn.role for turn in lamp.turns] == ["user", "assistant"] * 3
    drafted, lengthened, renamed = (turn for turn in lamp.turns if turn.role == "assistant")
    assert {drafted.canvas, lengthened.canvas, renamed.canvas} == {"The Lamp Room"}
    # Created: the first draft.
    assert drafted.text.startswith("# The Lamp Room\n\nThe lamp room smelled of paraffin and salt.")
    assert drafted.text.endswith("meant to come back for it.")
    # Rewritten with ".*": the whole draft replaced by the longer scene, once.
    assert lengthened.text.startswith(drafted.text + "\n\nShe climbed the last three steps")
    assert lengthened.text.count("# The Lamp Room") == 1
    assert lengthened.text.endswith("“You’ve found his book, then,” said Petrov's son.")
    # "multiple": every Petrov renamed, nothing else changed.
    assert renamed.text == lengthened.text.replace("Petrov", "Andrei")
    assert "Petrov" not in renamed.text and renamed.text.count("Andrei") == 3
    # ChatGPT's notes in the chat pointed to the canvas; they are not the answers.
    for pointer in ("I’ve drafted the scene", "I’ve expanded the scene", "Done — every Petrov"):
        assert pointer not in texts(lamp)
    assert lamp.left_out == Counter()  # the canvas was used, not left out
    assert lamp.other_versions == 1


def test_a_canvas_on_a_version_the_writer_regenerated_away_is_not_used() -> None:
    lamp = read_all(CANVAS_FIXTURE)[0][LAMP_ROOM]
    assert "She screamed." not in texts(lamp)
    assert "more action" not in texts(lamp)
    # The rename applies to the version the writer saw, so it still finds Petrov to rename.
    assert lamp.turns[-1].text.endswith("said Andrei's son.")


def test_examples_use_the_canvas_and_say_so() -> None:
    lamp = read_all(CANVAS_FIXTURE)[0][LAMP_ROOM]
    example = folded(lamp)
    assert example.response == lamp.turns[-1].text
    assert example.prompt.endswith(
        "Use the canvas. Make it longer. Petrov should be Andrei everywhere."
    )
    assert example.note.endswith(
        "ChatGPT wrote this answer in its canvas (a document it keeps beside the chat), "
        "“The Lamp Room”: the text is the canvas as ChatGPT left it, not its short note in the "
        "chat."
    )
    kept = as_multi_turn(lamp)
    assert [m.content for m in kept.messages] == [turn.text for turn in lamp.turns]
    assert "ChatGPT wrote all 3 answers in its canvas" in kept.note
    assert "each is the canvas as ChatGPT left it" in kept.note
    for made in (example, kept):
        parsed, problems = parse_example(made.to_json(), 1)
        assert parsed is not None, problems
    # The dialog keeps conversations packed: where the text came from survives it.
    assert pack(lamp).unpack().turns == lamp.turns


def test_a_code_canvas_is_not_prose_so_the_reply_in_the_chat_stays() -> None:
    conversations, summary = read_all(CANVAS_FIXTURE)
    script = conversations[WORD_COUNT]
    assert script.canvas_answers == []
    assert script.turns[-1].text.startswith("The script is in the canvas. Put it in the folder")
    assert "pathlib" not in texts(script)
    assert script.left_out == Counter({Skipped.TOOLS: 2})  # the request and the tool's reply
    assert "canvas" not in folded(script).note
    assert summary.skipped[Skipped.TOOLS] == 4  # and the web search with its results


# Canvases by hand ---------------------------------------------------------------------------


def _message(role: str, text: str, **fields: object) -> dict:
    return {
        "author": {"role": role},
        "content": {"content_type": "text", "parts": [text]},
        **fields,
    }


def _request(tool: str, payload: object) -> dict:
    return {
        "author": {"role": "assistant"},
        "recipient": tool,
        "content": {"content_type": "code", "language": "json", "text": json.dumps(payload)},
    }


def _reply(tool: str, doc_id: str | None, text: str = "", **canvas: object) -> dict:
    reply = _message(
        "tool", text or f"Successfully updated text document with textdoc_id '{doc_id}'"
    )
    reply["author"]["name"] = tool
    if doc_id is not None:
        reply["metadata"] = {"canvas": {"textdoc_id": doc_id, "textdoc_type": "document", **canvas}}
    return reply


def _read(*messages: dict, summary: ExportSummary | None = None):
    """A conversation of ``messages`` in a chain, as the writer saw it."""
    mapping = {"root": {"id": "root", "message": None, "parent": None, "children": []}}
    parent = "root"
    for number, message in enumerate(messages):
        mapping[f"n{number}"] = {"id": f"n{number}", "message": message, "parent": parent}
        mapping[parent]["children"] = [f"n{number}"]
        parent = f"n{number}"
    return read_conversation(
        {"title": "By hand", "mapping": mapping, "current_node": parent}, 1, summary
    )


SCENE = "Mara lit the lamp. The sea was black.\n\nPetrov watched from the rocks."
CREATED = {"name": "Scene", "type": "document", "content": SCENE}


def test_an_update_that_failed_or_cannot_apply_leaves_the_canvas_as_it_was() -> None:
    for update in (
        {"pattern": "a storm", "multiple": False, "replacement": "x"},  # matches nothing
        {"pattern": "([", "multiple": False, "replacement": "x"},  # not a regular expression
        {"pattern": "Mara", "multiple": False, "replacement": r"\2"},  # no such group
    ):
        conversation = _read(
            _message("user", "Write the scene."),
            _request(CREATE, CREATED),
            _reply(CREATE, "doc1", title="Scene"),
            _request(UPDATE, {"updates": [update]}),
            _reply(UPDATE, "doc1"),
            _message("assistant", "I’ve updated the canvas."),
        )
        assert conversation is not None
        assert conversation.turns[-1].text == SCENE
    refused = _read(
        _message("user", "Write the scene."),
        _request(CREATE, CREATED),
        _reply(CREATE, "doc1", title="Scene"),
        _request(
            UPDATE, {"updates": [{"pattern": "black", "multiple": False, "replacement": "red"}]}
        ),
        _reply(UPDATE, None, "Failed with error: the tool could not apply the update."),
    )
    assert refused is not None and refused.turns[-1].text == SCENE


def test_first_match_only_unless_multiple_and_groups_expand() -> None:
    conversation = _read(
        _message("user", "Write the scene."),
        _request(CREATE, CREATED),  # no reply at all: taken as done
        _request(
            UPDATE,
            {
                "updates": [
                    {"pattern": r"\.", "multiple": False, "replacement": "!"},
                    {"pattern": r"(Mara|Petrov)", "multiple": True, "replacement": r"old \1"},
                ]
            },
        ),
    )
    assert conversation is not None
    assert conversation.turns[-1].text == (
        "old Mara lit the lamp! The sea was black.\n\nold Petrov watched from the rocks."
    )
    assert conversation.turns[-1].canvas == "Scene"


def test_a_long_reply_in_the_chat_stays_the_answer_and_the_canvas_is_counted() -> None:
    long_reply = "Here is the scene in full. " + "The sea was black and the lamp was lit. " * 20
    conversation = _read(
        _message("user", "Write the scene, and put notes in the canvas."),
        _request(CREATE, {"name": "Notes", "type": "document", "content": "Mara: lies. " * 10}),
        _reply(CREATE, "doc1"),
        _message("assistant", long_reply),
    )
    assert conversation is not None
    assert conversation.turns[-1].text == long_reply.strip()
    assert conversation.turns[-1].canvas is None
    assert conversation.left_out == Counter({Skipped.TOOLS: 2})


def test_a_turn_with_only_a_canvas_has_it_as_its_answer_without_citations() -> None:
    scene = "The widow wore crape【3†source】. Jet was proper \ue200cite\ue202turn0search1\ue201."
    conversation = _read(
        _message("user", "Describe the widow."),
        _request(CREATE, {"name": "Widow", "type": "document", "content": scene}),
        _reply(CREATE, "doc1", title="The widow"),
    )
    assert conversation is not None
    assert conversation.turns[-1].text == "The widow wore crape. Jet was proper."
    assert conversation.turns[-1].canvas == "The widow"


def test_an_update_to_a_canvas_this_thread_never_created_changes_nothing() -> None:
    summary = ExportSummary()
    conversation = _read(
        _message("user", "Make it shorter."),
        _request(UPDATE, {"updates": [{"pattern": ".*", "multiple": False, "replacement": "x"}]}),
        _reply(UPDATE, "elsewhere"),
        _message("assistant", "I’ve shortened it in the canvas."),
        summary=summary,
    )
    assert conversation is not None
    assert conversation.turns[-1].text == "I’ve shortened it in the canvas."
    assert conversation.left_out == Counter({Skipped.TOOLS: 2})


# Whatever the canvas requests --------------------------------------------------------------

patterns = st.sampled_from([".*", "Mara", "(", r"\w+", "", "^", "$", r"(a)|(b)", "x*"])
replacements = st.sampled_from(["", "Andrei", r"\1", r"\g<0>!", "\\", "雨 🌊", "\udc80"])
updates = st.fixed_dictionaries(
    {},
    optional={
        "pattern": patterns | st.integers(),
        "multiple": st.booleans() | st.none(),
        "replacement": replacements | st.none(),
    },
)
payloads = (
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.text(max_size=5) | st.none(),
            "type": st.sampled_from(["document", "code/python", 3]),
            "content": st.sampled_from([SCENE, SCENE * 3, "雨 🌊 " * 20, "\udc80 x"])
            | st.text(max_size=40)
            | st.integers(),
        },
    )
    | st.fixed_dictionaries({"updates": st.lists(updates, max_size=3) | st.text(max_size=3)})
    | st.just(CREATED)
    | st.none()
    | st.text(max_size=5)
)
doc_ids = st.sampled_from(["d1", "d2", None])


@st.composite
def canvas_threads(draw: st.DrawFn) -> list[dict]:
    thread = [_message("user", "Write the scene.")]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(st.integers(min_value=0, max_value=4))
        tool = draw(st.sampled_from([CREATE, UPDATE]))
        if kind <= 1:
            thread.append(_request(tool, draw(payloads)))
        elif kind == 2:
            thread.append(_reply(tool, draw(doc_ids), draw(st.text(max_size=10))))
        elif kind == 3:
            pointer = st.sampled_from(["Done.", "I’ve updated the canvas."]) | st.text(min_size=1)
            thread.append(_message("assistant", draw(pointer)))
        else:
            thread.append(_message("user", draw(st.text(min_size=1, max_size=10))))
    return thread


@settings(max_examples=200, deadline=None)
@given(thread=canvas_threads())
def test_any_canvas_requests_give_a_conversation_or_a_reason(thread: list[dict]) -> None:
    summary = ExportSummary()
    conversation = _read(*thread, summary=summary)
    if conversation is None:
        assert len(summary.left_out) == 1
        return
    roles = [turn.role for turn in conversation.turns]
    assert roles[0] == "user" and roles[-1] == "assistant"
    assert all(a != b for a, b in itertools.pairwise(roles))
    for turn in conversation.turns:
        assert turn.text.strip()
        turn.text.encode("utf-8")  # storable: no lone surrogates
        if turn.canvas is not None:
            turn.canvas.encode("utf-8")
    for example in (as_multi_turn(conversation), folded(conversation)):
        parsed, problems = parse_example(example.to_json(), 1)
        assert parsed is not None, problems
    assert pack(conversation).unpack().turns == conversation.turns
