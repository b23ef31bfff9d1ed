"""Assemble the Plan from the span groups the extractors filled.

Header values are ``nlp.Field`` records (name, value, evidence) in ``doc.spans["header"]``; list fields are
pydantic records in their own groups.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kehoach.pipeline.nlp import records
from kehoach.schemas.plan import Plan

def run(doc: Doc) -> None:
    document = doc._.document
    plan = Plan(source=document.source, sha256=document.sha256, format=document.format.value)
    for field in records(doc, "header"):
        name, value, span = field.name, field.value, field.span
        setattr(plan, name, value)
        if span is not None:
            plan.evidence[name] = span
    refs = records(doc, "legal_refs")
    plan.legal_bases = [r for r in refs if r.in_preamble]
    plan.references = [r for r in refs if not r.in_preamble]
    plan.targets = records(doc, "targets", "target")
    plan.baselines = records(doc, "targets", "baseline")
    plan.projects = records(doc, "projects")
    plan.budgets = records(doc, "budgets")
    plan.deadlines = records(doc, "deadlines")
    plan.assignments = records(doc, "assignments")
    signer = records(doc, "signer")
    if signer:
        plan.signer = signer[0]
    doc._.plan = Plan.model_validate(plan.model_dump())
