"""Plan database benchmark: ingest generated plans into SQLite, cross-check them, time the common queries.

    python benchmarks/store.py                 # 10,000 plans into a temporary SQLite file
    python benchmarks/store.py --plans 2000 --db postgresql://user:pw@host/db

The plans form one chain: a province plan with a per-district table, ~10 district plans each citing it with
a per-commune table, and communes citing their district (some with a wrong date or a lower target, some
citing nothing, a few units with no plan at all). Prints plans/s for ingest and for the cross-check, the
time of each common query, and peak memory: the Python heap peak (tracemalloc, measured in a second pass
so it does not slow the timed one) and the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from kehoach.pipeline.checks.crosslevel import crosscheck
from kehoach.pipeline.store import DocumentMeta, Store, graph, ingest_items
from kehoach.schemas.plan import (
    Assignment,
    Deadline,
    Issuer,
    LegalRef,
    PartialDate,
    Period,
    Plan,
    Project,
    Span,
    Target,
)

PROVINCE = "Bình An"


def _span(rng: random.Random, line: int) -> Span:
    start = rng.randrange(0, 20_000)
    return Span(start=start, end=start + rng.randrange(4, 60), line=line)


def _text(rng: random.Random) -> str:
    """Stand-in document text (the store keeps it for evidence): ~3 kB like a short plan."""
    words = ["kế hoạch", "giảm nghèo", "hộ nghèo", "thực hiện", "chỉ tiêu", "dự án", "báo cáo", "UBND", "năm 2024"]
    return "\n".join(" ".join(rng.choice(words) for _ in range(12)) for _ in range(40))


def generate(n: int, seed: int = 7) -> tuple[Iterator[tuple[Plan, DocumentMeta]], dict]:
    """One province, ~10 districts, the rest communes: the plans (generated as they are read) and the
    gazetteer they imply."""
    rng = random.Random(seed)
    n_districts = max(1, min(10, (n - 1) // 50))
    n_communes = n - 1 - n_districts
    districts = [f"Huyện {i:02d}" for i in range(n_districts)]
    communes = {d: [] for d in districts}
    for i in range(n_communes):
        communes[districts[i % n_districts]].append(f"xã {i:05d}")
    # 1% of communes submit nothing: in the gazetteer and in their district's table, not in the database.
    absent = {d: [f"xã vắng {d[-2:]}-{k}" for k in range(len(names) // 100)] for d, names in communes.items()}
    gazetteer = {(PROVINCE, None): districts}
    for d, names in communes.items():
        gazetteer[(PROVINCE, d.removeprefix("Huyện "))] = names + absent[d]
    return _plans(rng, districts, communes, absent), gazetteer


def _plans(
    rng: random.Random, districts: list[str], communes: dict[str, list[str]], absent: dict[str, list[str]]
) -> Iterator[tuple[Plan, DocumentMeta]]:
    def add(plan: Plan) -> tuple[Plan, DocumentMeta]:
        return plan, DocumentMeta(path=f"/corpus/{plan.source}", format="txt", size=3000, text=_text(rng))

    yield add(
        Plan(
            source="tinh.txt",
            doc_type="ke_hoach",
            number="3456",
            symbol="KH-UBND",
            issuer=Issuer(name=f"UBND tỉnh {PROVINCE}", level="tinh", unit=PROVINCE, unit_type="tỉnh"),
            issue_date=PartialDate(year=2023, month=12, day=8),
            period=Period(start_year=2024, end_year=2024, span=_span(rng, 4)),
            legal_bases=[
                LegalRef(
                    type="quyet_dinh",
                    number="90/QĐ-TTg",
                    date="2022-01-18",
                    issuer="Thủ tướng Chính phủ",
                    span=_span(rng, 6),
                )
            ],
            targets=[
                Target(
                    indicator="mức giảm tỷ lệ hộ nghèo",
                    value=2.0 + i / 10,
                    unit="%",
                    year=2024,
                    scope=d,
                    direction="reduce_by",
                    table=0,
                    span=_span(rng, 20 + i),
                )
                for i, d in enumerate(districts)
            ],
            projects=[
                Project(
                    programme="giam_ngheo_2021_2025",
                    project=p,
                    lead="Sở Lao động - Thương binh và Xã hội",
                    span=_span(rng, 40 + p),
                )
                for p in range(1, 8)
            ],
            assignments=[
                Assignment(
                    body="UBND các huyện, thị xã, thành phố",
                    role="bao_cao",
                    tasks="báo cáo kết quả thực hiện",
                    span=_span(rng, 60),
                )
            ],
            deadlines=[
                Deadline(
                    date=PartialDate(year=2024, month=12, day=15),
                    what="báo cáo kết quả thực hiện",
                    who="UBND các huyện, thị xã, thành phố",
                    span=_span(rng, 61),
                )
            ],
            evidence={"number": _span(rng, 2), "issue_date": _span(rng, 3)},
        )
    )
    for i, d in enumerate(districts):
        unit = d.removeprefix("Huyện ")
        yield add(
            Plan(
                source=f"huyen_{unit}.txt",
                doc_type="ke_hoach",
                number=str(100 + i),
                symbol="KH-UBND",
                issuer=Issuer(
                    name=f"UBND huyện {unit}", level="huyen", unit=unit, unit_type="huyện", province=PROVINCE
                ),
                issue_date=PartialDate(year=2024, month=1, day=10 + i),
                period=Period(start_year=2024, end_year=2024),
                legal_bases=[
                    LegalRef(
                        type="ke_hoach",
                        number="3456/KH-UBND",
                        date="2023-12-08",
                        issuer="UBND tỉnh",
                        span=_span(rng, 5),
                    )
                ],
                targets=[
                    Target(
                        indicator="mức giảm tỷ lệ hộ nghèo",
                        value=2.0 + i / 10 - (0.5 if i == 3 else 0),
                        unit="%",
                        year=2024,
                        scope="toàn huyện",
                        direction="reduce_by",
                        span=_span(rng, 10),
                    )
                ]
                + [
                    Target(
                        indicator="mức giảm tỷ lệ hộ nghèo",
                        value=2.5,
                        unit="%",
                        year=2024,
                        scope=c,
                        direction="reduce_by",
                        table=0,
                        span=_span(rng, 30),
                    )
                    for c in communes[d] + absent[d]
                ],
                projects=[
                    Project(
                        programme="giam_ngheo_2021_2025", project=4, lead="UBND các xã, thị trấn", span=_span(rng, 50)
                    )
                ],
                assignments=[
                    Assignment(
                        body="UBND các xã, thị trấn",
                        role="bao_cao",
                        tasks="báo cáo kết quả thực hiện",
                        span=_span(rng, 60),
                    ),
                    Assignment(body="UBND huyện", role="bao_cao", tasks="báo cáo UBND tỉnh", span=_span(rng, 61)),
                ],
                deadlines=[
                    Deadline(
                        date=PartialDate(year=2024, month=12, day=10),
                        what="báo cáo kết quả thực hiện",
                        who="UBND các xã, thị trấn",
                        span=_span(rng, 62),
                    ),
                    Deadline(
                        date=PartialDate(year=2024, month=12, day=12),
                        what="báo cáo kết quả thực hiện",
                        who="UBND huyện",
                        span=_span(rng, 63),
                    ),
                ],
                evidence={"number": _span(rng, 2), "issue_date": _span(rng, 3)},
            )
        )
    for i, d in enumerate(districts):
        unit = d.removeprefix("Huyện ")
        for j, c in enumerate(communes[d]):
            name = c.removeprefix("xã ")
            roll = rng.random()
            date = "2024-01-%02d" % (10 + i) if roll > 0.05 else "2024-02-%02d" % (10 + i)  # 5% wrong date
            refs = (
                []
                if roll < 0.02
                else [  # 2% cite nothing
                    LegalRef(
                        type="ke_hoach",
                        number=f"{100 + i}/KH-UBND",
                        date=date,
                        issuer=f"UBND huyện {unit}",
                        in_preamble=True,
                        span=_span(rng, 5),
                    ),
                    LegalRef(
                        type="quyet_dinh",
                        number="90/QĐ-TTg",
                        date="2022-01-18",
                        issuer="Thủ tướng Chính phủ",
                        span=_span(rng, 7),
                    ),
                ]
            )
            yield add(
                Plan(
                    source=f"xa_{unit}_{name}.txt",
                    doc_type="ke_hoach",
                    number=str(j + 1) if j % 3 else None,
                    symbol="KH-UBND",
                    issuer=Issuer(
                        name=f"UBND xã {name}", level="xa", unit=name, unit_type="xã", parent=d, province=PROVINCE
                    ),
                    issue_date=PartialDate(year=2024, month=2, day=1 + j % 28),
                    period=Period(start_year=2024, end_year=2024, span=_span(rng, 4)),
                    legal_bases=refs,
                    targets=[
                        Target(
                            indicator="tỷ lệ hộ nghèo giảm",
                            value=2.5 if rng.random() > 0.03 else 1.0,
                            unit="%",
                            year=2024,
                            direction="reduce_by",
                            span=_span(rng, 12),
                        ),
                        Target(
                            indicator="người thuộc hộ nghèo được hỗ trợ thẻ bảo hiểm y tế",
                            value=100,
                            unit="%",
                            year=2024,
                            span=_span(rng, 13),
                        ),
                    ],
                    projects=[
                        Project(
                            programme="giam_ngheo_2021_2025",
                            project=4 if rng.random() > 0.03 else 2,
                            span=_span(rng, 20),
                        )
                    ],
                    assignments=[
                        Assignment(
                            body="Công chức Lao động - TB&XH",
                            role="bao_cao",
                            tasks="tổng hợp báo cáo",
                            span=_span(rng, 30),
                        )
                    ],
                    deadlines=[
                        Deadline(
                            date=PartialDate(year=2024, month=12, day=5 if rng.random() > 0.03 else 20),
                            what="báo cáo kết quả thực hiện",
                            who="Công chức Lao động - TB&XH",
                            span=_span(rng, 31),
                        )
                    ],
                    evidence={"title": _span(rng, 3)},
                )
            )


def _timed(label: str, fn, results: dict):
    t0 = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t0
    return out


def run(n: int, url: str | None, workdir: Path, out=sys.stdout, lazy: bool = False) -> dict:
    """Ingest, re-ingest, cross-check and query. ``lazy`` feeds the plans to ingest as they are generated
    (for the memory pass: the peak is then the store's, not the fixture's); otherwise they are generated
    first, outside the timings."""
    plans, gazetteer = generate(n)
    if not lazy:
        # The generated corpus is held in memory only by the benchmark (real ingest extracts one file at a
        # time): keep it out of the garbage collector's scans so that they do not bill the store for it.
        plans = list(plans)
        gc.collect()
        gc.freeze()
    plans_again = generate(n)[0] if lazy else plans
    units_under = lambda province, district: gazetteer.get((province, district), [])  # noqa: E731
    store = Store(url or f"sqlite:///{workdir / 'bench.db'}")
    t: dict[str, float] = {}
    with store.session() as s:
        report = _timed("ingest", lambda: ingest_items(s, plans, batch_size=1000), t)
        again = _timed("ingest_again", lambda: ingest_items(s, plans_again, batch_size=1000), t)
        cross = _timed("crosscheck", lambda: crosscheck(s, units_under=units_under), t)
        q: dict[str, float] = {}
        cites = _timed("plans citing 3456/KH-UBND", lambda: graph.citing(s, "3456/KH-UBND"), q)
        district_id = graph.find_plans(s, "105/KH-UBND")[0].id
        lower = _timed("plans implementing district 105/KH-UBND", lambda: graph.implementing(s, district_id), q)
        missing = _timed("citations of documents not in the database", lambda: graph.unresolved(s), q)
        edges = _timed("all citations", lambda: graph.citations(s), q)
        _timed("DOT export of all citations", lambda: graph.to_dot(edges), q)
        sql = _timed("SQL: count(*) FROM v_unresolved", lambda: s.scalar(text("SELECT count(*) FROM v_unresolved")), q)
        one_unit = graph.plans_of_unit(s, "xã 00042")
        _timed("crosscheck --unit 'xã 00042'", lambda: crosscheck(s, one_unit, units_under=units_under), q)
    store.dispose()

    print(f"plans: {n} ({report.counts()}), references {report.resolution}", file=out)
    print(f"ingest:      {t['ingest']:.2f} s = {n / t['ingest']:,.0f} plans/s", file=out)
    print(f"re-ingest:   {t['ingest_again']:.2f} s = {n / t['ingest_again']:,.0f} plans/s ({again.counts()})", file=out)
    print(
        f"crosscheck:  {t['crosscheck']:.2f} s = {n / t['crosscheck']:,.0f} plans/s, {len(cross.links)} links, "
        f"{len(cross.findings)} findings {cross.counts()}",
        file=out,
    )
    print("queries:", file=out)
    sizes = {
        "plans citing 3456/KH-UBND": len(cites),
        "plans implementing district 105/KH-UBND": len(lower),
        "citations of documents not in the database": len(missing),
        "all citations": len(edges),
        "SQL: count(*) FROM v_unresolved": sql,
    }
    for label, seconds in q.items():
        rows = f" ({sizes[label]} rows)" if label in sizes else ""
        print(f"  {label:<45} {seconds * 1000:8.1f} ms{rows}", file=out)
    return {"times": t, "queries": q, "findings": len(cross.findings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--no-memory", action="store_true", help="skip the second pass under tracemalloc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.plans, args.db, Path(tmp))
        if not args.no_memory and args.db is None:
            mem_dir = Path(tmp) / "mem"
            mem_dir.mkdir()
            tracemalloc.start()
            with open(mem_dir / "log", "w") as sink:
                run(args.plans, None, mem_dir, out=sink, lazy=True)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak Python heap (tracemalloc, second pass): {peak / 2**20:,.0f} MiB")
    print(f"peak resident set (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
