"""Parse speed and memory per format, on the five seeds rendered to each format.

    python benchmarks/parse.py [--seconds 3] [--formats txt,pdf,docx,html]

Each format runs in its own child process (so ru_maxrss is that format's own peak): it parses the files
over and over until --seconds have passed, then once more under tracemalloc for the Python heap peak.

For PDF the child times three readers of the same files side by side, file by file in the same rounds:
(a) a bare pypdfium2 text read (open, get_text_bounded() per page, close), (b) kehoach's PDF text path
(the PDF parser with tables=False: pdfium text, paragraph joining, ruled-page detection, no pdfplumber) and
(c) the full parser (kehoach.parsers.parse, pdfplumber on ruled pages). It prints (b)/(a), which issue 3
requires to be <= 2, and (c)/(a) for information, for the files in which the parser finds no table, for
those in which it does, and for all.

Pages: real pages for PDF; for the other formats one page per 3,000 characters of parsed text.
Rendered files are cached in benchmarks/.cache (keyed by seed and renderer source).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
CACHE = Path(__file__).resolve().parent / ".cache"
FIXTURES = ROOT / "tests" / "fixtures"
CHARS_PER_PAGE = 3000
FORMATS = ("txt", "pdf", "docx", "html")
MIN_ROUNDS = 5
MAX_RATIO = 2.0  # issue 3: the PDF text path within 2x of a bare pypdfium2 text read
READERS = ("a", "b", "c")  # see the docstring


def _render_function(fmt: str):
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        module = importlib.import_module(f"fixtures.render_{fmt}")
    finally:
        sys.path.pop(0)
    return getattr(module, f"render_{fmt}")


def inputs(fmt: str) -> tuple[list[Path], str | None]:
    """Files to parse for a format, rendered into the cache when missing; (files, note when skipped).
    The renderer is imported only to render, so a worker that finds the cache does not load it."""
    if fmt == "txt":
        return list(SEEDS), None
    module_file = FIXTURES / f"render_{fmt}.py"
    if not module_file.is_file():
        return [], f"tests/fixtures/render_{fmt}.py not found; {fmt} skipped"
    version = hashlib.sha256(module_file.read_bytes()).hexdigest()[:10]
    CACHE.mkdir(exist_ok=True)
    files, render = [], None
    for seed in SEEDS:
        key = hashlib.sha256(seed.read_bytes()).hexdigest()[:10]
        out = CACHE / f"{seed.stem}.{key}.{version}.{fmt}"
        if not out.exists():
            try:
                render = render or _render_function(fmt)
            except (ImportError, AttributeError) as exc:
                return [], f"cannot load render_{fmt}() ({exc}); {fmt} skipped"
            tmp = out.with_name(out.name + ".tmp")
            render(seed, tmp)
            tmp.replace(out)
        files.append(out)
    return files, None


def _pages(doc) -> int:
    if doc.format.value == "pdf":
        return doc.meta.pages or 1
    return max(1, math.ceil(len(doc.text) / CHARS_PER_PAGE))


def _bare_pdf(path: Path) -> int:
    """(a): what any reader of a PDF's text must do at least, with the same library."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        n = 0
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            n += len(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return n
    finally:
        pdf.close()


def _heap_peak_mb(fn, files: list[Path]) -> float:
    tracemalloc.start()
    for f in files:
        fn(f)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def worker(fmt: str, seconds: float) -> dict:
    """Runs in a child process: time and memory of kehoach.parsers.parse on one format's files."""
    from kehoach.parsers import parse

    files, note = inputs(fmt)
    if not files:
        return {"format": fmt, "skipped": note}
    if fmt == "pdf":
        return pdf_worker(files, seconds)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    docs = [parse(f) for f in files]  # warm-up (imports, caches)
    pages_per_round = sum(_pages(d) for d in docs)
    rounds, elapsed = 0, 0.0
    while elapsed < seconds or rounds < MIN_ROUNDS:
        t0 = time.perf_counter()
        for f in files:
            parse(f)
        elapsed += time.perf_counter() - t0
        rounds += 1
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": fmt, "files": len(files), "rounds": rounds, "pages": pages_per_round,
        "docs_per_s": rounds * len(files) / elapsed, "pages_per_s": rounds * pages_per_round / elapsed,
        "ms_per_doc": 1000 * elapsed / (rounds * len(files)),
        "tracemalloc_peak_mb": _heap_peak_mb(parse, files),
        "ru_maxrss_mb": rss_after / 1024, "ru_maxrss_before_mb": rss_before / 1024,
    }


