"""Checks: rules that find defects in a plan (internal) or between plans (crosslevel)."""

from __future__ import annotations

from kehoach.schemas.document import Document
from kehoach.schemas.plan import Finding, Plan
from kehoach.schemas.structure import Structure


def run_checks(plan: Plan, document: Document, structure: Structure | None = None) -> list[Finding]:
    """Run every enabled internal rule (registry in kehoach.pipeline.checks.registry)."""
    from kehoach.pipeline.checks.registry import run_internal

    return run_internal(plan, document, structure=structure)
