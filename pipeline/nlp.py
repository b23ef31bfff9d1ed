"""The spaCy pipeline that extraction runs on.

One blank Vietnamese pipeline (no model, nothing downloaded) whose tokenizer splits punctuation the way
spaCy's default rules do, and whose components are kehoach's own extractors, registered by name. The
normalised Document and its segmented Structure ride on the Doc as extensions; each component adds spans
to its span group (``doc.spans["legal_refs"]`` …) and the record it built to ``doc._.records[group]`` at the
same index (not on a Span extension: spaCy keys those by offsets, so two spans over the same words would
share one record). The last component assembles the Plan from the groups.

A component's pydantic record carries evidence made by ``evidence()`` from character offsets, never by
searching the text again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span as SpacySpan
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from kehoach.schemas.document import Document
from kehoach.schemas.plan import Span
from kehoach.schemas.structure import Structure

# Order matters only where a component reads another's spans (assemble reads them all).
PIPELINE: list[str] = [
    "kehoach_header",
    "kehoach_legal_refs",
    "kehoach_targets",
    "kehoach_projects",
    "kehoach_budgets",
    "kehoach_deadlines",
    "kehoach_assignments",
    "kehoach_signer",
    "kehoach_assemble",
]

for _name in ("document", "structure", "plan", "records"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@spacy.registry.tokenizers("kehoach.tokenizer.v1")
def create_tokenizer():
    """spaCy's default punctuation rules, but keep symbols like 90/QĐ-TTg and 18/01/2022 whole."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        infixes = [p for p in (defaults.infixes or ()) if "-" not in p and "/" not in p]
        return Tokenizer(
            nlp.vocab,
            prefix_search=compile_prefix_regex(defaults.prefixes or ()).search,
            suffix_search=compile_suffix_regex(defaults.suffixes or ()).search,
            infix_finditer=compile_infix_regex(infixes).finditer if infixes else None,
            token_match=None,
        )

    return make


@dataclass
class Field:
    """A header value (doc_type, number, symbol, place, title, issuer, issue_date, period) with its evidence.

    Header extractors add one per field to ``doc.spans["header"]``; ``name`` is the Plan attribute."""

    name: str
    value: Any
    span: Span | None


def evidence(document: Document, start: int, end: int) -> Span:
    """A Span record for document.text[start:end], with its line and page."""
    return Span(start=start, end=end, line=document.line_of(start), page=document.page_of(start),
                text=document.text[start:end])


def add_span(doc: Doc, group: str, start: int, end: int, label: str, record: Any) -> SpacySpan | None:
    """Add a span over characters [start, end) to ``doc.spans[group]``, and its record at the same index."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:
        return None
    groups = doc.spans
    if group not in groups:
        groups[group] = []
    kept = doc._.records
    if kept is None:
        kept = doc._.records = {}
    groups[group].append(span)
    kept.setdefault(group, []).append(record)
    return span


def records(doc: Doc, group: str, label: str | None = None) -> list[Any]:
    """The records of a span group, in the order they were added (optionally only spans with ``label``)."""
    if group not in doc.spans or not doc._.records:
        return []
    spans, recs = doc.spans[group], doc._.records.get(group, [])
    if label is None:  # no need to make the spans: the records are kept in step with them
        return recs[:len(spans)]
    return [r for s, r in zip(spans, recs) if s.label_ == label]


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The pipeline; components are imported (registered) from kehoach.pipeline.extract."""
    import kehoach.pipeline.extract.components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "kehoach.tokenizer.v1"}}})
    for name in PIPELINE:
        nlp.add_pipe(name)
    return nlp


def make_doc(document: Document, structure: Structure) -> Doc:
    nlp = build_nlp()
    doc = nlp.make_doc(document.text)
    doc._.document = document
    doc._.structure = structure
    doc._.records = {}
    return doc
