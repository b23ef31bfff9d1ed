"""Header fields: doc_type, number and symbol, place, issue date, title, period and the issuer.

Each value comes from the part of the layout where it belongs (segment.Structure): the kind line, the "Số:"
line, the place-and-date line, the title region. Blanks in drafts stay null ("Số: /KH-UBND" → number null,
"ngày  tháng 5 năm 2022" → day null).

The issuer is read from the header's issuer lines ("ỦY BAN NHÂN DÂN / HUYỆN KỲ SƠN"; the upper line of two
is the parent) and, when a plan has none (many copies lose the left column), from the sentence that
introduces the plan ("UBND xã Tân Lợi xây dựng Kế hoạch …", "Ủy ban nhân dân thành phố ban hành …", the name
then coming from the place line). It is then resolved against the gazetteer: the units the text names
("của UBND huyện Hớn Quản") choose among communes of the same name, and give level, parent, province and code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from spacy.tokens import Doc

from kehoach.pipeline import reference
from kehoach.pipeline.dates import find_dates
from kehoach.pipeline.extract.citations import Reader, reference_yaml, symbol_key, unit_types
from kehoach.pipeline.nlp import Field, add_span, evidence, records
from kehoach.schemas.document import Document
from kehoach.schemas.plan import DocType, Issuer, PartialDate, Period
from kehoach.schemas.structure import Structure

_NUMBER = regex.compile(
    r"Số\s*:?\s*(?P<num>\d{1,6}[a-zA-Z]?)?[\s._…]*(?P<sep>[/\-])\s*(?P<sym>[\p{L}\d&][\p{L}\d&/\-.]*[\p{L}\d])", regex.I
)
_YEAR = r"(?:19|20)\d{2}"
_YEARS = regex.compile(
    rf"(?<!\p{{L}})(?:các\s+)?năm\s+(?P<a>{_YEAR})(?:\s*(?:-|và|,|đến)\s*(?:năm\s+)?(?P<b>{_YEAR}))?(?!\d)", regex.I
)
_RANGE = regex.compile(rf"(?<![\d/])(?P<a>{_YEAR})\s*-\s*(?P<b>{_YEAR})(?![\d/])")
_NAME = r"(?:\p{Lu}[\p{L}']*|\d{1,2})(?:[ \t]+\p{Lu}[\p{L}']*){0,4}"


def _words() -> dict:
    return reference_yaml("patterns", "header.yaml")


def _clean(text: str) -> str:
    return " ".join(text.replace("*", " ").split()).strip(" .")


def _title_case(name: str) -> str:
    """"GIA LAI" → "Gia Lai"; names already in mixed case are kept."""
    if name.upper() != name:
        return name
    return " ".join(w[:1] + w[1:].lower() for w in name.split())


@dataclass
class UnitMention:
    """A unit named in the text with its type: "huyện Hớn Quản" (type as the canonical lower-case word)."""

    type: str
    level: str | None
    name: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _mention_re() -> regex.Pattern:
    alternatives = []
    for ut in unit_types():
        words = r"\s+".join(map(regex.escape, ut.word.split()))
        alternatives.append(words if ut.case else f"(?i:{words})")
    return regex.compile(rf"(?<![\p{{L}}])(?P<type>{'|'.join(alternatives)})(?![\p{{L}}])[ \t]*\n?[ \t]*(?P<name>{_NAME})")


@lru_cache(maxsize=1)
def _types_by_word() -> dict:
    """Unit types by their case-folded word; where two share a word, the first of ``unit_types()``."""
    out = {}
    for ut in unit_types():
        out.setdefault(ut.word.casefold(), ut)
    return out


def _type_of(word: str):
    return _types_by_word().get(" ".join(word.split()).casefold())


@lru_cache(maxsize=1)
def _subject_starters() -> tuple[str, ...]:
    """Case-folded words that open a subject ("Quy định", "về" …): a unit's name stops before them."""
    return tuple(w.casefold() for w in reference_yaml("patterns", "citation_grammar.yaml")["title_starters"])


