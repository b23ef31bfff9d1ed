"""Registers each extractor module as a spaCy component. A module's ``run(doc)`` adds spans to its group."""

from __future__ import annotations

import importlib

from spacy.language import Language
from spacy.tokens import Doc

COMPONENTS: dict[str, str] = {
    "kehoach_header": "kehoach.pipeline.extract.header",
    "kehoach_legal_refs": "kehoach.pipeline.extract.legal_refs",
    "kehoach_targets": "kehoach.pipeline.extract.targets",
    "kehoach_projects": "kehoach.pipeline.extract.projects",
    "kehoach_budgets": "kehoach.pipeline.extract.budgets",
    "kehoach_deadlines": "kehoach.pipeline.extract.deadlines",
    "kehoach_assignments": "kehoach.pipeline.extract.assignments",
    "kehoach_signer": "kehoach.pipeline.extract.signer",
    "kehoach_assemble": "kehoach.pipeline.extract.assemble",
}


def _component(module_name: str):
    module = importlib.import_module(module_name)

    def component(doc: Doc) -> Doc:
        module.run(doc)
        return doc

    component.__doc__ = module.__doc__
    return component


for _name, _module in COMPONENTS.items():
    if _name not in Language.factories:
        Language.component(_name, func=_component(_module))
