"""The small public API; each function runs the stages up to its own, in the one order they go."""

from __future__ import annotations

from pathlib import Path

from kehoach.parsers import Limits, parse
from kehoach.schemas.document import Document
from kehoach.schemas.plan import Finding, Plan
from kehoach.schemas.structure import Structure


def read(path: str | Path, limits: Limits | None = None) -> Document:
    """Parse a file (format sniffed from its bytes) and normalise its text."""
    from kehoach.pipeline.normalize import normalize_document

    return normalize_document(parse(path, limits))


def segment(doc: Document) -> Structure:
    """Header, title, preamble, numbered section tree, closing and appendices of a normalised Document."""
    from kehoach.pipeline.segment import segment as _segment

    return _segment(doc)


def _as_document(path_or_doc: str | Path | Document) -> Document:
    return path_or_doc if isinstance(path_or_doc, Document) else read(path_or_doc)


def extract(path_or_doc: str | Path | Document, with_findings: bool = True) -> Plan:
    """Every field of the plan with its evidence; internal check findings included unless disabled."""
    from kehoach.pipeline.extract import extract_plan

    doc = _as_document(path_or_doc)
    structure = segment(doc)
    plan = extract_plan(doc, structure)
    if with_findings:
        plan.findings = check(plan, doc, structure)
    return plan


def check(plan: Plan, doc: Document, structure: Structure | None = None) -> list[Finding]:
    """Internal consistency findings for one plan (pass the Structure if you have segmented already)."""
    from kehoach.pipeline.checks import run_checks

    return run_checks(plan, doc, structure)
