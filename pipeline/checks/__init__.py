"""Checks: rules that find defects in a plan (internal) or between plans (crosslevel)."""

from __future__ import annotations

from kehoach.schemas.document import Document
from kehoach.schemas.plan import Finding, Plan


def run_checks(plan: Plan, document: Document) -> list[Finding]:
    """Run every enabled internal rule (registry in kehoach.pipeline.checks.registry)."""
    try:
        from kehoach.pipeline.checks.registry import run_internal
    except ImportError:
        return []
    return run_internal(plan, document)