def unit_mentions(text: str, start: int = 0, end: int | None = None) -> list[UnitMention]:
    """Every "<unit type> <Name>" in text[start:end]."""
    out = []
    starters = _subject_starters()
    for m in _mention_re().finditer(text, start, len(text) if end is None else end):
        ut = _type_of(m.group("type"))
        name = m.group("name")
        words = name.split()
        # stop at a word that opens a subject ("tỉnh Quy định …")
        for i in range(len(words)):
            if " ".join(words[i:]).casefold().startswith(starters):
                words = words[:i]
                break
        if ut is None or not words:
            continue
        out.append(UnitMention(ut.canonical, ut.level, " ".join(words), m.start(), m.start("name") + len(name)))
    return out


# --- simple fields ----------------------------------------------------------------------------------------


def _doc_type(doc: Doc, document: Document, structure: Structure) -> None:
    region = structure.doc_kind_line
    if region is None:
        return
    entry = reference.doc_types().by_word(document.text[region.start:region.end])
    if entry is not None:
        value = DocType.ke_hoach if structure.decision is not None else entry.code
        _add(doc, document, "doc_type", value, region.start, region.end)


def _number(doc: Doc, document: Document, structure: Structure) -> None:
    region = structure.header.number_line
    if region is None:
        return
    m = _NUMBER.search(document.text, region.start, region.end)
    if not m:
        return
    if m.group("num"):
        _add(doc, document, "number", m.group("num"), m.start("num"), m.end("num"))
    else:
        _add(doc, document, "number", None, region.start, region.end)
    _add(doc, document, "symbol", m.group("sym"), m.start("sym"), m.end("sym"))


def _place_date(doc: Doc, document: Document, structure: Structure) -> str | None:
    region = structure.header.place_date
    if region is None:
        return None
    text = document.text
    comma = text.find(",", region.start, region.end)
    place = None
    if comma > region.start:
        raw = text[region.start:comma]
        place = _clean(raw)
        left = region.start + len(raw) - len(raw.lstrip(" *"))
        _add(doc, document, "place", place, left, comma)
    dates = find_dates(text, region.start, region.end)
    if dates:
        d = dates[0]
        _add(doc, document, "issue_date", d.date, d.start, d.end)
    return place


def _title(doc: Doc, document: Document, structure: Structure) -> tuple[int, int] | None:
    region = structure.title
    if region is None:
        return None
    title = _clean(document.text[region.start:region.end])
    if title:
        _add(doc, document, "title", title, region.start, region.end)
        return region.start, region.end
    return None


