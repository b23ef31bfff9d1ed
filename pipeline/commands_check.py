"""``kehoach check FILE...``: the internal findings of each plan, grouped by severity with the quoted evidence.

On a terminal the findings print as a rich listing (severity, code, message, then each evidence span with its
line and the words it covers); with ``--json`` (or when stdout is not a terminal) one JSON object per file:
``{"source": …, "findings": [Finding …]}``. An unreadable file prints one line "error[code]: path: detail" on
stderr, the other files are still checked, and the command exits with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from kehoach.parsers.errors import ParseError
from kehoach.schemas.plan import Finding

SEVERITIES = ("error", "warning", "info")
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _quote(text: str | None, limit: int = 160) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def print_findings(source: str, findings: list[Finding], console: Console) -> None:
    """Findings of one plan, errors first, each with its evidence quoted."""
    console.print(f"[bold]{escape(source)}[/bold]: {len(findings)} finding(s)")
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        console.print(f"  [{_STYLE[severity]}]{severity}[/{_STYLE[severity]}] ({len(group)})")
        for f in group:
            console.print(f"    [{_STYLE[severity]}]{escape(f.code)}[/{_STYLE[severity]}]: {escape(f.message)}")
            if f.message_en:
                console.print(f"      [dim]{escape(f.message_en)}[/dim]")
            for span in f.evidence:
                where = f"line {span.line}" + (f", page {span.page}" if span.page else "")
                console.print(f"      [dim]{where}:[/dim] “{escape(_quote(span.text))}”")


def _payload(source: str, findings: list[Finding]) -> str:
    return json.dumps({"source": source, "findings": [f.model_dump(mode="json") for f in findings]},
                      ensure_ascii=False)


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        files: Annotated[list[Path], typer.Argument(help="Plans to check (PDF, DOCX, DOC, HTML, TXT).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per file.")] = False,
    ) -> None:
        """Check plans against themselves: findings grouped by severity, each with the quoted evidence."""
        import kehoach
        from kehoach.pipeline.cli import _report_error

        console = Console(soft_wrap=True)
        failed = False
        for path in files:
            try:
                plan = kehoach.extract(path)
            except ParseError as exc:
                _report_error(exc)
                failed = True
                continue
            if as_json or not sys.stdout.isatty():
                sys.stdout.write(_payload(str(path), plan.findings) + "\n")
            else:
                print_findings(str(path), plan.findings, console)
        if failed:
            raise typer.Exit(2)
