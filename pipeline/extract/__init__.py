"""Extraction: a segmented Document → Plan, through the spaCy pipeline of kehoach's own components.

One module per field family (header, legal_refs, targets, projects, budgets, deadlines, assignments,
signer); each exposes ``run(doc)`` that adds spans with records to its span group; ``assemble`` builds
the Plan from the groups.
"""

from __future__ import annotations

from kehoach.schemas.document import Document
from kehoach.schemas.plan import Plan
from kehoach.schemas.structure import Structure


def extract_plan(document: Document, structure: Structure | None = None) -> Plan:
    from kehoach.pipeline.nlp import build_nlp, make_doc
    from kehoach.pipeline.segment import segment

    structure = structure or segment(document)
    doc = make_doc(document, structure)
    for _, component in build_nlp().pipeline:
        doc = component(doc)
    return doc._.plan
