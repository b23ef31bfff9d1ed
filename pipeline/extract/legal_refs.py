"""Legal bases and references: one LegalRef per cited document, with every place and date it is cited.

``citations`` reads each citation; this module decides what they mean for the plan:

- citations of one document merge under its normalised symbol (laws without a symbol under their name);
  ``dates_seen`` keeps every distinct date it is given (two dates are a finding for the checks), ``date`` the
  first full one;
- short forms ("Quyết định số 90", "Kế hoạch nêu trên") become mentions of the document they point back to;
  "Kế hoạch này" and a citation of the plan's own number (the appendix caption "Kèm theo Kế hoạch số …")
  are the plan itself, not a reference;
- a document cited in the preamble (before the first numbered section), in the decision that issues the
  plan, or in a numbered "Căn cứ" section is a legal basis, wherever else it is cited; the rest are
  references;
- an issuer written without its name ("của UBND tỉnh", "của Tỉnh ủy") is completed from the plan's own
  issuer chain, the way a reader understands it.
"""

from __future__ import annotations

import regex
from spacy.tokens import Doc

from kehoach.pipeline.dates import to_iso
from kehoach.pipeline.extract.citations import (
    Citation,
    IssuerPart,
    grammar,
    read_citations,
    symbol_key,
    unit_types,
)
from kehoach.pipeline.nlp import add_span, evidence, records
from kehoach.schemas.plan import Issuer, LegalRef
from kehoach.schemas.structure import Structure


def _header_values(doc: Doc) -> dict:
    return {f.name: f.value for f in records(doc, "header")}


def _basis_regions(structure: Structure) -> list[tuple[int, int]]:
    """Where a cited document is a legal basis: preamble, issuing decision, numbered "Căn cứ" sections."""
    regions: list[tuple[int, int]] = []
    if structure.title:  # "Kế hoạch thực hiện Nghị quyết số 05-NQ/TU …": what the plan implements
        regions.append((structure.title.start, structure.title.end))
    if structure.preamble:
        regions.append((structure.preamble.start, structure.preamble.end))
    if structure.decision:
        regions.append((structure.decision.start, structure.decision.end))
    words = grammar().get("legal_basis_sections", {})
    for section in structure.walk():
        if section.depth > 1:
            continue
        title = section.title.casefold()
        if any(title.startswith(w) for w in words.get("starts", [])) or any(w in title for w in words.get("contains", [])):
            regions.append((section.start, section.end))
    return regions


def _context(issuer: Issuer | None) -> list[tuple[str, str, str]]:
    """(level, unit type, name) of the plan's own issuer chain, to complete "của UBND tỉnh"."""
    if issuer is None or not issuer.level:
        return []
    ctx: list[tuple[str, str, str]] = []
    if issuer.unit:
        ctx.append((issuer.level, (issuer.unit_type or "").casefold(), issuer.unit))
    if issuer.level == "xa" and issuer.parent:
        kind, name = split_unit(issuer.parent)
        if name:
            ctx.append(("huyen", kind, name))
    province = issuer.province or (issuer.parent if issuer.level == "huyen" else None)
    if province and issuer.level != "tinh":
        kind, name = split_unit(province)
        ctx.append(("tinh", kind or "tỉnh", name))
    return ctx


def split_unit(text: str) -> tuple[str, str]:
    """("huyện", "Hớn Quản") from "huyện Hớn Quản"; the type is "" when not written."""
    low = text.casefold()
    for ut in unit_types():
        word = ut.word.casefold()
        if low.startswith(word + " "):
            return ut.canonical, text[len(word) + 1:].strip()
    return "", text.strip()


def _issuer_text(parts: list[IssuerPart], ctx: list[tuple[str, str, str]]) -> str | None:
    out = []
    for p in parts:
        name = p.name
        if not name and (p.level or p.unit_type):
            for level, kind, ctx_name in ctx:
                if (p.unit_type and kind and p.unit_type == kind) or (p.level and p.level == level and (
                        not p.unit_type or not kind or level == "tinh")):
                    name = ctx_name
                    break
        pieces = [p.head, p.unit_type or "", name or ""]
        out.append(" ".join(x for x in pieces if x))
    return " và ".join(out) if out else None


def _law_name_key(c: Citation) -> str:
    return " ".join((c.law_name or "").casefold().split())


