"""Benchmark: reading a large ChatGPT export, as a stream.

In one run it writes two exports shaped like ChatGPT's (a .zip holding conversations.json:
hidden system messages, custom instructions, regenerated answers and edited prompts, web
searches, pictures, thinking notes, per-message metadata as bulky as the real thing), a small
one and a large one (20,000 conversations, ~200 MB of JSON by default), then reads each in a
fresh process and prints
  - conversations per second and MB per second for the large one,
  - peak memory (the process's maximum resident size, and the Python heap's peak as
    tracemalloc sees it) for both: streaming keeps memory flat in the number of conversations,
  - for comparison, what the import dialog holds once it has listed every conversation (a
    search key and the compressed text of each: that grows with the export, by design).

Usage: python tests/bench/chatgpt_import.py [--conversations 20000] [--small 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORDS = (
    "the and to of a in was she he her his it that with for on at as had but said not from "
    "lamp harbour salt keeper stair rope fog light window tide stone gull letter widow coat "
    "key night rain glass voice door winter sea boat bell shadow rust iron wall road café "
    "été cœur naïve façade 雨 灯台 🌊"
).split()


def _prose(rng: random.Random, words: int) -> str:
    chosen = rng.choices(WORDS, k=words)
    out, sentence = [], []
    for word in chosen:
        sentence.append(word)
        if len(sentence) > rng.randint(8, 22):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if rng.random() < 0.2:
                out.append("\n\n")
    out.append(" ".join(sentence).capitalize() + ".")
    return " ".join(out)


class _Builder:
    """One conversation in the export's shape."""

    def __init__(self, rng: random.Random, number: int) -> None:
        self.rng = rng
        self.id = str(uuid.UUID(int=rng.getrandbits(128)))
        self.t = 1_700_000_000 + number * 3_600.0
        self.mapping: dict[str, dict] = {
            "client-created-root": {
                "id": "client-created-root",
                "message": None,
                "parent": None,
                "children": [],
            }
        }

    def add(self, parent: str, role: str, content: dict, **extra: object) -> str:
        rng = self.rng
        node = str(uuid.UUID(int=rng.getrandbits(128)))
        self.t += rng.uniform(2, 90)
        metadata: dict = {
            "request_id": f"{rng.getrandbits(64):016x}-LHR",
            "timestamp_": "absolute",
            "message_type": None,
            "model_slug": "gpt-4o",
            "default_model_slug": "gpt-4o",
            "parent_id": parent,
            "finish_details": {"type": "stop", "stop_tokens": [200002]},
            "is_complete": True,
            "citations": [],
            "content_references": [],
        }
        metadata.update(extra.pop("metadata", {}))  # type: ignore[arg-type]
        message = {
            "id": node,
            "author": {"role": role, "name": extra.pop("name", None), "metadata": {}},
            "create_time": self.t,
            "update_time": None,
            "content": content,
            "status": "finished_successfully",
            "end_turn": role == "assistant" or None,
            "weight": 0.0 if metadata.get("is_visually_hidden_from_conversation") else 1.0,
            "metadata": metadata,
            "recipient": extra.pop("recipient", "all"),
            "channel": None,
        }
        self.mapping[node] = {"id": node, "message": message, "parent": parent, "children": []}
        self.mapping[parent]["children"].append(node)
        return node

    def done(self, current: str) -> dict:
        return {
            "title": _prose(self.rng, self.rng.randint(3, 7)).rstrip(".")[:60],
            "create_time": self.t - 1000,
            "update_time": self.t,
            "mapping": self.mapping,
            "moderation_results": [],
            "current_node": current,
            "plugin_ids": None,
            "conversation_id": self.id,
            "conversation_template_id": None,
            "gizmo_id": None,
            "gizmo_type": None,
            "is_archived": False,
            "is_starred": None,
            "safe_urls": [],
            "blocked_urls": [],
            "default_model_slug": "gpt-4o",
            "conversation_origin": None,
            "voice": None,
            "async_status": None,
            "disabled_tool_ids": [],
            "is_do_not_remember": False,
            "memory_scope": "global_enabled",
            "id": self.id,
        }


def _text(*parts: object) -> dict:
    return {"content_type": "text", "parts": list(parts)}


def conversation(rng: random.Random, number: int) -> dict:
    """One realistic conversation of ~10 KB."""
    c = _Builder(rng, number)
    hidden = {"is_visually_hidden_from_conversation": True}
    node = c.add("client-created-root", "system", _text(""), metadata=hidden)
    if rng.random() < 0.3:
        node = c.add(
            node,
            "user",
            {
                "content_type": "user_editable_context",
                "user_profile": _prose(rng, 40),
                "user_instructions": _prose(rng, 30),
            },
            metadata={**hidden, "is_user_system_message": True},
        )
    for exchange in range(rng.randint(1, 5)):
        words = rng.randint(15, 60) if exchange == 0 else rng.randint(3, 12)
        if exchange == 0 and rng.random() < 0.1:  # an edited first prompt: two versions
            c.add(node, "user", _text(_prose(rng, words)))
        if rng.random() < 0.1:
            prompt: dict = {
                "content_type": "multimodal_text",
                "parts": [
                    {
                        "content_type": "image_asset_pointer",
                        "asset_pointer": f"file-service://file-{rng.getrandbits(80):020x}",
                        "size_bytes": rng.randint(10_000, 900_000),
                        "width": 1024,
                        "height": 768,
                        "fovea": None,
                        "metadata": None,
                    },
                    _prose(rng, words),
                ],
            }
        else:
            prompt = _text(_prose(rng, words))
        node = c.add(node, "user", prompt)
        if rng.random() < 0.1:  # a web search before the answer
            call = c.add(
                node,
                "assistant",
                {"content_type": "code", "language": "unknown", "text": _prose(rng, 8)},
                recipient="web.run",
            )
            node = c.add(
                call,
                "tool",
                {
                    "content_type": "tether_browsing_display",
                    "result": _prose(rng, 150),
                    "summary": "",
                    "assets": None,
                    "tether_id": None,
                },
                name="web.run",
            )
        if rng.random() < 0.15:  # a regenerated answer: the first version stays behind
            c.add(node, "assistant", _text(_prose(rng, rng.randint(60, 150))))
        node = c.add(node, "assistant", _text(_prose(rng, rng.randint(80, 200))))
    return c.done(node)