def pdf_worker(files: list[Path], seconds: float) -> dict:
    """(a), (b) and (c) on each file back to back, round after round, so load changes hit all three; the
    order of the three turns round by round."""
    from kehoach.parsers import parse
    from kehoach.parsers import pdf as pdf_parser
    from kehoach.parsers.base import read_bytes
    from kehoach.parsers.limits import DEFAULT_LIMITS

    def text_path(f: Path):
        return pdf_parser.parse(str(f), read_bytes(f, DEFAULT_LIMITS.max_bytes), DEFAULT_LIMITS, tables=False)

    readers = {"a": _bare_pdf, "b": text_path, "c": parse}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    docs = [parse(f) for f in files]  # warm-up (imports, caches) and what each file holds
    for f in files:
        _bare_pdf(f)
        text_path(f)
    pages = [_pages(d) for d in docs]
    times: dict[str, list[list[float]]] = {k: [[] for _ in files] for k in readers}
    rounds, elapsed = 0, 0.0
    while elapsed < seconds or rounds < MIN_ROUNDS:
        order = READERS[rounds % 3:] + READERS[:rounds % 3]  # no reader always runs first (cold) or last
        for i, f in enumerate(files):
            for key in order:
                t0 = time.perf_counter()
                readers[key](f)
                dt = time.perf_counter() - t0
                times[key][i].append(dt)
                elapsed += dt if key == "c" else 0.0
        rounds += 1
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    groups = {
        "without tables": [i for i, d in enumerate(docs) if not d.tables],
        "with tables": [i for i, d in enumerate(docs) if d.tables],
        "all": list(range(len(files))),
    }
    corpora = {}
    for name, members in groups.items():
        if not members:
            continue
        total = {k: sum(sum(times[k][i]) for i in members) for k in readers}
        per_round = {k: [sum(times[k][i][r] for i in members) for r in range(rounds)] for k in readers}
        n_pages = sum(pages[i] for i in members)
        corpora[name] = {
            "files": [files[i].name[:3] for i in members],
            "pages": n_pages,
            "tables": sum(len(docs[i].tables) for i in members),
            "docs_per_s": {k: rounds * len(members) / total[k] for k in readers},
            "pages_per_s": {k: rounds * n_pages / total[k] for k in readers},
            "ratio_b_a": total["b"] / total["a"],
            "ratio_c_a": total["c"] / total["a"],
            "ratio_b_a_median_round": median(b / a for b, a in zip(per_round["b"], per_round["a"])),
            "ratio_c_a_median_round": median(c / a for c, a in zip(per_round["c"], per_round["a"])),
        }
    per_file = {files[i].name[:3]: {"b_a": min(times["b"][i]) / min(times["a"][i]),
                                    "c_a": min(times["c"][i]) / min(times["a"][i]),
                                    "tables": len(docs[i].tables), "pages": pages[i]}
                for i in range(len(files))}
    allc = corpora["all"]
    return {
        "format": "pdf", "files": len(files), "rounds": rounds, "pages": allc["pages"],
        "docs_per_s": allc["docs_per_s"]["c"], "pages_per_s": allc["pages_per_s"]["c"],
        "ms_per_doc": 1000 * elapsed / (rounds * len(files)),
        "tracemalloc_peak_mb": _heap_peak_mb(parse, files),
        "heap_peak_mb_by_reader": {k: _heap_peak_mb(read, files) for k, read in readers.items()},
        "ru_maxrss_mb": rss_after / 1024, "ru_maxrss_before_mb": rss_before / 1024,
        "corpora": corpora, "per_file": per_file,
    }


