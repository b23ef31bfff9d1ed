"""The nightly batch: the files submitted today into the plan database, in parallel, one outcome per file.

Why it is built this way:

- Identity is the content hash, as in ``store.ingest``. A file whose bytes are already stored with a settled
  outcome (a plan, or a typed error about its content such as ``corrupt``) is skipped before it is parsed; a
  new hash at a known path is a changed file and becomes a new version of its plan. Outcomes that may go
  away on their own (``timeout``, ``crash``, ``missing_dependency``, ``unreadable``, ``extract_error``) are
  tried again; ``retry_failed`` tries every failed file again (after a parser upgrade).
- Reading, extraction and the internal checks run in worker processes (ProcessPoolExecutor on the
  ``forkserver`` context: workers do not inherit the main process's database connections). A task returns
  the Plan JSON or a typed error code. A worker that dies (segfault, ``os._exit``) or runs past the per-file
  time limit is an outcome too: the pool is rebuilt, the files that were in flight are tried again one at a
  time, and only the one that kills its worker alone is recorded as ``crash``.
- Every write happens in the main process, in one transaction for the whole batch (``store.ingest`` inside
  a session whose commits only flush), so a batch that fails leaves nothing half-written. The cross-level
  checks of the affected plans then run in their own transaction and the run row gets the batch's counts.
"""

from __future__ import annotations

import fnmatch
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kehoach.parsers.errors import ParseError
from kehoach.parsers.limits import DEFAULT_LIMITS
from kehoach.pipeline.store.db import Store
from kehoach.pipeline.store.ingest import DocumentMeta, file_sha256, ingest_items
from kehoach.pipeline.store.models import DocumentRow, PlanRow, RunRow
from kehoach.schemas.plan import Plan

# Outcomes worth another try when the same bytes come again: they say nothing final about the file.
TRANSIENT_OUTCOMES = frozenset({"timeout", "crash", "missing_dependency", "unreadable", "extract_error"})
DEFAULT_TIME_LIMIT = DEFAULT_LIMITS.max_seconds
_CHUNK = 500  # ids per IN (...) list


# --- one file, in a worker ------------------------------------------------------------------------------

@dataclass
class FileOutcome:
    """What a worker returns for one file: the Plan as interchange JSON, or a typed error code."""

    path: str
    sha256: str | None
    outcome: str = "ok"
    error: str | None = None
    format: str | None = None
    plan_json: str | None = None
    text: str | None = None
    seconds: float = 0.0


class FileTimeout(BaseException):
    """The per-file time limit passed. A BaseException, so that a parser's ``except Exception`` cannot
    swallow it."""


def _on_alarm(_signum, _frame) -> None:
    raise FileTimeout()


def _init_worker() -> None:
    # Ctrl-C goes to the whole process group: the main process stops the pool, workers must not die first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_file(path: str, sha256: str | None, time_limit: float | None) -> FileOutcome:
    """Read, extract and check one file; every failure becomes an outcome code, never an exception."""
    import kehoach

    started = time.perf_counter()
    out = FileOutcome(path=path, sha256=sha256)
    armed = bool(time_limit) and threading.current_thread() is threading.main_thread()  # signals: main thread only
    if armed:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        doc = kehoach.read(path)
        out.format, out.text = doc.format.value, doc.text
        plan = kehoach.extract(doc)
        if plan.sha256 is None and sha256:
            plan.sha256 = sha256
        out.plan_json = plan.model_dump_json()
    except FileTimeout:
        out.outcome, out.error = "timeout", f"{path}: took longer than the limit of {time_limit:g} s"
    except ParseError as err:
        out.outcome, out.error = err.code, str(err)
    except MemoryError:
        out.outcome, out.error = "too_large", f"{path}: ran out of memory"
    except Exception as err:  # noqa: BLE001 - an extractor bug on one file must not stop the batch
        out.outcome, out.error = "extract_error", f"{path}: {type(err).__name__}: {err}"
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
    out.seconds = time.perf_counter() - started
    return out


Worker = Callable[[str, str | None, float | None], FileOutcome]


# --- the pool -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    path: str
    sha256: str | None
    solo: bool = False  # run alone: it was in flight when a worker died


