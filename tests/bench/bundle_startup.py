"""Benchmark: start-up to the main window shown, the built bundle against running from source.

In one run, alternating, several times: the bundle's ``fineauthor --exit-when-ready`` (built by
``python3 packaging/build.py``, which runs first when there is no bundle yet) and
``python -m fineauthor --exit-when-ready`` in this interpreter. Both are whole processes, off
screen, in the same fresh FINEAUTHOR_HOME; one untimed run of each warms the disk cache first.
Prints the medians, their ratio and the bundle's size on disk.

Usage: python tests/bench/bundle_startup.py [--runs 9] [--program PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from build import bundle_path, folder_size, program_path  # noqa: E402


def timed(arguments: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        arguments, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--program", type=Path, default=program_path())
    options = parser.parse_args()
    if not options.program.exists() and options.program == program_path():
        print("no bundle yet: building it with packaging/build.py (about 30 s)", flush=True)
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True)
    if not options.program.exists():
        print(f"{options.program} does not exist")
        return 1
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["FINEAUTHOR_HOME"] = tempfile.mkdtemp(prefix="fineauthor-bench-home-")

    bundle_command = [str(options.program), "--exit-when-ready"]
    source_command = [sys.executable, "-m", "fineauthor", "--exit-when-ready"]
    timed(bundle_command, env)  # warm the disk cache for both before measuring
    timed(source_command, env)
    bundle, source = [], []
    for _ in range(options.runs):
        bundle.append(timed(bundle_command, env))
        source.append(timed(source_command, env))
    bundle_median, source_median = statistics.median(bundle), statistics.median(source)
    size = folder_size(bundle_path()) if options.program == program_path() else None
    print(
        f"bundle {options.program} --exit-when-ready: median {bundle_median * 1000:.0f} ms "
        f"over {options.runs} runs (min {min(bundle) * 1000:.0f}, max {max(bundle) * 1000:.0f})"
    )
    print(
        f"from source, python -m fineauthor --exit-when-ready: median "
        f"{source_median * 1000:.0f} ms (min {min(source) * 1000:.0f}, "
        f"max {max(source) * 1000:.0f})"
    )
    print(f"bundle / source = {bundle_median / source_median:.2f}×")
    if size is not None:
        print(f"bundle size: {size / 1e6:.0f} MB on disk ({bundle_path()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
