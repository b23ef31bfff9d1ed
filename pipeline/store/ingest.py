"""Plans into the database: one document row per file content, one plan version per changed file.

Identity is the content hash. A file whose hash is already stored is ``unchanged`` and nothing is written
(its ``last_seen`` moves). A new hash at a path that held a plan, or a new hash for a plan already stored
under the same key (issuing unit, level, number and symbol, year), becomes version n+1 of that plan; the old
version stays, no longer current. Rows go in with executemany inside one transaction per batch; every value
from a document is a bound parameter. After a batch of plans, references are resolved again
(``graph.resolve_references``) so that plans arriving later resolve the citations that were waiting.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kehoach.parsers.errors import ParseError
from kehoach.pipeline.store.graph import fold, parse_unit, plan_symbol_key, resolve_references, symbol_key, unit_key
from kehoach.pipeline.store.models import (
    AssignmentRow,
    BudgetRow,
    DeadlineRow,
    DocumentRow,
    FindingRow,
    LegalRefRow,
    PlanRow,
    ProjectRow,
    RunRow,
    TargetRow,
)
from kehoach.schemas.document import SourceFormat
from kehoach.schemas.plan import Plan, Span

# Extensions taken when a folder is ingested (a file named explicitly is always tried).
FOLDER_SUFFIXES = {f".{fmt.value}" for fmt in SourceFormat} | {".htm"}


@dataclass
class DocumentMeta:
    """What is known about the file a plan was read from (or failed to be read from)."""

    path: str
    sha256: str | None = None
    format: str | None = None
    size: int | None = None
    text: str | None = None
    outcome: str = "ok"
    error: str | None = None


@dataclass
class IngestResult:
    """One file's outcome: new | version | unchanged | an error code; the plan row and version written."""

    path: str
    status: str
    sha256: str | None = None
    plan_id: int | None = None
    version: int | None = None
    error: str | None = None