# One BLAS/OpenMP thread per worker: the pool already uses every core, and OpenBLAS threads spinning in
# several processes at once made the workers' first plan four times slower (measured on 2 cores).
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _start_forkserver() -> None:
    """Start the fork server (workers are forked from it) with the worker environment; an explicit
    setting of the caller's wins."""
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["kehoach.pipeline.batch"])
    saved = {k: os.environ.get(k) for k in _THREAD_VARS}
    os.environ.update({k: "1" for k, v in saved.items() if v is None})
    try:
        forkserver.ensure_running()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    _start_forkserver()
    ctx = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)


def _probe(pool: ProcessPoolExecutor) -> None:
    """Fail the batch, not its files, when worker processes cannot start at all."""
    try:
        pool.submit(os.getpid).result(timeout=120)
    except Exception as err:  # noqa: BLE001 - BrokenProcessPool, a timeout, a start-up error
        _kill(pool)
        raise RuntimeError(f"worker processes cannot start ({type(err).__name__}: {err})") from err


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, running tasks included (the executor has no public handle on its workers)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.join(timeout=5)


def _failed(task: Task, code: str, error: str, seconds: float = 0.0) -> FileOutcome:
    return FileOutcome(path=task.path, sha256=task.sha256, outcome=code, error=error, seconds=seconds)


def run_parallel(
    tasks: Iterable[Task], workers: int, time_limit: float | None = DEFAULT_TIME_LIMIT,
    worker: Worker = process_file, kill_after: float | None = None,
) -> Iterator[FileOutcome]:
    """Outcomes of ``tasks`` as they complete, one per task, whatever happens to the workers.

    A task still running ``kill_after`` seconds after it started (default: the time limit plus a grace of
    a fifth, at least 5 s; the worker's own alarm normally fires first) gets ``timeout`` and the pool is
    restarted; the other tasks in flight are queued again. When a worker dies, the tasks in flight are
    queued again to run one at a time; a task that kills its worker when alone gets ``crash``.
    """
    queue = deque(tasks)
    if not queue:
        return
    workers = max(1, min(workers, len(queue)))
    if time_limit and kill_after is None:
        kill_after = time_limit + max(5.0, time_limit / 5)
    inflight: dict[Future, tuple[Task, float]] = {}
    pool = _new_pool(workers)
    _probe(pool)
    failed_starts = 0
    try:
        while queue or inflight:
            broken = False
            while queue and len(inflight) < workers:
                if any(t.solo for t, _ in inflight.values()) or (queue[0].solo and inflight):
                    break
                task = queue.popleft()
                try:
                    fut = pool.submit(worker, task.path, task.sha256, time_limit)
                except (BrokenProcessPool, RuntimeError):
                    queue.appendleft(task)
                    broken = True
                    break
                inflight[fut] = (task, time.monotonic())

            dead: list[Task] = []
            if inflight and not broken:
                timeout = None
                if kill_after:
                    first = min(started for _, started in inflight.values())
                    timeout = min(1.0, max(0.05, first + kill_after - time.monotonic()))
                done, _ = wait(list(inflight), timeout=timeout, return_when=FIRST_COMPLETED)
                for fut in done:
                    task, started = inflight.pop(fut)
                    try:
                        out = fut.result()
                    except BrokenProcessPool:
                        dead.append(task)
                        continue
                    except FileTimeout:
                        out = _failed(task, "timeout", f"{task.path}: took longer than the limit of {time_limit:g} s",
                                      time.monotonic() - started)
                    except BaseException as err:  # noqa: BLE001 - the worker raised, or its result did not pickle
                        out = _failed(task, "crash", f"{task.path}: worker failed: {type(err).__name__}: {err}",
                                      time.monotonic() - started)
                    failed_starts = 0
                    yield out

            now = time.monotonic()
            overdue = {f for f, (_, started) in inflight.items() if kill_after and now - started > kill_after}
            if not (dead or overdue or broken):
                continue
            if broken and not inflight:
                failed_starts += 1  # the pool broke with nothing in flight: its workers cannot start
                if failed_starts > 3:
                    raise RuntimeError("worker processes cannot start: the process pool broke before any task ran")
            _kill(pool)
            for fut, (task, started) in inflight.items():
                if fut in overdue:
                    yield _failed(task, "timeout", f"{task.path}: stopped after {now - started:.0f} s "
                                  f"(limit {time_limit:g} s)", now - started)
                elif dead or broken:
                    dead.append(task)  # it may be the one that died: its own failure is not delivered yet
                else:
                    queue.appendleft(task)  # stopped because another task overran: not its fault
            inflight.clear()
            for task in dead:
                if task.solo:
                    yield _failed(task, "crash", f"{task.path}: the worker process died while reading this file")
                else:
                    queue.appendleft(replace(task, solo=True))
            pool = _new_pool(workers)
    finally:
        if inflight:
            _kill(pool)
        else:
            pool.shutdown(wait=True, cancel_futures=True)


