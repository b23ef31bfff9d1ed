"""The nightly batch over a folder of good seeds and broken files: one outcome per file in the store, typed
codes for the broken ones, plans for the good ones; a second run skips everything and changes nothing; a
changed file becomes a new version; a worker that dies or hangs is an outcome, never a lost file; a batch
that fails stores nothing.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kehoach.pipeline.batch import CrossCheckFailed, FileOutcome, discover_files, process_file, run_batch
from kehoach.pipeline.cli import app
from kehoach.pipeline.store import Store
from kehoach.pipeline.store.models import DocumentRow, FindingRow, PlanRow, RunRow, TargetRow
from kehoach.schemas.plan import Plan

from conftest import seed

BAD = {  # file name → outcome code
    "empty.txt": "empty",
    "random.pdf": "unsupported_format",
    "truncated.pdf": "corrupt",
    "no_document_xml.docx": "unsupported_format",
}


def _pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "UY BAN NHAN DAN XA TAN LOI - KE HOACH")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    """A day's submissions: two real plans (one under a sub-folder, one without an extension) and the
    broken files of BAD."""
    folder = tmp_path / "inbox"
    (folder / "huyen").mkdir(parents=True)
    shutil.copy(seed("000"), folder / "ke_hoach_tan_loi.txt")
    shutil.copy(seed("004"), folder / "huyen" / "kh_3456")  # no extension: the bytes tell the format
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.pdf").write_bytes(random.Random(0).randbytes(4096))
    pdf = _pdf_bytes()
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/styles.xml", "<styles/>")
    (folder / "no_document_xml.docx").write_bytes(buf.getvalue())
    (folder / ".hidden").write_text("not submitted", encoding="utf-8")
    return folder


PG_URL = os.environ.get("KEHOACH_TEST_PG_URL")  # set by .ci/postgres.sh


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'plans.db'}")
    yield s
    s.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path: Path) -> Store:
    """The store on SQLite, and in a fresh schema of the PostgreSQL test server when there is one."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'plans.db'}")
        yield s
        s.dispose()
        return
    if not PG_URL:
        pytest.skip("KEHOACH_TEST_PG_URL not set (.ci/postgres.sh starts a server)")
    from sqlalchemy import create_engine, text

    from kehoach.pipeline.store.db import resolve_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(resolve_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    s = Store(PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}")
    yield s
    s.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _snapshot(store: Store) -> dict:
    """Everything but the run log and last_seen, to compare two states of the store."""
    with store.session() as s:
        return {
            "documents": sorted(s.execute(select(DocumentRow.path, DocumentRow.sha256, DocumentRow.outcome,
                                                 DocumentRow.error, DocumentRow.first_seen)).all()),
            "plans": sorted(s.execute(select(PlanRow.id, PlanRow.source, PlanRow.version, PlanRow.is_current,
                                             PlanRow.number)).all()),
            "targets": s.scalar(select(func.count()).select_from(TargetRow)),
            "findings": sorted(s.execute(select(FindingRow.plan_id, FindingRow.code, FindingRow.origin)).all()),
        }


def test_discover_takes_every_file_whatever_its_extension(inbox: Path) -> None:
    names = [f.out_name for f in discover_files([inbox])]
    assert names == sorted(names, key=lambda n: str(inbox.parent / n))
    assert set(names) == {"inbox/ke_hoach_tan_loi.txt", "inbox/huyen/kh_3456", *(f"inbox/{n}" for n in BAD)}
    assert [f.out_name for f in discover_files([inbox], exclude=["*.pdf", "huyen/*"])] == [
        "inbox/empty.txt", "inbox/ke_hoach_tan_loi.txt", "inbox/no_document_xml.docx"]


def test_one_outcome_per_file_then_nothing_changes(inbox: Path, any_store: Store, tmp_path: Path) -> None:
    store = any_store
    out = tmp_path / "json"
    first = run_batch(store, [inbox], workers=2, out_dir=out)
    c = first.counts()
    assert (c["seen"], c["new"], c["processed"], c["ok"]) == (6, 6, 6, 2)
    assert c["failed"] == {"corrupt": 1, "empty": 1, "unsupported_format": 2}
    assert first.timings["total"] > 0 and first.run_id is not None

    with store.session() as s:
        rows = s.execute(select(DocumentRow.path, DocumentRow.outcome, DocumentRow.error))
        docs = {Path(p).name: (o, e) for p, o, e in rows}
        assert {name: outcome for name, (outcome, _) in docs.items()} == {
            **BAD, "ke_hoach_tan_loi.txt": "ok", "kh_3456": "ok"}
        assert "ZIP file without word/document.xml" in docs["no_document_xml.docx"][1]
        plans = {Path(p.source).name: p for p in s.execute(select(PlanRow)).scalars()}
        assert plans["kh_3456"].number == "3456" and plans["kh_3456"].symbol == "KH-UBND"
        assert plans["kh_3456"].unit == "Gia Lai" and plans["kh_3456"].level == "tinh"
        assert plans["ke_hoach_tan_loi.txt"].number is None  # the draft's blank "Số: /KH-UBND"
        draft = s.scalars(select(FindingRow.evidence).where(
            FindingRow.plan_id == plans["ke_hoach_tan_loi.txt"].id, FindingRow.code == "draft_blank_number")).one()
        assert draft[0]["text"] == "Số: /KH-UBND"
        run = s.get(RunRow, first.run_id)
        assert run.command == "batch" and run.counts["ok"] == 2 and run.counts["failed"]["empty"] == 1
        assert "timings" in run.counts

    # --out: the plan as interchange JSON, the failures as their outcome; nothing half-written left over.
    plan = Plan.model_validate_json((out / "inbox" / "huyen" / "kh_3456.json").read_text(encoding="utf-8"))
    assert plan.number == "3456" and plan.sha256 and plan.findings is not None
    broken = json.loads((out / "inbox" / "truncated.pdf.error.json").read_text(encoding="utf-8"))
    assert broken["outcome"] == "corrupt" and broken["sha256"]
    assert not list(out.rglob("*.tmp"))

    before = _snapshot(store)
    second = run_batch(store, [inbox], workers=2, out_dir=out)
    c2 = second.counts()
    assert (c2["seen"], c2["unchanged"], c2["processed"], c2["new"], c2["changed"]) == (6, 6, 0, 0, 0)
    assert _snapshot(store) == before
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(RunRow).where(RunRow.command == "batch")) == 2