def _print_pdf(r: dict) -> None:
    print(f"\nPDF side by side ({r['rounds']} rounds; each file read by (a), (b), (c) back to back):")
    print("  (a) bare pypdfium2 text read; (b) kehoach text path, pdf.parse(..., tables=False); "
          "(c) kehoach.parsers.parse, pdfplumber on ruled pages")
    print(f"{'corpus':<15}{'files':>6}{'pages':>6}{'tables':>7}  {'docs/s (a)':>10}{'(b)':>7}{'(c)':>7}"
          f"  {'pages/s (a)':>11}{'(b)':>7}{'(c)':>7}{'(b)/(a)':>9}{'(c)/(a)':>9}")
    for name, c in r["corpora"].items():
        docs = "".join(f"{c['docs_per_s'][k]:>{10 if k == 'a' else 7}.1f}" for k in READERS)
        pages = "".join(f"{c['pages_per_s'][k]:>{11 if k == 'a' else 7}.0f}" for k in READERS)
        print(f"{name:<15}{len(c['files']):>6}{c['pages']:>6}{c['tables']:>7}  {docs}  {pages}"
              f"{c['ratio_b_a']:>9.2f}{c['ratio_c_a']:>9.2f}")
    print("median-round ratios: " + "; ".join(
        f"{name} (b)/(a) {c['ratio_b_a_median_round']:.2f}, (c)/(a) {c['ratio_c_a_median_round']:.2f}"
        for name, c in r["corpora"].items()))
    print("per file, fastest round: " + "; ".join(
        f"{k} ({v['pages']} p, {v['tables']} t) (b)/(a) {v['b_a']:.2f} (c)/(a) {v['c_a']:.2f}"
        for k, v in r["per_file"].items()))
    heap = r["heap_peak_mb_by_reader"]
    print("heap peak MB (tracemalloc, one pass over the files): "
          + ", ".join(f"({k}) {heap[k]:.2f}" for k in READERS))
    worst = max(c["ratio_b_a"] for c in r["corpora"].values())
    verdict = "OK" if worst <= MAX_RATIO else "OVER THE LIMIT"
    print(f"issue 3 criterion, (b)/(a) <= {MAX_RATIO:g} on every corpus: worst {worst:.2f} -> {verdict}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timed seconds per format")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--render", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.seconds)))
        return 0
    if args.render:
        inputs(args.render)
        return 0
    results = []
    for fmt in args.formats.split(","):
        # Render in a child of its own: Linux carries a parent's peak RSS into children (ru_maxrss), so
        # this process stays small and each worker's peak is its parsing only.
        subprocess.run([sys.executable, __file__, "--render", fmt], check=False)
        proc = subprocess.run([sys.executable, __file__, "--worker", fmt, "--seconds", str(args.seconds)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"{fmt}: worker failed\n{proc.stderr.strip()}", file=sys.stderr)
            results.append({"format": fmt, "skipped": "worker failed (see stderr)"})
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"kehoach parse benchmark: {len(SEEDS)} seeds; pages = PDF pages, else 1 per {CHARS_PER_PAGE:,} chars; "
          "PDF row = full parser (c)")
    print(f"{'format':<7}{'docs/s':>9}{'pages/s':>10}{'ms/doc':>9}{'pages':>7}{'heap peak MB':>14}"
          f"{'maxrss MB':>11}{'(before)':>10}")
    for r in results:
        if "skipped" in r:
            print(f"{r['format']:<7} skipped: {r['skipped']}")
            continue
        print(f"{r['format']:<7}{r['docs_per_s']:>9.1f}{r['pages_per_s']:>10.1f}{r['ms_per_doc']:>9.2f}"
              f"{r['pages']:>7}{r['tracemalloc_peak_mb']:>14.2f}{r['ru_maxrss_mb']:>11.1f}"
              f"{r['ru_maxrss_before_mb']:>10.1f}")
    for r in results:
        if r.get("format") == "pdf" and "corpora" in r:
            _print_pdf(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