# --- finding the files ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    path: Path  # absolute
    out_name: str  # where its JSON goes under --out: the folder's name and the path below it


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover_files(paths: Iterable[str | Path], exclude: Iterable[str] = ()) -> list[Found]:
    """Every regular file under the folders (any extension: the parser sniffs the bytes) and every file
    named; hidden files and folders and ``exclude`` globs (matched on the path below the folder, or the
    name) are left out. Sorted, each file once."""
    patterns = tuple(exclude)
    found: dict[Path, Found] = {}
    for given in map(Path, paths):
        root = given.resolve()
        if root.is_dir():
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    path = Path(folder) / name
                    rel = path.relative_to(root).as_posix()
                    if name.startswith(".") or not path.is_file() or _excluded(rel, patterns):
                        continue
                    found.setdefault(path, Found(path, f"{root.name}/{rel}"))
        else:
            found.setdefault(root, Found(root, root.name))
    return sorted(found.values(), key=lambda f: str(f.path))


# --- the batch ------------------------------------------------------------------------------------------

@dataclass
class FileRecord:
    """One file of the batch: why it was (or was not) read, and what came of it."""

    path: str
    sha256: str | None
    size: int | None
    status: str  # new | changed | retried | unchanged | duplicate
    outcome: str | None = None  # ok | an error code; None when skipped
    error: str | None = None
    seconds: float = 0.0
    plan_id: int | None = None
    version: int | None = None


@dataclass
class BatchSummary:
    files: list[FileRecord]
    workers: int
    timings: dict[str, float] = field(default_factory=dict)
    run_id: int | None = None
    resolution: dict[str, int] = field(default_factory=dict)
    crosscheck: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict:
        status = Counter(f.status for f in self.files)
        processed = [f for f in self.files if f.outcome is not None]
        ok = sum(1 for f in processed if f.outcome == "ok")
        total = self.timings.get("total") or 0.0
        return {
            "seen": len(self.files), "new": status["new"], "changed": status["changed"],
            "retried": status["retried"], "unchanged": status["unchanged"], "duplicate": status["duplicate"],
            "processed": len(processed), "ok": ok,
            "failed": dict(sorted(Counter(f.outcome for f in processed if f.outcome != "ok").items())),
            "plans_per_s": round(ok / total, 2) if total else 0.0,
        }

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "workers": self.workers, "counts": self.counts(),
                "timings": {k: round(v, 3) for k, v in self.timings.items()}, "resolution": self.resolution,
                "crosscheck": self.crosscheck, "files": [f.__dict__ for f in self.files]}


class CrossCheckFailed(RuntimeError):
    """The files are stored (``summary``), but the cross-level checks that follow failed."""

    def __init__(self, summary: BatchSummary, cause: Exception):
        self.summary = summary
        super().__init__(f"the files are stored (run {summary.run_id}) but the cross-level checks failed: "
                         f"{type(cause).__name__}: {cause}; run `kehoach crosscheck` again")


class _OneTransaction(Session):
    """A session whose ``commit()`` only flushes: ``ingest_items`` commits per chunk, the batch once."""

    def commit(self) -> None:
        self.flush()

    def commit_batch(self) -> None:
        super().commit()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # the store keeps naive UTC times


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _write_out(out_dir: Path, name: str, outcome: str, payload: str) -> None:
    """``<name>.json`` holds the plan, ``<name>.error.json`` the outcome of a file that failed; the other
    one, left from an earlier run, is removed."""
    good, bad = out_dir / f"{name}.json", out_dir / f"{name}.error.json"
    target, stale = (good, bad) if outcome == "ok" else (bad, good)
    _atomic_write(target, payload)
    stale.unlink(missing_ok=True)


