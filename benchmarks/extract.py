"""Extraction throughput: TXT plans end to end (parse → normalise → segment → extract → checks), one core.

    python benchmarks/extract.py [--rounds N]

Prints plans/s per core, chars/s and peak memory (tracemalloc peak of Python allocations, and the process's
maximum resident set size). The first pass (pipeline build, imports) is reported separately as warm-up.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

import kehoach

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list[Path]:
    files = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    files += sorted((ROOT / "corpus" / "synthetic").rglob("*.txt"))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = corpus()
    t0 = time.perf_counter()
    for f in files:
        kehoach.extract(f)
    warm = time.perf_counter() - t0

    tracemalloc.start()
    n = chars = 0
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for f in files:
            plan = kehoach.extract(f)
            n += 1
            chars += f.stat().st_size
            assert plan.source
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # tracemalloc slows Python allocation; time a second pass without it for the headline figure.
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for f in files:
            kehoach.extract(f)
    clean = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(files)} TXT plans ({sum(f.stat().st_size for f in files) / 1024:.0f} KiB), {args.rounds} rounds")
    print(f"warm-up (first pass, builds the pipeline): {warm:.2f} s")
    print(f"extract end to end: {n / clean:.1f} plans/s per core ({clean / n * 1000:.1f} ms/plan, "
          f"{chars / clean / 1e6:.2f} MB/s)")
    print(f"with tracemalloc: {n / elapsed:.1f} plans/s; peak Python memory {peak / 2**20:.1f} MiB; "
          f"max RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
