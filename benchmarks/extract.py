"""Extraction throughput: TXT plans end to end (parse → normalise → segment → extract → checks), one core.

    python benchmarks/extract.py [--rounds N] [--rules K]

Prints plans/s per core (wall clock, and CPU time of this process, which other jobs on the machine disturb
less; with the fastest round, the least disturbed one), chars/s, peak memory (tracemalloc peak of Python
allocations, and the process's maximum resident set size), the load average at the start and end of the run,
and a per-stage breakdown in ms per plan: parse and normalise (together: read), segment, spaCy make_doc, each
spaCy component, the internal checks, the K slowest check rules, and the time the cyclic garbage collector
took (reference cycles keep a plan's objects alive until it runs). The first pass (pipeline build, imports)
is reported separately as warm-up.

Figures taken with a load average above about 1 on a 2-core machine are not comparable.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import kehoach
from kehoach.parsers import parse
from kehoach.pipeline.checks.registry import run_internal
from kehoach.pipeline.nlp import build_nlp, make_doc
from kehoach.pipeline.normalize import normalize_document
from kehoach.pipeline.segment import segment

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list[Path]:
    files = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    files += sorted((ROOT / "corpus" / "synthetic").rglob("*.txt"))
    return files


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class GCTimer:
    """Seconds spent in the cyclic garbage collector while it is installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def __enter__(self) -> GCTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self)


def staged(path: Path, stages: dict[str, float], rules: dict[str, float]) -> None:
    """The steps of ``kehoach.extract(path)``, one by one, adding each one's seconds to ``stages``."""
    clock = time.perf_counter

    t = clock()
    raw = parse(path)
    stages["parse"] += clock() - t
    t = clock()
    document = normalize_document(raw)
    stages["normalise"] += clock() - t
    t = clock()
    structure = segment(document)
    stages["segment"] += clock() - t
    t = clock()
    doc = make_doc(document, structure)
    stages["spaCy make_doc"] += clock() - t
    for name, component in build_nlp().pipeline:
        t = clock()
        doc = component(doc)
        stages[f"spaCy {name.removeprefix('kehoach_')}"] += clock() - t
    t = clock()
    run_internal(doc._.plan, document, structure=structure, timings=rules)
    stages["checks"] += clock() - t


def breakdown(files: list[Path], rounds: int, top: int) -> None:
    stages: dict[str, float] = defaultdict(float)
    rules: dict[str, float] = defaultdict(float)
    with GCTimer() as collector:
        for _ in range(rounds):
            for f in files:
                staged(f, stages, rules)
    n = rounds * len(files)

    def ms(seconds: float) -> str:
        return f"{seconds / n * 1000:6.2f}"

    print(f"per stage, ms per plan (total {ms(sum(stages.values())).strip()}):")
    print(f"  {'read (parse + normalise)':<26} {ms(stages['parse'] + stages['normalise'])}")
    for name, seconds in stages.items():
        print(f"  {name:<26} {ms(seconds)}")
    print(f"  {'(of which cyclic GC)':<26} {ms(collector.seconds)}")
    print(f"slowest {top} check rules, ms per plan:")
    for code, seconds in sorted(rules.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {code:<32} {ms(seconds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rules", type=int, default=12, help="how many of the slowest check rules to list")
    args = parser.parse_args()
    files = corpus()
    size = sum(f.stat().st_size for f in files)
    print(f"load average at start: {load()}")
    t0 = time.perf_counter()
    for f in files:
        kehoach.extract(f)
    warm = time.perf_counter() - t0

    tracemalloc.start()
    n = 0
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for f in files:
            plan = kehoach.extract(f)
            n += 1
            assert plan.source
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # tracemalloc slows Python allocation; time a second pass without it for the headline figure.
    rounds_cpu: list[float] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        r0 = time.process_time()
        for f in files:
            kehoach.extract(f)
        rounds_cpu.append(time.process_time() - r0)
    clean, cpu = time.perf_counter() - t0, time.process_time() - c0
    fastest = min(rounds_cpu) / len(files)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(files)} TXT plans ({size / 1024:.0f} KiB), {args.rounds} rounds")
    print(f"warm-up (first pass, builds the pipeline): {warm:.2f} s")
    print(f"extract end to end: {n / clean:.1f} plans/s per core ({clean / n * 1000:.1f} ms/plan, "
          f"{size * args.rounds / clean / 1e6:.2f} MB/s); by CPU time {n / cpu:.1f} plans/s "
          f"({cpu / n * 1000:.1f} ms/plan); fastest round {1 / fastest:.1f} plans/s ({fastest * 1000:.1f} ms/plan)")
    print(f"with tracemalloc: {n / elapsed:.1f} plans/s; peak Python memory {peak / 2**20:.1f} MiB; "
          f"max RSS {rss:.0f} MiB")
    breakdown(files, args.rounds, args.rules)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