def _error_json(path: str, sha: str | None, outcome: str, error: str | None) -> str:
    return json.dumps({"source": path, "sha256": sha, "outcome": outcome, "error": error}, ensure_ascii=False)


def _stored(session: Session, shas: list[str], paths: list[str]) -> tuple[dict[str, str], set[str]]:
    """Outcome of each stored hash among ``shas``, and which of ``paths`` the store has seen."""
    outcomes: dict[str, str] = {}
    known_paths: set[str] = set()
    for i in range(0, len(shas), _CHUNK):
        outcomes.update(session.execute(
            select(DocumentRow.sha256, DocumentRow.outcome).where(DocumentRow.sha256.in_(shas[i:i + _CHUNK]))
        ).all())
    for i in range(0, len(paths), _CHUNK):
        known_paths.update(session.execute(
            select(DocumentRow.path).where(DocumentRow.path.in_(paths[i:i + _CHUNK])).distinct()
        ).scalars())
    return outcomes, known_paths


def _fill_skipped_out(store: Store, out_dir: Path, records: list[FileRecord], names: dict[str, str]) -> None:
    """Files skipped as unchanged get their JSON from the store when the out folder does not have it."""
    missing = [r for r in records if r.outcome is None and r.sha256
               and not (out_dir / f"{names[r.path]}.json").exists()
               and not (out_dir / f"{names[r.path]}.error.json").exists()]
    if not missing:
        return
    with store.session() as session:
        for i in range(0, len(missing), _CHUNK):
            part = {r.sha256: r for r in missing[i:i + _CHUNK]}
            rows = session.execute(
                select(DocumentRow.sha256, DocumentRow.outcome, DocumentRow.error, PlanRow.json)
                .outerjoin(PlanRow, PlanRow.document_id == DocumentRow.id)
                .where(DocumentRow.sha256.in_(list(part)))
            ).all()
            for sha, outcome, error, plan_json in rows:
                rec = part[sha]
                if outcome == "ok" and plan_json is not None:
                    _write_out(out_dir, names[rec.path], "ok", json.dumps(plan_json, ensure_ascii=False))
                elif outcome != "ok":
                    _write_out(out_dir, names[rec.path], outcome, _error_json(rec.path, sha, outcome, error))


def _affected(session: Session, plan_ids: set[int]):
    """The new plans and the higher plans they implement (whose missing-submission findings change)."""
    from kehoach.pipeline.checks.crosslevel import find_links
    from kehoach.pipeline.store.graph import PlanIndex, plan_infos

    index = PlanIndex.build(plan_infos(session))
    ids = set(plan_ids)
    ids |= {link.higher.id for link in find_links(session, index) if link.lower.id in plan_ids}
    return [index.plans[i] for i in sorted(ids) if i in index.plans]


