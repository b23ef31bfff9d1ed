"""The ``batch``, ``report`` and ``export`` commands, each with ``--db URL``; ``register(app)`` adds them.

Thin on purpose: the work is in ``pipeline.batch``, ``pipeline.report`` and ``pipeline.export``, which the
Python API and notebooks call the same way. Failed files are outcomes, not command failures: ``batch``
exits 0 when it ran, and non-zero only when it could not run (no such folder, no database, a failed
transaction).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kehoach.pipeline.commands_db import DbOption

err = Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(message: str) -> None:
    err.print(f"[red]error[/red]: {escape(message)}")
    raise typer.Exit(2)


def _open(db: str | None):
    """The store named by --db / $KEHOACH_DB / ./kehoach.db; a bad URL or a missing driver is one line."""
    from kehoach.parsers.errors import MissingDependency
    from kehoach.pipeline.store.db import DatabaseURLError, Store

    try:
        return Store(db)
    except (DatabaseURLError, MissingDependency) as exc:
        _fail(str(exc))


def _summary_table(summary) -> Table:
    c = summary.counts()
    t = summary.timings
    table = Table(title=f"batch run {summary.run_id}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("files seen", c["seen"]), ("new", c["new"]), ("changed", c["changed"]),
        ("retried (earlier outcome not final)", c["retried"]), ("unchanged, skipped", c["unchanged"]),
        ("duplicate content, skipped", c["duplicate"]), ("read", c["processed"]), ("ok (plans)", c["ok"]),
    ]
    rows += [(f"failed: {code}", n) for code, n in c["failed"].items()]
    for what, n in rows:
        table.add_row(what, str(n))
    if summary.crosscheck:
        table.add_row("cross-level findings", str(summary.crosscheck.get("findings", 0)))
    table.add_row("workers", str(summary.workers))
    table.add_row("time (s)", f"{t.get('total', 0):.2f}  (read {t.get('parse', 0):.2f}, store {t.get('store', 0):.2f}, "
                  f"cross-check {t.get('crosscheck', 0):.2f})")
    table.add_row("plans/s", f"{c['plans_per_s']:.1f}")
    return table


def batch(
    folders: Annotated[
        list[Path], typer.Argument(help="Folders (or files) submitted: every file is tried, any extension.")
    ],
    db: DbOption = None,
    workers: Annotated[
        Optional[int], typer.Option("--workers", min=1, help="Worker processes (default: CPU count).")
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Also write one interchange-JSON file per input here.")
    ] = None,
    timeout: Annotated[
        Optional[float], typer.Option("--timeout", min=0.1, help="Time limit per file in seconds (default 300).")
    ] = None,
    exclude: Annotated[
        Optional[list[str]], typer.Option("--exclude", help="Glob of files to leave out (repeatable).")
    ] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Read again files that failed before.")] = False,
    no_crosscheck: Annotated[bool, typer.Option("--no-crosscheck", help="Skip the cross-level checks.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary and every file's outcome as JSON.")
    ] = False,
) -> None:
    """Nightly run: new or changed files only, read in parallel, one outcome per file in the database."""
    from kehoach.pipeline.batch import DEFAULT_TIME_LIMIT, CrossCheckFailed, run_batch

    missing = [str(p) for p in folders if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}")
    store = _open(db)

    def show(rec) -> None:
        if rec.outcome != "ok" and not as_json:
            err.print(f"[yellow]{rec.outcome}[/yellow] {escape(rec.error or rec.path)}")

    try:
        summary = run_batch(store, folders, workers=workers, time_limit=timeout or DEFAULT_TIME_LIMIT, out_dir=out,
                            exclude=exclude or (), retry_failed=retry_failed, crosscheck=not no_crosscheck,
                            on_file=show)
    except KeyboardInterrupt:
        err.print("interrupted: nothing of this batch was stored")
        raise typer.Exit(130) from None
    except CrossCheckFailed as exc:
        _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the batch itself could not run: say why in one line
        _fail(f"batch failed, nothing of it stored: {type(exc).__name__}: {exc}")
    finally:
        store.dispose()
    if as_json:
        json.dump(summary.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        Console(soft_wrap=True, highlight=False).print(_summary_table(summary))


def report(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("report.html"),
    unit: Annotated[Optional[str], typer.Option("--unit", help='Only plans of this unit, e.g. "xã Tân Lợi".')] = None,
    plan: Annotated[Optional[str], typer.Option("--plan", help="Only this plan: database id, file or number.")] = None,
) -> None:
    """One self-contained HTML audit report: findings with their evidence, citations, failed files."""
    from kehoach.pipeline.report import ReportSelectionError, write_report

    store = _open(db)
    try:
        count = write_report(store, out, unit=unit, plan=plan)
    except ReportSelectionError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    finally:
        store.dispose()
    err.print(f"{count} plans → {escape(str(out))}")


def export(
    out: Annotated[Path, typer.Option("--out", help="The .xlsx file, or a folder for csv and parquet.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx | csv | parquet")] = "xlsx",
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Every version of each plan, not only the current one.")
    ] = False,
) -> None:
    """The plan database as tables, one sheet (xlsx) or file (csv, parquet) each: plans, legal_refs, targets …"""
    from kehoach.parsers.errors import MissingDependency
    from kehoach.pipeline.export import FORMATS, export_tables

    if fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    store = _open(db)
    try:
        written = export_tables(store, fmt, out, current_only=not all_versions)
    except MissingDependency as exc:
        _fail(exc.detail)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    finally:
        store.dispose()
    for name, rows in written.items():
        err.print(f"{name}: {rows} rows")
    err.print(f"→ {escape(str(out))}")


def register(app: typer.Typer) -> None:
    """Add batch, report and export to the kehoach app."""
    app.command("batch")(batch)
    app.command("report")(report)
    app.command("export")(export)
