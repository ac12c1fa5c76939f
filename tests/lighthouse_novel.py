"""A small lighthouse novel for the prompts-from-prose tests: three finished scenes as a
manuscript import leaves them (each with only the import's template as its prompt) and one
prompt the writer wrote."""

from __future__ import annotations

from pathlib import Path

from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.dataset.prompt_origin import BY_TEMPLATE
from fineauthor.core.project.project import Project

#: Three scenes of a lighthouse novel, each about 120 words, as a manuscript import leaves them.
SCENES = (
    "Mara climbed the hundred and twelve steps with the oil can knocking against her knee. "
    "Halfway up she stopped to count the gulls on the rail outside the slit window, as her "
    "father had taught her, and there were none, which meant weather. At the top the lamp "
    "room smelled of paraffin and salt. She trimmed the wick the way he did, three quick "
    "cuts, and lit it, and the great lens took the small flame and threw it out across the "
    "black water like a rope. Below, the sea was already moving in long grey shoulders. "
    "She sat on the iron stool to wait for the beam to come round, and counted, and "
    "listened to the wind find every gap in the old stones.",
    "The storm came in before midnight. It did not arrive so much as lean on the tower, a "
    "weight against the door that made the bolts complain. Mara kept the log as her father "
    "kept it, in pencil, one line each hour: wind south-west, rising; glass falling; lamp "
    "burning clear. At two the window on the landing cracked from corner to corner and she "
    "stuffed it with the blanket from her own bed. At three she heard, or thought she "
    "heard, an engine under the noise, labouring, and went up to the gallery with the "
    "glass and saw nothing but white water and the beam sweeping over it, finding nothing, "
    "and going on.",
    "In the morning the sea lay down as if ashamed of itself. Mara walked the shingle below "
    "the tower with her boots unlaced, turning over what the night had brought: a crate of "
    "oranges, most of them split, a child's red shoe, a length of rope with a bowline still "
    "in it. She stood a long time over the shoe. Then she put it in her coat pocket and "
    "climbed back up and wrote in the log, in the line for six o'clock, wreckage on the "
    "north beach, no survivors seen, and underlined seen twice, because her father always "
    "said the log must only ever hold what was true, and what was true was that she had "
    "not seen, and that was all.",
)
WRITER_PROMPT = (
    "Write the scene where Mara's father comes home from the mainland and finds the log, "
    "told from his side, tender and a little afraid of her. About 150 words."
)


def scene_example(n: int, scene: str) -> Example:
    return Example(
        (
            Message("user", f"Write chapter 1, scene {n}."),
            Message("assistant", scene),
        ),
        source=f"Manuscript: lighthouse.docx, scene {n}",
        prompt_origin=BY_TEMPLATE,
    )


def make_novel(path: Path) -> Path:
    """A project with three template-prompted scenes and one prompt the writer wrote."""
    with Project.create(path, title="The Lighthouse") as project:
        project.update_settings(target_words=120, tolerance_words=30)
        for n, scene in enumerate(SCENES, start=1):
            project.add_example(scene_example(n, scene))
        project.add_example(
            Example((Message("user", WRITER_PROMPT), Message("assistant", SCENES[0])))
        )
    return path