def _key(c: Citation) -> str | None:
    if c.number:
        return symbol_key(c.number)
    if c.kind == "law" and c.law_name:
        return "luat:" + _law_name_key(c)
    return None


_LEADING_DIGITS = regex.compile(r"\d+")


def _leading_number(key: str) -> int | None:
    m = _LEADING_DIGITS.match(key)
    return int(m.group(0)) if m else None


def _own_key(header: dict) -> str | None:
    """Key of the plan's own full number ("3456/KH-UBND"), which the appendix caption repeats."""
    number, symbol = header.get("number"), header.get("symbol")
    return symbol_key(f"{number}/{symbol}") if number and symbol else None


def _own_caption(doc: Doc, c: Citation, header: dict) -> bool:
    """"(Kèm theo Kế hoạch số 15/KH-UBND …)" under a draft whose own number is blank: the plan itself."""
    symbol, doc_type = header.get("symbol"), header.get("doc_type")
    if not symbol or not c.number or c.type != getattr(doc_type, "value", doc_type):
        return False
    if not symbol_key(c.number).endswith("/" + symbol_key(symbol)):
        return False
    text = doc._.document.text
    return "kèm theo" in " ".join(text[max(0, c.start - 25):c.start].split()).casefold()


def build_refs(doc: Doc) -> list[tuple[LegalRef, list[Citation]]]:
    document = doc._.document
    structure: Structure = doc._.structure
    header = _header_values(doc)
    own_full = _own_key(header)
    cites = read_citations(doc)
    ctx = _context(header.get("issuer"))
    regions = _basis_regions(structure)

    groups: dict[str, list[Citation]] = {}
    order: list[str] = []
    for c in cites:
        if c.kind not in ("full", "law"):
            continue
        if c.kind == "full" and c.blank_number:
            continue  # "Kế hoạch số: /KH-UBND": the plan itself in a draft, or an unusable citation
        key = _key(c)
        if key is None or key == own_full or _own_caption(doc, c, header):
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(c)

    # Short forms point back to a document cited in full.
    for c in cites:
        if c.kind == "short_number":
            cands = [k for k in order if groups[k][0].type == c.type and _leading_number(k) == int(c.short_number)]
            if len(cands) == 1:
                groups[cands[0]].append(c)
        elif c.kind == "short_back":  # the nearest document of that type cited before it
            before = [(x.start, k) for k in order for x in groups[k]
                      if x.kind in ("full", "law") and x.type == c.type and x.start < c.start]
            if before:
                groups[max(before)[1]].append(c)

    # A law cited by name and elsewhere by name and number is one law.
    numbered = {_law_name_key(g[0]): k for k, g in groups.items() if g[0].kind == "law" and g[0].number}
    for key in [k for k in order if k.startswith("luat:") and k[5:] in numbered]:
        groups[numbered[key[5:]]].extend(groups.pop(key))
        order.remove(key)

    out: list[tuple[LegalRef, list[Citation]]] = []
    for key in order:
        group = sorted(groups[key], key=lambda c: c.start)
        first = next(c for c in group if c.kind in ("full", "law"))
        full = [c for c in group if c.kind in ("full", "law")]
        dates = []
        for c in full:
            iso = to_iso(c.date.date) if c.date else None
            if iso and iso not in dates:
                dates.append(iso)
        complete = next((to_iso(c.date.date) for c in full if c.date and c.date.complete), None)
        titles = []
        for c in full:
            if c.title and c.title not in titles:
                titles.append(c.title)
        issuer = next((_issuer_text(c.issuers, ctx) for c in full if c.issuers), None)
        issuer = issuer or grammar().get("default_issuers", {}).get(first.type)
        in_basis = any(a <= c.start < b for c in group for a, b in regions)
        ref = LegalRef(
            type=first.type,
            number=first.number,
            date=complete,
            issuer=issuer,
            title=titles[0] if titles else None,
            dates_seen=dates,
            titles_seen=titles,
            in_preamble=in_basis,
            span=evidence(document, first.start, first.end),
            mentions=[evidence(document, c.start, c.end) for c in group],
        )
        out.append((ref, group))
    return out


def run(doc: Doc) -> None:
    for ref, _ in build_refs(doc):
        add_span(doc, "legal_refs", ref.span.start, ref.span.end, ref.type or "khac", ref)
