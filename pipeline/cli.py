"""The ``kehoach`` command: a thin typer layer over the public API (kehoach.read / segment / extract / check).

Bad input never shows a traceback: a ParseError prints one line "error[code]: path: detail" on stderr and
the command exits with status 2 (after processing the other files).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from kehoach.parsers.errors import ParseError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Read, extract and audit Vietnamese government plans.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

FilesArg = Annotated[list[Path], typer.Argument(help="Files to read (PDF, DOCX, DOC, HTML, TXT).", exists=False)]


def _report_error(exc: ParseError) -> None:
    err.print(f"[red]error\\[{exc.code}][/red]: {escape(str(exc))}", markup=True, highlight=False)


def _section_tree(doc, structure) -> Tree:
    text = doc.text

    def region(r) -> str:
        return " ".join(text[r.start:r.end].split()) if r else "—"

    root = Tree(f"[bold]{doc.source}[/bold] ({doc.format.value}, {len(text):,} chars, {len(doc.tables)} tables)")
    head = root.add("header")
    for name, r in structure.header:
        head.add(f"{name}: {region(r)}")
    root.add(f"kind: {region(structure.doc_kind_line)}")
    root.add(f"title: {region(structure.title)}")
    root.add(f"preamble: {region(structure.preamble)[:160]}")
    body = root.add("sections")

    def add(node, parent, max_depth=2):
        branch = parent.add(f"{node.label} {node.title[:100]}  [dim]line {doc.line_of(node.start)}[/dim]")
        if node.depth < max_depth:
            for child in node.children:
                if child.kind.value not in ("dash", "plus", "bullet"):
                    add(child, branch, max_depth)

    for section in structure.sections:
        add(section, body)
    closing = root.add("closing")
    closing.add(f"recipients: {region(structure.closing.recipients)[:120]}")
    closing.add(f"signature: {region(structure.closing.signature)}")
    for appendix in structure.appendices:
        root.add(f"appendix: {region(appendix)[:120]}")
    return root


@app.command()
def parse(
    files: FilesArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (Document + structure, with spans).")] = False,
) -> None:
    """Parse files and show their structure (a tree on a terminal, JSON with --json)."""
    import kehoach

    failed = False
    for path in files:
        try:
            doc = kehoach.read(path)
        except ParseError as exc:
            _report_error(exc)
            failed = True
            continue
        structure = kehoach.segment(doc)
        if as_json or not sys.stdout.isatty():
            payload = {"document": doc.model_dump(mode="json", exclude={"source_map"}),
                       "structure": structure.model_dump(mode="json")}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            out.print(_section_tree(doc, structure))
    if failed:
        raise typer.Exit(2)


@app.command()
def extract(
    files: FilesArg,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Write one JSON file per input into this folder.")] = None,
    no_checks: Annotated[bool, typer.Option("--no-checks", help="Skip the internal checks (no findings).")] = False,
) -> None:
    """Extract each plan to one interchange-JSON object (one per line, or one file per input with --out)."""
    import kehoach

    failed = False
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            plan = kehoach.extract(path, with_findings=not no_checks)
        except ParseError as exc:
            _report_error(exc)
            failed = True
            continue
        payload = plan.model_dump_json(exclude_none=False)
        if out_dir:
            target = out_dir / (Path(path).stem + ".json")
            tmp = target.with_suffix(".json.tmp")
            tmp.write_text(payload, encoding="utf-8")
            tmp.replace(target)
        else:
            sys.stdout.write(payload + "\n")
    if failed:
        raise typer.Exit(2)


def _register_optional() -> None:
    """Commands from other modules (checks, evaluation, database, batch, report) register themselves."""
    import importlib

    for module in ("kehoach.pipeline.commands_check", "kehoach.pipeline.commands_eval",
                   "kehoach.pipeline.commands_db", "kehoach.pipeline.commands_batch"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)


_register_optional()


def main() -> None:
    try:
        app()
    except ParseError as exc:  # a command that did not catch it itself
        _report_error(exc)
        sys.exit(2)