def run_batch(
    store: Store, paths: Iterable[str | Path], *, workers: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT, out_dir: Path | None = None, exclude: Iterable[str] = (),
    retry_failed: bool = False, crosscheck: bool = True, worker: Worker = process_file,
    kill_after: float | None = None, on_file: Callable[[FileRecord], None] | None = None,
) -> BatchSummary:
    """Discover, skip what the store has, read the rest in parallel, store every outcome in one
    transaction, then run the cross-level checks of the plans that changed."""
    t0 = time.perf_counter()
    paths = list(paths)
    workers = workers or os.cpu_count() or 1
    found = discover_files(paths, exclude)
    names = {str(f.path): f.out_name for f in found}
    t_discover = time.perf_counter()

    records: list[FileRecord] = []
    for f in found:
        try:
            sha, size = file_sha256(f.path)
            records.append(FileRecord(str(f.path), sha, size, status="new"))
        except OSError as err:
            records.append(FileRecord(str(f.path), None, None, status="new", outcome="unreadable",
                                      error=f"{f.path}: {err.strerror or err}"))
    t_hash = time.perf_counter()

    with store.session() as session:
        stored, known_paths = _stored(session, sorted({r.sha256 for r in records if r.sha256}),
                                      [r.path for r in records])
    first: set[str] = set()
    tasks: list[Task] = []
    for rec in records:
        if rec.sha256 in first:
            rec.status = "duplicate"
            continue
        if rec.sha256:
            first.add(rec.sha256)
        previous = stored.get(rec.sha256) if rec.sha256 else None
        if previous is not None and (previous == "ok" or (previous not in TRANSIENT_OUTCOMES and not retry_failed)):
            rec.status = "unchanged"
        elif previous is not None:
            rec.status = "retried"
        elif rec.path in known_paths:
            rec.status = "changed"
        if rec.outcome is None and rec.status != "unchanged":
            tasks.append(Task(rec.path, rec.sha256))
    by_path = {r.path: r for r in records}
    summary = BatchSummary(files=records, workers=min(workers, len(tasks)) if tasks else 0)
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)

    session = _OneTransaction(bind=store.engine, expire_on_commit=False)
    t_parse_end = t_hash
    first_seen: dict[str, object] = {}

    def items() -> Iterator[tuple[Plan | None, DocumentMeta]]:
        nonlocal t_parse_end
        for rec in records:
            if rec.status == "unchanged":
                yield None, DocumentMeta(path=rec.path, sha256=rec.sha256, size=rec.size)
            elif rec.outcome == "unreadable":
                yield None, DocumentMeta(path=rec.path, outcome=rec.outcome, error=rec.error)
        for out in run_parallel(tasks, workers, time_limit, worker, kill_after):
            rec = by_path[out.path]
            rec.outcome, rec.error, rec.seconds = out.outcome, out.error, out.seconds
            if on_file:
                on_file(rec)
            if out_dir:
                payload = out.plan_json if out.outcome == "ok" else _error_json(out.path, out.sha256, out.outcome,
                                                                                  out.error)
                _write_out(out_dir, names[out.path], out.outcome, payload)
            meta = DocumentMeta(path=out.path, sha256=out.sha256, format=out.format, size=rec.size, text=out.text,
                                outcome=out.outcome, error=out.error)
            if rec.status == "retried":
                row = session.execute(select(DocumentRow.id, DocumentRow.first_seen)
                                      .where(DocumentRow.sha256 == out.sha256)).one()
                if out.outcome != "ok":
                    session.execute(update(DocumentRow).where(DocumentRow.id == row.id).values(
                        outcome=out.outcome, error=out.error, last_seen=_utcnow()))
                    continue
                # Read at last: the failed row makes way for the document with its plan.
                first_seen[out.sha256] = row.first_seen
                session.execute(delete(DocumentRow).where(DocumentRow.id == row.id))
            plan = Plan.model_validate_json(out.plan_json) if out.outcome == "ok" else None
            yield plan, meta
        t_parse_end = time.perf_counter()

    try:
        report = ingest_items(session, items(), command="batch",
                              args={"paths": [str(p) for p in paths], "workers": workers, "time_limit": time_limit,
                                    "retry_failed": retry_failed, "exclude": list(exclude)})
        for sha, when in first_seen.items():
            session.execute(update(DocumentRow).where(DocumentRow.sha256 == sha).values(first_seen=when))
        for res in report.results:
            rec = by_path.get(res.path)
            if rec is not None and res.plan_id:
                rec.plan_id, rec.version = res.plan_id, res.version
        summary.run_id, summary.resolution = report.run_id, report.resolution
        session.get(RunRow, report.run_id).counts = {**summary.counts(), "resolution": report.resolution}
        session.commit_batch()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    t_store = time.perf_counter()

    new_ids = {r.plan_id for r in records if r.plan_id}
    if crosscheck and new_ids:
        from kehoach.pipeline.checks.crosslevel import crosscheck as run_crosscheck

        try:
            with store.session() as s:
                cross = run_crosscheck(s, _affected(s, new_ids), args={"batch_run": summary.run_id})
                summary.crosscheck = {"links": len(cross.links), "findings": len(cross.findings), **cross.counts()}
        except Exception as err:
            raise CrossCheckFailed(summary, err) from err
    t_cross = time.perf_counter()
    if out_dir:
        _fill_skipped_out(store, out_dir, records, names)

    summary.timings = {"discover": t_discover - t0, "hash": t_hash - t_discover, "parse": t_parse_end - t_hash,
                       "store": t_store - t_parse_end, "crosscheck": t_cross - t_store,
                       "total": time.perf_counter() - t0}
    with store.session() as s:
        s.get(RunRow, summary.run_id).counts = {
            **summary.counts(), "resolution": summary.resolution, "crosscheck": summary.crosscheck,
            "timings": {k: round(v, 3) for k, v in summary.timings.items()},
        }
    return summary