def test_a_changed_file_becomes_a_new_version(inbox: Path, store: Store) -> None:
    run_batch(store, [inbox], workers=2)
    target = inbox / "huyen" / "kh_3456"
    target.write_text(target.read_text(encoding="utf-8") + "\nBổ sung: phụ lục kèm theo.\n", encoding="utf-8")
    summary = run_batch(store, [inbox], workers=2)
    c = summary.counts()
    assert (c["changed"], c["unchanged"], c["processed"], c["ok"]) == (1, 5, 1, 1)
    changed = next(f for f in summary.files if f.status == "changed")
    assert changed.version == 2
    with store.session() as s:
        versions = s.execute(select(PlanRow.version, PlanRow.is_current, PlanRow.number)
                             .where(PlanRow.source == str(target)).order_by(PlanRow.version)).all()
        assert [tuple(v) for v in versions] == [(1, False, "3456"), (2, True, "3456")]
        assert s.scalar(select(func.count()).select_from(DocumentRow).where(DocumentRow.path == str(target))) == 2


# --- workers that die or hang (module level: the worker processes import them by name) ------------------

def _fake_worker(path: str, sha256: str | None, time_limit: float | None) -> FileOutcome:
    name = Path(path).name
    if name.startswith("crash"):
        os._exit(3)  # the worker process dies without a word
    if name.startswith("hang"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # deaf to its own alarm, like C code
        time.sleep(120)
    plan = Plan(source=path, sha256=sha256, title=name)
    return FileOutcome(path=path, sha256=sha256, plan_json=plan.model_dump_json(), format="txt", text=name)


def _bad_json_worker(path: str, sha256: str | None, time_limit: float | None) -> FileOutcome:
    if Path(path).name == "c.txt":
        return FileOutcome(path=path, sha256=sha256, plan_json='{"source": ')
    return _fake_worker(path, sha256, time_limit)


def test_a_dead_or_hung_worker_is_an_outcome(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "crash.txt", "hang.txt", "d.txt", "e.txt"):
        (folder / name).write_text(f"nội dung {name}", encoding="utf-8")
    summary = run_batch(store, [folder], workers=2, time_limit=1, kill_after=3, worker=_fake_worker,
                        crosscheck=False)
    outcomes = {Path(f.path).name: f.outcome for f in summary.files}
    assert outcomes == {"a.txt": "ok", "b.txt": "ok", "crash.txt": "crash", "hang.txt": "timeout",
                        "d.txt": "ok", "e.txt": "ok"}
    with store.session() as s:
        stored = dict(s.execute(select(DocumentRow.path, DocumentRow.outcome)).all())
        assert {Path(p).name: o for p, o in stored.items()} == outcomes
        assert s.scalar(select(func.count()).select_from(PlanRow)) == 4

    # Crash and timeout may go away: they are read again next time (here with a worker that works).
    again = run_batch(store, [folder], workers=2, worker=_fake_worker, crosscheck=False,
                      time_limit=1, kill_after=3)
    assert {Path(f.path).name for f in again.files if f.status == "retried"} == {"crash.txt", "hang.txt"}
    assert again.counts()["failed"] == {"crash": 1, "timeout": 1}
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 6  # updated in place, not added


def _no_ocr_worker(path: str, sha256: str | None, time_limit: float | None) -> FileOutcome:
    return FileOutcome(path=path, sha256=sha256, outcome="missing_dependency",
                       error=f"{path}: no text layer and OCR is not installed")


def test_a_file_that_failed_for_a_missing_package_is_read_once_it_is_there(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scan.pdf").write_text("quét", encoding="utf-8")
    run_batch(store, [folder], workers=1, worker=_no_ocr_worker, crosscheck=False)
    with store.session() as s:
        (first_seen, outcome), = s.execute(select(DocumentRow.first_seen, DocumentRow.outcome)).all()
    assert outcome == "missing_dependency"
    summary = run_batch(store, [folder], workers=1, worker=_fake_worker, crosscheck=False)
    assert [(f.status, f.outcome, f.version) for f in summary.files] == [("retried", "ok", 1)]
    with store.session() as s:
        rows = s.execute(select(DocumentRow.first_seen, DocumentRow.outcome, PlanRow.title)
                         .join(PlanRow, PlanRow.document_id == DocumentRow.id)).all()
    assert [tuple(r) for r in rows] == [(first_seen, "ok", "scan.pdf")]


def test_a_batch_that_fails_stores_nothing(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (folder / name).write_text(name, encoding="utf-8")
    with pytest.raises(ValueError):
        run_batch(store, [folder], workers=2, worker=_bad_json_worker, crosscheck=False)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 0
        assert s.scalar(select(func.count()).select_from(RunRow)) == 0


def test_failed_cross_checks_keep_the_stored_files(tmp_path: Path, store: Store, monkeypatch) -> None:
    from kehoach.pipeline.checks import crosslevel

    def broken(*args, **kwargs):
        raise RuntimeError("no catalogue")

    monkeypatch.setattr(crosslevel, "crosscheck", broken)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("a", encoding="utf-8")
    with pytest.raises(CrossCheckFailed, match=r"files are stored \(run 1\).*RuntimeError: no catalogue"):
        run_batch(store, [folder], workers=1, worker=_fake_worker)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PlanRow)) == 1


def test_the_worker_alarm_turns_a_slow_read_into_timeout(monkeypatch, tmp_path: Path) -> None:
    import kehoach

    def slow_read(path, limits=None):
        time.sleep(5)

    monkeypatch.setattr(kehoach, "read", slow_read)
    started = time.monotonic()
    out = process_file(str(seed("000")), "abc", 0.3)
    assert out.outcome == "timeout" and "0.3 s" in out.error
    assert time.monotonic() - started < 3


def test_cli_batch_exits_0_with_failed_files_and_2_without_a_folder(inbox: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(app, ["batch", str(inbox), "--db", db, "--workers", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["counts"]["ok"] == 2 and payload["counts"]["failed"]["unsupported_format"] == 2
    assert {Path(f["path"]).name: f["outcome"] for f in payload["files"]}["empty.txt"] == "empty"

    table = CliRunner().invoke(app, ["batch", str(inbox), "--db", db])
    assert table.exit_code == 0 and "unchanged, skipped" in table.stdout and "6" in table.stdout

    missing = CliRunner().invoke(app, ["batch", str(tmp_path / "nowhere"), "--db", db])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
