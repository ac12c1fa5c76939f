"""What every test-bench test against the fake OpenAI server starts from: a trained model and
the one it came from, their replies, the writer's system prompt, win conditions and passage,
and a project holding them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.project import Project
from fineauthor.core.writing.fingerprint import fingerprint
from fineauthor.core.writing.win_conditions import (
    BannedPhrases,
    DialogueFromStart,
    FreeText,
    KnowledgeGoal,
    LengthBand,
    PointOfViewNote,
    conditions_to_json,
)
from fineauthor.ui.bench.bench_window import BenchWindow
from fineauthor.ui.shell import workers

FT = "ft:gpt-4.1-mini-2025-04-14:fineauthor:hush:abc123"
BASE_MODEL = "gpt-4.1-mini-2025-04-14"
KEY = "sk-test-fake-bench-key-0000"

SYSTEM = (
    "You are Saltmarrow Hush, a storyteller of coastal gothic and quiet literary suspense. "
    "Write in close third person and past tense. Bring dialogue in early and keep it spare."
)
PROMPT = (
    "Opening scene. Odile Brask, postmistress on a tidal island, meets the last crossing before "
    "the causeway floods. A council surveyor, Jonah Pell, arrives with too much luggage. Get "
    "them talking early; end on her noticing something off about him."
)
TEMPLATE = "Scene: {beat}. Stay inside Odile’s head; bring dialogue in within the first lines."
WRITER_PASSAGE = (
    "“Mind the third step,” her mother said. “It’s been meaning to go for years.”\n\n"
    "Nell minded it. The house smelled of salt and old coats, and somewhere above them a window "
    "knocked in its frame, once, twice, then thought better of it.\n\n"
    "“You came by the sands.”\n\n"
    "“The bus was late.”\n\n"
    "“The bus is always late. That’s why there’s sands.” Her mother set the kettle on and did "
    "not look round. “You’ll stay the night.”\n\n"
    "It was not a question, so Nell did not answer it."
)

FT_REPLY = """“You’ll want the lamp,” Odile said, before he had both feet on the slipway.

Jonah Pell looked at the lamp she held out, then at the sky, which still had a little yellow left in it over the mainland. “It’s barely six.”

“It’s barely six now.”

She turned and walked and he followed, because there was nothing else on the island to follow. The causeway was already gone behind them. Water had come up over the stones without any sound at all, the way it always did, and the last of the light lay on it flat as tin.

The post office stood where the road gave up. She unlocked it and went in first, and the smell of the place met them: paper, paraffin, the damp that lived in the skirting boards whatever she did. He set his cases down on the counter as though he meant to open them.

“Not there,” she said.

“Sorry.” He moved them to the floor. “Is there somewhere I could sleep? The council said—”

“The council says a lot of things to people on the far side of the water.” She lit the second lamp and turned the wick down until it stopped smoking. “There’s the room over the sorting office. The bed is dry. The window doesn’t shut.”

“That’s fine. I’m not fussy.”

She looked at him then, properly, for the first time since the slipway. His boots were new. His coat was new. The tripod had a brass plate screwed to one leg, and on the plate someone had scratched out a name and not quite finished the job.

“No,” Odile said. “I don’t suppose you are.”

Outside, the tide went on filling the ruts, patient, joining up."""  # noqa: E501

BASE_REPLY = """The wind howled across the desolate island as Odile Brask made her way down to the causeway. Her heart pounded in her chest. Something about tonight felt different, and she couldn't shake the feeling that her life was about to change forever.

As the last crossing approached, a tall figure emerged from the mist. He was carrying far too much luggage, and he had a cheerful smile that seemed out of place in such a bleak and lonely setting.

"Hello there!" he called out warmly. "I'm Jonah Pell, from the council. You must be the postmistress!"

Odile bit her lip. She didn't trust strangers, especially cheerful ones. "The tide is coming in," she said coldly. "You should hurry."

Jonah laughed, a warm and easy sound that somehow made her even more uneasy. He hurried across the stones as the water began to rise around them, and soon he was standing beside her on the slipway, slightly out of breath.

Together they walked up the narrow path toward the village. The sky was darkening, and the first stars were beginning to appear. Odile felt a strange mix of emotions swirling inside her: curiosity, suspicion, and something she couldn't quite name.

As they reached the post office, she held her breath and turned to look at him. In the fading light, she noticed something strange. His shoes were completely dry, even though he had just walked across the wet causeway. A chill ran down her spine. Who was this man, really? And what did he want on her island?

She would find out soon enough. Little did she know that this meeting would change everything."""  # noqa: E501

BANNED = ("bit her lip", "held her breath", "heart pounded", "chill ran down her spine")
CONDITIONS = [
    LengthBand(250, 400),
    DialogueFromStart(0.3),
    BannedPhrases(BANNED),
    PointOfViewNote("close third, past tense"),
    FreeText("The sea should feel like a character, never a backdrop"),
    KnowledgeGoal("Odile’s family history"),
]
EXAMPLE_PROMPTS = (
    PROMPT,
    "The morning after. Odile sorts the post and finds a letter addressed to Jonah, in her "
    "own handwriting.",
    "Night. The causeway lamps fail; Jonah knocks at the post office door, soaked.",
)


def make_project(path: Path) -> Project:
    project = Project.create(path, title="The Tidewrack Books")
    project.update_settings(
        system_prompt=SYSTEM,
        style_name="Saltmarrow Hush",
        target_words=320,
        tolerance_words=80,
        win_conditions=conditions_to_json(CONDITIONS),
        provider="openai",
        base_model=BASE_MODEL,
        wizard={
            "fingerprint": fingerprint(WRITER_PASSAGE).to_json(),
            "style_passage": WRITER_PASSAGE,
            "prompt_template": TEMPLATE,
        },
    )
    for prompt in EXAMPLE_PROMPTS:
        project.add_example(
            Example(
                (
                    Message("system", SYSTEM),
                    Message("user", prompt),
                    Message("assistant", "A scene the writer wrote."),
                )
            )
        )
    project.record_job(
        provider="openai",
        job_id="ftjob-old",
        model=BASE_MODEL,
        status="failed",
    )
    project.record_job(
        provider="openai",
        job_id="ftjob-abc123",
        file_id="file-1",
        model=BASE_MODEL,
        status="succeeded",
        fine_tuned_model=FT,
    )
    return project


def run(qtbot, bench: BenchWindow, prompt: str = PROMPT) -> None:
    """Press Run Both and wait until both replies have ended."""
    bench.prompt_box.prompt_edit.setPlainText(prompt)
    with qtbot.waitSignal(bench.runEnded, timeout=10_000):
        qtbot.mouseClick(bench.run_button, Qt.MouseButton.LeftButton)


def wait_for_workers(qtbot, bench: BenchWindow) -> None:
    qtbot.waitUntil(lambda: not set(bench._tasks) & workers._running, timeout=10_000)