@dataclass
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)
    resolution: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def file_sha256(path: str | Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def plan_key(plan: Plan, path: str) -> str:
    """Versions of one plan share this key: issuing level and unit, number and symbol, year; a draft
    without a number is known only by its path."""
    sk = plan_symbol_key(plan.number, plan.symbol)
    unit = unit_key(plan.issuer.unit) or parse_unit(plan.issuer.name).name
    if sk and plan.issuer.level and unit:
        province = unit_key(plan.issuer.province) or ""
        return f"{plan.issuer.level}|{province}|{unit}|{sk}|{plan.issue_date.year or ''}"
    return f"path:{path}"


def _span_cols(span: Span | None) -> dict:
    if span is None:
        return {"span_start": None, "span_end": None, "span_line": None, "span_page": None}
    return {"span_start": span.start, "span_end": span.end, "span_line": span.line, "span_page": span.page}


def _plan_row(plan: Plan, doc_id: int, key: str, version: int, source: str, now: datetime) -> dict:
    issuer, date, period = plan.issuer, plan.issue_date, plan.period
    unit_type = issuer.unit_type or parse_unit(issuer.name).type
    return {
        "document_id": doc_id,
        "plan_key": key,
        "version": version,
        "is_current": True,
        "source": source,
        "doc_type": plan.doc_type.value if plan.doc_type else None,
        "number": plan.number,
        "symbol": plan.symbol,
        "symbol_key": plan_symbol_key(plan.number, plan.symbol),
        "issuer_name": issuer.name,
        "level": issuer.level,
        "unit": issuer.unit,
        "unit_type": unit_type,
        "unit_key": unit_key(issuer.unit) or parse_unit(issuer.name).name,
        "parent": issuer.parent,
        "parent_key": unit_key(issuer.parent),
        "province": issuer.province,
        "province_key": unit_key(issuer.province),
        "unit_code": issuer.code,
        "issue_year": date.year,
        "issue_month": date.month,
        "issue_day": date.day,
        "issue_date": date.iso(),
        "period_start": period.start_year,
        "period_end": period.end_year,
        "title": plan.title,
        "signer_name": plan.signer.name,
        "json": plan.model_dump(mode="json"),
        "created": now,
    }


def _child_rows(plan: Plan, plan_id: int) -> dict[type, list[dict]]:
    rows: dict[type, list[dict]] = {
        t: [] for t in (LegalRefRow, TargetRow, ProjectRow, AssignmentRow, BudgetRow, DeadlineRow, FindingRow)
    }
    for i, ref in enumerate(plan.all_refs()):
        rows[LegalRefRow].append(
            {
                "plan_id": plan_id,
                "ord": i,
                "type": ref.type,
                "number": ref.number,
                "number_key": symbol_key(ref.number),
                "date": ref.date,
                "dates_seen": list(ref.dates_seen),
                "issuer": ref.issuer,
                "title": ref.title,
                "in_preamble": ref.in_preamble or i < len(plan.legal_bases),
                "mentions": [m.model_dump(mode="json") for m in ref.mentions],
                "resolved_plan_id": None,
                "resolution": "unresolved",
                "confidence": 0.0,
                **_span_cols(ref.span),
            }
        )
    for kind, targets in (("target", plan.targets), ("baseline", plan.baselines)):
        for i, t in enumerate(targets):
            rows[TargetRow].append(
                {
                    "plan_id": plan_id,
                    "ord": i,
                    "kind": kind,
                    "indicator": t.indicator,
                    "value": t.value,
                    "value_max": t.value_max,
                    "unit": t.unit,
                    "year": t.year,
                    "scope": t.scope,
                    "scope_key": fold(t.scope) or None,
                    "direction": t.direction,
                    "table_index": t.table,
                    **_span_cols(t.span),
                }
            )
    for i, p in enumerate(plan.projects):
        rows[ProjectRow].append(
            {
                "plan_id": plan_id,
                "ord": i,
                "programme": p.programme,
                "project": p.project,
                "subproject": p.subproject,
                "name": p.name,
                "budget_vnd": p.budget_vnd,
                "lead": p.lead,
                **_span_cols(p.span),
            }
        )
    for i, a in enumerate(plan.assignments):
        rows[AssignmentRow].append(
            {
                "plan_id": plan_id,
                "ord": i,
                "body": a.body,
                "role": a.role,
                "tasks": a.tasks,
                **_span_cols(a.span),
            }
        )
    for i, b in enumerate(plan.budgets):
        rows[BudgetRow].append(
            {
                "plan_id": plan_id,
                "ord": i,
                "amount_vnd": b.amount_vnd,
                "in_words": b.in_words,
                "in_words_vnd": b.in_words_vnd,
                "purpose": b.purpose,
                **_span_cols(b.span),
            }
        )
    for i, d in enumerate(plan.deadlines):
        rows[DeadlineRow].append(
            {
                "plan_id": plan_id,
                "ord": i,
                "year": d.date.year,
                "month": d.date.month,
                "day": d.date.day,
                "recurring": d.recurring,
                "what": d.what,
                "who": d.who,
                **_span_cols(d.span),
            }
        )
    for f in plan.findings:
        rows[FindingRow].append(
            {
                "plan_id": plan_id,
                "origin": "internal",
                "run_id": None,
                "related_plan_id": None,
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "message_en": f.message_en,
                "evidence": [s.model_dump(mode="json") for s in f.evidence],
                "related": [s.model_dump(mode="json") for s in f.related],
                "related_source": f.related_source,
                "data": f.data,
                **_span_cols(f.evidence[0] if f.evidence else None),
            }
        )
    return rows


@dataclass
class _Item:
    plan: Plan | None
    meta: DocumentMeta
    sha: str
    key: str | None


def _content_sha(plan: Plan | None, meta: DocumentMeta) -> str:
    if meta.sha256:
        return meta.sha256
    if plan is not None and plan.sha256:
        return plan.sha256
    payload = plan.model_dump_json() if plan is not None else f"{meta.path}\0{meta.outcome}\0{meta.error}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _chunks(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    """Batches of at most ``size`` with no path, key or hash twice, so versions within a batch chain right."""
    batch: list[_Item] = []
    seen: set[str] = set()
    for item in items:
        marks = {f"p:{item.meta.path}", f"s:{item.sha}"} | ({f"k:{item.key}"} if item.key else set())
        if len(batch) >= size or marks & seen:
            yield batch
            batch, seen = [], set()
        batch.append(item)
        seen |= marks
    if batch:
        yield batch


def _in_chunks(session: Session, stmt_for, values: list) -> list:
    out: list = []
    for i in range(0, len(values), 500):
        part = values[i : i + 500]
        if part:
            out += session.execute(stmt_for(part)).all()
    return out


def _write_batch(session: Session, batch: list[_Item], results: list[IngestResult]) -> None:
    now = _now()
    stored = {
        sha: doc_id
        for sha, doc_id in _in_chunks(
            session,
            lambda part: select(DocumentRow.sha256, DocumentRow.id).where(DocumentRow.sha256.in_(part)),
            [it.sha for it in batch],
        )
    }
    todo = [it for it in batch if it.sha not in stored]
    unchanged = [it for it in batch if it.sha in stored]
    if unchanged:
        ids = [stored[it.sha] for it in unchanged]
        session.execute(update(DocumentRow.__table__).where(DocumentRow.__table__.c.id.in_(ids)).values(last_seen=now))
        results += [IngestResult(it.meta.path, "unchanged", it.sha) for it in unchanged]
    if not todo:
        return

    # Predecessors: the current plan read from the same path, else the current plan under the same key.
    by_path = {
        path: (pid, key, version)
        for pid, key, version, path in _in_chunks(
            session,
            lambda part: (
                select(PlanRow.id, PlanRow.plan_key, PlanRow.version, DocumentRow.path)
                .join(DocumentRow, DocumentRow.id == PlanRow.document_id)
                .where(PlanRow.is_current.is_(True), DocumentRow.path.in_(part))
            ),
            sorted({it.meta.path for it in todo if it.plan is not None}),
        )
    }
    by_key = {
        key: (pid, key, version)
        for pid, key, version in _in_chunks(
            session,
            lambda part: select(PlanRow.id, PlanRow.plan_key, PlanRow.version).where(
                PlanRow.is_current.is_(True), PlanRow.plan_key.in_(part)
            ),
            sorted({it.key for it in todo if it.key}),
        )
    }

    # Core executemany (one statement per table and batch); ids are read back by their unique keys, which
    # works the same on every backend (RETURNING with ordered executemany does not, on SQLite).
    documents, plans = DocumentRow.__table__, PlanRow.__table__
    session.execute(
        insert(documents),
        [
            {
                "path": it.meta.path,
                "sha256": it.sha,
                "format": it.meta.format,
                "size": it.meta.size,
                "outcome": it.meta.outcome,
                "error": it.meta.error,
                "text": it.meta.text,
                "first_seen": now,
                "last_seen": now,
            }
            for it in todo
        ],
    )
    doc_id = dict(
        _in_chunks(
            session,
            lambda part: select(documents.c.sha256, documents.c.id).where(documents.c.sha256.in_(part)),
            [it.sha for it in todo],
        )
    )

    plan_rows, superseded, planned = [], [], []
    for it in todo:
        if it.plan is None:
            results.append(IngestResult(it.meta.path, it.meta.outcome, it.sha, error=it.meta.error))
            continue
        prev = by_path.get(it.meta.path) or by_key.get(it.key)
        key, version = (prev[1], prev[2] + 1) if prev else (it.key, 1)
        if prev:
            superseded.append(prev[0])
        plan_rows.append(_plan_row(it.plan, doc_id[it.sha], key, version, it.meta.path, now))
        planned.append((it, version))
    if superseded:
        session.execute(update(plans).where(plans.c.id.in_(superseded)).values(is_current=False))
    if not plan_rows:
        return
    session.execute(insert(plans), plan_rows)
    plan_id = dict(
        _in_chunks(
            session,
            lambda part: select(plans.c.document_id, plans.c.id).where(plans.c.document_id.in_(part)),
            [row["document_id"] for row in plan_rows],
        )
    )

    children: dict[type, list[dict]] = {}
    for (it, version), row in zip(planned, plan_rows, strict=True):
        pid = plan_id[row["document_id"]]
        for table, rows in _child_rows(it.plan, pid).items():
            children.setdefault(table, []).extend(rows)
        results.append(IngestResult(it.meta.path, "version" if version > 1 else "new", it.sha, pid, version))
    for model, rows in children.items():
        if rows:
            session.execute(insert(model.__table__), rows)


def ingest_items(
    session: Session,
    items: Iterable[tuple[Plan | None, DocumentMeta]],
    batch_size: int = 500,
    resolve: bool = True,
    command: str = "ingest",
    args: dict | None = None,
) -> IngestReport:
    """Store plans (or failed files, plan None) batch by batch, committing each batch, then resolve
    references and record the run."""
    report = IngestReport()
    run = RunRow(command=command, started=_now(), counts={}, args=args or {})
    session.add(run)
    session.flush()
    report.run_id = run.id

    def prepared() -> Iterator[_Item]:
        for plan, meta in items:
            key = plan_key(plan, meta.path) if plan is not None else None
            yield _Item(plan, meta, _content_sha(plan, meta), key)

    for batch in _chunks(prepared(), batch_size):
        _write_batch(session, batch, report.results)
        session.commit()
    if resolve and any(r.plan_id for r in report.results):
        report.resolution = resolve_references(session)
    run.finished = _now()
    run.counts = {**report.counts(), "resolution": report.resolution}
    session.commit()
    return report


def ingest_plan(
    session: Session,
    plan: Plan,
    path: str | None = None,
    *,
    sha256: str | None = None,
    format: str | None = None,
    size: int | None = None,
    text: str | None = None,
) -> IngestResult:
    """Store one plan (built in code or by the extractor) and resolve references."""
    meta = DocumentMeta(path=path or plan.source, sha256=sha256, format=format or plan.format, size=size, text=text)
    return ingest_items(session, [(plan, meta)]).results[0]


def discover(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the plan files under folders named (sorted, hidden files skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and Path(name).suffix.lower() in FOLDER_SUFFIXES:
                        yield Path(root) / name
        else:
            yield p


def _read(path: Path, sha: str, size: int) -> tuple[Plan | None, DocumentMeta]:
    """Parse and extract one file; a file that cannot be read becomes its outcome code, not an exception."""
    import kehoach  # the extractor, imported only when files are read

    meta = DocumentMeta(path=str(path), sha256=sha, size=size)
    try:
        doc = kehoach.read(path)
        meta.format, meta.text = doc.format.value, doc.text
        plan = kehoach.extract(doc)
    except ParseError as err:
        meta.outcome, meta.error = err.code, str(err)
        return None, meta
    except Exception as err:  # noqa: BLE001 - one bad file must not stop a folder
        meta.outcome, meta.error = "extract_error", f"{path}: {type(err).__name__}: {err}"
        return None, meta
    return plan, meta


def ingest_paths(session: Session, paths: Iterable[str | Path], batch_size: int = 50) -> IngestReport:
    """Ingest files and folders. Unchanged files (same hash) are skipped before they are parsed."""
    files = [p.resolve() for p in discover(paths)]

    def items() -> Iterator[tuple[Plan | None, DocumentMeta]]:
        for i in range(0, len(files), batch_size):
            part = files[i : i + batch_size]
            hashed = []
            for path in part:
                try:
                    hashed.append((path, *file_sha256(path)))
                except OSError as err:
                    yield None, DocumentMeta(path=str(path), outcome="unreadable", error=f"{path}: {err.strerror}")
            known = set(
                session.execute(
                    select(DocumentRow.sha256).where(DocumentRow.sha256.in_([h[1] for h in hashed]))
                ).scalars()
            )
            for path, sha, size in hashed:
                if sha in known:
                    yield None, DocumentMeta(path=str(path), sha256=sha, size=size)
                else:
                    yield _read(path, sha, size)

    return ingest_items(session, items(), batch_size=batch_size, args={"paths": [str(p) for p in paths]})