def write_export(path: Path, count: int, seed: int = 11) -> int:
    """A .zip holding conversations.json with ``count`` conversations; its JSON size."""
    rng = random.Random(seed)
    size = 0
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("conversations.json", "w", force_zip64=True) as stream,
    ):
        stream.write(b"[")
        for number in range(count):
            piece = (b"," if number else b"") + json.dumps(conversation(rng, number)).encode()
            stream.write(piece)
            size += len(piece)
        stream.write(b"]")
        size += 2
    with zipfile.ZipFile(path, "a") as archive:  # the rest of a real export, for realism
        archive.writestr("user.json", json.dumps({"id": "user-x", "email": "writer@example.com"}))
        archive.writestr("message_feedback.json", "[]")
        archive.writestr("chat.html", "<html><body>…</body></html>")
    return size


# Measuring, in a fresh process each --------------------------------------------------------

_CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from fineauthor.core.importers.chatgpt.conversation import ExportSummary
from fineauthor.core.importers.chatgpt.export import read_export
mode, path = sys.argv[2], Path(sys.argv[3])
if mode == "heap":
    tracemalloc.start()
start = time.perf_counter()
if mode == "dialog":
    from fineauthor.ui.importing.chatgpt_conversations import read_conversations
    contents = read_conversations(path, lambda p: None, lambda: False)
    count = len(contents.conversations)
    summary = contents.summary
    kept = [sum(len(c.key) for c in contents.conversations),
            sum(len(c.packed) for c in contents.conversations)]
else:
    summary = ExportSummary()
    count = sum(1 for _ in read_export(path, summary))
seconds = time.perf_counter() - start
heap = tracemalloc.get_traced_memory()[1] if mode == "heap" else None
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"usable": count, "read": summary.conversations, "seconds": seconds,
                  "rss": rss, "heap": heap, "kept": kept if mode == "dialog" else None}))
"""


def measure(mode: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ROOT), mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="write the exports here and keep them")
    options = parser.parse_args()

    folder = options.keep or Path(tempfile.mkdtemp(prefix="chatgpt-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    small, large = folder / "small-export.zip", folder / "large-export.zip"
    started = time.perf_counter()
    small_json = write_export(small, options.small)
    large_json = write_export(large, options.conversations)
    print(
        f"Wrote {options.small:,} conversations ({small_json / 1e6:.1f} MB of JSON) and "
        f"{options.conversations:,} ({large_json / 1e6:.1f} MB of JSON, "
        f"{large.stat().st_size / 1e6:.1f} MB zipped) in {time.perf_counter() - started:.0f} s."
    )

    speed = measure("stream", large)
    small_rss, large_rss = measure("stream", small)["rss"], speed["rss"]
    small_heap, large_heap = measure("heap", small)["heap"], measure("heap", large)["heap"]
    dialog = measure("dialog", large)
    rate = speed["read"] / speed["seconds"]
    print(
        f"Streaming {speed['read']:,} conversations ({speed['usable']:,} usable) from the zip: "
        f"{speed['seconds']:.1f} s, {rate:,.0f} conversations/s, "
        f"{large_json / 1e6 / speed['seconds']:.1f} MB/s of JSON."
    )
    print(
        f"Peak resident memory: {small_rss / 1e6:.1f} MB for {options.small:,} conversations, "
        f"{large_rss / 1e6:.1f} MB for {options.conversations:,} "
        f"({large_rss / small_rss:.2f}×, for {options.conversations / options.small:.0f}× "
        "the conversations)."
    )
    print(
        f"Peak Python heap (tracemalloc): {small_heap / 1e6:.2f} MB small, "
        f"{large_heap / 1e6:.2f} MB large ({large_heap / small_heap:.2f}×)."
    )
    keys, packed = dialog["kept"]
    print(
        "For comparison, the import dialog's list of every conversation (it keeps each one's "
        f"search key, {keys / 1e6:.0f} MB in all, and its text compressed, {packed / 1e6:.0f} MB): "
        f"{dialog['rss'] / 1e6:.0f} MB peak resident with PySide6 loaded, "
        f"{dialog['seconds']:.1f} s."
    )
    flat = large_rss <= 1.5 * small_rss
    print("Memory flat in the number of conversations:", "yes" if flat else "NO")
    if not options.keep:
        small.unlink()
        large.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
