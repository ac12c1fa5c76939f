"""What the Together AI provider tests share: the key and model they use, a stand-in for
``time.sleep`` that records the waits it is asked for, and a small chat dataset on disk."""

from __future__ import annotations

import json
from pathlib import Path

from fineauthor.providers.together.service import TogetherProvider
from tests.fakes.together_server import TRAINABLE_MODELS

KEY = "tgp_v1_Zq8rT3secretKEYvalue-0123456789abcdef"
MODEL = TRAINABLE_MODELS[0]


class Sleeps(list[float]):
    """A stand-in for time.sleep that remembers how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def write_dataset(folder: Path, examples: int = 12, *, pad: int = 0) -> Path:
    path = folder / "saltmarrow-v1.jsonl"
    lines = []
    for number in range(examples):
        lines.append(
            json.dumps(
                {
                    "messages": [
                        {"role": "system", "content": "You write as Saltmarrow Hush."},
                        {"role": "user", "content": f"Scene {number}: the harbour at dusk."},
                        {"role": "assistant", "content": "The fog came in. " * (20 + pad)},
                    ]
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def upload(together: TogetherProvider, tmp_path: Path) -> str:
    return together.upload(write_dataset(tmp_path)).id
