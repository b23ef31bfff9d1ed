"""``kehoach eval``: score extraction against gold annotations (pipeline.evaluate) and print per-field P/R/F1."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kehoach.pipeline.evaluate import Count, Report, evaluate


def _table(title: str, counts: dict[str, Count]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("field")
    for name in ("TP", "FP", "FN", "P", "R", "F1"):
        table.add_column(name, justify="right")
    for name, c in counts.items():
        style = "" if c.f1 >= 0.98 or (c.tp + c.fp + c.fn) == 0 else ("yellow" if c.f1 >= 0.9 else "red")
        table.add_row(name, str(c.tp), str(c.fp), str(c.fn), f"{c.precision:.3f}", f"{c.recall:.3f}",
                      f"[{style}]{c.f1:.3f}[/{style}]" if style else f"{c.f1:.3f}")
    return table


def print_report(report: Report, console: Console, per_doc: bool = False) -> None:
    if per_doc:
        for d in report.docs:
            console.print(_table(d.source, d.counts))
            for error in d.errors:
                console.print(f"  [dim]{escape(error)}[/dim]")
            for missed in d.findings_missed:
                console.print(f"  [dim]finding missed: {escape(missed)}[/dim]")
    console.print(_table(f"Overall ({len(report.docs)} documents)", report.totals()))
    found, expected = report.findings_recall
    if expected:
        console.print(f"findings: {found}/{expected} expected found (recall {found / expected:.3f})")
    rate, n_clean = report.false_findings_per_10
    if rate is not None:
        console.print(f"false findings per 10 clean plans: {rate:.1f} ({n_clean} clean plans)")
    for path in report.missing:
        console.print(f"[yellow]no document for gold {escape(path)}[/yellow]")
    for failure in report.failed:
        console.print(f"[red]could not read {escape(failure)}[/red]")


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        gold: Annotated[list[Path], typer.Option("--gold", help="Folder of gold JSON files (repeatable).")],
        docs: Annotated[Optional[Path], typer.Option("--docs", help="Folder of the documents (default: next to the gold folder).")] = None,
        per_doc: Annotated[bool, typer.Option("--per-doc", help="Also print each document's table and its errors.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    ) -> None:
        """Score extraction against gold annotations: per-field precision, recall and F1."""
        for folder in gold:
            if not folder.is_dir():
                raise typer.BadParameter(f"not a folder: {folder}", param_hint="--gold")
        report = evaluate(gold, docs)
        if as_json:
            sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
        else:
            print_report(report, Console(soft_wrap=True), per_doc)
        if report.missing or report.failed:
            raise typer.Exit(1)