def _period_in(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> tuple[int, int, int, int] | None:
    """(start_year, end_year, span) of the first period expression: "năm Y" forms first, then ranges."""
    not_after = _words()["period_not_after"]
    for pattern in (_YEARS, _RANGE):
        for m in pattern.finditer(text, start, end):
            if any(a <= m.start() < b for a, b in skip):
                continue
            before = text[max(0, m.start() - 12):m.start()].split()
            if pattern is _YEARS and before and before[-1].casefold() in not_after:
                continue
            a = int(m.group("a"))
            b = int(m.group("b")) if m.group("b") else a
            if b < a or b - a > 15:
                continue
            return a, b, m.start(), m.end()
    return None


def _period(doc: Doc, document: Document, structure: Structure, title: tuple[int, int] | None) -> None:
    text = document.text
    dates = [(d.start, d.end) for d in find_dates(text)]
    found = _period_in(text, *title, dates) if title else None
    if found is None:
        cited = [(c.start, c.end) for c in Reader.of(doc).citations()]
        lo = structure.preamble.start if structure.preamble else (title[1] if title else 0)
        hi = structure.body.end if structure.body else len(text)
        found = _period_in(text, lo, hi, dates + cited)
    if found:
        a, b, s, e = found
        span = evidence(document, s, e)
        _add(doc, document, "period", Period(start_year=a, end_year=b, span=span), s, e)


def _add(doc: Doc, document: Document, name: str, value, start: int, end: int) -> None:
    """A header Field with its evidence."""
    field = Field(name=name, value=value, span=evidence(document, start, end))
    add_span(doc, "header", start, end, name, field)


# --- issuer -----------------------------------------------------------------------------------------------


@dataclass
class _Found:
    """An issuing body as found in the text, before the gazetteer resolves it."""

    head: str
    unit_type: str | None
    name: str | None
    start: int
    end: int
    parent: UnitMention | None = None
    office: str | None = None  # an office of the UBND that issues the plan ("Phòng Lao động - …")


def _heads_in(reader: Reader, start: int, end: int, same_line: bool = False) -> list[_Found]:
    """Issuing bodies that can issue a plan (UBND, HĐND) in [start, end), with their unit when written."""
    out = []
    heads = _words()["issuer_heads"]
    for pos in reader.issuer_starts(start, end):
        hit = reader.issuer_at(pos, end if same_line else None, same_line)
        if hit is None:
            continue
        part, part_end = hit
        if part.head in heads:
            out.append(_Found(heads[part.head], part.unit_type, part.name, pos, part_end))
    return out


def _from_header(doc: Doc, document: Document, structure: Structure) -> _Found | None:
    region = structure.header.issuer_lines
    if region is None:
        return None
    reader = Reader.of(doc)
    # A two-column header flattened with "|" may hold issuer lines after the motto's first line, so the
    # whole header above the "Số:" line (or the kind line) is searched; names stay on their own line.
    stops = [r.start for r in (structure.header.number_line, structure.doc_kind_line) if r and r.start > region.start]
    end = min(stops) if stops else region.end
    found = [f for f in _heads_in(reader, region.start, end, same_line=True) if f.unit_type]
    mentions = unit_mentions(document.text, region.start, region.end)
    if found:
        issuer = found[-1]
        before = [m for m in mentions if m.end <= issuer.start]
        issuer.parent = before[-1] if before else None
        # "UBND TP. KON TUM / PHÒNG LAO ĐỘNG - TB&XH": an office of that UBND issues the plan
        rest = document.text[issuer.end:region.end].strip(" \t\n|")
        body = reference.bodies().match(rest.split("\n")[0]) if rest else None
        if body is not None and body.key not in ("ubnd", "hdnd"):
            issuer.office = body.name
            issuer.end = issuer.end + len(document.text[issuer.end:region.end].rstrip(" \t\n|"))
        return issuer
    if mentions:  # "HUYỆN ĐỒNG VĂN / XÃ LŨNG CÚ" without "UBND"
        last = mentions[-1]
        return _Found("UBND", last.type, last.name, last.start, last.end, mentions[-2] if len(mentions) > 1 else None)
    return None


def _from_body(doc: Doc, document: Document, structure: Structure) -> _Found | None:
    """The body that introduces the plan: a head not preceded by "của …" and followed by an issuer verb."""
    text = document.text
    reader = Reader.of(doc)
    words = _words()
    verbs = [v.casefold() for v in words["issuer_verbs"]]
    not_after = {w.casefold() for w in words["issuer_not_after"]}
    regions = []
    if structure.preamble:
        regions.append((structure.preamble.start, structure.preamble.end))
    if structure.body:
        regions.append((structure.body.start, structure.body.end))
    regions.append((0, len(text)))
    for lo, hi in regions:
        for f in _heads_in(reader, lo, hi):
            if not f.unit_type:
                continue
            before = text[max(0, f.start - 15):f.start].split()
            if before and before[-1].casefold().strip(",;:(") in not_after:
                continue
            after = " ".join(text[f.end:f.end + 30].split()).casefold()
            if any(after.startswith(v) for v in verbs):
                return f
    return None


def _own_caption_issuer(doc: Doc, document: Document, structure: Structure) -> _Found | None:
    """The issuer named in the plan's own caption: "(Kèm theo Kế hoạch số …/KH-UBND … của UBND phường X)"."""
    symbol = next((f.value for f in _fields(doc) if f.name == "symbol"), None)
    number = next((f.value for f in _fields(doc) if f.name == "number"), None)
    if not symbol:
        return None
    for c in Reader.of(doc).citations():
        if c.kind != "full" or not c.number or not c.issuers:
            continue
        own = symbol_key(c.number) in (symbol_key(f"{number}/{symbol}") if number else "", symbol_key("/" + symbol))
        part = c.issuers[0]
        if own and part.unit_type and c.issuer_span:
            heads = _words()["issuer_heads"]
            if part.head in heads:
                return _Found(heads[part.head], part.unit_type, part.name, *c.issuer_span)
    return None


def _fields(doc: Doc) -> list[Field]:
    return records(doc, "header")


def _resolve(found: _Found, place: str | None, text: str, plan_year: int | None) -> Issuer:
    """Level, canonical unit name, parent, province and code from the gazetteer, guided by the text."""
    units = reference.admin_units()
    ut = _type_of(found.unit_type) if found.unit_type else None
    type_word = ut.canonical if ut else found.unit_type
    name = _title_case(found.name) if found.name else None
    mentions = unit_mentions(text)
    if name is None and place:
        # "Ủy ban nhân dân thành phố ban hành …": the unit is the place of issue, spelled as the text
        # spells it elsewhere ("Vinh Yên" in the header, "thành phố Vĩnh Yên" in the body).
        same = [m for m in mentions if m.type == type_word and reference.ascii_key(m.name) == reference.ascii_key(place)]
        name = _title_case(same[0].name) if same else place
    candidates = units.find(type_word, name, loose=True) if name and type_word else []
    era = "2025" if plan_year and plan_year >= 2026 else "legacy"
    candidates = [c for c in candidates if c.era == era] or candidates
    named = {reference.name_key(m.name) for m in mentions if reference.name_key(m.name) != reference.name_key(name or "")}
    if found.parent is not None:
        named.add(reference.name_key(found.parent.name))

    def score(unit) -> tuple[int, int]:
        hits = sum(reference.name_key(a.name) in named for a in unit.ancestors())
        parent_hit = found.parent is not None and any(
            reference.name_key(a.name) == reference.name_key(found.parent.name) for a in unit.ancestors())
        return int(parent_hit), hits

    best = None
    if candidates:
        ranked = sorted(candidates, key=score, reverse=True)
        top = score(ranked[0])
        tied = [c for c in ranked if score(c) == top]
        if len(tied) == 1 or len({c.parent for c in tied}) == 1:
            best = tied[0]
    level = best.level if best else (ut.level if ut and ut.level else ("huyen" if type_word == "thành phố" else None))
    # The unit as the plan writes it ("Đắk Glong" where the gazetteer has "Đăk Glong"); the gazetteer only
    # restores the case of a name printed in capitals ("IA H'DRAI" → "Ia H'Drai").
    unit_name = best.name if best and name and reference.name_key(best.name) == reference.name_key(name) else name
    issuer = Issuer(name=" ".join(x for x in (found.office or found.head, type_word, unit_name) if x), level=level,
                    unit=unit_name, unit_type=type_word)
    if best is not None:
        issuer.province = best.province.name if best.level != "tinh" else best.name
        issuer.code = best.code
    issuer.parent = _parent(level, best, found.parent, mentions, unit_name)
    return issuer


def _parent(level: str | None, best, header_parent: UnitMention | None, mentions: list[UnitMention],
            unit_name: str | None) -> str | None:
    """Gold convention: a commune's parent with its type ("huyện Hớn Quản"); a district's parent is the
    province name alone ("Vĩnh Phúc"); a province has none."""
    if level == "tinh" or level is None:
        return None
    own = reference.name_key(unit_name or "")
    if level == "xa":
        if best is not None and best.parent is not None:
            district = best.parent
            written = next((m for m in mentions if reference.name_key(m.name) == reference.name_key(district.name)
                            and m.level != "xa"), None)
            kind = written.type if written else district.type.casefold()
            return f"{kind} {district.name}"
        cands = ([header_parent] if header_parent else []) + [
            m for m in mentions if m.level in ("huyen", None) and m.type != "tỉnh" and reference.name_key(m.name) != own]
        if cands:
            return f"{cands[0].type} {_title_case(cands[0].name)}"
        return None
    if best is not None:
        return best.province.name
    cands = ([header_parent] if header_parent else []) + [m for m in mentions if m.level == "tinh"]
    return _title_case(cands[0].name) if cands else None


def _issuer(doc: Doc, document: Document, structure: Structure, place: str | None) -> None:
    found = (_from_header(doc, document, structure) or _from_body(doc, document, structure)
             or _own_caption_issuer(doc, document, structure))
    if found is None:
        return
    date = next((f.value for f in _fields(doc) if f.name == "issue_date"), None)
    year = date.year if isinstance(date, PartialDate) else None
    issuer = _resolve(found, place, document.text, year)
    issuer.span = evidence(document, found.start, found.end)
    _add(doc, document, "issuer", issuer, found.start, found.end)


def run(doc: Doc) -> None:
    document: Document = doc._.document
    structure: Structure = doc._.structure
    _doc_type(doc, document, structure)
    _number(doc, document, structure)
    place = _place_date(doc, document, structure)
    title = _title(doc, document, structure)
    _period(doc, document, structure, title)
    _issuer(doc, document, structure, place)
