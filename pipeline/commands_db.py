"""The database commands of the CLI: ``ingest``, ``crosscheck`` and ``graph``, each with ``--db URL``.

``register(app)`` adds them to the main typer app. They are thin: the work is in ``pipeline.store`` and
``pipeline.checks.crosslevel``, which the Python API and notebooks use the same way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

DbOption = Annotated[
    Optional[str],
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (sqlite:///file.db, postgresql://user:pw@host/db) or a SQLite file path. "
        "Default: $KEHOACH_DB, else kehoach.db in the working directory.",
    ),
]


def _open(db: str | None):
    from kehoach.parsers.errors import MissingDependency
    from kehoach.pipeline.store.db import DatabaseURLError, Store

    try:
        return Store(db)
    except (DatabaseURLError, MissingDependency) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None


def _dump(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Plan files, or folders to search for them.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object with every file's outcome.")] = False,
) -> None:
    """Read plans into the database: unchanged files are skipped, changed files become new versions.
    A file that cannot be read is recorded with its outcome, reported as "error[code]: path: detail" on
    stderr, and makes the command exit with status 2 after the other files are in."""
    from kehoach.pipeline.store.ingest import ingest_paths

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    store = _open(db)
    with store.session() as session:
        report = ingest_paths(session, paths)
    failed = [r for r in report.results if r.status not in ("new", "version", "unchanged")]
    if as_json:
        _dump(
            {
                "run_id": report.run_id,
                "counts": report.counts(),
                "resolution": report.resolution,
                "files": [r.__dict__ for r in report.results],
            }
        )
    else:
        for r in report.results:
            if r not in failed:
                version = f"v{r.version}" if r.version else ""
                typer.echo(f"{r.status:<12} {version:<4} {r.path}")
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(report.counts().items())) or "no files"
        typer.echo(f"{counts}; references {report.resolution or {}}", err=True)
    # Files that could not be read are recorded with their outcome; the command still says so and fails.
    for r in failed:
        typer.echo(f"error[{r.status}]: {r.error}", err=True)
    if failed:
        raise typer.Exit(2)


def _select(session, unit: str | None, plan: str | None):
    from kehoach.pipeline.store.graph import find_plans, plans_of_unit

    if unit and plan:
        typer.echo("error: give --unit or --plan, not both", err=True)
        raise typer.Exit(2)
    if not unit and not plan:
        return None
    found = plans_of_unit(session, unit) if unit else find_plans(session, plan)
    if not found:
        typer.echo(f"error: no plan in the database for {'unit' if unit else 'plan'} {unit or plan!r}", err=True)
        raise typer.Exit(2)
    return found


def _span_line(side: str, span: dict) -> str:
    where = f"line {span['line']}" if span.get("line") else f"@{span['start']}"
    if span.get("page"):
        where = f"page {span['page']}, {where}"
    text = (span.get("text") or "").replace("\n", " ")
    return f"    {side} {where}: {text[:160]!r}" if text else f"    {side} {where}"


def crosscheck(
    unit: Annotated[Optional[str], typer.Option("--unit", help='Plans of one unit, e.g. "xã Tân Lợi".')] = None,
    plan: Annotated[Optional[str], typer.Option("--plan", help="One plan: database id, file, or number.")] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Every finding as JSON with evidence on both sides.")] = False,
) -> None:
    """Check plans against the higher-level plans they implement (and the plans implementing them)."""
    from kehoach.pipeline.checks.crosslevel import crosscheck as run

    store = _open(db)
    with store.session() as session:
        selected = _select(session, unit, plan)
        report = run(session, selected, args={"unit": unit, "plan": plan})
    if as_json:
        _dump(
            {
                "run_id": report.run_id,
                "links": len(report.links),
                "notes": report.notes,
                "findings": [cf.as_dict() for cf in report.findings],
            }
        )
        return
    for cf in report.findings:
        d = cf.as_dict()
        typer.echo(f"{d['severity']:<7} {d['code']:<28} {d['plan']['file']}: {d['message']}")
        for span in d["evidence"]:
            typer.echo(_span_line("this plan  ", span))
        for span in d["related"]:
            typer.echo(_span_line(f"higher plan ({d['related_source']})", span))
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"{len(report.findings)} findings over {len(report.links)} links", err=True)


def graph(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table | dot | json")] = "table",
    cites: Annotated[Optional[str], typer.Option("--cites", help="Plans citing this document number.")] = None,
    implements: Annotated[
        Optional[str], typer.Option("--implements", help="Lower plans implementing this plan (id, file, number).")
    ] = None,
    unresolved: Annotated[
        bool, typer.Option("--unresolved", help="Citations of documents not in the database.")
    ] = False,
    ref_type: Annotated[Optional[str], typer.Option("--type", help="Only cited documents of this type.")] = None,
) -> None:
    """The citation graph: every citation, or the answer to one question, as a table, DOT or JSON."""
    from kehoach.pipeline.store import graph as g

    if fmt not in ("table", "dot", "json"):
        typer.echo(f"error: --format must be table, dot or json, not {fmt!r}", err=True)
        raise typer.Exit(2)
    store = _open(db)
    with store.session() as session:
        if cites:
            edges = g.citing(session, cites)
        elif implements:
            edges = [e for p in _select(session, None, implements) for e in g.implementing(session, p.id)]
        elif unresolved:
            edges = g.unresolved(session, ref_type)
        else:
            edges = g.citations(session)
    if ref_type and not unresolved:
        edges = [e for e in edges if e.type == ref_type]
    if fmt == "dot":
        sys.stdout.write(g.to_dot(edges))
    elif fmt == "json":
        _dump([e.as_dict() for e in edges])
    else:
        for e in edges:
            cited = e.cited.label() if e.cited else "-"
            typer.echo(
                f"{e.citing.source}\t{e.type or ''}\t{e.number or ''}\t{e.date or ''}\t{e.resolution}\t"
                f"{e.confidence:.2f}\t{cited}"
            )
        typer.echo(f"{len(edges)} citations", err=True)


def register(app: typer.Typer) -> None:
    """Add ingest, crosscheck and graph to the kehoach app."""
    app.command("ingest")(ingest)
    app.command("crosscheck")(crosscheck)
    app.command("graph")(graph)
