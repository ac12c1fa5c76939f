"""Benchmark: opening a 10,000-example project (~120 MB of text) for the example list.

In one run it builds the project with ``Project.add_examples`` in a temporary folder, then times
  (s) ``Project.open`` + ``summaries()``: what the window needs to show the example list
      (every example's title and response word count), median of 5;
  (f) ``Project.open`` + ``list(examples())``: reading every example's full text, for comparison,
      median of 5;
and, each in a fresh interpreter so earlier work does not hide it, the peak memory (RSS) growth
of opening the project and holding the summaries, or holding all examples. It also times the
one-time upgrade of the same project saved by the previous FineAuthor (schema 1, no stored word
counts). Budgets (DESIGN §8): interactive window in under 1 s; peak memory ≤ 2.5× the text size.

Usage: python tests/bench/project_open.py [--examples 10000] [--keep | --file FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SYLLABLES = "an ber cal dor el fin gar hol is jun ka lem mor nes ol pra quin ros sel tam".split()
COMMON = (
    "the and to of a in was she he her his it that with for on at as had but said not from"
).split()
RESPONSE_CHARS = 12_000


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    """A pool of prose-like paragraphs (Zipf-distributed words) to build responses from."""
    words = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(9000)}
    )
    words = COMMON + words
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]
    pool = []
    for _ in range(count):
        sentences = [
            " ".join(rng.choices(words, weights, k=rng.randint(6, 24))).capitalize() + "."
            for _ in range(rng.randint(2, 6))
        ]
        pool.append(" ".join(sentences))
    return pool


def _examples(count: int, seed: int = 11):
    from fineauthor.core.dataset.example import Example, Message

    rng = random.Random(seed)
    pool = _paragraphs(rng, 3000)
    system = "You are Outline Mageddon, who writes literary suspense in close third person."
    for number in range(count):
        parts: list[str] = []
        size = 0
        while size < RESPONSE_CHARS:
            paragraph = rng.choice(pool)
            parts.append(paragraph)
            size += len(paragraph) + 2
        yield Example(
            (
                Message("system", system),
                Message("user", f"Write chapter {number + 1}:\n\n{rng.choice(pool)}"),
                Message("assistant", "\n\n".join(parts)),
            )
        )


def build(path: Path, count: int) -> float:
    from fineauthor.core.project.project import Project

    started = time.perf_counter()
    with Project.create(path, title="Benchmark") as project:
        project.add_examples(_examples(count))
    return time.perf_counter() - started


def evict(path: Path) -> bool:
    """Drop the file from the OS page cache (Linux; no root needed). False where unsupported."""
    if not hasattr(os, "posix_fadvise"):
        return False
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)  # only clean pages can be dropped
        os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(handle)
    return True


def _timed(path: Path, read: str, *, cold: bool = False) -> float:
    from fineauthor.core.project.project import Project

    if cold:
        evict(path)
    started = time.perf_counter()
    project = Project.open(path)
    try:
        held = project.summaries() if read == "summaries" else list(project.examples())
        elapsed = time.perf_counter() - started
    finally:
        project.close()
    del held
    return elapsed


def median_time(
    path: Path, read: str, runs: int = 5, *, cold: bool = False
) -> tuple[float, list[float]]:
    times = [_timed(path, read, cold=cold) for _ in range(runs)]
    return statistics.median(times), times


def _rss_now() -> int:
    """Current resident memory in bytes (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _rss_peak() -> int:
    """Peak resident memory of this process image in bytes.

    On Linux this is VmHWM, which is reset to the current RSS first (see _reset_peak), because
    ru_maxrss carries the parent's peak across exec. Elsewhere, ru_maxrss.
    """
    try:
        with open("/proc/self/status") as stream:
            for line in stream:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def _reset_peak() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as stream:
        stream.write("5")  # reset VmHWM to the current RSS


def memory_child(path: Path, read: str) -> None:
    """In a fresh interpreter: peak RSS growth from just before opening to holding the result."""
    import gc

    from fineauthor.core.dataset.example import Example, Message  # noqa: F401 - imported before measuring
    from fineauthor.core.project.project import Project

    gc.collect()
    _reset_peak()
    peak_before, now_before = _rss_peak(), _rss_now()
    project = Project.open(path)
    held = project.summaries() if read == "summaries" else list(project.examples())
    peak_after, now_after = _rss_peak(), _rss_now()
    project.close()
    print(
        json.dumps(
            {
                "items": len(held),
                "peak_growth": peak_after - peak_before,
                "held_growth": now_after - now_before,
            }
        )
    )


def measure_memory(path: Path, read: str) -> dict[str, int]:
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", read, "--file", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def time_upgrade(path: Path, folder: Path) -> float:
    """Open the project's rows in a file made with schema 1 (no stored word counts): the
    upgrade to today's schema. The old file is built from schema 1's own statements, so it
    stays a true schema 1 file however many versions come after it."""
    from fineauthor.core.project.project import Project
    from fineauthor.core.project.schema import APPLICATION_ID, MIGRATIONS, migrate

    old = folder / "Schema 1.fineauthor"
    with contextlib.closing(sqlite3.connect(old, isolation_level=None)) as connection:
        connection.execute("BEGIN")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        migrate(connection, 0, MIGRATIONS[:1])
        connection.execute("ATTACH DATABASE ? AS today", (str(path),))
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        for table in tables:
            columns = ", ".join(
                row[1] for row in connection.execute(f"PRAGMA main.table_info({table})")
            )
            connection.execute(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM today.{table}"
            )
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE today")
        connection.execute("VACUUM")
    started = time.perf_counter()
    Project.open(old).close()
    elapsed = time.perf_counter() - started
    old.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    parser.add_argument("--file", type=Path, help="reuse a project made by an earlier --keep run")
    parser.add_argument("--memory-child", choices=["summaries", "examples"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.memory_child:
        memory_child(options.file, options.memory_child)
        return 0

    folder = Path(tempfile.mkdtemp(prefix="fineauthor-bench-"))
    if options.file:
        path = options.file
    else:
        path = folder / "Novel scenes.fineauthor"
        built = build(path, options.examples)
        print(f"(built the project with add_examples in {built:.1f} s)")

    from fineauthor.core.project.project import Project

    with Project.open(path) as project:
        count = project.example_count()
        text = project.text_size()
        sample = project.summaries()[0]
    size = path.stat().st_size
    print(
        f"project: {count:,} examples, {text / 1e6:.1f} M characters of text, "
        f"file {size / 1e6:.1f} MB; SQLite {sqlite3.sqlite_version}"
    )
    print(f"first row: {sample.prompt_preview[:50]!r}…, {sample.response_words:,} words")

    summaries, summary_runs = median_time(path, "summaries")
    full, full_runs = median_time(path, "examples")
    runs = ", ".join(f"{t * 1000:.0f}" for t in summary_runs)
    print(f"(s) open + summaries():       {summaries * 1000:7.1f} ms  (runs: {runs} ms)")
    runs = ", ".join(f"{t * 1000:.0f}" for t in full_runs)
    print(f"(f) open + list(examples()):  {full * 1000:7.1f} ms  (runs: {runs} ms)")

    if evict(path):
        cold_summaries, _ = median_time(path, "summaries", 3, cold=True)
        cold_full, _ = median_time(path, "examples", 3, cold=True)
        print(
            f"the same with the file dropped from the OS cache first (median of 3): "
            f"(s) {cold_summaries * 1000:.0f} ms, (f) {cold_full * 1000:.0f} ms"
        )
    else:
        cold_summaries = cold_full = None

    held_summaries = measure_memory(path, "summaries")
    held_examples = measure_memory(path, "examples")
    for label, figures in (("summaries", held_summaries), ("examples ", held_examples)):
        print(
            f"memory, open + hold {label}: peak +{figures['peak_growth'] / 1e6:6.1f} MB, "
            f"held +{figures['held_growth'] / 1e6:6.1f} MB"
        )

    upgrade = time_upgrade(path, folder)
    print(f"one-time upgrade of the same project from schema 1: {upgrade:.2f} s")

    print()
    print(f"summaries / full read        = {summaries / full:.3f}×  (file in the OS cache)")
    if cold_summaries and cold_full:
        print(f"summaries / full read, cold  = {cold_summaries / cold_full:.3f}×")
    print(
        f"open + summaries             = {summaries * 1000:.0f} ms  "
        "(budget: window interactive < 1,000 ms)"
    )
    ratio = held_summaries["peak_growth"] / text
    print(f"peak growth (summaries)/text = {ratio:.3f}×  (budget ≤ 2.50× for the whole app)")
    full_ratio = held_examples["peak_growth"] / text
    print(f"peak growth (full read)/text = {full_ratio:.2f}×  (for comparison)")
    if options.keep and not options.file:
        print(f"project file: {path}")
    else:
        if not options.file:
            path.unlink()
        shutil.rmtree(folder, ignore_errors=True)
    within = max(summaries, cold_summaries or 0) < 1.0 and ratio <= 2.5
    print("within budget" if within else "OVER BUDGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
