"""Benchmark: `fineauthor check` on a ~100 MB JSONL of novel-length responses.

In one run it times the command against
  (a) the bare tiktoken encoding of the same text (every message's content, one call each,
      with the text already in memory and the encoding already loaded), and
  (b) the OpenAI cookbook's data-preparation loop: load every line, check the format, count
      tokens message by message with encoding.encode (and the answers again, as it does),
and prints both ratios and the command's peak memory against the file size.
Budgets (DESIGN §8): check ≤ 2× (a), check faster than (b), peak memory < 3× the file.

Usage: python tests/bench/check_speed.py [--size-mb 100] [--keep | --file FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYLLABLES = "an ber cal dor el fin gar hol is jun ka lem mor nes ol pra quin ros sel tam".split()
COMMON = (
    "the and to of a in was she he her his it that with for on at as had but said not from"
).split()
NAMES = ["Marguerite", "Tomas", "Liz", "Adaeze", "Old Petrov", "the captain"]


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    words = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(9000)}
    )
    words = COMMON + words
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]  # Zipf, like prose
    return words, weights


def _paragraph(rng: random.Random, words: list[str], weights: list[float]) -> str:
    sentences = []
    for _ in range(rng.randint(2, 6)):
        chosen = rng.choices(words, weights, k=rng.randint(6, 24))
        sentence = " ".join(chosen).capitalize() + rng.choice(".....?!")
        if rng.random() < 0.3:
            sentence = f"“{sentence}” {rng.choice(NAMES)} said."
        sentences.append(sentence)
    return " ".join(sentences)


def make_dataset(path: Path, size_mb: float, seed: int = 7) -> int:
    """Write a JSONL of ~size_mb megabytes; returns the number of examples."""
    rng = random.Random(seed)
    words, weights = _vocabulary(rng)
    system = "You are Outline Mageddon, who writes literary suspense in close third person."
    target = size_mb * 1_000_000
    written = 0
    count = 0
    with path.open("w", encoding="utf-8") as stream:
        while written < target:
            paragraphs = []
            length = 0
            goal = rng.randint(1_500, 4_000)  # words per response: chapter-scene length
            while length < goal:
                paragraph = _paragraph(rng, words, weights)
                paragraphs.append(paragraph)
                length += paragraph.count(" ") + 1
            prompt = f"Write chapter {count + 1}: {_paragraph(rng, words, weights)}"
            line = json.dumps(
                {
                    "messages": [
                        {"role": "system", "content": system},
                        {"role": "user", "content": prompt},
                        {"role": "assistant", "content": "\n\n".join(paragraphs)},
                    ]
                },
                ensure_ascii=False,
            )
            stream.write(line + "\n")
            written += len(line.encode("utf-8")) + 1
            count += 1
    return count


def time_command(arguments: list[str]) -> tuple[float, int, int]:
    """Wall time, peak resident memory (bytes) and exit status of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss * 1024, process.returncode


def bare_encoding(path: Path) -> float:
    from fineauthor.core.dataset.tokens import get_encoding

    encoding = get_encoding("o200k_base")
    with path.open(encoding="utf-8") as stream:
        texts = [m["content"] for line in stream for m in json.loads(line)["messages"]]
    started = time.perf_counter()
    for text in texts:
        encoding.encode_ordinary(text)
    return time.perf_counter() - started


def cookbook_loop(path: Path, *, assistant_recount: bool = True) -> float:
    """The OpenAI cookbook's chat data-preparation notebook as a plain loop: load every line,
    run its format checks, then per example count the conversation's tokens message by message
    and, as the notebook does for its statistics, the assistant messages' tokens again.
    ``assistant_recount=False`` leaves that second count out (a leaner loop, for comparison)."""
    from fineauthor.core.dataset.tokens import get_encoding

    started = time.perf_counter()
    encoding = get_encoding("o200k_base")
    with path.open(encoding="utf-8") as stream:
        dataset = [json.loads(line) for line in stream]
    errors: dict[str, int] = {}
    for example in dataset:
        messages = example.get("messages")
        for message in messages:
            if "role" not in message or "content" not in message:
                errors["message_missing_key"] = errors.get("message_missing_key", 0) + 1
            if any(
                k not in ("role", "content", "name", "function_call", "weight") for k in message
            ):
                errors["message_unrecognized_key"] = errors.get("message_unrecognized_key", 0) + 1
            if message.get("role") not in ("system", "user", "assistant", "function"):
                errors["unrecognized_role"] = errors.get("unrecognized_role", 0) + 1
            content = message.get("content")
            if (not content and not message.get("function_call")) or not isinstance(content, str):
                errors["missing_content"] = errors.get("missing_content", 0) + 1
        if not any(m.get("role") == "assistant" for m in messages):
            errors["example_missing_assistant_message"] = 1
    lengths, assistant_lengths = [], []
    for example in dataset:
        tokens = 3
        for message in example["messages"]:
            tokens += 3
            for key, value in message.items():
                tokens += len(encoding.encode(value))
                tokens += key == "name"
        lengths.append(tokens)
        if assistant_recount:
            assistant_lengths.append(
                sum(
                    len(encoding.encode(m["content"]))
                    for m in example["messages"]
                    if m["role"] == "assistant"
                )
            )
    billed = sum(min(65_536, n) for n in lengths)
    assert not errors and billed
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--file", type=Path, help="reuse a file made by an earlier --keep run")
    options = parser.parse_args()

    if options.file:
        data, folder = options.file, None
        with data.open("rb") as stream:
            examples = sum(1 for _ in stream)
    else:
        folder = Path(tempfile.mkdtemp(prefix="fineauthor-bench-"))
        data = folder / "novel-scenes.jsonl"
        started = time.perf_counter()
        examples = make_dataset(data, options.size_mb)
        print(f"(made the dataset in {time.perf_counter() - started:.1f} s)")
    size = data.stat().st_size
    print(f"dataset: {examples:,} examples, {size / 1e6:.1f} MB; {os.cpu_count()} cores")

    command = [sys.executable, "-m", "fineauthor", "check", str(data), "--json"]
    check_time, peak, status = time_command(command)
    print(f"fineauthor check: {check_time:.2f} s, peak memory {peak / 1e6:.0f} MB, exit {status}")
    bare = bare_encoding(data)
    print(f"(a) bare tiktoken encoding of the same text: {bare:.2f} s")
    cookbook = cookbook_loop(data)
    print(f"(b) the cookbook's data-preparation loop: {cookbook:.2f} s")
    lean = cookbook_loop(data, assistant_recount=False)
    print(f"(b′) the same loop without its second count of the answers: {lean:.2f} s")

    print()
    print(f"check / bare encoding   = {check_time / bare:.2f}×   (budget ≤ 2.00×)")
    print(f"check / cookbook loop   = {check_time / cookbook:.2f}×   (budget < 1.00×)")
    print(f"check / leaner loop     = {check_time / lean:.2f}×   (for comparison)")
    print(f"peak memory / file size = {peak / size:.2f}×   (budget < 3.00×)")
    if options.keep or folder is None:
        print(f"data file: {data}")
    else:
        data.unlink()
        folder.rmdir()
    within = check_time <= 2 * bare and check_time < cookbook and peak < 3 * size
    print("within budget" if within else "OVER BUDGET")
    return 0 if status in (0, 1) else status


if __name__ == "__main__":
    raise SystemExit(main())
